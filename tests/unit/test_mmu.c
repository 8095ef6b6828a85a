/* Unit tests for the MMU's helpers around the hit path (src/hw/mmu.h): the epoch and the
 * last-hit shortcut it validates, the splitting of an access into block pieces, and the
 * flush of one address space's entries. */
#include "hwtest.h"

/* Two spaces mapping the same page to other frames, under PCID (asid 1 and 2). */
struct two_spaces {
    struct hwm h;
    paddr_t root2;
};

static bool two_spaces_init(struct two_spaces *s, const char *pcid)
{
    if (!hwm_init(&s->h, "core-i7", 0x100000, pcid, NULL))
        return false;
    struct vms_error e = {0};
    struct pte_info leaf = {.writable = true, .user = true, .readable = true};
    return pt_create_root(&s->h.m, &s->h.al, &s->root2) == 0 &&
           pt_map(&s->h.m, &s->h.al, s->h.root, 0x400000, PSZ_BASE, 0x200, &leaf, &e) == 0 &&
           pt_map(&s->h.m, &s->h.al, s->root2, 0x400000, PSZ_BASE, 0x300, &leaf, &e) == 0;
}

/* A repeat of the last hit, or the hit path: the physical address of a load at va. */
static paddr_t load_last(struct mmu *m, vaddr_t va, bool *repeat)
{
    struct mmu_last *l = &m->last[ACCESS_LOAD];
    *repeat = mmu_last_hit(m, l, va, ACCESS_LOAD);
    if (*repeat)
        return mmu_last_pa(l, va);
    paddr_t pa = 0;
    struct xlate x;
    CHECK_EQ(mmu_access_last(m, va, ACCESS_LOAD, &pa, &x, l), XL_OK);
    return pa;
}

/* A CR3 load with PCID keeps the TLB as it is but changes which entries match: the last
 * hit of the other space must not be repeated (its TLB generation did not change). */
TEST(mmu_last_hit_not_repeated_across_a_pcid_switch)
{
    struct two_spaces s;
    CHECK(two_spaces_init(&s, "pcid=on"));
    struct mmu *m = &s.h.m;
    bool rep;
    CHECK_EQ(load_last(m, 0x400010, &rep), (paddr_t)0x200010); /* a walk */
    CHECK(!rep);
    CHECK_EQ(load_last(m, 0x400014, &rep), (paddr_t)0x200014); /* the hit path records */
    CHECK(!rep);
    CHECK_EQ(load_last(m, 0x400018, &rep), (paddr_t)0x200018); /* same block: a repeat */
    CHECK(rep);
    uint64_t tgen = m->tlb[TLB_L1D].gen;
    mmu_load_cr3(m, s.root2, 2);
    CHECK_EQ(m->tlb[TLB_L1D].gen, tgen); /* nothing flushed */
    CHECK_EQ(load_last(m, 0x400018, &rep), (paddr_t)0x300018);
    CHECK(!rep);
    CHECK_EQ(load_last(m, 0x40001c, &rep), (paddr_t)0x30001c);
    CHECK(!rep);
    CHECK_EQ(load_last(m, 0x400020, &rep), (paddr_t)0x300020);
    CHECK(rep);
    mmu_load_cr3(m, s.h.root, 1); /* back: the first space's entry is still there */
    uint64_t walks = m->st.walks;
    CHECK_EQ(load_last(m, 0x400020, &rep), (paddr_t)0x200020);
    CHECK(!rep);
    CHECK_EQ(m->st.walks, walks);
    hwm_fini(&s.h);
}

