/* The cache hierarchy: lookups, fills, victims and write-backs (see cache.h). */
#include "hw/cache.h"

#include "base/alloc.h"
#include "hw/physmem.h"

#include <string.h>

int caches_init(struct caches *c, const struct cache_cfg cfg[CACHE_N], enum repl repl,
                uint64_t seed)
{
    *c = (struct caches){0};
    for (int i = 0; i < CACHE_N; i++) {
        struct cache_level *l = &c->lvl[i];
        if (!cfg[i].size)
            continue;
        l->present = true;
        l->repl = repl;
        l->ways = cfg[i].ways;
        l->sets = (uint32_t)(cfg[i].size / ((uint64_t)cfg[i].ways * cfg[i].block));
        l->set_mask = l->sets - 1;
        l->block_shift = log2u(cfg[i].block);
        l->set_shift = log2u(l->sets);
        l->rng = (seed + (uint64_t)i) * 0x9e3779b97f4a7c15ull + 1;
        l->lines = vms_calloc((size_t)l->sets * l->ways, sizeof *l->lines);
        l->keys = ways_keys_alloc((size_t)l->sets * l->ways, &l->keys_mem);
        size_t nm = 1; /* memo slots: twice the lines (a power of two), at most 4096 */
        while ((i == CACHE_L1D || i == CACHE_L1I) && nm < (size_t)l->sets * l->ways * 2 &&
               nm < 4096)
            nm *= 2;
        l->memo = vms_calloc(nm, sizeof *l->memo);
        l->memo_mask = nm - 1;
        if (!l->lines || !l->keys || !l->memo) {
            caches_fini(c);
            return -VMS_ENOMEM;
        }
    }
    for (int i = 0; i < CACHE_N; i++) {
        int n = i == CACHE_L1D || i == CACHE_L1I ? CACHE_L2 : i + 1;
        while (n < CACHE_N && !c->lvl[n].present)
            n++;
        c->next[i] = n;
    }
    return 0;
}

void caches_fini(struct caches *c)
{
    for (int i = 0; i < CACHE_N; i++) {
        vms_free(c->lvl[i].lines);
        vms_free(c->lvl[i].data);
        vms_free(c->lvl[i].known);
        vms_free(c->lvl[i].keys_mem);
        c->lvl[i].lines = NULL;
        c->lvl[i].keys = NULL;
        c->lvl[i].keys_mem = NULL;
        vms_free(c->lvl[i].memo);
        c->lvl[i].memo = NULL;
        c->lvl[i].data = c->lvl[i].known = NULL;
    }
}

int caches_enable_data(struct caches *c, struct physmem *pm)
{
    c->pm = pm;
    for (int i = 0; i < CACHE_N; i++) {
        struct cache_level *l = &c->lvl[i];
        if (!l->present || l->data)
            continue;
        size_t n = ((size_t)l->sets * l->ways) << l->block_shift;
        l->data = vms_calloc(n, 1);
        l->known = vms_calloc(n, 1);
        if (!l->data || !l->known)
            return -VMS_ENOMEM;
    }
    return 0;
}

struct cache_line *cache_probe(struct cache_level *l, paddr_t pa)
{
    if (!l->present)
        return NULL;
    return cache_find(l, pa >> l->block_shift);
}

/* The rows (keys and lines) of the set of block line_addr at level l, prefetched into the
 * host's caches: the outer levels' sets are far beyond them. */
static void prefetch_set(const struct cache_level *l, uint64_t line_addr)
{
    size_t base = (size_t)(line_addr & l->set_mask) * l->ways;
    const uint64_t *row = &l->keys[base];
    __builtin_prefetch(row);
    if (l->ways > 8)
        __builtin_prefetch(row + 8);
    /* A miss there scans the set's LRU stamps for the victim and rewrites a line: the
     * lines' row too (16 ways: 384 bytes, every 64 bytes from its start; a row that does
     * not start a host line ends in a seventh, not prefetched). */
    const char *ln = (const char *)&l->lines[base];
    for (size_t b = 0; b < l->ways * sizeof *l->lines; b += 64)
        __builtin_prefetch(ln + b);
}

