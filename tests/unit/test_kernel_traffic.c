/* Unit tests for the kernel's own memory traffic through the caches (docs/machines.md,
 * "Kernel memory traffic"): the kernel columns of the caches, coherent DMA (a write into
 * memory invalidates the frame's lines at every level, a read snoops dirty lines), the
 * last-hit shortcut after an invalidation, zero-fill and copy-on-write as kernel misses,
 * swapped pages coming back byte for byte, and kernel_traffic=off counting nothing. */
#include "hwtest.h"
#include "ktest.h"

#include "hw/cache.h"

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)

static const struct cache_cfg l1 = {32 << 10, 8, 64}, l2 = {256 << 10, 8, 64},
                              l3 = {8 << 20, 16, 64}, none = {0, 0, 0};

static bool three_levels(struct caches *c)
{
    struct cache_cfg cfg[CACHE_N] = {l1, none, l2, l3};
    return caches_init(c, cfg, REPL_LRU, 1) == 0;
}

/* Lines of the page at pa (64-byte blocks) that level lv holds. */
static unsigned lines_of_page(struct caches *c, int lv, paddr_t pa)
{
    unsigned n = 0;
    for (paddr_t b = 0; b < PG; b += 64)
        n += cache_probe(&c->lvl[lv], pa + b) != NULL;
    return n;
}

static bool same_stats(const struct cache_stats *a, const struct cache_stats *b)
{
    return a->hits == b->hits && a->misses == b->misses && a->writebacks == b->writebacks;
}

TEST(cache_kernel_access_counts_in_the_kernel_columns)
{
    struct caches c;
    CHECK(three_levels(&c));
    CHECK_EQ(caches_access(&c, 0x1000, false, false), CACHE_N); /* the program's */
    CHECK_EQ(caches_kernel_access(&c, 0x2000, true), CACHE_N);  /* the kernel's: a miss */
    CHECK_EQ(caches_kernel_access(&c, 0x1008, false), CACHE_L1D); /* hits the program's line */
    for (int lv = CACHE_L1D; lv < CACHE_N; lv++) {
        if (lv == CACHE_L1I)
            continue;
        CHECK_EQ(c.lvl[lv].st.misses, 1); /* only the program's miss */
        CHECK_EQ(c.lvl[lv].st.hits, 0);
        CHECK_EQ(c.kst[lv].misses, 1);
    }
    CHECK_EQ(c.kst[CACHE_L1D].hits, 1);
    CHECK_EQ(c.dram_reads, 1);
    CHECK_EQ(c.kdram_reads, 1);
    CHECK(cache_probe(&c.lvl[CACHE_L1D], 0x2000)->dirty); /* the kernel's store: dirty */
    caches_fini(&c);
}

TEST(cache_dma_write_invalidates_the_frame_at_every_level)
{
    struct caches c;
    CHECK(three_levels(&c));
    paddr_t f = 0x5000;
    for (paddr_t b = 0; b < PG; b += 64)
        caches_access(&c, f + b, b % 128 == 0, false); /* half of them dirty */
    caches_access(&c, f + PG, false, false);            /* the next frame's first block */
    caches_access(&c, f - 64, true, false);             /* the previous frame's last */
    for (int lv = CACHE_L1D; lv < CACHE_N; lv++)
        if (lv != CACHE_L1I)
            CHECK_EQ(lines_of_page(&c, lv, f), 64);
    struct cache_stats before[CACHE_N];
    for (int lv = 0; lv < CACHE_N; lv++)
        before[lv] = c.lvl[lv].st;
    uint64_t dr = c.dram_reads, dw = c.dram_writes;
    caches_dma_write(&c, f, PG, true);
    for (int lv = CACHE_L1D; lv < CACHE_N; lv++) {
        if (lv == CACHE_L1I)
            continue;
        CHECK_EQ(lines_of_page(&c, lv, f), 0);
        CHECK(cache_probe(&c.lvl[lv], f + PG) != NULL); /* neighbours stay */
        CHECK(cache_probe(&c.lvl[lv], f - 64) != NULL);
        CHECK(same_stats(&c.lvl[lv].st, &before[lv])); /* nothing of the program's */
        CHECK_EQ(c.kst[lv].writebacks, 0);             /* dirty lines dropped unwritten */
    }
    CHECK(cache_probe(&c.lvl[CACHE_L1D], f - 64)->dirty);
    CHECK_EQ(c.dram_reads, dr);
    CHECK_EQ(c.dram_writes, dw);
    CHECK_EQ(c.kdram_writes, 64); /* the device wrote 64 blocks */
    /* The frame's blocks miss again, at every level, and the invalid ways are reused. */
    CHECK_EQ(caches_access(&c, f + 64, false, false), CACHE_N);
    CHECK_EQ(lines_of_page(&c, CACHE_L3, f), 1);
    /* Without counting (a frame-per-page first touch): invalid, nothing counted. */
    caches_dma_write(&c, f, PG, false);
    CHECK_EQ(lines_of_page(&c, CACHE_L1D, f), 0);
    CHECK_EQ(c.kdram_writes, 64);
    caches_fini(&c);
}

