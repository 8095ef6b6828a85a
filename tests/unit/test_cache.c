/* Unit tests for src/hw/cache: write-back + write-allocate, dirty bits, write-backs per
 * level, multi-level fills by hand; and the hierarchy against a naive model (explicit
 * per-set lists in MRU / fill order) on long random and real-trace streams. */
#include "hwtest.h"

#include "hw/cache.h"
#include "hw/physmem.h"

static bool mk(struct caches *c, struct cache_cfg l1d, struct cache_cfg l1i, struct cache_cfg l2,
               struct cache_cfg l3, enum repl r)
{
    struct cache_cfg cfg[CACHE_N] = {l1d, l1i, l2, l3};
    return caches_init(c, cfg, r, 1) == 0;
}

static const struct cache_cfg none = {0, 0, 0};

TEST(cache_single_level_write_back)
{
    struct caches c;
    /* 64 bytes, 2 ways, 16-byte blocks: 2 sets; lines 0x00, 0x20, 0x40 share set 0. */
    CHECK(mk(&c, (struct cache_cfg){64, 2, 16}, none, none, none, REPL_LRU));
    struct cache_level *l = &c.lvl[CACHE_L1D];
    CHECK_EQ(l->sets, 2);
    CHECK_EQ(caches_access(&c, 0x00, false, false), CACHE_N);
    CHECK_EQ(caches_access(&c, 0x0f, false, false), CACHE_L1D);
    CHECK_EQ(caches_access(&c, 0x20, true, false), CACHE_N); /* write-allocate */
    CHECK(cache_probe(l, 0x20)->dirty);
    CHECK(!cache_probe(l, 0x00)->dirty);
    CHECK_EQ(caches_access(&c, 0x40, false, false), CACHE_N); /* evicts 0x00, clean */
    CHECK(cache_probe(l, 0x00) == NULL);
    CHECK_EQ(l->st.writebacks, 0);
    CHECK_EQ(c.dram_writes, 0);
    CHECK_EQ(caches_access(&c, 0x00, false, false), CACHE_N); /* evicts 0x20, dirty */
    CHECK_EQ(l->st.writebacks, 1);
    CHECK_EQ(c.dram_writes, 1);
    CHECK(cache_probe(l, 0x20) == NULL);
    /* A write hit dirties the line; a read hit keeps it dirty. */
    CHECK_EQ(caches_access(&c, 0x44, true, false), CACHE_L1D);
    CHECK_EQ(caches_access(&c, 0x48, false, false), CACHE_L1D);
    CHECK(cache_probe(l, 0x40)->dirty);
    /* Set 1 is independent. */
    CHECK_EQ(caches_access(&c, 0x10, true, false), CACHE_N);
    CHECK_EQ(caches_access(&c, 0x30, true, false), CACHE_N);
    CHECK_EQ(caches_access(&c, 0x50, true, false), CACHE_N); /* evicts 0x10, dirty */
    CHECK_EQ(l->st.writebacks, 2);
    CHECK_EQ(l->st.hits, 3);
    CHECK_EQ(l->st.misses, 7);
    CHECK_EQ(c.dram_reads, 7);
    CHECK_EQ(c.dram_writes, 2);
    /* Fetches go to the L1d when there is no L1i. */
    CHECK_EQ(caches_first(&c, true), CACHE_L1D);
    caches_fini(&c);
}

TEST(cache_fifo_and_random)
{
    struct caches c;
    CHECK(mk(&c, (struct cache_cfg){64, 2, 16}, none, none, none, REPL_FIFO));
    struct cache_level *l = &c.lvl[CACHE_L1D];
    caches_access(&c, 0x00, false, false);
    caches_access(&c, 0x20, false, false);
    caches_access(&c, 0x00, false, false); /* hit: FIFO order unchanged */
    caches_access(&c, 0x40, false, false); /* evicts 0x00, the first in */
    CHECK(cache_probe(l, 0x00) == NULL);
    CHECK(cache_probe(l, 0x20) != NULL);
    caches_fini(&c);
    /* Random replacement is reproducible from the seed. */
    struct caches a, b;
    CHECK(mk(&a, (struct cache_cfg){256, 4, 16}, none, none, none, REPL_RANDOM));
    CHECK(mk(&b, (struct cache_cfg){256, 4, 16}, none, none, none, REPL_RANDOM));
    uint64_t s = 9;
    for (int i = 0; i < 20000; i++) {
        paddr_t pa = rng_below(&s, 4096);
        bool w = rng_below(&s, 3) == 0;
        CHECK_EQ(caches_access(&a, pa, w, false), caches_access(&b, pa, w, false));
    }
    CHECK_EQ(a.lvl[0].st.writebacks, b.lvl[0].st.writebacks);
    CHECK(a.lvl[0].st.writebacks > 0);
    caches_fini(&a);
    caches_fini(&b);
}

