/* Unit tests for the simulated kernel (src/kernel, docs/hacking.md's table), one
 * behaviour each, through kern_* calls on machines with a few pages of memory: demand-zero,
 * copy-on-write with exact refcounts and mapcounts, shared memory, file mappings and the page
 * cache, write-back paths, bytes past end of file, every fault kind, spanning accesses,
 * area splitting, brk, swap under every policy, the out-of-memory killer and execve.
 * kern_audit runs after the steps that change anything. Host allocation failures:
 * test_kernel_hostoom.c; the randomized model test: test_kernel_model.c. */
#include "ktest.h"

#include "kernel/elf.h"
#include "policy/policy.h"

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)
#define RO AREA_READ
#define PRIV_ANON KMAP_ANON
#define SHARED_ANON (KMAP_ANON | KMAP_SHARED)

/* ------------------------------------------------------------------ demand-zero */

TEST(kernel_demand_zero_read_uses_zero_page)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    CHECK(t != NULL);
    vaddr_t a = KMMAP(k, t, 0, 4 * PG, RW, PRIV_ANON, NULL, 0);
    CHECK_EQ(a, UINT64_C(0x7ffff7fff000) - 4 * PG); /* top-down below the mmap base */
    KT_AUDIT(k);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ(KLOAD(k, t, a + i * PG + 8 * i, 8), 0);
        CHECK(kt_maps_zero_page(k, t, a + i * PG));
        KT_AUDIT(k);
    }
    CHECK_EQ(k->nfree, 8); /* reads of untouched memory use no frame */
    CHECK_EQ(kern_task_rss(t), 0);
    CHECK_EQ(k->st.faults_zero_fill, 4);
    struct pte_info pi;
    CHECK(kt_pte(k, t, a, &pi, NULL) && !pi.writable);

    /* a write to a page mapping the zero page allocates (zero-filled) */
    KSTORE(k, t, a + 16, 4, 0xdeadbeef);
    CHECK_EQ(k->nfree, 7);
    CHECK(!kt_maps_zero_page(k, t, a));
    uint32_t f = kt_frame(k, t, a);
    CHECK(f != KNONE);
    if (f != KNONE) {
        CHECK_EQ(kern_frame(k, f)->refcount, 1);
        CHECK_EQ(kern_frame(k, f)->mapcount, 1);
        CHECK(kern_frame(k, f)->flags & FR_ANON);
    }
    CHECK_EQ(KLOAD(k, t, a + 16, 4), 0xdeadbeef);
    CHECK_EQ(KLOAD(k, t, a + 8, 8), 0);
    CHECK_EQ(KLOAD(k, t, a + 20, 8), 0);
    CHECK_EQ(KLOAD(k, t, a + PG, 8), 0); /* other pages still the zero page */
    CHECK(kt_maps_zero_page(k, t, a + PG));
    KT_AUDIT(k);

    /* a first write to a never-touched page allocates directly */
    KSTORE(k, t, a + 3 * PG + 100, 1, 0x5a);
    CHECK_EQ(k->nfree, 6);
    CHECK_EQ(KLOAD(k, t, a + 3 * PG + 100, 1), 0x5a);
    CHECK_EQ(KLOAD(k, t, a + 3 * PG + 99, 1), 0);
    CHECK_EQ(kern_task_rss(t), 2);
    KT_AUDIT(k);
    kern_exit(k, t);
    CHECK_EQ(k->nfree, 8);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_frame_per_page_first_touch_gets_a_frame)
{
    /* The trace driver's page model (kern_options.frame_per_page): a first read, fetch or
     * write of an untouched private anonymous page gets a frame of its own, mapped
     * writable, a minor fault that is no zero fill; a later write faults no more. */
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    k->opt.frame_per_page = true;
    struct task *t = kern_spawn(k, NULL);
    CHECK(t != NULL);
    vaddr_t a = KMMAP(k, t, 0, 4 * PG, RW | AREA_EXEC, PRIV_ANON, NULL, 0);
    KLOAD(k, t, a, 8);
    KFETCH(k, t, a + PG + 64);
    KLOAD(k, t, a + 2 * PG + 8, 4);
    KSTORE(k, t, a + 3 * PG, 8, 7);
    KT_AUDIT(k);
    uint32_t f[4];
    for (unsigned i = 0; i < 4; i++) {
        CHECK(!kt_maps_zero_page(k, t, a + i * PG));
        f[i] = kt_frame(k, t, a + i * PG);
        CHECK(f[i] != KNONE);
        struct pte_info pi;
        CHECK(kt_pte(k, t, a + i * PG, &pi, NULL) && pi.writable);
        for (unsigned j = 0; j < i; j++)
            CHECK(f[i] != f[j]);
        if (f[i] != KNONE)
            CHECK(kern_frame(k, f[i])->flags & FR_ANON);
    }
    CHECK_EQ(k->nfree, 4);
    CHECK_EQ(kern_task_rss(t), 4);
    CHECK_EQ(k->st.faults_minor, 4);
    CHECK_EQ(k->st.faults_zero_fill, 0);
    CHECK_EQ(t->st.faults_zero_fill, 0);
    /* a store to a page first read: no fault, the same frame */
    KSTORE(k, t, a + 16, 4, 0xabcd);
    CHECK_EQ(k->st.faults_minor, 4);
    CHECK_EQ(kt_frame(k, t, a), f[0]);
    CHECK_EQ(KLOAD(k, t, a + 16, 4), 0xabcd);
    KT_AUDIT(k);
    kern_exit(k, t);
    CHECK_EQ(k->nfree, 8);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_frame_per_page_pages_go_to_swap)
{
    /* What such a page is to the kernel: private anonymous memory, so reclaim writes even
     * a page that was only read to swap (a swap-out), and its next touch is a swap-in (a
     * major fault); without swap, reading more pages than memory holds ends in the
     * out-of-memory killer, where the zero page needed no frame at all. */
    struct kt x;
    if (!kt_init(&x, 4, 16, NULL))
        return;
    struct kernel *k = x.k;
    k->opt.frame_per_page = true;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 8 * PG, RW, PRIV_ANON, NULL, 0);
    for (unsigned i = 0; i < 8; i++)
        KLOAD(k, t, a + i * PG, 8);
    KT_AUDIT(k);
    CHECK_EQ(k->st.faults_minor, 8);
    CHECK_EQ(k->st.swap_outs, 4);
    CHECK_EQ(k->st.faults_major, 0);
    KLOAD(k, t, a, 8); /* evicted: it comes back from swap */
    CHECK_EQ(k->st.faults_major, 1);
    CHECK_EQ(k->st.faults_swap_in, 1);
    CHECK_EQ(k->st.faults_zero_fill, 0);
    KT_AUDIT(k);
    kern_exit(k, t);
    kt_fini(&x);

    if (!kt_init(&x, 4, 0, NULL))
        return;
    k = x.k;
    k->opt.frame_per_page = true;
    t = kern_spawn(k, NULL);
    a = KMMAP(k, t, 0, 8 * PG, RW, PRIV_ANON, NULL, 0);
    for (unsigned i = 0; i < 4; i++)
        KLOAD(k, t, a + i * PG, 8);
    CHECK_EQ(x.nkilled, 0);
    enum kern_sig sig = KSIG_NONE;
    KLOADS(k, t, a + 4 * PG, 8, &sig);
    CHECK_EQ(sig, KSIG_KILLED);
    CHECK_EQ(x.nkilled, 1);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ fork and COW */

