/* The policies' own state as `vmsim pages --state` shows it (the describe hook): hand-worked
 * textbook examples, describing changes nothing, the lists hold exactly the resident pages,
 * and Belady's sweep. */
#include "harness.h"

#include "base/alloc.h"
#include "policy/policy.h"
#include "policy/sim.h"
#include "vmsim.h"

#include <stdlib.h>

/* A describer that writes "label index=text" items, separated by one blank, into buf (empty
 * cells left out; pages named by their own number). */
struct collect {
    char buf[2048];
    size_t len;
    const struct sim *s;
    int notes;
    char note[256];
};

static void collect_row(void *ctx, const char *label, uint32_t index, const char *text)
{
    struct collect *c = ctx;
    if (!text[0])
        return;
    int n = index == POLICY_NO_INDEX
                ? snprintf(c->buf + c->len, sizeof c->buf - c->len, "%s%s=%s",
                           c->len ? " " : "", label, text)
                : snprintf(c->buf + c->len, sizeof c->buf - c->len, "%s%s %u=%s",
                           c->len ? " " : "", label, (unsigned)index, text);
    if (n > 0 && (size_t)n < sizeof c->buf - c->len)
        c->len += (size_t)n;
}

static void collect_note(void *ctx, const char *text)
{
    struct collect *c = ctx;
    c->notes++;
    snprintf(c->note, sizeof c->note, "%s", text);
}

static void collect_page_name(void *ctx, uint64_t page, char *buf, size_t n)
{
    (void)ctx;
    snprintf(buf, n, "%llu", (unsigned long long)page);
}

static uint64_t collect_slot_page(void *ctx, uint32_t slot)
{
    const struct collect *c = ctx;
    return c->s->slot_page[slot] == SIM_NONE ? UINT64_MAX : c->s->slot_page[slot];
}

/* The state of the policy in s now, as one string (valid until the next call). */
static const char *describe(const struct sim *s, struct collect *c)
{
    c->len = 0;
    c->buf[0] = '\0';
    c->notes = 0;
    c->s = s;
    struct policy_describer d = {c, collect_row, collect_note, collect_page_name,
                                 collect_slot_page};
    policy_describe(s->pol, &s->env, &d);
    return c->buf;
}

/* Runs policy over refs (pages are their own dense ids) with frames frames and checks the
 * state after every reference against want[i]. */
static void check_states(const char *policy, uint32_t frames, const uint32_t *refs, size_t n,
                         const char *const *want, int line)
{
    struct policy_params pp = {.nframes = frames};
    struct sim *s = NULL;
    uint32_t fut[64];
    struct vms_error e = {0};
    if (sim_create(policy_find(policy), &pp, 16, 0, &s, &e) < 0) {
        harness_fail(__FILE__, line, "%s: %s", policy, e.msg);
        return;
    }
    for (size_t i = 0; i < n; i++)
        fut[i] = refs[i];
    CHECK(sim_set_future(s, fut, n, UINT32_MAX, &e) == 0);
    struct collect c;
    for (size_t i = 0; i < n; i++) {
        sim_ref(s, refs[i], false, NULL);
        const char *got = describe(s, &c);
        if (strcmp(got, want[i]))
            harness_fail(__FILE__, line, "%s after reference %zu (page %u): \"%s\", expected \"%s\"",
                         policy, i + 1, refs[i], got, want[i]);
        if (c.notes != 1)
            harness_fail(__FILE__, line, "%s: %d notes", policy, c.notes);
    }
    sim_destroy(s);
}

/* OSTEP (Arpaci-Dusseau, Operating Systems: Three Easy Pieces), chapter 22 "Beyond Physical
 * Memory: Policies": the string 0 1 2 0 1 3 0 3 1 2 1 with a cache of 3 pages. */
static const uint32_t ostep[11] = {0, 1, 2, 0, 1, 3, 0, 3, 1, 2, 1};

/* Figure 22.2 (FIFO), its "Resulting Cache State" column, first-in first:
 *   0 | 0,1 | 0,1,2 | hit | hit | 3 evicts 0: 1,2,3 | 0 evicts 1: 2,3,0 | hit |
 *   1 evicts 2: 3,0,1 | 2 evicts 3: 0,1,2 | hit.   4 hits (36.4%). */
