/* lru2: Linux-like active/inactive lists driven only by A bits (mm/vmscan.c before
 * MGLRU). New pages start on the inactive list. Reclaim keeps the inactive list at least as
 * long as the active one by deactivating the active tail (a young active page is rotated
 * instead), then scans the inactive tail: a young page referenced once is marked and
 * rotated, a young page already marked is activated, an old page is evicted. */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/slotlist.h"

enum { LRU2_INACTIVE, LRU2_ACTIVE };

struct lru2 {
    struct slotlinks k;
    struct slotlist inactive, active;
    uint8_t *which;      /* per slot */
    uint8_t *referenced; /* per slot: PG_referenced, the second-touch mark */
};

static int lru2_create(struct policy *p, struct vms_error *e)
{
    struct lru2 *l = p->state;
    l->k.prev = vms_calloc(p->nframes, sizeof(uint32_t));
    l->k.next = vms_calloc(p->nframes, sizeof(uint32_t));
    l->which = vms_calloc(p->nframes, 1);
    l->referenced = vms_calloc(p->nframes, 1);
    if (!l->k.prev || !l->k.next || !l->which || !l->referenced) {
        vms_free(l->k.prev);
        vms_free(l->k.next);
        vms_free(l->which);
        vms_free(l->referenced);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy lru2");
    }
    slotlist_init(&l->inactive);
    slotlist_init(&l->active);
    return 0;
}

static void lru2_destroy(struct policy *p)
{
    struct lru2 *l = p->state;
    vms_free(l->k.prev);
    vms_free(l->k.next);
    vms_free(l->which);
    vms_free(l->referenced);
}

static struct slotlist *lru2_list(struct lru2 *l, uint32_t slot)
{
    return l->which[slot] == LRU2_ACTIVE ? &l->active : &l->inactive;
}

static void lru2_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct lru2 *l = p->state;
    l->which[slot] = LRU2_INACTIVE;
    l->referenced[slot] = 0;
    slotlist_push_head(&l->k, &l->inactive, slot);
}

static void lru2_remove(struct policy *p, uint32_t slot)
{
    struct lru2 *l = p->state;
    slotlist_unlink(&l->k, lru2_list(l, slot), slot);
}

/* shrink_active_list: one pass over at most the active list's length. */
static void lru2_balance(struct lru2 *l, const struct policy_env *env)
{
    uint32_t budget = l->active.len;
    while (l->active.len > l->inactive.len && budget--) {
        uint32_t s = slotlist_pop_tail(&l->k, &l->active);
        if (env->test_and_clear_young(env->ctx, s)) {
            slotlist_push_head(&l->k, &l->active, s);
        } else {
            l->which[s] = LRU2_INACTIVE;
            l->referenced[s] = 0;
            slotlist_push_head(&l->k, &l->inactive, s);
        }
    }
}

/* Terminates: each inactive visit clears an A bit, marks, or activates; once the inactive
 * list empties, balancing refills it from the active tail with A bits already cleared. */
static uint32_t lru2_victim(struct policy *p, const struct policy_env *env)
{
    struct lru2 *l = p->state;
    for (;;) {
        lru2_balance(l, env);
        if (!l->inactive.len) { /* everything active and young: demote the active tail */
            uint32_t s = slotlist_pop_tail(&l->k, &l->active);
            l->which[s] = LRU2_INACTIVE;
            slotlist_push_head(&l->k, &l->inactive, s);
        }
        uint32_t s = slotlist_pop_tail(&l->k, &l->inactive);
        if (!env->test_and_clear_young(env->ctx, s))
            return s;
        if (l->referenced[s]) {
            l->referenced[s] = 0;
            l->which[s] = LRU2_ACTIVE;
            slotlist_push_head(&l->k, &l->active, s);
        } else {
            l->referenced[s] = 1;
            slotlist_push_head(&l->k, &l->inactive, s);
        }
    }
}

/* Both lists, head (newest) first; r marks a page's second-touch flag. */
static void lru2_describe(const struct policy *p, const struct policy_env *env,
                          const struct policy_describer *d)
{
    (void)env;
    const struct lru2 *l = p->state;
    d->note(d->ctx, "active, inactive: the two lists, newest first, reclaim scans from the "
                    "last; r: marked referenced once (the next young look activates it)");
    uint32_t i = 1;
    policy_describe_list(d, "active");
    for (uint32_t s = l->active.head; s != SLOTLIST_NIL; s = l->k.next[s])
        policy_describe_slot(d, "active", i++, s, l->referenced[s] ? "r" : "");
    i = 1;
    policy_describe_list(d, "inactive");
    for (uint32_t s = l->inactive.head; s != SLOTLIST_NIL; s = l->k.next[s])
        policy_describe_slot(d, "inactive", i++, s, l->referenced[s] ? "r" : "");
}

static void lru2_save(const struct policy *p, struct ser *s)
{
    const struct lru2 *l = p->state;
    policy_save_links(s, &l->k, p->hw);
    policy_save_list(s, &l->inactive);
    policy_save_list(s, &l->active);
    ser_bytes(s, l->which, p->hw);
    ser_bytes(s, l->referenced, p->hw);
}

static int lru2_load(struct policy *p, struct deser *d)
{
    struct lru2 *l = p->state;
    policy_load_links(d, &l->k, p->hw, p->hw);
    policy_load_list(d, &l->inactive, p->hw);
    policy_load_list(d, &l->active, p->hw);
    deser_u8s(d, l->which, p->hw, LRU2_ACTIVE, "list");
    deser_u8s(d, l->referenced, p->hw, 1, "referenced flag");
    return 0;
}

const struct policy_ops policy_lru2_ops = {
    .name = "lru2",
    .summary = "Linux-like active/inactive lists on A bits, two touches to activate",
    .source = "Linux mm/vmscan.c (2.6-6.x); Gorman, Understanding the Linux VM Manager ch. 10",
    .state_size = sizeof(struct lru2),
    .create = lru2_create,
    .save = lru2_save,
    .load = lru2_load,
    .destroy = lru2_destroy,
    .insert = lru2_insert,
    .remove = lru2_remove,
    .victim = lru2_victim,
    .describe = lru2_describe,
};