/* What advances the epoch, and what does not. */
TEST(mmu_epoch_events)
{
    struct two_spaces s;
    CHECK(two_spaces_init(&s, "pcid=on"));
    struct mmu *m = &s.h.m;
    CHECK_EQ(m->epoch, 2); /* 1 from mmu_init, then hwm_init's CR3 load */
    paddr_t pa;
    struct xlate x;
    uint64_t ep = m->epoch;
    CHECK_EQ(mmu_access(m, 0x400000, ACCESS_LOAD, &pa, &x), XL_OK); /* a walk and a fill */
    CHECK(m->epoch > ep);
    ep = m->epoch;
    CHECK_EQ(mmu_access(m, 0x400040, ACCESS_LOAD, &pa, &x), XL_OK); /* TLB hit, cache miss */
    CHECK_EQ(mmu_access(m, 0x400048, ACCESS_LOAD, &pa, &x), XL_OK); /* hit */
    CHECK_EQ(mmu_translate(m, 0x400000, ACCESS_LOAD, &x), XL_OK);   /* plain L1 TLB hit */
    CHECK_EQ(mmu_walk(m, m->root, 0x400000, ACCESS_LOAD, false, &x), XL_OK);
    int psz;
    pt_write(m, pt_lookup(m, m->root, 0x400000, &psz), 0); /* a PTE write: no INVLPG yet */
    CHECK_EQ(m->epoch, ep);
    CHECK_EQ(mmu_access(m, 0x400000, ACCESS_LOAD, &pa, &x), XL_OK); /* the stale entry */
    CHECK_EQ(pa, (paddr_t)0x200000);
    CHECK_EQ(m->epoch, ep);
    mmu_invlpg(m, 0x400000, 1);
    CHECK(m->epoch > ep);
    ep = m->epoch;
    CHECK_EQ(mmu_access(m, 0x400000, ACCESS_LOAD, &pa, &x), XL_NOT_PRESENT);
    CHECK(m->epoch > ep);
    ep = m->epoch;
    mmu_load_cr3(m, m->root, m->asid); /* even to the same space */
    CHECK(m->epoch > ep);
    ep = m->epoch;
    mmu_flush_asid(m, 7);
    CHECK(m->epoch > ep);
    ep = m->epoch;
    mmu_flush_all(m);
    CHECK(m->epoch > ep);
    ep = m->epoch;
    mmu_set_user(m, false);
    CHECK(m->epoch > ep);
    ep = m->epoch;
    mmu_epoch_advance(m);
    CHECK(m->epoch > ep);
    hwm_fini(&s.h);
}

/* The line of a last hit is checked by its tag: a miss of another kind (or of another
 * block) keeps the last hits whose lines stay, and one that evicts the line forgets it. */
TEST(mmu_last_hit_checks_its_line)
{
    struct hwm h;
    /* a direct-mapped 1 KiB L1d: blocks 1 KiB apart share a set */
    CHECK(hwm_init(&h, "core-i7", 0x100000, "cache.l1d=1K:1:64", NULL));
    struct mmu *m = &h.m;
    CHECK_EQ(hwm_map(&h, 0x400000, PSZ_BASE, 0x200, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, 0x401000, PSZ_BASE, 0x201, true, true, false, false), 0);
    bool rep;
    paddr_t pa;
    struct xlate x;
    /* both TLB entries, the first one dirty (a store would otherwise re-walk) */
    CHECK_EQ(mmu_access(m, 0x401000, ACCESS_LOAD, &pa, &x), XL_OK);
    CHECK_EQ(mmu_access(m, 0x400200, ACCESS_STORE, &pa, &x), XL_OK);
    load_last(m, 0x400000, &rep); /* a cache miss */
    load_last(m, 0x400000, &rep); /* the hit path records */
    load_last(m, 0x400000, &rep);
    CHECK(rep);
    /* a store to another set misses, fills a line, and leaves the load's line alone */
    CHECK_EQ(mmu_access_last(m, 0x400100, ACCESS_STORE, &pa, &x, &m->last[ACCESS_STORE]), XL_OK);
    load_last(m, 0x400004, &rep);
    CHECK(rep);
    /* a load of the block 1 KiB further evicts it (same set, one way) */
    CHECK_EQ(mmu_access(m, 0x400400, ACCESS_LOAD, &pa, &x), XL_OK);
    uint64_t misses = m->caches.lvl[CACHE_L1D].st.misses;
    load_last(m, 0x400008, &rep);
    CHECK(!rep);
    CHECK_EQ(m->caches.lvl[CACHE_L1D].st.misses, misses + 1);
    hwm_fini(&h);
}

/* mmu_flush_asid drops that space's non-global entries (TLBs and PSCs) and nothing else;
 * without PCID entries are tagged 0, so a nonzero ASID drops nothing. */