TEST(kernel_cow_after_fork_counts)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *p = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, p, 0, 3 * PG, RW, PRIV_ANON, NULL, 0);
    KSTORE(k, p, a, 8, 0x1111);
    KSTORE(k, p, a + PG, 8, 0x2222);
    CHECK_EQ(KLOAD(k, p, a + 2 * PG, 8), 0); /* the zero page */
    uint32_t f0 = kt_frame(k, p, a), f1 = kt_frame(k, p, a + PG);
    CHECK(f0 != KNONE && f1 != KNONE);
    if (f0 == KNONE || f1 == KNONE) {
        kt_fini(&x);
        return;
    }
    struct task *c = kern_fork(k, p, NULL);
    CHECK(c != NULL);
    KT_AUDIT(k);
    /* both map the same frames, read-only, counted twice */
    CHECK_EQ(kt_frame(k, c, a), f0);
    CHECK_EQ(kt_frame(k, c, a + PG), f1);
    CHECK_EQ(kern_frame(k, f0)->refcount, 2);
    CHECK_EQ(kern_frame(k, f0)->mapcount, 2);
    CHECK_EQ(kern_frame(k, f1)->mapcount, 2);
    CHECK(kt_maps_zero_page(k, c, a + 2 * PG));
    struct pte_info pi;
    CHECK(kt_pte(k, p, a, &pi, NULL) && pi.present && !pi.writable);
    CHECK(kt_pte(k, c, a, &pi, NULL) && pi.present && !pi.writable);
    CHECK_EQ(kern_task_rss(c), 2);
    CHECK_EQ(k->nfree, 6);

    CHECK_EQ(KLOAD(k, c, a, 8), 0x1111);
    CHECK_EQ(KLOAD(k, c, a + PG, 8), 0x2222);
    CHECK_EQ(k->nfree, 6); /* reading copies nothing */

    /* the child writes page 0: a copy for the child, the parent keeps f0 alone */
    uint64_t cow0 = k->st.faults_cow;
    KSTORE(k, c, a + 8, 8, 0xc0c0);
    CHECK_EQ(k->st.faults_cow, cow0 + 1);
    CHECK_EQ(k->nfree, 5);
    uint32_t cf0 = kt_frame(k, c, a);
    CHECK(cf0 != f0 && cf0 != KNONE);
    CHECK_EQ(kern_frame(k, f0)->mapcount, 1);
    CHECK_EQ(kern_frame(k, f0)->refcount, 1);
    if (cf0 != KNONE) {
        CHECK_EQ(kern_frame(k, cf0)->mapcount, 1);
        CHECK_EQ(kern_frame(k, cf0)->refcount, 1);
    }
    CHECK_EQ(KLOAD(k, c, a, 8), 0x1111); /* the copy has the old bytes */
    CHECK_EQ(KLOAD(k, c, a + 8, 8), 0xc0c0);
    CHECK_EQ(KLOAD(k, p, a + 8, 8), 0);
    KT_AUDIT(k);

    /* the parent writes page 0: it is the sole mapper now, so it just regains write */
    KSTORE(k, p, a + 8, 8, 0xabab);
    CHECK_EQ(k->st.faults_cow, cow0 + 1);
    CHECK_EQ(kt_frame(k, p, a), f0);
    CHECK_EQ(k->nfree, 5);
    CHECK(kt_pte(k, p, a, &pi, NULL) && pi.writable);
    CHECK_EQ(KLOAD(k, c, a + 8, 8), 0xc0c0);
    KT_AUDIT(k);

    /* the parent writes page 1 while the child still maps it: the parent copies */
    KSTORE(k, p, a + PG, 8, 0x3333);
    CHECK_EQ(k->st.faults_cow, cow0 + 2);
    CHECK(kt_frame(k, p, a + PG) != f1);
    CHECK_EQ(kt_frame(k, c, a + PG), f1);
    CHECK_EQ(kern_frame(k, f1)->mapcount, 1);
    CHECK_EQ(KLOAD(k, c, a + PG, 8), 0x2222);
    /* the zero page: a write in the child allocates, the parent still reads zero */
    KSTORE(k, c, a + 2 * PG, 2, 0x4242);
    CHECK_EQ(KLOAD(k, p, a + 2 * PG, 8), 0);
    CHECK_EQ(KLOAD(k, c, a + 2 * PG, 8), 0x4242);
    KT_AUDIT(k);

    /* the child goes: its frames are freed, the parent's untouched */
    uint32_t before = k->nfree;
    kern_exit(k, c);
    CHECK_EQ(k->nfree, before + 3);
    CHECK_EQ(KLOAD(k, p, a, 8), 0x1111);
    CHECK_EQ(KLOAD(k, p, a + 8, 8), 0xabab);
    CHECK_EQ(KLOAD(k, p, a + PG, 8), 0x3333);
    KT_AUDIT(k);
    kern_exit(k, p);
    CHECK_EQ(k->nfree, 8);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_cow_three_generations)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *p = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, p, 0, PG, RW, PRIV_ANON, NULL, 0);
    KSTORE(k, p, a, 8, 1);
    uint32_t f = kt_frame(k, p, a);
    struct task *c1 = kern_fork(k, p, NULL);
    struct task *c2 = kern_fork(k, c1, NULL);
    CHECK(c1 && c2);
    if (!c1 || !c2 || f == KNONE) {
        kt_fini(&x);
        return;
    }
    CHECK_EQ(kern_frame(k, f)->mapcount, 3);
    CHECK_EQ(kern_frame(k, f)->refcount, 3);
    KSTORE(k, c1, a, 8, 2);
    CHECK_EQ(kern_frame(k, f)->mapcount, 2);
    KSTORE(k, p, a, 8, 3); /* still shared with c2: copies */
    CHECK_EQ(kern_frame(k, f)->mapcount, 1);
    CHECK_EQ(kt_frame(k, c2, a), f);
    uint64_t cow = k->st.faults_cow;
    KSTORE(k, c2, a, 8, 4); /* sole mapper: reuses f */
    CHECK_EQ(k->st.faults_cow, cow);
    CHECK_EQ(kt_frame(k, c2, a), f);
    CHECK_EQ(KLOAD(k, p, a, 8), 3);
    CHECK_EQ(KLOAD(k, c1, a, 8), 2);
    CHECK_EQ(KLOAD(k, c2, a, 8), 4);
    CHECK_EQ(k->nfree, 5);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_shared_anon_shared_across_fork)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *p = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, p, 0, 3 * PG, RW, SHARED_ANON, NULL, 0);
    CHECK_EQ(KLOAD(k, p, a + PG, 8), 0);
    KSTORE(k, p, a, 8, 0x77);
    struct task *c = kern_fork(k, p, NULL);
    CHECK(c != NULL);
    if (!c) {
        kt_fini(&x);
        return;
    }
    KT_AUDIT(k);
    CHECK_EQ(KLOAD(k, c, a, 8), 0x77);
    KSTORE(k, c, a + 8, 8, 0x88);   /* the child writes a page both touched */
    KSTORE(k, c, a + 2 * PG, 4, 9); /* and a page nobody touched */
    CHECK_EQ(KLOAD(k, p, a + 8, 8), 0x88);
    CHECK_EQ(KLOAD(k, p, a + 2 * PG, 4), 9);
    KSTORE(k, p, a + PG, 8, 0x99); /* the parent writes the page it read as zero */
    CHECK_EQ(KLOAD(k, c, a + PG, 8), 0x99);
    CHECK_EQ(k->st.faults_cow, 0);
    uint32_t f = kt_frame(k, p, a);
    CHECK(f != KNONE && f == kt_frame(k, c, a));
    if (f != KNONE) {
        CHECK_EQ(kern_frame(k, f)->mapcount, 2);
        CHECK_EQ(kern_frame(k, f)->refcount, 3); /* two PTEs + the shmem object */
        CHECK(kern_frame(k, f)->flags & FR_FILE);
    }
    CHECK_EQ(k->nfree, 5);
    KT_AUDIT(k);
    kern_exit(k, p);
    CHECK_EQ(KLOAD(k, c, a + 8, 8), 0x88);
    KT_AUDIT(k);
    kern_exit(k, c); /* the last mapper: the object and its pages go */
    CHECK_EQ(k->nfree, 8);
    CHECK(k->files == NULL);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_shared_anon_not_shared_between_mmaps)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *p = kern_spawn(k, NULL);
    struct task *q = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, p, 0, PG, RW, SHARED_ANON, NULL, 0);
    vaddr_t b = KMMAP(k, q, 0, PG, RW, SHARED_ANON, NULL, 0);
    CHECK_EQ(a, b);
    KSTORE(k, p, a, 8, 5);
    CHECK_EQ(KLOAD(k, q, b, 8), 0); /* two objects */
    KT_AUDIT(k);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ files */

