/* Replacement policies: published fault counts, hand-computed clock, properties on seeded
 * random strings (OPT optimal, inclusion for stack algorithms), protocol stress. */
#include "harness.h"

#include "base/alloc.h"
#include "policy/policy.h"
#include "policy/sim.h"
#include "vmsim.h"

static const uint64_t belady[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
static const uint64_t textbook[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};

/* Faults of policy on refs (pages used as their own dense ids) with frames frames. */
static uint64_t run_faults(const char *policy, const uint64_t *refs, const bool *writes,
                           size_t n, uint32_t frames)
{
    struct vms_refs r = {0};
    char buf[32];
    struct vms_error e = {0};
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "%llu%s", (unsigned long long)refs[i],
                           writes && writes[i] ? "w" : "");
        vms_refs_parse(&r, buf, (size_t)len, "t", &e);
    }
    struct vms_pages_opts o = {.policy = policy, .frames = frames,
                               .params = {.tau = 4, .seed = 7}};
    struct vms_pages *p = NULL;
    uint64_t f = UINT64_MAX;
    if (vms_pages_run(&o, &r, &p, &e) == 0)
        f = vms_pages_faults(p);
    else
        harness_fail(__FILE__, __LINE__, "%s: %s", policy, e.msg);
    vms_pages_destroy(p);
    vms_refs_fini(&r);
    return f;
}

TEST(policy_fifo_belady_anomaly)
{
    CHECK_EQ(run_faults("fifo", belady, NULL, 12, 3), 9);
    CHECK_EQ(run_faults("fifo", belady, NULL, 12, 4), 10);
}

TEST(policy_textbook_string)
{
    CHECK_EQ(run_faults("fifo", textbook, NULL, 20, 3), 15);
    CHECK_EQ(run_faults("opt", textbook, NULL, 20, 3), 9);
    CHECK_EQ(run_faults("lru", textbook, NULL, 20, 3), 12);
    CHECK_EQ(run_faults("clock", textbook, NULL, 20, 3), 14); /* by hand, see below */
}

/* Clock by hand on the textbook string, 3 frames (hand starts at slot 0):
 * 7 0 1 fill slots 0-2; 2: clears all, evicts 7 (slot 0); 3: clears 0, evicts 1 (slot 2);
 * 4: evicts 2 (slot 0); 2: evicts 0 (slot 1); 0: evicts 3 (slot 2); 3: evicts 4 (slot 0);
 * 1: evicts 2 (slot 1); 2: evicts 0 (slot 2); 0: evicts 3 (slot 0); 7: evicts 1 (slot 1);
 * 1: evicts 2 (slot 2). 14 faults; frames end as [0, 7, 1]. */
TEST(policy_clock_by_hand)
{
    static const uint32_t evicted[20] = {
        SIM_NONE, SIM_NONE, SIM_NONE, 7, SIM_NONE, 1, SIM_NONE, 2, 0, SIM_NONE,
        3,        4,        SIM_NONE, 2, 0,        3, SIM_NONE, 1, SIM_NONE, 2};
    struct policy_params pp = {.nframes = 3};
    struct sim *s;
    CHECK(sim_create(policy_find("clock"), &pp, 8, 0, &s, NULL) == 0);
    for (size_t i = 0; i < 20; i++) {
        struct sim_step st;
        sim_ref(s, (uint32_t)textbook[i], false, &st);
        CHECK_EQ(st.evicted, evicted[i]);
    }
    CHECK_EQ(s->faults, 14);
    CHECK_EQ(s->slot_page[0], 0);
    CHECK_EQ(s->slot_page[1], 7);
    CHECK_EQ(s->slot_page[2], 1);
    sim_destroy(s);
}