TEST(policy_state_fifo_ostep)
{
    static const char *const want[11] = {
        "queue 1=0", "queue 1=0 queue 2=1", "queue 1=0 queue 2=1 queue 3=2",
        "queue 1=0 queue 2=1 queue 3=2", "queue 1=0 queue 2=1 queue 3=2",
        "queue 1=1 queue 2=2 queue 3=3", "queue 1=2 queue 2=3 queue 3=0",
        "queue 1=2 queue 2=3 queue 3=0", "queue 1=3 queue 2=0 queue 3=1",
        "queue 1=0 queue 2=1 queue 3=2", "queue 1=0 queue 2=1 queue 3=2"};
    check_states("fifo", 3, ostep, 11, want, __LINE__);
}

/* Figure 22.5 (LRU), least recently used first:
 *   0 | 0,1 | 0,1,2 | 0 hit: 1,2,0 | 1 hit: 2,0,1 | 3 evicts 2: 0,1,3 | 0: 1,3,0 |
 *   3: 1,0,3 | 1: 0,3,1 | 2 evicts 0: 3,1,2 | 1: 3,2,1.   6 hits (54.5%). */
TEST(policy_state_lru_ostep)
{
    static const char *const want[11] = {
        "lru 1=0",           "lru 1=0 lru 2=1",   "lru 1=0 lru 2=1 lru 3=2",
        "lru 1=1 lru 2=2 lru 3=0", "lru 1=2 lru 2=0 lru 3=1", "lru 1=0 lru 2=1 lru 3=3",
        "lru 1=1 lru 2=3 lru 3=0", "lru 1=1 lru 2=0 lru 3=3", "lru 1=0 lru 2=3 lru 3=1",
        "lru 1=3 lru 2=1 lru 3=2", "lru 1=3 lru 2=2 lru 3=1"};
    check_states("lru", 3, ostep, 11, want, __LINE__);
}

/* Figure 22.1 (the optimal policy): misses on 0, 1, 2, then 3 evicts 2 (used farthest
 * ahead: at reference 10, while 0 comes back at 7 and 1 at 9), then at reference 10 page 2
 * evicts a page never used again: 0 and 3 both qualify, vmsim takes the lowest frame (0, in
 * frame 0), as the course's published solution to this problem draws it; then 1 hits:
 * 6 hits. The next-use distances, by hand
 * (position of the next use minus the current one; frames 0, 1, 2 hold 0, 1, 2 and later
 * 3 in frame 2, 2 in frame 0):
 *   after ref 1 (pos 0): 0 next at 3 -> 3.  ref 2: 0 -> 2, 1 next at 4 -> 3.
 *   ref 3: 1, 2, 2 next at 9 -> 7.  ref 4 (pos 3): 0 next at 6 -> 3, 1 -> 1, 2 -> 6.
 *   ref 5: 2, 1 next at 8 -> 4, 5.  ref 6 (3 evicts 2, pos 5): 1, 3, 3 next at 7 -> 2.
 *   ref 7: 0 never -> -, 2, 1.  ref 8: -, 1, 3 never -> -.  ref 9 (pos 8): -, 1 at 10 -> 2, -.
 *   ref 10 (2 evicts 0 into frame 0, pos 9): 2 never -> -, 1, -.  ref 11: -, -, -. */
TEST(policy_state_opt_ostep)
{
    static const char *const want[11] = {
        "next frame 0=3",
        "next frame 0=2 next frame 1=3",
        "next frame 0=1 next frame 1=2 next frame 2=7",
        "next frame 0=3 next frame 1=1 next frame 2=6",
        "next frame 0=2 next frame 1=4 next frame 2=5",
        "next frame 0=1 next frame 1=3 next frame 2=2",
        "next frame 0=- next frame 1=2 next frame 2=1",
        "next frame 0=- next frame 1=1 next frame 2=-",
        "next frame 0=- next frame 1=2 next frame 2=-",
        "next frame 0=- next frame 1=1 next frame 2=-",
        "next frame 0=- next frame 1=- next frame 2=-"};
    check_states("opt", 3, ostep, 11, want, __LINE__);
}

