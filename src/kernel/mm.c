/* Tasks and their address spaces: spawn, fork (copy-on-write), exit, execve of ELF files,
 * and the memory system calls mmap/munmap/mprotect/msync/brk, with Linux semantics. */
#include "kernel/kern.h"

#include "base/alloc.h"
#include "base/err.h"
#include "kernel/elf.h"

#include <string.h>

/* ------------------------------------------------------------------ page-table walking */

/* The entries of one table (level lvl, mapping from base) that lie in [start, end): zero
 * entries are skipped from the table's bytes without a lookup each; present non-leaf
 * entries are descended into. fn may change physical memory (PTEs, new tables of another
 * task), so the table's bytes are looked up again after each call. */
static int walk_level(struct kernel *k, struct task *t, paddr_t table, unsigned lvl, vaddr_t base,
                      vaddr_t start, vaddr_t end, kern_pte_fn fn, void *ctx)
{
    const struct geometry *g = &k->mmu.g;
    unsigned L = k->mmu.cfg.levels, sz = k->mmu.fmt->size;
    unsigned shift = g->index_shift[lvl - 1];
    uint64_t n = UINT64_C(1) << g->index_bits[lvl - 1];
    pfn_t tbf = (pfn_t)-1;
    const uint8_t *tb = NULL;
    for (uint64_t i = (start - base) >> shift; i < n; i++) {
        vaddr_t va = base + (i << shift);
        if (va >= end || (i && va == base))
            break; /* done, or wrapped past the top of a 64-bit space */
        paddr_t pa = table + i * sz;
        if ((pa >> k->pshift) != tbf) {
            tbf = pa >> k->pshift;
            tb = physmem_peek(k->mmu.pm, tbf);
        }
        uint64_t raw = 0; /* zero or not: byte order does not matter */
        if (tb && sz == 8) {
            memcpy(&raw, tb + (pa & (k->psize - 1)), 8);
        } else if (tb) {
            uint32_t r32;
            memcpy(&r32, tb + (pa & (k->psize - 1)), 4);
            raw = r32;
        }
        if (!raw)
            continue;
        pte_t v = pt_read(&k->mmu, pa);
        int rc;
        if (lvl == L) {
            rc = fn(k, t, va, pa, v, ctx);
        } else {
            struct pte_info pi;
            k->mmu.fmt->decode(v, &pi);
            if (!pi.present)
                continue;
            rc = walk_level(k, t, pi.pfn << k->pshift, lvl + 1, va, start > va ? start : va, end,
                            fn, ctx);
        }
        tbf = (pfn_t)-1;
        if (rc)
            return rc;
    }
    return 0;
}

int kern_walk_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end, kern_pte_fn fn,
                    void *ctx)
{
    vaddr_t va = start & ~(k->psize - 1);
    if (k->mmu.cfg.va_bits < 64 && end > UINT64_C(1) << k->mmu.cfg.va_bits)
        end = UINT64_C(1) << k->mmu.cfg.va_bits;
    if (va >= end || !t->root)
        return 0;
    return walk_level(k, t, t->root, 1, 0, va, end, fn, ctx);
}

/* Frees the page-table pages below `table` (level lvl), and table itself when `self`. */
static void free_tables(struct kernel *k, paddr_t table, unsigned lvl, bool self)
{
    const struct geometry *g = &k->mmu.g;
    unsigned L = k->mmu.cfg.levels;
    if (lvl < L) {
        uint64_t n = UINT64_C(1) << g->index_bits[lvl - 1];
        for (uint64_t i = 0; i < n; i++) {
            pte_t v = pt_read(&k->mmu, table + i * k->mmu.fmt->size);
            struct pte_info pi;
            k->mmu.fmt->decode(v, &pi);
            if (pi.present && !pi.huge)
                free_tables(k, pi.pfn << k->pshift, lvl + 1, true);
        }
    }
    if (self) {
        unsigned pages = lvl == 1 ? g->root_pages : 1;
        for (unsigned i = 0; i < pages; i++)
            kern_pool_free(k, (table >> k->pshift) + i);
    }
}

/* ------------------------------------------------------------------ zapping */

struct zap_ctx {
    int rc;
    struct vms_error *e;
};

