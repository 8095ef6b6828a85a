/* Limits the simulated kernel must keep as Linux does: arguments Linux refuses are refused
 * (wrapping lengths and offsets, a huge brk), vm.max_map_count, the 5-level machine's
 * 56-bit user space. Each test failed before its fix. */
#include "ktest.h"

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)

/* msync with a length that wraps past 2^64 fails (Linux: ENOMEM); a length within a page of
 * 2^64 rounds to 0 and succeeds, as on Linux. */
TEST(kernel_msync_wrapping_length)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, PG, RW, KMAP_ANON, NULL, 0);
    struct vms_error e = {0};
    CHECK_EQ(kern_msync(k, t, a, UINT64_C(0xfffffffffffff000), &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "ENOMEM");
    CHECK_EQ(kern_msync(k, t, a, UINT64_MAX - 2 * PG, &e), -VMS_EINVAL);
    KOK(kern_msync(k, t, a, UINT64_MAX, E));
    KOK(kern_msync(k, t, a, PG, E));
    kt_fini(&x);
}

/* mmap of a file at an offset whose pages run past the largest file offset fails with
 * EOVERFLOW (Linux), as does any offset whose page count wraps; anonymous mappings ignore
 * the offset otherwise. */
TEST(kernel_mmap_offset_overflow)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "o.bin", 2 * PG, 1);
    struct task *t = kern_spawn(k, NULL);
    struct vms_error e = {0};
    vaddr_t va = 0;
    CHECK_EQ(kern_mmap(k, t, 0, PG, AREA_READ, 0, path, UINT64_C(0xfffffffffffff000), &va, &e),
             -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "EOVERFLOW");
    CHECK_EQ(kern_mmap(k, t, 0, PG, AREA_READ, KMAP_SHARED, path,
                       UINT64_C(0x7ffffffffffff000), &va, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "EOVERFLOW");
    CHECK_EQ(area_first(kern_task_areas(t)), NULL);
    /* a file mapping ending exactly at 2^63 - 4096 + 4096 - 1 is fine (past EOF: SIGBUS) */
    KOK(kern_mmap(k, t, 0, PG, AREA_READ, 0, path, UINT64_C(0x7fffffffffffe000), &va, E));
    /* anonymous: the offset only has to be aligned */
    KOK(kern_mmap(k, t, 0, PG, AREA_READ, KMAP_ANON, NULL, UINT64_C(0xfffffffffffff000), &va, E));
    KOK(kern_mmap(k, t, 0, PG, AREA_READ, KMAP_ANON | KMAP_SHARED, NULL,
                  UINT64_C(0xfffffffffffff000), &va, E));
    KT_AUDIT(k);
    kt_fini(&x);
}

/* brk down by more than 2^63 (the scenario's `brk -0xffffffffffffffff`) is below the heap's
 * start: ENOMEM, the break unchanged (kern_brk's int64_t delta cannot say it). */
TEST(kernel_brk_huge_shrink)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t heap = 0;
    KOK(kern_brk_by(k, t, false, 100, &heap, E));
    struct vms_error e = {0};
    CHECK_EQ(kern_brk_by(k, t, true, UINT64_MAX, &heap, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "ENOMEM");
    CHECK_EQ(kern_brk_by(k, t, true, UINT64_C(1) << 63, &heap, &e), -VMS_EINVAL);
    CHECK_EQ(kern_brk_by(k, t, false, UINT64_MAX, &heap, &e), -VMS_EINVAL);
    CHECK_EQ(kern_brk(k, t, INT64_MIN, &heap, &e), -VMS_EINVAL);
    CHECK_EQ(t->brk, heap + 100);
    KOK(kern_brk_by(k, t, true, 100, &heap, E));
    CHECK_EQ(t->brk, heap);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* vm.max_map_count (65530, Linux's default): mmap succeeds until the task has 65531 areas,
 * then fails with ENOMEM; unmapping one lets the next mmap through. */
TEST(kernel_max_map_count)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    struct vms_error e = {0};
    vaddr_t va = 0, last = 0;
    unsigned n = 0;
    while (n < 70000 && kern_mmap(k, t, 0, PG, n & 1 ? AREA_READ : 0, KMAP_ANON, NULL, 0, &va,
                                  &e) == 0) {
        last = va;
        n++;
    }
    CHECK_EQ(kern_task_areas(t)->count, 65531);
    CHECK_CONTAINS(e.msg, "ENOMEM");
    KOK(kern_munmap(k, t, last, PG, E));
    KOK(kern_mmap(k, t, 0, PG, AREA_EXEC, KMAP_ANON, NULL, 0, &va, E));
    CHECK_EQ(va, last);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* The task list is doubly linked (kern_exit in O(1), not a walk of every task): tasks exit
 * from the middle, the head and the tail of the list, and the rest stay listed in order. */
TEST(kernel_exit_any_order)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t[5];
    for (int i = 0; i < 5; i++)
        t[i] = kern_spawn(k, NULL);
    kern_exit(k, t[2]);
    KT_AUDIT(k);
    kern_exit(k, t[4]); /* the head: the newest */
    KT_AUDIT(k);
    kern_exit(k, t[0]); /* the tail */
    KT_AUDIT(k);
    CHECK(k->tasks == t[3] && t[3]->next == t[1] && !t[1]->next);
    struct task *n = kern_spawn(k, NULL);
    CHECK(k->tasks == n && n->next == t[3]);
    kern_exit(k, t[1]);
    kern_exit(k, n);
    CHECK(k->tasks == t[3] && !t[3]->next);
    KT_AUDIT(k);
    kt_fini(&x);
}