/* The second-chance clock (Tanenbaum, Modern Operating Systems 3.4.5: the reference bit set
 * on a load and on every use; on a fault the hand clears set bits and advances until a
 * clear one, evicts it, loads there and moves one past), worked by hand on OSTEP's string:
 *   0 1 2 load frames 0-2, all R = 1, hand 0; 0, 1 hit.
 *   3: the hand clears R of frames 0, 1, 2, comes back to 0 and evicts 0; hand 1;
 *      R = 1 0 0.   0: frame 1 has R = 0: evicts 1; hand 2; R = 1 1 0.
 *   3: hit, R(0) already 1.   1: frame 2 (R 0) evicts 2; hand 0; R = 1 1 1.
 *   2: clears 0, 1, 2, evicts 3 in frame 0; hand 1; R = 1 0 0.   1: hit in frame 2: 1 0 1.
 * 7 faults. (OSTEP's paging-policy.py CLOCK probes random pages instead: another algorithm.) */
TEST(policy_state_clock_by_hand)
{
    static const char *const want[11] = {
        "hand=0 R frame 0=1",
        "hand=0 R frame 0=1 R frame 1=1",
        "hand=0 R frame 0=1 R frame 1=1 R frame 2=1",
        "hand=0 R frame 0=1 R frame 1=1 R frame 2=1",
        "hand=0 R frame 0=1 R frame 1=1 R frame 2=1",
        "hand=1 R frame 0=1 R frame 1=0 R frame 2=0",
        "hand=2 R frame 0=1 R frame 1=1 R frame 2=0",
        "hand=2 R frame 0=1 R frame 1=1 R frame 2=0",
        "hand=0 R frame 0=1 R frame 1=1 R frame 2=1",
        "hand=1 R frame 0=1 R frame 1=0 R frame 2=0",
        "hand=1 R frame 0=1 R frame 1=0 R frame 2=1"};
    check_states("clock", 3, ostep, 11, want, __LINE__);
}

/* The policy's env over a test's own A and D bits. */
static uint8_t tbits[8], tdirty[8];
static bool t_tcy(void *ctx, uint32_t s)
{
    (void)ctx;
    bool y = tbits[s];
    tbits[s] = 0;
    return y;
}
static bool t_ty(void *ctx, uint32_t s)
{
    (void)ctx;
    return tbits[s];
}
static bool t_dirty(void *ctx, uint32_t s)
{
    (void)ctx;
    return tdirty[s];
}
static uint64_t t_now(void *ctx)
{
    (void)ctx;
    return 1;
}

static void t_page_name(void *ctx, uint64_t page, char *buf, size_t n)
{
    (void)ctx;
    snprintf(buf, n, "%llu", (unsigned long long)page);
}
static uint64_t t_slot_page(void *ctx, uint32_t slot)
{
    (void)ctx;
    return slot;
}

/* Tanenbaum, Modern Operating Systems, Figure 3-17 (aging): six pages, 8-bit counters; the
 * R bits at clock ticks 0..4 are 101011, 110010, 110101, 100010, 011000, and the counters
 * the figure prints after each tick. */
TEST(policy_state_aging_tanenbaum)
{
    static const char *const rbits[5] = {"101011", "110010", "110101", "100010", "011000"};
    static const char *const want[5][6] = {
        {"10000000", "00000000", "10000000", "00000000", "10000000", "10000000"},
        {"11000000", "10000000", "01000000", "00000000", "11000000", "01000000"},
        {"11100000", "11000000", "00100000", "10000000", "01100000", "10100000"},
        {"11110000", "01100000", "00010000", "01000000", "10110000", "01010000"},
        {"01111000", "10110000", "10001000", "00100000", "01011000", "00101000"}};
    struct policy_params pp = {.nframes = 6, .bits = 8};
    struct policy *p;
    CHECK(policy_create(policy_find("aging"), &pp, &p, NULL) == 0);
    struct policy_env env = {NULL, t_tcy, t_ty, t_dirty, t_now};
    for (uint32_t s = 0; s < 6; s++)
        policy_insert(p, s, s, false);
    struct collect c;
    struct policy_describer d = {&c, collect_row, collect_note, t_page_name, t_slot_page};
    for (int t = 0; t < 5; t++) {
        for (int s = 0; s < 6; s++)
            tbits[s] = rbits[t][s] == '1';
        policy_tick(p, &env);
        c.len = 0;
        c.buf[0] = '\0';
        policy_describe(p, &env, &d);
        char exp[512];
        size_t el = 0;
        for (int s = 0; s < 6; s++)
            el += (size_t)snprintf(exp + el, sizeof exp - el, "%sage frame %d=%s R frame %d=0",
                                   s ? " " : "", s, want[t][s], s);
        CHECK_STR(c.buf, exp);
    }
    policy_destroy(p);
}

