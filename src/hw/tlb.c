/* TLB arrays: fill, victim choice and invalidation (lookup is inline in tlb.h). */
#include "hw/tlb.h"

#include "base/alloc.h"

int tlb_init(struct tlb *t, const struct tlb_cfg cfg[PSZ_N], const unsigned psz_shift[PSZ_N],
             enum repl repl, uint64_t seed)
{
    *t = (struct tlb){0};
    t->repl = repl;
    t->rng = seed * 0x9e3779b97f4a7c15ull + 0x2545F4914F6CDD1Dull;
    t->present = cfg[PSZ_BASE].entries != 0;
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        if (!cfg[s].entries || !psz_shift[s])
            continue;
        a->ways = cfg[s].ways;
        a->sets = cfg[s].entries / cfg[s].ways;
        a->set_mask = a->sets - 1;
        a->shift = psz_shift[s];
        a->e = vms_calloc((size_t)a->sets * a->ways, sizeof *a->e);
        if (!a->e) {
            tlb_fini(t);
            return -VMS_ENOMEM;
        }
    }
    return 0;
}

void tlb_fini(struct tlb *t)
{
    for (int s = 0; s < PSZ_N; s++) {
        vms_free(t->arr[s].e);
        t->arr[s].e = NULL;
    }
}

struct tlb_entry *tlb_probe(struct tlb *t, vaddr_t va, uint16_t asid, int *psz)
{
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        if (!a->e)
            continue;
        uint64_t vpn = va >> a->shift;
        struct tlb_entry *set = &a->e[(size_t)(vpn & a->set_mask) * a->ways];
        for (uint32_t w = 0; w < a->ways; w++)
            if (set[w].valid && set[w].vpn == vpn &&
                (set[w].asid == asid || (set[w].flags & TLBF_G))) {
                *psz = s;
                return &set[w];
            }
    }
    return NULL;
}

static uint32_t victim_way(struct tlb *t, struct tlb_entry *set, uint32_t ways)
{
    for (uint32_t w = 0; w < ways; w++)
        if (!set[w].valid)
            return w;
    if (t->repl == REPL_RANDOM) {
        t->rng ^= t->rng << 13;
        t->rng ^= t->rng >> 7;
        t->rng ^= t->rng << 17;
        return (uint32_t)(t->rng % ways);
    }
    uint32_t best = 0;
    for (uint32_t w = 1; w < ways; w++)
        if (set[w].stamp < set[best].stamp)
            best = w;
    return best;
}

struct tlb_entry *tlb_fill(struct tlb *t, int psz, vaddr_t va, pfn_t pfn, unsigned flags,
                           uint16_t asid, struct tlb_entry *evicted)
{
    struct tlb_array *a = &t->arr[psz];
    if (evicted)
        evicted->valid = 0;
    if (!a->e)
        return NULL;
    uint64_t vpn = va >> a->shift;
    struct tlb_entry *set = &a->e[(size_t)(vpn & a->set_mask) * a->ways];
    /* An entry for the same page and space is replaced in place (a re-walk after a
     * D-bit update or permission change). */
    uint32_t w;
    for (w = 0; w < a->ways; w++)
        if (set[w].valid && set[w].vpn == vpn &&
            (set[w].asid == asid || ((set[w].flags | flags) & TLBF_G)))
            break;
    if (w == a->ways) {
        w = victim_way(t, set, a->ways);
        if (set[w].valid && evicted)
            *evicted = set[w];
    }
    struct tlb_entry *e = &set[w];
    if (!e->valid)
        a->nvalid++;
    *e = (struct tlb_entry){.vpn = vpn, .pfn = pfn, .stamp = ++t->clock, .asid = asid,
                            .valid = 1, .flags = (uint8_t)flags};
    return e;
}

void tlb_set_entry(struct tlb *t, int psz, uint32_t set, uint32_t way, uint64_t vpn, pfn_t pfn,
                   unsigned flags, uint16_t asid, bool valid)
{
    struct tlb_array *a = &t->arr[psz];
    if (!a->e || set >= a->sets || way >= a->ways)
        return;
    struct tlb_entry *e = &a->e[(size_t)set * a->ways + way];
    if (e->valid)
        a->nvalid--;
    *e = (struct tlb_entry){.vpn = vpn, .pfn = pfn, .stamp = ++t->clock, .asid = asid,
                            .valid = valid, .flags = (uint8_t)flags};
    if (valid)
        a->nvalid++;
}

static void drop(struct tlb_array *a, struct tlb_entry *e)
{
    e->valid = 0;
    a->nvalid--;
}

unsigned tlb_invalidate_page(struct tlb *t, vaddr_t va, uint16_t asid)
{
    unsigned n = 0;
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        if (!a->nvalid)
            continue;
        uint64_t vpn = va >> a->shift;
        struct tlb_entry *set = &a->e[(size_t)(vpn & a->set_mask) * a->ways];
        for (uint32_t w = 0; w < a->ways; w++)
            if (set[w].valid && set[w].vpn == vpn &&
                (set[w].asid == asid || (set[w].flags & TLBF_G))) {
                drop(a, &set[w]);
                n++;
            }
    }
    return n;
}

unsigned tlb_flush_nonglobal(struct tlb *t, int asid)
{
    unsigned n = 0;
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        size_t total = (size_t)a->sets * a->ways;
        for (size_t i = 0; i < total && a->nvalid; i++) {
            struct tlb_entry *e = &a->e[i];
            if (e->valid && !(e->flags & TLBF_G) && (asid < 0 || e->asid == asid)) {
                drop(a, e);
                n++;
            }
        }
    }
    return n;
}

void tlb_flush_all(struct tlb *t)
{
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        size_t total = (size_t)a->sets * a->ways;
        for (size_t i = 0; i < total; i++)
            a->e[i].valid = 0;
        a->nvalid = 0;
    }
}

void tlb_for_each(const struct tlb *t, tlb_entry_fn fn, void *ctx)
{
    if (!t->present)
        return;
    for (int p = 0; p < PSZ_N; p++) {
        const struct tlb_array *a = &t->arr[p];
        for (uint64_t i = 0; a->e && i < (uint64_t)a->sets * a->ways; i++)
            if (a->e[i].valid)
                fn(ctx, p, a->e[i].vpn, a->e[i].pfn, a->e[i].asid, a->e[i].flags);
    }
}
