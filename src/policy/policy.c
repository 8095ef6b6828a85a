/* The policy registry and the thin wrappers that are the only way to call a policy's ops;
 * they keep the occupied-slot view and check the protocol described in policy.h. */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/slotlist.h"

#include <string.h>

extern const struct policy_ops policy_opt_ops, policy_fifo_ops, policy_lru_ops,
    policy_clock_ops, policy_eclock_ops, policy_nru_ops, policy_lfu_ops, policy_aging_ops,
    policy_random_ops, policy_ws_ops, policy_wsclock_ops, policy_arc_ops, policy_2q_ops,
    policy_lirs_ops, policy_lru2_ops, policy_clockpro_ops;

/* The registry, in the order `vmsim pages --help` lists them. */
static const struct policy_ops *const registry[] = {
    &policy_opt_ops,   &policy_fifo_ops,  &policy_lru_ops,    &policy_clock_ops,
    &policy_eclock_ops, &policy_nru_ops,  &policy_lfu_ops,    &policy_aging_ops,
    &policy_random_ops, &policy_ws_ops,   &policy_wsclock_ops, &policy_arc_ops,
    &policy_2q_ops,    &policy_lirs_ops,  &policy_clockpro_ops, &policy_lru2_ops,
};

const struct policy_ops *policy_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_LEN(registry); i++)
        if (!strcmp(registry[i]->name, name))
            return registry[i];
    return NULL;
}

const struct policy_ops *policy_at(size_t i)
{
    return i < ARRAY_LEN(registry) ? registry[i] : NULL;
}