/* CLOCK-Pro by hand, 3 frames; the string and its trace (list order from HAND_hot; a tick
 * after every reference clears the A bit a load set, so only later hits count; m_c starts
 * at 3, so no page may stay hot until test periods expire unreferenced):
 *   1 2 3: cold, in test, ring [1 2 3]; all hands on 1.      1: hit, A(1).
 *   4: HAND_cold finds 1 referenced in its test: hot, to the head; too many hot pages, so
 *      HAND_hot ends the tests of 2 and 3 (m_c 3 -> 1) and demotes 1 (A already cleared);
 *      HAND_cold goes on to 2, out of test: evicted for good.  4 comes in cold, in test.
 *   2: evicts 3 (no test);  5: evicts 1 (no test);  ring [4 2 5], all in test.
 *   1: evicts 4, which stays as a non-resident test entry;  4: evicts 2 (kept likewise);
 *      4 refaults in its test period: hot (m_c 2).
 *   2: evicts 5 (kept); 2 refaults: hot (m_c 3): HAND_hot drops ghost 5 and ends 1's test
 *      (m_c 1), then demotes 4: ring [1 4 | 2 hot].
 *   3: evicts 1;  5: evicts 4;  2: hit, A(2);  6: evicts 3 (kept as a test entry).
 *   3: evicts 5 (kept); 3 refaults: hot; HAND_hot spares 2 (clearing A), drops ghost 5,
 *      ends 6's test, demotes 3.   1: evicts 6 -- where LRU would evict 2, the hot page.
 * 14 faults; frames end as [2, 1, 3]. */
TEST(policy_clockpro_by_hand)
{
    static const uint32_t refs[16] = {1, 2, 3, 1, 4, 2, 5, 1, 4, 2, 3, 5, 2, 6, 3, 1};
    static const uint32_t evicted[16] = {SIM_NONE, SIM_NONE, SIM_NONE, SIM_NONE, 2, 3, 1, 4,
                                         2,        5,        1,        4,        SIM_NONE,
                                         3,        5,        6};
    struct policy_params pp = {.nframes = 3};
    struct sim *s;
    CHECK(sim_create(policy_find("clock-pro"), &pp, 8, 0, &s, NULL) == 0);
    for (size_t i = 0; i < 16; i++) {
        struct sim_step st;
        sim_ref(s, refs[i], false, &st);
        if (st.evicted != evicted[i])
            harness_fail(__FILE__, __LINE__, "reference %zu (page %u): evicted %u, expected %u",
                         i + 1, refs[i], st.evicted, evicted[i]);
    }
    CHECK_EQ(s->faults, 14);
    CHECK_EQ(s->slot_page[0], 2);
    CHECK_EQ(s->slot_page[1], 1);
    CHECK_EQ(s->slot_page[2], 3);
    sim_destroy(s);
    /* LRU on the same string evicts the hot page 2 at the last reference. */
    uint64_t r64[16];
    for (size_t i = 0; i < 16; i++)
        r64[i] = refs[i];
    CHECK_EQ(run_faults("lru", r64, NULL, 16, 3), 14);
}

/* Enhanced second chance prefers a clean page: with 2 frames, "1w 2 3" evicts 2. */
TEST(policy_eclock_prefers_clean)
{
    static const uint64_t refs[] = {1, 2, 3};
    static const bool w[] = {true, false, false};
    struct policy_params pp = {.nframes = 2};
    struct sim *s;
    CHECK(sim_create(policy_find("eclock"), &pp, 4, 0, &s, NULL) == 0);
    struct sim_step st;
    for (size_t i = 0; i < 3; i++)
        sim_ref(s, (uint32_t)refs[i], w[i], &st);
    CHECK_EQ(st.evicted, 2);
    sim_destroy(s);
    (void)run_faults;
}

static uint64_t rng_state = 12345;
static uint64_t rnd(uint64_t n)
{
    return policy_rand_next(&rng_state) % n;
}

/* A string with some locality: mostly near the previous page, sometimes anywhere. */
static void random_string(uint64_t *refs, bool *w, size_t n, uint64_t npages)
{
    uint64_t cur = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t k = rnd(10);
        if (k < 6)
            cur = (cur + rnd(3)) % npages;
        else if (k < 9)
            cur = (cur + npages - rnd(3)) % npages;
        else
            cur = rnd(npages);
        refs[i] = cur;
        w[i] = rnd(4) == 0;
    }
}

