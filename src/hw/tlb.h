/* Translation lookaside buffers: set-associative, any geometry, one array per page
 * size (base / mid / big), entries tagged with an ASID (PCID) or global.
 *
 * What an entry may cache: the translation of one present leaf PTE of the address
 * space `asid` (or of any space if global), with the effective permissions of the
 * walk that filled it (R/W and U/S ANDed, XD ORed over the levels) and the leaf's D
 * bit. The kernel must invalidate an entry whenever it changes or removes the PTE.
 * Replacement: LRU (stamp of last use), FIFO (stamp of fill) or seeded random; an
 * invalid way is always filled first, lowest way first. */
#ifndef VMS_HW_TLB_H
#define VMS_HW_TLB_H

#include "base/types.h"
#include "hw/config.h"
#include "hw/ways.h"
#include "base/ser.h"

#define TLBF_W 1u  /* writable */
#define TLBF_U 2u  /* user-accessible */
#define TLBF_NX 4u /* no execute */
#define TLBF_G 8u  /* global: matches every ASID */
#define TLBF_D 16u /* the leaf PTE's D bit is set */

struct tlb_entry {
    uint64_t vpn;   /* page number in this array's page size */
    pfn_t pfn;      /* first base frame of the page */
    uint64_t stamp; /* LRU: last use; FIFO: fill order */
    uint16_t asid;
    uint8_t valid;
    uint8_t flags; /* TLBF_* */
};

struct tlb_array {
    uint32_t sets, ways, set_mask;
    unsigned shift;      /* log2 of the page size mapped */
    struct tlb_entry *e; /* sets * ways, set-major */
    uint64_t nvalid;
    /* The lookup's copy of the page numbers, one per entry in the order of `e`: vpn + 1
     * of a valid entry, 0 of an invalid one (64-byte aligned). Entries change only
     * through this module, which keeps the two in step. An absent array has no ways
     * and points at a dummy key. */
    uint64_t *keys;
    void *keys_mem;
};

#define TLB_MEMO_N 16 /* slots of the hit path's memo (a power of two) */

struct tlb {
    bool present;
    enum repl repl;
    uint64_t clock; /* stamp source */
    uint64_t rng;   /* xorshift state for random replacement */
    struct tlb_array arr[PSZ_N];
    /* The MMU hit path's memo of base-page lookups, direct-mapped by vpn: a slot holds
     * the entry tlb_array_find returned for (vpn, asid) while gen stayed the same, so
     * that the few pages in use skip the way scan and their entry's address is known
     * early. Every change of an entry in tlb.c bumps gen (which empties the memo). */
    uint64_t gen;
    struct tlb_memo {
        uint64_t key; /* vpn + 1, 0 = empty */
        uint64_t gen; /* t->gen when filled */
        struct tlb_entry *e;
        uint64_t asid; /* 64-bit, like the rest: no char or short-sized loads */
    } memo[TLB_MEMO_N];
};

/* Build from the config rows cfg[PSZ_N] and the page-size shifts (0 = unsupported).
 * 0 or -VMS_ENOMEM. A TLB whose base row is empty is absent (present = false). */
int tlb_init(struct tlb *t, const struct tlb_cfg cfg[PSZ_N], const unsigned psz_shift[PSZ_N],
             enum repl repl, uint64_t seed);
void tlb_fini(struct tlb *t);
/* Calls fn for every valid entry (for audits and dumps; not on any hot path). */
typedef void (*tlb_entry_fn)(void *ctx, int psz, uint64_t vpn, pfn_t pfn, uint16_t asid,
                             unsigned flags);
void tlb_for_each(const struct tlb *t, tlb_entry_fn fn, void *ctx);

/* tlb_array_find for any associativity (out of line). */
struct tlb_entry *tlb_array_find_any(struct tlb_array *a, uint64_t vpn, uint16_t asid);

/* The valid entry of array a for page vpn that matches asid (or is global), or NULL: the
 * lowest such way. No replacement-state change. */
HOT_INLINE struct tlb_entry *tlb_array_find(struct tlb_array *a, uint64_t vpn, uint16_t asid)
{
    size_t base = (size_t)(vpn & a->set_mask) * a->ways;
    uint64_t m;
    if (UNLIKELY(!ways_scan(a->keys + base, vpn + 1, a->ways, &m)))
        return tlb_array_find_any(a, vpn, asid);
    for (; m; m &= m - 1) {
        struct tlb_entry *e = &a->e[base + ways_first(m)];
        if (LIKELY(e->asid == asid || (e->flags & TLBF_G)))
            return e;
    }
    return NULL;
}

/* A hit on entry e of t: what a hit changes in a TLB (the LRU stamp). Every hit, by
 * whichever path, is accounted through this. */
HOT_INLINE void tlb_entry_hit(struct tlb *t, struct tlb_entry *e)
{
    if (t->repl == REPL_LRU)
        e->stamp = ++t->clock;
}

/* Look va up for address space asid. A hit refreshes LRU order and returns the entry;
 * *psz tells which array hit. NULL on a miss. */
static inline struct tlb_entry *tlb_lookup(struct tlb *t, vaddr_t va, uint16_t asid, int *psz)
{
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        if (!a->nvalid)
            continue;
        struct tlb_entry *e = tlb_array_find(a, va >> a->shift, asid);
        if (e) {
            tlb_entry_hit(t, e);
            *psz = s;
            return e;
        }
    }
    return NULL;
}

/* Probe without changing replacement state. */
struct tlb_entry *tlb_probe(struct tlb *t, vaddr_t va, uint16_t asid, int *psz);

/* Insert a translation for the page containing va. If a valid entry was evicted and
 * `evicted` is non-NULL, it receives a copy (evicted->valid = 0 when none was). */
struct tlb_entry *tlb_fill(struct tlb *t, int psz, vaddr_t va, pfn_t pfn, unsigned flags,
                           uint16_t asid, struct tlb_entry *evicted);

/* Place an entry at an exact set and way (loading a textbook state). The stamp makes
 * the order of calls the LRU/FIFO order: earlier = older. */
void tlb_set_entry(struct tlb *t, int psz, uint32_t set, uint32_t way, uint64_t vpn, pfn_t pfn,
                   unsigned flags, uint16_t asid, bool valid);

/* INVLPG: drop the entries that translate va for asid, and global ones. Returns count. */
unsigned tlb_invalidate_page(struct tlb *t, vaddr_t va, uint16_t asid);
/* CR3 load without PCID: drop every non-global entry (of asid only, if pcid keeps others). */
unsigned tlb_flush_nonglobal(struct tlb *t, int asid /* -1: all spaces */);
/* Drop everything, global entries too. */
void tlb_flush_all(struct tlb *t);

/* Checkpoints: every entry (with its stamp) and the replacement state. load expects a TLB
 * made by tlb_init from the same rows; a bad input marks d bad (the TLB is then only fit
 * for tlb_fini). */
void tlb_save(const struct tlb *t, struct ser *s);
void tlb_load(struct tlb *t, struct deser *d);

#endif
