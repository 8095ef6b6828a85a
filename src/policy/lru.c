/* Exact LRU: evict the page referenced longest ago. Idealized: no hardware tells an OS the
 * order of every reference, so it observes each access (Mattson et al., IBM SJ 1970). */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/slotlist.h"

struct lru {
    struct slotlinks k;
    struct slotlist l; /* head = most recently used */
};

static int lru_create(struct policy *p, struct vms_error *e)
{
    struct lru *l = p->state;
    l->k.prev = vms_calloc(p->nframes, sizeof(uint32_t));
    l->k.next = vms_calloc(p->nframes, sizeof(uint32_t));
    if (!l->k.prev || !l->k.next) {
        vms_free(l->k.prev);
        vms_free(l->k.next);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy lru");
    }
    slotlist_init(&l->l);
    return 0;
}

static void lru_destroy(struct policy *p)
{
    struct lru *l = p->state;
    vms_free(l->k.prev);
    vms_free(l->k.next);
}

static void lru_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct lru *l = p->state;
    slotlist_push_head(&l->k, &l->l, slot);
}

static void lru_remove(struct policy *p, uint32_t slot)
{
    struct lru *l = p->state;
    slotlist_unlink(&l->k, &l->l, slot);
}

static uint32_t lru_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct lru *l = p->state;
    return slotlist_pop_tail(&l->k, &l->l);
}

static void lru_access(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct lru *l = p->state;
    if (slot != POLICY_NO_SLOT)
        slotlist_move_head(&l->k, &l->l, slot);
}

/* The pages by last use, least recent first (as OSTEP's chapter 22 lists them): lru 1 is
 * the next victim, the last one the most recently used (the top of Mattson's stack). */
static void lru_describe(const struct policy *p, const struct policy_env *env,
                         const struct policy_describer *d)
{
    (void)env;
    const struct lru *l = p->state;
    d->note(d->ctx, "lru: the frames' pages by last use; lru 1 is the least recently used, the "
                    "next victim, the last one the most recent");
    uint32_t i = 1;
    for (uint32_t s = l->l.tail; s != SLOTLIST_NIL; s = l->k.prev[s])
        policy_describe_slot(d, "lru", i++, s, "");
}

static void lru_save(const struct policy *p, struct ser *s)
{
    const struct lru *l = p->state;
    policy_save_links(s, &l->k, p->hw);
    policy_save_list(s, &l->l);
}

static int lru_load(struct policy *p, struct deser *d)
{
    struct lru *l = p->state;
    policy_load_links(d, &l->k, p->hw, p->hw);
    policy_load_list(d, &l->l, p->hw);
    return 0;
}

const struct policy_ops policy_lru_ops = {
    .name = "lru",
    .summary = "least recently used, exact (idealized: observes every reference)",
    .source = "Mattson, Gecsei, Slutz, Traiger, IBM Systems Journal 9(2) 1970",
    .flags = POLICY_IDEALIZED | POLICY_STACK,
    .state_size = sizeof(struct lru),
    .create = lru_create,
    .save = lru_save,
    .load = lru_load,
    .destroy = lru_destroy,
    .insert = lru_insert,
    .remove = lru_remove,
    .victim = lru_victim,
    .access = lru_access,
    .describe = lru_describe,
};
