/* Benchmark: the translate → L1 path (mmu_access) on core-i7, on a TLB-hit-dominated
 * stream (a small working set: L1 TLB hit + L1d hit) and on a page-walk-dominated one
 * (random pages over 1 GiB: TLB misses, walks through the PSCs and caches). References
 * are precomputed in a batch and replayed; statistics are kept as in any run. Prints
 * references per second for each stream, by wall-clock and by CPU time.
 * Usage: translate [SECONDS_PER_STREAM [hit|walk]] (default: 1 second, both streams);
 * translate --count N replays the hit stream exactly N x 65536 times, untimed (for
 * instruction counts: callgrind's total for two values of N, differenced). */
#include "base/err.h"
#include "hw/mmu.h"

#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rates by wall-clock time and by the process's CPU time: on a host shared with other
 * jobs the second is the one that does not depend on how much of a CPU we got. */
struct rate {
    double wall, cpu; /* references per second */
};

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

enum { BATCH = 1 << 16 };

struct ref {
    vaddr_t va;
    enum access_kind k;
};

/* Replay the batch until `seconds` of CPU time have passed. */
static struct rate run(struct mmu *m, const struct ref *refs, double seconds, uint64_t *faults)
{
    uint64_t n = 0;
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), c;
    do {
        for (int rep = 0; rep < 16; rep++) {
            for (size_t i = 0; i < BATCH; i++) {
                paddr_t pa;
                struct xlate x;
                if (UNLIKELY(mmu_access(m, refs[i].va, refs[i].k, &pa, &x) != XL_OK))
                    (*faults)++;
            }
            n += BATCH;
        }
        c = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    } while (c < seconds);
    return (struct rate){(double)n / (clock_s(CLOCK_MONOTONIC) - t0), (double)n / c};
}

static int setup(struct mmu *m, pfn_t *b, struct pt_alloc *al, paddr_t *root)
{
    struct vms_config c;
    struct vms_error e = {0};
    if (config_preset(&c, "core-i7", &e) || mmu_init(m, &c, false, &e)) {
        fprintf(stderr, "translate: %s\n", e.msg);
        return -1;
    }
    *b = 0x1000000;
    *al = (struct pt_alloc){bump_alloc, b};
    if (pt_create_root(m, al, root))
        return -1;
    mmu_load_cr3(m, *root, 1);
    return 0;
}

static int map_pages(struct mmu *m, struct pt_alloc *al, paddr_t root, vaddr_t base, size_t n)
{
    struct vms_error e = {0};
    struct pte_info leaf = {.writable = true, .user = true, .readable = true};
    for (size_t p = 0; p < n; p++)
        if (pt_map(m, al, root, base + (p << 12), PSZ_BASE, 0x100 + p, &leaf, &e)) {
            fprintf(stderr, "translate: %s\n", e.msg);
            return -1;
        }
    return 0;
}

static void report(const char *what, const struct mmu *m, struct rate rate, uint64_t faults)
{
    const struct mmu_stats *st = &m->st;
    uint64_t th = st->tlb_hits[TLB_L1D], tm = st->tlb_misses[TLB_L1D];
    uint64_t ch = m->caches.lvl[CACHE_L1D].st.hits, cm = m->caches.lvl[CACHE_L1D].st.misses;
    printf("translate core-i7 %-14s %8.1f M refs/s  (by CPU time %.1f; L1 d-TLB hit %.4f, "
           "L1d hit %.4f, walks/ref %.4f, faults %llu)\n",
           what, rate.wall / 1e6, rate.cpu / 1e6, (double)th / (double)(th + tm ? th + tm : 1),
           (double)ch / (double)(ch + cm ? ch + cm : 1),
           (double)st->walks / (double)(st->accesses ? st->accesses : 1),
           (unsigned long long)faults);
}

int main(int argc, char **argv)
{
    long count = argc > 2 && !strcmp(argv[1], "--count") ? atol(argv[2]) : -1;
    double secs = argc > 1 && count < 0 ? atof(argv[1]) : 1.0;
    const char *only = count >= 0 ? "hit" : argc > 2 ? argv[2] : "";
    bool do_hit = !*only || !strcmp(only, "hit"), do_walk = !*only || !strcmp(only, "walk");
    struct ref *refs = malloc(BATCH * sizeof *refs);
    if (!refs)
        return 1;
    uint64_t s = 1;

    /* TLB-hit-dominated: 4 pages (16 KiB), loads and 1 in 4 stores. */
    if (do_hit) {
        struct mmu m;
        pfn_t b;
        struct pt_alloc al;
        paddr_t root;
        if (setup(&m, &b, &al, &root) || map_pages(&m, &al, root, 0x400000, 4))
            return 1;
        for (size_t i = 0; i < BATCH; i++) {
            uint64_t r = rng(&s);
            refs[i].va = 0x400000 + ((r >> 8) & 0x3ff8);
            refs[i].k = (r & 3) == 0 ? ACCESS_STORE : ACCESS_LOAD;
        }
        uint64_t faults = 0;
        if (count >= 0) {
            for (long c = 0; c < count; c++)
                for (size_t i = 0; i < BATCH; i++) {
                    paddr_t pa;
                    struct xlate x;
                    if (UNLIKELY(mmu_access(&m, refs[i].va, refs[i].k, &pa, &x) != XL_OK))
                        faults++;
                }
            printf("%ld references, %llu faults\n", count * (long)BATCH,
                   (unsigned long long)faults);
            mmu_fini(&m);
            free(refs);
            return 0;
        }
        run(&m, refs, secs / 4, &faults); /* warm up */
        memset(&m.st, 0, sizeof m.st);
        m.caches.lvl[CACHE_L1D].st = (struct cache_stats){0, 0, 0};
        struct rate rate = run(&m, refs, secs, &faults);
        report("hit-dominated", &m, rate, faults);
        mmu_fini(&m);
    }

    /* Page-walk-dominated: random pages over 1 GiB (262144 pages), loads. */
    if (do_walk) {
        struct mmu m;
        pfn_t b;
        struct pt_alloc al;
        paddr_t root;
        enum { NPAGES = 1 << 18 };
        if (setup(&m, &b, &al, &root) || map_pages(&m, &al, root, 0x10000000000ull, NPAGES))
            return 1;
        for (size_t i = 0; i < BATCH; i++) {
            uint64_t r = rng(&s);
            refs[i].va = 0x10000000000ull + ((r % NPAGES) << 12) + ((r >> 40) & 0xff8);
            refs[i].k = ACCESS_LOAD;
        }
        uint64_t faults = 0;
        run(&m, refs, secs / 4, &faults);
        memset(&m.st, 0, sizeof m.st);
        m.caches.lvl[CACHE_L1D].st = (struct cache_stats){0, 0, 0};
        struct rate rate = run(&m, refs, secs, &faults);
        report("walk-dominated", &m, rate, faults);
        mmu_fini(&m);
    }
    free(refs);
    return 0;
}