static int zap_one(struct kernel *k, struct task *t, vaddr_t va, paddr_t pa, pte_t v, void *ctx)
{
    struct zap_ctx *z = ctx;
    uint32_t slot;
    if (kern_pte_is_swap(v, &slot)) {
        kern_pte_set(k, t, va, pa, 0);
        kern_swap_put(k, slot);
        return 0;
    }
    struct pte_info pi;
    k->mmu.fmt->decode(v, &pi);
    kern_pte_set(k, t, va, pa, 0);
    if (!pi.present || pi.pfn == k->zero_pfn || pi.pfn >= k->nframes)
        return 0;
    uint32_t f = (uint32_t)pi.pfn;
    struct frame *fr = &k->frames[f];
    if (pi.dirty)
        fr->flags |= FR_DIRTY;
    if ((fr->flags & FR_FILE) && !fr->file->shmem && (fr->flags & FR_DIRTY)) {
        /* a dirty shared file page reaches its file when a mapper goes (munmap, exit) */
        kern_frame_dirty(k, f, true);
        int rc = kern_file_writeback(k, fr->file, f, z->e);
        if (rc && !z->rc)
            z->rc = rc;
    }
    kern_rmap_del(k, f, t, va);
    return 0;
}

int kern_zap_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end,
                   struct vms_error *e)
{
    struct zap_ctx z = {0, e};
    kern_walk_range(k, t, start, end, zap_one, &z);
    return z.rc;
}

static int reprotect_one(struct kernel *k, struct task *t, vaddr_t va, paddr_t pa, pte_t v,
                         void *ctx)
{
    (void)ctx;
    struct pte_info pi;
    k->mmu.fmt->decode(v, &pi);
    if (!pi.present)
        return 0;
    const struct area *a = area_find(&t->areas, va);
    if (!a)
        return 0;
    bool w = pi.writable && pi.pfn != k->zero_pfn;
    pte_t nv = kern_pte_make(k, pi.pfn, a, w) | (v & (k->mmu.fmt->a_mask | k->mmu.fmt->d_mask));
    if (nv != v)
        kern_pte_set(k, t, va, pa, nv);
    return 0;
}

void kern_reprotect_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end)
{
    kern_walk_range(k, t, start, end, reprotect_one, NULL);
}

/* ------------------------------------------------------------------ tasks */

static struct area_layout layout_for(const struct kernel *k)
{
    const struct vms_config *c = &k->mmu.cfg;
    struct area_layout l = area_layout_x86_64();
    l.page_shift = c->page_shift;
    if (c->va_bits >= 48 && c->page_shift == 12)
        return l; /* x86-64 (5-level paging keeps the 47-bit default window) */
    if (c->va_bits == 32) {
        l.task_size = UINT64_C(0xc0000000);
        l.mmap_base = UINT64_C(0xb8000000);
    } else {
        l.task_size = c->va_bits >= 64 ? UINT64_MAX & ~(k->psize - 1)
                                       : (UINT64_C(1) << c->va_bits);
        l.mmap_base = (l.task_size - l.task_size / 8) & ~(k->psize - 1);
    }
    l.mmap_min_addr = k->psize;
    l.stack_guard_gap = k->psize;
    l.thp_size = 0;
    return l;
}

static struct task *task_new(struct kernel *k, struct vms_error *e)
{
    struct task *t = vms_calloc(1, sizeof *t);
    if (!t) {
        err_set(e, VMS_ENOMEM, "out of host memory");
        return NULL;
    }
    if (pt_create_root(&k->mmu, &k->ptal, &t->root)) {
        vms_free(t);
        err_set(e, VMS_ENOMEM, "out of memory for a root page table");
        return NULL;
    }
    t->pid = k->next_pid++;
    t->asid = (uint16_t)((t->pid - 1) % 4095 + 1);
    struct area_layout l = layout_for(k);
    area_set_init(&t->areas, &l);
    vaddr_t heap = UINT64_C(0x10000000);
    if (heap >= l.mmap_base / 2)
        heap = (l.mmap_base / 4) & ~(k->psize - 1);
    t->start_brk = t->brk = heap;
    t->next = k->tasks;
    k->tasks = t;
    return t;
}

struct task *kern_spawn(struct kernel *k, struct vms_error *e)
{
    return task_new(k, e);
}

