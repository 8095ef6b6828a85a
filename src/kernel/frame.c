/* User frames: their two-level table (leaves made as frames are first used), the free
 * frames (a high-water mark and the list of freed ones), refcounts and mapcounts, and the
 * reverse map of each frame (the (task, address) of every PTE that maps it). The frame
 * locks of the access in progress are inline in internal.h. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

uint8_t *kern_frame_bytes(struct kernel *k, uint32_t f)
{
    return physmem_frame(k->mmu.pm, f);
}

void kern_frame_free(struct kernel *k, uint32_t f)
{
    struct frame *fr = kern_frame(k, f);
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

/* Makes the metadata of frame k->frames_hw, the next never-used one: a new leaf when it is
 * the first of one (as long as it must be, for the last). 0 or -VMS_ENOMEM. */
static int frame_table_grow(struct kernel *k)
{
    uint32_t f = k->frames_hw, leaf = f >> KERN_LEAF_SHIFT;
    if (f & (KERN_LEAF - 1))
        return 0;
    if (leaf == k->frame_dir_cap) {
        uint32_t n = k->frame_dir_cap ? 2 * k->frame_dir_cap : 1;
        struct frame **nd = vms_realloc(k->frame_dir, n * sizeof *nd);
        if (!nd)
            return -VMS_ENOMEM;
        k->frame_dir = nd;
        k->frame_dir_cap = n;
    }
    uint32_t len = k->nframes - f < KERN_LEAF ? k->nframes - f : KERN_LEAF;
    if (policy_reserve(k->pol, f + len)) /* the policy's view of the new frames */
        return -VMS_ENOMEM;
    struct frame *l = vms_calloc(len, sizeof *l);
    if (!l)
        return -VMS_ENOMEM;
    for (uint32_t i = 0; i < len; i++)
        l[i].slot = KNONE;
    k->frame_dir[leaf] = l;
    return 0;
}

void kern_frame_table_free(struct kernel *k)
{
    for (uint32_t f = 0; f < k->frames_hw; f++)
        vms_free(kern_frame(k, f)->rmap);
    for (uint32_t i = 0; i < k->frames_hw; i += KERN_LEAF)
        vms_free(k->frame_dir[i >> KERN_LEAF_SHIFT]);
    vms_free(k->frame_dir);
    k->frame_dir = NULL;
    k->frame_dir_cap = k->frames_hw = 0;
}

int kern_frame_get_free(struct kernel *k, uint32_t *out)
{
    uint32_t f;
    if (k->free_head != KNONE) { /* the last frame freed */
        f = k->free_head;
        k->free_head = kern_frame(k, f)->next_free;
    } else if (k->frames_hw < k->nframes) { /* the lowest never used */
        if (frame_table_grow(k))
            return -VMS_ENOMEM;
        f = k->frames_hw++;
    } else {
        return 0;
    }
    k->nfree--;
    struct frame *fr = kern_frame(k, f);
    fr->refcount = 1;
    fr->mapcount = 0;
    fr->flags = 0;
    fr->slot = KNONE;
    fr->file = NULL;
    policy_insert(k->pol, f, f, false);
    *out = f;
    return 1;
}

void kern_frame_put(struct kernel *k, uint32_t f)
{
    struct frame *fr = kern_frame(k, f);
    VMS_INVARIANT(fr->refcount > 0, "frame refcount underflow");
    if (--fr->refcount == 0)
        kern_frame_free(k, f);
}