TEST(cache_multi_level_fill_and_write_back)
{
    struct caches c;
    /* L1: 2 sets x 2 ways; L2: 8 sets x 2 ways; 16-byte blocks. */
    CHECK(mk(&c, (struct cache_cfg){64, 2, 16}, none, (struct cache_cfg){256, 2, 16}, none,
             REPL_LRU));
    struct cache_level *l1 = &c.lvl[CACHE_L1D], *l2 = &c.lvl[CACHE_L2];
    CHECK_EQ(caches_access(&c, 0x00, true, false), CACHE_N);
    CHECK(cache_probe(l1, 0)->dirty);
    CHECK(!cache_probe(l2, 0)->dirty); /* filled clean in the outer level */
    CHECK_EQ(caches_access(&c, 0x20, false, false), CACHE_N);
    CHECK_EQ(caches_access(&c, 0x40, false, false), CACHE_N); /* L1 evicts dirty 0x00 */
    CHECK_EQ(l1->st.writebacks, 1);
    CHECK(cache_probe(l2, 0)->dirty); /* written back into L2, not DRAM */
    CHECK_EQ(c.dram_writes, 0);
    CHECK_EQ(caches_access(&c, 0x00, false, false), CACHE_L2); /* L2 hit refills L1 */
    CHECK(!cache_probe(l1, 0)->dirty);
    CHECK_EQ(l2->st.hits, 1);
    /* L2 set 0 holds lines 0x00, 0x80, 0x100, ...: 0x80 and 0x100 arrive after 0x00's
     * last use, so 0x00 (dirty) is the LRU victim. */
    CHECK_EQ(caches_access(&c, 0x80, false, false), CACHE_N);
    CHECK_EQ(caches_access(&c, 0x100, false, false), CACHE_N);
    CHECK(cache_probe(l2, 0x00) == NULL);
    CHECK_EQ(l2->st.writebacks, 1);
    CHECK_EQ(c.dram_writes, 1);
    /* A dirty L1 victim missing from L2 is installed there dirty. All of 0x1000, 0x1080
     * and 0x1100 map to L1 set 0 and L2 set 0. */
    uint64_t wb1 = l1->st.writebacks, wb2 = l2->st.writebacks;
    CHECK_EQ(caches_access(&c, 0x1000, true, false), CACHE_N);
    CHECK_EQ(caches_access(&c, 0x1080, false, false), CACHE_N);
    /* L2 drops clean 0x1000 (LRU); then L1 drops dirty 0x1000, which goes back into
     * L2 dirty, pushing out 0x1080. */
    CHECK_EQ(caches_access(&c, 0x1100, false, false), CACHE_N);
    CHECK_EQ(l1->st.writebacks, wb1 + 1);
    CHECK_EQ(l2->st.writebacks, wb2);
    CHECK(cache_probe(l1, 0x1000) == NULL);
    CHECK(cache_probe(l2, 0x1000) != NULL && cache_probe(l2, 0x1000)->dirty);
    CHECK(cache_probe(l2, 0x1100) != NULL);
    CHECK(cache_probe(l2, 0x1080) == NULL);
    CHECK(cache_probe(l1, 0x1080) != NULL); /* non-inclusive: L1 keeps what L2 dropped */
    caches_fini(&c);
}

