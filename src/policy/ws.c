/* Working set: keep exactly the pages referenced in the last tau references (Denning,
 * CACM 11(5) 1968). Realistic form: every tick (default: each reference) it reads and
 * clears the A bits, stamps referenced pages with now, and trim() drops pages idle for
 * tau or more. It sizes itself: drivers give it as many slots as there are pages (pages)
 * or memory (kernel); if memory still runs out, victim takes the least recently stamped. */
#include "policy/policy.h"

#include "base/alloc.h"

struct ws {
    uint64_t *last; /* virtual time of the last observed reference, per slot */
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
    if (!w->last)
        return err_set(e, VMS_ENOMEM, "out of memory creating policy ws");
    return 0;
}

static void ws_destroy(struct policy *p)
{
    struct ws *w = p->state;
    vms_free(w->last);
}

static void ws_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct ws *w = p->state;
    w->last[slot] = w->now; /* refined at the next tick from the A bit */
}

static void ws_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

static void ws_tick(struct policy *p, const struct policy_env *env)
{
    struct ws *w = p->state;
    w->now = env->now(env->ctx);
    for (uint32_t s = 0; s < p->nframes; s++)
        if (policy_slot_used(p, s) && env->test_and_clear_young(env->ctx, s))
            w->last[s] = w->now;
}

/* Pages whose last reference is tau or more references ago left the working set. */
static uint32_t ws_trim(struct policy *p, const struct policy_env *env, uint32_t *slots,
                        uint32_t max)
{
    (void)env;
    struct ws *w = p->state;
    uint32_t n = 0;
    for (uint32_t s = 0; s < p->nframes && n < max; s++)
        if (policy_slot_used(p, s) && w->now - w->last[s] >= w->tau)
            slots[n++] = s;
    return n;
}

static uint32_t ws_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct ws *w = p->state;
    uint32_t pick = POLICY_NO_SLOT;
    for (uint32_t s = 0; s < p->nframes; s++)
        if (policy_slot_used(p, s) && (pick == POLICY_NO_SLOT || w->last[s] < w->last[pick]))
            pick = s;
    return pick;
}

const struct policy_ops policy_ws_ops = {
    .name = "ws",
    .summary = "working set: keeps the pages referenced in the last --tau references",
    .source = "Denning, CACM 11(5) 1968",
    .flags = POLICY_NO_FRAMES,
    .tick_period = 1,
    .state_size = sizeof(struct ws),
    .create = ws_create,
    .destroy = ws_destroy,
    .insert = ws_insert,
    .remove = ws_remove,
    .victim = ws_victim,
    .tick = ws_tick,
    .trim = ws_trim,
};
