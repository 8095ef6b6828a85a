/* The swap device (a real file): slot allocation with a reference count per slot (a
 * two-level table whose leaves are made as the allocator first reaches them), the swap
 * cache (slot -> frame), all-zero pages noted without being written, and the page I/O with
 * the refault distance of each swap-in. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/io.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Makes slot k->slots_hw, the next the cursor reaches for the first time: a new leaf when it
 * is the first of one. 0 or -VMS_ENOMEM. */
static int slot_table_grow(struct kernel *k)
{
    uint32_t s = k->slots_hw, leaf = s >> KERN_LEAF_SHIFT;
    if (s & (KERN_LEAF - 1))
        return 0;
    if (leaf == k->slot_dir_cap) {
        uint32_t n = k->slot_dir_cap ? 2 * k->slot_dir_cap : 1;
        struct swap_slot **nd = vms_realloc(k->slot_dir, n * sizeof *nd);
        if (!nd)
            return -VMS_ENOMEM;
        k->slot_dir = nd;
        k->slot_dir_cap = n;
    }
    uint32_t len = k->nslots - s < KERN_LEAF ? k->nslots - s : KERN_LEAF;
    struct swap_slot *l = vms_calloc(len, sizeof *l);
    if (!l)
        return -VMS_ENOMEM;
    for (uint32_t i = 0; i < len; i++)
        l[i].cache = KNONE;
    k->slot_dir[leaf] = l;
    return 0;
}

void kern_swap_table_free(struct kernel *k)
{
    for (uint32_t i = 0; i < k->slots_hw; i += KERN_LEAF)
        vms_free(k->slot_dir[i >> KERN_LEAF_SHIFT]);
    vms_free(k->slot_dir);
    k->slot_dir = NULL;
    k->slot_dir_cap = k->slots_hw = 0;
}

/* The next free slot from the cursor on: 1, 0 when swap is full, -VMS_ENOMEM. The cursor
 * moves one slot at a time, so the first slot it has not reached before is slots_hw, and
 * free. */
static int swap_alloc(struct kernel *k, uint32_t *out)
{
    if (k->slots_used >= k->nslots)
        return 0;
    for (uint32_t n = 0; n < k->nslots; n++) {
        uint32_t s = k->slot_cursor;
        if (s == k->slots_hw) {
            if (slot_table_grow(k))
                return -VMS_ENOMEM;
            k->slots_hw++;
        }
        k->slot_cursor = (k->slot_cursor + 1) % k->nslots;
        if (kern_slot(k, s)->count == 0 && kern_slot(k, s)->cache == KNONE) {
            k->slots_used++;
            *out = s;
            return 1;
        }
    }
    return 0;
}

void kern_swap_free_slot(struct kernel *k, uint32_t s)
{
    kern_slot(k, s)->zero = 0;
    k->slots_used--;
}

/* Drops the swap-cache link of slot s (the frame keeps its data). */
void kern_swap_cache_del(struct kernel *k, uint32_t s)
{
    uint32_t f = kern_slot(k, s)->cache;
    if (f == KNONE)
        return;
    kern_slot(k, s)->cache = KNONE;
    kern_frame(k, f)->slot = KNONE;
    if (kern_slot(k, s)->count == 0)
        kern_swap_free_slot(k, s);
    kern_frame_put(k, f);
}

void kern_swap_put(struct kernel *k, uint32_t s)
{
    VMS_INVARIANT(s < k->slots_hw && kern_slot(k, s)->count > 0, "swap slot reference underflow");
    if (--kern_slot(k, s)->count > 0)
        return;
    uint32_t f = kern_slot(k, s)->cache;
    if (f == KNONE) {
        kern_swap_free_slot(k, s);
        return;
    }
    /* nobody refers to the slot any more: the swap-cache page loses its backing */
    kern_slot(k, s)->cache = KNONE;
    kern_frame(k, f)->slot = KNONE;
    kern_frame(k, f)->flags |= FR_DIRTY;
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
    struct task *a = kern_actor(k);
    if (!zero && io_pwrite(k->swap_fd, b, k->psize, (off_t)s * (off_t)k->psize, "swap file") < 0) {
        /* the slot keeps what it held: the caller keeps the page resident and dirty */
        k->st.swap_out_errors++;
        if (a)
            a->st.swap_out_errors++;
        return err_set(e, VMS_EIO, "swap file: write failed: %s", strerror(errno));
    }
    kern_slot(k, s)->zero = zero;
    kern_slot(k, s)->stamp = k->evictions;
    /* The device reads the page (an all-zero one too: not writing it is the swap file's
     * economy, not the machine's) */
    mmu_dma_from_memory(&k->mmu, kern_frame_pa(k, f), k->psize);
    k->st.swap_outs++;
    if (a)
        a->st.swap_outs++;
    return 0;
}