TEST(cache_split_l1_and_three_levels)
{
    struct caches c;
    CHECK(mk(&c, (struct cache_cfg){1024, 2, 64}, (struct cache_cfg){1024, 2, 64},
             (struct cache_cfg){4096, 4, 64}, (struct cache_cfg){16384, 8, 64}, REPL_LRU));
    CHECK_EQ(caches_first(&c, true), CACHE_L1I);
    CHECK_EQ(caches_first(&c, false), CACHE_L1D);
    CHECK_EQ(caches_access(&c, 0x1000, false, true), CACHE_N);
    CHECK(cache_probe(&c.lvl[CACHE_L1I], 0x1000) != NULL);
    CHECK(cache_probe(&c.lvl[CACHE_L1D], 0x1000) == NULL);
    CHECK(cache_probe(&c.lvl[CACHE_L2], 0x1000) != NULL);
    CHECK(cache_probe(&c.lvl[CACHE_L3], 0x1000) != NULL);
    CHECK_EQ(caches_access(&c, 0x1010, false, false), CACHE_L2); /* data side: L2 hit */
    CHECK_EQ(caches_access(&c, 0x1020, false, true), CACHE_L1I);
    CHECK_EQ(c.lvl[CACHE_L1I].st.misses, 1);
    CHECK_EQ(c.lvl[CACHE_L1D].st.misses, 1);
    CHECK_EQ(c.lvl[CACHE_L2].st.misses, 1);
    CHECK_EQ(c.lvl[CACHE_L3].st.misses, 1);
    CHECK_EQ(c.dram_reads, 1);
    caches_fini(&c);
    /* No caches at all: everything is DRAM. */
    CHECK(mk(&c, none, none, none, none, REPL_LRU));
    CHECK_EQ(caches_access(&c, 0x40, true, false), CACHE_N);
    CHECK_EQ(c.dram_writes, 1);
    caches_fini(&c);
}

TEST(cache_data_lines)
{
    struct caches c;
    CHECK(mk(&c, (struct cache_cfg){64, 1, 4}, none, none, none, REPL_LRU));
    struct physmem *pm = physmem_create(6, true);
    physmem_write(pm, 0x354, 1, 0x36);
    CHECK_EQ(caches_enable_data(&c, pm), 0);
    struct cache_level *l = &c.lvl[CACHE_L1D];
    uint8_t b = 0;
    CHECK(!cache_read_byte(l, 0x354, &b));
    caches_access(&c, 0x354, false, false);
    CHECK(cache_read_byte(l, 0x354, &b));
    CHECK_EQ(b, 0x36);
    CHECK(!cache_read_byte(l, 0x355, &b)); /* unknown in memory, unknown in the line */
    /* A textbook line: CT 0x2d, CI 5 holds bytes 0x40..0x43 → PA 0xb54..0xb57. */
    const uint8_t bytes[4] = {0x99, 0x11, 0x23, 0x11};
    cache_set_line(l, 5, 0, 0x2d, true, false, bytes);
    CHECK(cache_probe(l, 0xb56) != NULL);
    CHECK(cache_read_byte(l, 0xb56, &b));
    CHECK_EQ(b, 0x23);
    cache_set_line(l, 6, 0, 0x2d, true, false, NULL);
    CHECK(!cache_read_byte(l, 0xb58, &b));
    caches_fini(&c);
    physmem_destroy(pm);
}

/* ---- differential: the hierarchy against explicit per-set lists ---- */

struct nline {
    uint64_t line;
    bool dirty;
};

struct nlevel {
    bool present;
    uint32_t sets, ways;
    struct nline *l; /* per set: [0] most recently used (LRU) / newest fill (FIFO) */
    uint32_t *n;
    uint64_t hits, misses, writebacks;
};

struct ncache {
    struct nlevel lv[CACHE_N];
    bool fifo;
    uint64_t dram_reads, dram_writes;
};

static void nc_init(struct ncache *n, const struct cache_cfg cfg[CACHE_N], bool fifo)
{
    memset(n, 0, sizeof *n);
    n->fifo = fifo;
    for (int i = 0; i < CACHE_N; i++) {
        if (!cfg[i].size)
            continue;
        struct nlevel *v = &n->lv[i];
        v->present = true;
        v->ways = cfg[i].ways;
        v->sets = (uint32_t)(cfg[i].size / cfg[i].ways / cfg[i].block);
        v->l = calloc((size_t)v->sets * v->ways, sizeof *v->l);
        v->n = calloc(v->sets, sizeof *v->n);
    }
}

static void nc_fini(struct ncache *n)
{
    for (int i = 0; i < CACHE_N; i++) {
        free(n->lv[i].l);
        free(n->lv[i].n);
    }
}

static int nc_next(const struct ncache *n, int i)
{
    i = i <= CACHE_L1I ? CACHE_L2 : i + 1;
    while (i < CACHE_N && !n->lv[i].present)
        i++;
    return i;
}

static int nc_find(struct nlevel *v, uint64_t line)
{
    struct nline *set = &v->l[(line % v->sets) * v->ways];
    for (uint32_t i = 0; i < v->n[line % v->sets]; i++)
        if (set[i].line == line)
            return (int)i;
    return -1;
}