int kern_pid(const struct task *t)
{
    return t->pid;
}

bool kern_task_killed(const struct task *t)
{
    return t->killed;
}

uint64_t kern_task_rss(const struct task *t)
{
    return t->rss;
}

const struct area_set *kern_task_areas(const struct task *t)
{
    return &t->areas;
}

struct fork_ctx {
    struct task *child;
    struct vms_error *e;
    int rc;
};

static int fork_one(struct kernel *k, struct task *p, vaddr_t va, paddr_t pa, pte_t v, void *ctx)
{
    struct fork_ctx *fc = ctx;
    const struct area *a = area_find(&p->areas, va);
    if (!a || (a->flags & AREA_SHARED))
        return 0; /* shared areas are refaulted from the page cache, as Linux does */
    paddr_t cpa;
    int rc = kern_pte_slot(k, fc->child, va, &cpa, fc->e);
    if (rc)
        return fc->rc = rc;
    uint32_t slot;
    if (kern_pte_is_swap(v, &slot)) {
        k->swap_map[slot]++;
        pt_write(&k->mmu, cpa, v);
        return 0;
    }
    struct pte_info pi;
    k->mmu.fmt->decode(v, &pi);
    if (!pi.present)
        return 0;
    pte_t pv = v;
    if (pi.writable) { /* private: copy-on-write in both */
        struct pte_info wp = pi;
        wp.writable = false;
        pv = k->mmu.fmt->encode(&wp);
        kern_pte_set(k, p, va, pa, pv);
    }
    pte_t cv = pv & ~k->mmu.fmt->a_mask;
    pt_write(&k->mmu, cpa, cv);
    if (pi.pfn != k->zero_pfn && pi.pfn < k->nframes) {
        if (kern_rmap_add(k, (uint32_t)pi.pfn, fc->child, va))
            return fc->rc = err_set(fc->e, VMS_ENOMEM, "out of host memory");
    }
    return 0;
}

struct task *kern_fork(struct kernel *k, struct task *parent, struct vms_error *e)
{
    k->actor = parent;
    if (parent->killed || parent->dead) {
        err_set(e, VMS_EINVAL, "fork: the process was killed");
        return NULL;
    }
    struct task *c = task_new(k, e);
    if (!c)
        return NULL;
    area_set_fini(&c->areas);
    if (area_set_clone(&c->areas, &parent->areas, e)) {
        kern_exit(k, c);
        return NULL;
    }
    c->start_brk = parent->start_brk;
    c->brk = parent->brk;
    struct fork_ctx fc = {c, e, 0};
    kern_walk_range(k, parent, 0, parent->areas.layout.task_size, fork_one, &fc);
    if (fc.rc) {
        kern_exit(k, c);
        return NULL;
    }
    return c;
}

static void flush_asid(struct kernel *k, uint16_t asid)
{
    struct mmu *m = &k->mmu;
    for (int i = 0; i < TLB_N; i++)
        if (m->tlb[i].present)
            tlb_flush_nonglobal(&m->tlb[i], asid);
    for (int l = 0; l < MAX_LEVELS; l++)
        for (uint32_t i = 0; i < m->psc[l].n; i++)
            if (m->psc[l].e[i].asid == asid)
                m->psc[l].e[i].key = 0;
}

/* Drops t's whole image: every mapping (dirty shared file pages written back), the page
 * tables (a fresh empty root stays) and the areas. */
static void drop_image(struct kernel *k, struct task *t)
{
    struct vms_error ignore;
    kern_zap_range(k, t, 0, UINT64_MAX, &ignore);
    free_tables(k, t->root, 1, false);
    /* the root stays: clear it */
    for (unsigned i = 0; i < k->mmu.g.root_pages; i++)
        physmem_clear(k->mmu.pm, (t->root >> k->pshift) + i);
    area_set_fini(&t->areas);
    flush_asid(k, t->asid);
}

void kern_task_teardown(struct kernel *k, struct task *t)
{
    if (t->dead)
        return;
    if (k->cur == t)
        kern_switch(k, NULL);
    drop_image(k, t);
    free_tables(k, t->root, 1, true);
    t->root = 0;
    t->dead = true;
}