int policy_create(const struct policy_ops *ops, const struct policy_params *params,
                  struct policy **out, struct vms_error *e)
{
    *out = NULL;
    if (params->nframes == 0)
        return err_set(e, VMS_EINVAL, "--frames: must be at least 1");
    struct policy *p = vms_calloc(1, sizeof *p);
    if (!p)
        return err_set(e, VMS_ENOMEM, "out of memory creating policy %s", ops->name);
    p->ops = ops;
    p->nframes = params->nframes;
    p->params = *params;
    p->ocap = params->grow ? 0 : params->nframes;
    p->occupied = p->ocap ? vms_calloc(p->ocap, 1) : NULL;
    p->state = ops->state_size ? vms_calloc(1, ops->state_size) : NULL;
    if ((p->ocap && !p->occupied) || (ops->state_size && !p->state)) {
        vms_free(p->occupied);
        vms_free(p->state);
        vms_free(p);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy %s", ops->name);
    }
    int rc = ops->create(p, e);
    if (rc < 0) {
        vms_free(p->occupied);
        vms_free(p->state);
        vms_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void policy_destroy(struct policy *p)
{
    if (!p)
        return;
    if (p->ops->destroy)
        p->ops->destroy(p);
    vms_free(p->occupied);
    vms_free(p->state);
    vms_free(p);
}

int policy_reserve(struct policy *p, uint32_t n)
{
    if (n <= p->ocap)
        return 0;
    uint32_t cap = p->ocap > p->nframes / 2 ? p->nframes : 2 * p->ocap;
    if (cap < n)
        cap = n;
    if (p->ops->reserve && p->ops->reserve(p, cap) < 0)
        return -VMS_ENOMEM;
    uint8_t *o = vms_realloc(p->occupied, cap);
    if (!o)
        return -VMS_ENOMEM;
    memset(o + p->ocap, 0, cap - p->ocap);
    p->occupied = o;
    p->ocap = cap;
    return 0;
}

void policy_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    VMS_INVARIANT(slot < p->ocap, "insert: slot out of range (or not reserved)");
    VMS_INVARIANT(!p->occupied[slot], "insert: slot already occupied");
    p->occupied[slot] = 1;
    p->nused++;
    if (slot >= p->hw)
        p->hw = slot + 1;
    p->ops->insert(p, slot, page, write);
}

void policy_remove(struct policy *p, uint32_t slot)
{
    VMS_INVARIANT(policy_slot_used(p, slot), "remove: slot not occupied");
    p->ops->remove(p, slot);
    p->occupied[slot] = 0;
    p->nused--;
}

uint32_t policy_victim(struct policy *p, const struct policy_env *env)
{
    VMS_INVARIANT(p->nused > 0, "victim: no occupied slot");
    uint32_t s = p->ops->victim(p, env);
    VMS_INVARIANT(policy_slot_used(p, s), "victim: returned a free slot");
    p->occupied[s] = 0;
    p->nused--;
    return s;
}

void policy_access(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    VMS_INVARIANT(slot == POLICY_NO_SLOT || policy_slot_used(p, slot),
                  "access: slot not occupied");
    if (p->ops->access)
        p->ops->access(p, slot, page, write);
}

void policy_tick(struct policy *p, const struct policy_env *env)
{
    if (p->ops->tick)
        p->ops->tick(p, env);
}

int policy_set_future(struct policy *p, const uint64_t *pages, size_t n, struct vms_error *e)
{
    if (!p->ops->set_future)
        return 0;
    return p->ops->set_future(p, pages, n, e);
}

uint32_t policy_trim(struct policy *p, const struct policy_env *env, uint32_t *slots,
                     uint32_t max)
{
    if (!p->ops->trim)
        return 0;
    uint32_t n = p->ops->trim(p, env, slots, max);
    VMS_INVARIANT(n <= max, "trim: too many slots");
    for (uint32_t i = 0; i < n; i++) {
        VMS_INVARIANT(policy_slot_used(p, slots[i]), "trim: free slot");
        p->occupied[slots[i]] = 0;
        p->nused--;
    }
    return n;
}

/* ------------------------------------------------------------------ checkpoints */

int policy_save(const struct policy *p, struct ser *s)
{
    if (!p->ops->save)
        return -VMS_EUNSUPPORTED;
    ser_str(s, p->ops->name);
    ser_u32(s, p->nframes);
    ser_u32(s, p->nused);
    ser_u32(s, p->hw);
    ser_u32(s, p->ocap);
    ser_bytes(s, p->occupied, p->hw);
    p->ops->save(p, s);
    return 0;
}

int policy_load(struct policy *p, struct deser *d)
{
    if (!p->ops->load)
        return -VMS_EUNSUPPORTED;
    char *name;
    if (!deser_str(d, 64, &name))
        return d->oom ? -VMS_ENOMEM : 0;
    bool same = name && !strcmp(name, p->ops->name);
    if (!same)
        deser_fail(d, "the checkpoint's policy is %s, not %s", name ? name : "(none)",
                   p->ops->name);
    vms_free(name);
    if (deser_u32(d) != p->nframes)
        deser_fail(d, "the checkpoint's policy manages another number of frames");
    uint32_t nused = deser_u32(d), hw = deser_u32(d), ocap = deser_u32(d);
    if (d->bad)
        return 0;
    if (hw > p->nframes || ocap > p->nframes || hw > ocap || nused > hw ||
        (!p->params.grow && ocap != p->nframes)) {
        deser_fail(d, "corrupt checkpoint: the policy's slots");
        return 0;
    }
    if (policy_reserve(p, ocap) < 0)
        return -VMS_ENOMEM;
    deser_u8s(d, p->occupied, hw, 1, "occupied flag");
    memset(p->occupied + hw, 0, p->ocap - hw);
    uint32_t n = 0;
    for (uint32_t i = 0; i < hw; i++)
        n += p->occupied[i];
    if (n != nused)
        deser_fail(d, "corrupt checkpoint: the policy's occupied slots");
    p->nused = nused;
    p->hw = hw;
    if (d->bad)
        return 0;
    return p->ops->load(p, d);
}

void policy_save_list(struct ser *s, const struct slotlist *l)
{
    ser_u32(s, l->head);
    ser_u32(s, l->tail);
    ser_u32(s, l->len);
}

void policy_load_list(struct deser *d, struct slotlist *l, uint64_t lim)
{
    l->head = deser_id(d, lim, true, "list head");
    l->tail = deser_id(d, lim, true, "list tail");
    l->len = deser_id(d, lim + 1, false, "list length");
}

void policy_save_links(struct ser *s, const struct slotlinks *k, size_t n)
{
    ser_u32s(s, k->prev, n);
    ser_u32s(s, k->next, n);
}

void policy_load_links(struct deser *d, struct slotlinks *k, size_t n, uint64_t lim)
{
    deser_ids(d, k->prev, n, lim, "link");
    deser_ids(d, k->next, n, lim, "link");
}
