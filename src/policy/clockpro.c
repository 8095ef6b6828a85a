/* CLOCK-Pro (Jiang, Chen, Zhang, USENIX ATC 2005): LIRS's reuse-distance test on a clock.
 * One circular list holds resident hot pages, resident cold pages and non-resident cold
 * pages still in their test period; three hands sweep it in the same direction. HAND_cold
 * evicts cold pages, HAND_hot demotes hot pages, HAND_test ends test periods and drops
 * non-resident entries. Realistic: it learns about references only from A bits (and from
 * the page id of a refault, as a kernel's shadow entries do). */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/pmap.h"

/* Entries 0..m-1 are the frame slots (resident pages), m..2m-1 non-resident entries.
 *
 * Invariants: the ring holds every resident page and every non-resident page in test;
 * "the list head" is the place just behind HAND_hot, where moved and new pages go; all
 * three hands are CP_NIL exactly when the ring is empty; nghost <= m (the paper bounds
 * the non-resident cold pages by the memory size); 1 <= cold_target <= m, so at least
 * one resident page is cold once HAND_hot has balanced.
 *
 * Choices the paper leaves open, written down here:
 * - A faulting load does not count as a reference: the page's A bit, set by the access
 *   that loaded it, is cleared at the next tick (every reference by default) and ignored
 *   by a hand that meets the page before that tick.
 * - m_c (cold_target) starts at m, so the policy starts as CLOCK and learns: +1 when a
 *   non-resident page refaults in its test period (more memory for cold pages would have
 *   kept it), -1 when a test period ends without a reference. A resident cold page
 *   referenced in its test period turns hot without changing m_c: it was a hit anyway.
 *   (Counting those too made the curves of the mm trace erratic at 7-17 frames, up to
 *   0.076 where LRU has 0.055; libCacheSim's ClockPro counts only refaults as well.)
 * - The insert op has no access to A bits, so the HAND_hot run a refault's promotion calls
 *   for happens at the next tick or victim, whichever comes first. */

#define CP_NIL UINT32_MAX

enum { CP_FREE, CP_HOT, CP_COLD, CP_GHOST }; /* GHOST: non-resident cold, in test */

struct clockpro {
    uint32_t m;                  /* frames */
    uint32_t *prev, *next;       /* ring links, 2m entries */
    uint64_t *page;              /* page of each entry */
    uint8_t *status, *test;      /* per entry: CP_*, and "in its test period" */
    uint8_t *fresh, *queued;     /* per slot: loaded since the last tick; on pending */
    uint32_t *pending, npending; /* slots loaded since the last tick */
    uint32_t *ghost_free, nghost_free;
    struct pmap ghosts; /* page -> non-resident entry */
    uint32_t hand_hot, hand_cold, hand_test;
    uint32_t nhot, ncold, nghost;
    uint32_t cold_target; /* m_c: memory for resident cold pages */
};

static void clockpro_destroy(struct policy *p)
{
    struct clockpro *c = p->state;
    vms_free(c->prev);
    vms_free(c->next);
    vms_free(c->page);
    vms_free(c->status);
    vms_free(c->test);
    vms_free(c->fresh);
    vms_free(c->queued);
    vms_free(c->pending);
    vms_free(c->ghost_free);
    pmap_fini(&c->ghosts);
}

static int clockpro_create(struct policy *p, struct vms_error *e)
{
    struct clockpro *c = p->state;
    uint32_t m = p->nframes;
    size_t n = 2 * (size_t)m;
    c->m = m;
    c->prev = vms_calloc(n, sizeof *c->prev);
    c->next = vms_calloc(n, sizeof *c->next);
    c->page = vms_calloc(n, sizeof *c->page);
    c->status = vms_calloc(n, 1);
    c->test = vms_calloc(n, 1);
    c->fresh = vms_calloc(m, 1);
    c->queued = vms_calloc(m, 1);
    c->pending = vms_calloc(m, sizeof *c->pending);
    c->ghost_free = vms_malloc(m * sizeof *c->ghost_free);
    /* Room for m keys: puts never allocate afterwards. */
    bool ghosts = pmap_init(&c->ghosts, m);
    if (!c->prev || !c->next || !c->page || !c->status || !c->test || !c->fresh || !c->queued ||
        !c->pending || !c->ghost_free || !ghosts) {
        clockpro_destroy(p);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy clock-pro");
    }
    for (uint32_t i = 0; i < m; i++)
        c->ghost_free[i] = 2 * m - 1 - i;
    c->nghost_free = m;
    c->hand_hot = c->hand_cold = c->hand_test = CP_NIL;
    c->cold_target = m;
    return 0;
}

