/* ARC (adaptive replacement cache): resident lists T1 (seen once) and T2 (seen twice or
 * more) and ghost lists B1, B2 of recently evicted page ids; a ghost hit moves the target
 * size p of T1 toward the list that would have kept the page (Megiddo and Modha, FAST 2003,
 * Fig. 4). Idealized: it observes every reference; a miss is announced through access()
 * before victim(), which is where ARC adapts p and trims its ghosts. */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/pmap.h"
#include "policy/slotlist.h"

enum { ARC_T1, ARC_T2, ARC_B1, ARC_B2, ARC_NLISTS, ARC_FREE = 255 };

struct arc {
    struct pmap index;        /* page -> entry, for every entry on a list */
    struct slotlinks k;
    struct slotlist l[ARC_NLISTS];
    uint64_t *page;
    uint32_t *slot;           /* resident entries only */
    uint8_t *list;
    uint32_t *freelist, nfree, cap; /* cap entries: 2 * nslots + 2 (at most 2c + 2) */
    uint32_t *slot_entry, nslots;   /* nslots: slots with state (c, or those reserved) */
    uint32_t c, p;            /* cache size, target size of T1 */
    uint64_t pending;         /* the page of the announced miss */
    bool pending_valid, pending_in_b2, drop_t1;
};

/* Grows one array to n elements of size sz (vms_realloc); false, array as it was, when out
 * of memory. */
static bool arc_grow_array(void *arr, size_t n, size_t sz)
{
    void **pp = arr;
    void *np = vms_realloc(*pp, n * sz);
    if (!np)
        return false;
    *pp = np;
    return true;
}

/* State for slots 0 .. n-1 and 2n + 2 entries (the pool of the whole cache at n = c, which
 * is all ARC ever holds: c resident pages and at most c + 2 ghosts in flight). */
static int arc_reserve(struct policy *p, uint32_t n)
{
    struct arc *a = p->state;
    if (n > a->c)
        n = a->c;
    if (n <= a->nslots)
        return 0;
    uint32_t cap = 2 * n + 2;
    if (!arc_grow_array(&a->k.prev, cap, sizeof(uint32_t)) ||
        !arc_grow_array(&a->k.next, cap, sizeof(uint32_t)) ||
        !arc_grow_array(&a->page, cap, sizeof *a->page) ||
        !arc_grow_array(&a->slot, cap, sizeof *a->slot) ||
        !arc_grow_array(&a->list, cap, 1) ||
        !arc_grow_array(&a->freelist, cap, sizeof(uint32_t)) ||
        !arc_grow_array(&a->slot_entry, n, sizeof(uint32_t)))
        return -VMS_ENOMEM;
    /* new entries are taken lowest first, after those already free; their fields are
     * defined (a checkpoint saves them) */
    for (uint32_t i = cap; i-- > a->cap;) {
        a->freelist[a->nfree++] = i;
        a->list[i] = ARC_FREE;
        a->k.prev[i] = a->k.next[i] = 0;
        a->page[i] = 0;
        a->slot[i] = 0;
    }
    for (uint32_t s = a->nslots; s < n; s++)
        a->slot_entry[s] = 0;
    a->cap = cap;
    a->nslots = n;
    return 0;
}

static void arc_destroy(struct policy *p)
{
    struct arc *a = p->state;
    pmap_fini(&a->index);
    vms_free(a->k.prev);
    vms_free(a->k.next);
    vms_free(a->page);
    vms_free(a->slot);
    vms_free(a->list);
    vms_free(a->freelist);
    vms_free(a->slot_entry);
}

/* The whole table at once, or (params.grow, the kernel's) only as slots are reserved, so
 * that host memory follows the frames used, not the memory configured. */
static int arc_create(struct policy *p, struct vms_error *e)
{
    struct arc *a = p->state;
    a->c = p->nframes;
    for (int i = 0; i < ARC_NLISTS; i++)
        slotlist_init(&a->l[i]);
    bool ok = pmap_init(&a->index, p->params.grow ? 16 : 2 * (size_t)a->c + 2) &&
              (p->params.grow || arc_reserve(p, a->c) == 0);
    if (!ok) {
        arc_destroy(p);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy arc");
    }
    return 0;
}

/* Take entry off its list and forget it. */
static void arc_drop(struct arc *a, uint32_t ent)
{
    slotlist_unlink(&a->k, &a->l[a->list[ent]], ent);
    pmap_del(&a->index, a->page[ent]);
    a->list[ent] = ARC_FREE;
    a->freelist[a->nfree++] = ent;
}