static void nc_install(struct ncache *n, int lvl, uint64_t line, bool dirty);

static void nc_write_back(struct ncache *n, int from, uint64_t line)
{
    int to = nc_next(n, from);
    if (to >= CACHE_N) {
        n->dram_writes++;
        return;
    }
    struct nlevel *v = &n->lv[to];
    int i = nc_find(v, line);
    if (i >= 0)
        v->l[(line % v->sets) * v->ways + (uint32_t)i].dirty = true; /* no reordering */
    else
        nc_install(n, to, line, true);
}

static void nc_install(struct ncache *n, int lvl, uint64_t line, bool dirty)
{
    struct nlevel *v = &n->lv[lvl];
    uint32_t s = (uint32_t)(line % v->sets);
    struct nline *set = &v->l[(size_t)s * v->ways];
    if (v->n[s] == v->ways) {
        struct nline victim = set[--v->n[s]];
        if (victim.dirty) {
            v->writebacks++;
            nc_write_back(n, lvl, victim.line);
        }
    }
    memmove(&set[1], &set[0], v->n[s] * sizeof *set);
    set[0] = (struct nline){line, dirty};
    v->n[s]++;
}

static int nc_access(struct ncache *n, uint64_t line, bool write, bool ifetch)
{
    int path[CACHE_N], np = 0;
    int first = ifetch && n->lv[CACHE_L1I].present ? CACHE_L1I : CACHE_L1D;
    for (int i = first; i < CACHE_N; i = nc_next(n, i))
        path[np++] = i;
    int hit = np;
    for (int k = 0; k < np; k++) {
        struct nlevel *v = &n->lv[path[k]];
        int i = nc_find(v, line);
        if (i >= 0) {
            struct nline *set = &v->l[(line % v->sets) * v->ways];
            struct nline ln = set[i];
            if (k == 0 && write)
                ln.dirty = true;
            if (!n->fifo) {
                memmove(&set[1], &set[0], (size_t)i * sizeof *set);
                set[0] = ln;
            } else {
                set[i] = ln;
            }
            v->hits++;
            hit = k;
            break;
        }
        v->misses++;
    }
    if (hit == np)
        n->dram_reads++;
    for (int k = hit - 1; k >= 0; k--)
        nc_install(n, path[k], line, k == 0 && write);
    return hit < np ? path[hit] : CACHE_N;
}

static int by_stamp_desc(const void *a, const void *b)
{
    const struct cache_line *x = a, *y = b;
    return x->stamp < y->stamp ? 1 : x->stamp > y->stamp ? -1 : 0;
}

/* One set of one level: the same lines, in the same recency order, same dirty bits. */
static bool same_set(struct cache_level *l, struct nlevel *v, uint32_t s)
{
    struct cache_line got[64];
    uint32_t k = 0;
    for (uint32_t w = 0; w < l->ways && w < 64; w++)
        if (l->lines[(size_t)s * l->ways + w].valid)
            got[k++] = l->lines[(size_t)s * l->ways + w];
    if (k != v->n[s])
        return false;
    qsort(got, k, sizeof got[0], by_stamp_desc);
    for (uint32_t i = 0; i < k; i++) {
        struct nline *want = &v->l[(size_t)s * v->ways + i];
        if (got[i].tag != want->line || got[i].dirty != want->dirty)
            return false;
    }
    return true;
}

struct cref {
    uint64_t pa;
    bool write, ifetch;
};

