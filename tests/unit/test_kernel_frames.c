/* Unit tests for the kernel's frame and swap-slot tables (src/kernel/frame.c, swap.c): two
 * levels whose leaves are made as frames and slots are first used, the order frames are
 * handed out in (that of one free list 0, 1, 2, ... with freed frames pushed on its head),
 * host memory that follows the frames touched with 1 TiB of memory and swap, a failed leaf
 * allocation, and kern_task_end (a task's memory freed while its statistics stay). */
#include "ktest.h"

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)

/* The frames mapped by stores to n pages from a, in page order. */
static void touch(struct kernel *k, struct task *t, vaddr_t a, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        KSTORE(k, t, a + i * PG, 8, i + 1);
}

TEST(kernel_frames_order_of_one_free_list)
{
    struct kt x;
    if (!kt_init(&x, 2 * KERN_LEAF + 5, 0, NULL))
        return;
    struct kernel *k = x.k;
    CHECK_EQ(k->frames_hw, 0);
    CHECK_EQ(k->frame_dir_cap, 0);
    CHECK_EQ(k->nfree, 2 * KERN_LEAF + 5);
    uint32_t f[6];
    for (unsigned i = 0; i < 6; i++) {
        CHECK_EQ(kern_frame_get_free(k, &f[i]), 1);
        CHECK_EQ(f[i], i); /* lowest never-used first */
    }
    CHECK_EQ(k->frames_hw, 6);
    CHECK_EQ(k->frame_dir_cap, 1);
    /* freed frames come back last freed first, then the never used go on */
    kern_frame_put(k, f[1]);
    kern_frame_put(k, f[4]);
    CHECK_EQ(k->nfree, 2 * KERN_LEAF + 1);
    uint32_t g;
    CHECK_EQ(kern_frame_get_free(k, &g), 1);
    CHECK_EQ(g, 4);
    CHECK_EQ(kern_frame_get_free(k, &g), 1);
    CHECK_EQ(g, 1);
    CHECK_EQ(kern_frame_get_free(k, &g), 1);
    CHECK_EQ(g, 6);
    CHECK_EQ(kern_frame(k, g)->refcount, 1);
    CHECK_EQ(kern_frame(k, g)->slot, KNONE);
    /* across the leaves, to the last (short) one, then none is left */
    for (uint32_t want = 7; want < 2 * KERN_LEAF + 5; want++) {
        CHECK_EQ(kern_frame_get_free(k, &g), 1);
        CHECK_EQ(g, want);
        if (g != want)
            break;
    }
    CHECK_EQ(k->frames_hw, 2 * KERN_LEAF + 5);
    CHECK_EQ(k->frame_dir_cap, 4);
    CHECK_EQ(k->nfree, 0);
    CHECK_EQ(kern_frame_get_free(k, &g), 0);
    for (uint32_t i = 0; i < 2 * KERN_LEAF + 5; i++) /* the caller's references */
        kern_frame_put(k, i);
    CHECK_EQ(k->nfree, 2 * KERN_LEAF + 5);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_frames_huge_memory_only_touched)
{
    /* 1 TiB of memory and of swap: the tables hold what was touched, nothing more */
    struct kt x;
    if (!kt_init(&x, UINT64_C(1) << 28, UINT64_C(1) << 28, "fifo"))
        return;
    struct kernel *k = x.k;
    CHECK_EQ(k->nframes, UINT32_C(1) << 28);
    CHECK_EQ(k->nslots, UINT32_C(1) << 28);
    CHECK_EQ(k->frames_hw, 0);
    CHECK_EQ(k->slots_hw, 0);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 64 * PG, RW, KMAP_ANON, NULL, 0);
    touch(k, t, a, 40);
    CHECK_EQ(k->frames_hw, 40);
    CHECK_EQ(k->frame_dir_cap, 1);
    CHECK_EQ(k->nfree, (UINT32_C(1) << 28) - 40);
    CHECK_EQ(physmem_resident(k->mmu.pm), 40 + k->pt_pages + 1); /* + tables, zero page */
    KT_AUDIT(k);
    /* an eviction takes the first slot, and only its leaf */
    struct vms_error e = {0};
    CHECK_EQ(kern_reclaim_one(k, &e), 1);
    CHECK_EQ(k->slots_hw, 1);
    CHECK_EQ(k->slot_dir_cap, 1);
    CHECK_EQ(k->slots_used, 1);
    KT_AUDIT(k);
    kern_exit(k, t);
    CHECK_EQ(k->nfree, UINT32_C(1) << 28);
    CHECK_EQ(k->slots_used, 0);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_frames_slot_table_wraps_in_order)
{
    /* the slot cursor walks 0, 1, 2, ... over the table as it grows, and wraps at nslots */
    struct kt x;
    if (!kt_init(&x, 4, KERN_LEAF + 3, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, (KERN_LEAF + 6) * PG, RW, KMAP_ANON, NULL, 0);
    touch(k, t, a, KERN_LEAF + 6); /* all but 4 pages go to swap: one slot stays free */
    CHECK_EQ(k->slots_hw, KERN_LEAF + 2);
    CHECK_EQ(k->slots_used, KERN_LEAF + 2);
    CHECK_EQ(k->slot_dir_cap, 2);
    CHECK_EQ(k->nfree, 0);
    KT_AUDIT(k);
    /* every byte comes back through the slots; the evictions this takes reach the last
     * slot and wrap to the first ones again */
    for (unsigned i = 0; i < KERN_LEAF + 6; i++)
        CHECK_EQ(KLOAD(k, t, a + i * PG, 8), i + 1);
    CHECK_EQ(k->slots_hw, KERN_LEAF + 3);
    CHECK(k->slot_cursor < KERN_LEAF);
    CHECK_EQ(x.nkilled, 0);
    KT_AUDIT(k);
    kern_exit(k, t);
    CHECK_EQ(k->slots_used, 0);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_frames_leaf_allocation_fails_cleanly)
{
    struct kt x;
    if (!kt_init(&x, 3 * KERN_LEAF, 0, NULL))
        return;
    struct kernel *k = x.k;
    uint32_t g;
    for (uint32_t i = 0; i < KERN_LEAF; i++)
        CHECK_EQ(kern_frame_get_free(k, &g), 1);
    /* the next frame needs a leaf (and a larger directory): neither can be had */
    for (long n = 0; n < 2; n++) {
        alloc_fail_after(n);
        int rc = kern_frame_get_free(k, &g);
        alloc_fail_after(-1);
        CHECK_EQ(rc, -VMS_ENOMEM);
        CHECK_EQ(k->frames_hw, KERN_LEAF);
        CHECK_EQ(k->nfree, 2 * KERN_LEAF);
    }
    /* through kern_frame_alloc: an error, not a kill */
    struct vms_error e = {0};
    alloc_fail_after(0);
    int rc = kern_frame_alloc(k, &g, &e);
    alloc_fail_after(-1);
    CHECK_EQ(rc, -VMS_ENOMEM);
    CHECK(strstr(e.msg, "out of host memory") != NULL);
    CHECK_EQ(kern_frame_get_free(k, &g), 1);
    CHECK_EQ(g, KERN_LEAF);
    CHECK_EQ(k->frames_hw, KERN_LEAF + 1);
    for (uint32_t i = 0; i <= KERN_LEAF; i++)
        kern_frame_put(k, i);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_task_end_frees_memory_keeps_stats)
{
    struct kt x;
    if (!kt_init(&x, 16, 8, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t1 = kern_spawn(k, NULL), *t2 = kern_spawn(k, NULL);
    vaddr_t a1 = KMMAP(k, t1, 0, 12 * PG, RW, KMAP_ANON, NULL, 0);
    vaddr_t a2 = KMMAP(k, t2, 0, 12 * PG, RW, KMAP_ANON, NULL, 0);
    touch(k, t1, a1, 12);
    touch(k, t2, a2, 8); /* 4 of t1's pages go to swap */
    CHECK_EQ(k->slots_used, 4);
    uint64_t pt_both = k->pt_pages;
    struct stats before;
    kern_task_stats(k, t1, &before);
    CHECK_EQ(before.references, 12);
    CHECK_EQ(before.faults_zero_fill, 12);

    kern_task_end(k, t1);
    CHECK(kern_task_dead(t1));
    CHECK(!kern_task_killed(t1));
    CHECK_EQ(kern_task_rss(t1), 0);
    CHECK_EQ(k->slots_used, 0);   /* its swap slots */
    CHECK_EQ(k->nfree, 16 - 8);   /* its frames */
    CHECK(k->pt_pages < pt_both); /* its page tables (root included) */
    struct stats after;
    kern_task_stats(k, t1, &after); /* still readable, unchanged */
    CHECK_EQ(after.references, before.references);
    CHECK_EQ(after.faults_zero_fill, before.faults_zero_fill);
    CHECK_EQ(after.tlb_hits[TLB_L1D], before.tlb_hits[TLB_L1D]);
    CHECK_EQ(kern_pid(t1), 1);
    KT_AUDIT(k);
    kern_task_end(k, t1); /* idempotent */
    KT_AUDIT(k);
    /* t2 now gets t1's frames: 8 more pages without swapping */
    uint64_t outs = k->st.swap_outs;
    vaddr_t b = KMMAP(k, t2, 0, 8 * PG, RW, KMAP_ANON, NULL, 0);
    touch(k, t2, b, 8);
    CHECK_EQ(k->st.swap_outs, outs);
    CHECK_EQ(k->nfree, 0);
    CHECK_EQ(x.nkilled, 0);
    KT_AUDIT(k);
    kern_exit(k, t1);
    kern_exit(k, t2);
    CHECK_EQ(k->nfree, 16);
    KT_AUDIT(k);
    kt_fini(&x);
}