static void arc_drop_lru(struct arc *a, int list)
{
    if (a->l[list].tail != SLOTLIST_NIL)
        arc_drop(a, a->l[list].tail);
}

static void arc_move(struct arc *a, uint32_t ent, int to)
{
    slotlist_unlink(&a->k, &a->l[a->list[ent]], ent);
    slotlist_push_head(&a->k, &a->l[to], ent);
    a->list[ent] = (uint8_t)to;
}

static uint32_t *arc_lookup(struct arc *a, uint64_t page)
{
    return pmap_get(&a->index, page);
}

static void arc_access(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct arc *a = p->state;
    if (slot != POLICY_NO_SLOT) { /* case I: hit in T1 or T2 */
        arc_move(a, a->slot_entry[slot], ARC_T2);
        return;
    }
    a->pending = page;
    a->pending_valid = true;
    a->pending_in_b2 = false;
    a->drop_t1 = false;
    uint32_t *v = arc_lookup(a, page);
    uint32_t b1 = a->l[ARC_B1].len, b2 = a->l[ARC_B2].len;
    if (v && a->list[*v] == ARC_B1) { /* case II */
        uint32_t d = b1 >= b2 ? 1 : b2 / b1;
        a->p = a->p + d > a->c ? a->c : a->p + d;
        return;
    }
    if (v && a->list[*v] == ARC_B2) { /* case III */
        uint32_t d = b2 >= b1 ? 1 : b1 / b2;
        a->p = a->p > d ? a->p - d : 0;
        a->pending_in_b2 = true;
        return;
    }
    /* case IV: a page ARC has never seen (or forgotten) */
    uint32_t t1 = a->l[ARC_T1].len, t2 = a->l[ARC_T2].len;
    if (t1 + b1 >= a->c) {
        if (t1 < a->c)
            arc_drop_lru(a, ARC_B1);
        else
            a->drop_t1 = true; /* victim drops T1's LRU without remembering it */
    } else if (t1 + t2 + b1 + b2 >= 2 * a->c) {
        arc_drop_lru(a, ARC_B2);
    }
}

/* REPLACE(x, p) of the paper, or case IV(a)'s plain drop of T1's LRU page. */
static uint32_t arc_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct arc *a = p->state;
    uint32_t t1 = a->l[ARC_T1].len;
    uint32_t ent;
    if (a->drop_t1 && t1) {
        a->drop_t1 = false;
        ent = a->l[ARC_T1].tail;
        uint32_t s = a->slot[ent];
        arc_drop(a, ent);
        return s;
    }
    bool from_t1 = t1 && (t1 > a->p || (a->pending_valid && a->pending_in_b2 && t1 == a->p));
    if (!a->l[ARC_T2].len)
        from_t1 = true;
    ent = from_t1 ? a->l[ARC_T1].tail : a->l[ARC_T2].tail;
    uint32_t s = a->slot[ent];
    arc_move(a, ent, from_t1 ? ARC_B1 : ARC_B2);
    return s;
}

static void arc_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct arc *a = p->state;
    uint32_t *v = arc_lookup(a, page);
    uint32_t ent;
    if (v && (a->list[*v] == ARC_B1 || a->list[*v] == ARC_B2)) {
        ent = *v;
        arc_move(a, ent, ARC_T2);
    } else {
        /* Keep the pool bounded even when the driver skipped access(): forget ghosts. */
        if (!a->nfree && a->nslots < a->c) /* pool short before memory is full: grow it */
            (void)arc_reserve(p, a->nslots * 2 > a->c ? a->c : a->nslots * 2 + 1);
        while (!a->nfree) {
            if (a->l[ARC_B2].len)
                arc_drop_lru(a, ARC_B2);
            else
                arc_drop_lru(a, ARC_B1);
        }
        ent = a->freelist[--a->nfree];
        a->page[ent] = page;
        a->list[ent] = ARC_T1;
        slotlist_push_head(&a->k, &a->l[ARC_T1], ent);
        if (!pmap_put(&a->index, page, ent)) {
            /* Out of memory: keep the page resident but unknown to the index. */
        }
    }
    a->slot[ent] = slot;
    a->slot_entry[slot] = ent;
    a->pending_valid = false;
    a->drop_t1 = false;
}