static void cache_differential(const struct cref *refs, size_t n, enum repl r, const char *what)
{
    const struct cache_cfg cfg[CACHE_N] = {
        {1024, 2, 64}, {1024, 4, 64}, {4096, 4, 64}, {16384, 8, 64}};
    struct caches c;
    struct ncache nc;
    CHECK_EQ(caches_init(&c, cfg, r, 1), 0);
    nc_init(&nc, cfg, r == REPL_FIFO);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        int got = caches_access(&c, refs[i].pa, refs[i].write, refs[i].ifetch);
        int want = nc_access(&nc, refs[i].pa >> 6, refs[i].write, refs[i].ifetch);
        if (got != want) {
            harness_fail(__FILE__, __LINE__, "%s: access %zu pa 0x%llx: level %d, naive %d", what,
                         i, (unsigned long long)refs[i].pa, got, want);
            ok = false;
        }
        /* The sets this access touched, at every level; everything now and then. */
        bool all = i % 65536 == 0 || i == n - 1;
        for (int lv = 0; lv < CACHE_N && ok; lv++) {
            struct cache_level *l = &c.lvl[lv];
            uint32_t s0 = all ? 0 : (uint32_t)((refs[i].pa >> 6) & l->set_mask);
            uint32_t s1 = all ? l->sets : s0 + 1;
            for (uint32_t s = s0; s < s1 && ok; s++)
                if (!same_set(l, &nc.lv[lv], s)) {
                    harness_fail(__FILE__, __LINE__, "%s: access %zu: %s set %u differs", what, i,
                                 cache_name(lv), s);
                    ok = false;
                }
        }
    }
    for (int lv = 0; lv < CACHE_N; lv++) {
        CHECK_EQ(c.lvl[lv].st.hits, nc.lv[lv].hits);
        CHECK_EQ(c.lvl[lv].st.misses, nc.lv[lv].misses);
        CHECK_EQ(c.lvl[lv].st.writebacks, nc.lv[lv].writebacks);
        CHECK(c.lvl[lv].st.hits > 0 && c.lvl[lv].st.misses > 0);
    }
    CHECK(c.lvl[CACHE_L1D].st.writebacks > 0 && c.lvl[CACHE_L3].st.writebacks > 0);
    CHECK_EQ(c.dram_reads, nc.dram_reads);
    CHECK_EQ(c.dram_writes, nc.dram_writes);
    caches_fini(&c);
    nc_fini(&nc);
}

TEST(cache_differential_random_stream)
{
    enum { N = 1000000 };
    struct cref *refs = malloc(N * sizeof *refs);
    uint64_t s = 77;
    for (size_t i = 0; i < N; i++) {
        uint64_t r = rng_below(&s, 10);
        uint64_t pa = r < 5 ? rng_below(&s, 8192) : r < 8 ? (i * 8) % 40000 : rng_below(&s, 1u << 22);
        bool ifetch = rng_below(&s, 5) == 0;
        refs[i] = (struct cref){pa, !ifetch && rng_below(&s, 3) == 0, ifetch};
    }
    cache_differential(refs, N, REPL_LRU, "random lru");
    cache_differential(refs, N, REPL_FIFO, "random fifo");
    free(refs);
}

TEST(cache_differential_real_trace)
{
    struct lackey_rec *recs;
    size_t n = lackey_load(&recs);
    CHECK(n > 150000);
    if (!n)
        return;
    struct cref *refs = malloc(2 * n * sizeof *refs);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t pa = recs[i].addr & mask_bits(40);
        if (recs[i].kind == 'M') { /* modify: a load then a store */
            refs[k++] = (struct cref){pa, false, false};
            refs[k++] = (struct cref){pa, true, false};
        } else {
            refs[k++] = (struct cref){pa, recs[i].kind == 'S', recs[i].kind == 'I'};
        }
    }
    cache_differential(refs, k, REPL_LRU, "mm trace lru");
    cache_differential(refs, k, REPL_FIFO, "mm trace fifo");
    free(refs);
    free(recs);
}

/* The lookup keys mirror the lines (tag + 1 of a valid line, 0 otherwise), and a probe
 * finds what a scan of the lines finds, through misses, write-backs, textbook placements
 * (duplicates and invalid lines included) and more ways than the branch-free scan's 32. */