TEST(policy_opt_never_worse)
{
    uint64_t refs[300];
    bool w[300];
    for (int round = 0; round < 12; round++) {
        random_string(refs, w, 300, 6 + (uint64_t)round * 2);
        for (uint32_t frames = 1; frames <= 10; frames += 3) {
            uint64_t opt = run_faults("opt", refs, w, 300, frames);
            struct vms_policy_info pi;
            for (size_t i = 0; vms_policy_info(i, &pi); i++) {
                if (pi.uses_tau)
                    continue; /* ws uses as many frames as its window needs */
                uint64_t f = run_faults(pi.name, refs, w, 300, frames);
                if (f < opt)
                    harness_fail(__FILE__, __LINE__, "%s beat opt: %llu < %llu (frames %u)",
                                 pi.name, (unsigned long long)f, (unsigned long long)opt,
                                 frames);
            }
        }
    }
}

TEST(policy_stack_inclusion)
{
    uint64_t refs[400];
    bool w[400];
    static const char *const stack[] = {"lru", "opt", "lfu"};
    for (int round = 0; round < 10; round++) {
        random_string(refs, w, 400, 12 + (uint64_t)round);
        for (size_t k = 0; k < 3; k++) {
            uint64_t prev = UINT64_MAX;
            for (uint32_t frames = 1; frames <= 24; frames++) {
                uint64_t f = run_faults(stack[k], refs, w, 400, frames);
                if (f > prev)
                    harness_fail(__FILE__, __LINE__, "%s: %u frames fault more (%llu > %llu)",
                                 stack[k], frames, (unsigned long long)f,
                                 (unsigned long long)prev);
                prev = f;
            }
        }
    }
}

/* One-pass curves equal per-size simulation exactly (LRU, OPT, LFU). */
TEST(policy_mrc_onepass_equals_simulation)
{
    enum { N = 6000 };
    static uint64_t refs[N];
    static bool w[N];
    for (int round = 0; round < 4; round++) {
        random_string(refs, w, N, 40 + (uint64_t)round * 37);
        struct vms_mrc *one = NULL, *sim = NULL;
        struct vms_mrc_opts o1 = {.policies = "lru,opt,lfu", .threads = 2};
        struct vms_mrc_opts o2 = o1;
        o2.simulate = true;
        struct vms_error e = {0};
        CHECK(vms_mrc_create(&o1, &one, &e) == 0);
        CHECK(vms_mrc_create(&o2, &sim, &e) == 0);
        if (!one || !sim) {
            vms_mrc_destroy(one);
            vms_mrc_destroy(sim);
            return;
        }
        for (size_t i = 0; i < N; i++) {
            CHECK(vms_mrc_touch(one, refs[i] * 4096, w[i]) == 0);
            CHECK(vms_mrc_touch(sim, refs[i] * 4096, w[i]) == 0);
        }
        CHECK(vms_mrc_finish(one, &e) == 0);
        CHECK(vms_mrc_finish(sim, &e) == 0);
        CHECK_EQ(vms_mrc_footprint(one), vms_mrc_footprint(sim));
        for (size_t c = 0; c < 3; c++)
            for (uint32_t f = 1; f <= vms_mrc_footprint(one); f++)
                if (vms_mrc_faults(one, c, f) != vms_mrc_faults(sim, c, f))
                    harness_fail(__FILE__, __LINE__, "%s at %u frames: one-pass %llu, "
                                 "simulated %llu", vms_mrc_curve_name(one, c), f,
                                 (unsigned long long)vms_mrc_faults(one, c, f),
                                 (unsigned long long)vms_mrc_faults(sim, c, f));
        vms_mrc_destroy(one);
        vms_mrc_destroy(sim);
    }
}

/* SHARDS at rate 0.5 on a wide stream stays within a few percent of the exact curve. */
TEST(policy_mrc_shards_error)
{
    struct vms_mrc *m = NULL;
    struct vms_mrc_opts o = {.policies = "lru", .shards_rate = 0.5};
    struct vms_error e = {0};
    CHECK(vms_mrc_create(&o, &m, &e) == 0);
    if (!m)
        return;
    uint64_t cur = 0;
    for (size_t i = 0; i < 200000; i++) {
        cur = rnd(10) < 8 ? (cur + rnd(5)) % 2000 : rnd(2000);
        vms_mrc_touch(m, cur, false);
    }
    CHECK(vms_mrc_finish(m, &e) == 0);
    CHECK_EQ(vms_mrc_ncurves(m), 2);
    double worst = 0;
    double n = (double)vms_mrc_references(m);
    for (uint32_t f = 1; f <= vms_mrc_footprint(m); f++) {
        double a = (double)vms_mrc_faults(m, 0, f) / n, b = (double)vms_mrc_faults(m, 1, f) / n;
        double d = a > b ? a - b : b - a;
        if (d > worst)
            worst = d;
    }
    CHECK(worst < 0.05);
    vms_mrc_destroy(m);
}

