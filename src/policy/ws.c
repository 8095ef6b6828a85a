/* Working set: keep exactly the pages referenced in the last tau references (Denning,
 * CACM 11(5) 1968). Realistic form: every tick (default: each reference) it reads and
 * clears the A bits, stamps referenced pages with now, and trim() drops pages idle for
 * tau or more. It sizes itself: drivers give it as many slots as there are pages (pages)
 * or memory (kernel); if memory still runs out, victim takes the least recently stamped. */
#include "policy/policy.h"

#include "base/alloc.h"

#include <stdlib.h>

/* The occupied slots are also kept in a dense list (slot order does not matter there), so
 * that a tick, a trim and a victim search cost the working set's size, not the memory's:
 * with every frame of a large memory as a slot, scanning them all on each reference made
 * ws far slower than the other policies. Results are those of the scan in slot order:
 * trim returns its slots in increasing order, victim breaks ties by the lowest slot. */
struct ws {
    uint64_t *last; /* virtual time of the last observed reference, per slot */
    uint32_t *list; /* the occupied slots, list[0 .. n) */
    uint32_t *pos;  /* per occupied slot: its index in list */
    uint32_t *tmp;  /* trim's candidates */
    uint32_t n;
    uint64_t tau;
    uint64_t now;   /* time of the last tick */
};

static int ws_create(struct policy *p, struct vms_error *e)
{
    struct ws *w = p->state;
    w->tau = p->params.tau;
    if (w->tau == 0)
        return err_set(e, VMS_EINVAL, "--tau: the working-set window must be at least 1");
    w->last = vms_calloc(p->nframes, sizeof *w->last);
    w->list = vms_calloc(p->nframes, sizeof *w->list);
    w->pos = vms_calloc(p->nframes, sizeof *w->pos);
    w->tmp = vms_calloc(p->nframes, sizeof *w->tmp);
    if (!w->last || !w->list || !w->pos || !w->tmp) {
        vms_free(w->last);
        vms_free(w->list);
        vms_free(w->pos);
        vms_free(w->tmp);
        w->last = NULL, w->list = w->pos = w->tmp = NULL;
        return err_set(e, VMS_ENOMEM, "out of memory creating policy ws");
    }
    return 0;
}

static void ws_destroy(struct policy *p)
{
    struct ws *w = p->state;
    vms_free(w->last);
    vms_free(w->list);
    vms_free(w->pos);
    vms_free(w->tmp);
}

/* Takes slot off the dense list. */
static void ws_drop(struct ws *w, uint32_t slot)
{
    uint32_t i = w->pos[slot], moved = w->list[--w->n];
    w->list[i] = moved;
    w->pos[moved] = i;
}

static void ws_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct ws *w = p->state;
    w->last[slot] = w->now; /* refined at the next tick from the A bit */
    w->pos[slot] = w->n;
    w->list[w->n++] = slot;
}

static void ws_remove(struct policy *p, uint32_t slot)
{
    ws_drop(p->state, slot);
}

static void ws_tick(struct policy *p, const struct policy_env *env)
{
    struct ws *w = p->state;
    w->now = env->now(env->ctx);
    for (uint32_t i = 0; i < w->n; i++) {
        uint32_t s = w->list[i];
        if (env->test_and_clear_young(env->ctx, s))
            w->last[s] = w->now;
    }
}

static int ws_cmp_slot(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Pages whose last reference is tau or more references ago left the working set (the
 * lowest max slots of them, in increasing order). */
static uint32_t ws_trim(struct policy *p, const struct policy_env *env, uint32_t *slots,
                        uint32_t max)
{
    (void)env;
    struct ws *w = p->state;
    uint32_t k = 0;
    for (uint32_t i = 0; i < w->n; i++)
        if (w->now - w->last[w->list[i]] >= w->tau)
            w->tmp[k++] = w->list[i];
    if (k > 1)
        qsort(w->tmp, k, sizeof *w->tmp, ws_cmp_slot);
    uint32_t n = k < max ? k : max;
    for (uint32_t i = 0; i < n; i++) {
        slots[i] = w->tmp[i];
        ws_drop(w, w->tmp[i]);
    }
    return n;
}

/* The least recently stamped page, the lowest slot among equals. */
static uint32_t ws_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct ws *w = p->state;
    uint32_t pick = POLICY_NO_SLOT;
    for (uint32_t i = 0; i < w->n; i++) {
        uint32_t s = w->list[i];
        if (pick == POLICY_NO_SLOT || w->last[s] < w->last[pick] ||
            (w->last[s] == w->last[pick] && s < pick))
            pick = s;
    }
    if (pick != POLICY_NO_SLOT)
        ws_drop(w, pick);
    return pick;
}

/* Every resident page's idle time as of the last tick, and the set's size. */
static void ws_describe(const struct policy *p, const struct policy_env *env,
                        const struct policy_describer *d)
{
    (void)env;
    const struct ws *w = p->state;
    d->note(d->ctx, "idle frame N: references since the page in frame N was last seen "
                    "referenced (at the last tick); it leaves the working set at tau");
    policy_describe_num(d, "ws size", POLICY_NO_INDEX, w->n);
    for (uint32_t s = 0; s < p->hw; s++)
        if (policy_slot_used(p, s))
            policy_describe_num(d, "idle frame", s, w->now - w->last[s]);
}

static void ws_save(const struct policy *p, struct ser *s)
{
    const struct ws *w = p->state;
    ser_u64(s, w->tau);
    ser_u64(s, w->now);
    ser_u32(s, w->n);
    ser_u64s(s, w->last, p->hw);
    ser_u32s(s, w->list, w->n);
    ser_u32s(s, w->pos, p->hw);
}

static int ws_load(struct policy *p, struct deser *d)
{
    struct ws *w = p->state;
    if (deser_u64(d) != w->tau)
        deser_fail(d, "the checkpoint's working-set window is another");
    w->now = deser_u64(d);
    w->n = deser_id(d, (uint64_t)p->hw + 1, false, "working-set size");
    if (d->bad)
        return 0;
    deser_u64s(d, w->last, p->hw);
    deser_ids(d, w->list, w->n, p->hw, "working-set slot");
    deser_ids(d, w->pos, p->hw, p->hw, "working-set position");
    return 0;
}

const struct policy_ops policy_ws_ops = {
    .name = "ws",
    .summary = "working set: keeps the pages referenced in the last --tau references",
    .source = "Denning, CACM 11(5) 1968",
    .flags = POLICY_NO_FRAMES,
    .tick_period = 1,
    .state_size = sizeof(struct ws),
    .create = ws_create,
    .save = ws_save,
    .load = ws_load,
    .destroy = ws_destroy,
    .insert = ws_insert,
    .remove = ws_remove,
    .victim = ws_victim,
    .tick = ws_tick,
    .trim = ws_trim,
    .describe = ws_describe,
};
