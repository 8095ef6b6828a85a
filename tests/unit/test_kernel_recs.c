/* kern_access_recs, the batch entry for traces, against kern_access: the same records run
 * through both (the second as one kern_access call per reference or piece, the rule of
 * docs/statistics.md written out plainly here) must leave every statistic of the machine
 * and of each task identical — TLB, walk, PSC and cache counters, cycles, faults, swap,
 * kills — on every machine, under memory pressure with each kind of policy, with several
 * tasks switching, batches cut at random budgets, and sizes that split. */
#include "ktest.h"

#include "kernel/kernel.h"

#define NREC 60000

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
    r->s ^= r->s << 13;
    r->s ^= r->s >> 7;
    r->s ^= r->s << 17;
    return r->s;
}

/* A stream shaped like a program's: sequential fetches through a few code pages, stack and
 * heap data with locality, a random table, every record kind, sizes that span blocks and
 * pages (natural and not), a few addresses outside the address space. */
static void make_trace(struct trace_rec *out, size_t n, uint64_t lo, uint64_t hi, uint64_t ps,
                       uint64_t seed)
{
    struct rng r = {seed * 2654435761u + 1};
    uint64_t span = hi - lo;
    uint64_t code = lo + (span / 4 & ~(ps - 1)), pc = code;
    uint64_t stack = lo + (span / 2 & ~(ps - 1)), heap = lo + (span / 8 & ~(ps - 1));
    uint64_t table_pages = 24;
    static const uint32_t sizes[] = {1, 2, 4, 8, 8, 8, 3, 5, 6, 7, 12, 16, 32, 0, 64};
    for (size_t i = 0; i < n; i++) {
        uint64_t x = rnd(&r);
        struct trace_rec *t = &out[i];
        unsigned what = (unsigned)(x % 100);
        if (what < 55) {
            t->kind = TRACE_I;
            t->size = (uint32_t)(x >> 8) % 8; /* 0 (as lackey sometimes prints) to 7 */
            if ((x >> 16) % 16 == 0)
                pc = code + ((x >> 20) % (4 * ps));
            t->addr = pc;
            pc += t->size;
        } else {
            t->kind = (uint8_t)(TRACE_L + (x >> 8) % 3);
            t->size = sizes[(x >> 12) % ARRAY_LEN(sizes)];
            unsigned where = (unsigned)(x >> 20) % 10;
            if (where < 4)
                t->addr = stack + ((x >> 24) % 512);
            else if (where < 7)
                t->addr = heap + ((x >> 24) % (3 * ps));
            else if (where < 9)
                t->addr = heap + 8 * ps + ((x >> 24) % (table_pages * ps));
            else
                t->addr = heap + ((x >> 24) % 2 ? ps - 3 : 2 * ps - 1); /* spans pages */
            if (x % 997 == 0)
                t->addr = hi + ((x >> 30) % ps); /* outside the area: SIGSEGV */
        }
    }
}

/* The reference: one kern_access per reference, split as kern_access_recs splits a record
 * (src/kernel/kernel.h). */
static int ref_one(struct kernel *k, struct task *t, uint64_t va, uint32_t size,
                   enum access_kind kind, unsigned shift, struct kern_rec_counts *c,
                   struct vms_error *e)
{
    uint64_t end = size > 1 ? va + (size - 1) : va;
    if (end < va)
        end = UINT64_MAX;
    bool natural = size == 1 || size == 2 || size == 4 || size == 8;
    enum kern_sig sig = KSIG_NONE;
    int rc;
    if ((va >> shift) == (end >> shift)) {
        rc = kern_access(k, t, va, natural ? size : 1, kind, NULL, &sig, e);
    } else {
        c->split++;
        if (natural) {
            rc = kern_access(k, t, va, size, kind, NULL, &sig, e);
        } else {
            for (uint64_t cur = va;;) {
                rc = kern_access(k, t, cur, 1, kind, NULL, &sig, e);
                if (rc < 0 || sig == KSIG_KILLED)
                    break;
                uint64_t next = ((cur >> shift) + 1) << shift;
                if (next == 0 || (next >> shift) > (end >> shift))
                    break;
                cur = next;
            }
        }
    }
    if (sig == KSIG_KILLED)
        c->killed = true;
    return rc;
}

