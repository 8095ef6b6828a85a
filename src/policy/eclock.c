/* Enhanced second chance: the clock hand ranks pages by (A, D) and prefers a page neither
 * referenced nor dirty, then one only dirty, so that clean pages go first and writes are
 * saved (Silberschatz, Operating System Concepts §10.4.5; Macintosh virtual memory). */
#include "policy/policy.h"

struct eclock {
    uint32_t hand;
};

static int eclock_create(struct policy *p, struct vms_error *e)
{
    (void)p, (void)e;
    return 0;
}

static void eclock_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)p, (void)slot, (void)page, (void)write;
}

static void eclock_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

/* Alternate two kinds of turn: look for (0,0) touching nothing; then look for (0,1)
 * clearing A bits on the way. After at most four turns a page is found. */
static uint32_t eclock_victim(struct policy *p, const struct policy_env *env)
{
    struct eclock *c = p->state;
    for (unsigned turn = 0;; turn++) {
        bool clearing = turn & 1;
        for (uint32_t i = 0; i < p->nframes; i++) {
            uint32_t s = c->hand;
            c->hand = (s + 1) % p->nframes;
            if (!policy_slot_used(p, s))
                continue;
            bool young = clearing ? env->test_and_clear_young(env->ctx, s)
                                  : env->test_young(env->ctx, s);
            bool dirty = env->is_dirty(env->ctx, s);
            if (!young && dirty == clearing)
                return s;
            if (turn >= 3 && !young)
                return s; /* every page is dirty: take the first unreferenced one */
        }
    }
}

/* The hand and the (A, D) bits of every occupied frame. */
static void eclock_describe(const struct policy *p, const struct policy_env *env,
                            const struct policy_describer *d)
{
    const struct eclock *c = p->state;
    d->note(d->ctx, "hand: the frame the hand points at; RM frame N: the reference (A) and "
                    "modify (D) bits of the page in frame N, the class (0,0) goes first");
    policy_describe_num(d, "hand", POLICY_NO_INDEX, c->hand);
    for (uint32_t s = 0; s < p->hw; s++)
        if (policy_slot_used(p, s)) {
            char b[3] = {env->test_young(env->ctx, s) ? '1' : '0',
                         env->is_dirty(env->ctx, s) ? '1' : '0', '\0'};
            d->row(d->ctx, "RM frame", s, b);
        }
}

static void eclock_save(const struct policy *p, struct ser *s)
{
    const struct eclock *c = p->state;
    ser_u32(s, c->hand);
}

static int eclock_load(struct policy *p, struct deser *d)
{
    struct eclock *c = p->state;
    c->hand = deser_id(d, p->nframes, false, "clock hand");
    return 0;
}

const struct policy_ops policy_eclock_ops = {
    .name = "eclock",
    .summary = "enhanced second chance on (A, D): evicts clean unreferenced pages first",
    .source = "Silberschatz, Galvin, Gagne, Operating System Concepts 10.4.5",
    .state_size = sizeof(struct eclock),
    .create = eclock_create,
    .save = eclock_save,
    .load = eclock_load,
    .insert = eclock_insert,
    .remove = eclock_remove,
    .victim = eclock_victim,
    .describe = eclock_describe,
};
