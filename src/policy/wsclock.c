/* WSClock: a clock over the frames that evicts a page outside the working set (A clear and
 * idle for more than tau references) and prefers clean pages; dirty old pages would be
 * scheduled for write-back, and if a whole turn finds no clean old page the first dirty old
 * page is taken, else the oldest page (Carr and Hennessy, SOSP 1981; Tanenbaum MOS §3.4.9).
 * params.tau defaults to 2 * nframes. */
#include "policy/policy.h"

#include "base/alloc.h"

#define WSCLOCK_UNSTAMPED UINT64_MAX

struct wsclock {
    uint64_t *last; /* time of last observed reference; UNSTAMPED until first seen */
    uint64_t tau;
    uint32_t hand;
};

static int wsclock_create(struct policy *p, struct vms_error *e)
{
    struct wsclock *w = p->state;
    w->tau = p->params.tau ? p->params.tau : 2 * (uint64_t)p->nframes;
    w->last = vms_calloc(p->nframes, sizeof *w->last);
    if (!w->last)
        return err_set(e, VMS_ENOMEM, "out of memory creating policy wsclock");
    return 0;
}

static void wsclock_destroy(struct policy *p)
{
    struct wsclock *w = p->state;
    vms_free(w->last);
}

static void wsclock_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct wsclock *w = p->state;
    w->last[slot] = WSCLOCK_UNSTAMPED;
}

static void wsclock_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

static uint32_t wsclock_victim(struct policy *p, const struct policy_env *env)
{
    struct wsclock *w = p->state;
    uint64_t now = env->now(env->ctx);
    uint32_t dirty_old = POLICY_NO_SLOT, oldest = POLICY_NO_SLOT;
    for (uint32_t i = 0; i < p->nframes; i++) {
        uint32_t s = w->hand;
        w->hand = (s + 1) % p->nframes;
        if (!policy_slot_used(p, s))
            continue;
        if (env->test_and_clear_young(env->ctx, s) || w->last[s] == WSCLOCK_UNSTAMPED) {
            w->last[s] = now;
        } else if (now - w->last[s] > w->tau) {
            if (!env->is_dirty(env->ctx, s))
                return s;
            if (dirty_old == POLICY_NO_SLOT)
                dirty_old = s;
        }
        if (oldest == POLICY_NO_SLOT || w->last[s] < w->last[oldest])
            oldest = s;
    }
    uint32_t s = dirty_old != POLICY_NO_SLOT ? dirty_old : oldest;
    w->hand = (s + 1) % p->nframes;
    return s;
}

/* The hand, every frame's time of last use and its (A, D) bits. */
static void wsclock_describe(const struct policy *p, const struct policy_env *env,
                             const struct policy_describer *d)
{
    const struct wsclock *w = p->state;
    d->note(d->ctx, "hand: the frame the hand points at; last frame N: the time (references "
                    "so far) the hand last saw the page in frame N referenced (-: not yet); "
                    "RM frame N: its A and D bits; clean pages idle over tau go first");
    policy_describe_num(d, "hand", POLICY_NO_INDEX, w->hand);
    for (uint32_t s = 0; s < p->hw; s++) {
        if (!policy_slot_used(p, s))
            continue;
        if (w->last[s] == WSCLOCK_UNSTAMPED)
            d->row(d->ctx, "last frame", s, "-");
        else
            policy_describe_num(d, "last frame", s, w->last[s]);
        char b[3] = {env->test_young(env->ctx, s) ? '1' : '0',
                     env->is_dirty(env->ctx, s) ? '1' : '0', '\0'};
        d->row(d->ctx, "RM frame", s, b);
    }
}

static void wsclock_save(const struct policy *p, struct ser *s)
{
    const struct wsclock *w = p->state;
    ser_u64(s, w->tau);
    ser_u32(s, w->hand);
    ser_u64s(s, w->last, p->hw);
}

static int wsclock_load(struct policy *p, struct deser *d)
{
    struct wsclock *w = p->state;
    if (deser_u64(d) != w->tau)
        deser_fail(d, "the checkpoint's working-set window is another");
    w->hand = deser_id(d, p->nframes, false, "clock hand");
    deser_u64s(d, w->last, p->hw);
    return 0;
}

const struct policy_ops policy_wsclock_ops = {
    .name = "wsclock",
    .summary = "working-set clock: evicts clean pages idle longer than --tau first",
    .source = "Carr, Hennessy, SOSP 1981; Tanenbaum MOS 3.4.9",
    .state_size = sizeof(struct wsclock),
    .create = wsclock_create,
    .save = wsclock_save,
    .load = wsclock_load,
    .destroy = wsclock_destroy,
    .insert = wsclock_insert,
    .remove = wsclock_remove,
    .victim = wsclock_victim,
    .describe = wsclock_describe,
};
