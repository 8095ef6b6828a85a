/* Unit tests for src/hw/tlb and the MMU's TLB hierarchy: replacement against
 * hand-computed sequences, ASID/global tags, invalidation, PCID across CR3 loads, the
 * L2 refill path, stale entries; and each replacement policy against a naive model
 * (explicit per-set lists) on long random and real-trace streams. */
#include "hwtest.h"

#include "api/machine.h"

static const unsigned shifts[PSZ_N] = {12, 21, 30};

static bool mk(struct tlb *t, uint32_t entries, uint32_t ways, enum repl r, uint64_t seed)
{
    struct tlb_cfg cfg[PSZ_N] = {{entries, ways}, {0, 0}, {0, 0}};
    return tlb_init(t, cfg, shifts, r, seed) == 0;
}

/* Look vpn up; on a miss fill it. Returns the evicted vpn + 1, 0 on none, -1 on a hit. */
static int64_t touch(struct tlb *t, uint64_t vpn, uint16_t asid)
{
    int psz;
    if (tlb_lookup(t, vpn << 12, asid, &psz))
        return -1;
    struct tlb_entry ev;
    tlb_fill(t, PSZ_BASE, vpn << 12, vpn + 100, 0, asid, &ev);
    return ev.valid ? (int64_t)ev.vpn + 1 : 0;
}

TEST(tlb_lru_hand_computed)
{
    struct tlb t;
    CHECK(mk(&t, 4, 2, REPL_LRU, 1)); /* 2 sets x 2 ways; even vpns share set 0 */
    CHECK_EQ(touch(&t, 0, 1), 0);
    CHECK_EQ(touch(&t, 2, 1), 0);
    CHECK_EQ(touch(&t, 0, 1), -1);     /* 0 becomes MRU */
    CHECK_EQ(touch(&t, 4, 1), 2 + 1);  /* LRU victim: 2 */
    CHECK_EQ(touch(&t, 1, 1), 0);      /* set 1 untouched so far */
    CHECK_EQ(touch(&t, 2, 1), 0 + 1);  /* victim 0 (4 is newer) */
    CHECK_EQ(touch(&t, 4, 1), -1);
    CHECK_EQ(touch(&t, 6, 1), 2 + 1);
    CHECK_EQ(touch(&t, 4, 1), -1);
    CHECK_EQ(touch(&t, 6, 1), -1);
    CHECK_EQ(touch(&t, 8, 1), 4 + 1);
    /* tlb_probe does not refresh: 6 stays older than 8. */
    int psz;
    CHECK(tlb_probe(&t, 6 << 12, 1, &psz) != NULL);
    CHECK_EQ(touch(&t, 10, 1), 6 + 1);
    struct tlb_entry *e = tlb_probe(&t, 10 << 12, 1, &psz);
    CHECK(e && e->pfn == 110 && psz == PSZ_BASE);
    tlb_fini(&t);
}

TEST(tlb_fifo_hand_computed)
{
    struct tlb t;
    CHECK(mk(&t, 4, 2, REPL_FIFO, 1));
    CHECK_EQ(touch(&t, 0, 1), 0);
    CHECK_EQ(touch(&t, 2, 1), 0);
    CHECK_EQ(touch(&t, 0, 1), -1);    /* a hit does not reorder */
    CHECK_EQ(touch(&t, 4, 1), 0 + 1); /* first in: 0 */
    CHECK_EQ(touch(&t, 2, 1), -1);
    CHECK_EQ(touch(&t, 6, 1), 2 + 1);
    CHECK_EQ(touch(&t, 0, 1), 4 + 1);
    CHECK_EQ(touch(&t, 6, 1), -1);
    CHECK_EQ(touch(&t, 8, 1), 6 + 1);
    /* Re-filling a present page replaces it in place, and restarts its FIFO age. */
    tlb_fill(&t, PSZ_BASE, 0, 555, TLBF_W, 1, NULL);
    int psz;
    CHECK_EQ(tlb_probe(&t, 0, 1, &psz)->pfn, 555);
    CHECK_EQ(touch(&t, 10, 1), 8 + 1);
    tlb_fini(&t);
}

TEST(tlb_random_is_seeded)
{
    struct tlb a, b, c;
    CHECK(mk(&a, 16, 4, REPL_RANDOM, 7));
    CHECK(mk(&b, 16, 4, REPL_RANDOM, 7));
    CHECK(mk(&c, 16, 4, REPL_RANDOM, 8));
    uint64_t s = 3;
    int differ = 0;
    for (int i = 0; i < 5000; i++) {
        uint64_t vpn = rng_below(&s, 64);
        int64_t ea = touch(&a, vpn, 1), eb = touch(&b, vpn, 1), ec = touch(&c, vpn, 1);
        CHECK_EQ(ea, eb);
        differ += ea != ec;
        /* Invalid ways are filled first: no eviction until a set is full. */
        if (ea > 0)
            CHECK_EQ((uint64_t)(ea - 1) & 3, vpn & 3);
    }
    CHECK(differ > 0);
    tlb_fini(&a);
    tlb_fini(&b);
    tlb_fini(&c);
}