static void arc_remove(struct policy *p, uint32_t slot)
{
    struct arc *a = p->state;
    arc_drop(a, a->slot_entry[slot]);
}

/* The target p and the four lists, most recent first. */
static void arc_describe(const struct policy *p, const struct policy_env *env,
                         const struct policy_describer *d)
{
    (void)env;
    const struct arc *a = p->state;
    static const char *const names[ARC_NLISTS] = {"T1", "T2", "B1", "B2"};
    d->note(d->ctx, "p: the target size of T1; T1: pages seen once, T2: seen twice or more "
                    "(resident); B1, B2: ghosts of pages evicted from them; most recent first");
    policy_describe_num(d, "p", POLICY_NO_INDEX, a->p);
    for (int l = 0; l < ARC_NLISTS; l++) {
        uint32_t i = 1;
        policy_describe_list(d, names[l]);
        for (uint32_t ent = a->l[l].head; ent != SLOTLIST_NIL; ent = a->k.next[ent])
            policy_describe_page(d, names[l], i++, a->page[ent], "");
    }
}

static void arc_save(const struct policy *p, struct ser *s)
{
    const struct arc *a = p->state;
    ser_u32(s, a->nslots);
    ser_u32(s, a->cap);
    ser_u32(s, a->c);
    ser_u32(s, a->p);
    policy_save_links(s, &a->k, a->cap);
    for (int i = 0; i < ARC_NLISTS; i++)
        policy_save_list(s, &a->l[i]);
    ser_u64s(s, a->page, a->cap);
    ser_u32s(s, a->slot, a->cap);
    ser_bytes(s, a->list, a->cap);
    ser_u32(s, a->nfree);
    ser_u32s(s, a->freelist, a->nfree);
    ser_u32s(s, a->slot_entry, a->nslots);
    pmap_save(&a->index, s);
    ser_u64(s, a->pending);
    ser_u8(s, a->pending_valid);
    ser_u8(s, a->pending_in_b2);
    ser_u8(s, a->drop_t1);
}

static int arc_load(struct policy *p, struct deser *d)
{
    struct arc *a = p->state;
    uint32_t nslots = deser_u32(d), cap = deser_u32(d);
    if (deser_u32(d) != a->c || nslots > a->c || cap != 2 * (uint64_t)nslots + 2 ||
        nslots < a->nslots)
        deser_fail(d, "corrupt checkpoint: ARC's tables");
    if (d->bad)
        return 0;
    if (arc_reserve(p, nslots) < 0)
        return -VMS_ENOMEM;
    a->p = deser_id(d, (uint64_t)a->c + 1, false, "ARC target");
    policy_load_links(d, &a->k, cap, cap);
    for (int i = 0; i < ARC_NLISTS; i++)
        policy_load_list(d, &a->l[i], cap);
    deser_u64s(d, a->page, cap);
    deser_ids(d, a->slot, cap, p->nframes, "ARC slot");
    deser_u8s(d, a->list, cap, 255, "ARC list");
    for (uint32_t i = 0; i < cap; i++)
        if (a->list[i] >= ARC_NLISTS && a->list[i] != ARC_FREE)
            deser_fail(d, "corrupt checkpoint: ARC list");
    a->nfree = deser_id(d, (uint64_t)cap + 1, false, "ARC free entries");
    if (d->bad)
        return 0;
    deser_ids(d, a->freelist, a->nfree, cap, "ARC entry");
    deser_ids(d, a->slot_entry, nslots, cap, "ARC entry");
    if (!pmap_load(&a->index, d, cap))
        return -VMS_ENOMEM;
    a->pending = deser_u64(d);
    a->pending_valid = deser_bool(d);
    a->pending_in_b2 = deser_bool(d);
    a->drop_t1 = deser_bool(d);
    return 0;
}

const struct policy_ops policy_arc_ops = {
    .name = "arc",
    .summary = "adaptive replacement cache: recency and frequency lists with ghosts (idealized)",
    .source = "Megiddo, Modha, FAST 2003",
    .flags = POLICY_IDEALIZED,
    .state_size = sizeof(struct arc),
    .create = arc_create,
    .save = arc_save,
    .load = arc_load,
    .destroy = arc_destroy,
    .insert = arc_insert,
    .remove = arc_remove,
    .victim = arc_victim,
    .access = arc_access,
    .reserve = arc_reserve,
    .describe = arc_describe,
};