TEST(kernel_file_mapping_reads_the_file)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "data.bin", 3 * PG + 100, 1);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 4 * PG, RO, 0, path, 0);
    for (uint64_t off = 0; off < 3 * PG + 100; off += 97)
        CHECK_EQ(KLOAD(k, t, a + off, 1), kt_pat(off, 1));
    uint64_t want = 0;
    for (int i = 7; i >= 0; i--)
        want = want << 8 | kt_pat(PG - 4 + (uint64_t)i, 1);
    CHECK_EQ(KLOAD(k, t, a + PG - 4, 8), want);    /* spanning two page-cache pages */
    CHECK_EQ(KLOAD(k, t, a + 3 * PG + 100, 8), 0); /* past EOF, in the last page */
    CHECK_EQ(KLOAD(k, t, a + 4 * PG - 8, 8), 0);
    CHECK_EQ(k->st.faults_file_read, 4);
    /* with an offset: page 2 of the file */
    vaddr_t b = KMMAP(k, t, 0, PG, RO, 0, path, 2 * PG);
    CHECK_EQ(KLOAD(k, t, b + 5, 1), kt_pat(2 * PG + 5, 1));
    CHECK_EQ(kt_frame(k, t, b), kt_frame(k, t, a + 2 * PG)); /* one page-cache page */
    CHECK_EQ(k->st.faults_file_read, 4);
    KT_AUDIT(k);
    /* a second process shares the page cache */
    struct task *u = kern_spawn(k, NULL);
    vaddr_t c = KMMAP(k, u, 0, PG, RO, KMAP_SHARED, path, PG);
    CHECK_EQ(KLOAD(k, u, c + 9, 1), kt_pat(PG + 9, 1));
    uint32_t f = kt_frame(k, u, c);
    CHECK(f != KNONE && f == kt_frame(k, t, a + PG));
    if (f != KNONE) {
        CHECK_EQ(kern_frame(k, f)->mapcount, 2);
        CHECK_EQ(kern_frame(k, f)->refcount, 3);
    }
    KT_AUDIT(k);
    kern_exit(k, t);
    kern_exit(k, u);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_private_file_cow_never_reaches_the_file)
{
    struct kt x;
    if (!kt_init(&x, 8, 8, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "p.bin", 2 * PG, 2);
    struct task *t = kern_spawn(k, NULL);
    struct task *u = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RW, 0, path, 0);
    vaddr_t s = KMMAP(k, u, 0, 2 * PG, RW, KMAP_SHARED, path, 0);
    CHECK_EQ(KLOAD(k, t, a + 1, 1), kt_pat(1, 2));
    uint32_t pc = kt_frame(k, t, a);
    KSTORE(k, t, a + 1, 1, 0xee); /* copy-on-write off the page-cache page */
    CHECK_EQ(KLOAD(k, t, a + 1, 1), 0xee);
    CHECK_EQ(KLOAD(k, t, a + 2, 1), kt_pat(2, 2)); /* the copy keeps the rest */
    CHECK(kt_frame(k, t, a) != pc);
    CHECK_EQ(KLOAD(k, u, s + 1, 1), kt_pat(1, 2));
    if (pc != KNONE)
        CHECK_EQ(kern_frame(k, pc)->mapcount, 1); /* only u's shared mapping */
    /* a store straight to an untouched private page copies too */
    KSTORE(k, t, a + PG, 2, 0x1234);
    CHECK_EQ(KLOAD(k, u, s + PG, 2), kt_pat(PG, 2) | (uint64_t)kt_pat(PG + 1, 2) << 8);
    /* another process's shared write shows in an untouched private page, not in a copy */
    vaddr_t a2 = KMMAP(k, t, 0, PG, RO, 0, path, PG);
    KSTORE(k, u, s + PG + 8, 1, 0x42);
    CHECK_EQ(KLOAD(k, t, a2 + 8, 1), 0x42);
    CHECK_EQ(KLOAD(k, t, a + PG + 8, 1), kt_pat(PG + 8, 2));
    KT_AUDIT(k);
    KOK(kern_msync(k, u, s, 2 * PG, E));
    kern_exit(k, t);
    uint8_t b[4];
    CHECK_EQ(kt_disk(path, 0, b, 3), 3);
    CHECK_EQ(b[1], kt_pat(1, 2));
    CHECK_EQ(kt_disk(path, PG, b, 2), 2);
    CHECK_EQ(b[0], kt_pat(PG, 2));
    CHECK_EQ(kt_disk(path, PG + 8, b, 1), 1);
    CHECK_EQ(b[0], 0x42);
    size_t got = 0;
    KOK(kern_file_read(k, path, 1, b, 1, &got, E));
    CHECK_EQ(got, 1);
    CHECK_EQ(b[0], kt_pat(1, 2));
    KT_AUDIT(k);
    kt_fini(&x);
    /* the private copy survives eviction too: checked by the swap tests below */
}

/* A shared file page written in one process: visible at once to another mapper and to
 * read(2), and on disk after `how` (0 msync, 1 munmap, 2 exit, 3 eviction). */
static void shared_write_reaches_file(int how)
{
    struct kt x;
    if (!kt_init(&x, 4, 16, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "s.bin", 2 * PG, 3);
    struct task *t = kern_spawn(k, NULL);
    struct task *u = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RW, KMAP_SHARED, path, 0);
    vaddr_t b = KMMAP(k, u, 0, 2 * PG, RO, KMAP_SHARED, path, 0);
    KSTORE(k, t, a + PG + 16, 8, UINT64_C(0x0123456789abcdef));
    KSTORE(k, t, a + 3, 1, 0x99);
    CHECK_EQ(KLOAD(k, u, b + PG + 16, 8), UINT64_C(0x0123456789abcdef));
    CHECK_EQ(KLOAD(k, u, b + 3, 1), 0x99);
    uint8_t buf[8];
    size_t got = 0;
    KOK(kern_file_read(k, path, PG + 16, buf, 8, &got, E));
    CHECK_EQ(got, 8);
    CHECK_EQ(buf[0], 0xef);
    CHECK_EQ(buf[7], 0x01);
    KT_AUDIT(k);
    switch (how) {
    case 0:
        KOK(kern_msync(k, t, a, 2 * PG, E));
        break;
    case 1:
        KOK(kern_munmap(k, t, a, 2 * PG, E));
        break;
    case 2:
        kern_exit(k, t);
        t = NULL;
        break;
    case 3: {
        /* memory pressure: 4 frames, 8 anonymous pages written by a third process */
        struct task *v = kern_spawn(k, NULL);
        vaddr_t c = KMMAP(k, v, 0, 8 * PG, RW, PRIV_ANON, NULL, 0);
        for (unsigned i = 0; i < 8; i++) {
            KSTORE(k, v, c + i * PG, 8, i + 1);
            KT_AUDIT(k);
        }
        CHECK(k->st.file_writebacks >= 1);
        for (unsigned i = 0; i < 8; i++)
            CHECK_EQ(KLOAD(k, v, c + i * PG, 8), i + 1);
        break;
    }
    }
    KT_AUDIT(k);
    CHECK_EQ(kt_disk(path, PG + 16, buf, 8), 8);
    CHECK_EQ(buf[0], 0xef);
    CHECK_EQ(buf[7], 0x01);
    CHECK_EQ(kt_disk(path, 3, buf, 2), 2);
    CHECK_EQ(buf[0], 0x99);
    CHECK_EQ(buf[1], kt_pat(4, 3));
    CHECK_EQ(kt_disk_size(path), 2 * PG);
    /* and the mappers still see the data */
    CHECK_EQ(KLOAD(k, u, b + PG + 16, 8), UINT64_C(0x0123456789abcdef));
    if (t && how != 1)
        CHECK_EQ(KLOAD(k, t, a + 3, 1), 0x99);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_shared_file_write_reaches_file_by_msync)
{
    shared_write_reaches_file(0);
}
TEST(kernel_shared_file_write_reaches_file_by_munmap)
{
    shared_write_reaches_file(1);
}
TEST(kernel_shared_file_write_reaches_file_by_exit)
{
    shared_write_reaches_file(2);
}
TEST(kernel_shared_file_write_reaches_file_by_eviction)
{
    shared_write_reaches_file(3);
}

