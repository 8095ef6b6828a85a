/* OPT (Belady's MIN): evict the resident page whose next reference is farthest in the
 * future. Needs the whole reference sequence (set_future) and the position of the current
 * reference (env->now() - 1), so it exists only where the future is known: pages, and mrc
 * or trace on a file (Belady, IBM Systems Journal 5(2) 1966). */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/pmap.h"

struct opt {
    struct pmap index;  /* page -> dense id */
    uint64_t *pos;      /* positions of every reference, grouped by dense id */
    uint64_t *start;    /* dense id -> first index into pos; start[n] = end */
    uint32_t *slot_id;  /* dense id of the page in each slot (UINT32_MAX: not in future) */
    uint64_t *cursor;   /* per slot: index into pos, advanced lazily */
    bool have_future;
};

static int opt_create(struct policy *p, struct vms_error *e)
{
    struct opt *o = p->state;
    o->slot_id = vms_malloc(p->nframes * sizeof *o->slot_id);
    o->cursor = vms_malloc(p->nframes * sizeof *o->cursor);
    if (!o->slot_id || !o->cursor) {
        vms_free(o->slot_id);
        vms_free(o->cursor);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy opt");
    }
    return 0;
}

static void opt_destroy(struct policy *p)
{
    struct opt *o = p->state;
    if (o->have_future)
        pmap_fini(&o->index);
    vms_free(o->pos);
    vms_free(o->start);
    vms_free(o->slot_id);
    vms_free(o->cursor);
}

static int opt_set_future(struct policy *p, const uint64_t *pages, size_t n, struct vms_error *e)
{
    struct opt *o = p->state;
    if (o->have_future)
        return err_set(e, VMS_EINVAL, "opt: the future was already given");
    if (!pmap_init(&o->index, 64))
        return err_set(e, VMS_ENOMEM, "out of memory giving opt the future");
    o->have_future = true;
    uint32_t *ids = vms_malloc((n ? n : 1) * sizeof *ids);
    uint64_t *count = NULL;
    uint32_t ndense = 0;
    if (!ids)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        uint32_t *v = pmap_get(&o->index, pages[i]);
        if (!v) {
            if (!pmap_put(&o->index, pages[i], ndense))
                goto oom;
            ids[i] = ndense++;
        } else {
            ids[i] = *v;
        }
    }
    count = vms_calloc((size_t)ndense + 1, sizeof *count);
    o->start = vms_calloc((size_t)ndense + 1, sizeof *o->start);
    o->pos = vms_malloc((n ? n : 1) * sizeof *o->pos);
    if (!count || !o->start || !o->pos)
        goto oom;
    for (size_t i = 0; i < n; i++)
        count[ids[i]]++;
    for (uint32_t d = 0; d < ndense; d++)
        o->start[d + 1] = o->start[d] + count[d];
    for (uint32_t d = 0; d < ndense; d++)
        count[d] = o->start[d];
    for (size_t i = 0; i < n; i++)
        o->pos[count[ids[i]]++] = i;
    vms_free(ids);
    vms_free(count);
    return 0;
oom:
    vms_free(ids);
    vms_free(count);
    return err_set(e, VMS_ENOMEM, "out of memory giving opt the future");
}

static void opt_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct opt *o = p->state;
    uint32_t *v = o->have_future ? pmap_get(&o->index, page) : NULL;
    o->slot_id[slot] = v ? *v : UINT32_MAX;
    o->cursor[slot] = v ? o->start[*v] : 0;
}

static void opt_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

/* Next reference of the page in slot strictly after position now; UINT64_MAX if none. */
static uint64_t opt_next_use(struct opt *o, uint32_t slot, uint64_t now)
{
    uint32_t id = o->slot_id[slot];
    if (id == UINT32_MAX)
        return UINT64_MAX;
    uint64_t c = o->cursor[slot], end = o->start[id + 1];
    while (c < end && o->pos[c] <= now)
        c++;
    o->cursor[slot] = c;
    return c < end ? o->pos[c] : UINT64_MAX;
}

/* Farthest next use; among pages never used again, the lowest slot. */
static uint32_t opt_victim(struct policy *p, const struct policy_env *env)
{
    struct opt *o = p->state;
    uint64_t now = env->now(env->ctx);
    now = now ? now - 1 : 0;
    uint32_t pick = POLICY_NO_SLOT;
    uint64_t best = 0;
    for (uint32_t s = 0; s < p->nframes; s++) {
        if (!policy_slot_used(p, s))
            continue;
        uint64_t nx = opt_next_use(o, s, now);
        if (pick == POLICY_NO_SLOT || nx > best) {
            pick = s;
            best = nx;
            if (nx == UINT64_MAX)
                break;
        }
    }
    return pick;
}

/* How far ahead each frame's page is used next (the lazy cursors are not moved). */
static void opt_describe(const struct policy *p, const struct policy_env *env,
                         const struct policy_describer *d)
{
    const struct opt *o = p->state;
    d->note(d->ctx, "next frame N: references until the page in frame N is used again (-: never); "
                    "the farthest is the next victim");
    uint64_t now = env->now(env->ctx);
    now = now ? now - 1 : 0; /* the position of the reference just handled */
    for (uint32_t s = 0; s < p->hw; s++) {
        if (!policy_slot_used(p, s))
            continue;
        uint32_t id = o->slot_id[s];
        uint64_t nx = UINT64_MAX;
        if (id != UINT32_MAX) {
            uint64_t c = o->cursor[s], end = o->start[id + 1];
            while (c < end && o->pos[c] <= now)
                c++;
            if (c < end)
                nx = o->pos[c];
        }
        if (nx == UINT64_MAX)
            d->row(d->ctx, "next frame", s, "-");
        else
            policy_describe_num(d, "next frame", s, nx - now);
    }
}

const struct policy_ops policy_opt_ops = {
    .name = "opt",
    .summary = "Belady's optimal: evicts the page used farthest in the future (idealized)",
    .source = "Belady, IBM Systems Journal 5(2) 1966",
    .flags = POLICY_IDEALIZED | POLICY_NEEDS_FUTURE | POLICY_STACK,
    .state_size = sizeof(struct opt),
    .create = opt_create,
    .destroy = opt_destroy,
    .insert = opt_insert,
    .remove = opt_remove,
    .victim = opt_victim,
    .set_future = opt_set_future,
    .describe = opt_describe,
};