TEST(cache_dma_read_snoops_dirty_lines)
{
    struct caches c;
    CHECK(three_levels(&c));
    paddr_t f = 0x9000;
    caches_access(&c, f, true, false);       /* dirty in L1d */
    caches_access(&c, f + 640, true, false); /* dirty in L1d */
    caches_access(&c, f + 128, false, false);
    caches_dma_read(&c, f, PG);
    CHECK_EQ(c.kst[CACHE_L1D].writebacks, 2);
    CHECK_EQ(c.kdram_writes, 2);
    CHECK_EQ(c.kdram_reads, 64);
    CHECK_EQ(c.dram_writes, 0);
    for (paddr_t b = 0; b < PG; b += 64) {
        struct cache_line *ln = cache_probe(&c.lvl[CACHE_L1D], f + b);
        CHECK(!ln || !ln->dirty); /* written to memory, clean */
    }
    CHECK_EQ(lines_of_page(&c, CACHE_L1D, f), 3); /* and still valid */
    caches_dma_read(&c, f, PG);                   /* nothing dirty is left */
    CHECK_EQ(c.kst[CACHE_L1D].writebacks, 2);
    caches_fini(&c);
}

/* An invalidated line is never a repeat of the last hit (struct mmu_last checks its tag). */
TEST(mmu_last_hit_not_repeated_after_dma)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, NULL));
    struct mmu *m = &h.m;
    CHECK_EQ(hwm_map(&h, 0x400000, PSZ_BASE, 0x200, true, true, false, false), 0);
    struct mmu_last *l = &m->last[ACCESS_LOAD];
    paddr_t pa;
    struct xlate x;
    CHECK_EQ(mmu_access_last(m, 0x400010, ACCESS_LOAD, &pa, &x, l), XL_OK); /* a walk */
    CHECK_EQ(mmu_access_last(m, 0x400010, ACCESS_LOAD, &pa, &x, l), XL_OK); /* records */
    CHECK(mmu_last_hit(m, l, 0x400018, ACCESS_LOAD));
    uint64_t misses = m->caches.lvl[CACHE_L1D].st.misses;
    mmu_dma_to_memory(m, 0x200000, PG);
    CHECK(!mmu_last_hit(m, l, 0x400018, ACCESS_LOAD));
    CHECK_EQ(mmu_access_last(m, 0x400018, ACCESS_LOAD, &pa, &x, l), XL_OK);
    CHECK_EQ(pa, 0x200018);
    CHECK_EQ(m->caches.lvl[CACHE_L1D].st.misses, misses + 1); /* the line came back */
    /* kernel_traffic off: DMA leaves the caches alone */
    m->cfg.kernel_traffic = false;
    CHECK(mmu_last_hit(m, l, 0x400018, ACCESS_LOAD));
    mmu_dma_to_memory(m, 0x200000, PG);
    CHECK(mmu_last_hit(m, l, 0x400018, ACCESS_LOAD));
    CHECK(cache_probe(&m->caches.lvl[CACHE_L1D], 0x200018) != NULL);
    hwm_fini(&h);
}

