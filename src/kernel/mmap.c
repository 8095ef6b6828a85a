/* The memory system calls, with Linux semantics: mmap, munmap, mprotect, msync, brk. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

struct piece_ctx {
    struct kernel *k;
    struct task *t;
    struct vms_error *e;
    int rc;
};

static void zap_piece(void *ctx, const struct area *piece)
{
    struct piece_ctx *pc = ctx;
    struct vms_error tmp = {0};
    int rc = kern_zap_range(pc->k, pc->t, piece->start, piece->end, &tmp);
    if (rc && !pc->rc) {
        pc->rc = rc;
        *pc->e = tmp;
    }
}

static int check_task(struct task *t, const char *call, struct vms_error *e)
{
    if (t->killed || t->dead)
        return err_set(e, VMS_EINVAL, "%s: the process was killed", call);
    return 0;
}

int kern_mmap(struct kernel *k, struct task *t, vaddr_t hint, uint64_t len, unsigned prot,
              unsigned flags, const char *file, uint64_t off, vaddr_t *out, struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "mmap", e);
    if (rc)
        return rc;
    if (len == 0)
        return err_set(e, VMS_EINVAL, "mmap: length 0 (EINVAL)");
    if (off & (k->psize - 1))
        return err_set(e, VMS_EINVAL, "mmap: offset 0x%llx is not page aligned (EINVAL)",
                       (unsigned long long)off);
    if ((flags & KMAP_FIXED) && (hint & (k->psize - 1)))
        return err_set(e, VMS_EINVAL, "mmap: fixed address 0x%llx is not page aligned (EINVAL)",
                       (unsigned long long)hint);
    uint64_t rlen = (len + k->psize - 1) & ~(k->psize - 1);
    if (rlen < len)
        return err_set(e, VMS_EINVAL, "mmap: length too large (ENOMEM)");
    /* Linux: the page offset plus the pages must not wrap (EOVERFLOW), and a file mapping
     * must end within the largest file offset, 2^63 - 1 (file_mmap_ok: EOVERFLOW). */
    if (((off >> k->pshift) + (rlen >> k->pshift)) < (off >> k->pshift) ||
        (file && (off > (uint64_t)INT64_MAX || rlen > (uint64_t)INT64_MAX - off)))
        return err_set(e, VMS_EINVAL, "mmap: offset 0x%llx + length 0x%llx overflows (EOVERFLOW)",
                       (unsigned long long)off, (unsigned long long)len);
    struct area_file *af = NULL;
    unsigned aflags = (flags & KMAP_SHARED) ? AREA_SHARED : AREA_PRIVATE;
    unsigned mapflags = (flags & KMAP_FIXED) ? AREA_MAP_FIXED : 0;
    uint64_t pgoff = off >> k->pshift;
    if (file) {
        struct kfile *kf = kern_file_by_path(k, file, e);
        if (!kf)
            return -(e->code ? e->code : VMS_EIO);
        if ((flags & KMAP_SHARED) && (prot & AREA_WRITE) && !kf->writable)
            return err_set(e, VMS_EINVAL, "mmap: %s is not writable (EACCES)", file);
        af = area_file_create(kf->path, kf->dev_major, kf->dev_minor, kf->ino, kf->size, e);
        if (!af)
            return -VMS_ENOMEM;
        af->priv = kf;
        aflags |= AREA_FILE;
    } else if (flags & KMAP_SHARED) {
        af = kern_shmem_create(k, rlen, e);
        if (!af)
            return -VMS_ENOMEM;
        aflags |= AREA_FILE;
        pgoff = 0;
    } else {
        aflags |= AREA_ANON;
        mapflags |= AREA_MAP_THP;
    }
    struct piece_ctx pc = {k, t, e, 0};
    vaddr_t addr;
    rc = area_map(&t->areas, hint, rlen, prot, aflags, af, pgoff, NULL, mapflags, zap_piece, &pc,
                  &addr, NULL, e);
    area_file_put(af); /* the area holds its own reference */
    if (rc)
        return rc;
    if (pc.rc)
        return pc.rc;
    *out = addr;
    return 0;
}

int kern_munmap(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "munmap", e);
    if (rc)
        return rc;
    struct piece_ctx pc = {k, t, e, 0};
    rc = area_unmap_range(&t->areas, va, len, zap_piece, &pc, e);
    return rc ? rc : pc.rc;
}

int kern_mprotect(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, unsigned prot,
                  struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "mprotect", e);
    if (rc)
        return rc;
    rc = area_protect_range(&t->areas, va, len, prot, e);
    if (rc)
        return rc;
    uint64_t rlen = (len + k->psize - 1) & ~(k->psize - 1);
    kern_reprotect_range(k, t, va, va + rlen);
    return 0;
}

