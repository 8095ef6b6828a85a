/* LIRS: pages with a short reuse distance (LIR) keep about 99% of memory; the rest (HIR)
 * pass through a small FIFO Q. The recency stack S also holds ids of evicted HIR pages, so
 * a page re-referenced while still in S proves a short reuse distance and becomes LIR.
 * (Jiang and Zhang, SIGMETRICS 2002.) Non-resident entries are bounded to 2 * nframes,
 * dropping the oldest. Idealized: S's order needs every reference. */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/pmap.h"
#include "policy/slotlist.h"

enum { LIRS_LIR, LIRS_HIR, LIRS_GHOST }; /* HIR = resident HIR; GHOST = non-resident HIR */

struct lirs {
    struct pmap index;      /* page -> entry, for entries that hold a page id */
    struct slotlinks ks;    /* stack S links */
    struct slotlinks kq;    /* Q links (resident HIR) or ghost FIFO links */
    struct slotlist s, q, g;
    uint64_t *page;
    uint32_t *slot;
    uint8_t *status, *in_s;
    uint32_t *freelist, nfree, cap; /* cap entries: 3 * nslots + 2 (at most 3c + 2) */
    uint32_t *slot_entry, nslots;   /* nslots: slots with state (c, or those reserved) */
    uint32_t c, llir, nlir, maxghost;
};

/* Grows one array to n elements of size sz; false, array as it was, when out of memory. */
static bool lirs_grow_array(void *arr, size_t n, size_t sz)
{
    void **pp = arr;
    void *np = vms_realloc(*pp, n * sz);
    if (!np)
        return false;
    *pp = np;
    return true;
}

/* State for slots 0 .. n-1 and 3n + 2 entries: at n = c the pool of the whole cache (c
 * resident pages, 2c ghosts, 2 in flight); before memory is full there are no ghosts. */
static int lirs_reserve(struct policy *p, uint32_t n)
{
    struct lirs *l = p->state;
    if (n > l->c)
        n = l->c;
    if (n <= l->nslots)
        return 0;
    uint32_t cap = 3 * n + 2;
    if (!lirs_grow_array(&l->ks.prev, cap, sizeof(uint32_t)) ||
        !lirs_grow_array(&l->ks.next, cap, sizeof(uint32_t)) ||
        !lirs_grow_array(&l->kq.prev, cap, sizeof(uint32_t)) ||
        !lirs_grow_array(&l->kq.next, cap, sizeof(uint32_t)) ||
        !lirs_grow_array(&l->page, cap, sizeof *l->page) ||
        !lirs_grow_array(&l->slot, cap, sizeof *l->slot) ||
        !lirs_grow_array(&l->status, cap, 1) || !lirs_grow_array(&l->in_s, cap, 1) ||
        !lirs_grow_array(&l->freelist, cap, sizeof(uint32_t)) ||
        !lirs_grow_array(&l->slot_entry, n, sizeof(uint32_t)))
        return -VMS_ENOMEM;
    /* new entries are taken lowest first, after those already free */
    for (uint32_t i = cap; i-- > l->cap;) { /* defined fields: a checkpoint saves them */
        l->freelist[l->nfree++] = i;
        l->in_s[i] = 0;
        l->status[i] = 0;
        l->ks.prev[i] = l->ks.next[i] = l->kq.prev[i] = l->kq.next[i] = 0;
        l->page[i] = 0;
        l->slot[i] = 0;
    }
    for (uint32_t s = l->nslots; s < n; s++)
        l->slot_entry[s] = 0;
    l->cap = cap;
    l->nslots = n;
    return 0;
}

static void lirs_destroy(struct policy *p)
{
    struct lirs *l = p->state;
    pmap_fini(&l->index);
    vms_free(l->ks.prev);
    vms_free(l->ks.next);
    vms_free(l->kq.prev);
    vms_free(l->kq.next);
    vms_free(l->page);
    vms_free(l->slot);
    vms_free(l->status);
    vms_free(l->in_s);
    vms_free(l->freelist);
    vms_free(l->slot_entry);
}

/* The whole table at once, or (params.grow, the kernel's) only as slots are reserved, so
 * that host memory follows the frames used, not the memory configured. */
static int lirs_create(struct policy *p, struct vms_error *e)
{
    struct lirs *l = p->state;
    l->c = p->nframes;
    uint32_t lhir = l->c / 100 ? l->c / 100 : 1;
    l->llir = l->c - lhir;
    l->maxghost = 2 * l->c;
    slotlist_init(&l->s);
    slotlist_init(&l->q);
    slotlist_init(&l->g);
    bool ok = pmap_init(&l->index, p->params.grow ? 16 : 3 * (size_t)l->c + 2) &&
              (p->params.grow || lirs_reserve(p, l->c) == 0);
    if (!ok) {
        lirs_destroy(p);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy lirs");
    }
    return 0;
}

