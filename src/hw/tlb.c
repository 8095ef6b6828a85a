/* TLB arrays: fill, victim choice and invalidation (lookup is inline in tlb.h). Every
 * change of an entry's valid bit or page number also updates the array's keys. */
#include "hw/tlb.h"

#include "base/alloc.h"

#include <string.h>

/* The keys of an absent array: it has no ways, so this is never read. */
static uint64_t no_keys[1];

int tlb_init(struct tlb *t, const struct tlb_cfg cfg[PSZ_N], const unsigned psz_shift[PSZ_N],
             enum repl repl, uint64_t seed)
{
    *t = (struct tlb){0};
    t->repl = repl;
    t->rng = seed * 0x9e3779b97f4a7c15ull + 0x2545F4914F6CDD1Dull;
    t->present = cfg[PSZ_BASE].entries != 0;
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        a->keys = no_keys;
        if (!cfg[s].entries || !psz_shift[s])
            continue;
        a->ways = cfg[s].ways;
        a->sets = cfg[s].entries / cfg[s].ways;
        a->set_mask = a->sets - 1;
        a->shift = psz_shift[s];
        a->e = vms_calloc((size_t)a->sets * a->ways, sizeof *a->e);
        a->keys = ways_keys_alloc((size_t)a->sets * a->ways, &a->keys_mem);
        if (!a->e || !a->keys) {
            a->keys = no_keys;
            tlb_fini(t);
            return -VMS_ENOMEM;
        }
    }
    return 0;
}

void tlb_fini(struct tlb *t)
{
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        vms_free(a->e);
        vms_free(a->keys_mem);
        a->e = NULL;
        a->keys_mem = NULL;
        a->keys = no_keys;
        a->ways = a->sets = a->set_mask = 0;
        a->nvalid = 0;
    }
    t->gen++;
}

struct tlb_entry *tlb_array_find_any(struct tlb_array *a, uint64_t vpn, uint16_t asid)
{
    size_t base = (size_t)(vpn & a->set_mask) * a->ways;
    for (uint32_t w = 0; w < a->ways; w++) {
        struct tlb_entry *e = &a->e[base + w];
        if (a->keys[base + w] == vpn + 1 && (e->asid == asid || (e->flags & TLBF_G)))
            return e;
    }
    return NULL;
}

struct tlb_entry *tlb_probe(struct tlb *t, vaddr_t va, uint16_t asid, int *psz)
{
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        if (!a->nvalid)
            continue;
        struct tlb_entry *e = tlb_array_find(a, va >> a->shift, asid);
        if (e) {
            *psz = s;
            return e;
        }
    }
    return NULL;
}

static uint32_t victim_way(struct tlb *t, const struct tlb_array *a, size_t base)
{
    int inv = ways_find(&a->keys[base], 0, a->ways); /* an invalid way: key 0 */
    if (inv >= 0)
        return (uint32_t)inv;
    if (t->repl == REPL_RANDOM) {
        t->rng ^= t->rng << 13;
        t->rng ^= t->rng >> 7;
        t->rng ^= t->rng << 17;
        return (uint32_t)(t->rng % a->ways);
    }
    const struct tlb_entry *set = &a->e[base];
    uint32_t best = 0;
    for (uint32_t w = 1; w < a->ways; w++)
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
    size_t base = (size_t)(vpn & a->set_mask) * a->ways;
    struct tlb_entry *set = &a->e[base];
    /* An entry for the same page and space is replaced in place (a re-walk after a
     * D-bit update or permission change). */
    uint32_t w;
    for (w = 0; w < a->ways; w++)
        if (a->keys[base + w] == vpn + 1 &&
            (set[w].asid == asid || ((set[w].flags | flags) & TLBF_G)))
            break;
    if (w == a->ways) {
        w = victim_way(t, a, base);
        if (set[w].valid && evicted)
            *evicted = set[w];
    }
    struct tlb_entry *e = &set[w];
    if (!e->valid)
        a->nvalid++;
    *e = (struct tlb_entry){.vpn = vpn, .pfn = pfn, .stamp = ++t->clock, .asid = asid,
                            .valid = 1, .flags = (uint8_t)flags};
    a->keys[base + w] = vpn + 1;
    t->gen++;
    return e;
}