TEST(tlb_asid_global_and_flushes)
{
    struct tlb t;
    CHECK(mk(&t, 16, 4, REPL_LRU, 1));
    int psz;
    tlb_fill(&t, PSZ_BASE, 0x1000, 1, 0, 1, NULL);
    tlb_fill(&t, PSZ_BASE, 0x1000, 2, 0, 2, NULL); /* same page, other space */
    tlb_fill(&t, PSZ_BASE, 0x2000, 3, TLBF_G, 1, NULL);
    tlb_fill(&t, PSZ_BASE, 0x3000, 4, 0, 1, NULL);
    CHECK_EQ(tlb_lookup(&t, 0x1000, 1, &psz)->pfn, 1);
    CHECK_EQ(tlb_lookup(&t, 0x1fff, 2, &psz)->pfn, 2);
    CHECK(tlb_lookup(&t, 0x1000, 3, &psz) == NULL);
    CHECK_EQ(tlb_lookup(&t, 0x2000, 3, &psz)->pfn, 3); /* global: every space */
    /* Flush one space's non-global entries. */
    CHECK_EQ(tlb_flush_nonglobal(&t, 1), 2);
    CHECK(tlb_lookup(&t, 0x1000, 1, &psz) == NULL);
    CHECK(tlb_lookup(&t, 0x3000, 1, &psz) == NULL);
    CHECK(tlb_lookup(&t, 0x1000, 2, &psz) != NULL);
    CHECK(tlb_lookup(&t, 0x2000, 1, &psz) != NULL);
    /* All spaces: globals survive. */
    CHECK_EQ(tlb_flush_nonglobal(&t, -1), 1);
    CHECK(tlb_lookup(&t, 0x1000, 2, &psz) == NULL);
    CHECK(tlb_lookup(&t, 0x2000, 5, &psz) != NULL);
    CHECK_EQ(t.arr[PSZ_BASE].nvalid, 1);
    /* INVLPG drops the page for the space, and a global translation of it. */
    tlb_fill(&t, PSZ_BASE, 0x5000, 5, 0, 1, NULL);
    tlb_fill(&t, PSZ_BASE, 0x5000, 6, 0, 2, NULL);
    CHECK_EQ(tlb_invalidate_page(&t, 0x5abc, 1), 1);
    CHECK(tlb_lookup(&t, 0x5000, 2, &psz) != NULL);
    CHECK_EQ(tlb_invalidate_page(&t, 0x2000, 9), 1);
    CHECK(tlb_lookup(&t, 0x2000, 1, &psz) == NULL);
    CHECK_EQ(tlb_invalidate_page(&t, 0x9000, 1), 0);
    tlb_flush_all(&t);
    CHECK(tlb_lookup(&t, 0x5000, 2, &psz) == NULL);
    CHECK_EQ(t.arr[PSZ_BASE].nvalid, 0);
    tlb_fini(&t);
}

TEST(tlb_page_size_arrays)
{
    struct tlb t;
    struct tlb_cfg cfg[PSZ_N] = {{16, 4}, {8, 2}, {4, 4}};
    CHECK_EQ(tlb_init(&t, cfg, shifts, REPL_LRU, 1), 0);
    int psz = -1;
    tlb_fill(&t, PSZ_MID, 0x40200000ull, 0x400, 0, 1, NULL);
    tlb_fill(&t, PSZ_BIG, 0x80000000ull, 0x80000, 0, 1, NULL);
    struct tlb_entry *e = tlb_lookup(&t, 0x403fffffull, 1, &psz);
    CHECK(e && psz == PSZ_MID && e->vpn == 0x40200000ull >> 21);
    e = tlb_lookup(&t, 0xbfffffffull, 1, &psz);
    CHECK(e && psz == PSZ_BIG && e->pfn == 0x80000);
    CHECK(tlb_lookup(&t, 0x40400000ull, 1, &psz) == NULL);
    CHECK_EQ(tlb_invalidate_page(&t, 0x40212345ull, 1), 1);
    CHECK(tlb_lookup(&t, 0x40200000ull, 1, &psz) == NULL);
    /* tlb_set_entry places an entry exactly; call order is the LRU order. */
    tlb_set_entry(&t, PSZ_BASE, 3, 0, 3, 33, 0, 1, true);
    tlb_set_entry(&t, PSZ_BASE, 3, 1, 7, 77, 0, 1, true);
    tlb_set_entry(&t, PSZ_BASE, 3, 2, 11, 111, 0, 1, true);
    tlb_set_entry(&t, PSZ_BASE, 3, 3, 15, 151, 0, 1, true);
    tlb_set_entry(&t, PSZ_BASE, 99, 0, 1, 1, 0, 1, true); /* out of range: ignored */
    CHECK_EQ(t.arr[PSZ_BASE].nvalid, 4);
    struct tlb_entry ev;
    tlb_fill(&t, PSZ_BASE, 19ull << 12, 191, 0, 1, &ev);
    CHECK(ev.valid && ev.vpn == 3);
    tlb_fini(&t);
}