static void lirs_free(struct lirs *l, uint32_t ent)
{
    pmap_del(&l->index, l->page[ent]);
    l->freelist[l->nfree++] = ent;
}

static void lirs_s_unlink(struct lirs *l, uint32_t ent)
{
    slotlist_unlink(&l->ks, &l->s, ent);
    l->in_s[ent] = 0;
}

static void lirs_s_push(struct lirs *l, uint32_t ent)
{
    if (l->in_s[ent])
        slotlist_move_head(&l->ks, &l->s, ent);
    else
        slotlist_push_head(&l->ks, &l->s, ent);
    l->in_s[ent] = 1;
}

/* Stack pruning: the bottom of S is always a LIR page. */
static void lirs_prune(struct lirs *l)
{
    while (l->s.tail != SLOTLIST_NIL && l->status[l->s.tail] != LIRS_LIR) {
        uint32_t ent = l->s.tail;
        lirs_s_unlink(l, ent);
        if (l->status[ent] == LIRS_GHOST) {
            slotlist_unlink(&l->kq, &l->g, ent);
            lirs_free(l, ent);
        }
    }
}

/* Too many LIR pages: the one at the bottom of S becomes resident HIR. */
static void lirs_balance(struct lirs *l)
{
    while (l->nlir > l->llir) {
        lirs_prune(l);
        uint32_t b = l->s.tail;
        if (b == SLOTLIST_NIL)
            return;
        lirs_s_unlink(l, b);
        l->status[b] = LIRS_HIR;
        slotlist_push_head(&l->kq, &l->q, b);
        l->nlir--;
    }
    lirs_prune(l);
}

static void lirs_access(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)page, (void)write;
    struct lirs *l = p->state;
    if (slot == POLICY_NO_SLOT)
        return; /* a miss is handled by victim and insert */
    uint32_t ent = l->slot_entry[slot];
    if (l->status[ent] == LIRS_LIR) {
        bool bottom = l->s.tail == ent;
        lirs_s_push(l, ent);
        if (bottom)
            lirs_prune(l);
        return;
    }
    if (l->in_s[ent]) { /* resident HIR with a short reuse distance: promote */
        lirs_s_push(l, ent);
        slotlist_unlink(&l->kq, &l->q, ent);
        l->status[ent] = LIRS_LIR;
        l->nlir++;
        lirs_balance(l);
    } else {
        lirs_s_push(l, ent);
        slotlist_move_head(&l->kq, &l->q, ent);
    }
}

static uint32_t lirs_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct lirs *l = p->state;
    uint32_t ent = slotlist_pop_tail(&l->kq, &l->q);
    if (ent == SLOTLIST_NIL) { /* no resident HIR page: take the bottom LIR page */
        ent = l->s.tail;
        lirs_s_unlink(l, ent);
        l->nlir--;
        uint32_t s = l->slot[ent];
        lirs_free(l, ent);
        lirs_prune(l);
        return s;
    }
    uint32_t s = l->slot[ent];
    if (l->in_s[ent]) {
        l->status[ent] = LIRS_GHOST;
        slotlist_push_head(&l->kq, &l->g, ent);
        if (l->g.len > l->maxghost) {
            uint32_t old = slotlist_pop_tail(&l->kq, &l->g);
            lirs_s_unlink(l, old);
            lirs_free(l, old);
        }
    } else {
        lirs_free(l, ent);
    }
    return s;
}

static void lirs_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct lirs *l = p->state;
    uint32_t *v = pmap_get(&l->index, page);
    uint32_t ent;
    if (v && l->status[*v] == LIRS_GHOST) { /* in S: its reuse distance is short */
        ent = *v;
        slotlist_unlink(&l->kq, &l->g, ent);
        lirs_s_push(l, ent);
        l->status[ent] = LIRS_LIR;
        l->nlir++;
    } else {
        if (!l->nfree && l->nslots < l->c) /* pool short before memory is full: grow it */
            (void)lirs_reserve(p, l->nslots * 2 > l->c ? l->c : l->nslots * 2 + 1);
        if (!l->nfree) { /* only when the driver skipped the protocol: forget a ghost */
            uint32_t old = slotlist_pop_tail(&l->kq, &l->g);
            VMS_INVARIANT(old != SLOTLIST_NIL, "lirs: entry pool exhausted");
            lirs_s_unlink(l, old);
            lirs_free(l, old);
        }
        ent = l->freelist[--l->nfree];
        l->page[ent] = page;
        l->in_s[ent] = 0;
        (void)pmap_put(&l->index, page, ent); /* out of memory: treated as never seen */
        lirs_s_push(l, ent);
        if (l->nlir < l->llir) {
            l->status[ent] = LIRS_LIR;
            l->nlir++;
        } else {
            l->status[ent] = LIRS_HIR;
            slotlist_push_head(&l->kq, &l->q, ent);
        }
    }
    l->slot[ent] = slot;
    l->slot_entry[slot] = ent;
    lirs_balance(l);
}