TEST(kernel_msync_only_writes_dirty_pages_and_clears_dirty)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "m.bin", 3 * PG, 4);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 3 * PG, RW, KMAP_SHARED, path, 0);
    CHECK_EQ(KLOAD(k, t, a, 1), kt_pat(0, 4));
    KSTORE(k, t, a + PG, 1, 0x11);
    uint64_t wb = k->st.file_writebacks;
    KOK(kern_msync(k, t, a, 3 * PG, E));
    CHECK_EQ(k->st.file_writebacks, wb + 1);
    KOK(kern_msync(k, t, a, 3 * PG, E)); /* clean now */
    CHECK_EQ(k->st.file_writebacks, wb + 1);
    KSTORE(k, t, a + PG + 1, 1, 0x12); /* dirty again after the clean: D set again */
    KOK(kern_msync(k, t, a + PG, PG, E));
    CHECK_EQ(k->st.file_writebacks, wb + 2);
    uint8_t b[2];
    CHECK_EQ(kt_disk(path, PG, b, 2), 2);
    CHECK_EQ(b[0], 0x11);
    CHECK_EQ(b[1], 0x12);
    /* msync over a hole fails; unaligned fails */
    struct vms_error e = {0};
    CHECK(kern_msync(k, t, a - PG, 2 * PG, &e) < 0);
    CHECK(kern_msync(k, t, a + 1, PG, &e) < 0);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* Bytes past end of file in the last page: zero until stored to, never written to the file,
 * still seen by the mapper after the page is evicted and read again; a page wholly past EOF
 * raises SIGBUS. */
TEST(kernel_file_tail_past_eof)
{
    struct kt x;
    if (!kt_init(&x, 4, 16, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "t.bin", PG + 100, 5);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 3 * PG, RW, KMAP_SHARED, path, 0);
    CHECK_EQ(KLOAD(k, t, a + PG + 99, 1), kt_pat(PG + 99, 5));
    CHECK_EQ(KLOAD(k, t, a + PG + 100, 8), 0);
    CHECK_EQ(KLOAD(k, t, a + 2 * PG - 8, 8), 0);
    KSTORE(k, t, a + PG + 200, 8, UINT64_C(0xfeedfacecafebeef));
    KSTORE(k, t, a + PG + 96, 8, UINT64_C(0x8877665544332211)); /* straddles EOF */
    KSTORE(k, t, a + PG + 50, 1, 0x50);
    CHECK_EQ(KLOAD(k, t, a + PG + 200, 8), UINT64_C(0xfeedfacecafebeef));
    KOK(kern_msync(k, t, a, 2 * PG, E));
    CHECK_EQ(kt_disk_size(path), PG + 100);
    uint8_t b[8];
    CHECK_EQ(kt_disk(path, PG + 96, b, 8), 4);
    CHECK_EQ(b[0], 0x11);
    CHECK_EQ(b[3], 0x44);
    CHECK_EQ(kt_disk(path, PG + 50, b, 1), 1);
    CHECK_EQ(b[0], 0x50);
    size_t got = 9;
    KOK(kern_file_read(k, path, PG + 200, b, 8, &got, E));
    CHECK_EQ(got, 0); /* read(2) stops at EOF */
    KOK(kern_file_read(k, path, PG + 96, b, 8, &got, E));
    CHECK_EQ(got, 4);
    /* a page wholly past EOF */
    enum kern_sig sig;
    KLOADS(k, t, a + 2 * PG, 1, &sig);
    CHECK_EQ(sig, KSIG_BUS);
    CHECK_EQ(KSTORES(k, t, a + 2 * PG + 8, 8, 1), KSIG_BUS);
    CHECK_EQ(KSTORES(k, t, a + 2 * PG - 4, 8, 1), KSIG_BUS); /* spanning into it */
    CHECK_EQ(KLOAD(k, t, a + 2 * PG - 8, 8), 0);             /* ... wrote nothing */
    CHECK_EQ(k->st.faults_sigbus, 3);
    KT_AUDIT(k);

    /* evict the page (pressure from anonymous memory), then read it again */
    struct task *v = kern_spawn(k, NULL);
    vaddr_t c = KMMAP(k, v, 0, 8 * PG, RW, PRIV_ANON, NULL, 0);
    for (unsigned i = 0; i < 8; i++)
        KSTORE(k, v, c + i * PG, 8, i + 1);
    KT_AUDIT(k);
    CHECK_EQ(kt_frame(k, t, a + PG), KNONE);
    CHECK_EQ(KLOAD(k, t, a + PG + 200, 8), UINT64_C(0xfeedfacecafebeef));
    CHECK_EQ(KLOAD(k, t, a + PG + 96, 8), UINT64_C(0x8877665544332211));
    CHECK_EQ(KLOAD(k, t, a + PG + 50, 1), 0x50);
    CHECK_EQ(KLOAD(k, t, a + PG + 300, 8), 0);
    CHECK_EQ(kt_disk_size(path), PG + 100);
    /* another mapper (private) of the page sees the tail as the page cache holds it */
    vaddr_t p = KMMAP(k, v, 0, 2 * PG, RO, 0, path, 0);
    CHECK_EQ(KLOAD(k, v, p + PG + 200, 8), UINT64_C(0xfeedfacecafebeef));
    KT_AUDIT(k);
    kern_exit(k, t);
    kern_exit(k, v);
    CHECK_EQ(kt_disk_size(path), PG + 100);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_sigbus_past_eof_every_kind)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "b.bin", PG, 6);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 3 * PG, RW | AREA_EXEC, KMAP_SHARED, path, 0);
    vaddr_t p = KMMAP(k, t, 0, 2 * PG, RW | AREA_EXEC, 0, path, 0);
    vaddr_t o = KMMAP(k, t, 0, PG, RO, 0, path, 4 * PG); /* offset beyond EOF */
    vaddr_t r = KMMAP(k, t, 0, 2 * PG, RO, 0, path, 0);
    enum kern_sig s;
    for (unsigned i = 1; i < 3; i++) {
        KLOADS(k, t, a + i * PG, 4, &s);
        CHECK_EQ(s, KSIG_BUS);
        CHECK_EQ(KSTORES(k, t, a + i * PG, 4, 7), KSIG_BUS);
        CHECK_EQ(KFETCH(k, t, a + i * PG), KSIG_BUS);
    }
    KLOADS(k, t, p + PG, 1, &s);
    CHECK_EQ(s, KSIG_BUS);
    CHECK_EQ(KSTORES(k, t, p + PG, 1, 1), KSIG_BUS); /* private: no COW past EOF either */
    CHECK_EQ(KFETCH(k, t, p + PG + 5), KSIG_BUS);
    KLOADS(k, t, o, 1, &s);
    CHECK_EQ(s, KSIG_BUS);
    /* the area's protection is checked before EOF: a store to a read-only area is accerr */
    CHECK_EQ(KSTORES(k, t, r + PG, 1, 1), KSIG_SEGV_ACCERR);
    CHECK_EQ(KFETCH(k, t, r + PG), KSIG_SEGV_ACCERR);
    KLOADS(k, t, r + PG, 1, &s);
    CHECK_EQ(s, KSIG_BUS);
    CHECK_EQ(k->st.faults_sigbus, 11);
    CHECK_EQ(KLOAD(k, t, a + PG - 1, 1), kt_pat(PG - 1, 6));
    CHECK_EQ(KFETCH(k, t, a), KSIG_NONE);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ fault kinds */

