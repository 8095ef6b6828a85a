/* 2Q (full version): first-time pages enter A1in, a FIFO of about a quarter of memory;
 * pages evicted from it are remembered in A1out, a FIFO of ids (half of memory); a page
 * referenced again while remembered goes to Am, an LRU list. (Johnson and Shasha, VLDB
 * 1994, Kin = 25%, Kout = 50%.) Idealized: Am's LRU order needs every reference. */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/pmap.h"
#include "policy/slotlist.h"

enum { Q2_A1IN, Q2_AM };

struct q2 {
    struct slotlinks k;
    struct slotlist a1in, am;
    uint8_t *which;     /* per slot: Q2_A1IN or Q2_AM */
    uint64_t *page;     /* per slot */
    uint32_t kin, kout;
    struct pmap out;    /* A1out membership: page -> ring position */
    uint64_t *ring;     /* A1out FIFO of page ids */
    uint32_t ring_head, ring_len;
};

static int q2_create(struct policy *p, struct vms_error *e)
{
    struct q2 *q = p->state;
    q->kin = p->nframes / 4 ? p->nframes / 4 : 1;
    q->kout = p->nframes / 2 ? p->nframes / 2 : 1;
    q->k.prev = vms_malloc(p->nframes * sizeof(uint32_t));
    q->k.next = vms_malloc(p->nframes * sizeof(uint32_t));
    q->which = vms_malloc(p->nframes);
    q->page = vms_malloc(p->nframes * sizeof *q->page);
    q->ring = vms_malloc(q->kout * sizeof *q->ring);
    if (!q->k.prev || !q->k.next || !q->which || !q->page || !q->ring ||
        !pmap_init(&q->out, q->kout)) {
        vms_free(q->k.prev);
        vms_free(q->k.next);
        vms_free(q->which);
        vms_free(q->page);
        vms_free(q->ring);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy 2q");
    }
    slotlist_init(&q->a1in);
    slotlist_init(&q->am);
    return 0;
}

static void q2_destroy(struct policy *p)
{
    struct q2 *q = p->state;
    pmap_fini(&q->out);
    vms_free(q->k.prev);
    vms_free(q->k.next);
    vms_free(q->which);
    vms_free(q->page);
    vms_free(q->ring);
}

/* Remember page in A1out, forgetting the oldest id when full. */
static void q2_remember(struct q2 *q, uint64_t page)
{
    if (q->ring_len == q->kout) {
        uint32_t pos = q->ring_head;
        uint32_t *v = pmap_get(&q->out, q->ring[pos]);
        if (v && *v == pos)
            pmap_del(&q->out, q->ring[pos]);
        q->ring_head = (q->ring_head + 1) % q->kout;
        q->ring_len--;
    }
    uint32_t pos = (q->ring_head + q->ring_len) % q->kout;
    q->ring[pos] = page;
    q->ring_len++;
    (void)pmap_put(&q->out, page, pos); /* out of memory: the page is just not remembered */
}

static void q2_access(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct q2 *q = p->state;
    if (slot != POLICY_NO_SLOT && q->which[slot] == Q2_AM)
        slotlist_move_head(&q->k, &q->am, slot);
}

static void q2_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct q2 *q = p->state;
    q->page[slot] = page;
    if (pmap_del(&q->out, page)) {
        q->which[slot] = Q2_AM;
        slotlist_push_head(&q->k, &q->am, slot);
    } else {
        q->which[slot] = Q2_A1IN;
        slotlist_push_head(&q->k, &q->a1in, slot);
    }
}

static void q2_remove(struct policy *p, uint32_t slot)
{
    struct q2 *q = p->state;
    slotlist_unlink(&q->k, q->which[slot] == Q2_AM ? &q->am : &q->a1in, slot);
}

static uint32_t q2_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct q2 *q = p->state;
    if (q->a1in.len > q->kin || !q->am.len) {
        uint32_t s = slotlist_pop_tail(&q->k, &q->a1in);
        q2_remember(q, q->page[s]);
        return s;
    }
    return slotlist_pop_tail(&q->k, &q->am);
}

/* A1in and Am (resident) and the ghosts of A1out, newest first. */
static void q2_describe(const struct policy *p, const struct policy_env *env,
                        const struct policy_describer *d)
{
    (void)env;
    struct q2 *q = p->state;
    d->note(d->ctx, "A1in: first-time pages, a FIFO; Am: pages seen again, an LRU list; A1out: "
                    "ghosts of pages evicted from A1in; newest first, the last of A1in or Am "
                    "goes");
    uint32_t i = 1;
    policy_describe_list(d, "A1in");
    for (uint32_t s = q->a1in.head; s != SLOTLIST_NIL; s = q->k.next[s])
        policy_describe_slot(d, "A1in", i++, s, "");
    i = 1;
    policy_describe_list(d, "Am");
    for (uint32_t s = q->am.head; s != SLOTLIST_NIL; s = q->k.next[s])
        policy_describe_slot(d, "Am", i++, s, "");
    i = 1;
    policy_describe_list(d, "A1out");
    for (uint32_t k = q->ring_len; k-- > 0;) {
        uint32_t pos = (q->ring_head + k) % q->kout;
        uint32_t *v = pmap_get(&q->out, q->ring[pos]);
        if (v && *v == pos) /* still remembered (a refault takes it out) */
            policy_describe_page(d, "A1out", i++, q->ring[pos], "");
    }
}

const struct policy_ops policy_2q_ops = {
    .name = "2q",
    .summary = "2Q: FIFO probation queue, ghost queue, LRU main queue (idealized)",
    .source = "Johnson, Shasha, VLDB 1994",
    .flags = POLICY_IDEALIZED,
    .state_size = sizeof(struct q2),
    .create = q2_create,
    .destroy = q2_destroy,
    .insert = q2_insert,
    .remove = q2_remove,
    .victim = q2_victim,
    .access = q2_access,
    .describe = q2_describe,
};