static uint32_t victim(struct cache_level *l, size_t base)
{
    /* An invalid way first (key 0), lowest first. */
    uint64_t m;
    if (LIKELY(ways_scan(&l->keys[base], 0, l->ways, &m))) {
        if (m)
            return ways_first(m);
    } else {
        int inv = ways_find(&l->keys[base], 0, l->ways);
        if (inv >= 0)
            return (uint32_t)inv;
    }
    if (l->repl == REPL_RANDOM) {
        l->rng ^= l->rng << 13;
        l->rng ^= l->rng >> 7;
        l->rng ^= l->rng << 17;
        return (uint32_t)(l->rng % l->ways);
    }
    /* The oldest stamp, without a branch per way (which way is oldest is random: the
     * branch would mispredict about once a scan). */
    const struct cache_line *set = &l->lines[base];
    uint64_t best = 0, oldest = set[0].stamp;
    for (uint32_t w = 1; w < l->ways; w++) {
        uint64_t st = set[w].stamp, lt = 0 - (uint64_t)(st < oldest);
        oldest = (st & lt) | (oldest & ~lt);
        best = (w & lt) | (best & ~lt);
    }
    return (uint32_t)best;
}

static int next_level(const struct caches *c, int i)
{
    return c->next[i];
}

static void write_back(struct caches *c, int from, uint64_t line_addr);

/* The valid line ln is about to change: the memo slot of its block may name it. */
static void memo_forget(struct cache_level *l, const struct cache_line *ln)
{
    struct cache_memo *mo = &l->memo[ln->tag & l->memo_mask];
    if (mo->ln == ln)
        mo->key = 0;
    l->gen++;
}

/* Install line_addr at level i (a miss fill or a write-back from above). */
static void install(struct caches *c, int i, uint64_t line_addr, bool dirty)
{
    struct cache_level *l = &c->lvl[i];
    size_t idx = (size_t)(line_addr & l->set_mask) * l->ways;
    idx += victim(l, idx);
    struct cache_line *ln = &l->lines[idx];
    if (ln->valid) {
        memo_forget(l, ln);
        if (ln->dirty) {
            l->st.writebacks++;
            write_back(c, i, ln->tag);
        }
    }
    *ln = (struct cache_line){.tag = line_addr, .stamp = ++l->clock, .valid = 1, .dirty = dirty};
    l->keys[idx] = line_addr + 1;
    if (l->data) {
        size_t bs = (size_t)1 << l->block_shift;
        size_t off = ((size_t)(ln - l->lines)) << l->block_shift;
        if (c->pm) {
            for (size_t b = 0; b < bs; b++) {
                uint64_t v;
                l->known[off + b] =
                    physmem_read(c->pm, (line_addr << l->block_shift) + b, 1, &v) ? 1 : 0;
                l->data[off + b] = (uint8_t)v;
            }
        } else {
            memset(l->known + off, 0, bs);
        }
    }
}

static void write_back(struct caches *c, int from, uint64_t line_addr)
{
    int n = next_level(c, from);
    if (n >= CACHE_N) {
        c->dram_writes++;
        return;
    }
    struct cache_level *l = &c->lvl[n];
    uint64_t pa = line_addr << c->lvl[from].block_shift;
    struct cache_line *ln = cache_probe(l, pa);
    if (ln)
        ln->dirty = 1;
    else
        install(c, n, pa >> l->block_shift, true);
}

/* caches_access from the first level `first` (present); first_missed: the caller has
 * probed it and found nothing. */
static int access_from(struct caches *c, paddr_t pa, bool write, int first, bool first_missed)
{
    int path[CACHE_N], np = 0;
    path[np++] = first;
    for (int i = next_level(c, first); i < CACHE_N; i = next_level(c, i)) {
        /* The outer levels' sets are often not in the host's caches (an 8 MiB L3 has
         * 1 MiB of keys and 3 MiB of lines): start loading every level's set at once. */
        prefetch_set(&c->lvl[i], pa >> c->lvl[i].block_shift);
        path[np++] = i;
    }
    int hit = -1;
    for (int k = 0; k < np; k++) {
        struct cache_level *l = &c->lvl[path[k]];
        long li = k == 0 && first_missed ? -1 : cache_find_index(l, pa >> l->block_shift);
        if (li >= 0) {
            cache_line_hit(l, &l->lines[li], k == 0 && write);
            hit = k;
            break;
        }
        l->st.misses++;
    }
    if (hit < 0) {
        c->dram_reads++;
        hit = np;
    }
    /* Fill the levels that missed, outermost first, so the block flows inward. */
    for (int k = hit - 1; k >= 0; k--) {
        struct cache_level *l = &c->lvl[path[k]];
        install(c, path[k], pa >> l->block_shift, k == 0 && write);
    }
    return hit < np ? path[hit] : CACHE_N;
}

int caches_access(struct caches *c, paddr_t pa, bool write, bool ifetch)
{
    int first = caches_first(c, ifetch);
    if (first < 0) {
        if (write)
            c->dram_writes++;
        else
            c->dram_reads++;
        return CACHE_N;
    }
    return access_from(c, pa, write, first, false);
}