TEST(kernel_fault_kinds_for_every_prot)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    for (unsigned prot = 0; prot < 8; prot++) {
        for (int present = 0; present < 2; present++) {
            vaddr_t a = KMMAP(k, t, 0, PG, RW, PRIV_ANON, NULL, 0);
            if (present)
                KSTORE(k, t, a + 8, 8, 0x5555);
            KOK(kern_mprotect(k, t, a, PG, prot, E));
            enum kern_sig s;
            uint64_t v = KLOADS(k, t, a + 8, 8, &s);
            if (prot == 0) {
                CHECK_EQ(s, KSIG_SEGV_ACCERR);
            } else {
                CHECK_EQ(s, KSIG_NONE); /* x86: every present page is readable */
                CHECK_EQ(v, present ? 0x5555 : 0);
            }
            enum kern_sig ws = KSTORES(k, t, a + 16, 8, 0x66);
            CHECK_EQ(ws, (prot & AREA_WRITE) ? KSIG_NONE : KSIG_SEGV_ACCERR);
            enum kern_sig fs = KFETCH(k, t, a + 24);
            CHECK_EQ(fs, (prot & AREA_EXEC) ? KSIG_NONE : KSIG_SEGV_ACCERR);
            if (s == KSIG_NONE || ws == KSIG_NONE) {
                KOK(kern_mprotect(k, t, a, PG, RW, E));
                CHECK_EQ(KLOAD(k, t, a + 16, 8), ws == KSIG_NONE ? 0x66 : 0);
                CHECK_EQ(KLOAD(k, t, a + 8, 8), present ? 0x5555 : 0);
            }
            KT_AUDIT(k);
            KOK(kern_munmap(k, t, a, PG, E));
            /* unmapped: maperr for every kind */
            KLOADS(k, t, a, 1, &s);
            CHECK_EQ(s, KSIG_SEGV_MAPERR);
            CHECK_EQ(KSTORES(k, t, a, 1, 1), KSIG_SEGV_MAPERR);
            CHECK_EQ(KFETCH(k, t, a), KSIG_SEGV_MAPERR);
            KT_AUDIT(k);
        }
    }
    enum kern_sig s;
    KLOADS(k, t, 0, 8, &s);
    CHECK_EQ(s, KSIG_SEGV_MAPERR);
    KLOADS(k, t, UINT64_C(0x800000000000), 8, &s); /* non-canonical */
    CHECK_EQ(s, KSIG_SEGV_MAPERR);
    CHECK_EQ(KSTORES(k, t, UINT64_C(0xffffffffffffff00), 8, 1), KSIG_SEGV_MAPERR);
    struct stats st;
    kern_task_stats(k, t, &st);
    CHECK(st.faults_segv_maperr >= 3 + 48);
    CHECK(st.faults_segv_accerr > 0);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* Write-protecting a present, dirty page takes effect at once (the TLB entry goes too). */
TEST(kernel_mprotect_takes_effect_on_cached_translations)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RW | AREA_EXEC, PRIV_ANON, NULL, 0);
    KSTORE(k, t, a, 8, 1);
    CHECK_EQ(KFETCH(k, t, a), KSIG_NONE);
    KOK(kern_mprotect(k, t, a, PG, RO, E));
    CHECK_EQ(KSTORES(k, t, a, 8, 2), KSIG_SEGV_ACCERR);
    CHECK_EQ(KFETCH(k, t, a), KSIG_SEGV_ACCERR);
    CHECK_EQ(KLOAD(k, t, a, 8), 1);
    KOK(kern_mprotect(k, t, a, PG, 0, E));
    enum kern_sig s;
    KLOADS(k, t, a, 8, &s);
    CHECK_EQ(s, KSIG_SEGV_ACCERR);
    KOK(kern_mprotect(k, t, a, PG, RW, E));
    KSTORE(k, t, a, 8, 3);
    CHECK_EQ(KLOAD(k, t, a, 8), 3);
    CHECK_EQ(kt_nareas(t), 2);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ spanning accesses */

TEST(kernel_spanning_access_second_page_faults)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 3 * PG, RW, PRIV_ANON, NULL, 0);
    KSTORE(k, t, a + PG - 8, 8, UINT64_C(0x1122334455667788));
    KSTORE(k, t, a + PG, 8, UINT64_C(0x99aabbccddeeff00));
    /* a spanning load and store that work */
    CHECK_EQ(KLOAD(k, t, a + PG - 2, 4), 0xff001122);
    KSTORE(k, t, a + PG - 1, 2, 0xabcd);
    CHECK_EQ(KLOAD(k, t, a + PG - 1, 1), 0xcd);
    CHECK_EQ(KLOAD(k, t, a + PG, 1), 0xab);
    KSTORE(k, t, a + PG - 1, 2, 0x0011);
    /* second page read-only: a spanning store faults (accerr) and writes nothing */
    KOK(kern_mprotect(k, t, a + PG, PG, RO, E));
    for (unsigned size = 2; size <= 8; size *= 2) {
        for (unsigned back = 1; back < size; back++) {
            CHECK_EQ(KSTORES(k, t, a + PG - back, size, ~UINT64_C(0)), KSIG_SEGV_ACCERR);
            CHECK_EQ(KLOAD(k, t, a + PG - 8, 8), UINT64_C(0x1122334455667788));
            CHECK_EQ(KLOAD(k, t, a + PG, 8), UINT64_C(0x99aabbccddeeff00));
        }
    }
    /* the first page read-only instead: accerr too */
    KOK(kern_mprotect(k, t, a, 2 * PG, RW, E));
    KOK(kern_mprotect(k, t, a, PG, RO, E));
    CHECK_EQ(KSTORES(k, t, a + PG - 4, 8, 0), KSIG_SEGV_ACCERR);
    CHECK_EQ(KLOAD(k, t, a + PG, 8), UINT64_C(0x99aabbccddeeff00));
    /* second page unmapped: maperr, nothing written; loads fault too */
    KOK(kern_mprotect(k, t, a, PG, RW, E));
    KOK(kern_munmap(k, t, a + PG, PG, E));
    CHECK_EQ(KSTORES(k, t, a + PG - 4, 8, 0), KSIG_SEGV_MAPERR);
    CHECK_EQ(KLOAD(k, t, a + PG - 8, 8), UINT64_C(0x1122334455667788));
    enum kern_sig s;
    KLOADS(k, t, a + PG - 4, 8, &s);
    CHECK_EQ(s, KSIG_SEGV_MAPERR);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_spanning_store_into_sigbus_writes_nothing)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "f.bin", PG, 7);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RW, KMAP_SHARED, path, 0);
    uint64_t before = KLOAD(k, t, a + PG - 8, 8);
    CHECK_EQ(KSTORES(k, t, a + PG - 2, 4, 0), KSIG_BUS);
    CHECK_EQ(KLOAD(k, t, a + PG - 8, 8), before);
    KOK(kern_msync(k, t, a, PG, E));
    uint8_t b[2];
    CHECK_EQ(kt_disk(path, PG - 2, b, 2), 2);
    CHECK_EQ(b[0], kt_pat(PG - 2, 7));
    /* private COW page then a page past EOF: no copy is visible */
    vaddr_t p = KMMAP(k, t, 0, 2 * PG, RW, 0, path, 0);
    CHECK_EQ(KSTORES(k, t, p + PG - 1, 2, 0xffff), KSIG_BUS);
    CHECK_EQ(KLOAD(k, t, p + PG - 1, 1), kt_pat(PG - 1, 7));
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_spanning_cow_pages_both_copied)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RW, PRIV_ANON, NULL, 0);
    KSTORE(k, t, a + PG - 4, 8, UINT64_C(0x1111111122222222));
    struct task *c = kern_fork(k, t, NULL);
    KSTORE(k, c, a + PG - 2, 4, 0xaabbccdd);
    CHECK_EQ(KLOAD(k, c, a + PG - 4, 8), UINT64_C(0x1111aabbccdd2222));
    CHECK_EQ(KLOAD(k, t, a + PG - 4, 8), UINT64_C(0x1111111122222222));
    CHECK_EQ(k->st.faults_cow, 2);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ areas */

