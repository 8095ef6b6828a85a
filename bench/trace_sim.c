/* Benchmark: the full core-i7 model (L1 I/D TLBs, L2 TLB, walks through the PSCs and the
 * caches, L1i/L1d/L2/L3) on a real Valgrind lackey trace. The trace is read into memory
 * first (outside the timing); the replay sends every piece of every record (split at
 * cache-block boundaries, M = a load then a store) through mmu_access, mapping a page on
 * its first fault (pt_map) and retrying, as a demand-paging run does.
 * Usage: trace_sim [RUNS] [TRACE...] (default: 1 run each of bench/traces/{mm,sort}
 * .lackey.xz, or of $VMSIM_TRACES/..., when found). Prints the median of RUNS. */
#include "base/err.h"
#include "hw/mmu.h"
#include "traces.h"

#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Records packed in 8 bytes: addr << 16 | size << 2 | kind (user-space addresses fit in
 * 48 bits; sizes are below 16384). */
static uint64_t *load(const char *path, size_t *n)
{
    struct vms_error e = {0};
    struct vms_trace *t;
    if (vms_trace_open(path, 0, &t, &e)) {
        fprintf(stderr, "trace_sim: %s\n", e.msg);
        return NULL;
    }
    size_t cap = 1 << 20, len = 0;
    uint64_t *r = malloc(cap * sizeof *r);
    struct vms_trace_rec buf[4096];
    long got = 0;
    while (r && (got = vms_trace_read(t, buf, 4096, &e)) > 0) {
        if (len + (size_t)got > cap) {
            uint64_t *nr = realloc(r, (cap *= 2) * sizeof *nr);
            if (!nr) {
                free(r);
                r = NULL;
                break;
            }
            r = nr;
        }
        for (long i = 0; i < got; i++)
            r[len++] = buf[i].addr << 16 | (uint64_t)(buf[i].size & 0x3fff) << 2 | buf[i].kind;
    }
    if (got < 0) {
        fprintf(stderr, "trace_sim: %s\n", e.msg);
        free(r);
        r = NULL;
    }
    vms_trace_close(t);
    *n = len;
    return r;
}

struct result {
    double secs, cpu; /* wall-clock and CPU time of the replay */
    uint64_t refs, faults, dram_reads, dram_writes;
    struct mmu_stats st;
    struct cache_stats cs[CACHE_N];
};

/* One access of `size` bytes at va, split into block pieces (mmu_pieces); a not-present
 * fault maps the page and retries. */
static inline void access1(struct mmu *m, struct pt_alloc *al, vaddr_t va, unsigned size,
                           enum access_kind k, uint64_t *faults)
{
    struct mmu_pieces pc = mmu_pieces(m, k, va, size);
    unsigned len;
    while (mmu_piece_next(&pc, &va, &len)) {
        for (;;) {
            paddr_t pa;
            struct xlate x;
            enum xlate_status st = mmu_access(m, va, k, &pa, &x);
            if (LIKELY(st == XL_OK))
                break;
            struct vms_error e = {0};
            struct pte_info leaf = {.writable = true, .user = true, .readable = true};
            pfn_t *next = al->ctx;
            if (st != XL_NOT_PRESENT ||
                pt_map(m, al, m->root, va, PSZ_BASE, (*next)++, &leaf, &e)) {
                fprintf(stderr, "trace_sim: unexpected fault at 0x%llx\n", (unsigned long long)va);
                exit(1);
            }
            (*faults)++;
        }
    }
}

