/* Clock (second chance): the textbook one-hand clock over the frame slots. A set A bit
 * buys a page one more turn of the hand; the hand starts at slot 0 and stops one past the
 * slot it frees (Corbato 1968; Tanenbaum, Modern Operating Systems §3.4.5). */
#include "policy/policy.h"

struct clock {
    uint32_t hand;
};

static int clock_create(struct policy *p, struct vms_error *e)
{
    (void)p, (void)e;
    return 0;
}

static void clock_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)p, (void)slot, (void)page, (void)write;
}

static void clock_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

/* Terminates within two turns: the first turn clears every A bit it passes. */
static uint32_t clock_victim(struct policy *p, const struct policy_env *env)
{
    struct clock *c = p->state;
    for (;;) {
        uint32_t s = c->hand;
        c->hand = (s + 1) % p->nframes;
        if (!policy_slot_used(p, s))
            continue;
        if (!env->test_and_clear_young(env->ctx, s))
            return s;
    }
}

/* The hand and the reference (A) bit of every occupied frame. */
static void clock_describe(const struct policy *p, const struct policy_env *env,
                           const struct policy_describer *d)
{
    const struct clock *c = p->state;
    d->note(d->ctx, "hand: the frame the hand points at; R frame N: the reference (A) bit of "
                    "the page in frame N");
    policy_describe_num(d, "hand", POLICY_NO_INDEX, c->hand);
    for (uint32_t s = 0; s < p->hw; s++)
        if (policy_slot_used(p, s))
            policy_describe_num(d, "R frame", s, env->test_young(env->ctx, s));
}

static void clock_save(const struct policy *p, struct ser *s)
{
    const struct clock *c = p->state;
    ser_u32(s, c->hand);
}

static int clock_load(struct policy *p, struct deser *d)
{
    struct clock *c = p->state;
    c->hand = deser_id(d, p->nframes, false, "clock hand");
    return 0;
}

const struct policy_ops policy_clock_ops = {
    .name = "clock",
    .summary = "second chance: a hand clears A bits and evicts the first page without one",
    .source = "Corbato, MIT Project MAC MAC-M-384 1968; Tanenbaum MOS 3.4.5",
    .state_size = sizeof(struct clock),
    .create = clock_create,
    .save = clock_save,
    .load = clock_load,
    .insert = clock_insert,
    .remove = clock_remove,
    .victim = clock_victim,
    .describe = clock_describe,
};
