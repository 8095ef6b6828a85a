/* Walks over the page tables of a range, and what is built on them: zapping a range
 * (swap references dropped, dirty shared file pages written back), recomputing permissions
 * after mprotect, freeing the tables, and tearing down a task's whole address space. */
#include "kernel/internal.h"

#include <string.h>

/* ------------------------------------------------------------------ page-table walking */

/* The entries of one table (level lvl, mapping from base) that lie in [start, end): zero
 * entries are skipped from the table's bytes without a lookup each; present non-leaf
 * entries are descended into. Each entry read is a kernel load through the caches (the
 * skipped ones are not: they stand for Linux's walks, which visit only the areas' ranges,
 * where a table's entries are mostly in use). fn may change physical memory (PTEs, new
 * tables of another task), so the table's bytes are looked up again after each call. */
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
        pte_t v = kern_pte_get(k, pa);
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
            paddr_t pa = table + i * k->mmu.fmt->size;
            pte_t v = pt_read(&k->mmu, pa);
            struct pte_info pi;
            k->mmu.fmt->decode(v, &pi);
            if (pi.present && !pi.huge) { /* read as the walks read: the entries in use */
                mmu_kernel_pte(&k->mmu, pa, false);
                free_tables(k, pi.pfn << k->pshift, lvl + 1, true);
            }
        }
    }
    if (self) {
        unsigned pages = lvl == 1 ? g->root_pages : 1;
        for (unsigned i = 0; i < pages; i++)
            kern_pool_free(k, (table >> k->pshift) + i);
    }
}

/* ------------------------------------------------------------------ zapping */

static int zap_one(struct kernel *k, struct task *t, vaddr_t va, paddr_t pa, pte_t v, void *ctx)
{
    (void)ctx;
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
    struct frame *fr = kern_frame(k, f);
    if (pi.dirty)
        fr->flags |= FR_DIRTY;
    if ((fr->flags & FR_FILE) && !fr->file->shmem && (fr->flags & FR_DIRTY)) {
        /* a dirty shared file page reaches its file when a mapper goes (munmap, exit). A
         * failed write-back fails neither call, as on Linux (whose munmap writes nothing
         * back): the page stays dirty in the page cache, the error is counted and kept
         * for the file's next msync, and the end of the run writes it or reports it. */
        kern_frame_dirty(k, f, true);
        struct vms_error we = {0};
        if (kern_file_writeback(k, fr->file, f, &we))
            fr->flags |= FR_DIRTY; /* not on its file: still dirty */
    }
    kern_rmap_del(k, f, t, va);
    return 0;
}

int kern_zap_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end,
                   struct vms_error *e)
{
    (void)e;
    kern_walk_range(k, t, start, end, zap_one, NULL);
    return 0;
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

/* Drops t's whole image: every mapping (dirty shared file pages written back), the page
 * tables (a fresh empty root stays) and the areas. */
void kern_drop_image(struct kernel *k, struct task *t)
{
    struct vms_error ignore;
    kern_zap_range(k, t, 0, UINT64_MAX, &ignore);
    free_tables(k, t->root, 1, false);
    /* the root stays: clear it */
    for (unsigned i = 0; i < k->mmu.g.root_pages; i++)
        physmem_clear(k->mmu.pm, (t->root >> k->pshift) + i);
    mmu_kernel_table_zero(&k->mmu, t->root, (uint64_t)k->mmu.g.root_pages << k->pshift);
    area_set_fini(&t->areas);
    mmu_flush_asid(&k->mmu, t->asid);
}

void kern_task_teardown(struct kernel *k, struct task *t)
{
    if (t->dead)
        return;
    /* its residency as it exits (or is killed): what its statistics report from now on */
    kern_task_residency(k, t, &t->st);
    bool last = true;
    for (const struct task *o = k->tasks; o && last; o = o->next)
        last = o == t || o->dead;
    if (last) { /* the machine as the last live task goes (the total of a trace run) */
        kern_frames_residency(k, &k->last_res, false);
        k->have_last_res = true;
    }
    if (k->cur == t)
        kern_switch(k, NULL);
    /* The teardown's memory traffic (the tables read, the PTEs cleared) is t's */
    struct stats before;
    bool charge = kern_charge_begin(k, &before);
    kern_drop_image(k, t);
    free_tables(k, t->root, 1, true);
    if (charge)
        kern_charge_end(k, t, &before);
    t->root = 0;
    t->dead = true;
}