/* The ws policy keeps exactly W(t, tau): its resident count equals the series. */
TEST(policy_ws_matches_series)
{
    uint64_t refs[500];
    bool w[500];
    random_string(refs, w, 500, 30);
    for (uint64_t tau = 1; tau <= 20; tau += 3) {
        struct vms_refs r = {refs, w, 500, 500};
        uint32_t series[500];
        CHECK(vms_ws_series(&r, tau, series, NULL) == 0);
        struct policy_params pp = {.nframes = 30, .tau = tau};
        struct sim *s;
        CHECK(sim_create(policy_find("ws"), &pp, 30, 0, &s, NULL) == 0);
        uint64_t expect_faults = 0;
        for (size_t i = 0; i < 500; i++) {
            bool seen = false;
            for (size_t k = i > tau ? i - tau : 0; k < i; k++)
                seen |= refs[k] == refs[i];
            expect_faults += !seen;
            sim_ref(s, (uint32_t)refs[i], w[i], NULL);
            CHECK_EQ(s->nused, series[i]);
        }
        CHECK_EQ(s->faults, expect_faults);
        sim_destroy(s);
    }
}

/* Kernel-style use: inserts, removes (munmap) and victims in any order, every policy. */
struct fake_hw {
    uint8_t a[64], d[64];
    uint64_t now;
};
static bool fk_tcy(void *c, uint32_t s)
{
    struct fake_hw *h = c;
    bool y = h->a[s];
    h->a[s] = 0;
    return y;
}
static bool fk_ty(void *c, uint32_t s)
{
    return ((struct fake_hw *)c)->a[s];
}
static bool fk_dirty(void *c, uint32_t s)
{
    return ((struct fake_hw *)c)->d[s];
}
static uint64_t fk_now(void *c)
{
    return ((struct fake_hw *)c)->now;
}

/* Ticks look at the slots ever occupied only: with 2^28 slots (1 TiB of 4 KiB frames) and
 * three used, a tick costs what it costs with 16 slots, and ages the same pages. */
TEST(policy_ticks_skip_never_used_slots)
{
    const char *names[] = {"aging", "nru"};
    for (size_t i = 0; i < 2; i++) {
        struct fake_hw hw = {0};
        struct policy_env env = {&hw, fk_tcy, fk_ty, fk_dirty, fk_now};
        struct policy_params pp = {.nframes = UINT32_C(1) << 28, .seed = 3};
        struct policy *p;
        CHECK(policy_create(policy_find(names[i]), &pp, &p, NULL) == 0);
        CHECK_EQ(p->hw, 0);
        for (uint32_t s = 0; s < 3; s++)
            policy_insert(p, s, 100 + s, false);
        policy_remove(p, 1);
        CHECK_EQ(p->hw, 3);
        for (unsigned k = 0; k < 2000; k++) { /* over every slot, 2000 ticks took minutes */
            hw.now = k + 1;
            hw.a[0] = hw.a[1] = hw.a[2] = 1;
            policy_tick(p, &env);
            CHECK(!hw.a[0] && hw.a[1] && !hw.a[2]); /* the used slots' A bits, not slot 1's */
            if (hw.a[0] || !hw.a[1] || hw.a[2])
                break;
        }
        policy_destroy(p);
    }
}

/* params.grow (the kernel's): the occupied flags exist only for the slots reserved, so a
 * policy of 2^28 slots starts with none; reserving grows them, a failure changes nothing. */
