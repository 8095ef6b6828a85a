/* NRU (not recently used): every tick clears the A bits; a fault evicts a random page of
 * the lowest class 0 = (!A,!D), 1 = (!A,D), 2 = (A,!D), 3 = (A,D). Tanenbaum, Modern
 * Operating Systems §3.4.2. Random choice is seeded (params.seed), so runs repeat. */
#include "policy/policy.h"

struct nru {
    uint64_t rng;
};

static int nru_create(struct policy *p, struct vms_error *e)
{
    (void)e;
    struct nru *n = p->state;
    n->rng = p->params.seed ? p->params.seed : 1;
    return 0;
}

static void nru_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)p, (void)slot, (void)page, (void)write;
}

static void nru_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

/* Reservoir sampling over the lowest class: one pass, uniform choice. */
static uint32_t nru_victim(struct policy *p, const struct policy_env *env)
{
    struct nru *n = p->state;
    unsigned best = 4;
    uint32_t pick = 0, seen = 0;
    for (uint32_t s = 0; s < p->nframes; s++) {
        if (!policy_slot_used(p, s))
            continue;
        unsigned cls = (env->test_young(env->ctx, s) ? 2u : 0u) +
                       (env->is_dirty(env->ctx, s) ? 1u : 0u);
        if (cls < best) {
            best = cls;
            pick = s;
            seen = 1;
        } else if (cls == best) {
            seen++;
            if (policy_rand_next(&n->rng) % seen == 0)
                pick = s;
        }
    }
    return pick;
}

static void nru_tick(struct policy *p, const struct policy_env *env)
{
    for (uint32_t s = 0; s < p->hw; s++) /* the slots above were never used */
        if (policy_slot_used(p, s))
            (void)env->test_and_clear_young(env->ctx, s);
}

/* The class (A, D) of every occupied frame. */
static void nru_describe(const struct policy *p, const struct policy_env *env,
                         const struct policy_describer *d)
{
    d->note(d->ctx, "class frame N: 2 x R + M of the page in frame N (0: not referenced, clean; "
                    "3: referenced, modified); a random page of the lowest class goes; ticks "
                    "clear R");
    for (uint32_t s = 0; s < p->hw; s++)
        if (policy_slot_used(p, s))
            policy_describe_num(d, "class frame", s,
                                (env->test_young(env->ctx, s) ? 2u : 0u) +
                                    (env->is_dirty(env->ctx, s) ? 1u : 0u));
}

static void nru_save(const struct policy *p, struct ser *s)
{
    const struct nru *n = p->state;
    ser_u64(s, n->rng);
}

static int nru_load(struct policy *p, struct deser *d)
{
    struct nru *n = p->state;
    n->rng = deser_u64(d);
    return 0;
}

const struct policy_ops policy_nru_ops = {
    .name = "nru",
    .summary = "not recently used: random page of the lowest (A, D) class; tick clears A",
    .source = "Tanenbaum, Modern Operating Systems 3.4.2",
    .tick_period = 4,
    .state_size = sizeof(struct nru),
    .create = nru_create,
    .save = nru_save,
    .load = nru_load,
    .insert = nru_insert,
    .remove = nru_remove,
    .victim = nru_victim,
    .tick = nru_tick,
    .describe = nru_describe,
};