int caches_access_missed(struct caches *c, paddr_t pa, bool write, bool ifetch)
{
    return access_from(c, pa, write, caches_first(c, ifetch), true);
}

void cache_set_line(struct cache_level *l, uint32_t set, uint32_t way, uint64_t tag, bool valid,
                    bool dirty, const uint8_t *bytes)
{
    if (!l->present || set >= l->sets || way >= l->ways)
        return;
    size_t idx = (size_t)set * l->ways + way;
    struct cache_line *ln = &l->lines[idx];
    if (ln->valid)
        memo_forget(l, ln);
    *ln = (struct cache_line){.tag = (tag << l->set_shift) | set, .stamp = ++l->clock,
                              .valid = valid, .dirty = dirty};
    l->keys[idx] = valid ? ln->tag + 1 : 0;
    /* A placed duplicate may now be the lowest way holding its block. */
    l->memo[ln->tag & l->memo_mask].key = 0;
    l->gen++;
    if (l->data) {
        size_t bs = (size_t)1 << l->block_shift;
        size_t off = ((size_t)set * l->ways + way) << l->block_shift;
        if (bytes) {
            memcpy(l->data + off, bytes, bs);
            memset(l->known + off, 1, bs);
        } else {
            memset(l->known + off, 0, bs);
        }
    }
}

bool cache_read_byte(struct cache_level *l, paddr_t pa, uint8_t *out)
{
    struct cache_line *ln = cache_probe(l, pa);
    if (!ln || !l->data)
        return false;
    size_t off = ((size_t)(ln - l->lines) << l->block_shift) + (pa & (((paddr_t)1 << l->block_shift) - 1));
    if (!l->known[off])
        return false;
    *out = l->data[off];
    return true;
}

/* ---- the kernel's traffic and DMA ---- */

int caches_kernel_access(struct caches *c, paddr_t pa, bool write)
{
    struct cache_stats user[CACHE_N];
    for (int i = 0; i < CACHE_N; i++)
        user[i] = c->lvl[i].st;
    uint64_t reads = c->dram_reads, writes = c->dram_writes;
    int lv = caches_access(c, pa, write, false);
    /* Move what the access counted to the kernel's columns. */
    for (int i = 0; i < CACHE_N; i++) {
        struct cache_stats *s = &c->lvl[i].st;
        c->kst[i].hits += s->hits - user[i].hits;
        c->kst[i].misses += s->misses - user[i].misses;
        c->kst[i].writebacks += s->writebacks - user[i].writebacks;
        *s = user[i];
    }
    c->kdram_reads += c->dram_reads - reads;
    c->kdram_writes += c->dram_writes - writes;
    c->dram_reads = reads;
    c->dram_writes = writes;
    return lv;
}

/* The block size of the level that talks to DRAM (the last present one), 0 without
 * caches: DMA transfers are counted in its blocks. */
static unsigned dram_block_shift(const struct caches *c)
{
    for (int i = CACHE_N - 1; i >= 0; i--)
        if (c->lvl[i].present)
            return c->lvl[i].block_shift;
    return 0;
}

/* Blocks of 2^shift bytes that [pa, pa + len) touches (len > 0). */
static uint64_t blocks_of(paddr_t pa, uint64_t len, unsigned shift)
{
    return ((pa + len - 1) >> shift) - (pa >> shift) + 1;
}

/* Invalidate line ln of l in place: no way holds its block any more. Its tag becomes one
 * no block has (physical line addresses are below 2^64 - 1), so that a struct mmu_last
 * (src/hw/mmu.h), which checks the tag, sees the line as replaced. */
static void line_invalidate(struct cache_level *l, struct cache_line *ln)
{
    memo_forget(l, ln);
    l->keys[ln - l->lines] = 0;
    ln->valid = 0;
    ln->dirty = 0;
    ln->tag = UINT64_MAX;
}

void caches_dma_write(struct caches *c, paddr_t pa, uint64_t len, bool count)
{
    if (!len)
        return;
    for (int i = 0; i < CACHE_N; i++) {
        struct cache_level *l = &c->lvl[i];
        if (!l->present)
            continue;
        uint64_t first = pa >> l->block_shift, n = blocks_of(pa, len, l->block_shift);
        for (uint64_t b = 0; b < n; b++) {
            /* Duplicates exist only in textbook states: drop every way holding it. */
            struct cache_line *ln;
            while ((ln = cache_find(l, first + b)))
                line_invalidate(l, ln);
        }
    }
    unsigned shift = dram_block_shift(c);
    if (count && shift)
        c->kdram_writes += blocks_of(pa, len, shift);
}