/* NRU's classes and enhanced clock's (R, M) pairs read the bits; both say 2R + M. */
TEST(policy_state_nru_eclock_bits)
{
    struct policy_env env = {NULL, t_tcy, t_ty, t_dirty, t_now};
    struct collect c;
    struct policy_describer d = {&c, collect_row, collect_note, t_page_name, t_slot_page};
    static const char *const names[2] = {"nru", "eclock"};
    static const char *const want[2] = {
        "class frame 0=0 class frame 1=1 class frame 2=2 class frame 3=3",
        "hand=0 RM frame 0=00 RM frame 1=01 RM frame 2=10 RM frame 3=11"};
    for (int k = 0; k < 2; k++) {
        struct policy_params pp = {.nframes = 4};
        struct policy *p;
        CHECK(policy_create(policy_find(names[k]), &pp, &p, NULL) == 0);
        for (uint32_t s = 0; s < 4; s++) {
            policy_insert(p, s, s, false);
            tbits[s] = s >= 2;
            tdirty[s] = s & 1;
        }
        c.len = 0;
        c.buf[0] = '\0';
        policy_describe(p, &env, &d);
        CHECK_STR(c.buf, want[k]);
        policy_destroy(p);
    }
    memset(tdirty, 0, sizeof tdirty);
}

static uint64_t srng = 99;

/* Every policy: describing after every reference changes nothing (the same victims as an
 * undescribed twin), each gives one note, and where the state lists pages, the resident
 * ones listed are exactly those in the frames; per-frame rows exist for occupied frames. */
