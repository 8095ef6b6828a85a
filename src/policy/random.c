/* Random replacement, seeded (params.seed) so that a run repeats exactly; the baseline
 * every study compares against (Belady, IBM Systems Journal 5(2) 1966). */
#include "policy/policy.h"

struct prandom {
    uint64_t rng;
};

static int random_create(struct policy *p, struct vms_error *e)
{
    (void)e;
    struct prandom *r = p->state;
    r->rng = p->params.seed ? p->params.seed : 1;
    return 0;
}

static void random_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)p, (void)slot, (void)page, (void)write;
}

static void random_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

/* Uniform over occupied slots when all are occupied (the usual case); otherwise the first
 * occupied slot at or after a uniform start. */
static uint32_t random_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct prandom *r = p->state;
    uint32_t s = (uint32_t)(policy_rand_next(&r->rng) % p->nframes);
    while (!policy_slot_used(p, s))
        s = (s + 1) % p->nframes;
    return s;
}

/* Nothing but the generator, which is no reading aid. */
static void random_describe(const struct policy *p, const struct policy_env *env,
                            const struct policy_describer *d)
{
    (void)p, (void)env;
    d->note(d->ctx, "random keeps no per-reference state: each victim is drawn uniformly from "
                    "a generator seeded with --seed");
}

static void random_save(const struct policy *p, struct ser *s)
{
    const struct prandom *r = p->state;
    ser_u64(s, r->rng);
}

static int random_load(struct policy *p, struct deser *d)
{
    struct prandom *r = p->state;
    r->rng = deser_u64(d);
    return 0;
}

const struct policy_ops policy_random_ops = {
    .name = "random",
    .summary = "uniformly random victim, seeded (--seed) so runs repeat",
    .source = "Belady, IBM Systems Journal 5(2) 1966",
    .state_size = sizeof(struct prandom),
    .create = random_create,
    .save = random_save,
    .load = random_load,
    .insert = random_insert,
    .remove = random_remove,
    .victim = random_victim,
    .describe = random_describe,
};