static int ref_recs(struct kernel *k, struct task *t, const struct trace_rec *recs, size_t n,
                    uint64_t budget, const unsigned gran[2], struct kern_rec_counts *c,
                    struct vms_error *e)
{
    if (t->killed || t->dead) {
        c->killed = true;
        return 0;
    }
    uint64_t refs = 0;
    for (size_t i = 0; i < n; i++) {
        const struct trace_rec *r = &recs[i];
        int rc;
        c->done++;
        if (r->kind == TRACE_I) {
            c->ifetches++;
            refs++;
            rc = ref_one(k, t, r->addr, r->size, ACCESS_FETCH, gran[1], c, e);
        } else if (r->kind == TRACE_L) {
            c->loads++;
            refs++;
            rc = ref_one(k, t, r->addr, r->size, ACCESS_LOAD, gran[0], c, e);
        } else if (r->kind == TRACE_S) {
            c->stores++;
            refs++;
            rc = ref_one(k, t, r->addr, r->size, ACCESS_STORE, gran[0], c, e);
        } else {
            c->loads++;
            c->stores++;
            refs += 2;
            rc = ref_one(k, t, r->addr, r->size, ACCESS_LOAD, gran[0], c, e);
            if (rc == 0 && !c->killed)
                rc = ref_one(k, t, r->addr, r->size, ACCESS_STORE, gran[0], c, e);
        }
        if (rc < 0)
            return rc;
        if (c->killed || refs >= budget)
            break;
    }
    c->refs += refs;
    return 0;
}

#define NTASK 3

struct side {
    struct kt x;
    struct task *t[NTASK];
    struct kern_rec_counts c[NTASK];
};

/* The page model of the kernels compare() makes: Linux's zero page (false) or the trace
 * driver's frame per page (true). */
static bool frame_per_page;

static bool side_init(struct side *s, const char *machine, uint64_t mem, uint64_t swap,
                      const char *policy, unsigned ntask)
{
    memset(s, 0, sizeof *s);
    if (!kt_init_on(&s->x, machine, mem, swap, policy, 7))
        return false;
    s->x.k->opt.frame_per_page = frame_per_page;
    for (unsigned i = 0; i < ntask; i++) {
        struct vms_error e = {0};
        s->t[i] = kern_spawn(s->x.k, &e);
        CHECK(s->t[i] != NULL);
        if (!s->t[i])
            return false;
        const struct area_layout *l = &kern_task_areas(s->t[i])->layout;
        uint64_t ps = s->x.ps;
        uint64_t lo = (l->mmap_min_addr + ps - 1) & ~(ps - 1), hi = l->task_size & ~(ps - 1);
        vaddr_t got;
        CHECK_EQ(kern_mmap(s->x.k, s->t[i], lo, hi - lo, AREA_READ | AREA_WRITE | AREA_EXEC,
                           KMAP_ANON | KMAP_FIXED, NULL, 0, &got, &e),
                 0);
    }
    return true;
}

/* The split granule of the trace driver: the first cache level's block, at most a page. */
static void granules(struct kernel *k, unsigned gran[2])
{
    gran[0] = k->block_shift[0];
    gran[1] = k->block_shift[1];
}

/* The hardware's replacement state: every TLB entry and cache line with its stamp, and the
 * stamp clocks (a skipped or extra LRU update shows here before it shows in a count). */
static bool same_hw(const struct mmu *x, const struct mmu *y)
{
    for (int i = 0; i < TLB_N; i++) {
        const struct tlb *s = &x->tlb[i], *t = &y->tlb[i];
        if (s->clock != t->clock || s->rng != t->rng)
            return false;
        for (int p = 0; p < PSZ_N; p++) {
            const struct tlb_array *a = &s->arr[p], *b = &t->arr[p];
            size_t n = (size_t)a->sets * a->ways;
            if (n && memcmp(a->e, b->e, n * sizeof *a->e))
                return false;
        }
    }
    for (int i = 0; i < CACHE_N; i++) {
        const struct cache_level *a = &x->caches.lvl[i], *b = &y->caches.lvl[i];
        if (!a->present)
            continue;
        size_t n = (size_t)a->sets * a->ways;
        if (a->clock != b->clock || a->rng != b->rng ||
            memcmp(a->lines, b->lines, n * sizeof *a->lines))
            return false;
    }
    return true;
}

