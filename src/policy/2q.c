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
    q->k.prev = vms_calloc(p->nframes, sizeof(uint32_t));
    q->k.next = vms_calloc(p->nframes, sizeof(uint32_t));
    q->which = vms_calloc(p->nframes, 1);
    q->page = vms_calloc(p->nframes, sizeof *q->page);
    q->ring = vms_calloc(q->kout, sizeof *q->ring);
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

static void q2_save(const struct policy *p, struct ser *s)
{
    const struct q2 *q = p->state;
    ser_u32(s, q->kin);
    ser_u32(s, q->kout);
    policy_save_links(s, &q->k, p->hw);
    policy_save_list(s, &q->a1in);
    policy_save_list(s, &q->am);
    ser_bytes(s, q->which, p->hw);
    ser_u64s(s, q->page, p->hw);
    pmap_save(&q->out, s);
    ser_u64s(s, q->ring, q->kout);
    ser_u32(s, q->ring_head);
    ser_u32(s, q->ring_len);
}

static int q2_load(struct policy *p, struct deser *d)
{
    struct q2 *q = p->state;
    if (deser_u32(d) != q->kin || deser_u32(d) != q->kout)
        deser_fail(d, "the checkpoint's 2Q queues have other sizes");
    if (d->bad)
        return 0;
    policy_load_links(d, &q->k, p->hw, p->hw);
    policy_load_list(d, &q->a1in, p->hw);
    policy_load_list(d, &q->am, p->hw);
    deser_u8s(d, q->which, p->hw, Q2_AM, "2Q queue");
    deser_u64s(d, q->page, p->hw);
    if (!pmap_load(&q->out, d, q->kout))
        return -VMS_ENOMEM;
    deser_u64s(d, q->ring, q->kout);
    q->ring_head = deser_id(d, q->kout, false, "ring position");
    q->ring_len = deser_id(d, (uint64_t)q->kout + 1, false, "ring length");
    return 0;
}

const struct policy_ops policy_2q_ops = {
    .name = "2q",
    .summary = "2Q: FIFO probation queue, ghost queue, LRU main queue (idealized)",
    .source = "Johnson, Shasha, VLDB 1994",
    .flags = POLICY_IDEALIZED,
    .state_size = sizeof(struct q2),
    .create = q2_create,
    .save = q2_save,
    .load = q2_load,
    .destroy = q2_destroy,
    .insert = q2_insert,
    .remove = q2_remove,
    .victim = q2_victim,
    .access = q2_access,
    .describe = q2_describe,
};
