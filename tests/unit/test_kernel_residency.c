/* Unit tests of the residency statistics (docs/statistics.md, "Residency"): resident,
 * shared and page-cache frames, RSS and PSS as Linux's /proc/PID/smaps defines them,
 * computed by hand for forked processes sharing file pages, copy-on-write pages, the zero
 * page, swapped pages, and the snapshot a process's exit takes. */
#include "ktest.h"

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)
#define RO AREA_READ

struct res {
    uint64_t resident, shared, cache, rss, pss;
};

static struct res task_res(struct kernel *k, struct task *t)
{
    struct stats s;
    kern_task_stats(k, t, &s);
    CHECK(s.residency);
    return (struct res){s.mem_resident, s.mem_shared, s.mem_page_cache, s.mem_rss, s.mem_pss};
}

static struct res total_res(struct kernel *k)
{
    struct stats s;
    memset(&s, 0, sizeof s);
    kern_stats(k, &s);
    CHECK(s.residency);
    return (struct res){s.mem_resident, s.mem_shared, s.mem_page_cache, s.mem_rss, s.mem_pss};
}

#define CHECK_RES(r, a, b, c, d, e)                                                                \
    do {                                                                                           \
        struct res r_ = (r);                                                                       \
        CHECK_EQ(r_.resident, (a));                                                                \
        CHECK_EQ(r_.shared, (b));                                                                  \
        CHECK_EQ(r_.cache, (c));                                                                   \
        CHECK_EQ(r_.rss, (d));                                                                     \
        CHECK_EQ(r_.pss, (e));                                                                     \
    } while (0)

/* Two processes share 4 file pages and have 2 private pages each:
 * Rss = 6 pages = 24 KiB each; Pss = 4 * 4096 / 2 + 2 * 4096 = 16 KiB each. */
