/* Aging: an n-bit counter per frame; every tick shifts it right and puts the A bit
 * (read and cleared) in the top bit; a fault evicts the smallest counter, a page referenced
 * since the last tick counting as newer than any counter; ties go to the oldest load.
 * Tanenbaum, Modern Operating Systems §3.4.7. params.bits = n (default 8). */
#include "policy/policy.h"

#include "base/alloc.h"

struct aging {
    uint32_t *counter;
    uint64_t *loaded; /* load sequence number, for ties */
    uint64_t seq;
    unsigned bits;
};

static int aging_create(struct policy *p, struct vms_error *e)
{
    struct aging *a = p->state;
    a->bits = p->params.bits ? p->params.bits : 8;
    if (a->bits > 32)
        return err_set(e, VMS_EINVAL, "--bits: aging counters have 1 to 32 bits, not %u",
                       a->bits);
    a->counter = vms_calloc(p->nframes, sizeof *a->counter);
    a->loaded = vms_calloc(p->nframes, sizeof *a->loaded);
    if (!a->counter || !a->loaded) {
        vms_free(a->counter);
        vms_free(a->loaded);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy aging");
    }
    return 0;
}

static void aging_destroy(struct policy *p)
{
    struct aging *a = p->state;
    vms_free(a->counter);
    vms_free(a->loaded);
}

static void aging_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct aging *a = p->state;
    a->counter[slot] = 0;
    a->loaded[slot] = ++a->seq;
}

static void aging_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

static uint32_t aging_victim(struct policy *p, const struct policy_env *env)
{
    struct aging *a = p->state;
    uint32_t pick = POLICY_NO_SLOT;
    uint64_t best = UINT64_MAX;
    for (uint32_t s = 0; s < p->nframes; s++) {
        if (!policy_slot_used(p, s))
            continue;
        uint64_t key = ((uint64_t)env->test_young(env->ctx, s) << 32) | a->counter[s];
        if (pick == POLICY_NO_SLOT || key < best ||
            (key == best && a->loaded[s] < a->loaded[pick])) {
            best = key;
            pick = s;
        }
    }
    return pick;
}

static void aging_tick(struct policy *p, const struct policy_env *env)
{
    struct aging *a = p->state;
    for (uint32_t s = 0; s < p->hw; s++) { /* the slots above were never used */
        if (!policy_slot_used(p, s))
            continue;
        uint32_t top = env->test_and_clear_young(env->ctx, s) ? UINT32_C(1) << (a->bits - 1) : 0;
        a->counter[s] = (a->counter[s] >> 1) | top;
    }
}

/* Every occupied frame's counter (binary up to 8 bits, else hex) and A bit. */
static void aging_describe(const struct policy *p, const struct policy_env *env,
                           const struct policy_describer *d)
{
    const struct aging *a = p->state;
    d->note(d->ctx, "age frame N: the counter of the page in frame N, shifted right at every "
                    "tick with R on top; R frame N: referenced since the last tick (counts as "
                    "newest); the smallest goes");
    for (uint32_t s = 0; s < p->hw; s++) {
        if (!policy_slot_used(p, s))
            continue;
        char b[POLICY_CELL_MAX];
        if (a->bits <= 8) {
            for (unsigned i = 0; i < a->bits; i++)
                b[i] = (a->counter[s] >> (a->bits - 1 - i)) & 1 ? '1' : '0';
            b[a->bits] = '\0';
        } else {
            snprintf(b, sizeof b, "0x%0*x", (int)(a->bits + 3) / 4, (unsigned)a->counter[s]);
        }
        d->row(d->ctx, "age frame", s, b);
        policy_describe_num(d, "R frame", s, env->test_young(env->ctx, s));
    }
}

static void aging_save(const struct policy *p, struct ser *s)
{
    const struct aging *a = p->state;
    ser_u32(s, a->bits);
    ser_u64(s, a->seq);
    ser_u32s(s, a->counter, p->hw);
    ser_u64s(s, a->loaded, p->hw);
}

static int aging_load(struct policy *p, struct deser *d)
{
    struct aging *a = p->state;
    if (deser_u32(d) != a->bits)
        deser_fail(d, "the checkpoint's aging counters have another width");
    a->seq = deser_u64(d);
    deser_u32s(d, a->counter, p->hw);
    deser_u64s(d, a->loaded, p->hw);
    return 0;
}

const struct policy_ops policy_aging_ops = {
    .name = "aging",
    .summary = "n-bit aging counters shifted each tick with the A bit; evicts the smallest",
    .source = "Tanenbaum, Modern Operating Systems 3.4.7",
    .tick_period = 4,
    .state_size = sizeof(struct aging),
    .create = aging_create,
    .save = aging_save,
    .load = aging_load,
    .destroy = aging_destroy,
    .insert = aging_insert,
    .remove = aging_remove,
    .victim = aging_victim,
    .tick = aging_tick,
    .describe = aging_describe,
};
