/* Physically indexed, physically tagged caches: set-associative, any number of
 * levels (L1d/L1i split, unified L2 and L3), write-back + write-allocate with a dirty
 * bit per line, LRU / FIFO / seeded random replacement.
 *
 * Policy between levels: a miss fills every level on the way back (the line becomes
 * clean in the outer levels, dirty in L1 on a store). A dirty victim is written back
 * to the next level (installed there dirty, which may evict in turn) or to DRAM from
 * the last level. Levels are non-inclusive: an outer eviction does not invalidate
 * inner copies. Lines carry bytes only when enabled (textbook states); otherwise the
 * data plane is physical memory and caches model tags and timing only. */
#ifndef VMS_HW_CACHE_H
#define VMS_HW_CACHE_H

#include "base/types.h"
#include "hw/config.h"
#include "hw/ways.h"
#include "base/ser.h"

struct physmem;

struct cache_line {
    uint64_t tag;   /* physical line address (pa >> block_shift) */
    uint64_t stamp; /* LRU: last use; FIFO: fill order */
    uint8_t valid, dirty;
};

struct cache_stats {
    uint64_t hits, misses, writebacks;
};

/* A slot of cache_l1_hit's memo (see struct cache_level). */
struct cache_memo {
    uint64_t key; /* line address + 1, 0 = empty */
    struct cache_line *ln;
};

struct cache_level {
    bool present;
    enum repl repl;
    uint32_t sets, ways, set_mask;
    unsigned block_shift, set_shift; /* CO bits; CI bits */
    struct cache_line *lines;        /* sets * ways */
    uint64_t clock, rng;
    struct cache_stats st;
    uint8_t *data;  /* optional: block bytes per line */
    uint8_t *known; /* optional: one flag per byte of data */
    /* The lookup's copy of the tags, one per line in the order of `lines`: tag + 1 of a
     * valid line, 0 of an invalid one (64-byte aligned: an 8-way set is one host cache
     * line). Lines change only through this module, which keeps the two in step. */
    uint64_t *keys;
    void *keys_mem;
    /* cache_l1_hit's memo, direct-mapped by line address: a slot names the line that
     * holds its block (key = line address + 1, 0 = empty), so that the blocks in use
     * skip the way scan and the line's address does not wait for it (storing the LRU
     * stamp at an address that depends on the scan's result costs a quarter of the hit
     * path here). Invariant: a slot whose key matches names the lowest way holding the
     * block. install and cache_set_line clear the slots they could falsify. First
     * levels get up to 4096 slots, the others one. */
    struct cache_memo *memo;
    uint64_t memo_mask;
    /* Bumped whenever a valid line changes (eviction, placement): a pointer to a line
     * taken while gen stayed the same still names the same block. */
    uint64_t gen;
};

struct caches {
    struct cache_level lvl[CACHE_N];
    uint64_t dram_reads, dram_writes;
    /* The kernel's own traffic (caches_kernel_access, the DMA functions), counted apart
     * from the program's (lvl[i].st, dram_reads, dram_writes): docs/machines.md, "Kernel
     * memory traffic". */
    struct cache_stats kst[CACHE_N];
    uint64_t kdram_reads, kdram_writes;
    struct physmem *pm; /* for filling data-carrying lines */
    int next[CACHE_N];  /* the present level after each (CACHE_N: DRAM), set by caches_init */
};

int caches_init(struct caches *c, const struct cache_cfg cfg[CACHE_N], enum repl repl,
                uint64_t seed);
void caches_fini(struct caches *c);
/* Lines carry bytes (filled from pm on a miss). 0 or -VMS_ENOMEM. */
int caches_enable_data(struct caches *c, struct physmem *pm);

/* Access one byte range inside one block. Returns the level that hit
 * (CACHE_L1D/L1I/L2/L3) or CACHE_N when it came from DRAM. */
int caches_access(struct caches *c, paddr_t pa, bool write, bool ifetch);
/* The same when the caller knows that the first level does not hold pa (cache_l1_hit
 * just returned false; there is a first level): skips probing it again. */
int caches_access_missed(struct caches *c, paddr_t pa, bool write, bool ifetch);

/* ---- the kernel's traffic and DMA (docs/machines.md, "Kernel memory traffic") ----
 * Out of the hit path: each is called a few times per page the kernel works on. */

/* caches_access (a data access) counted in c->kst and c->kdram_* instead of the
 * program's counters: a load or store of the kernel through its direct map. */