TEST(residency_fork_shared_file_rss_pss)
{
    struct kt x;
    if (!kt_init(&x, 32, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "lib.bin", 4 * PG, 3);
    struct task *p = kern_spawn(k, NULL);
    vaddr_t f = KMMAP(k, p, 0, 4 * PG, RO, 0, path, 0);
    vaddr_t a = KMMAP(k, p, 0, 3 * PG, RW, KMAP_ANON, NULL, 0);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(KLOAD(k, p, f + i * PG, 1), kt_pat(i * PG, 3));
    CHECK_RES(task_res(k, p), 4, 0, 4, 4 * PG, 4 * PG);
    struct task *c = kern_fork(k, p, NULL);
    CHECK(c != NULL);
    if (!c) {
        kt_fini(&x);
        return;
    }
    KT_AUDIT(k);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(KLOAD(k, c, f + i * PG, 1), kt_pat(i * PG, 3));
    for (unsigned i = 0; i < 2; i++) {
        KSTORE(k, p, a + i * PG, 8, 0x100 + i);
        KSTORE(k, c, a + i * PG, 8, 0x200 + i);
    }
    /* a read of the untouched third page maps the zero page: in no RSS (Linux's rule) */
    CHECK_EQ(KLOAD(k, p, a + 2 * PG, 8), 0);
    CHECK(kt_maps_zero_page(k, p, a + 2 * PG));
    KT_AUDIT(k);
    CHECK_RES(task_res(k, p), 6, 4, 4, 24 * 1024, 16 * 1024);
    CHECK_RES(task_res(k, c), 6, 4, 4, 24 * 1024, 16 * 1024);
    /* the machine: 4 page-cache frames + 2 + 2 private ones; RSS and PSS the sums */
    CHECK_RES(total_res(k), 8, 4, 4, 48 * 1024, 32 * 1024);

    /* the child exits: its statistics keep the values it had then; the parent now maps
     * the file pages alone (Pss = Rss) */
    kern_task_end(k, c);
    KT_AUDIT(k);
    CHECK_RES(task_res(k, c), 6, 4, 4, 24 * 1024, 16 * 1024);
    CHECK_RES(task_res(k, p), 6, 0, 4, 24 * 1024, 24 * 1024);
    CHECK_RES(total_res(k), 6, 0, 4, 48 * 1024, 40 * 1024);
    /* the last live process ends (a trace run's end): the machine's frames as it went,
     * not the 4 page-cache frames left now */
    kern_task_end(k, p);
    CHECK_EQ(k->nframes - k->nfree, 4);
    CHECK_RES(task_res(k, p), 6, 0, 4, 24 * 1024, 24 * 1024);
    CHECK_RES(total_res(k), 6, 0, 4, 48 * 1024, 40 * 1024);
    kern_exit(k, c);
    kern_exit(k, p);
    /* the page cache keeps the file's pages after every mapper is gone */
    CHECK_RES(total_res(k), 4, 0, 4, 0, 0);
    kt_fini(&x);
}

/* Copy-on-write: a page written before the fork is one frame mapped twice (half of it in
 * each PSS) until a store copies it; three mappers divide a page in thirds, in Linux's
 * fixed point (4096 << 12) / 3, summed, then shifted back. */
TEST(residency_cow_and_thirds)
{
    struct kt x;
    if (!kt_init(&x, 32, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *p = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, p, 0, 2 * PG, RW, KMAP_ANON, NULL, 0);
    KSTORE(k, p, a, 8, 1);
    KSTORE(k, p, a + PG, 8, 2);
    struct task *c = kern_fork(k, p, NULL);
    CHECK(c != NULL);
    if (!c) {
        kt_fini(&x);
        return;
    }
    CHECK_RES(task_res(k, p), 2, 2, 0, 2 * PG, PG);
    CHECK_RES(task_res(k, c), 2, 2, 0, 2 * PG, PG);
    KSTORE(k, c, a, 8, 3); /* copied: the child's own frame, the parent's alone */
    CHECK_EQ(k->st.faults_cow, 1);
    CHECK_RES(task_res(k, p), 2, 1, 0, 2 * PG, PG + PG / 2);
    CHECK_RES(task_res(k, c), 2, 1, 0, 2 * PG, PG + PG / 2);
    struct task *g = kern_fork(k, c, NULL);
    CHECK(g != NULL);
    if (!g) {
        kt_fini(&x);
        return;
    }
    /* page 1: p, c and g map one frame; page 0: c and g share the child's copy */
    uint64_t third = ((PG << 12) / 3) >> 12, sum_third = (2 * ((PG << 12) / 3)) >> 12;
    CHECK_EQ(third, 1365);
    CHECK_EQ(sum_third, 2730);
    CHECK_RES(task_res(k, p), 2, 1, 0, 2 * PG, PG + third);
    CHECK_RES(task_res(k, g), 2, 2, 0, 2 * PG, ((PG << 11) + (PG << 12) / 3) >> 12);
    CHECK_EQ(task_res(k, g).pss, 2048 + 1365);
    struct res t = total_res(k);
    CHECK_EQ(t.resident, 3);
    CHECK_EQ(t.shared, 2);
    CHECK_EQ(t.rss, 6 * PG);
    CHECK_EQ(t.pss, task_res(k, p).pss + task_res(k, c).pss + task_res(k, g).pss);
    kern_exit(k, g);
    kern_exit(k, c);
    kern_exit(k, p);
    kt_fini(&x);
}

/* Swapped pages are not resident: with 4 frames and 8 pages written, RSS counts only the
 * pages in memory; a swap-in brings one back. Resident frames include the swap cache. */
TEST(residency_swapped_pages_not_in_rss)
{
    struct kt x;
    if (!kt_init(&x, 4, 16, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 8 * PG, RW, KMAP_ANON, NULL, 0);
    for (unsigned i = 0; i < 8; i++)
        KSTORE(k, t, a + i * PG, 8, i + 1);
    KT_AUDIT(k);
    CHECK(k->st.swap_outs >= 4);
    struct res r = task_res(k, t);
    CHECK(r.resident <= 4);
    CHECK_EQ(r.rss, kern_task_rss(t) * PG);
    CHECK_EQ(r.rss, r.resident * PG);
    CHECK_EQ(r.pss, r.rss);
    CHECK_EQ(r.shared, 0);
    CHECK_EQ(KLOAD(k, t, a, 8), 1); /* swapped in */
    CHECK(k->st.faults_swap_in >= 1);
    r = task_res(k, t);
    CHECK(r.resident >= 1 && r.resident <= 4);
    CHECK_EQ(r.rss, r.resident * PG);
    CHECK_EQ(total_res(k).resident, 4 - k->nfree);
    kern_exit(k, t);
    kt_fini(&x);
}