int kern_msync(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "msync", e);
    if (rc)
        return rc;
    if (va & (k->psize - 1))
        return err_set(e, VMS_EINVAL, "msync: address 0x%llx is not page aligned (EINVAL)",
                       (unsigned long long)va);
    /* Linux rounds the length up modulo 2^64 (so a length within a page of 2^64 becomes 0,
     * which succeeds) and refuses a range that wraps past 2^64 with ENOMEM. */
    uint64_t rlen = (len + k->psize - 1) & ~(k->psize - 1);
    vaddr_t end = va + rlen;
    if (end < va)
        return err_set(e, VMS_EINVAL, "msync: [0x%llx, +0x%llx) wraps past the end of the "
                       "address space (ENOMEM)", (unsigned long long)va, (unsigned long long)len);
    /* every byte must be mapped (else ENOMEM, as Linux) */
    vaddr_t at = va;
    for (const struct area *a = area_find_next(&t->areas, va); a && a->start < end;
         a = area_next(a)) {
        if (a->start > at)
            break;
        at = a->end;
    }
    if (at < end)
        return err_set(e, VMS_EINVAL, "msync: [0x%llx, 0x%llx) is not fully mapped (ENOMEM)",
                       (unsigned long long)va, (unsigned long long)end);
    for (const struct area *a = area_find_next(&t->areas, va); a && a->start < end;
         a = area_next(a)) {
        if (!(a->flags & AREA_SHARED) || !a->file || a->file->shmem)
            continue;
        struct kfile *kf = kern_file_get(k, a->file, e);
        if (!kf)
            return -(e->code ? e->code : VMS_EIO);
        vaddr_t s = a->start > va ? a->start : va, x = a->end < end ? a->end : end;
        for (vaddr_t p = s; p < x; p += k->psize) {
            uint64_t index = a->pgoff + ((p - a->start) >> k->pshift);
            if (index >= kf->npages || kf->pages[index] <= 0)
                continue;
            uint32_t f = (uint32_t)(kf->pages[index] - 1);
            if (kern_frame_dirty(k, f, true) && (rc = kern_file_writeback(k, kf, f, e)) != 0) {
                kern_frame(k, f)->flags |= FR_DIRTY; /* not on its file: still dirty */
                if (kf->wb_error) {
                    kf->wb_error = 0; /* reported now */
                    err_prefix(e, "msync (EIO)");
                }
                return rc;
            }
        }
        if (kf->wb_error) { /* a write-back of reclaim failed since the last msync */
            int err = kf->wb_error;
            kf->wb_error = 0;
            return err_set(e, VMS_EIO, "msync (EIO): %s: an earlier write-back failed: %s",
                           kf->path, strerror(err));
        }
    }
    return 0;
}

int kern_brk(struct kernel *k, struct task *t, int64_t delta, vaddr_t *heap_start,
             struct vms_error *e)
{
    if (delta < 0)
        return kern_brk_by(k, t, true, (uint64_t)(-(delta + 1)) + 1, heap_start, e);
    return kern_brk_by(k, t, false, (uint64_t)delta, heap_start, e);
}

int kern_brk_by(struct kernel *k, struct task *t, bool shrink, uint64_t len, vaddr_t *heap_start,
                struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "brk", e);
    if (rc)
        return rc;
    vaddr_t nbrk;
    if (shrink) {
        if (len > t->brk - t->start_brk)
            return err_set(e, VMS_EINVAL, "brk: below the start of the heap (ENOMEM)");
        nbrk = t->brk - len;
    } else {
        nbrk = t->brk + len;
        if (nbrk < t->brk || nbrk > t->areas.layout.task_size)
            return err_set(e, VMS_EINVAL, "brk: out of address space (ENOMEM)");
    }
    vaddr_t mask = k->psize - 1;
    vaddr_t old_end = (t->brk + mask) & ~mask, new_end = (nbrk + mask) & ~mask;
    if (new_end > old_end) {
        const struct area *n = area_find_next(&t->areas, old_end);
        if (n && n->start < new_end)
            return err_set(e, VMS_EINVAL, "brk: the heap would overlap a mapping (ENOMEM)");
        vaddr_t addr;
        rc = area_map(&t->areas, old_end, new_end - old_end, AREA_READ | AREA_WRITE,
                      AREA_PRIVATE | AREA_ANON | AREA_HEAP, NULL, 0, NULL, AREA_MAP_FIXED, NULL,
                      NULL, &addr, NULL, e);
        if (rc)
            return rc;
    } else if (new_end < old_end) {
        struct piece_ctx pc = {k, t, e, 0};
        rc = area_unmap_range(&t->areas, new_end, old_end - new_end, zap_piece, &pc, e);
        if (rc || pc.rc)
            return rc ? rc : pc.rc;
    }
    t->brk = nbrk;
    *heap_start = t->start_brk;
    return 0;
}

int kern_map_stack(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end,
                   struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "stack", e);
    if (rc)
        return rc;
    vaddr_t mask = k->psize - 1;
    if ((start & mask) || (end & mask) || end <= start || end > t->areas.layout.task_size)
        return err_set(e, VMS_EINVAL, "stack: [0x%llx, 0x%llx) is not a page-aligned user range",
                       (unsigned long long)start, (unsigned long long)end);
    struct piece_ctx pc = {k, t, e, 0};
    vaddr_t addr;
    rc = area_map(&t->areas, start, end - start, AREA_READ | AREA_WRITE,
                  AREA_PRIVATE | AREA_ANON | AREA_STACK | AREA_GROWSDOWN, NULL, 0, NULL,
                  AREA_MAP_FIXED, zap_piece, &pc, &addr, NULL, e);
    return rc ? rc : pc.rc;
}

int kern_set_brk_start(struct kernel *k, struct task *t, vaddr_t addr, struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "brk", e);
    if (rc)
        return rc;
    if (t->brk != t->start_brk)
        return err_set(e, VMS_EINVAL, "brk: the heap is not empty");
    if (addr > t->areas.layout.task_size)
        return err_set(e, VMS_EINVAL, "brk: 0x%llx is beyond user space",
                       (unsigned long long)addr);
    t->start_brk = t->brk = addr;
    return 0;
}
