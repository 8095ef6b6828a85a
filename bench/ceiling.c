/* Benchmark, for scale: the least a trace-driven simulation of the large-footprint traces
 * can cost here. Reads a trace (parsing included, in this thread) and sends every piece of
 * every record through mmu_access on a machine of one TLB (core-i7's 64-entry 4-way L1
 * d-TLB, used for fetches too), page walks without paging-structure caches and one
 * 32 KiB 8-way L1 cache; a not-present fault maps the page and retries. No kernel, no
 * L2 TLB, no L2 or L3 cache.
 * Usage: ceiling [RUNS] TRACE... (default 1 run; the median is printed). */
#include "base/err.h"
#include "hw/mmu.h"
#include "vmsim.h"

#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline int access1(struct mmu *m, struct pt_alloc *al, vaddr_t va, unsigned size,
                          enum access_kind k)
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
            if (st != XL_NOT_PRESENT || pt_map(m, al, m->root, va, PSZ_BASE, (*next)++, &leaf, &e))
                return -1;
        }
    }
    return 0;
}

/* One run over path; seconds of wall-clock time (CPU seconds in *cpu), < 0 on error. */
static double run(const char *path, uint64_t *refs, double *cpu)
{
    struct vms_config c;
    struct vms_error e = {0};
    struct mmu m;
    if (config_preset(&c, "core-i7", &e) < 0)
        goto fail;
    for (int t = 0; t < TLB_N; t++)
        for (int s = 0; s < PSZ_N; s++)
            if (t != TLB_L1D || s != PSZ_BASE)
                c.tlb[t][s].entries = 0;
    for (int i = 0; i < CACHE_N; i++)
        if (i != CACHE_L1D)
            c.cache[i].size = 0;
    c.psc = false;
    if (mmu_init(&m, &c, false, &e) < 0)
        goto fail;
    pfn_t next = 0x100;
    struct pt_alloc al = {bump_alloc, &next};
    paddr_t root;
    struct vms_trace *t = NULL;
    if (pt_create_root(&m, &al, &root) < 0 || vms_trace_open(path, 0, &t, &e) < 0) {
        mmu_fini(&m);
        goto fail;
    }
    mmu_load_cr3(&m, root, 1);
    static struct vms_trace_rec buf[4096];
    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    long got;
    int bad = 0;
    while (!bad && (got = vms_trace_read(t, buf, 4096, &e)) > 0)
        for (long i = 0; i < got && !bad; i++) {
            const struct vms_trace_rec *r = &buf[i];
            switch (r->kind) {
            case VMS_TRACE_I:
                bad = access1(&m, &al, r->addr, r->size, ACCESS_FETCH);
                break;
            case VMS_TRACE_L:
                bad = access1(&m, &al, r->addr, r->size, ACCESS_LOAD);
                break;
            case VMS_TRACE_S:
                bad = access1(&m, &al, r->addr, r->size, ACCESS_STORE);
                break;
            default:
                bad = access1(&m, &al, r->addr, r->size, ACCESS_LOAD) ||
                      access1(&m, &al, r->addr, r->size, ACCESS_STORE);
            }
        }
    double dt = clock_s(CLOCK_MONOTONIC) - t0;
    *cpu = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    *refs = m.st.accesses;
    vms_trace_close(t);
    mmu_fini(&m);
    if (bad || got < 0) {
        fprintf(stderr, "ceiling: %s\n", bad ? "unexpected fault" : e.msg);
        return -1;
    }
    return dt;
fail:
    fprintf(stderr, "ceiling: %s\n", e.msg);
    return -1;
}

static int cmp_double(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

int main(int argc, char **argv)
{
    int runs = 1, first = 1;
    if (argc > 2 && atoi(argv[1]) > 0 && strspn(argv[1], "0123456789") == strlen(argv[1])) {
        runs = atoi(argv[1]) > 15 ? 15 : atoi(argv[1]);
        first = 2;
    }
    if (first >= argc) {
        printf("ceiling: no trace given (bench/run.sh passes the large-footprint ones)\n");
        return 0;
    }
    for (int a = first; a < argc; a++) {
        double secs[15], cpus[15];
        uint64_t refs = 0;
        for (int i = 0; i < runs; i++)
            if ((secs[i] = run(argv[a], &refs, &cpus[i])) < 0)
                return 1;
        qsort(secs, (size_t)runs, sizeof secs[0], cmp_double);
        qsort(cpus, (size_t)runs, sizeof cpus[0], cmp_double);
        printf("ceiling (parse + one TLB + walk + one 32 KiB L1) %s: %llu refs in %.2f s "
               "(median of %d): %.1f M refs/s (by CPU time %.1f M refs/s)\n",
               argv[a], (unsigned long long)refs, secs[runs / 2], runs,
               (double)refs / secs[runs / 2] / 1e6, (double)refs / cpus[runs / 2] / 1e6);
    }
    return 0;
}