static void lirs_remove(struct policy *p, uint32_t slot)
{
    struct lirs *l = p->state;
    uint32_t ent = l->slot_entry[slot];
    if (l->status[ent] == LIRS_LIR)
        l->nlir--;
    else
        slotlist_unlink(&l->kq, &l->q, ent);
    if (l->in_s[ent])
        lirs_s_unlink(l, ent);
    lirs_free(l, ent);
    lirs_prune(l);
}

/* The stack S (top first) with each entry's status, and the queue Q. */
static void lirs_describe(const struct policy *p, const struct policy_env *env,
                          const struct policy_describer *d)
{
    (void)env;
    const struct lirs *l = p->state;
    static const char *const mark[] = {"L", "H", "n"};
    d->note(d->ctx, "S: the recency stack, top first (L: LIR, H: resident HIR, n: non-resident "
                    "HIR); Q: the resident HIR pages, newest first, the last goes");
    uint32_t i = 1;
    policy_describe_list(d, "S");
    for (uint32_t ent = l->s.head; ent != SLOTLIST_NIL; ent = l->ks.next[ent])
        policy_describe_page(d, "S", i++, l->page[ent], mark[l->status[ent]]);
    i = 1;
    policy_describe_list(d, "Q");
    for (uint32_t ent = l->q.head; ent != SLOTLIST_NIL; ent = l->kq.next[ent])
        policy_describe_page(d, "Q", i++, l->page[ent], "");
}

static void lirs_save(const struct policy *p, struct ser *s)
{
    const struct lirs *l = p->state;
    ser_u32(s, l->nslots);
    ser_u32(s, l->cap);
    ser_u32(s, l->c);
    ser_u32(s, l->llir);
    ser_u32(s, l->nlir);
    ser_u32(s, l->maxghost);
    policy_save_links(s, &l->ks, l->cap);
    policy_save_links(s, &l->kq, l->cap);
    policy_save_list(s, &l->s);
    policy_save_list(s, &l->q);
    policy_save_list(s, &l->g);
    ser_u64s(s, l->page, l->cap);
    ser_u32s(s, l->slot, l->cap);
    ser_bytes(s, l->status, l->cap);
    ser_bytes(s, l->in_s, l->cap);
    ser_u32(s, l->nfree);
    ser_u32s(s, l->freelist, l->nfree);
    ser_u32s(s, l->slot_entry, l->nslots);
    pmap_save(&l->index, s);
}

static int lirs_load(struct policy *p, struct deser *d)
{
    struct lirs *l = p->state;
    uint32_t nslots = deser_u32(d), cap = deser_u32(d);
    if (deser_u32(d) != l->c || deser_u32(d) != l->llir || nslots > l->c ||
        cap != 3 * (uint64_t)nslots + 2 || nslots < l->nslots)
        deser_fail(d, "corrupt checkpoint: LIRS's tables");
    l->nlir = deser_id(d, (uint64_t)l->c + 1, false, "LIR count");
    if (deser_u32(d) != l->maxghost)
        deser_fail(d, "corrupt checkpoint: LIRS's ghost limit");
    if (d->bad)
        return 0;
    if (lirs_reserve(p, nslots) < 0)
        return -VMS_ENOMEM;
    policy_load_links(d, &l->ks, cap, cap);
    policy_load_links(d, &l->kq, cap, cap);
    policy_load_list(d, &l->s, cap);
    policy_load_list(d, &l->q, cap);
    policy_load_list(d, &l->g, cap);
    deser_u64s(d, l->page, cap);
    deser_ids(d, l->slot, cap, p->nframes, "LIRS slot");
    deser_u8s(d, l->status, cap, LIRS_GHOST, "LIRS status");
    deser_u8s(d, l->in_s, cap, 1, "LIRS stack flag");
    l->nfree = deser_id(d, (uint64_t)cap + 1, false, "LIRS free entries");
    if (d->bad)
        return 0;
    deser_ids(d, l->freelist, l->nfree, cap, "LIRS entry");
    deser_ids(d, l->slot_entry, nslots, cap, "LIRS entry");
    if (!pmap_load(&l->index, d, cap))
        return -VMS_ENOMEM;
    return 0;
}

const struct policy_ops policy_lirs_ops = {
    .name = "lirs",
    .summary = "low inter-reference recency set: LIR pages stay, HIR pages pass (idealized)",
    .source = "Jiang, Zhang, SIGMETRICS 2002",
    .flags = POLICY_IDEALIZED,
    .state_size = sizeof(struct lirs),
    .create = lirs_create,
    .save = lirs_save,
    .load = lirs_load,
    .destroy = lirs_destroy,
    .insert = lirs_insert,
    .remove = lirs_remove,
    .victim = lirs_victim,
    .access = lirs_access,
    .reserve = lirs_reserve,
    .describe = lirs_describe,
};