/* ---------------------------------------------------------------- the ring */

/* Put id at the list head: just behind HAND_hot. */
static void cp_link_head(struct clockpro *c, uint32_t id)
{
    if (c->hand_hot == CP_NIL) {
        c->prev[id] = c->next[id] = id;
        c->hand_hot = c->hand_cold = c->hand_test = id;
        return;
    }
    uint32_t h = c->hand_hot, b = c->prev[h];
    c->prev[id] = b;
    c->next[id] = h;
    c->next[b] = id;
    c->prev[h] = id;
}

/* Take id off the ring; a hand on it moves to the next entry. */
static void cp_unlink(struct clockpro *c, uint32_t id)
{
    uint32_t n = c->next[id], b = c->prev[id];
    if (n == id) {
        c->hand_hot = c->hand_cold = c->hand_test = CP_NIL;
        return;
    }
    if (c->hand_hot == id)
        c->hand_hot = n;
    if (c->hand_cold == id)
        c->hand_cold = n;
    if (c->hand_test == id)
        c->hand_test = n;
    c->next[b] = n;
    c->prev[n] = b;
}

/* id takes old's place on the ring, hands included. */
static void cp_replace(struct clockpro *c, uint32_t old, uint32_t id)
{
    uint32_t n = c->next[old], b = c->prev[old];
    if (n == old) {
        c->prev[id] = c->next[id] = id;
    } else {
        c->prev[id] = b;
        c->next[id] = n;
        c->next[b] = id;
        c->prev[n] = id;
    }
    if (c->hand_hot == old)
        c->hand_hot = id;
    if (c->hand_cold == old)
        c->hand_cold = id;
    if (c->hand_test == old)
        c->hand_test = id;
}

static void cp_drop_ghost(struct clockpro *c, uint32_t id)
{
    cp_unlink(c, id);
    pmap_del(&c->ghosts, c->page[id]);
    c->status[id] = CP_FREE;
    c->test[id] = 0;
    c->ghost_free[c->nghost_free++] = id;
    c->nghost--;
}

/* ---------------------------------------------------------------- reference bits */

/* Read and clear the A bit of resident slot s. The load of a page that has not yet seen a
 * tick is not a reference: its bit is cleared and ignored. */
static bool cp_young(struct clockpro *c, const struct policy_env *env, uint32_t s)
{
    bool y = env->test_and_clear_young(env->ctx, s);
    if (c->fresh[s]) {
        c->fresh[s] = 0;
        return false;
    }
    return y;
}

/* Whether resident slot s was referenced, without clearing the bit. */
static bool cp_referenced(struct clockpro *c, const struct policy_env *env, uint32_t s)
{
    return !c->fresh[s] && env->test_young(env->ctx, s);
}

static void cp_cold_target_up(struct clockpro *c)
{
    if (c->cold_target < c->m)
        c->cold_target++;
}

static void cp_cold_target_down(struct clockpro *c)
{
    if (c->cold_target > 1)
        c->cold_target--;
}

/* A cold entry's test period ends: unreferenced, it lowers m_c; a non-resident entry
 * leaves the clock. */
static void cp_end_test(struct clockpro *c, const struct policy_env *env, uint32_t id)
{
    if (c->status[id] == CP_GHOST) {
        cp_drop_ghost(c, id);
        cp_cold_target_down(c);
    } else if (c->status[id] == CP_COLD && c->test[id]) {
        c->test[id] = 0;
        if (!cp_referenced(c, env, id))
            cp_cold_target_down(c);
    }
}

/* ---------------------------------------------------------------- the hands */

/* HAND_hot: turn the first hot page without a reference into a cold page, sparing (and
 * clearing) referenced ones and ending the test periods of the cold pages it passes.
 * Needs nhot >= 1; terminates within two turns (the first clears every A bit it meets). */
static void cp_run_hot(struct clockpro *c, const struct policy_env *env)
{
    for (;;) {
        uint32_t id = c->hand_hot;
        c->hand_hot = c->next[id];
        if (c->status[id] != CP_HOT) {
            cp_end_test(c, env, id);
            continue;
        }
        if (cp_young(c, env, id))
            continue;
        c->status[id] = CP_COLD;
        c->test[id] = 0;
        c->nhot--;
        c->ncold++;
        return;
    }
}

/* HAND_test: end test periods until one non-resident entry has left. Needs nghost >= 1. */
static void cp_run_test(struct clockpro *c, const struct policy_env *env)
{
    for (;;) {
        uint32_t id = c->hand_test;
        c->hand_test = c->next[id];
        bool ghost = c->status[id] == CP_GHOST;
        cp_end_test(c, env, id);
        if (ghost)
            return;
    }
}