/* ---- the MMU's TLB hierarchy ---- */

static struct vms_machine *machine(const char *preset, const char *kv)
{
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create(preset, &c, &e))
        return NULL;
    if (kv && vms_config_set_kv(c, kv, &e)) {
        vms_config_destroy(c);
        return NULL;
    }
    struct vms_machine *vm;
    vms_machine_create(c, &vm, &e);
    vms_config_destroy(c);
    return vm;
}

static void pcid_case(bool pcid)
{
    struct vms_machine *vm = machine("core-i7", pcid ? "pcid=on" : "pcid=off");
    CHECK(vm != NULL);
    if (!vm)
        return;
    struct vms_error e = {0};
    int a = vms_space_create(vm, &e), b = vms_space_create(vm, &e);
    CHECK(a == 0 && b == 1);
    for (int p = 0; p < 8; p++) {
        CHECK_EQ(vms_map(vm, a, 0x10000 + 0x1000 * p, 0x100000 + 0x1000 * p, 4096, 3, 0, &e), 0);
        CHECK_EQ(vms_map(vm, b, 0x10000 + 0x1000 * p, 0x200000 + 0x1000 * p, 4096, 3, 0, &e), 0);
    }
    CHECK_EQ(vms_map(vm, a, 0x90000, 0x300000, 4096, 3, VMS_MAP_GLOBAL, &e), 0);
    struct mmu *m = &vm->mmu;
    uint64_t v;
    struct vms_fault f;
    for (int p = 0; p < 8; p++)
        CHECK_EQ(vms_load(vm, 0x10000 + 0x1000 * p, 8, &v, &f, &e), 0);
    CHECK_EQ(vms_load(vm, 0x90000, 8, &v, &f, &e), 0);
    CHECK_EQ(m->st.walks, 9);
    vms_space_switch(vm, b, &e);
    CHECK_EQ(vms_store(vm, 0x10000, 8, 0xbb, &f, &e), 0);
    CHECK_EQ(m->st.walks, 10);
    CHECK_EQ(vms_load(vm, 0x90000, 8, &v, &f, &e), 0); /* global: no walk */
    CHECK_EQ(m->st.walks, 10);
    vms_space_switch(vm, a, &e);
    uint64_t hits = m->st.tlb_hits[TLB_L1D], walks = m->st.walks;
    for (int p = 0; p < 8; p++) {
        CHECK_EQ(vms_load(vm, 0x10000 + 0x1000 * p, 8, &v, &f, &e), 0);
        CHECK_EQ(v, 0); /* space a's frames, not b's */
    }
    if (pcid) {
        CHECK_EQ(m->st.tlb_hits[TLB_L1D] - hits, 8);
        CHECK_EQ(m->st.walks, walks);
    } else {
        CHECK_EQ(m->st.tlb_hits[TLB_L1D] - hits, 0);
        CHECK_EQ(m->st.walks - walks, 8);
    }
    vms_space_switch(vm, b, &e);
    CHECK_EQ(vms_load(vm, 0x10000, 8, &v, &f, &e), 0);
    CHECK_EQ(v, 0xbb);
    vms_machine_destroy(vm);
}

TEST(tlb_pcid_keeps_entries_across_a_switch)
{
    pcid_case(true);
    pcid_case(false);
}