TEST(kernel_mprotect_and_munmap_split_areas)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 6 * PG, RW, PRIV_ANON, NULL, 0);
    for (unsigned i = 0; i < 6; i++)
        KSTORE(k, t, a + i * PG, 8, 100 + i);
    CHECK_EQ(kt_nareas(t), 1);
    KOK(kern_mprotect(k, t, a + 2 * PG, 2 * PG, RO, E));
    CHECK_EQ(kt_nareas(t), 3);
    const struct area *m = area_find(kern_task_areas(t), a + 2 * PG);
    CHECK(m && m->start == a + 2 * PG && m->end == a + 4 * PG && m->prot == RO);
    for (unsigned i = 0; i < 6; i++)
        CHECK_EQ(KLOAD(k, t, a + i * PG, 8), 100 + i);
    CHECK_EQ(KSTORES(k, t, a + 3 * PG, 8, 0), KSIG_SEGV_ACCERR);
    KSTORE(k, t, a + 4 * PG, 8, 204);
    KT_AUDIT(k);
    KOK(kern_mprotect(k, t, a + 2 * PG, 2 * PG, RW, E)); /* merges back */
    CHECK_EQ(kt_nareas(t), 1);
    KSTORE(k, t, a + 3 * PG, 8, 203);
    KT_AUDIT(k);

    uint32_t nfree = k->nfree;
    KOK(kern_munmap(k, t, a + PG, PG, E));
    CHECK_EQ(kt_nareas(t), 2);
    CHECK_EQ(k->nfree, nfree + 1);
    CHECK_EQ(kern_task_rss(t), 5);
    enum kern_sig s;
    KLOADS(k, t, a + PG, 8, &s);
    CHECK_EQ(s, KSIG_SEGV_MAPERR);
    KOK(kern_munmap(k, t, a + 4 * PG, PG, E));
    CHECK_EQ(kt_nareas(t), 3);
    CHECK_EQ(KLOAD(k, t, a, 8), 100);
    CHECK_EQ(KLOAD(k, t, a + 2 * PG, 8), 102);
    CHECK_EQ(KLOAD(k, t, a + 3 * PG, 8), 203);
    CHECK_EQ(KLOAD(k, t, a + 5 * PG, 8), 105);
    KT_AUDIT(k);
    /* map fixed over the hole and part of a neighbour: fresh zero pages */
    vaddr_t f = KMMAP(k, t, a + PG, 2 * PG, RW, PRIV_ANON | KMAP_FIXED, NULL, 0);
    CHECK_EQ(f, a + PG);
    CHECK_EQ(KLOAD(k, t, a + PG, 8), 0);
    CHECK_EQ(KLOAD(k, t, a + 2 * PG, 8), 0);
    CHECK_EQ(KLOAD(k, t, a + 3 * PG, 8), 203);
    CHECK_EQ(kern_task_rss(t), 3);
    /* a hint that is free is taken; one that is not falls back to top-down */
    vaddr_t h = KMMAP(k, t, UINT64_C(0x500000000), PG, RW, PRIV_ANON, NULL, 0);
    CHECK_EQ(h, UINT64_C(0x500000000));
    vaddr_t h2 = KMMAP(k, t, a, PG, RW, PRIV_ANON, NULL, 0);
    CHECK_EQ(h2, a + 4 * PG); /* the highest hole that fits */
    KOK(kern_munmap(k, t, h2, PG, E));
    /* munmap over a range without areas succeeds; unaligned fails */
    KOK(kern_munmap(k, t, UINT64_C(0x600000000), 4 * PG, E));
    struct vms_error e = {0};
    CHECK(kern_munmap(k, t, a + 1, PG, &e) < 0);
    CHECK(kern_mprotect(k, t, a + 4 * PG, 2 * PG, RO, &e) < 0); /* over the hole */
    CHECK_EQ(KLOAD(k, t, a + 5 * PG, 8), 105);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_brk_grows_and_shrinks)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t heap = 0;
    KOK(kern_brk(k, t, 10000, &heap, E));
    CHECK_EQ(heap, UINT64_C(0x10000000));
    const struct area *h = area_find(kern_task_areas(t), heap);
    CHECK(h && h->end == heap + 3 * PG && (h->flags & AREA_HEAP));
    KSTORE(k, t, heap + 2 * PG + 8, 8, 42);
    KSTORE(k, t, heap + PG, 8, 41);
    CHECK_EQ(KLOAD(k, t, heap + 2 * PG + 8, 8), 42);
    KOK(kern_brk(k, t, 0, &heap, E));
    KOK(kern_brk(k, t, -8000, &heap, E)); /* brk = heap + 2000: one page left */
    h = area_find(kern_task_areas(t), heap);
    CHECK(h && h->end == heap + PG);
    enum kern_sig s;
    KLOADS(k, t, heap + PG, 8, &s);
    CHECK_EQ(s, KSIG_SEGV_MAPERR);
    CHECK_EQ(kern_task_rss(t), 0);
    KOK(kern_brk(k, t, 8000, &heap, E));
    CHECK_EQ(KLOAD(k, t, heap + PG, 8), 0); /* fresh memory */
    CHECK_EQ(KLOAD(k, t, heap + 2 * PG + 8, 8), 0);
    struct vms_error e = {0};
    CHECK(kern_brk(k, t, -20000, &heap, &e) < 0); /* below the start */
    vaddr_t m = KMMAP(k, t, heap + 5 * PG, PG, RW, PRIV_ANON | KMAP_FIXED, NULL, 0);
    CHECK_EQ(m, heap + 5 * PG);
    CHECK(kern_brk(k, t, 3 * PG, &heap, &e) < 0); /* would overlap the mapping */
    h = area_find(kern_task_areas(t), heap);
    CHECK(h && h->end == heap + 3 * PG);
    KOK(kern_brk(k, t, -10000, &heap, E)); /* back to the start: no heap area */
    CHECK(area_find(kern_task_areas(t), heap) == NULL);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ swap */

/* Writes `pages` anonymous pages (three words each) in two processes sharing some by
 * fork, with 8 frames and swap, reads them back in two orders; every byte survives. */
static void swap_roundtrip(const char *policy)
{
    struct kt x;
    if (!kt_init_on(&x, NULL, 8, 96, policy, 7))
        return;
    struct kernel *k = x.k;
    const unsigned n = 24;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, n * PG, RW, PRIV_ANON, NULL, 0);
    vaddr_t sh = KMMAP(k, t, 0, 4 * PG, RW, SHARED_ANON, NULL, 0);
    const char *path = kt_file(&x, "sw.bin", 6 * PG, 9);
    vaddr_t fs = KMMAP(k, t, 0, 6 * PG, RW, KMAP_SHARED, path, 0);
    vaddr_t fp = KMMAP(k, t, 0, 6 * PG, RW, 0, path, 0);
