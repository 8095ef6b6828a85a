/* Benchmark: a kernel-style fill/check loop on core-i7 — every simulated 8-byte access is
 * mmu_access (an L1 d-TLB hit, then the caches) plus physmem_write/physmem_read of the
 * value at the physical address, as machine_access does it. The array is swept with
 * stores of a pattern, then with loads that check it, over and over.
 * Usage: memloop [SECONDS [PAGES]] (default: 1 second, 4 and 32 pages); memloop --count N
 * PAGES does N sweeps exactly, untimed (for instruction counts). */
#include "base/err.h"
#include "hw/mmu.h"

#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One store sweep and one load/check sweep over n 8-byte words at va. Returns mismatches
 * plus faults (0 when all is well). */
static uint64_t sweep(struct mmu *m, vaddr_t va, size_t n, uint64_t seed)
{
    uint64_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        paddr_t pa;
        struct xlate x;
        if (UNLIKELY(mmu_access(m, va + 8 * i, ACCESS_STORE, &pa, &x) != XL_OK)) {
            bad++;
            continue;
        }
        if (UNLIKELY(physmem_write(m->pm, pa, 8, seed + i)))
            bad++;
    }
    for (size_t i = 0; i < n; i++) {
        paddr_t pa;
        struct xlate x;
        uint64_t v;
        if (UNLIKELY(mmu_access(m, va + 8 * i, ACCESS_LOAD, &pa, &x) != XL_OK)) {
            bad++;
            continue;
        }
        physmem_read(m->pm, pa, 8, &v);
        bad += v != seed + i;
    }
    return bad;
}

static int bench(double secs, size_t npages, long count)
{
    struct vms_config cfg;
    struct vms_error e = {0};
    struct mmu m;
    if (config_preset(&cfg, "core-i7", &e) || mmu_init(&m, &cfg, false, &e)) {
        fprintf(stderr, "memloop: %s\n", e.msg);
        return -1;
    }
    pfn_t next = 0x1000000;
    struct pt_alloc al = {bump_alloc, &next};
    paddr_t root;
    if (pt_create_root(&m, &al, &root))
        return -1;
    mmu_load_cr3(&m, root, 1);
    const vaddr_t base = 0x400000;
    struct pte_info leaf = {.writable = true, .user = true, .readable = true};
    for (size_t p = 0; p < npages; p++)
        if (pt_map(&m, &al, root, base + (p << 12), PSZ_BASE, 0x100 + p, &leaf, &e)) {
            fprintf(stderr, "memloop: %s\n", e.msg);
            return -1;
        }
    size_t words = npages << 9;
    uint64_t bad = sweep(&m, base, words, 0); /* warm up: TLB, caches, frames' bytes */
    if (count >= 0) {
        for (long k = 0; k < count; k++)
            bad += sweep(&m, base, words, (uint64_t)k + 1);
        printf("%ld accesses, %llu errors\n", 2 * count * (long)words, (unsigned long long)bad);
        mmu_fini(&m);
        return bad ? -1 : 0;
    }
    memset(&m.st, 0, sizeof m.st);
    for (int i = 0; i < CACHE_N; i++)
        m.caches.lvl[i].st = (struct cache_stats){0, 0, 0};
    uint64_t n = 0, rep = 1;
    /* Until `secs` of CPU time; rates by wall-clock and by CPU time (the second does not
     * depend on how much of a CPU a shared host gave us). */
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), c;
    do {
        for (int k = 0; k < 8; k++, rep++) {
            bad += sweep(&m, base, words, rep * 0x9e3779b97f4a7c15ull);
            n += 2 * words;
        }
        c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    } while (c < secs);
    double t = clock_s(CLOCK_MONOTONIC) - t0;
    const struct cache_stats *l1 = &m.caches.lvl[CACHE_L1D].st;
    uint64_t th = m.st.tlb_hits[TLB_L1D], tm = m.st.tlb_misses[TLB_L1D];
    printf("memloop core-i7 %3zu pages %8.1f M accesses/s  (by CPU time %.1f; 8-byte "
           "store+write / load+read; L1 d-TLB hit %.4f, L1d hit %.4f, errors %llu)\n",
           npages, (double)n / t / 1e6, (double)n / c / 1e6,
           (double)th / (double)(th + tm ? th + tm : 1),
           (double)l1->hits / (double)(l1->hits + l1->misses ? l1->hits + l1->misses : 1),
           (unsigned long long)bad);
    mmu_fini(&m);
    return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    if (argc > 3 && !strcmp(argv[1], "--count"))
        return bench(0, strtoul(argv[3], NULL, 0), atol(argv[2])) ? 1 : 0;
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    if (argc > 2)
        return bench(secs, strtoul(argv[2], NULL, 0), -1) ? 1 : 0;
    return bench(secs, 4, -1) || bench(secs, 32, -1) ? 1 : 0;
}