int caches_kernel_access(struct caches *c, paddr_t pa, bool write);
/* A device wrote [pa, pa + len) to memory (coherent DMA): every level's lines of those
 * blocks are invalidated, dirty ones dropped unwritten (the device replaced their bytes),
 * and each block written counts a kernel DRAM write (blocks of the last level; none
 * without caches). count false: the lines are only invalidated, nothing is counted. */
void caches_dma_write(struct caches *c, paddr_t pa, uint64_t len, bool count);
/* A device read [pa, pa + len) from memory (coherent DMA, snooping): every dirty line of
 * those blocks, at any level, is written to memory first and stays valid and clean (a
 * kernel write-back at its level; one kernel DRAM write per block however many levels
 * held it dirty), then each block read counts a kernel DRAM read. */
void caches_dma_read(struct caches *c, paddr_t pa, uint64_t len);

/* The level an access starts at (L1i for fetches when present, else L1d); -1 if none. */
static inline int caches_first(const struct caches *c, bool ifetch)
{
    if (ifetch && c->lvl[CACHE_L1I].present)
        return CACHE_L1I;
    return c->lvl[CACHE_L1D].present ? CACHE_L1D : -1;
}

/* Index in l->lines of the valid line holding block `tag`, or -1; the lowest way when
 * several match (only textbook states can place duplicates). */
HOT_INLINE long cache_find_index(const struct cache_level *l, uint64_t tag)
{
    size_t base = (size_t)(tag & l->set_mask) * l->ways;
    uint64_t m;
    if (LIKELY(ways_scan(l->keys + base, tag + 1, l->ways, &m)))
        return m ? (long)(base + ways_first(m)) : -1;
    int w = ways_find(l->keys + base, tag + 1, l->ways);
    return w < 0 ? -1 : (long)(base + (size_t)w);
}

/* The valid line holding block `tag` in its set, or NULL (see cache_find_index). */
static inline struct cache_line *cache_find(struct cache_level *l, uint64_t tag)
{
    long i = cache_find_index(l, tag);
    return i < 0 ? NULL : &l->lines[i];
}

/* A hit on line ln of level l: LRU and dirty update (a write marks the line dirty). Every
 * hit, by whichever path, is accounted through this. */
HOT_INLINE void cache_line_hit(struct cache_level *l, struct cache_line *ln, bool write)
{
    if (l->repl == REPL_LRU)
        ln->stamp = ++l->clock;
    l->st.hits++;
    ln->dirty |= write; /* last: a char store makes the compiler reload everything */
}

/* The fast path's lookup: the line of pa if the first level l holds it, else NULL. No
 * accounting (cache_line_hit does it); only the memo changes. */
HOT_INLINE struct cache_line *cache_l1_line(struct cache_level *l, paddr_t pa)
{
    uint64_t tag = pa >> l->block_shift;
    struct cache_memo *mo = &l->memo[tag & l->memo_mask];
    if (mo->key == tag + 1) {
        /* A slot with a key names a line: tells the caller's NULL test it is not taken. */
        if (!mo->ln)
            __builtin_unreachable();
        return mo->ln;
    }
    long i = cache_find_index(l, tag);
    if (i < 0)
        return NULL;
    struct cache_line *ln = &l->lines[i];
    *mo = (struct cache_memo){tag + 1, ln};
    return ln;
}

/* The line of pa if the first level holds it (a hit, with LRU and dirty update), else
 * NULL. */
HOT_INLINE struct cache_line *cache_l1_hit_line(struct cache_level *l, paddr_t pa, bool write)
{
    struct cache_line *ln = cache_l1_line(l, pa);
    if (ln)
        cache_line_hit(l, ln, write);
    return ln;
}

HOT_INLINE bool cache_l1_hit(struct cache_level *l, paddr_t pa, bool write)
{
    return cache_l1_hit_line(l, pa, write) != NULL;
}

/* Probe without side effects: the line holding pa at level lv, or NULL. */
struct cache_line *cache_probe(struct cache_level *l, paddr_t pa);
/* Place a line at an exact set/way (textbook states); call order = LRU order. */
void cache_set_line(struct cache_level *l, uint32_t set, uint32_t way, uint64_t tag, bool valid,
                    bool dirty, const uint8_t *bytes /* NULL = unknown */);
/* The byte at pa from a data-carrying line; false when absent or unknown. */
bool cache_read_byte(struct cache_level *l, paddr_t pa, uint8_t *out);

/* Checkpoints: every line (tag, stamp, valid, dirty; bytes when carried), the replacement
 * state and the counters. load expects caches made by caches_init from the same rows; bad
 * input marks d bad. */
void caches_save(const struct caches *c, struct ser *s);
void caches_load(struct caches *c, struct deser *d);

#endif