static int run(const uint64_t *r, size_t n, struct result *res)
{
    struct vms_config c;
    struct vms_error e = {0};
    struct mmu m;
    if (config_preset(&c, "core-i7", &e) || mmu_init(&m, &c, false, &e)) {
        fprintf(stderr, "trace_sim: %s\n", e.msg);
        return -1;
    }
    pfn_t next = 0x100;
    struct pt_alloc al = {bump_alloc, &next};
    paddr_t root;
    if (pt_create_root(&m, &al, &root))
        return -1;
    mmu_load_cr3(&m, root, 1);
    uint64_t faults = 0;
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < n; i++) {
        vaddr_t va = r[i] >> 16;
        unsigned size = (unsigned)(r[i] >> 2) & 0x3fff;
        switch (r[i] & 3) {
        case VMS_TRACE_I:
            access1(&m, &al, va, size, ACCESS_FETCH, &faults);
            break;
        case VMS_TRACE_L:
            access1(&m, &al, va, size, ACCESS_LOAD, &faults);
            break;
        case VMS_TRACE_S:
            access1(&m, &al, va, size, ACCESS_STORE, &faults);
            break;
        default:
            access1(&m, &al, va, size, ACCESS_LOAD, &faults);
            access1(&m, &al, va, size, ACCESS_STORE, &faults);
        }
    }
    res->secs = clock_s(CLOCK_MONOTONIC) - t0;
    res->cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    res->refs = m.st.accesses;
    res->faults = faults;
    res->st = m.st;
    res->dram_reads = m.caches.dram_reads;
    res->dram_writes = m.caches.dram_writes;
    for (int i = 0; i < CACHE_N; i++)
        res->cs[i] = m.caches.lvl[i].st;
    mmu_fini(&m);
    return 0;
}

static int cmp_secs(const void *a, const void *b)
{
    const struct result *x = a, *y = b;
    return x->secs < y->secs ? -1 : x->secs > y->secs;
}

static int cmp_double(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

static double ratio(uint64_t a, uint64_t b)
{
    return a + b ? (double)a / (double)(a + b) : 0;
}

static void bench(const char *path, int runs)
{
    size_t n;
    uint64_t *r = load(path, &n);
    if (!r)
        return;
    struct result res[16];
    int k = 0;
    for (; k < runs && k < 16; k++)
        if (run(r, n, &res[k]))
            break;
    free(r);
    if (!k)
        return;
    double cpu[16];
    for (int i = 0; i < k; i++)
        cpu[i] = res[i].cpu;
    qsort(cpu, (size_t)k, sizeof cpu[0], cmp_double);
    qsort(res, (size_t)k, sizeof res[0], cmp_secs);
    const struct result *med = &res[k / 2];
    const struct mmu_stats *st = &med->st;
    printf("trace_sim core-i7 %s: %zu records, %llu refs in %.3f s (median of %d): "
           "%.1f M refs/s, %.1f M records/s (by CPU time, median: %.1f M refs/s)\n",
           path, n, (unsigned long long)med->refs, med->secs, k,
           (double)med->refs / med->secs / 1e6, (double)n / med->secs / 1e6,
           (double)med->refs / cpu[k / 2] / 1e6);
    printf("  L1 i-TLB hit %.4f, L1 d-TLB hit %.4f, L2 TLB hit %.4f, walks %llu, faults %llu; "
           "L1i %.4f, L1d %.4f, L2 %.4f, L3 %.4f\n",
           ratio(st->tlb_hits[TLB_L1I], st->tlb_misses[TLB_L1I]),
           ratio(st->tlb_hits[TLB_L1D], st->tlb_misses[TLB_L1D]),
           ratio(st->tlb_hits[TLB_L2], st->tlb_misses[TLB_L2]), (unsigned long long)st->walks,
           (unsigned long long)med->faults,
           ratio(med->cs[CACHE_L1I].hits, med->cs[CACHE_L1I].misses),
           ratio(med->cs[CACHE_L1D].hits, med->cs[CACHE_L1D].misses),
           ratio(med->cs[CACHE_L2].hits, med->cs[CACHE_L2].misses),
           ratio(med->cs[CACHE_L3].hits, med->cs[CACHE_L3].misses));
    /* Totals that any change to the model's behaviour would show. */
    printf("  cycles %llu, walk refs %llu, A/D updates %llu, DRAM reads %llu, writes %llu\n",
           (unsigned long long)st->cycles, (unsigned long long)st->walk_refs,
           (unsigned long long)st->ad_updates, (unsigned long long)med->dram_reads,
           (unsigned long long)med->dram_writes);
}

static void bench_cb(const char *path, void *ctx)
{
    bench(path, *(int *)ctx);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 1;
    if (runs < 1)
        runs = 1;
    if (argc > 2) {
        for (int i = 2; i < argc; i++)
            bench(argv[i], runs);
        return 0;
    }
    bench_each_trace(bench_cb, &runs);
    return 0;
}
