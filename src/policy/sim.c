/* The pages/mrc hardware emulator (see sim.h): on a hit the slot's A bit is set (and D
 * on a write); on a fault the page is loaded into the lowest free slot, or the policy's
 * victim, with A set (D on a write). */
#include "policy/sim.h"

#include "base/alloc.h"

#include <string.h>

static bool sim_test_and_clear_young(void *ctx, uint32_t slot)
{
    struct sim *s = ctx;
    bool y = s->abit[slot];
    s->abit[slot] = 0;
    return y;
}

static bool sim_test_young(void *ctx, uint32_t slot)
{
    return ((struct sim *)ctx)->abit[slot];
}

static bool sim_is_dirty(void *ctx, uint32_t slot)
{
    return ((struct sim *)ctx)->dbit[slot];
}

static uint64_t sim_now(void *ctx)
{
    return ((struct sim *)ctx)->now;
}

void sim_destroy(struct sim *s)
{
    if (!s)
        return;
    policy_destroy(s->pol);
    vms_free(s->slot_page);
    vms_free(s->page_slot);
    vms_free(s->abit);
    vms_free(s->dbit);
    vms_free(s->trimmed);
    vms_free(s);
}

int sim_create(const struct policy_ops *ops, const struct policy_params *params,
               uint32_t npages, uint32_t tick_period, struct sim **out, struct vms_error *e)
{
    *out = NULL;
    struct sim *s = vms_calloc(1, sizeof *s);
    if (!s)
        return err_set(e, VMS_ENOMEM, "out of memory");
    int rc = policy_create(ops, params, &s->pol, e);
    if (rc < 0) {
        vms_free(s);
        return rc;
    }
    s->nframes = params->nframes;
    s->npages = npages;
    s->slot_page = vms_malloc(s->nframes * sizeof *s->slot_page);
    s->page_slot = vms_malloc((npages ? npages : 1) * sizeof *s->page_slot);
    s->abit = vms_calloc(s->nframes, 1);
    s->dbit = vms_calloc(s->nframes, 1);
    s->trimmed = vms_malloc(s->nframes * sizeof *s->trimmed);
    if (!s->slot_page || !s->page_slot || !s->abit || !s->dbit || !s->trimmed) {
        sim_destroy(s);
        return err_set(e, VMS_ENOMEM, "out of memory");
    }
    memset(s->slot_page, 0xff, s->nframes * sizeof *s->slot_page);
    memset(s->page_slot, 0xff, (npages ? npages : 1) * sizeof *s->page_slot);
    s->env = (struct policy_env){s, sim_test_and_clear_young, sim_test_young, sim_is_dirty,
                                 sim_now};
    s->tick_period = tick_period ? tick_period : ops->tick_period;
    s->tick_left = s->tick_period;
    s->idealized = ops->flags & POLICY_IDEALIZED;
    *out = s;
    return 0;
}

int sim_set_future(struct sim *s, const uint32_t *pages, size_t n, uint32_t mask,
                   struct vms_error *e)
{
    if (!(s->pol->ops->flags & POLICY_NEEDS_FUTURE))
        return 0;
    uint64_t *f = vms_malloc((n ? n : 1) * sizeof *f);
    if (!f)
        return err_set(e, VMS_ENOMEM, "out of memory giving opt the future");
    for (size_t i = 0; i < n; i++)
        f[i] = pages[i] & mask;
    int rc = policy_set_future(s->pol, f, n, e);
    vms_free(f);
    return rc;
}

/* Lowest free slot; only called while one exists. */
static uint32_t sim_free_slot(struct sim *s)
{
    for (uint32_t i = s->free_hint; i < s->nframes; i++)
        if (s->slot_page[i] == SIM_NONE) {
            s->free_hint = i + 1;
            return i;
        }
    VMS_INVARIANT(0, "no free slot below the hint");
}

static void sim_tick(struct sim *s)
{
    policy_tick(s->pol, &s->env);
    s->ntrimmed = 0;
    uint32_t n = policy_trim(s->pol, &s->env, s->trimmed, s->nframes);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t slot = s->trimmed[i];
        uint32_t pg = s->slot_page[slot];
        s->page_slot[pg] = SIM_NONE;
        s->slot_page[slot] = SIM_NONE;
        s->abit[slot] = s->dbit[slot] = 0;
        s->trimmed[i] = pg;
        if (slot < s->free_hint)
            s->free_hint = slot;
        s->nused--;
    }
    s->ntrimmed = n;
}

void sim_ref(struct sim *s, uint32_t page, bool write, struct sim_step *step)
{
    s->now++;
    s->ntrimmed = 0;
    uint32_t slot = s->page_slot[page];
    uint32_t evicted = SIM_NONE;
    bool hit = slot != SIM_NONE;
    if (hit) {
        s->hits++;
        s->abit[slot] = 1;
        s->dbit[slot] |= write;
        if (s->idealized)
            policy_access(s->pol, slot, page, write);
    } else {
        s->faults++;
        if (s->idealized)
            policy_access(s->pol, POLICY_NO_SLOT, page, write);
        if (s->nused < s->nframes) {
            slot = sim_free_slot(s);
            s->nused++;
        } else {
            slot = policy_victim(s->pol, &s->env);
            evicted = s->slot_page[slot];
            s->page_slot[evicted] = SIM_NONE;
        }
        s->slot_page[slot] = page;
        s->page_slot[page] = slot;
        s->abit[slot] = 1;
        s->dbit[slot] = write;
        policy_insert(s->pol, slot, page, write);
    }
    if (s->tick_period && --s->tick_left == 0) {
        s->tick_left = s->tick_period;
        sim_tick(s);
    }
    if (step)
        *step = (struct sim_step){hit, slot, evicted};
}