/* Keep the hot pages within m - m_c, and at least one resident page cold. */
static void cp_balance(struct policy *p, const struct policy_env *env)
{
    struct clockpro *c = p->state;
    while (c->nhot > 0 && (c->nhot > c->m - c->cold_target || c->ncold == 0))
        cp_run_hot(c, env);
}

/* HAND_cold: the first cold page without a reference is evicted (remaining on the clock
 * as a non-resident page if it is in its test period). A referenced cold page in its test
 * period turns hot; one out of its test period starts a new one; both move to the head.
 * Terminates: every cold page it passes loses its A bit, and promotions are balanced by
 * demoting hot pages whose A bit is already clear. */
static uint32_t clockpro_victim(struct policy *p, const struct policy_env *env)
{
    struct clockpro *c = p->state;
    cp_balance(p, env);
    for (;;) {
        uint32_t id = c->hand_cold;
        c->hand_cold = c->next[id];
        if (c->status[id] != CP_COLD)
            continue;
        if (cp_young(c, env, id)) {
            cp_unlink(c, id);
            if (c->test[id]) { /* a short reuse distance: hot (m_c unchanged) */
                c->test[id] = 0;
                c->status[id] = CP_HOT;
                c->ncold--;
                c->nhot++;
                cp_link_head(c, id);
                cp_balance(p, env);
            } else {
                c->test[id] = 1;
                cp_link_head(c, id);
            }
            continue;
        }
        c->ncold--;
        while (c->test[id] && c->nghost >= c->m)
            cp_run_test(c, env); /* may end this page's own test period */
        c->status[id] = CP_FREE;
        c->fresh[id] = 0;
        if (c->test[id]) {
            uint32_t g = c->ghost_free[--c->nghost_free];
            c->page[g] = c->page[id];
            c->status[g] = CP_GHOST;
            c->test[g] = 1;
            cp_replace(c, id, g);
            if (pmap_put(&c->ghosts, c->page[g], g)) {
                c->nghost++;
            } else { /* out of memory (never: room was reserved): forget the page */
                cp_unlink(c, g);
                c->status[g] = CP_FREE;
                c->ghost_free[c->nghost_free++] = g;
            }
        } else {
            cp_unlink(c, id);
        }
        c->test[id] = 0;
        return id;
    }
}

/* A page faulted in. A refault of a non-resident page in its test period proves a reuse
 * distance shorter than the cold pages': it comes back hot. Any other page comes in cold,
 * in a test period. Both go to the list head. */
static void clockpro_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct clockpro *c = p->state;
    c->page[slot] = page;
    c->fresh[slot] = 1;
    if (!c->queued[slot]) {
        c->queued[slot] = 1;
        c->pending[c->npending++] = slot;
    }
    uint32_t *g = pmap_get(&c->ghosts, page);
    if (g) {
        cp_drop_ghost(c, *g);
        cp_cold_target_up(c);
        c->status[slot] = CP_HOT;
        c->test[slot] = 0;
        c->nhot++;
    } else {
        c->status[slot] = CP_COLD;
        c->test[slot] = 1;
        c->ncold++;
    }
    cp_link_head(c, slot);
}

static void clockpro_remove(struct policy *p, uint32_t slot)
{
    struct clockpro *c = p->state;
    if (c->status[slot] == CP_HOT)
        c->nhot--;
    else
        c->ncold--;
    cp_unlink(c, slot);
    c->status[slot] = CP_FREE;
    c->test[slot] = 0;
    c->fresh[slot] = 0;
}

/* After a reference: pages loaded since the last tick lose the A bit their load set;
 * then HAND_hot runs if a refault made too many pages hot. */
static void clockpro_tick(struct policy *p, const struct policy_env *env)
{
    struct clockpro *c = p->state;
    for (uint32_t i = 0; i < c->npending; i++) {
        uint32_t s = c->pending[i];
        c->queued[s] = 0;
        if (c->fresh[s] && policy_slot_used(p, s)) {
            env->test_and_clear_young(env->ctx, s);
            c->fresh[s] = 0;
        }
    }
    c->npending = 0;
    cp_balance(p, env);
}

/* The clock from HAND_hot on, each entry marked with its status, the other two hands and
 * m_c. */