static void same_stats(struct side *a, struct side *b, unsigned ntask, const char *what)
{
    if (!same_hw(&a->x.k->mmu, &b->x.k->mmu))
        harness_fail(__FILE__, __LINE__, "%s: TLB or cache contents differ", what);
    struct stats sa, sb;
    memset(&sa, 0, sizeof sa);
    memset(&sb, 0, sizeof sb);
    kern_stats(a->x.k, &sa);
    kern_stats(b->x.k, &sb);
    if (memcmp(&sa, &sb, sizeof sa)) {
        harness_fail(__FILE__, __LINE__, "%s: machine statistics differ (refs %llu/%llu, "
                     "L1d hits %llu/%llu, faults %llu/%llu, swap-outs %llu/%llu)", what,
                     (unsigned long long)sa.references, (unsigned long long)sb.references,
                     (unsigned long long)sa.cache_hits[CACHE_L1D],
                     (unsigned long long)sb.cache_hits[CACHE_L1D],
                     (unsigned long long)sa.faults_minor, (unsigned long long)sb.faults_minor,
                     (unsigned long long)sa.swap_outs, (unsigned long long)sb.swap_outs);
        return;
    }
    CHECK(sa.references > 0);
    for (unsigned i = 0; i < ntask; i++) {
        memset(&sa, 0, sizeof sa);
        memset(&sb, 0, sizeof sb);
        kern_task_stats(a->x.k, a->t[i], &sa);
        kern_task_stats(b->x.k, b->t[i], &sb);
        if (memcmp(&sa, &sb, sizeof sa))
            harness_fail(__FILE__, __LINE__, "%s: task %u statistics differ", what, i);
        const struct kern_rec_counts *x = &a->c[i], *y = &b->c[i];
        if (x->done != y->done || x->refs != y->refs || x->ifetches != y->ifetches ||
            x->loads != y->loads || x->stores != y->stores || x->split != y->split ||
            x->killed != y->killed)
            harness_fail(__FILE__, __LINE__,
                         "%s: task %u record counts differ (done %zu/%zu refs %llu/%llu "
                         "split %llu/%llu killed %d/%d)",
                         what, i, x->done, y->done, (unsigned long long)x->refs,
                         (unsigned long long)y->refs, (unsigned long long)x->split,
                         (unsigned long long)y->split, x->killed, y->killed);
    }
}

/* Runs the same traces through kern_access_recs (a) and the reference (b), tasks taking
 * turns with random budgets and batch lengths, then compares everything. */