TEST(tlb_l2_refill_path)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, NULL));
    /* L1 d-TLB 64/4: 16 sets; L2 512/4: 128 sets. Five pages 16 apart share an L1 set. */
    for (int i = 0; i < 5; i++)
        CHECK_EQ(hwm_map(&h, (vaddr_t)(16 * i) << 12, PSZ_BASE, 100 + i, true, true, false, false), 0);
    struct xlate x;
    for (int i = 0; i < 5; i++)
        CHECK_EQ(mmu_translate(&h.m, (vaddr_t)(16 * i) << 12, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(h.m.st.walks, 5);
    int psz;
    CHECK(tlb_probe(&h.m.tlb[TLB_L1D], 0, h.m.asid, &psz) == NULL);  /* evicted from L1 */
    CHECK(tlb_probe(&h.m.tlb[TLB_L2], 0, h.m.asid, &psz) != NULL);   /* still in L2 */
    uint64_t l2hits = h.m.st.tlb_hits[TLB_L2];
    CHECK_EQ(mmu_translate(&h.m, 0x123, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, (100 << 12) + 0x123);
    CHECK_EQ(x.tlb_level, 1);
    CHECK(!x.walked);
    CHECK_EQ(h.m.st.walks, 5);
    CHECK_EQ(h.m.st.tlb_hits[TLB_L2] - l2hits, 1);
    CHECK(tlb_probe(&h.m.tlb[TLB_L1D], 0, h.m.asid, &psz) != NULL); /* refilled */
    CHECK_EQ(mmu_translate(&h.m, 0x123, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.tlb_level, 0);
    /* Fetches use the I-TLB; the L2 serves both. */
    CHECK_EQ(mmu_translate(&h.m, 0x10000, ACCESS_FETCH, &x), XL_OK);
    CHECK_EQ(x.tlb_level, 1);
    CHECK(tlb_probe(&h.m.tlb[TLB_L1I], 0x10000, h.m.asid, &psz) != NULL);
    /* A 2 MiB translation lands in the 2 MiB arrays (L1 d-TLB only: no 2M L2 array). */
    CHECK_EQ(hwm_map(&h, 0x40000000ull, PSZ_MID, 0x400, true, true, false, false), 0);
    CHECK_EQ(mmu_translate(&h.m, 0x40012345ull, ACCESS_LOAD, &x), XL_OK);
    CHECK(tlb_probe(&h.m.tlb[TLB_L1D], 0x401fffffull, h.m.asid, &psz) != NULL && psz == PSZ_MID);
    CHECK_EQ(mmu_translate(&h.m, 0x401fffffull, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.tlb_level, 0);
    CHECK_EQ(x.pa, 0x5fffffull);
    hwm_fini(&h);
}

TEST(tlb_stale_entries)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, NULL));
    CHECK_EQ(hwm_map(&h, 0x5000, PSZ_BASE, 7, false, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(mmu_translate(&h.m, 0x5000, ACCESS_LOAD, &x), XL_OK);
    /* The kernel makes the page writable but does not invalidate: the TLB still says
     * read-only, so the store faults from the stale entry — and drops it. */
    int lpsz;
    paddr_t pte = pt_lookup(&h.m, h.root, 0x5000, &lpsz);
    pt_write(&h.m, pte, pt_read(&h.m, pte) | X86_RW);
    uint64_t walks = h.m.st.walks;
    CHECK_EQ(mmu_translate(&h.m, 0x5000, ACCESS_STORE, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_WRITE);
    CHECK(!x.walked);
    CHECK_EQ(h.m.st.walks, walks);
    int psz;
    CHECK(tlb_probe(&h.m.tlb[TLB_L1D], 0x5000, h.m.asid, &psz) == NULL);
    CHECK(tlb_probe(&h.m.tlb[TLB_L2], 0x5000, h.m.asid, &psz) == NULL);
    /* The retry walks and succeeds, setting D. */
    CHECK_EQ(mmu_translate(&h.m, 0x5000, ACCESS_STORE, &x), XL_OK);
    CHECK(x.walked);
    CHECK(pt_read(&h.m, pte) & X86_D);
    /* A store to a clean writable page walks again to set D, then hits. */
    CHECK_EQ(hwm_map(&h, 0x6000, PSZ_BASE, 8, true, true, false, false), 0);
    CHECK_EQ(mmu_translate(&h.m, 0x6000, ACCESS_LOAD, &x), XL_OK);
    paddr_t pte6 = pt_lookup(&h.m, h.root, 0x6000, &lpsz);
    CHECK(!(pt_read(&h.m, pte6) & X86_D));
    walks = h.m.st.walks;
    CHECK_EQ(mmu_translate(&h.m, 0x6008, ACCESS_STORE, &x), XL_OK);
    CHECK_EQ(h.m.st.walks - walks, 1);
    CHECK(pt_read(&h.m, pte6) & X86_D);
    CHECK_EQ(mmu_translate(&h.m, 0x6010, ACCESS_STORE, &x), XL_OK);
    CHECK_EQ(h.m.st.walks - walks, 1);
    /* A not-present fault leaves no entry; invlpg after unmapping forgets the page. */
    pt_write(&h.m, pte6, 0);
    CHECK_EQ(mmu_translate(&h.m, 0x6000, ACCESS_LOAD, &x), XL_OK); /* stale but allowed */
    mmu_invlpg(&h.m, 0x6000, 1);
    CHECK_EQ(mmu_translate(&h.m, 0x6000, ACCESS_LOAD, &x), XL_NOT_PRESENT);
    CHECK_EQ(x.level, 4);
    CHECK(tlb_probe(&h.m.tlb[TLB_L1D], 0x6000, h.m.asid, &psz) == NULL);
    hwm_fini(&h);
}

/* ---- differential: the TLB against explicit per-set lists ---- */

struct naive_tlb {
    uint32_t sets, ways;
    uint64_t *list; /* per set: `ways` slots, [0] = most recent (LRU) / newest (FIFO) */
    uint32_t *n;
    bool fifo;
};

static void naive_init(struct naive_tlb *t, uint32_t sets, uint32_t ways, bool fifo)
{
    t->sets = sets;
    t->ways = ways;
    t->fifo = fifo;
    t->list = calloc((size_t)sets * ways, sizeof *t->list);
    t->n = calloc(sets, sizeof *t->n);
}

/* -1 hit, 0 miss without eviction, victim + 1 otherwise. */
static int64_t naive_touch(struct naive_tlb *t, uint64_t vpn)
{
    uint32_t s = (uint32_t)(vpn % t->sets);
    uint64_t *l = &t->list[(size_t)s * t->ways];
    for (uint32_t i = 0; i < t->n[s]; i++)
        if (l[i] == vpn) {
            if (!t->fifo) {
                memmove(&l[1], &l[0], i * sizeof *l);
                l[0] = vpn;
            }
            return -1;
        }
    int64_t victim = 0;
    if (t->n[s] == t->ways)
        victim = (int64_t)l[--t->n[s]] + 1;
    memmove(&l[1], &l[0], t->n[s] * sizeof *l);
    l[0] = vpn;
    t->n[s]++;
    return victim;
}

static void naive_fini(struct naive_tlb *t)
{
    free(t->list);
    free(t->n);
}

/* Run vpns through the TLB and the naive model; every outcome and victim equal. */
static void differential(enum repl r, uint32_t entries, uint32_t ways, const uint64_t *vpns,
                         size_t n, const char *what)
{
    struct tlb t;
    struct naive_tlb nt;
    CHECK(mk(&t, entries, ways, r, 1));
    naive_init(&nt, entries / ways, ways, r == REPL_FIFO);
    uint64_t hits = 0, evictions = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t got = touch(&t, vpns[i], 1), want = naive_touch(&nt, vpns[i]);
        if (got != want) {
            harness_fail(__FILE__, __LINE__, "%s %s %u:%u: access %zu vpn 0x%llx: tlb %lld, naive %lld",
                         what, r == REPL_FIFO ? "fifo" : "lru", entries, ways, i,
                         (unsigned long long)vpns[i], (long long)got, (long long)want);
            break;
        }
        hits += got < 0;
        evictions += got > 0;
    }
    CHECK(hits > 0 && evictions > 0);
    naive_fini(&nt);
    tlb_fini(&t);
}

TEST(tlb_differential_random_stream)
{
    enum { N = 1000000 };
    uint64_t *vpns = malloc(N * sizeof *vpns);
    uint64_t s = 2024;
    /* A mix of a hot set, a loop and cold pages, so that every set sees every case. */
    for (size_t i = 0; i < N; i++) {
        uint64_t r = rng_below(&s, 10);
        vpns[i] = r < 5 ? rng_below(&s, 48) : r < 8 ? (i / 3) % 300 : rng_below(&s, 1u << 20);
    }
    differential(REPL_LRU, 64, 4, vpns, N, "random");
    differential(REPL_FIFO, 64, 4, vpns, N, "random");
    differential(REPL_LRU, 16, 16, vpns, N, "random");
    differential(REPL_FIFO, 512, 8, vpns, N, "random");
    free(vpns);
}

TEST(tlb_differential_real_trace)
{
    struct lackey_rec *recs;
    size_t n = lackey_load(&recs);
    CHECK(n > 150000);
    if (!n)
        return;
    uint64_t *vpns = malloc(n * sizeof *vpns);
    for (size_t i = 0; i < n; i++)
        vpns[i] = recs[i].addr >> 12;
    differential(REPL_LRU, 64, 4, vpns, n, "mm trace");
    differential(REPL_FIFO, 64, 4, vpns, n, "mm trace");
    differential(REPL_LRU, 8, 2, vpns, n, "mm trace");
    differential(REPL_FIFO, 8, 2, vpns, n, "mm trace");
    free(vpns);
    free(recs);
}

/* A refill of a page that a global entry already maps replaces it in place: one entry. */
TEST(tlb_refill_global_no_duplicate)
{
    struct tlb t;
    struct tlb_cfg cfg[PSZ_N] = {{8, 4}, {0, 0}, {0, 0}};
    unsigned psz_shifts[PSZ_N] = {12, 0, 0};
    CHECK_EQ(tlb_init(&t, cfg, psz_shifts, REPL_LRU, 1), 0);
    tlb_fill(&t, PSZ_BASE, 0x5000, 7, TLBF_G | TLBF_W, 1, NULL);
    tlb_fill(&t, PSZ_BASE, 0x5000, 7, TLBF_G | TLBF_W | TLBF_D, 2, NULL);
    CHECK_EQ(t.arr[PSZ_BASE].nvalid, 1);
    tlb_fill(&t, PSZ_BASE, 0x5000, 9, TLBF_W, 3, NULL); /* non-global over a global: replaced */
    CHECK_EQ(t.arr[PSZ_BASE].nvalid, 1);
    tlb_fini(&t);
}

/* The lookup keys mirror the entries: key = vpn + 1 of a valid entry, 0 otherwise, and
 * nvalid counts the valid ones. */
static bool tlb_keys_consistent(const struct tlb *t)
{
    for (int s = 0; s < PSZ_N; s++) {
        const struct tlb_array *a = &t->arr[s];
        uint64_t valid = 0;
        for (size_t i = 0; i < (size_t)a->sets * a->ways; i++) {
            const struct tlb_entry *e = &a->e[i];
            if (a->keys[i] != (e->valid ? e->vpn + 1 : 0))
                return false;
            valid += e->valid != 0;
        }
        if (valid != a->nvalid)
            return false;
    }
    return true;
}

/* The first valid entry in way order that matches, by a plain scan of the entries. */
static struct tlb_entry *naive_probe(struct tlb *t, vaddr_t va, uint16_t asid, int *psz)
{
    for (int s = 0; s < PSZ_N; s++) {
        struct tlb_array *a = &t->arr[s];
        uint64_t vpn = va >> a->shift;
        for (uint32_t w = 0; a->e && w < a->ways; w++) {
            struct tlb_entry *e = &a->e[(size_t)(vpn & a->set_mask) * a->ways + w];
            if (e->valid && e->vpn == vpn && (e->asid == asid || (e->flags & TLBF_G))) {
                *psz = s;
                return e;
            }
        }
    }
    return NULL;
}

/* Every way of changing entries (fill, placement, invalidation, flushes) keeps the keys
 * in step, and lookups agree with a scan of the entries, for several geometries
 * (including more ways than the 32 of the branch-free scan) and several ASIDs. */
TEST(tlb_keys_mirror_entries)
{
    static const struct tlb_cfg geo[][PSZ_N] = {{{16, 4}, {8, 8}, {4, 4}},
                                                {{64, 64}, {0, 0}, {2, 2}},
                                                {{24, 12}, {12, 3}, {0, 0}},
                                                {{8, 1}, {4, 2}, {16, 16}}};
    uint64_t s = 99;
    for (size_t g = 0; g < ARRAY_LEN(geo); g++)
        for (enum repl r = REPL_LRU; r <= REPL_RANDOM; r++) {
            struct tlb t;
            CHECK_EQ(tlb_init(&t, geo[g], shifts, r, g), 0);
            bool ok = true;
            for (int i = 0; i < 20000 && ok; i++) {
                vaddr_t va =
                    rng_below(&s, 48) << 12 | rng_below(&s, 4) << 21 | rng_below(&s, 2) << 30;
                uint16_t asid = (uint16_t)rng_below(&s, 3);
                int psz = (int)rng_below(&s, PSZ_N), p1 = -1, p2 = -1;
                unsigned op = (unsigned)rng_below(&s, 100);
                if (op < 40) {
                    unsigned flags = rng_below(&s, 8) == 0 ? TLBF_G : TLBF_W;
                    tlb_fill(&t, psz, va, va >> 12, flags, asid, NULL);
                } else if (op < 45) {
                    const struct tlb_array *a = &t.arr[psz];
                    if (a->sets)
                        tlb_set_entry(&t, psz, (uint32_t)rng_below(&s, a->sets),
                                      (uint32_t)rng_below(&s, a->ways), rng_below(&s, 64), 7, 0,
                                      asid, rng_below(&s, 4) != 0);
                } else if (op < 55) {
                    tlb_invalidate_page(&t, va, asid);
                } else if (op < 57) {
                    tlb_flush_nonglobal(&t, rng_below(&s, 2) ? -1 : asid);
                } else if (op < 58) {
                    tlb_flush_all(&t);
                } else {
                    struct tlb_entry *want = naive_probe(&t, va, asid, &p1);
                    ok &= tlb_probe(&t, va, asid, &p2) == want && (!want || p1 == p2);
                    ok &= tlb_lookup(&t, va, asid, &p2) == want && (!want || p1 == p2);
                }
                ok &= tlb_keys_consistent(&t);
                if (!ok)
                    harness_fail(__FILE__, __LINE__, "geometry %zu repl %d: step %d op %u", g,
                                 (int)r, i, op);
            }
            tlb_fini(&t);
        }
}

/* ---- the hit path (mmu_access, with its TLB and cache memos) ---- */

static bool same_tlbs(const struct mmu *a, const struct mmu *b)
{
    for (int t = 0; t < TLB_N; t++) {
        const struct tlb *x = &a->tlb[t], *y = &b->tlb[t];
        if (x->clock != y->clock || x->rng != y->rng)
            return false;
        for (int s = 0; s < PSZ_N; s++) {
            const struct tlb_array *p = &x->arr[s], *q = &y->arr[s];
            if (p->nvalid != q->nvalid)
                return false;
            for (size_t i = 0; i < (size_t)p->sets * p->ways; i++) {
                const struct tlb_entry *e = &p->e[i], *f = &q->e[i];
                if (e->valid != f->valid ||
                    (e->valid && (e->vpn != f->vpn || e->pfn != f->pfn || e->stamp != f->stamp ||
                                  e->asid != f->asid || e->flags != f->flags)))
                    return false;
            }
        }
    }
    return true;
}

/* Counters everywhere; lines in the sets of pa at every level, or all lines. */
static bool same_caches(const struct mmu *a, const struct mmu *b, paddr_t pa, bool all)
{
    for (int lv = 0; lv < CACHE_N; lv++) {
        const struct cache_level *x = &a->caches.lvl[lv], *y = &b->caches.lvl[lv];
        if (x->clock != y->clock || memcmp(&x->st, &y->st, sizeof x->st))
            return false;
        size_t set = (size_t)((pa >> x->block_shift) & x->set_mask);
        size_t i0 = all ? 0 : set * x->ways, i1 = all ? (size_t)x->sets * x->ways : i0 + x->ways;
        for (size_t i = i0; x->present && i < i1; i++)
            if (x->lines[i].valid != y->lines[i].valid || x->lines[i].tag != y->lines[i].tag ||
                x->lines[i].dirty != y->lines[i].dirty || x->lines[i].stamp != y->lines[i].stamp)
                return false;
    }
    return a->caches.dram_reads == b->caches.dram_reads &&
           a->caches.dram_writes == b->caches.dram_writes;
}

/* Three identical machines, one driven through mmu_access (TLB memo, way scans, cache
 * memo), one through mmu_access_slow (the complete translation), one through
 * mmu_access_last with the MMU's struct mmu_last per kind, never cleared (validated by
 * the epoch and the line's tag alone): every outcome, statistic, TLB entry and cache line
 * must stay equal through runs and random accesses of every kind, permission faults,
 * unmapped pages, INVLPG, remaps with and without INVLPG (stale entries), CR3 switches
 * between two spaces that map the same addresses to other frames (with and without
 * PCID), ASID flushes, user/supervisor mode changes, textbook TLB placements and full
 * flushes. */
static void fast_path_case(const char *pcid, const char *l1d, enum repl r)
{
    enum { NM = 3 };
    struct hwm h[NM];
    const char *repl = r == REPL_LRU    ? "tlb.policy=lru"
                       : r == REPL_FIFO ? "tlb.policy=fifo"
                                        : "tlb.policy=random";
    const char *crepl = r == REPL_LRU    ? "cache.policy=lru"
                        : r == REPL_FIFO ? "cache.policy=fifo"
                                         : "cache.policy=random";
    for (int i = 0; i < NM; i++)
        CHECK(hwm_init(&h[i], "core-i7", 0x100000, pcid, l1d, repl, crepl, NULL));
    if (!h[0].ok || !h[1].ok || !h[2].ok)
        return;
    enum { NPAGES = 40 };
    paddr_t root2[NM];
    for (int i = 0; i < NM; i++) {
        CHECK_EQ(pt_create_root(&h[i].m, &h[i].al, &root2[i]), 0);
        for (int p = 0; p < NPAGES; p++) {
            /* Every fifth page read-only, every seventh supervisor, every third NX,
             * page 11 global; the second space maps the same pages elsewhere. */
            struct vms_error e = {0};
            struct pte_info leaf = {.writable = p % 5 != 0,
                                    .user = p % 7 != 0,
                                    .nx = p % 3 == 0,
                                    .global = p == 11,
                                    .readable = true};
            vaddr_t va = 0x400000 + ((vaddr_t)p << 12);
            CHECK_EQ(pt_map(&h[i].m, &h[i].al, h[i].root, va, PSZ_BASE, 0x200 + p, &leaf, &e), 0);
            CHECK_EQ(pt_map(&h[i].m, &h[i].al, root2[i], va, PSZ_BASE, 0x300 + p, &leaf, &e), 0);
        }
    }
    uint64_t s = 2024;
    vaddr_t va = 0x400000, prev = va;
    bool ok = true;
    for (int step = 0; step < 100000 && ok; step++) {
        uint64_t op = rng_below(&s, 1000);
        vaddr_t here = va;
        if (op < 500) {
            va += rng_below(&s, 16); /* runs: same line, same page */
        } else if (op < 700) {
            va = prev; /* back: memos made before an eviction in between */
        } else if (op < 990) {
            va = 0x400000 + rng_below(&s, (NPAGES + 2) << 12); /* two pages unmapped */
        } else if (op < 993) {
            for (int i = 0; i < NM; i++)
                mmu_invlpg(&h[i].m, va, h[i].m.asid);
            continue;
        } else if (op < 995) {
            bool second = rng_below(&s, 2);
            uint16_t asid = (uint16_t)(1 + second);
            for (int i = 0; i < NM; i++)
                mmu_load_cr3(&h[i].m, second ? root2[i] : h[i].root, asid);
            continue;
        } else if (op < 996 && rng_below(&s, 2)) {
            /* Flush a space's entries (the other one's, or the current one's). */
            uint16_t asid = (uint16_t)(1 + rng_below(&s, 2));
            for (int i = 0; i < NM; i++)
                mmu_flush_asid(&h[i].m, asid);
            continue;
        } else if (op < 997) {
            /* Remap the page at va to another frame, with or without INVLPG. */
            bool inv = rng_below(&s, 2);
            pfn_t pfn = 0x400 + rng_below(&s, 64);
            for (int i = 0; i < NM; i++) {
                struct vms_error e = {0};
                struct pte_info leaf = {.writable = true, .user = true, .readable = true};
                pt_map(&h[i].m, &h[i].al, h[i].m.root, va & ~(vaddr_t)0xfff, PSZ_BASE, pfn, &leaf,
                       &e);
                if (inv)
                    mmu_invlpg(&h[i].m, va, h[i].m.asid);
            }
            continue;
        } else if (op < 998) {
            for (int i = 0; i < NM; i++)
                mmu_set_user(&h[i].m, !h[i].m.user);
            continue;
        } else if (op < 999) {
            /* A textbook placement over the L1 d-TLB entry of va's set. */
            const struct tlb_array *a = &h[0].m.tlb[TLB_L1D].arr[PSZ_BASE];
            uint64_t vpn = va >> 12;
            uint32_t way = (uint32_t)rng_below(&s, a->ways);
            pfn_t pfn = 0x500 + rng_below(&s, 64);
            for (int i = 0; i < NM; i++) {
                tlb_set_entry(&h[i].m.tlb[TLB_L1D], PSZ_BASE, (uint32_t)(vpn & a->set_mask), way,
                              vpn, pfn, TLBF_W | TLBF_U | TLBF_R | TLBF_D, h[i].m.asid, true);
                mmu_epoch_advance(&h[i].m); /* the TLB changed behind the MMU's back */
            }
            continue;
        } else {
            for (int i = 0; i < NM; i++)
                mmu_flush_all(&h[i].m);
            continue;
        }
        prev = here;
        enum access_kind k = (enum access_kind)rng_below(&s, 3);
        paddr_t pa[NM] = {0, 0, 0};
        struct xlate x[NM];
        enum xlate_status st0 = mmu_access(&h[0].m, va, k, &pa[0], &x[0]);
        enum xlate_status st1 = mmu_access_slow(&h[1].m, va, k, &pa[1], &x[1]);
        enum xlate_status st2 = mmu_access_last(&h[2].m, va, k, &pa[2], &x[2], &h[2].m.last[k]);
        ok = st0 == st1 && st2 == st1 && (st0 != XL_OK || (pa[0] == pa[1] && pa[2] == pa[1]));
        for (int i = 0; ok && i < NM; i += 2)
            ok = !memcmp(&h[i].m.st, &h[1].m.st, sizeof h[1].m.st) &&
                 same_tlbs(&h[i].m, &h[1].m) &&
                 same_caches(&h[i].m, &h[1].m, pa[1], step % 25000 == 0);
        if (!ok)
            harness_fail(__FILE__, __LINE__,
                         "%s %s repl %d: step %d %s va 0x%llx: status %d/%d/%d", pcid, l1d,
                         (int)r, step,
                         k == ACCESS_LOAD    ? "load"
                         : k == ACCESS_STORE ? "store"
                                             : "fetch",
                         (unsigned long long)va, (int)st0, (int)st1, (int)st2);
    }
    for (int i = 0; i < NM; i++)
        hwm_fini(&h[i]);
}

TEST(mmu_access_fast_path_matches_slow_path)
{
    for (enum repl r = REPL_LRU; r <= REPL_RANDOM; r++) {
        fast_path_case("pcid=on", "tlb.l1d=64:4", r);
        fast_path_case("pcid=off", "tlb.l1d=16:2", r);
    }
    fast_path_case("pcid=on", "tlb.l1d=32:32", REPL_LRU); /* fully associative */
    fast_path_case("pcid=on", "tlb.l1d=48:12", REPL_LRU); /* 12 ways: general scan */
}