static void clockpro_describe(const struct policy *p, const struct policy_env *env,
                              const struct policy_describer *d)
{
    (void)env;
    const struct clockpro *c = p->state;
    d->note(d->ctx, "clock: the list from HAND_hot on (H: hot, c: cold, t: cold in its test "
                    "period, n: non-resident in its test period); hand cold, hand test: the "
                    "entries those hands point at; m_c: memory for cold pages");
    policy_describe_num(d, "m_c", POLICY_NO_INDEX, c->cold_target);
    if (c->hand_hot == CP_NIL)
        return;
    uint32_t i = 1, id = c->hand_hot;
    do {
        const char *m = c->status[id] == CP_HOT    ? "H"
                        : c->status[id] == CP_GHOST ? "n"
                        : c->test[id]               ? "t"
                                                    : "c";
        policy_describe_page(d, "clock", i++, c->page[id], m);
        id = c->next[id];
    } while (id != c->hand_hot);
    policy_describe_page(d, "hand cold", POLICY_NO_INDEX, c->page[c->hand_cold], "");
    policy_describe_page(d, "hand test", POLICY_NO_INDEX, c->page[c->hand_test], "");
}

static void clockpro_save(const struct policy *p, struct ser *s)
{
    const struct clockpro *c = p->state;
    size_t n = 2 * (size_t)c->m;
    ser_u32(s, c->m);
    ser_u32s(s, c->prev, n);
    ser_u32s(s, c->next, n);
    ser_u64s(s, c->page, n);
    ser_bytes(s, c->status, n);
    ser_bytes(s, c->test, n);
    ser_bytes(s, c->fresh, c->m);
    ser_bytes(s, c->queued, c->m);
    ser_u32(s, c->npending);
    ser_u32s(s, c->pending, c->npending);
    ser_u32(s, c->nghost_free);
    ser_u32s(s, c->ghost_free, c->nghost_free);
    pmap_save(&c->ghosts, s);
    ser_u32(s, c->hand_hot);
    ser_u32(s, c->hand_cold);
    ser_u32(s, c->hand_test);
    ser_u32(s, c->nhot);
    ser_u32(s, c->ncold);
    ser_u32(s, c->nghost);
    ser_u32(s, c->cold_target);
}

static int clockpro_load(struct policy *p, struct deser *d)
{
    struct clockpro *c = p->state;
    size_t n = 2 * (size_t)c->m;
    if (deser_u32(d) != c->m)
        deser_fail(d, "corrupt checkpoint: CLOCK-Pro's size");
    if (d->bad)
        return 0;
    deser_ids(d, c->prev, n, n, "CLOCK-Pro link");
    deser_ids(d, c->next, n, n, "CLOCK-Pro link");
    deser_u64s(d, c->page, n);
    deser_u8s(d, c->status, n, CP_GHOST, "CLOCK-Pro status");
    deser_u8s(d, c->test, n, 1, "CLOCK-Pro test flag");
    deser_u8s(d, c->fresh, c->m, 1, "CLOCK-Pro flag");
    deser_u8s(d, c->queued, c->m, 1, "CLOCK-Pro flag");
    c->npending = deser_id(d, (uint64_t)c->m + 1, false, "CLOCK-Pro pending count");
    if (d->bad)
        return 0;
    deser_ids(d, c->pending, c->npending, c->m, "CLOCK-Pro slot");
    c->nghost_free = deser_id(d, (uint64_t)c->m + 1, false, "CLOCK-Pro ghost count");
    if (d->bad)
        return 0;
    deser_ids(d, c->ghost_free, c->nghost_free, n, "CLOCK-Pro entry");
    if (!pmap_load(&c->ghosts, d, n))
        return -VMS_ENOMEM;
    c->hand_hot = deser_id(d, n, true, "CLOCK-Pro hand");
    c->hand_cold = deser_id(d, n, true, "CLOCK-Pro hand");
    c->hand_test = deser_id(d, n, true, "CLOCK-Pro hand");
    c->nhot = deser_id(d, n + 1, false, "CLOCK-Pro count");
    c->ncold = deser_id(d, n + 1, false, "CLOCK-Pro count");
    c->nghost = deser_id(d, n + 1, false, "CLOCK-Pro count");
    c->cold_target = deser_id(d, (uint64_t)c->m + 1, false, "CLOCK-Pro target");
    return 0;
}

const struct policy_ops policy_clockpro_ops = {
    .name = "clock-pro",
    .summary = "hot and cold pages plus non-resident test pages on one clock, three hands",
    .source = "Jiang, Chen, Zhang, USENIX ATC 2005",
    .tick_period = 1,
    .state_size = sizeof(struct clockpro),
    .create = clockpro_create,
    .save = clockpro_save,
    .load = clockpro_load,
    .destroy = clockpro_destroy,
    .insert = clockpro_insert,
    .remove = clockpro_remove,
    .victim = clockpro_victim,
    .tick = clockpro_tick,
    .describe = clockpro_describe,
};