TEST(policy_state_all_policies_true)
{
    for (size_t k = 0; policy_at(k); k++) {
        const struct policy_ops *ops = policy_at(k);
        for (int round = 0; round < 20; round++) {
            uint32_t frames = 1 + (uint32_t)(policy_rand_next(&srng) % 6);
            uint32_t npages = 1 + (uint32_t)(policy_rand_next(&srng) % 12);
            uint32_t refs[64];
            bool w[64];
            for (int i = 0; i < 64; i++) {
                refs[i] = (uint32_t)(policy_rand_next(&srng) % npages);
                w[i] = policy_rand_next(&srng) % 4 == 0;
            }
            struct policy_params pp = {.nframes = ops->flags & POLICY_NO_FRAMES ? npages : frames,
                                       .tau = 3, .seed = 5};
            struct sim *a = NULL, *b = NULL;
            CHECK(sim_create(ops, &pp, npages, 0, &a, NULL) == 0);
            CHECK(sim_create(ops, &pp, npages, 0, &b, NULL) == 0);
            if (!a || !b) {
                sim_destroy(a);
                sim_destroy(b);
                return;
            }
            CHECK(sim_set_future(a, refs, 64, UINT32_MAX, NULL) == 0);
            CHECK(sim_set_future(b, refs, 64, UINT32_MAX, NULL) == 0);
            struct collect c;
            for (int i = 0; i < 64; i++) {
                sim_ref(a, refs[i], w[i], NULL);
                sim_ref(b, refs[i], w[i], NULL);
                const char *st = describe(a, &c);
                if (c.notes != 1 || !c.note[0])
                    harness_fail(__FILE__, __LINE__, "%s: %d notes", ops->name, c.notes);
                if (memcmp(a->slot_page, b->slot_page, a->nframes * sizeof *a->slot_page))
                    harness_fail(__FILE__, __LINE__, "%s: describing changed the run at %d",
                                 ops->name, i);
                /* resident pages named by the state, by kind of state */
                uint32_t seen[16] = {0};
                bool lists = false;
                const char *q = st;
                while (*q) {
                    const char *eq = strchr(q, '='); /* labels hold blanks, cells none */
                    if (!eq)
                        break;
                    const char *end = strchr(eq, ' ');
                    if (!end)
                        end = q + strlen(q);
                    char label[32];
                    size_t ll = (size_t)(eq - q) < sizeof label ? (size_t)(eq - q) : sizeof label - 1;
                    memcpy(label, q, ll);
                    label[ll] = '\0';
                    char *mark;
                    unsigned long v = strtoul(eq + 1, &mark, 10);
                    bool resident = false;
                    if (!strncmp(label, "queue ", 6) || !strncmp(label, "lru ", 4) ||
                        !strncmp(label, "T1 ", 3) || !strncmp(label, "T2 ", 3) ||
                        !strncmp(label, "A1in ", 5) || !strncmp(label, "Am ", 3) ||
                        !strncmp(label, "Q ", 2) || !strncmp(label, "active ", 7) ||
                        !strncmp(label, "inactive ", 9))
                        resident = true;
                    if (!strncmp(label, "S ", 2) && *mark == 'L')
                        resident = true;
                    if (!strncmp(label, "clock ", 6) && *mark != 'n')
                        resident = true;
                    if (resident) {
                        lists = true;
                        if (v < 16)
                            seen[v]++;
                    }
                    const char *fr = strstr(label, "frame ");
                    if (fr && strcmp(label, "hand")) {
                        unsigned long s = strtoul(fr + 6, NULL, 10);
                        if (s >= a->nframes || a->slot_page[s] == SIM_NONE)
                            harness_fail(__FILE__, __LINE__, "%s: row %s of a free frame",
                                         ops->name, label);
                    }
                    q = *end ? end + 1 : end;
                }
                if (lists)
                    for (uint32_t pg = 0; pg < npages; pg++)
                        if (seen[pg] != (a->page_slot[pg] != SIM_NONE))
                            harness_fail(__FILE__, __LINE__,
                                         "%s at %d: page %u listed %u times, resident %d (%s)",
                                         ops->name, i, pg, seen[pg],
                                         a->page_slot[pg] != SIM_NONE, st);
            }
            sim_destroy(a);
            sim_destroy(b);
        }
    }
}

/* The library's state rows and sweep through the public API. */
static void parse(struct vms_refs *r, const char *s)
{
    struct vms_error e = {0};
    CHECK(vms_refs_parse(r, s, strlen(s), "t", &e) == 0);
}