#define W(i, j) (UINT64_C(0x100000) * (i) + (j) + 1)
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < 3; j++)
            KSTORE(k, t, a + i * PG + j * (PG / 2 - 4), 8, W(i, j));
    for (unsigned i = 0; i < 4; i++)
        KSTORE(k, t, sh + i * PG + 8, 8, W(i, 7));
    for (unsigned i = 0; i < 6; i += 2) {
        KSTORE(k, t, fs + i * PG + 16, 8, W(i, 8));
        KSTORE(k, t, fp + i * PG + 24, 8, W(i, 9));
    }
    KT_AUDIT(k);
    struct task *c = kern_fork(k, t, NULL);
    CHECK(c != NULL);
    if (!c) {
        kt_fini(&x);
        return;
    }
    KT_AUDIT(k);
    /* the child changes every third page, the parent every fourth */
    for (unsigned i = 0; i < n; i += 3)
        KSTORE(k, c, a + i * PG, 8, W(i, 100));
    for (unsigned i = 1; i < n; i += 4)
        KSTORE(k, t, a + i * PG + PG / 2 - 4, 8, W(i, 200));
    KSTORE(k, c, sh + 3 * PG + 8, 8, 0x5151);
    KSTORE(k, c, fp + 2 * PG + 24, 8, 0x6161);
    KT_AUDIT(k);
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned q = 0; q < n; q++) {
            unsigned i = pass ? n - 1 - q : (q * 7) % n;
            for (unsigned j = 0; j < 3; j++) {
                uint64_t pv = W(i, j), cv = W(i, j);
                if (j == 1 && i % 4 == 1)
                    pv = W(i, 200);
                if (j == 0 && i % 3 == 0)
                    cv = W(i, 100);
                CHECK_EQ(KLOAD(k, t, a + i * PG + j * (PG / 2 - 4), 8), pv);
                CHECK_EQ(KLOAD(k, c, a + i * PG + j * (PG / 2 - 4), 8), cv);
            }
        }
        for (unsigned i = 0; i < 4; i++) {
            uint64_t v = i == 3 ? 0x5151 : W(i, 7);
            CHECK_EQ(KLOAD(k, t, sh + i * PG + 8, 8), v);
            CHECK_EQ(KLOAD(k, c, sh + i * PG + 8, 8), v);
        }
        for (unsigned i = 0; i < 6; i++) {
            uint64_t sv = i % 2 ? 0 : W(i, 8), pv = i % 2 ? 0 : W(i, 9);
            if (i % 2) {
                for (int b = 7; b >= 0; b--)
                    sv = sv << 8 | kt_pat(i * PG + 16 + (unsigned)b, 9);
                for (int b = 7; b >= 0; b--)
                    pv = pv << 8 | kt_pat(i * PG + 24 + (unsigned)b, 9);
            }
            CHECK_EQ(KLOAD(k, t, fs + i * PG + 16, 8), sv);
            CHECK_EQ(KLOAD(k, c, fs + i * PG + 16, 8), sv);
            CHECK_EQ(KLOAD(k, t, fp + i * PG + 24, 8), pv);
            CHECK_EQ(KLOAD(k, c, fp + i * PG + 24, 8), i == 2 ? 0x6161 : pv);
        }
        KT_AUDIT(k);
    }
#undef W
    CHECK(k->st.swap_outs > 0);
    CHECK(k->st.swap_ins > 0);
    kern_exit(k, c);
    KT_AUDIT(k);
    kern_exit(k, t);
    KT_AUDIT(k);
    CHECK_EQ(k->slots_used, 0);
    /* shared file writes are on disk, private ones are not */
    uint8_t b[8];
    CHECK_EQ(kt_disk(path, 2 * PG + 16, b, 8), 8);
    CHECK_EQ(b[0], 0x01 + 8);
    CHECK_EQ(kt_disk(path, 2 * PG + 24, b, 1), 1);
    CHECK_EQ(b[0], kt_pat(2 * PG + 24, 9));
    kt_fini(&x);
}

TEST(kernel_swap_every_policy)
{
    unsigned tested = 0;
    for (size_t i = 0; policy_at(i); i++) {
        const struct policy_ops *ops = policy_at(i);
        if (ops->flags & POLICY_NEEDS_FUTURE)
            continue;
        swap_roundtrip(ops->name);
        tested++;
    }
    CHECK(tested >= 13); /* clock fifo aging random nru eclock wsclock lru2 lru lfu arc 2q lirs */
    static const char *must[] = {"clock", "fifo", "aging", "random", "nru", "eclock", "wsclock",
                                 "lru2",  "lru",  "lfu",   "arc",    "2q",  "lirs"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        CHECK(policy_find(must[i]) != NULL);
}

TEST(kernel_swap_zero_and_clean_pages)
{
    struct kt x;
    if (!kt_init(&x, 4, 32, "fifo"))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 12 * PG, RW, PRIV_ANON, NULL, 0);
    for (unsigned i = 0; i < 12; i++)
        KSTORE(k, t, a + i * PG, 8, i % 2 ? 0 : i + 1); /* half the pages stay all zero */
    for (int pass = 0; pass < 3; pass++) {
        for (unsigned i = 0; i < 12; i++)
            CHECK_EQ(KLOAD(k, t, a + i * PG, 8), i % 2 ? 0 : i + 1);
        KT_AUDIT(k);
    }
    /* swapped-in pages stay in the swap cache while clean: a re-eviction writes nothing */
    CHECK(k->st.swap_ins > 0);
    /* a write to a swap-cached page leaves the cache (the slot keeps the old bytes) */
    for (unsigned i = 0; i < 12; i++)
        KSTORE(k, t, a + i * PG + 8, 8, 1000 + i);
    for (unsigned i = 0; i < 12; i++) {
        CHECK_EQ(KLOAD(k, t, a + i * PG + 8, 8), 1000 + i);
        CHECK_EQ(KLOAD(k, t, a + i * PG, 8), i % 2 ? 0 : i + 1);
    }
    KT_AUDIT(k);
    kern_exit(k, t);
    CHECK_EQ(k->slots_used, 0);
    CHECK_EQ(k->nfree, 4);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ the OOM killer */

TEST(kernel_oom_kills_largest_and_goes_on)
{
    struct kt x;
    if (!kt_init(&x, 4, 4, NULL))
        return;
    struct kernel *k = x.k;
    struct task *big = kern_spawn(k, NULL);
    struct task *small = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, big, 0, 16 * PG, RW, PRIV_ANON, NULL, 0);
    vaddr_t b = KMMAP(k, small, 0, 4 * PG, RW, PRIV_ANON, NULL, 0);
    KSTORE(k, small, b, 8, 0x5a5a);
    /* big fills memory and swap: 4 frames + 4 slots = 8 pages, small holds one */
    unsigned i = 0;
    for (; i < 16 && x.nkilled == 0; i++) {
        enum kern_sig s = KSTORES(k, big, a + i * PG, 8, i + 1);
        KT_AUDIT(k);
        if (s != KSIG_NONE) {
            CHECK_EQ(s, KSIG_KILLED);
            break;
        }
    }
    CHECK_EQ(x.nkilled, 1);
    CHECK(x.killed[0] == big);
    CHECK(!x.kill_not_largest);
    CHECK(kern_task_killed(big));
    CHECK(!kern_task_killed(small));
    CHECK_EQ(i, 7); /* the 8th page does not fit */
    /* the killed task: every access reports it, system calls fail */
    enum kern_sig s;
    KLOADS(k, big, a, 8, &s);
    CHECK_EQ(s, KSIG_KILLED);
    struct vms_error e = {0};
    vaddr_t out;
    CHECK(kern_mmap(k, big, 0, PG, RW, PRIV_ANON, NULL, 0, &out, &e) < 0);
    CHECK(kern_fork(k, big, &e) == NULL);
    /* the other goes on, its data intact, and memory is free again */
    CHECK_EQ(KLOAD(k, small, b, 8), 0x5a5a);
    for (unsigned j = 1; j < 4; j++)
        KSTORE(k, small, b + j * PG, 8, j);
    for (unsigned j = 1; j < 4; j++)
        CHECK_EQ(KLOAD(k, small, b + j * PG, 8), j);
    KT_AUDIT(k);
    kern_exit(k, big);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_oom_kills_another_task)
{
    struct kt x;
    if (!kt_init(&x, 4, 2, NULL))
        return;
    struct kernel *k = x.k;
    struct task *hog = kern_spawn(k, NULL);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, hog, 0, 5 * PG, RW, PRIV_ANON, NULL, 0);
    vaddr_t b = KMMAP(k, t, 0, 4 * PG, RW, PRIV_ANON, NULL, 0);
    for (unsigned i = 0; i < 5; i++)
        KSTORE(k, hog, a + i * PG, 8, i + 1);
    KT_AUDIT(k);
    /* t needs a frame: everything is full; the hog has the largest RSS (or most pages) */
    for (unsigned i = 0; i < 4; i++) {
        enum kern_sig s = KSTORES(k, t, b + i * PG, 8, 10 + i);
        CHECK(s == KSIG_NONE || s == KSIG_KILLED);
        KT_AUDIT(k);
    }
    CHECK(x.nkilled >= 1);
    CHECK(!x.kill_not_largest);
    if (!kern_task_killed(t)) {
        CHECK(kern_task_killed(hog));
        for (unsigned i = 0; i < 4; i++)
            CHECK_EQ(KLOAD(k, t, b + i * PG, 8), 10 + i);
    }
    KT_AUDIT(k);
    kt_fini(&x);
}

