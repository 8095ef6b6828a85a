/* Unit tests for the page walker (src/hw/mmu.c): walks of every depth and page size,
 * every fault reason, A/D bits in memory, paging-structure caches, and the walker
 * against a deliberately naive recursive walk on random page tables. */
#include "hwtest.h"

/* Walk without side effects (no PSC on the machines used here unless stated). */
static enum xlate_status walk(struct hwm *h, vaddr_t va, enum access_kind k, struct xlate *x)
{
    memset(x, 0, sizeof *x);
    return mmu_walk(&h->m, h->root, va, k, false, x);
}

/* The PTE address read at textbook level lvl by a successful walk of va. */
static paddr_t pte_at(struct hwm *h, vaddr_t va, unsigned lvl)
{
    struct xlate x;
    walk(h, va, ACCESS_LOAD, &x);
    return lvl <= x.walk.nsteps ? x.walk.steps[lvl - 1].pte_pa : 0;
}

TEST(walk_csapp_small_one_level)
{
    struct hwm h;
    /* 64 frames of physical memory; the 16-page root lives just above it. */
    CHECK(hwm_init(&h, "csapp-small", 64, NULL));
    CHECK_EQ(h.m.g.root_pages, 16);
    CHECK_EQ(h.root, 64 << 6);
    CHECK_EQ(hwm_map(&h, 0xff << 6, PSZ_BASE, 0x3f, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, 0x0f << 6, PSZ_BASE, 0x0d, false, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(walk(&h, (0xff << 6) | 0x21, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, (0x3f << 6) | 0x21);
    CHECK_EQ(x.walk.nsteps, 1);
    CHECK_EQ(x.walk.steps[0].level, 1);
    CHECK_EQ(x.walk.steps[0].index, 0xff);
    CHECK_EQ(x.walk.steps[0].pte_pa, h.root + 0xff * 4); /* in the root's 16th page */
    CHECK_EQ(x.walk.steps[0].cache_level, -1);            /* CSAPP walks skip the caches */
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_LOAD, &x), XL_OK);   /* VPN 0x0f → PPN 0x0d */
    CHECK_EQ(x.pa, 0x354);
    CHECK_EQ(walk(&h, 0x0020, ACCESS_LOAD, &x), XL_NOT_PRESENT);
    CHECK_EQ(x.level, 1);
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_STORE, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_WRITE);
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_FETCH, &x), XL_OK);

    /* Teaching bits: READ off, SUP on, EXEC off. */
    paddr_t pa = h.root + 0x0f * 4;
    pt_write(&h.m, pa, TEACH_V | TEACH_EXEC | (0x0d << TEACH_PPN_SHIFT));
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_LOAD, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_READ);
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_FETCH, &x), XL_OK); /* execute-only */
    pt_write(&h.m, pa, TEACH_V | TEACH_READ | TEACH_SUP | (0x0d << TEACH_PPN_SHIFT));
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_LOAD, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_USER);
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_FETCH, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_USER | WHY_EXEC);
    h.m.user = false;
    CHECK_EQ(walk(&h, 0x03d4, ACCESS_LOAD, &x), XL_OK);
    /* A and D in the teaching format. */
    pt_write(&h.m, pa, TEACH_V | TEACH_READ | TEACH_WRITE | (0x0d << TEACH_PPN_SHIFT));
    CHECK_EQ(mmu_walk(&h.m, h.root, 0x03d4, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(pt_read(&h.m, pa) & (TEACH_A | TEACH_D), TEACH_A);
    CHECK_EQ(mmu_walk(&h.m, h.root, 0x03d4, ACCESS_STORE, true, &x), XL_OK);
    CHECK_EQ(pt_read(&h.m, pa) & (TEACH_A | TEACH_D), TEACH_A | TEACH_D);
    hwm_fini(&h);
}

TEST(walk_csapp_2level)
{
    struct hwm h;
    CHECK(hwm_init(&h, "csapp-2level", 0x80000, NULL));
    CHECK_EQ(hwm_map(&h, 0x00403000, PSZ_BASE, 0x777, true, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(walk(&h, 0x00403123, ACCESS_STORE, &x), XL_OK);
    CHECK_EQ(x.pa, 0x777123);
    CHECK_EQ(x.walk.nsteps, 2);
    CHECK_EQ(x.walk.steps[0].pte_pa, h.root + 1 * 4);
    CHECK_EQ(x.walk.steps[0].index, 1);
    CHECK_EQ(x.walk.steps[1].index, 3);
    pte_t pde = pt_read(&h.m, x.walk.steps[0].pte_pa);
    CHECK_EQ(x.walk.steps[1].pte_pa, (pde & 0xfffff000u) + 3 * 4);
    /* No XD on x86-32: every present page is executable. */
    CHECK_EQ(walk(&h, 0x00403123, ACCESS_FETCH, &x), XL_OK);
    CHECK_EQ(walk(&h, 0x00404000, ACCESS_LOAD, &x), XL_NOT_PRESENT);
    CHECK_EQ(x.level, 2);
    CHECK_EQ(walk(&h, 0x00803000, ACCESS_LOAD, &x), XL_NOT_PRESENT);
    CHECK_EQ(x.level, 1);
    /* Large pages off: a PS bit in the root is reserved; and pt_map refuses 4 MiB. */
    CHECK(hwm_map(&h, 0x00800000, PSZ_MID, 0x400, true, true, false, false) < 0);
    pt_write(&h.m, h.root + 2 * 4, X86_P | X86_RW | X86_US | X86_PS | 0x400000);
    CHECK_EQ(walk(&h, 0x00923456, ACCESS_LOAD, &x), XL_RESERVED);
    CHECK_EQ(x.level, 1);
    hwm_fini(&h);

    /* large_pages=on: a 4 MiB PS leaf in the page directory. */
    CHECK(hwm_init(&h, "csapp-2level", 0x80000, "large_pages=on", NULL));
    CHECK_EQ(h.m.g.psz_shift[PSZ_MID], 22);
    CHECK_EQ(hwm_map(&h, 0x00800000, PSZ_MID, 0x400, true, true, false, false), 0);
    CHECK_EQ(walk(&h, 0x00923456, ACCESS_STORE, &x), XL_OK);
    CHECK_EQ(x.pa, 0x00523456);
    CHECK_EQ(x.psz, PSZ_MID);
    CHECK_EQ(x.level, 1);
    CHECK_EQ(x.walk.nsteps, 1);
    CHECK_EQ(mmu_walk(&h.m, h.root, 0x00923456, ACCESS_STORE, true, &x), XL_OK);
    CHECK_EQ(pt_read(&h.m, h.root + 2 * 4) & (X86_A | X86_D), X86_A | X86_D);
    /* A base page can no longer be mapped under it. */
    CHECK(hwm_map(&h, 0x00801000, PSZ_BASE, 0x1, true, true, false, false) < 0);
    hwm_fini(&h);
}

/* Map va (base page), then make each level in turn not present. */
static void check_not_present_each_level(const char *preset, vaddr_t va)
{
    struct hwm h;
    CHECK(hwm_init(&h, preset, 0x80000, "psc=off", NULL));
    CHECK_EQ(hwm_map(&h, va, PSZ_BASE, 0x1234, true, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(walk(&h, va | 0x567, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x1234567);
    CHECK_EQ(x.walk.nsteps, h.m.cfg.levels);
    for (unsigned k = 1; k <= h.m.cfg.levels; k++) {
        paddr_t pa = pte_at(&h, va, k);
        CHECK(pa != 0);
        pte_t saved = pt_read(&h.m, pa);
        /* P=0 with every other bit still set: the walk stops there. */
        pt_write(&h.m, pa, saved & ~X86_P);
        CHECK_EQ(walk(&h, va, ACCESS_LOAD, &x), XL_NOT_PRESENT);
        CHECK_EQ(x.level, k);
        CHECK_EQ(x.walk.nsteps, k);
        pt_write(&h.m, pa, saved);
    }
    CHECK_EQ(walk(&h, va, ACCESS_LOAD, &x), XL_OK);
    hwm_fini(&h);
}

TEST(walk_not_present_at_every_level)
{
    check_not_present_each_level("core-i7", 0x7f12345ff000ull);
    check_not_present_each_level("x86-64-5level", 0x1f12345678000ull);
    check_not_present_each_level("csapp-2level", 0xdeadb000ull);
}

TEST(walk_core_i7_page_sizes)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, "psc=off", NULL));
    CHECK_EQ(hwm_map(&h, 0x400000, PSZ_BASE, 0x42, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, 0x40000000ull, PSZ_MID, 0x200, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, 0x8000000000ull, PSZ_BIG, 0x40000, true, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(walk(&h, 0x400abc, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x42abc);
    CHECK_EQ(x.psz, PSZ_BASE);
    CHECK_EQ(x.level, 4);
    CHECK_EQ(x.walk.nsteps, 4);
    CHECK_EQ(walk(&h, 0x401abc, ACCESS_LOAD, &x), XL_NOT_PRESENT);
    CHECK_EQ(x.level, 4);
    /* 2 MiB: a PS leaf at level 3 (PDE). */
    CHECK_EQ(walk(&h, 0x401fedcbull, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x200000 + 0x1fedcb);
    CHECK_EQ(x.psz, PSZ_MID);
    CHECK_EQ(x.level, 3);
    CHECK_EQ(x.walk.nsteps, 3);
    /* 1 GiB: a PS leaf at level 2 (PDPTE). */
    CHECK_EQ(walk(&h, 0x803456789aull, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x40000000ull + 0x3456789aull);
    CHECK_EQ(x.psz, PSZ_BIG);
    CHECK_EQ(x.level, 2);
    CHECK_EQ(x.walk.nsteps, 2);
    /* Step addresses follow the VPN fields: 9 bits each from bit 39 down. */
    vaddr_t va = 0x7f8123456789ull;
    CHECK_EQ(hwm_map(&h, va & ~0xfffull, PSZ_BASE, 0x99, false, true, true, false), 0);
    CHECK_EQ(walk(&h, va, ACCESS_LOAD, &x), XL_OK);
    for (unsigned l = 1; l <= 4; l++) {
        uint64_t idx = (va >> (12 + 9 * (4 - l))) & 0x1ff;
        CHECK_EQ(x.walk.steps[l - 1].index, idx);
        paddr_t table = l == 1 ? h.root : (pt_read(&h.m, x.walk.steps[l - 2].pte_pa) & 0xffffffffff000ull);
        CHECK_EQ(x.walk.steps[l - 1].pte_pa, table + 8 * idx);
    }
    /* PS at the root (PML4E) is reserved. */
    paddr_t pml4e = pte_at(&h, 0x400000, 1);
    pte_t saved = pt_read(&h.m, pml4e);
    pt_write(&h.m, pml4e, saved | X86_PS);
    CHECK_EQ(walk(&h, 0x400abc, ACCESS_LOAD, &x), XL_RESERVED);
    CHECK_EQ(x.level, 1);
    pt_write(&h.m, pml4e, saved);
    /* PS on the last level is not a page size bit (PAT): the walk is unaffected. */
    paddr_t pte = pte_at(&h, 0x400000, 4);
    pt_write(&h.m, pte, pt_read(&h.m, pte) | X86_PS);
    CHECK_EQ(walk(&h, 0x400abc, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x42abc);
    /* Mapping a base page under a 2 MiB page is refused. */
    CHECK(hwm_map(&h, 0x40001000ull, PSZ_BASE, 0x1, true, true, false, false) < 0);
    hwm_fini(&h);

    /* large_pages=off: PS in a PDE is reserved. */
    CHECK(hwm_init(&h, "core-i7", 0x100000, "psc=off", "large_pages=off", NULL));
    CHECK_EQ(hwm_map(&h, 0x400000, PSZ_BASE, 0x42, true, true, false, false), 0);
    paddr_t pde = pte_at(&h, 0x400000, 3);
    pt_write(&h.m, pde, pt_read(&h.m, pde) | X86_PS);
    CHECK_EQ(walk(&h, 0x400abc, ACCESS_LOAD, &x), XL_RESERVED);
    CHECK_EQ(x.level, 3);
    hwm_fini(&h);
}

TEST(walk_5level_page_sizes)
{
    struct hwm h;
    CHECK(hwm_init(&h, "x86-64-5level", 0x100000, "psc=off", NULL));
    vaddr_t va = 0x1ff0000000000000ull >> 4; /* bit 56 region, inside 57 bits */
    CHECK_EQ(hwm_map(&h, va, PSZ_BASE, 0x5, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, va + 0x40000000ull, PSZ_BIG, 0x80000, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, va + 0x200000, PSZ_MID, 0x600, true, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(walk(&h, va + 0x10, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x5010);
    CHECK_EQ(x.walk.nsteps, 5);
    CHECK_EQ(walk(&h, va + 0x40000000ull + 0x123, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x80000000ull + 0x123);
    CHECK_EQ(x.level, 3);
    CHECK_EQ(x.psz, PSZ_BIG);
    CHECK_EQ(walk(&h, va + 0x3fffff, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.pa, 0x600000 + 0x1fffff);
    CHECK_EQ(x.level, 4);
    /* PS at levels 1 and 2 (PML5E, PML4E) is reserved. */
    for (unsigned k = 1; k <= 2; k++) {
        paddr_t pa = pte_at(&h, va, k);
        pte_t saved = pt_read(&h.m, pa);
        pt_write(&h.m, pa, saved | X86_PS);
        CHECK_EQ(walk(&h, va, ACCESS_LOAD, &x), XL_RESERVED);
        CHECK_EQ(x.level, k);
        pt_write(&h.m, pa, saved);
    }
    CHECK_EQ(walk(&h, 1ull << 57, ACCESS_LOAD, &x), XL_NOT_PRESENT); /* bits above are ignored */
    struct xlate t;
    CHECK_EQ(mmu_translate(&h.m, 1ull << 57, ACCESS_LOAD, &t), XL_BAD_ADDRESS);
    hwm_fini(&h);
}

/* Clear a bit of the entry at level lvl for va; returns the saved entry. */
static pte_t edit(struct hwm *h, vaddr_t va, unsigned lvl, pte_t clear, pte_t set)
{
    paddr_t pa = pte_at(h, va, lvl);
    pte_t v = pt_read(&h->m, pa);
    pt_write(&h->m, pa, (v & ~clear) | set);
    return v;
}

TEST(walk_protection_faults)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, "psc=off", NULL));
    const vaddr_t ro = 0x10000, sup = 0x11000, nx = 0x12000, rw = 0x13000;
    CHECK_EQ(hwm_map(&h, ro, PSZ_BASE, 1, false, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, sup, PSZ_BASE, 2, true, false, false, false), 0);
    CHECK_EQ(hwm_map(&h, nx, PSZ_BASE, 3, true, true, true, false), 0);
    CHECK_EQ(hwm_map(&h, rw, PSZ_BASE, 4, true, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(walk(&h, ro, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(walk(&h, ro, ACCESS_FETCH, &x), XL_OK);
    CHECK_EQ(walk(&h, ro, ACCESS_STORE, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_WRITE);
    CHECK_EQ(x.level, 4);
    CHECK_EQ(walk(&h, sup, ACCESS_LOAD, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_USER);
    CHECK_EQ(walk(&h, nx, ACCESS_FETCH, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_EXEC);
    CHECK_EQ(walk(&h, nx, ACCESS_STORE, &x), XL_OK);
    h.m.user = false; /* supervisor mode: U/S no longer matters, R/W still does (WP=1) */
    CHECK_EQ(walk(&h, sup, ACCESS_STORE, &x), XL_OK);
    CHECK_EQ(walk(&h, ro, ACCESS_STORE, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_WRITE);
    h.m.user = true;
    /* Permissions combine over the levels: R/W and U/S ANDed, XD ORed. */
    for (unsigned k = 1; k <= 3; k++) {
        pte_t s = edit(&h, rw, k, X86_RW, 0);
        CHECK_EQ(walk(&h, rw, ACCESS_STORE, &x), XL_PROTECTION);
        CHECK_EQ(x.why, WHY_WRITE);
        CHECK_EQ(walk(&h, rw, ACCESS_LOAD, &x), XL_OK);
        pt_write(&h.m, pte_at(&h, rw, k), s);
        s = edit(&h, rw, k, X86_US, 0);
        CHECK_EQ(walk(&h, rw, ACCESS_LOAD, &x), XL_PROTECTION);
        CHECK_EQ(x.why, WHY_USER);
        CHECK_EQ(walk(&h, rw, ACCESS_STORE, &x), XL_PROTECTION);
        CHECK_EQ(x.why, WHY_USER);
        pt_write(&h.m, pte_at(&h, rw, k), s);
        s = edit(&h, rw, k, 0, X86_XD);
        CHECK_EQ(walk(&h, rw, ACCESS_FETCH, &x), XL_PROTECTION);
        CHECK_EQ(x.why, WHY_EXEC);
        CHECK_EQ(walk(&h, rw, ACCESS_LOAD, &x), XL_OK);
        pt_write(&h.m, pte_at(&h, rw, k), s);
        CHECK_EQ(walk(&h, rw, ACCESS_FETCH, &x), XL_OK);
    }
    /* Several reasons at once. */
    edit(&h, ro, 2, X86_US, X86_XD);
    CHECK_EQ(walk(&h, ro, ACCESS_STORE, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_WRITE | WHY_USER);
    CHECK_EQ(walk(&h, ro, ACCESS_FETCH, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_EXEC | WHY_USER);
    hwm_fini(&h);
}

/* xlate.why holds only WHY_* bits (0 on success), xlate.flags only the translation's TLB
 * flags (0 on a fault): TLBF_W and WHY_WRITE are the same bit with opposite meanings. */
TEST(xlate_why_and_flags_each_mean_one_thing)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, NULL));
    const vaddr_t ro = 0x10000, rw = 0x13000;
    CHECK_EQ(hwm_map(&h, ro, PSZ_BASE, 1, false, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, rw, PSZ_BASE, 4, true, true, false, false), 0);
    struct xlate x;
    /* the walk */
    CHECK_EQ(walk(&h, rw, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.why, 0);
    CHECK_EQ(x.flags & (TLBF_W | TLBF_U | TLBF_R | TLBF_NX), TLBF_W | TLBF_U | TLBF_R);
    CHECK_EQ(walk(&h, ro, ACCESS_STORE, &x), XL_PROTECTION);
    CHECK_EQ(x.why, WHY_WRITE);
    CHECK_EQ(x.flags, 0);
    /* mmu_translate: a walk, then a TLB hit, then a refusal by the TLB entry */
    for (int pass = 0; pass < 2; pass++) {
        CHECK_EQ(mmu_translate(&h.m, rw, ACCESS_STORE, &x), XL_OK);
        CHECK_EQ(x.walked, pass == 0);
        CHECK_EQ(x.why, 0);
        CHECK_EQ(x.flags & (TLBF_W | TLBF_U | TLBF_D), TLBF_W | TLBF_U | TLBF_D);
    }
    CHECK_EQ(mmu_translate(&h.m, ro, ACCESS_LOAD, &x), XL_OK);
    CHECK_EQ(x.flags & TLBF_W, 0);
    CHECK_EQ(mmu_translate(&h.m, ro, ACCESS_STORE, &x), XL_PROTECTION);
    CHECK(!x.walked);
    CHECK_EQ(x.why, WHY_WRITE);
    CHECK_EQ(x.flags, 0);
    hwm_fini(&h);
}

static bool a_of(struct hwm *h, vaddr_t va, unsigned lvl)
{
    return pt_read(&h->m, pte_at(h, va, lvl)) & X86_A;
}
static bool d_of(struct hwm *h, vaddr_t va, unsigned lvl)
{
    return pt_read(&h->m, pte_at(h, va, lvl)) & X86_D;
}

TEST(walk_sets_accessed_and_dirty_in_memory)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, "psc=off", NULL));
    const vaddr_t rw = 0x7000000000ull, ro = 0x7000001000ull, big = 0x40000000ull;
    CHECK_EQ(hwm_map(&h, rw, PSZ_BASE, 4, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, ro, PSZ_BASE, 5, false, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, big, PSZ_MID, 0x200, true, true, false, false), 0);
    for (unsigned l = 1; l <= 4; l++)
        CHECK(!a_of(&h, rw, l) && !d_of(&h, rw, l));
    struct xlate x;
    /* update=false leaves memory alone. */
    CHECK_EQ(walk(&h, rw, ACCESS_STORE, &x), XL_OK);
    CHECK(!a_of(&h, rw, 4) && !d_of(&h, rw, 4));
    /* A load sets A on every level used, D nowhere. */
    uint64_t before = h.m.st.ad_updates;
    CHECK_EQ(mmu_walk(&h.m, h.root, rw, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(h.m.st.ad_updates - before, 4);
    for (unsigned l = 1; l <= 4; l++)
        CHECK(a_of(&h, rw, l) && !d_of(&h, rw, l));
    /* The step records the PTE as read, before the update. */
    CHECK(!(x.walk.steps[3].pte & X86_A));
    /* A store sets D in the leaf only. */
    CHECK_EQ(mmu_walk(&h.m, h.root, rw, ACCESS_STORE, true, &x), XL_OK);
    CHECK_EQ(h.m.st.ad_updates - before, 5);
    for (unsigned l = 1; l <= 3; l++)
        CHECK(!d_of(&h, rw, l));
    CHECK(d_of(&h, rw, 4));
    CHECK(x.flags & TLBF_D);
    /* A refused store sets neither A nor D in the leaf (the upper levels were used). */
    CHECK_EQ(mmu_walk(&h.m, h.root, ro, ACCESS_STORE, true, &x), XL_PROTECTION);
    CHECK(!a_of(&h, ro, 4) && !d_of(&h, ro, 4));
    CHECK(a_of(&h, ro, 3));
    /* A load of the read-only page then sets A only. */
    CHECK_EQ(mmu_walk(&h.m, h.root, ro, ACCESS_LOAD, true, &x), XL_OK);
    CHECK(a_of(&h, ro, 4) && !d_of(&h, ro, 4));
    CHECK(!(x.flags & TLBF_D));
    /* A not-present fault at level 4 leaves that entry zero; the levels above got A. */
    CHECK_EQ(mmu_walk(&h.m, h.root, rw + 0x2000, ACCESS_LOAD, true, &x), XL_NOT_PRESENT);
    CHECK_EQ(x.level, 4);
    CHECK_EQ(pt_read(&h.m, x.walk.steps[3].pte_pa), 0);
    /* A fetch sets A only; a large leaf gets its D. */
    CHECK_EQ(mmu_walk(&h.m, h.root, big + 0x1234, ACCESS_FETCH, true, &x), XL_OK);
    CHECK(a_of(&h, big, 3) && !d_of(&h, big, 3));
    CHECK_EQ(mmu_walk(&h.m, h.root, big + 0x1234, ACCESS_STORE, true, &x), XL_OK);
    CHECK(d_of(&h, big, 3));
    CHECK(!d_of(&h, big, 2));
    hwm_fini(&h);
}

TEST(walk_reads_ptes_through_the_caches)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, "psc=off", NULL));
    CHECK_EQ(hwm_map(&h, 0x400000, PSZ_BASE, 0x42, true, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(walk(&h, 0x400000, ACCESS_LOAD, &x), XL_OK);
    for (unsigned l = 0; l < 4; l++)
        CHECK_EQ(x.walk.steps[l].cache_level, CACHE_N); /* cold: DRAM */
    CHECK_EQ(walk(&h, 0x400000, ACCESS_LOAD, &x), XL_OK);
    for (unsigned l = 0; l < 4; l++)
        CHECK_EQ(x.walk.steps[l].cache_level, CACHE_L1D);
    CHECK_EQ(h.m.caches.lvl[CACHE_L1D].st.hits, 4);
    CHECK_EQ(h.m.st.walk_refs, 8);
    CHECK_EQ(h.m.st.walk_refs_level[0], 2);
    hwm_fini(&h);
}

TEST(walk_paging_structure_caches)
{
    struct hwm h;
    CHECK(hwm_init(&h, "core-i7", 0x100000, NULL)); /* psc on */
    const vaddr_t a = 0x7f0000000000ull;
    CHECK_EQ(hwm_map(&h, a, PSZ_BASE, 1, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, a + 0x1000, PSZ_BASE, 2, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, a + 0x200000, PSZ_BASE, 3, true, true, false, false), 0);
    CHECK_EQ(hwm_map(&h, a + 0x40000000ull, PSZ_BASE, 4, true, true, false, false), 0);
    struct xlate x;
    CHECK_EQ(mmu_walk(&h.m, h.root, a, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(x.walk.psc_level, 0);
    CHECK_EQ(x.walk.nsteps, 4);
    /* Same 2 MiB region: the PDE cache gives the page table; one read. */
    CHECK_EQ(mmu_walk(&h.m, h.root, a + 0x1000, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(x.pa, 0x2000);
    CHECK_EQ(x.walk.psc_level, 3);
    CHECK_EQ(x.walk.nsteps, 1);
    CHECK_EQ(x.walk.steps[0].level, 4);
    CHECK_EQ(h.m.st.psc_hits[2], 1);
    /* Same 1 GiB region: the PDPTE cache; two reads. */
    CHECK_EQ(mmu_walk(&h.m, h.root, a + 0x200000, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(x.pa, 0x3000);
    CHECK_EQ(x.walk.psc_level, 2);
    CHECK_EQ(x.walk.nsteps, 2);
    /* Same 512 GiB region: the PML4E cache; three reads. */
    CHECK_EQ(mmu_walk(&h.m, h.root, a + 0x40000000ull, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(x.pa, 0x4000);
    CHECK_EQ(x.walk.psc_level, 1);
    CHECK_EQ(x.walk.nsteps, 3);
    /* Cached permissions still apply: a read-only PDE seen through the PSC. */
    paddr_t pde = 0;
    {
        struct xlate y;
        h.m.cfg.psc = false;
        mmu_walk(&h.m, h.root, a, ACCESS_LOAD, false, &y);
        h.m.cfg.psc = true;
        pde = y.walk.steps[2].pte_pa;
    }
    pt_write(&h.m, pde, pt_read(&h.m, pde) & ~X86_RW);
    mmu_flush_all(&h.m);
    CHECK_EQ(mmu_walk(&h.m, h.root, a, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(mmu_walk(&h.m, h.root, a + 0x1000, ACCESS_STORE, true, &x), XL_PROTECTION);
    CHECK_EQ(x.walk.psc_level, 3);
    CHECK_EQ(x.why, WHY_WRITE);
    /* A CR3 load without PCID empties the PSCs. */
    mmu_load_cr3(&h.m, h.root, 1);
    CHECK_EQ(mmu_walk(&h.m, h.root, a + 0x1000, ACCESS_LOAD, true, &x), XL_OK);
    CHECK_EQ(x.walk.psc_level, 0);
    hwm_fini(&h);
}

/* ---- the walker against a naive recursive walk ---- */

struct naive_result {
    enum xlate_status st;
    unsigned level, why;
    paddr_t pa;
};

struct naive_ctx {
    struct mmu *m;
    bool x64;
    unsigned levels, va_bits, per;
    bool large;
    bool user;
};

/* Textbook level lvl's index: 12 + per*(levels-lvl) is its lowest bit. */
static struct naive_result naive_walk(const struct naive_ctx *c, paddr_t table, unsigned lvl,
                                      vaddr_t va, enum access_kind k, bool w, bool u, bool nx)
{
    unsigned lo = 12 + c->per * (c->levels - lvl);
    unsigned width = lvl == 1 ? c->va_bits - lo : c->per;
    uint64_t idx = (va >> lo) & ((UINT64_C(1) << width) - 1);
    unsigned size = c->x64 ? 8 : 4;
    uint64_t pte = 0;
    uint8_t bytes[8];
    physmem_read_bytes(c->m->pm, table + idx * size, bytes, size);
    for (unsigned i = 0; i < size; i++)
        pte |= (uint64_t)bytes[i] << (8 * i);
    if (!(pte & 1))
        return (struct naive_result){XL_NOT_PRESENT, lvl, 0, 0};
    w = w && (pte & 2);
    u = u && (pte & 4);
    nx = nx || (c->x64 && (pte >> 63));
    paddr_t frame = c->x64 ? pte & 0x000ffffffffff000ull : pte & 0xfffff000ull;
    unsigned page_bits = 12;
    if (lvl < c->levels) {
        if (!(pte & 0x80))
            return naive_walk(c, frame, lvl + 1, va, k, w, u, nx);
        unsigned above = c->levels - lvl; /* 1: 2 MiB / 4 MiB, 2: 1 GiB */
        if (!c->large || above > (c->x64 ? 2u : 1u))
            return (struct naive_result){XL_RESERVED, lvl, 0, 0};
        page_bits = lo;
    }
    unsigned why = 0;
    if (c->user && !u)
        why |= WHY_USER;
    if (k == ACCESS_STORE && !w)
        why |= WHY_WRITE;
    if (k == ACCESS_FETCH && nx)
        why |= WHY_EXEC;
    if (why)
        return (struct naive_result){XL_PROTECTION, lvl, why, 0};
    paddr_t off_mask = (UINT64_C(1) << page_bits) - 1;
    return (struct naive_result){XL_OK, lvl, 0, (frame & ~off_mask) | (va & off_mask)};
}

static void random_tables_vs_naive(const char *preset, const char *large, uint64_t seed)
{
    struct hwm h;
    CHECK(hwm_init(&h, preset, 0x80000, "psc=off", large, NULL));
    if (!h.ok)
        return;
    struct naive_ctx c = {.m = &h.m, .x64 = h.m.cfg.pte_fmt == PTE_FMT_X86_64,
                          .levels = h.m.cfg.levels, .va_bits = h.m.cfg.va_bits,
                          .large = h.m.cfg.large_pages};
    c.per = c.x64 ? 9 : 10;
    uint64_t s = seed;
    enum { NREG = 6, NMAP = 600, NVA = 40000 };
    vaddr_t regions[NREG];
    for (int i = 0; i < NREG; i++)
        regions[i] = rng_next(&s) & mask_bits(c.va_bits) & ~mask_bits(c.x64 ? 31 : 23);
    vaddr_t mapped[NMAP];
    int nmapped = 0;
    for (int i = 0; i < NMAP; i++) {
        int psz = PSZ_BASE;
        uint64_t r = rng_below(&s, 20);
        if (r == 0 && h.m.g.psz_shift[PSZ_BIG])
            psz = PSZ_BIG;
        else if (r < 3 && h.m.g.psz_shift[PSZ_MID])
            psz = PSZ_MID;
        unsigned shift = h.m.g.psz_shift[psz];
        vaddr_t va = (regions[rng_below(&s, NREG)] +
                      (rng_below(&s, 1u << (c.x64 ? 19 : 11)) << 12)) &
                     ~mask_bits(shift) & mask_bits(c.va_bits);
        pfn_t pfn = (rng_below(&s, 1u << 19) << 12 >> 12) & ~mask_bits(shift - 12);
        if (hwm_map(&h, va, psz, pfn, rng_below(&s, 4) != 0, rng_below(&s, 5) != 0,
                    rng_below(&s, 3) == 0, rng_below(&s, 8) == 0) == 0)
            mapped[nmapped++] = va;
    }
    /* Corrupt random entries on the way to mapped pages: P, R/W, U/S, XD, PS, A, D. */
    static const pte_t flips[] = {X86_P, X86_RW, X86_US, X86_XD, X86_PS, X86_A, X86_D};
    for (int i = 0; i < 60; i++) {
        vaddr_t va = mapped[rng_below(&s, (uint64_t)nmapped)];
        struct xlate x;
        walk(&h, va, ACCESS_LOAD, &x);
        if (!x.walk.nsteps)
            continue;
        /* Mostly leaves; an upper entry affects a whole region. */
        unsigned at = rng_below(&s, 3) ? x.walk.nsteps - 1 : (unsigned)rng_below(&s, x.walk.nsteps);
        struct walk_step *st = &x.walk.steps[at];
        pte_t f = flips[rng_below(&s, ARRAY_LEN(flips))];
        if (!c.x64 && f == X86_XD)
            f = X86_RW;
        pt_write(&h.m, st->pte_pa, st->pte ^ f);
    }
    unsigned agree = 0, counts[6] = {0};
    for (int i = 0; i < NVA; i++) {
        vaddr_t va;
        uint64_t r = rng_below(&s, 10);
        if (r < 6)
            va = mapped[rng_below(&s, (uint64_t)nmapped)] + rng_below(&s, 1u << 12);
        else if (r < 8)
            va = mapped[rng_below(&s, (uint64_t)nmapped)] + rng_below(&s, 1u << 21);
        else if (r < 9)
            va = regions[rng_below(&s, NREG)] + rng_below(&s, 1ull << 31);
        else
            va = rng_next(&s);
        va &= mask_bits(c.va_bits);
        enum access_kind k = (enum access_kind)rng_below(&s, 3);
        h.m.user = c.user = rng_below(&s, 4) != 0;
        struct xlate x;
        enum xlate_status st = walk(&h, va, k, &x);
        struct naive_result n = naive_walk(&c, h.root, 1, va, k, true, true, false);
        bool same = st == n.st && x.level == n.level &&
                    (st != XL_OK || x.pa == n.pa) && (st != XL_PROTECTION || x.why == n.why);
        if (!same) {
            harness_fail(__FILE__, __LINE__,
                         "%s va 0x%llx kind %d user %d: walker %d level %u why %u pa 0x%llx, "
                         "naive %d level %u why %u pa 0x%llx",
                         preset, (unsigned long long)va, k, c.user, st, x.level, x.why,
                         (unsigned long long)x.pa, n.st, n.level, n.why,
                         (unsigned long long)n.pa);
            break;
        }
        agree++;
        counts[st < 6 ? st : 5]++;
    }
    CHECK_EQ(agree, NVA);
    if (getenv("VMS_TEST_VERBOSE"))
        fprintf(stderr, "%s: ok %u np %u prot %u rsvd %u\n", preset, counts[XL_OK],
                counts[XL_NOT_PRESENT], counts[XL_PROTECTION], counts[XL_RESERVED]);
    /* The stream exercised every outcome. */
    CHECK(counts[XL_OK] > 300);
    CHECK(counts[XL_NOT_PRESENT] > 1000);
    CHECK(counts[XL_PROTECTION] > 100);
    hwm_fini(&h);
}

TEST(walk_vs_naive_core_i7)
{
    random_tables_vs_naive("core-i7", "large_pages=on", 1);
    random_tables_vs_naive("core-i7", "large_pages=on", 2);
    random_tables_vs_naive("core-i7", "large_pages=off", 3);
}

TEST(walk_vs_naive_5level)
{
    random_tables_vs_naive("x86-64-5level", "large_pages=on", 4);
}

TEST(walk_vs_naive_csapp_2level)
{
    random_tables_vs_naive("csapp-2level", "large_pages=on", 5);
    random_tables_vs_naive("csapp-2level", "large_pages=off", 6);
}