void caches_dma_read(struct caches *c, paddr_t pa, uint64_t len)
{
    unsigned shift = dram_block_shift(c);
    if (!len || !shift)
        return;
    uint64_t first = pa >> shift, n = blocks_of(pa, len, shift);
    for (uint64_t b = 0; b < n; b++) {
        paddr_t bpa = (first + b) << shift;
        bool dirty = false;
        for (int i = 0; i < CACHE_N; i++) {
            struct cache_level *l = &c->lvl[i];
            if (!l->present)
                continue;
            /* The level's blocks inside this DRAM block (one when the sizes agree). */
            uint64_t lf = bpa >> l->block_shift, ln_n = blocks_of(bpa, (uint64_t)1 << shift,
                                                                  l->block_shift);
            for (uint64_t j = 0; j < ln_n; j++) {
                struct cache_line *ln = cache_find(l, lf + j);
                if (ln && ln->dirty) {
                    ln->dirty = 0;
                    c->kst[i].writebacks++;
                    dirty = true;
                }
            }
        }
        if (dirty)
            c->kdram_writes++;
        c->kdram_reads++;
    }
}

/* ------------------------------------------------------------------ checkpoints */

void caches_save(const struct caches *c, struct ser *s)
{
    for (int i = 0; i < CACHE_N; i++) {
        const struct cache_level *l = &c->lvl[i];
        size_t n = l->present ? (size_t)l->sets * l->ways : 0;
        ser_u64(s, n);
        if (!n)
            continue;
        ser_u64(s, l->clock);
        ser_u64(s, l->rng);
        ser_u64(s, l->st.hits);
        ser_u64(s, l->st.misses);
        ser_u64(s, l->st.writebacks);
        for (size_t j = 0; j < n; j++) {
            const struct cache_line *ln = &l->lines[j];
            ser_u64(s, ln->tag);
            ser_u64(s, ln->stamp);
            ser_u8(s, (uint8_t)(ln->valid | ln->dirty << 1));
        }
        ser_u8(s, l->data != NULL);
        if (l->data) {
            ser_bytes(s, l->data, n << l->block_shift);
            ser_bytes(s, l->known, n << l->block_shift);
        }
    }
    ser_u64(s, c->dram_reads);
    ser_u64(s, c->dram_writes);
    for (int i = 0; i < CACHE_N; i++) {
        ser_u64(s, c->kst[i].hits);
        ser_u64(s, c->kst[i].misses);
        ser_u64(s, c->kst[i].writebacks);
    }
    ser_u64(s, c->kdram_reads);
    ser_u64(s, c->kdram_writes);
}

void caches_load(struct caches *c, struct deser *d)
{
    for (int i = 0; i < CACHE_N && !d->bad; i++) {
        struct cache_level *l = &c->lvl[i];
        size_t n = l->present ? (size_t)l->sets * l->ways : 0;
        if (deser_u64(d) != n) {
            deser_fail(d, "corrupt checkpoint: a cache of another geometry");
            return;
        }
        if (!n)
            continue;
        l->clock = deser_u64(d);
        l->rng = deser_u64(d);
        l->st.hits = deser_u64(d);
        l->st.misses = deser_u64(d);
        l->st.writebacks = deser_u64(d);
        for (size_t j = 0; j < n && !d->bad; j++) {
            struct cache_line *ln = &l->lines[j];
            ln->tag = deser_u64(d); /* an invalidated line's is UINT64_MAX (DMA) */
            ln->stamp = deser_u64(d);
            uint8_t f = deser_u8(d);
            if (f > 3 || ((f & 1) && (ln->tag == UINT64_MAX ||
                                      (ln->tag & l->set_mask) != j / l->ways)))
                deser_fail(d, "corrupt checkpoint: a cache line");
            ln->valid = f & 1;
            ln->dirty = (f >> 1) & 1;
            l->keys[j] = ln->valid ? ln->tag + 1 : 0;
        }
        if (deser_bool(d) != (l->data != NULL)) {
            deser_fail(d, "corrupt checkpoint: cache data where there is none, or none where "
                          "there is");
            return;
        }
        if (l->data) {
            deser_bytes(d, l->data, n << l->block_shift);
            deser_bytes(d, l->known, n << l->block_shift);
        }
        memset(l->memo, 0, (l->memo_mask + 1) * sizeof *l->memo);
        l->gen++;
    }
    c->dram_reads = deser_u64(d);
    c->dram_writes = deser_u64(d);
    for (int i = 0; i < CACHE_N; i++) {
        c->kst[i].hits = deser_u64(d);
        c->kst[i].misses = deser_u64(d);
        c->kst[i].writebacks = deser_u64(d);
    }
    c->kdram_reads = deser_u64(d);
    c->kdram_writes = deser_u64(d);
}