TEST(policy_reserve_grows_occupied)
{
    struct policy_params pp = {.nframes = UINT32_C(1) << 28, .grow = true};
    struct policy *p;
    CHECK(policy_create(policy_find("clock"), &pp, &p, NULL) == 0);
    CHECK_EQ(p->ocap, 0);
    CHECK(p->occupied == NULL);
    CHECK(!policy_slot_used(p, 5));
    CHECK_EQ(policy_reserve(p, 1024), 0);
    CHECK_EQ(p->ocap, 1024);
    policy_insert(p, 1023, 7, false);
    CHECK(policy_slot_used(p, 1023));
    CHECK(!policy_slot_used(p, 1024));
    alloc_fail_after(0);
    int rc = policy_reserve(p, 2048);
    alloc_fail_after(-1);
    CHECK_EQ(rc, -VMS_ENOMEM);
    CHECK_EQ(p->ocap, 1024);
    CHECK(policy_slot_used(p, 1023));
    CHECK_EQ(policy_reserve(p, 1500), 0);
    CHECK_EQ(p->ocap, 2048); /* doubled */
    CHECK(policy_slot_used(p, 1023) && !policy_slot_used(p, 1500));
    CHECK_EQ(policy_reserve(p, 100), 0); /* never shrinks */
    CHECK_EQ(p->ocap, 2048);
    policy_destroy(p);
    /* without grow, every slot has its flag from the start */
    struct policy_params all = {.nframes = 64};
    CHECK(policy_create(policy_find("clock"), &all, &p, NULL) == 0);
    CHECK_EQ(p->ocap, 64);
    CHECK_EQ(policy_reserve(p, 64), 0);
    policy_destroy(p);
}

TEST(policy_protocol_stress)
{
    struct policy_ops const *ops;
    for (size_t i = 0; (ops = policy_at(i)); i++) {
        struct fake_hw hw = {0};
        struct policy_env env = {&hw, fk_tcy, fk_ty, fk_dirty, fk_now};
        struct policy_params pp = {.nframes = 16, .tau = 8, .seed = 3};
        struct policy *p;
        CHECK(policy_create(ops, &pp, &p, NULL) == 0);
        uint64_t slot_page[16];
        uint64_t future[2000];
        for (size_t k = 0; k < 2000; k++)
            future[k] = rnd(40);
        CHECK(policy_set_future(p, future, 2000, NULL) == 0);
        for (size_t k = 0; k < 2000; k++) {
            hw.now = k + 1;
            uint64_t page = future[k];
            uint32_t slot = POLICY_NO_SLOT;
            for (uint32_t s = 0; s < 16; s++)
                if (policy_slot_used(p, s) && slot_page[s] == page)
                    slot = s;
            if (policy_is_idealized(p))
                policy_access(p, slot, page, k % 3 == 0);
            if (slot != POLICY_NO_SLOT) {
                hw.a[slot] = 1;
                hw.d[slot] |= k % 3 == 0;
            } else {
                uint32_t free_slot = POLICY_NO_SLOT;
                for (uint32_t s = 0; s < 16 && free_slot == POLICY_NO_SLOT; s++)
                    if (!policy_slot_used(p, s))
                        free_slot = s;
                if (free_slot == POLICY_NO_SLOT)
                    free_slot = policy_victim(p, &env);
                slot_page[free_slot] = page;
                hw.a[free_slot] = 1;
                hw.d[free_slot] = k % 3 == 0;
                policy_insert(p, free_slot, page, k % 3 == 0);
            }
            if (rnd(10) == 0) { /* munmap a random resident page */
                uint32_t s = (uint32_t)rnd(16);
                if (policy_slot_used(p, s))
                    policy_remove(p, s);
            }
            if (k % 5 == 0) {
                uint32_t out[16];
                policy_tick(p, &env);
                (void)policy_trim(p, &env, out, 16);
            }
        }
        policy_destroy(p);
    }
}

/* Out of memory anywhere in create, pages or mrc: an error, never a crash or a leak. */
TEST(policy_alloc_failures)
{
    struct policy_ops const *ops;
    for (size_t i = 0; (ops = policy_at(i)); i++) {
        for (long n = 0; n < 40; n++) {
            struct policy_params pp = {.nframes = 8, .tau = 4};
            struct policy *p = NULL;
            alloc_fail_after(n);
            int rc = policy_create(ops, &pp, &p, NULL);
            alloc_fail_after(-1);
            if (rc == 0) {
                policy_destroy(p);
                break;
            }
            CHECK(p == NULL);
        }
    }
    for (long n = 0; n < 60; n++) {
        struct vms_refs r = {0};
        struct vms_error e;
        vms_refs_parse(&r, "1 2 3 4 1 2 5 1 2 3 4 5", 23, "t", &e);
        struct vms_pages_opts o = {.policy = "arc", .frames = 3};
        struct vms_pages *p = NULL;
        alloc_fail_after(n);
        int rc = vms_pages_run(&o, &r, &p, &e);
        alloc_fail_after(-1);
        vms_pages_destroy(p);
        vms_refs_fini(&r);
        if (rc == 0)
            break;
        CHECK_EQ(-rc, VMS_ENOMEM);
    }
}