static uint64_t kernel_misses(struct kernel *k, int lv)
{
    return k->mmu.caches.kst[lv].misses;
}

TEST(kernel_traffic_zero_fill_and_cow_make_kernel_misses)
{
    struct kt x;
    if (!kt_init(&x, 16, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    CHECK(t != NULL);
    vaddr_t a = KMMAP(k, t, 0, 4 * PG, RW, KMAP_ANON, NULL, 0);
    KSTORE(k, t, a, 8, 1); /* tables made (zeroed by the kernel), then the zero fill */
    uint64_t m0 = kernel_misses(k, CACHE_L1D), u0 = k->mmu.caches.lvl[CACHE_L1D].st.misses;
    KSTORE(k, t, a + PG + 8, 8, 2); /* the same tables: only the new frame's zero fill */
    CHECK_EQ(k->st.faults_zero_fill, 2);
    CHECK_EQ(kernel_misses(k, CACHE_L1D) - m0, 64); /* every block of a never-used frame */
    CHECK_EQ(kernel_misses(k, CACHE_L2) >= 64, 1);
    /* the program's store then hits the line the zeroing left (its walk may miss) */
    uint32_t f = kt_frame(k, t, a + PG);
    CHECK(f != KNONE);
    struct cache_line *ln = cache_probe(&k->mmu.caches.lvl[CACHE_L1D], kern_frame_pa(k, f) + 8);
    CHECK(ln && ln->dirty);
    CHECK(k->mmu.caches.lvl[CACHE_L1D].st.misses - u0 <= 1);

    /* copy-on-write: a load of every source block, a store of every new one */
    struct task *c = kern_fork(k, t, NULL);
    CHECK(c != NULL);
    uint64_t kh = k->mmu.caches.kst[CACHE_L1D].hits;
    m0 = kernel_misses(k, CACHE_L1D);
    kern_switch(k, c);
    KSTORE(k, c, a + 16, 8, 3);
    CHECK_EQ(k->st.faults_cow, 1);
    uint64_t touched = (kernel_misses(k, CACHE_L1D) - m0) + (k->mmu.caches.kst[CACHE_L1D].hits - kh);
    CHECK(touched >= 128);                           /* 64 loads + 64 stores, and PTEs */
    CHECK(kernel_misses(k, CACHE_L1D) - m0 >= 64);   /* the new frame's lines */
    CHECK_EQ(KLOAD(k, c, a + 16, 8), 3);
    CHECK_EQ(KLOAD(k, c, a, 8), 1);
    kern_switch(k, t);
    CHECK_EQ(KLOAD(k, t, a + 16, 8), 0);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* Memory pressure: a swapped-out page's dirty lines are snooped; its frame, reused, is
 * invalidated by the swap-in's DMA (no stale line of the previous page hits), and every
 * byte comes back. */
TEST(kernel_traffic_swap_dma_invalidates_and_bytes_come_back)
{
    struct kt x;
    if (!kt_init(&x, 4, 8, "fifo"))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    CHECK(t != NULL);
    vaddr_t a = KMMAP(k, t, 0, 6 * PG, RW, KMAP_ANON, NULL, 0);
    for (uint64_t b = 0; b < PG; b += 64)
        KSTORE(k, t, a + b, 8, 0x1000 + b); /* page 0: every block dirty */
    for (uint64_t p = 1; p < 4; p++)
        KSTORE(k, t, a + p * PG, 8, 0x70 + p); /* pages 1-3, block 0: memory is full */
    uint32_t f2 = kt_frame(k, t, a + 2 * PG);
    CHECK(f2 != KNONE);
    uint64_t wb = k->mmu.caches.kst[CACHE_L1D].writebacks, dr = k->mmu.caches.kdram_reads;
    KSTORE(k, t, a + 4 * PG, 8, 0x74); /* evicts page 0 (FIFO): a swap-out */
    CHECK_EQ(k->st.swap_outs, 1);
    CHECK_EQ(k->mmu.caches.kst[CACHE_L1D].writebacks - wb, 64); /* its dirty lines, snooped */
    CHECK_EQ(k->mmu.caches.kdram_reads - dr, 64);               /* the device read the page */
    KSTORE(k, t, a + 5 * PG, 8, 0x75); /* evicts page 1 */
    CHECK_EQ(k->st.swap_outs, 2);
    paddr_t p2 = kern_frame_pa(k, f2);
    struct cache_line *ln = cache_probe(&k->mmu.caches.lvl[CACHE_L1D], p2);
    CHECK(ln && ln->dirty); /* page 2's line */
    uint64_t dw = k->mmu.caches.kdram_writes;
    /* page 0 comes back into page 2's frame (FIFO: page 2 is the oldest resident) ... */
    CHECK_EQ(KLOAD(k, t, a + 640, 8), 0x1000 + 640);
    CHECK_EQ(k->st.swap_ins, 1);
    CHECK_EQ(k->st.swap_outs, 3);
    CHECK_EQ(kt_frame(k, t, a), f2);
    /* the DMA in, and page 2's swap-out snooping its 64 dirty lines (zero-filled, stored) */
    CHECK_EQ(k->mmu.caches.kdram_writes - dw, 64 + 64);
    /* ... whose lines are gone at every level but the block just loaded */
    for (int lv = CACHE_L1D; lv < CACHE_N; lv++) {
        if (lv == CACHE_L1I)
            continue;
        CHECK_EQ(lines_of_page(&k->mmu.caches, lv, p2), 1);
        CHECK(cache_probe(&k->mmu.caches.lvl[lv], p2 + 640) != NULL);
    }
    for (uint64_t b = 0; b < PG; b += 64) /* byte-exact */
        CHECK_EQ(KLOAD(k, t, a + b, 8), 0x1000 + b);
    for (uint64_t p = 1; p < 6; p++)
        CHECK_EQ(KLOAD(k, t, a + p * PG, 8), 0x70 + p);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* Swapping, fork and copy-on-write with kernel_traffic off: the kernel columns stay 0 and
 * are not printed. (That the program's columns are then exactly those before kernel
 * traffic existed: tests/cli/cases/trace-kernel-traffic-off.cmd.) */
TEST(kernel_traffic_off_counts_nothing)
{
    struct kt x;
    if (!kt_init(&x, 4, 8, "fifo"))
        return;
    struct kernel *k = x.k;
    k->mmu.cfg.kernel_traffic = false;
    struct task *t = kern_spawn(k, NULL);
    CHECK(t != NULL);
    vaddr_t a = KMMAP(k, t, 0, 6 * PG, RW, KMAP_ANON, NULL, 0);
    for (unsigned r = 0; r < 3; r++)
        for (uint64_t p = 0; p < 6; p++)
            KSTORE(k, t, a + p * PG + 8 * r, 8, p + r);
    struct task *c = kern_fork(k, t, NULL);
    CHECK(c != NULL);
    kern_switch(k, c);
    KSTORE(k, c, a + 5 * PG, 8, 5); /* resident (stored last): copied */
    CHECK(k->st.swap_outs > 0);
    CHECK(k->st.swap_ins > 0);
    CHECK(k->st.faults_cow > 0);
    kern_exit(k, c);
    for (int lv = 0; lv < CACHE_N; lv++)
        CHECK(same_stats(&k->mmu.caches.kst[lv], &(struct cache_stats){0, 0, 0}));
    CHECK_EQ(k->mmu.caches.kdram_reads, 0);
    CHECK_EQ(k->mmu.caches.kdram_writes, 0);
    struct stats s;
    kern_stats(k, &s);
    CHECK(!s.kernel_traffic);
    double v;
    CHECK(!stats_get(&s, "cache.l1d.kernel.misses", &v)); /* not printed */
    CHECK(stats_get(&s, "cache.l1d.misses", &v));
    kt_fini(&x);
}

/* kern_user_copy (a replayed read(2) or write(2), docs/trace.md "OS events"): the kernel's
 * stores into a user buffer fault its pages in as the program's stores would (a first
 * touch, copy-on-write after fork), set A and D in the PTEs, move the bytes as kernel
 * stores (a store per block, counted in the kernel columns, no user reference), and stop
 * with the signal at a page outside the areas or not writable. */
TEST(kernel_user_copy_faults_dirties_and_counts_kernel_stores)
{
    struct kt x;
    if (!kt_init(&x, 16, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    CHECK(t != NULL);
    vaddr_t a = KMMAP(k, t, 0, 3 * PG, RW, KMAP_ANON, NULL, 0);
    vaddr_t ro = KMMAP(k, t, a + 3 * PG, PG, AREA_READ, KMAP_ANON | KMAP_FIXED, NULL, 0);
    CHECK_EQ(ro, a + 3 * PG);
    uint64_t done = 0, refs0 = k->st.references, min0 = k->st.faults_minor;
    enum kern_sig sig;
    KOK(kern_user_copy(k, t, a + 100, PG + 200, true, &done, &sig, E));
    CHECK_EQ(sig, KSIG_NONE);
    CHECK_EQ(done, PG + 200);
    CHECK_EQ(k->st.references, refs0);        /* no user reference */
    CHECK_EQ(k->st.faults_minor - min0, 2);   /* both pages faulted in */
    struct pte_info pi;
    CHECK(kt_pte(k, t, a, &pi, NULL) && pi.present && pi.dirty && pi.accessed);
    CHECK(kt_pte(k, t, a + PG, &pi, NULL) && pi.present && pi.dirty);
    CHECK(!kt_pte(k, t, a + 2 * PG, &pi, NULL) || !pi.present); /* not reached */
    /* the copied blocks are dirty kernel-stored lines in the L1d */
    uint32_t f = kt_frame(k, t, a + PG);
    CHECK(f != KNONE);
    struct cache_line *ln = cache_probe(&k->mmu.caches.lvl[CACHE_L1D], kern_frame_pa(k, f));
    CHECK(ln && ln->dirty);
    /* a load from user memory: present pages, no fault, A set, D not needed */
    uint64_t kl = k->mmu.caches.kst[CACHE_L1D].hits + kernel_misses(k, CACHE_L1D);
    min0 = k->st.faults_minor;
    KOK(kern_user_copy(k, t, a, 64 * 3, false, &done, &sig, E));
    CHECK_EQ(done, 64 * 3);
    CHECK_EQ(k->st.faults_minor, min0);
    CHECK_EQ(k->mmu.caches.kst[CACHE_L1D].hits + kernel_misses(k, CACHE_L1D) - kl, 3);
    /* copy-on-write: after fork the child's copy gets a page of its own */
    struct task *c = kern_fork(k, t, NULL);
    CHECK(c != NULL);
    uint32_t before = kt_frame(k, t, a);
    KOK(kern_user_copy(k, c, a, 8, true, &done, &sig, E));
    CHECK_EQ(sig, KSIG_NONE);
    CHECK_EQ(k->st.faults_cow, 1);
    CHECK(kt_frame(k, c, a) != before);
    CHECK_EQ(kt_frame(k, t, a), before);
    /* the read-only page stops a store: EFAULT after the bytes before it */
    kern_switch(k, t);
    KOK(kern_user_copy(k, t, a + 3 * PG - 16, 32, true, &done, &sig, E));
    CHECK_EQ(sig, KSIG_SEGV_ACCERR);
    CHECK_EQ(done, 16);
    /* and an address with no area */
    KOK(kern_user_copy(k, t, a + 8 * PG, 8, false, &done, &sig, E));
    CHECK_EQ(sig, KSIG_SEGV_MAPERR);
    CHECK_EQ(done, 0);
    KT_AUDIT(k);
    kt_fini(&x);
}