void kern_exit(struct kernel *k, struct task *t)
{
    k->actor = t;
    kern_task_teardown(k, t);
    k->actor = NULL;
    for (struct task **pp = &k->tasks; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    vms_free(t);
}

/* Kernel-mode write into t's memory (execve building the stack, padzero): faults the pages
 * in as a store would, then writes the bytes. Not counted as user references. */
static int kwrite(struct kernel *k, struct task *t, vaddr_t va, const uint8_t *buf, size_t n,
                  struct vms_error *e)
{
    while (n) {
        vaddr_t vp = va & ~(k->psize - 1);
        size_t chunk = k->psize - (va - vp);
        if (chunk > n)
            chunk = n;
        for (int tries = 0;; tries++) {
            paddr_t pa = kern_pte_pa(k, t, vp);
            if (pa) {
                struct pte_info pi;
                k->mmu.fmt->decode(pt_read(&k->mmu, pa), &pi);
                if (pi.present && pi.writable) {
                    if (physmem_write_bytes(k->mmu.pm, (pi.pfn << k->pshift) + (va - vp), buf,
                                            chunk))
                        return err_set(e, VMS_ENOMEM, "out of host memory");
                    break;
                }
            }
            if (tries > 3)
                return err_set(e, VMS_EINVAL, "exec: cannot write 0x%llx",
                               (unsigned long long)va);
            int err = 0;
            k->faulting = t;
            enum kern_sig s = kern_fault(k, t, vp, ACCESS_STORE, &err, e);
            k->faulting = NULL;
            kern_unlock_all(k);
            if (err)
                return err;
            if (s != KSIG_NONE)
                return err_set(e, VMS_EINVAL, "exec: %s writing 0x%llx", kern_sig_name(s),
                               (unsigned long long)va);
        }
        va += chunk;
        buf += chunk;
        n -= chunk;
    }
    return 0;
}

int kern_exec(struct kernel *k, struct task *t, const char *path, const char *const *argv,
              struct vms_error *e)
{
    k->actor = t;
    if (t->killed || t->dead)
        return err_set(e, VMS_EINVAL, "exec: the process was killed");
    struct area_set ns;
    struct area_layout l = layout_for(k);
    area_set_init(&ns, &l);
    size_t argc = 0;
    while (argv && argv[argc])
        argc++;
    struct elf_host host = elf_host_current();
    struct elf_exec x;
    int rc = elf_exec_layout(&ns, path, argv, argc, NULL, 0, &host, &x, e);
    if (rc)
        return rc;
    if (k->cur == t)
        kern_switch(k, NULL);
    drop_image(k, t);
    t->areas = ns;
    t->start_brk = t->brk = x.start_brk;
    rc = kwrite(k, t, x.sp, x.stack_image, x.stack_len, e);
    static const uint8_t zeros[4096];
    for (size_t i = 0; rc == 0 && i < x.nzero; i++) {
        vaddr_t s = x.zero[i].start;
        while (rc == 0 && s < x.zero[i].end) {
            size_t n = x.zero[i].end - s > sizeof zeros ? sizeof zeros : x.zero[i].end - s;
            rc = kwrite(k, t, s, zeros, n, e);
            s += n;
        }
    }
    kern_unlock_all(k);
    elf_exec_fini(&x);
    return rc;
}

/* ------------------------------------------------------------------ system calls */

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
    uint64_t rlen = (len + k->psize - 1) & ~(k->psize - 1);
    vaddr_t end = va + rlen;
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
            if (kern_frame_dirty(k, f, true) && (rc = kern_file_writeback(k, kf, f, e)) != 0)
                return rc;
        }
    }
    return 0;
}

int kern_brk(struct kernel *k, struct task *t, int64_t delta, vaddr_t *heap_start,
             struct vms_error *e)
{
    k->actor = t;
    int rc = check_task(t, "brk", e);
    if (rc)
        return rc;
    vaddr_t nbrk;
    if (delta < 0) {
        uint64_t d = (uint64_t)(-(delta + 1)) + 1;
        if (d > t->brk - t->start_brk)
            return err_set(e, VMS_EINVAL, "brk: below the start of the heap (ENOMEM)");
        nbrk = t->brk - d;
    } else {
        nbrk = t->brk + (uint64_t)delta;
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
