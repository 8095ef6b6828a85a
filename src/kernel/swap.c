/* The swap device (a real file): slot allocation with a reference count per slot, the swap
 * cache (slot -> frame), all-zero pages noted without being written, and the page I/O with
 * the refault distance of each swap-in. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

static int swap_alloc(struct kernel *k, uint32_t *out)
{
    if (k->slots_used >= k->nslots)
        return -1;
    for (uint32_t n = 0; n < k->nslots; n++) {
        uint32_t s = k->slot_cursor;
        k->slot_cursor = (k->slot_cursor + 1) % k->nslots;
        if (k->swap_map[s] == 0 && k->swap_cache[s] == KNONE) {
            k->slots_used++;
            *out = s;
            return 0;
        }
    }
    return -1;
}

void kern_swap_free_slot(struct kernel *k, uint32_t s)
{
    k->slot_zero[s] = 0;
    k->slots_used--;
}

/* Drops the swap-cache link of slot s (the frame keeps its data). */
void kern_swap_cache_del(struct kernel *k, uint32_t s)
{
    uint32_t f = k->swap_cache[s];
    if (f == KNONE)
        return;
    k->swap_cache[s] = KNONE;
    k->frames[f].slot = KNONE;
    if (k->swap_map[s] == 0)
        kern_swap_free_slot(k, s);
    kern_frame_put(k, f);
}

void kern_swap_put(struct kernel *k, uint32_t s)
{
    VMS_INVARIANT(s < k->nslots && k->swap_map[s] > 0, "swap slot reference underflow");
    if (--k->swap_map[s] > 0)
        return;
    uint32_t f = k->swap_cache[s];
    if (f == KNONE) {
        kern_swap_free_slot(k, s);
        return;
    }
    /* nobody refers to the slot any more: the swap-cache page loses its backing */
    k->swap_cache[s] = KNONE;
    k->frames[f].slot = KNONE;
    k->frames[f].flags |= FR_DIRTY;
    kern_swap_free_slot(k, s);
    kern_frame_put(k, f);
}

int kern_swap_write(struct kernel *k, uint32_t s, uint32_t f, struct vms_error *e)
{
    const uint8_t *b = physmem_peek(k->mmu.pm, f);
    bool zero = true;
    if (b)
        for (uint64_t i = 0; i < k->psize && zero; i++)
            zero = b[i] == 0;
    k->slot_zero[s] = zero;
    k->slot_stamp[s] = k->evictions;
    k->st.swap_outs++;
    struct task *a = kern_actor(k);
    if (a)
        a->st.swap_outs++;
    if (zero)
        return 0;
    ssize_t n = pwrite(k->swap_fd, b, k->psize, (off_t)(s * k->psize));
    if (n != (ssize_t)k->psize)
        return err_set(e, VMS_EIO, "swap file: write failed: %s",
                       n < 0 ? strerror(errno) : "short write");
    return 0;
}

int kern_swap_read(struct kernel *k, uint32_t s, uint32_t f, struct vms_error *e)
{
    k->st.swap_ins++;
    struct task *a = kern_actor(k);
    if (a)
        a->st.swap_ins++;
    /* Refault distance (Linux mm/workingset.c): had memory been larger by the evictions
     * since this page left, it would still be resident. Within nframes: the working set
     * does not fit. */
    k->refaults++;
    if (k->evictions - k->slot_stamp[s] <= k->nframes)
        k->ws_refaults++;
    if (k->slot_zero[s]) {
        physmem_clear(k->mmu.pm, f);
        return 0;
    }
    uint8_t *b = kern_frame_bytes(k, f);
    if (!b)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    ssize_t n = pread(k->swap_fd, b, k->psize, (off_t)(s * k->psize));
    if (n != (ssize_t)k->psize)
        return err_set(e, VMS_EIO, "swap file: read failed: %s",
                       n < 0 ? strerror(errno) : "short read");
    return 0;
}

/* Writes frame f to a newly allocated slot *s: 1, 0 when swap is full, or negative. */
int kern_swap_out_new(struct kernel *k, uint32_t f, uint32_t *s, struct vms_error *e)
{
    if (swap_alloc(k, s) != 0)
        return 0;
    int rc = kern_swap_write(k, *s, f, e);
    if (rc) {
        kern_swap_free_slot(k, *s);
        return rc;
    }
    return 1;
}