TEST(policy_state_pages_text_and_json)
{
    struct vms_refs r = {0};
    parse(&r, "1 2 3 4 1 2 5 1 2 3 4 5");
    struct vms_pages_opts o = {.policy = "fifo", .frames = 3, .table = true, .state = true};
    struct vms_pages *p = NULL;
    struct vms_error e = {0};
    CHECK(vms_pages_run(&o, &r, &p, &e) == 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK(f != NULL);
    if (p && f) {
        CHECK(vms_pages_print(p, f, VMS_TEXT, &e) == 0);
        fflush(f);
        /* the queue after each reference, oldest first, by hand */
        CHECK_CONTAINS(buf, "\nqueue 1 1 1 1 2 3 4 1 1 1 2 5 5\n"
                            "queue 2   2 2 3 4 1 2 2 2 5 3 3\n"
                            "queue 3     3 4 1 2 5 5 5 3 4 4\n");
        CHECK_CONTAINS(buf, "state: queue:");
        rewind(f);
        CHECK(vms_pages_print(p, f, VMS_JSON, &e) == 0);
        fputc('\0', f);
        fflush(f);
        /* after the sixth reference (2 evicts 3): loaded 4, then 1, then 2 */
        CHECK_CONTAINS(buf, "\"frames\": [4, 1, 2], \"state\": {\"queue 1\": \"4\", "
                            "\"queue 2\": \"1\", \"queue 3\": \"2\"}}");
        CHECK_CONTAINS(buf, "\"state_note\": \"queue:");
    }
    if (f)
        fclose(f);
    free(buf);
    vms_pages_destroy(p);
    vms_refs_fini(&r);
}

/* The classic string of Belady, Nelson and Shedler (CACM 12(6) 1969) under FIFO: 12, 12, 9,
 * 10, 5 faults with 1..5 frames (by hand: with 2 frames no page survives until it comes
 * back); the anomaly at 4 frames. LRU, a stack algorithm, never rises. */
TEST(policy_state_belady_sweep)
{
    struct vms_refs r = {0};
    parse(&r, "1 2 3 4 1 2 5 1 2 3 4 5");
    struct vms_pages_opts o = {.policy = "fifo"};
    struct vms_pages_sweep *s = NULL;
    struct vms_error e = {0};
    CHECK(vms_pages_sweep(&o, &r, 0, &s, &e) == 0);
    if (s) {
        static const uint64_t want[5] = {12, 12, 9, 10, 5};
        CHECK_EQ(vms_pages_sweep_max(s), 5);
        for (uint32_t k = 1; k <= 5; k++)
            CHECK_EQ(vms_pages_sweep_faults(s, k), want[k - 1]);
        vms_pages_sweep_destroy(s);
    }
    o.policy = "lru";
    CHECK(vms_pages_sweep(&o, &r, 7, &s, &e) == 0);
    if (s) {
        CHECK_EQ(vms_pages_sweep_max(s), 7);
        for (uint32_t k = 2; k <= 7; k++)
            CHECK(vms_pages_sweep_faults(s, k) <= vms_pages_sweep_faults(s, k - 1));
        CHECK_EQ(vms_pages_sweep_faults(s, 7), 5);
        vms_pages_sweep_destroy(s);
    }
    o.policy = "ws";
    CHECK(vms_pages_sweep(&o, &r, 0, &s, &e) == -VMS_EINVAL);
    CHECK(s == NULL);
    vms_refs_fini(&r);
}

/* Every allocation of a run with its state and of a sweep may fail: -VMS_ENOMEM, nothing
 * leaked (ASan), and at last a complete run. */
TEST(policy_state_alloc_failures)
{
    static const char *const pols[] = {"fifo", "arc", "lirs", "clock-pro", "2q"};
    for (size_t k = 0; k < sizeof pols / sizeof *pols; k++) {
        bool done = false;
        for (long n = 0; n < 400 && !done; n++) {
            struct vms_refs r = {0};
            struct vms_error e = {0};
            parse(&r, "1 2 3 4 1 2 5 1 2 3 4 5 6 1 7 2");
            struct vms_pages_opts o = {.policy = pols[k], .frames = 3, .table = true,
                                       .state = true, .width = 30};
            struct vms_pages *p = NULL;
            alloc_fail_after(n);
            int rc = vms_pages_run(&o, &r, &p, &e);
            alloc_fail_after(-1);
            if (rc == 0) {
                done = true;
                CHECK_EQ(vms_pages_faults(p) + vms_pages_hits(p), 16);
            } else {
                CHECK_EQ(-rc, VMS_ENOMEM);
                CHECK(p == NULL);
            }
            vms_pages_destroy(p);
            vms_refs_fini(&r);
        }
        CHECK(done);
    }
    bool done = false;
    for (long n = 0; n < 200 && !done; n++) {
        struct vms_refs r = {0};
        struct vms_error e = {0};
        parse(&r, "1 2 3 4 1 2 5 1 2 3 4 5");
        struct vms_pages_opts o = {.policy = "arc"};
        struct vms_pages_sweep *s = NULL;
        alloc_fail_after(n);
        int rc = vms_pages_sweep(&o, &r, 0, &s, &e);
        alloc_fail_after(-1);
        if (rc == 0)
            done = vms_pages_sweep_max(s) == 5;
        else
            CHECK_EQ(-rc, VMS_ENOMEM);
        vms_pages_sweep_destroy(s);
        vms_refs_fini(&r);
    }
    CHECK(done);
}