static struct stats compare(const char *machine, uint64_t mem, uint64_t swap,
                            const char *policy, unsigned ntask, uint64_t seed, unsigned *kills)
{
    struct stats st;
    memset(&st, 0, sizeof st);
    static struct trace_rec tr[NTASK][NREC];
    static struct side a, b;
    char what[160];
    snprintf(what, sizeof what, "%s mem %llu swap %llu %s x%u seed %llu", machine,
             (unsigned long long)mem, (unsigned long long)swap, policy, ntask,
             (unsigned long long)seed);
    if (!side_init(&a, machine, mem, swap, policy, ntask) ||
        !side_init(&b, machine, mem, swap, policy, ntask)) {
        kt_fini(&a.x);
        kt_fini(&b.x);
        return st;
    }
    const struct area_layout *l = &kern_task_areas(a.t[0])->layout;
    uint64_t lo = l->mmap_min_addr, hi = l->task_size & ~(a.x.ps - 1);
    for (unsigned i = 0; i < ntask; i++)
        make_trace(tr[i], NREC, lo + a.x.ps, hi, a.x.ps, seed * 31 + i);
    unsigned gran[2];
    granules(a.x.k, gran);
    size_t pos[NTASK] = {0};
    struct rng r = {seed + 99};
    bool failed = false;
    for (unsigned live = ntask; live && !failed;) {
        live = 0;
        for (unsigned i = 0; i < ntask; i++) {
            if (pos[i] >= NREC || a.c[i].killed)
                continue;
            live++;
            uint64_t x = rnd(&r);
            size_t n = 1 + (size_t)(x % 3000);
            if (n > NREC - pos[i])
                n = NREC - pos[i];
            uint64_t budget = x >> 40 & 1 ? UINT64_MAX : 1 + (x >> 20) % 2500;
            struct vms_error ea = {0}, eb = {0};
            size_t before = a.c[i].done;
            int ra = kern_access_recs(a.x.k, a.t[i], tr[i] + pos[i], n, budget, gran, &a.c[i], &ea);
            int rb = ref_recs(b.x.k, b.t[i], tr[i] + pos[i], n, budget, gran, &b.c[i], &eb);
            CHECK_EQ(ra, 0);
            CHECK_EQ(rb, 0);
            if (ra || rb || a.c[i].done != b.c[i].done) {
                harness_fail(__FILE__, __LINE__, "%s: batch at record %zu: %zu vs %zu done",
                             what, pos[i], a.c[i].done - before, b.c[i].done - before);
                failed = true;
                break;
            }
            pos[i] += a.c[i].done - before;
        }
    }
    same_stats(&a, &b, ntask, what);
    KT_AUDIT(a.x.k);
    kern_stats(a.x.k, &st);
    if (kills)
        *kills = a.x.nkilled;
    kt_fini(&a.x);
    kt_fini(&b.x);
    return st;
}

TEST(kernel_recs_match_kern_access_resident)
{
    compare("core-i7", 4096, 0, "clock", 1, 1, NULL);
    compare("core-i7", 4096, 0, "clock", 3, 2, NULL);
    compare("x86-64-5level", 4096, 0, "lru", 2, 3, NULL);
    compare("csapp-2level", 4096, 0, "clock", 2, 4, NULL);
}

TEST(kernel_recs_match_kern_access_swapping)
{
    /* realistic policies (A/D bits), idealized ones (an observe hook on every access), a
     * working-set policy with a periodic tick and trim, random */
    static const char *pol[] = {"clock", "lru", "ws", "aging", "random", "arc", "wsclock"};
    for (unsigned i = 0; i < ARRAY_LEN(pol); i++) {
        struct stats st = compare("core-i7", 24, 256, pol[i], 2, 10 + i, NULL);
        CHECK(st.swap_outs > 100);
        CHECK(st.swap_ins > 100);
    }
    struct stats st = compare("csapp-2level", 16, 256, "clock", 3, 20, NULL);
    CHECK(st.swap_outs > 100);
}

TEST(kernel_recs_match_kern_access_oom)
{
    /* no swap: anonymous pages cannot go, and the OOM killer picks tasks off mid-batch */
    unsigned kills = 0;
    compare("core-i7", 40, 0, "clock", 3, 30, &kills);
    CHECK(kills >= 1);
    compare("core-i7", 40, 8, "lru", 3, 31, &kills);
    CHECK(kills >= 1);
}

TEST(kernel_recs_match_kern_access_small_machine)
{
    struct stats st = compare("csapp-small", 64, 64, "clock", 2, 40, NULL);
    CHECK(st.swap_outs > 0);
}

TEST(kernel_recs_match_kern_access_frame_per_page)
{
    /* the trace driver's page model: every first touch takes a frame, read-only pages are
     * swapped too, and without swap the OOM killer comes sooner */
    frame_per_page = true;
    compare("core-i7", 4096, 0, "clock", 3, 50, NULL);
    struct stats st = compare("core-i7", 24, 256, "clock", 2, 51, NULL);
    CHECK(st.swap_outs > 100);
    CHECK_EQ(st.faults_zero_fill, 0);
    st = compare("x86-64-5level", 24, 256, "lru", 2, 52, NULL);
    CHECK(st.swap_ins > 100);
    unsigned kills = 0;
    compare("core-i7", 40, 0, "clock", 3, 53, &kills);
    CHECK(kills >= 1);
    compare("csapp-small", 64, 64, "clock", 2, 54, NULL);
    frame_per_page = false;
}