TEST(mmu_flush_asid_one_space)
{
    for (int pcid = 0; pcid < 2; pcid++) {
        struct two_spaces s;
        CHECK(two_spaces_init(&s, pcid ? "pcid=on" : "pcid=off"));
        struct mmu *m = &s.h.m;
        struct vms_error e = {0};
        struct pte_info g = {.writable = true, .user = true, .readable = true, .global = true};
        CHECK_EQ(pt_map(m, &s.h.al, s.h.root, 0x800000, PSZ_BASE, 0x280, &g, &e), 0);
        struct xlate x;
        CHECK_EQ(mmu_translate(m, 0x400000, ACCESS_LOAD, &x), XL_OK);
        CHECK_EQ(mmu_translate(m, 0x800000, ACCESS_LOAD, &x), XL_OK);
        mmu_load_cr3(m, s.root2, 2);
        CHECK_EQ(mmu_translate(m, 0x400000, ACCESS_LOAD, &x), XL_OK);
        int psz;
        mmu_flush_asid(m, 1);
        /* the current space's entry stays; the first space's goes under PCID */
        CHECK(tlb_probe(&m->tlb[TLB_L1D], 0x400000, m->asid, &psz) != NULL);
        CHECK(tlb_probe(&m->tlb[TLB_L2], 0x400000, m->asid, &psz) != NULL);
        CHECK(tlb_probe(&m->tlb[TLB_L1D], 0x800000, 1, &psz) != NULL); /* global */
        if (pcid) {
            CHECK(tlb_probe(&m->tlb[TLB_L1D], 0x400000, 1, &psz) == NULL);
            CHECK(tlb_probe(&m->tlb[TLB_L2], 0x400000, 1, &psz) == NULL);
            for (int l = 0; l < MAX_LEVELS; l++)
                for (uint32_t i = 0; i < m->psc[l].n; i++)
                    CHECK(!m->psc[l].e[i].key || m->psc[l].e[i].asid != 1);
        }
        mmu_flush_asid(m, m->asid);
        CHECK(tlb_probe(&m->tlb[TLB_L1D], 0x400000, m->asid, &psz) == NULL);
        CHECK(tlb_probe(&m->tlb[TLB_L1D], 0x800000, m->asid, &psz) != NULL);
        hwm_fini(&s.h);
    }
}

/* Collects the pieces of one access as "va+len" pairs. */
static unsigned pieces_of(const struct mmu *m, enum access_kind k, vaddr_t va, uint64_t size,
                          vaddr_t *vas, unsigned *lens, unsigned max)
{
    struct mmu_pieces p = mmu_pieces(m, k, va, size);
    unsigned n = 0;
    vaddr_t v;
    unsigned len;
    while (n < max && mmu_piece_next(&p, &v, &len)) {
        vas[n] = v;
        lens[n++] = len;
    }
    return n;
}

TEST(mmu_pieces_split_at_blocks)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, "cache.l1i=32K:8:32", NULL));
    struct mmu *m = &h.m;
    CHECK_EQ(mmu_piece_shift(m, ACCESS_LOAD), 6);
    CHECK_EQ(mmu_piece_shift(m, ACCESS_FETCH), 5);
    vaddr_t v[8];
    unsigned len[8];
    CHECK_EQ(pieces_of(m, ACCESS_LOAD, 0x1000, 8, v, len, 8), 1);
    CHECK(v[0] == 0x1000 && len[0] == 8);
    CHECK_EQ(pieces_of(m, ACCESS_LOAD, 0x103c, 8, v, len, 8), 2);
    CHECK(v[0] == 0x103c && len[0] == 4 && v[1] == 0x1040 && len[1] == 4);
    CHECK_EQ(pieces_of(m, ACCESS_FETCH, 0x101e, 4, v, len, 8), 2); /* 32-byte blocks */
    CHECK(v[0] == 0x101e && len[0] == 2 && v[1] == 0x1020 && len[1] == 2);
    CHECK_EQ(pieces_of(m, ACCESS_STORE, 0x1010, 0, v, len, 8), 1); /* size 0: one byte */
    CHECK(v[0] == 0x1010 && len[0] == 1);
    CHECK_EQ(pieces_of(m, ACCESS_LOAD, 0x1030, 200, v, len, 8), 4);
    CHECK(v[0] == 0x1030 && len[0] == 16 && v[1] == 0x1040 && len[1] == 64 && v[2] == 0x1080 &&
          len[2] == 64 && v[3] == 0x10c0 && len[3] == 56);
    /* past the top of the address space: wraps to 0 */
    CHECK_EQ(pieces_of(m, ACCESS_LOAD, UINT64_MAX - 3, 8, v, len, 8), 2);
    CHECK(v[0] == UINT64_MAX - 3 && len[0] == 4 && v[1] == 0 && len[1] == 4);
    hwm_fini(&h);
    /* no cache: pieces of a base page */
    CHECK(hwm_init(&h, "core-i7", 0x100000, "cache.l1d=0", "cache.l1i=0", "cache.l2=0",
                  "cache.l3=0", NULL));
    CHECK_EQ(mmu_piece_shift(&h.m, ACCESS_LOAD), 12);
    CHECK_EQ(pieces_of(&h.m, ACCESS_LOAD, 0x1ffc, 8, v, len, 8), 2);
    CHECK(v[0] == 0x1ffc && len[0] == 4 && v[1] == 0x2000 && len[1] == 4);
    hwm_fini(&h);
}
