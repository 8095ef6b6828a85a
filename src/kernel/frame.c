/* User frames: the free list, refcounts and mapcounts, and the reverse map of each frame
 * (the (task, address) of every PTE that maps it). The frame locks of the access in
 * progress are inline in internal.h. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

uint8_t *kern_frame_bytes(struct kernel *k, uint32_t f)
{
    return physmem_frame(k->mmu.pm, f);
}

void kern_frame_free(struct kernel *k, uint32_t f)
{
    struct frame *fr = &k->frames[f];
    VMS_INVARIANT(fr->mapcount == 0 && fr->nrmap == 0, "freeing a mapped frame");
    if (policy_slot_used(k->pol, f))
        policy_remove(k->pol, f);
    physmem_clear(k->mmu.pm, f);
    fr->flags = 0;
    fr->file = NULL;
    fr->slot = KNONE;
    fr->refcount = 0;
    fr->next_free = k->free_head;
    k->free_head = f;
    k->nfree++;
}

bool kern_frame_get_free(struct kernel *k, uint32_t *out)
{
    if (!k->nfree)
        return false;
    uint32_t f = k->free_head;
    k->free_head = k->frames[f].next_free;
    k->nfree--;
    struct frame *fr = &k->frames[f];
    fr->refcount = 1;
    fr->mapcount = 0;
    fr->flags = 0;
    fr->slot = KNONE;
    fr->file = NULL;
    policy_insert(k->pol, f, f, false);
    *out = f;
    return true;
}

void kern_frame_put(struct kernel *k, uint32_t f)
{
    struct frame *fr = &k->frames[f];
    VMS_INVARIANT(fr->refcount > 0, "frame refcount underflow");
    if (--fr->refcount == 0)
        kern_frame_free(k, f);
}

int kern_rmap_add(struct kernel *k, uint32_t f, struct task *t, vaddr_t va)
{
    struct frame *fr = &k->frames[f];
    if (fr->nrmap == fr->caprmap) {
        uint32_t n = fr->caprmap ? 2 * fr->caprmap : 2;
        struct rmap_ent *nr = vms_realloc(fr->rmap, n * sizeof *nr);
        if (!nr)
            return -VMS_ENOMEM;
        fr->rmap = nr;
        fr->caprmap = n;
    }
    fr->rmap[fr->nrmap++] = (struct rmap_ent){t, va};
    fr->mapcount++;
    fr->refcount++;
    t->rss++;
    return 0;
}

void kern_rmap_del(struct kernel *k, uint32_t f, struct task *t, vaddr_t va)
{
    struct frame *fr = &k->frames[f];
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        if (fr->rmap[i].t == t && fr->rmap[i].va == va) {
            fr->rmap[i] = fr->rmap[--fr->nrmap];
            fr->mapcount--;
            t->rss--;
            if (fr->nrmap == 0) {
                vms_free(fr->rmap);
                fr->rmap = NULL;
                fr->caprmap = 0;
            }
            kern_frame_put(k, f);
            return;
        }
    }
    VMS_INVARIANT(0, "reverse map entry missing");
}