void tlb_set_entry(struct tlb *t, int psz, uint32_t set, uint32_t way, uint64_t vpn, pfn_t pfn,
                   unsigned flags, uint16_t asid, bool valid)
{
    struct tlb_array *a = &t->arr[psz];
    if (!a->e || set >= a->sets || way >= a->ways)
        return;
    size_t i = (size_t)set * a->ways + way;
    struct tlb_entry *e = &a->e[i];
    if (e->valid)
        a->nvalid--;
    *e = (struct tlb_entry){.vpn = vpn, .pfn = pfn, .stamp = ++t->clock, .asid = asid,
                            .valid = valid, .flags = (uint8_t)flags};
    a->keys[i] = valid ? vpn + 1 : 0;
    if (valid)
        a->nvalid++;
    t->gen++;
}

static void drop(struct tlb *t, struct tlb_array *a, size_t i)
{
    t->gen++;
    a->e[i].valid = 0;
    a->keys[i] = 0;
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
        size_t base = (size_t)(vpn & a->set_mask) * a->ways;
        for (uint32_t w = 0; w < a->ways; w++) {
            const struct tlb_entry *e = &a->e[base + w];
            if (a->keys[base + w] == vpn + 1 && (e->asid == asid || (e->flags & TLBF_G))) {
                drop(t, a, base + w);
                n++;
            }
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
            const struct tlb_entry *e = &a->e[i];
            if (e->valid && !(e->flags & TLBF_G) && (asid < 0 || e->asid == asid)) {
                drop(t, a, i);
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
        if (total)
            memset(a->keys, 0, total * sizeof *a->keys);
        a->nvalid = 0;
    }
    t->gen++;
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

/* ------------------------------------------------------------------ checkpoints */

void tlb_save(const struct tlb *t, struct ser *s)
{
    ser_u64(s, t->clock);
    ser_u64(s, t->rng);
    for (int p = 0; p < PSZ_N; p++) {
        const struct tlb_array *a = &t->arr[p];
        size_t n = (size_t)a->sets * a->ways;
        ser_u64(s, n);
        for (size_t i = 0; i < n; i++) {
            const struct tlb_entry *e = &a->e[i];
            ser_u8(s, e->valid);
            if (!e->valid)
                continue;
            ser_u64(s, e->vpn);
            ser_u64(s, e->pfn);
            ser_u64(s, e->stamp);
            ser_u32(s, e->asid);
            ser_u8(s, e->flags);
        }
    }
}

void tlb_load(struct tlb *t, struct deser *d)
{
    t->clock = deser_u64(d);
    t->rng = deser_u64(d);
    for (int p = 0; p < PSZ_N && !d->bad; p++) {
        struct tlb_array *a = &t->arr[p];
        size_t n = (size_t)a->sets * a->ways;
        if (deser_u64(d) != n) {
            deser_fail(d, "corrupt checkpoint: a TLB of another geometry");
            return;
        }
        a->nvalid = 0;
        for (size_t i = 0; i < n && !d->bad; i++) {
            struct tlb_entry *e = &a->e[i];
            *e = (struct tlb_entry){0};
            a->keys[i] = 0;
            if (!deser_bool(d))
                continue;
            e->valid = 1;
            e->vpn = deser_max(d, UINT64_MAX - 1, "TLB page number");
            e->pfn = deser_u64(d);
            e->stamp = deser_u64(d);
            e->asid = (uint16_t)deser_id(d, 65536, false, "ASID");
            e->flags = deser_u8(d);
            if ((e->vpn & a->set_mask) != i / a->ways)
                deser_fail(d, "corrupt checkpoint: a TLB entry in the wrong set");
            a->keys[i] = e->vpn + 1;
            a->nvalid++;
        }
    }
    memset(t->memo, 0, sizeof t->memo);
    t->gen++;
}
