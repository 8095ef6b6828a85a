/* Regression tests for kernel bugs the randomized model test (test_kernel_model.c) found,
 * one per fix, each failing before it. (The x86-32 fetch was fixed on main meanwhile, in
 * 4f47b30, the same way; its unit test stays here.) */
#include "ktest.h"

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)
#define RO AREA_READ
#define PRIV_ANON KMAP_ANON
#define SHARED_ANON (KMAP_ANON | KMAP_SHARED)

/* x86-32 PTEs have no XD bit: a fetch from a readable, non-executable area works once the
 * page is present, so the fault handler must not refuse it while the page is absent (the
 * outcome depended on residency), and the audit must not demand an XD bit. */
TEST(kernel_x86_32_fetch_without_xd)
{
    struct kt x;
    if (!kt_init_on(&x, "csapp-2level", 8, 8, NULL, 1))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RO, PRIV_ANON, NULL, 0);
    vaddr_t n = KMMAP(k, t, 0, PG, 0, PRIV_ANON, NULL, 0);
    CHECK_EQ(KFETCH(k, t, a), KSIG_NONE); /* not present yet */
    KT_AUDIT(k);
    CHECK_EQ(KFETCH(k, t, a), KSIG_NONE); /* present */
    CHECK_EQ(KLOAD(k, t, a + PG, 1), 0);
    CHECK_EQ(KFETCH(k, t, a + PG), KSIG_NONE);
    CHECK_EQ(KFETCH(k, t, n), KSIG_SEGV_ACCERR); /* PROT_NONE still faults */
    CHECK_EQ(KSTORES(k, t, a, 1, 1), KSIG_SEGV_ACCERR);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* The teaching MMU checks READ on stores too: a store to a write-only area is accerr (it was
 * resolved by the kernel, refused again by the MMU, and ended in an internal error). */
TEST(kernel_teach_store_needs_read)
{
    struct kt x;
    if (!kt_init_on(&x, "csapp-small", 8, 8, NULL, 1))
        return;
    struct kernel *k = x.k;
    uint64_t ps = x.ps;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t w = KMMAP(k, t, 0, 2 * ps, AREA_WRITE, PRIV_ANON, NULL, 0);
    vaddr_t rw = KMMAP(k, t, 0, 2 * ps, RW, PRIV_ANON, NULL, 0);
    CHECK_EQ(KSTORES(k, t, w, 1, 1), KSIG_SEGV_ACCERR);
    enum kern_sig s;
    KLOADS(k, t, w + ps, 1, &s);
    CHECK_EQ(s, KSIG_SEGV_ACCERR);
    KSTORE(k, t, rw + 3, 1, 0x5a);
    CHECK_EQ(KLOAD(k, t, rw + 3, 1), 0x5a);
    KSTORE(k, t, rw + ps - 4, 8, UINT64_C(0x0102030405060708)); /* spanning 64-byte pages */
    CHECK_EQ(KLOAD(k, t, rw + ps - 4, 8), UINT64_C(0x0102030405060708));
    KT_AUDIT(k);
    kt_fini(&x);
}
