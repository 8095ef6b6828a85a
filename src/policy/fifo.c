/* FIFO: evict the page loaded longest ago; references are ignored (Belady 1966 shows
 * its anomaly: more frames can mean more faults). Realistic: needs no hardware bits. */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/slotlist.h"

struct fifo {
    struct slotlinks k;
    struct slotlist q; /* head = newest load */
};

static int fifo_create(struct policy *p, struct vms_error *e)
{
    struct fifo *f = p->state;
    f->k.prev = vms_calloc(p->nframes, sizeof(uint32_t));
    f->k.next = vms_calloc(p->nframes, sizeof(uint32_t));
    if (!f->k.prev || !f->k.next) {
        vms_free(f->k.prev);
        vms_free(f->k.next);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy fifo");
    }
    slotlist_init(&f->q);
    return 0;
}

static void fifo_destroy(struct policy *p)
{
    struct fifo *f = p->state;
    vms_free(f->k.prev);
    vms_free(f->k.next);
}

static void fifo_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct fifo *f = p->state;
    slotlist_push_head(&f->k, &f->q, slot);
}

static void fifo_remove(struct policy *p, uint32_t slot)
{
    struct fifo *f = p->state;
    slotlist_unlink(&f->k, &f->q, slot);
}

static uint32_t fifo_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct fifo *f = p->state;
    return slotlist_pop_tail(&f->k, &f->q);
}

/* The queue, first in first: queue 1 is the next victim. */
static void fifo_describe(const struct policy *p, const struct policy_env *env,
                          const struct policy_describer *d)
{
    (void)env;
    const struct fifo *f = p->state;
    d->note(d->ctx, "queue: the frames' pages in load order; queue 1 is the first in, the next "
                    "victim");
    uint32_t i = 1;
    for (uint32_t s = f->q.tail; s != SLOTLIST_NIL; s = f->k.prev[s])
        policy_describe_slot(d, "queue", i++, s, "");
}

static void fifo_save(const struct policy *p, struct ser *s)
{
    const struct fifo *f = p->state;
    policy_save_links(s, &f->k, p->hw);
    policy_save_list(s, &f->q);
}

static int fifo_load(struct policy *p, struct deser *d)
{
    struct fifo *f = p->state;
    policy_load_links(d, &f->k, p->hw, p->hw);
    policy_load_list(d, &f->q, p->hw);
    return 0;
}

const struct policy_ops policy_fifo_ops = {
    .name = "fifo",
    .summary = "first in, first out: evicts the oldest load; shows Belady's anomaly",
    .source = "Belady, Nelson, Shedler, CACM 12(6) 1969",
    .state_size = sizeof(struct fifo),
    .create = fifo_create,
    .save = fifo_save,
    .load = fifo_load,
    .destroy = fifo_destroy,
    .insert = fifo_insert,
    .remove = fifo_remove,
    .victim = fifo_victim,
    .describe = fifo_describe,
};