int kern_rmap_add(struct kernel *k, uint32_t f, struct task *t, vaddr_t va)
{
    struct frame *fr = kern_frame(k, f);
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
    struct frame *fr = kern_frame(k, f);
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

/* ------------------------------------------------------------------ residency */

void kern_task_residency(const struct kernel *k, const struct task *t, struct stats *s)
{
    uint64_t resident = 0, shared = 0, cache = 0, ptes = 0, pss = 0;
    for (uint32_t f = 0; f < k->frames_hw; f++) {
        const struct frame *fr = kern_frame(k, f);
        uint32_t mine = 0;
        bool other = false;
        for (uint32_t i = 0; i < fr->nrmap; i++) {
            if (fr->rmap[i].t == t)
                mine++;
            else
                other = true;
        }
        if (!mine)
            continue;
        resident++;
        shared += other;
        cache += (fr->flags & FR_FILE) != 0;
        ptes += mine;
        /* each PTE: the page's size divided by the PTEs mapping it (Linux's mapcount) */
        pss += mine * ((k->psize << KERN_PSS_SHIFT) / fr->mapcount);
    }
    s->residency = true;
    s->mem_resident = resident;
    s->mem_shared = shared;
    s->mem_page_cache = cache;
    s->mem_rss = ptes * k->psize;
    s->mem_pss = pss >> KERN_PSS_SHIFT;
}

void kern_frames_residency(struct kernel *k, struct stats *s, bool sum_pss)
{
    uint64_t shared = 0, cache = 0;
    if (sum_pss)
        for (struct task *t = k->tasks; t; t = t->next)
            t->pss_acc = 0;
    for (uint32_t f = 0; f < k->frames_hw; f++) {
        const struct frame *fr = kern_frame(k, f);
        if (!fr->refcount)
            continue;
        cache += (fr->flags & FR_FILE) != 0;
        bool two = false;
        for (uint32_t i = 0; i < fr->nrmap; i++) {
            if (sum_pss)
                fr->rmap[i].t->pss_acc += (k->psize << KERN_PSS_SHIFT) / fr->mapcount;
            two |= fr->rmap[i].t != fr->rmap[0].t;
        }
        shared += two;
    }
    s->residency = true;
    s->mem_resident = k->nframes - k->nfree;
    s->mem_shared = shared;
    s->mem_page_cache = cache;
}

/* ------------------------------------------------------------------ checkpoints */

int kern_frames_save(const struct kernel *k, struct ser *s, struct vms_error *e)
{
    ser_u32(s, k->frames_hw);
    ser_u32(s, k->nfree);
    ser_u32(s, k->free_head);
    for (uint32_t f = 0; f < k->frames_hw; f++) {
        const struct frame *fr = kern_frame(k, f);
        if (fr->file)
            return err_set(e, VMS_EUNSUPPORTED,
                           "a checkpoint cannot hold page-cache pages (mapped files, shared "
                           "memory)");
        ser_u32(s, fr->refcount);
        ser_u32(s, fr->mapcount);
        ser_u32(s, fr->flags);
        ser_u32(s, fr->slot);
        ser_u32(s, fr->next_free);
        ser_u32(s, fr->nrmap);
        for (uint32_t i = 0; i < fr->nrmap; i++) {
            ser_u32(s, (uint32_t)fr->rmap[i].t->pid);
            ser_u64(s, fr->rmap[i].va);
        }
    }
    return 0;
}

int kern_frames_load(struct kernel *k, struct deser *d, struct task *const *bypid, int npid)
{
    uint32_t hw = deser_id(d, (uint64_t)k->nframes + 1, false, "frames used");
    k->nfree = deser_id(d, (uint64_t)k->nframes + 1, false, "free frames");
    k->free_head = deser_id(d, hw, true, "freed frame");
    if (d->bad)
        return 0;
    VMS_INVARIANT(k->frames_hw == 0, "frames loaded into a kernel that used some");
    for (uint32_t f = 0; f < hw; f++) {
        k->frames_hw = f;
        if (frame_table_grow(k) < 0)
            return -VMS_ENOMEM;
        k->frames_hw = f + 1; /* the leaf is there: kern_frame_table_free frees it */
        struct frame *fr = kern_frame(k, f);
        fr->refcount = deser_u32(d);
        fr->mapcount = deser_u32(d);
        fr->flags = deser_u32(d);
        if (fr->flags & ~(FR_ANON | FR_DIRTY | FR_REFERENCED))
            deser_fail(d, "corrupt checkpoint: frame %u's flags", f);
        fr->slot = deser_id(d, k->nslots, true, "swap slot");
        fr->next_free = deser_id(d, hw, true, "freed frame");
        uint32_t n = deser_id(d, (d->len - d->pos) / 12 + 1, false, "reverse-map length");
        if (d->bad)
            return 0;
        if (n) {
            fr->rmap = vms_malloc(n * sizeof *fr->rmap);
            if (!fr->rmap)
                return -VMS_ENOMEM;
            fr->caprmap = n;
        }
        for (uint32_t i = 0; i < n && !d->bad; i++) {
            uint32_t pid = deser_id(d, (uint64_t)npid, false, "pid");
            fr->rmap[i].t = bypid[pid];
            fr->rmap[i].va = deser_u64(d);
            if (!fr->rmap[i].t)
                deser_fail(d, "corrupt checkpoint: a reverse map names no process");
            fr->nrmap = i + 1;
        }
        if (d->bad)
            return 0;
        if (fr->nrmap != fr->mapcount)
            deser_fail(d, "corrupt checkpoint: frame %u's reverse map", f);
    }
    return 0;
}