int kern_swap_read(struct kernel *k, uint32_t s, uint32_t f, struct vms_error *e)
{
    struct task *a = kern_actor(k);
    if (!kern_slot(k, s)->zero) {
        uint8_t *b = kern_frame_bytes(k, f);
        if (!b)
            return err_set(e, VMS_ENOMEM, "out of host memory");
        errno = 0;
        if (io_pread(k->swap_fd, b, k->psize, (off_t)s * (off_t)k->psize, "swap file") !=
            (ssize_t)k->psize) {
            int err = errno;
            k->st.swap_in_errors++;
            if (a)
                a->st.swap_in_errors++;
            return err_set(e, VMS_EIO, "swap file: read failed: %s",
                           err ? strerror(err) : "end of file");
        }
    }
    mmu_dma_to_memory(&k->mmu, kern_frame_pa(k, f), k->psize); /* as swap-out: every page */
    k->st.swap_ins++;
    if (a)
        a->st.swap_ins++;
    /* Refault distance (Linux mm/workingset.c): had memory been larger by the evictions
     * since this page left, it would still be resident. Within nframes: the working set
     * does not fit. */
    k->refaults++;
    if (k->evictions - kern_slot(k, s)->stamp <= k->nframes)
        k->ws_refaults++;
    if (kern_slot(k, s)->zero)
        physmem_clear(k->mmu.pm, f);
    return 0;
}

/* Writes frame f to a newly allocated slot *s: 1, 0 when swap is full, or negative. */
int kern_swap_out_new(struct kernel *k, uint32_t f, uint32_t *s, struct vms_error *e)
{
    int got = swap_alloc(k, s);
    if (got <= 0)
        return got < 0 ? err_set(e, VMS_ENOMEM, "out of host memory") : 0;
    int rc = kern_swap_write(k, *s, f, e);
    if (rc) {
        kern_swap_free_slot(k, *s);
        return rc;
    }
    return 1;
}

/* ------------------------------------------------------------------ checkpoints */

int kern_swap_save(const struct kernel *k, struct ser *s, struct vms_error *e)
{
    ser_u32(s, k->nslots);
    ser_u32(s, k->slot_cursor);
    ser_u32(s, k->slots_used);
    ser_u32(s, k->slots_hw);
    ser_u64(s, k->evictions);
    ser_u64(s, k->refaults);
    ser_u64(s, k->ws_refaults);
    uint8_t *b = k->slots_hw ? vms_malloc(k->psize) : NULL;
    if (k->slots_hw && !b)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    for (uint32_t i = 0; i < k->slots_hw; i++) {
        const struct swap_slot *sl = kern_slot(k, i);
        ser_u64(s, sl->stamp);
        ser_u32(s, sl->count);
        ser_u32(s, sl->cache);
        ser_u8(s, sl->zero);
        /* the page's bytes, where the slot holds some */
        bool held = (sl->count || sl->cache != KNONE) && !sl->zero;
        ser_u8(s, held);
        if (!held)
            continue;
        ssize_t got = io_pread(k->swap_fd, b, k->psize, (off_t)i * (off_t)k->psize, "swap file");
        if (got < 0) {
            int en = errno;
            vms_free(b);
            return err_set(e, VMS_EIO, "swap file: reading slot %u: %s", i, strerror(en));
        }
        if ((uint64_t)got < k->psize)
            memset(b + got, 0, k->psize - (size_t)got);
        ser_bytes(s, b, k->psize);
    }
    vms_free(b);
    return 0;
}

int kern_swap_load(struct kernel *k, struct deser *d, struct vms_error *e)
{
    if (deser_u32(d) != k->nslots) {
        deser_fail(d, "the checkpoint's swap has another size");
        return 0;
    }
    k->slot_cursor = deser_id(d, k->nslots ? k->nslots : 1, false, "swap cursor");
    k->slots_used = deser_id(d, (uint64_t)k->nslots + 1, false, "swap slots used");
    uint32_t hw = deser_id(d, (uint64_t)k->nslots + 1, false, "swap slots reached");
    k->evictions = deser_u64(d);
    k->refaults = deser_u64(d);
    k->ws_refaults = deser_u64(d);
    VMS_INVARIANT(k->slots_hw == 0, "swap loaded into a kernel that used some");
    for (uint32_t i = 0; i < hw && !d->bad; i++) {
        k->slots_hw = i;
        if (slot_table_grow(k) < 0)
            return err_set(e, VMS_ENOMEM, "out of host memory");
        k->slots_hw = i + 1;
        struct swap_slot *sl = kern_slot(k, i);
        sl->stamp = deser_u64(d);
        sl->count = deser_u32(d);
        sl->cache = deser_id(d, k->frames_hw, true, "swap-cache frame");
        sl->zero = deser_bool(d);
        if (!deser_bool(d))
            continue;
        const uint8_t *b = deser_take(d, k->psize);
        if (b && io_pwrite(k->swap_fd, b, k->psize, (off_t)i * (off_t)k->psize, "swap file") < 0)
            return err_set(e, VMS_EIO, "swap file: writing slot %u: %s", i, strerror(errno));
    }
    return 0;
}