TEST(policy_refs_parse_errors)
{
    struct vms_refs r = {0};
    struct vms_error e = {0};
    CHECK(vms_refs_parse(&r, "1, 2,3w 0x10r # four\n5", 22, "t", &e) == 0);
    CHECK_EQ(r.n, 5);
    CHECK_EQ(r.page[3], 16);
    CHECK(r.write[2] && !r.write[3]);
    CHECK(vms_refs_parse(&r, "1 2\n 3 x4", 9, "f.txt", &e) < 0);
    CHECK_STR(e.msg, "f.txt:2:4: expected a page number (decimal or 0x hex, optionally "
                     "followed by w or r), found 'x4'");
    CHECK(vms_refs_parse(&r, "w", 1, "t", &e) < 0);
    CHECK(vms_refs_parse(&r, "99999999999999999999", 20, "t", &e) < 0);
    vms_refs_fini(&r);
}

TEST(policy_registry_complete)
{
    static const char *const names[] = {"opt",   "fifo", "lru",     "clock", "eclock",
                                        "nru",   "lfu",  "aging",   "random", "ws",
                                        "wsclock", "arc", "2q",     "lirs",  "clock-pro",
                                        "lru2"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        CHECK(policy_find(names[i]) != NULL);
    struct vms_policy_info pi;
    for (size_t i = 0; vms_policy_info(i, &pi); i++)
        if (pi.idealized)
            CHECK_CONTAINS(pi.summary, "idealized");
    CHECK(policy_find("belady") == NULL);
}

/* The LRU window grows as pages appear (5000 pages > the initial 2048-entry window) and
 * compacts many times; the curve still equals per-size simulation. */
TEST(policy_mrc_lru_window_growth)
{
    static const uint32_t sizes[] = {1, 7, 100, 1024, 2500, 4999, 5000, 6000};
    struct vms_mrc_opts o1 = {.policies = "lru", .sizes = sizes, .nsizes = ARRAY_LEN(sizes)};
    struct vms_mrc_opts o2 = o1;
    o2.simulate = true;
    struct vms_mrc *a = NULL, *b = NULL;
    CHECK(vms_mrc_create(&o1, &a, NULL) == 0);
    CHECK(vms_mrc_create(&o2, &b, NULL) == 0);
    if (!a || !b) {
        vms_mrc_destroy(a);
        vms_mrc_destroy(b);
        return;
    }
    for (size_t i = 0; i < 40000; i++) {
        uint64_t pg = i < 5000 ? i : rnd(5000);
        vms_mrc_touch(a, pg, false);
        vms_mrc_touch(b, pg, false);
    }
    CHECK(vms_mrc_finish(a, NULL) == 0);
    CHECK(vms_mrc_finish(b, NULL) == 0);
    CHECK_EQ(vms_mrc_footprint(a), 5000);
    for (size_t i = 0; i < ARRAY_LEN(sizes); i++)
        CHECK_EQ(vms_mrc_faults(a, 0, sizes[i]), vms_mrc_faults(b, 0, sizes[i]));
    CHECK_EQ(vms_mrc_faults(a, 0, 6000), 5000); /* only cold misses */
    vms_mrc_destroy(a);
    vms_mrc_destroy(b);
}

/* A loop one page larger than memory: LRU misses every time; LIRS keeps most of it. */
TEST(policy_lirs_handles_loops)
{
    uint64_t refs[220];
    for (size_t i = 0; i < 220; i++)
        refs[i] = i % 11;
    CHECK_EQ(run_faults("lru", refs, NULL, 220, 10), 220);
    CHECK(run_faults("lirs", refs, NULL, 220, 10) < 220 / 3);
    CHECK(run_faults("opt", refs, NULL, 220, 10) <= run_faults("lirs", refs, NULL, 220, 10));
    /* CLOCK-Pro, from A bits alone, learns the loop too (92 faults here). */
    CHECK(run_faults("clock-pro", refs, NULL, 220, 10) < 220 / 2);
    CHECK_EQ(run_faults("clock", refs, NULL, 220, 10), 220);
}

/* CLOCK-Pro only reads A bits, whatever the tick rate: with a tick only every 7
 * references a load's A bit is ignored by the hands instead of cleared, and the protocol
 * still holds on random strings (the wrappers check it). */
TEST(policy_clockpro_tick_rates)
{
    uint64_t refs[600];
    bool w[600];
    random_string(refs, w, 600, 40);
    for (uint32_t tick = 1; tick <= 7; tick += 6)
        for (uint32_t frames = 1; frames <= 24; frames += 5) {
            struct policy_params pp = {.nframes = frames};
            struct sim *s;
            CHECK(sim_create(policy_find("clock-pro"), &pp, 40, tick, &s, NULL) == 0);
            for (size_t i = 0; i < 600; i++)
                sim_ref(s, (uint32_t)refs[i], w[i], NULL);
            CHECK(s->faults >= 40 && s->faults <= 600);
            CHECK(s->nused == (frames < 40 ? frames : 40));
            sim_destroy(s);
        }
}

/* Out of memory in the mrc engine: an error, never a crash or a leak. */
TEST(policy_mrc_alloc_failures)
{
    for (long n = 0; n < 200; n += 3) {
        struct vms_mrc_opts o = {.policies = "lru,opt,fifo,arc", .threads = 1,
                                 .shards_rate = 0.5};
        struct vms_mrc *m = NULL;
        struct vms_error e = {0};
        alloc_fail_after(n);
        int rc = vms_mrc_create(&o, &m, &e);
        for (uint64_t i = 0; rc == 0 && i < 3000; i++)
            rc = vms_mrc_touch(m, (i * 7) % 97, i & 1);
        if (rc == 0)
            rc = vms_mrc_finish(m, &e);
        alloc_fail_after(-1);
        vms_mrc_destroy(m);
        if (rc == 0)
            break;
        CHECK_EQ(-rc, VMS_ENOMEM);
    }
}

static uint64_t ws_t_now;
static bool ws_t_young[8];
static bool ws_t_tcy(void *ctx, uint32_t slot)
{
    (void)ctx;
    bool y = slot < 8 && ws_t_young[slot];
    if (slot < 8)
        ws_t_young[slot] = false;
    return y;
}
static uint64_t ws_t_clock(void *ctx)
{
    (void)ctx;
    return ws_t_now;
}

/* ws walks only its occupied slots (a tick cost the whole memory's slots before), with the
 * results of a scan in slot order: trim gives the lowest slots first, in increasing order,
 * and the victim among equally old pages is the lowest slot. */
TEST(policy_ws_occupied_slots_only)
{
    struct policy_params pp = {.nframes = 1u << 16, .tau = 3};
    struct policy *p = NULL;
    struct vms_error e = {0};
    CHECK(policy_create(policy_find("ws"), &pp, &p, &e) == 0);
    if (!p)
        return;
    struct policy_env env = {.test_and_clear_young = ws_t_tcy, .now = ws_t_clock};
    uint32_t order[] = {5, 60000, 2, 7, 40000};
    for (size_t i = 0; i < 5; i++)
        policy_insert(p, order[i], i, false);
    ws_t_now = 1;
    ws_t_young[7] = true;
    policy_tick(p, &env);        /* slot 7 stamped 1, the rest 0 */
    CHECK_EQ(policy_victim(p, &env), 2); /* the oldest, lowest slot */
    ws_t_now = 3;
    policy_tick(p, &env);
    uint32_t slots[8];
    CHECK_EQ(policy_trim(p, &env, slots, 2), 2); /* 5, 40000, 60000 idle for 3: lowest two */
    CHECK(slots[0] == 5 && slots[1] == 40000);
    CHECK_EQ(policy_trim(p, &env, slots, 8), 1);
    CHECK_EQ(slots[0], 60000);
    policy_remove(p, 7);
    CHECK_EQ(p->nused, 0);
    policy_insert(p, 9, 1, false);
    CHECK_EQ(policy_victim(p, &env), 9);
    policy_destroy(p);
}