TEST(cache_keys_mirror_lines)
{
    static const struct cache_cfg geo[][CACHE_N] = {
        {{1024, 2, 64}, {1024, 4, 64}, {4096, 8, 64}, {16384, 16, 64}},
        {{512, 1, 32}, {0, 0, 0}, {3072, 12, 64}, {8192, 64, 64}}};
    uint64_t s = 5;
    for (size_t g = 0; g < ARRAY_LEN(geo); g++)
        for (enum repl r = REPL_LRU; r <= REPL_RANDOM; r++) {
            struct caches c;
            CHECK_EQ(caches_init(&c, geo[g], r, 3), 0);
            bool ok = true;
            for (int i = 0; i < 50000 && ok; i++) {
                uint64_t pa = rng_below(&s, 1u << 16);
                int lv = (int)rng_below(&s, CACHE_N);
                struct cache_level *l = &c.lvl[lv];
                if (rng_below(&s, 50) == 0 && l->present) {
                    cache_set_line(l, (uint32_t)rng_below(&s, l->sets),
                                   (uint32_t)rng_below(&s, l->ways), rng_below(&s, 8),
                                   rng_below(&s, 4) != 0, false, NULL);
                } else {
                    caches_access(&c, pa, rng_below(&s, 3) == 0, rng_below(&s, 4) == 0);
                }
                for (int v = 0; v < CACHE_N && ok; v++) {
                    struct cache_level *m = &c.lvl[v];
                    if (!m->present)
                        continue;
                    for (size_t k = 0; k < (size_t)m->sets * m->ways; k++)
                        ok &= m->keys[k] == (m->lines[k].valid ? m->lines[k].tag + 1 : 0);
                    uint64_t tag = pa >> m->block_shift;
                    struct cache_line *want = NULL;
                    for (uint32_t w = 0; w < m->ways && !want; w++) {
                        struct cache_line *ln = &m->lines[(tag & m->set_mask) * m->ways + w];
                        if (ln->valid && ln->tag == tag)
                            want = ln;
                    }
                    ok &= cache_probe(m, pa) == want;
                }
                if (!ok)
                    harness_fail(__FILE__, __LINE__, "geometry %zu repl %d: step %d", g, (int)r, i);
            }
            caches_fini(&c);
        }
}

/* cache_l1_hit (the MMU's hit path, with its memo of the last line hit) against the same
 * effects spelled out on a twin hierarchy: runs of accesses to one line, fills that
 * evict the memo's line, textbook placements over it, stores and loads. Every line
 * (tag, valid, dirty, stamp) and every counter must stay identical. */
TEST(cache_l1_hit_memo_matches_probe)
{
    const struct cache_cfg cfg[CACHE_N] = {{512, 2, 64}, {0, 0, 0}, {2048, 4, 64}, {0, 0, 0}};
    for (enum repl r = REPL_LRU; r <= REPL_RANDOM; r++) {
        struct caches a, b;
        CHECK_EQ(caches_init(&a, cfg, r, 9), 0);
        CHECK_EQ(caches_init(&b, cfg, r, 9), 0);
        uint64_t s = 11, pa = 0;
        bool ok = true;
        for (int i = 0; i < 200000 && ok; i++) {
            uint64_t op = rng_below(&s, 100);
            if (op < 60)
                pa += rng_below(&s, 24); /* runs within a line, sometimes the next one */
            else if (op < 97)
                pa = rng_below(&s, 1u << 13);
            bool w = rng_below(&s, 4) == 0;
            if (op >= 97) {
                uint32_t set = (uint32_t)rng_below(&s, a.lvl[CACHE_L1D].sets);
                uint32_t way = (uint32_t)rng_below(&s, a.lvl[CACHE_L1D].ways);
                uint64_t tag = rng_below(&s, 32);
                bool valid = rng_below(&s, 3) != 0;
                cache_set_line(&a.lvl[CACHE_L1D], set, way, tag, valid, w, NULL);
                cache_set_line(&b.lvl[CACHE_L1D], set, way, tag, valid, w, NULL);
                continue;
            }
            if (!cache_l1_hit(&a.lvl[CACHE_L1D], pa, w))
                caches_access(&a, pa, w, false);
            struct cache_level *l = &b.lvl[CACHE_L1D];
            struct cache_line *ln = cache_probe(l, pa);
            if (ln) {
                if (l->repl == REPL_LRU)
                    ln->stamp = ++l->clock;
                ln->dirty |= w;
                l->st.hits++;
            } else {
                caches_access(&b, pa, w, false);
            }
            for (int lv = 0; lv < CACHE_N && ok; lv++) {
                const struct cache_level *x = &a.lvl[lv], *y = &b.lvl[lv];
                ok &= x->st.hits == y->st.hits && x->st.misses == y->st.misses &&
                      x->st.writebacks == y->st.writebacks && x->clock == y->clock;
                for (size_t k = 0; k < (size_t)x->sets * x->ways && ok; k++)
                    ok &= x->lines[k].tag == y->lines[k].tag &&
                          x->lines[k].valid == y->lines[k].valid &&
                          x->lines[k].dirty == y->lines[k].dirty &&
                          x->lines[k].stamp == y->lines[k].stamp;
            }
            ok &= a.dram_reads == b.dram_reads && a.dram_writes == b.dram_writes;
            if (!ok)
                harness_fail(__FILE__, __LINE__, "repl %d: step %d pa 0x%llx differs", (int)r, i,
                             (unsigned long long)pa);
        }
        caches_fini(&a);
        caches_fini(&b);
    }
}
