/* LFU: evict the resident page with the fewest references so far, counted over the whole
 * run (a page keeps its count while evicted), ties broken toward the least recently used.
 * With that total order LFU is a stack algorithm (Mattson et al. 1970), which is what lets
 * mrc compute it in one pass. Idealized: it observes every reference. */
#include "policy/policy.h"

#include "base/alloc.h"
#include "policy/pmap.h"

struct lfu_page {
    uint64_t count, last;
};

struct lfu {
    struct pmap index;        /* page -> entry in pages[] */
    struct lfu_page *pages;
    uint32_t npages, cap;
    uint32_t *slot_entry;     /* entry of the page in each slot */
    uint64_t clock;           /* logical time of the last observed reference */
    bool pending_valid;       /* a miss announced through access, inserted next */
    uint64_t pending;
};

static int lfu_create(struct policy *p, struct vms_error *e)
{
    struct lfu *l = p->state;
    l->slot_entry = vms_calloc(p->nframes, sizeof *l->slot_entry);
    if (!l->slot_entry || !pmap_init(&l->index, p->nframes)) {
        vms_free(l->slot_entry);
        return err_set(e, VMS_ENOMEM, "out of memory creating policy lfu");
    }
    return 0;
}

static void lfu_destroy(struct policy *p)
{
    struct lfu *l = p->state;
    pmap_fini(&l->index);
    vms_free(l->pages);
    vms_free(l->slot_entry);
}

/* Entry for page, created with count 0; UINT32_MAX when out of memory. */
static uint32_t lfu_entry(struct lfu *l, uint64_t page)
{
    uint32_t *v = pmap_get(&l->index, page);
    if (v)
        return *v;
    if (l->npages == l->cap) {
        uint32_t ncap = l->cap ? l->cap * 2 : 64;
        struct lfu_page *np = vms_realloc(l->pages, ncap * sizeof *np);
        if (!np)
            return UINT32_MAX;
        l->pages = np;
        l->cap = ncap;
    }
    if (!pmap_put(&l->index, page, l->npages))
        return UINT32_MAX;
    l->pages[l->npages] = (struct lfu_page){0, 0};
    return l->npages++;
}

static void lfu_count(struct lfu *l, uint32_t ent)
{
    if (ent == UINT32_MAX)
        return;
    l->pages[ent].count++;
    l->pages[ent].last = ++l->clock;
}

static void lfu_access(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct lfu *l = p->state;
    if (slot != POLICY_NO_SLOT) {
        lfu_count(l, l->slot_entry[slot]);
        return;
    }
    lfu_count(l, lfu_entry(l, page));
    l->pending_valid = true;
    l->pending = page;
}

static void lfu_insert(struct policy *p, uint32_t slot, uint64_t page, bool write)
{
    (void)write;
    struct lfu *l = p->state;
    uint32_t ent = lfu_entry(l, page);
    if (!(l->pending_valid && l->pending == page))
        lfu_count(l, ent); /* the driver did not announce the miss: count it here */
    l->pending_valid = false;
    l->slot_entry[slot] = ent;
}

static void lfu_remove(struct policy *p, uint32_t slot)
{
    (void)p, (void)slot;
}

/* Lowest (count, last) wins; an entry lost to out-of-memory ranks lowest. */
static uint32_t lfu_victim(struct policy *p, const struct policy_env *env)
{
    (void)env;
    struct lfu *l = p->state;
    uint32_t pick = POLICY_NO_SLOT;
    uint64_t bc = 0, bl = 0;
    for (uint32_t s = 0; s < p->nframes; s++) {
        if (!policy_slot_used(p, s))
            continue;
        uint32_t ent = l->slot_entry[s];
        uint64_t c = ent == UINT32_MAX ? 0 : l->pages[ent].count;
        uint64_t t = ent == UINT32_MAX ? 0 : l->pages[ent].last;
        if (pick == POLICY_NO_SLOT || c < bc || (c == bc && t < bl)) {
            pick = s;
            bc = c;
            bl = t;
        }
    }
    return pick;
}

/* The reference count of every occupied frame's page (counted over the whole run). */
static void lfu_describe(const struct policy *p, const struct policy_env *env,
                         const struct policy_describer *d)
{
    (void)env;
    const struct lfu *l = p->state;
    d->note(d->ctx, "count frame N: references to the page in frame N so far, also before an "
                    "eviction; the fewest goes, the least recent among equals");
    for (uint32_t s = 0; s < p->hw; s++) {
        if (!policy_slot_used(p, s))
            continue;
        uint32_t ent = l->slot_entry[s];
        policy_describe_num(d, "count frame", s, ent == UINT32_MAX ? 0 : l->pages[ent].count);
    }
}

static void lfu_save(const struct policy *p, struct ser *s)
{
    const struct lfu *l = p->state;
    ser_u32(s, l->npages);
    for (uint32_t i = 0; i < l->npages; i++) {
        ser_u64(s, l->pages[i].count);
        ser_u64(s, l->pages[i].last);
    }
    pmap_save(&l->index, s);
    ser_u32s(s, l->slot_entry, p->hw);
    ser_u64(s, l->clock);
    ser_u8(s, l->pending_valid);
    ser_u64(s, l->pending);
}

static int lfu_load(struct policy *p, struct deser *d)
{
    struct lfu *l = p->state;
    uint32_t n = deser_id(d, (d->len - d->pos) / 16 + 1, false, "page count");
    if (d->bad)
        return 0;
    uint32_t cap = 64;
    while (cap < n)
        cap *= 2;
    struct lfu_page *pg = vms_realloc(l->pages, cap * sizeof *pg);
    if (!pg)
        return -VMS_ENOMEM;
    l->pages = pg;
    l->cap = cap;
    for (uint32_t i = 0; i < n; i++) {
        pg[i].count = deser_u64(d);
        pg[i].last = deser_u64(d);
    }
    l->npages = n;
    if (!pmap_load(&l->index, d, n))
        return -VMS_ENOMEM;
    deser_ids(d, l->slot_entry, p->hw, n, "page entry");
    l->clock = deser_u64(d);
    l->pending_valid = deser_bool(d);
    l->pending = deser_u64(d);
    return 0;
}

const struct policy_ops policy_lfu_ops = {
    .name = "lfu",
    .summary = "least frequently used, counts kept across evictions (idealized)",
    .source = "Mattson et al., IBM Systems Journal 9(2) 1970; Aho, Denning, Ullman JACM 1971",
    .flags = POLICY_IDEALIZED | POLICY_STACK,
    .state_size = sizeof(struct lfu),
    .create = lfu_create,
    .save = lfu_save,
    .load = lfu_load,
    .destroy = lfu_destroy,
    .insert = lfu_insert,
    .remove = lfu_remove,
    .victim = lfu_victim,
    .access = lfu_access,
    .describe = lfu_describe,
};
