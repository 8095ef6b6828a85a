/* Reclaim: evicting a frame (to swap, or to its file, or just dropped) with every PTE that
 * maps it unmapped through the reverse map, and finding a victim through the policy. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

/* Unmaps every PTE of frame f, replacing each with `repl` (a swap entry or none). */
static void unmap_all(struct kernel *k, uint32_t f, pte_t repl, uint32_t slot)
{
    struct frame *fr = kern_frame(k, f);
    while (fr->nrmap) {
        struct rmap_ent r = fr->rmap[fr->nrmap - 1];
        paddr_t p = kern_pte_pa(k, r.t, r.va);
        if (p)
            kern_pte_set(k, r.t, r.va, p, repl);
        if (repl)
            kern_slot(k, slot)->count++;
        fr->refcount++; /* keep it while the last mapping goes */
        kern_rmap_del(k, f, r.t, r.va);
        fr->refcount--;
    }
}

/* A swap-out or write-back of frame f failed with an I/O error (counted where it failed):
 * as Linux re-dirties a page whose write-back failed, f stays resident and dirty, and
 * reclaim looks for another victim. Other errors (host memory) go up. */
static int evict_failed(struct kernel *k, uint32_t f, int rc, struct vms_error *e,
                        const struct vms_error *ioe, uint64_t errors_before)
{
    if (kern_io_errors(k) != errors_before) {
        kern_frame(k, f)->flags |= FR_DIRTY;
        return 0;
    }
    if (e)
        *e = *ioe;
    return rc;
}

/* Evicts frame f. 1 = evicted, 0 = cannot (no swap space, or its swap-out or write-back
 * failed: docs/kernel.md "I/O errors"), negative on host errors. */
int kern_evict(struct kernel *k, uint32_t f, struct vms_error *e)
{
    struct vms_error ioe = {0};
    uint64_t errors = kern_io_errors(k);
    struct frame *fr = kern_frame(k, f);
    bool dirty = kern_frame_dirty(k, f, false);
    if (fr->flags & FR_FILE) {
        struct kfile *kf = fr->file;
        if (kf->shmem) {
            uint32_t s;
            int rc = kern_swap_out_new(k, f, &s, &ioe);
            if (rc != 1)
                return rc < 0 ? evict_failed(k, f, rc, e, &ioe, errors) : rc;
            unmap_all(k, f, 0, 0);
            kf->pages[fr->index] = -(int64_t)s - 1;
            kern_slot(k, s)->count = 1;
        } else {
            if (dirty) {
                int rc = kern_file_writeback(k, kf, f, &ioe);
                if (rc)
                    return evict_failed(k, f, rc, e, &ioe, errors);
            }
            if (kern_file_save_tail(k, kf, f))
                return err_set(e, VMS_ENOMEM, "out of host memory");
            unmap_all(k, f, 0, 0);
            kf->pages[fr->index] = 0;
        }
        fr->flags &= ~FR_FILE;
        fr->file = NULL;
        kern_frame_put(k, f); /* the page cache's reference */
        return 1;
    }
    /* anonymous */
    uint32_t s = fr->slot;
    if (s == KNONE) {
        int rc = kern_swap_out_new(k, f, &s, &ioe);
        if (rc != 1)
            return rc < 0 ? evict_failed(k, f, rc, e, &ioe, errors) : rc;
    } else if (dirty) {
        int rc = kern_swap_write(k, s, f, &ioe);
        if (rc)
            return evict_failed(k, f, rc, e, &ioe, errors);
    }
    fr->refcount++; /* hold it while the mappings and the swap-cache link go */
    unmap_all(k, f, kern_pte_swap(s), s);
    if (fr->slot != KNONE)
        kern_swap_cache_del(k, s);
    else if (kern_slot(k, s)->count == 0)
        kern_swap_free_slot(k, s);
    fr->refcount--;
    VMS_INVARIANT(fr->refcount == 0, "evicted anonymous frame still referenced");
    kern_frame_free(k, f);
    return 1;
}

static uint64_t page_id(struct kernel *k, uint32_t f)
{
    struct frame *fr = kern_frame(k, f);
    if (fr->nrmap)
        return fr->rmap[0].va >> k->pshift;
    return f;
}

/* Finds a victim and evicts it. 1 = a frame was freed, 0 = nothing evictable. */
int kern_reclaim_one(struct kernel *k, struct vms_error *e)
{
    uint32_t tries = 0, limit = 2 * k->nframes + 16;
    while (tries++ < limit) {
        uint32_t v = policy_victim(k->pol, &k->env);
        if (kern_frame(k, v)->refcount == 0) { /* the policy thought it occupied: drop it */
            continue;
        }
        if (kern_frame(k, v)->flags & FR_LOCKED) {
            policy_insert(k->pol, v, page_id(k, v), false);
            continue;
        }
        int rc = kern_evict(k, v, e);
        if (rc == 1)
            k->evictions++;
        if (rc < 0) {
            if (!policy_slot_used(k->pol, v))
                policy_insert(k->pol, v, page_id(k, v), false);
            return rc;
        }
        if (rc == 1)
            return 1;
        policy_insert(k->pol, v, page_id(k, v), false); /* could not swap it out */
    }
    /* The policy kept offering frames that cannot go (locked, or anonymous with no swap slot
     * left; a re-inserted frame may look the oldest again, as with aging): an evictable frame
     * may still exist. Look at every frame before the out-of-memory killer runs. */
    for (uint32_t f = 0; f < k->frames_hw; f++) { /* the others are free */
        if (kern_frame(k, f)->refcount == 0 || (kern_frame(k, f)->flags & FR_LOCKED))
            continue;
        int rc = kern_evict(k, f, e); /* a freed frame leaves the policy in kern_frame_free */
        if (rc == 1)
            k->evictions++;
        if (rc != 0)
            return rc;
    }
    return 0;
}