/* ------------------------------------------------------------------ exec */

TEST(kernel_exec_bin_true_stack_holds_argv)
{
    const char *prog = "/bin/true";
    if (access(prog, R_OK) != 0) {
        harness_skip("%s not readable", prog);
        return;
    }
    struct kt x;
    if (!kt_init(&x, 64, 64, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    const char *argv[] = {prog, "hello", "w", NULL};
    struct vms_error e = {0};
    int rc = kern_exec(k, t, prog, argv, &e);
    if (rc) {
        harness_fail(__FILE__, __LINE__, "exec: %s", e.msg);
        kt_fini(&x);
        return;
    }
    KT_AUDIT(k);
    const struct area_set *as = kern_task_areas(t);
    CHECK(as->count >= 4);
    const struct area *stack = NULL;
    bool exec_area = false, file_area = false;
    for (const struct area *a = area_first(as); a; a = area_next(a)) {
        if (a->flags & AREA_STACK)
            stack = a;
        if (a->prot & AREA_EXEC)
            exec_area = true;
        if (a->file && strstr(a->file->path, "true"))
            file_area = true;
    }
    CHECK(stack != NULL);
    CHECK(exec_area);
    CHECK(file_area);
    /* where execve put sp: the same layout computed on the side */
    struct area_set side;
    struct area_layout l = area_layout_x86_64();
    area_set_init(&side, &l);
    struct elf_host host = elf_host_current();
    struct elf_exec ex;
    rc = elf_exec_layout(&side, prog, argv, 3, NULL, 0, &host, &ex, &e);
    CHECK_EQ(rc, 0);
    vaddr_t sp = rc == 0 ? ex.sp : 0;
    if (rc == 0) {
        CHECK(stack && ex.sp >= stack->start && ex.sp < stack->end);
        CHECK_EQ(KLOAD(k, t, ex.sp, 8), 3); /* argc */
        uint64_t p1 = KLOAD(k, t, ex.sp + 16, 8);
        char s[8] = {0};
        for (unsigned i = 0; i < 6; i++)
            s[i] = (char)KLOAD(k, t, p1 + i, 1);
        CHECK_STR(s, "hello");
        CHECK_EQ(KLOAD(k, t, ex.sp + 32, 8), 0); /* argv[3] = NULL */
        CHECK_EQ(KLOAD(k, t, ex.sp + 40, 8), 0); /* envp[0] = NULL: empty environment */
        /* the entry point is fetchable */
        CHECK_EQ(KFETCH(k, t, ex.entry), KSIG_NONE);
        CHECK_EQ(KSTORES(k, t, ex.entry, 1, 0), KSIG_SEGV_ACCERR);
        elf_exec_fini(&ex);
    }
    area_set_fini(&side);
    KT_AUDIT(k);
    /* a fork of an exec'd image, then exit */
    struct task *c = kern_fork(k, t, NULL);
    CHECK(c != NULL);
    if (c && sp)
        CHECK_EQ(KLOAD(k, c, sp, 8), 3);
    KT_AUDIT(k);
    /* exec of something that is not ELF fails and keeps the old image */
    const char *junk = kt_file(&x, "junk", 100, 1);
    size_t nareas = as->count;
    CHECK(kern_exec(k, t, junk, argv, &e) < 0);
    CHECK_EQ(kern_task_areas(t)->count, nareas);
    if (sp)
        CHECK_EQ(KLOAD(k, t, sp, 8), 3);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* A store spanning two pages where the second faults: as on x86 Linux (checked with
 * `vmsim run --on-linux`), the write fault of the first page is resolved first, so a private
 * file page gets its own copy (and stops showing the file's later changes) although nothing
 * is written. */
TEST(kernel_spanning_store_fault_still_breaks_cow_of_first_page)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "c.bin", PG, 5);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t s = KMMAP(k, t, 0, PG, RW, KMAP_SHARED, path, 0);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RW, 0, path, 0);
    KOK(kern_munmap(k, t, a + PG, PG, E));
    CHECK_EQ(KLOAD(k, t, a, 1), kt_pat(0, 5));
    CHECK_EQ(KSTORES(k, t, a + PG - 2, 4, 0x22222222), KSIG_SEGV_MAPERR);
    CHECK_EQ(KLOAD(k, t, a + PG - 2, 2), kt_pat(PG - 2, 5) | (uint64_t)kt_pat(PG - 1, 5) << 8);
    KSTORE(k, t, s + 1, 1, 0x33);
    CHECK_EQ(KLOAD(k, t, a + 1, 1), kt_pat(1, 5)); /* a copy now */
    KT_AUDIT(k);
    kt_fini(&x);
}

/* A store spanning a shared mapping of a file page into a private mapping of the same page:
 * the private copy is made before any byte is written, so it does not hold the shared half. */
TEST(kernel_spanning_store_shared_then_private_same_page)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "d.bin", PG, 6);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t p = KMMAP(k, t, 0, PG, RW, 0, path, 0);
    vaddr_t s = KMMAP(k, t, 0, PG, RW, KMAP_SHARED, path, 0);
    CHECK_EQ(s + PG, p);
    KSTORE(k, t, p - 4, 8, UINT64_C(0x1122334455667788));
    CHECK_EQ(KLOAD(k, t, s + PG - 4, 4), 0x55667788);
    CHECK_EQ(KLOAD(k, t, p, 4), 0x11223344);
    CHECK_EQ(KLOAD(k, t, p + PG - 4, 4), kt_pat(PG - 4, 6) | (uint64_t)kt_pat(PG - 3, 6) << 8 |
                                             (uint64_t)kt_pat(PG - 2, 6) << 16 |
                                             (uint64_t)kt_pat(PG - 1, 6) << 24);
    KT_AUDIT(k);
    kt_fini(&x);
}
