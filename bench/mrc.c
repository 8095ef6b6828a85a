/* Miss-ratio-curve throughput: a seeded synthetic page stream shaped like the bundled sort
 * trace (36 M touches over 600 pages: a hot set of code and stack pages plus sequential
 * cursors sweeping an array), the exact LRU curve in one pass, and the same curve by
 * per-size simulation. Then, when the Valgrind lackey traces are found (bench/traces or
 * $VMSIM_TRACES, mm.lackey.xz and sort.lackey.xz), the same on their page touches,
 * read with vms_trace_* (outside the timing) and fed as `vmsim mrc` feeds them.
 * Usage: build/bench/mrc [TOUCHES] [PAGES] [SIM_SIZES]   or   build/bench/mrc --trace F */
#include "vmsim.h"

#include "traces.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t bench_rng = 0x5eed;
static uint64_t bench_next(void)
{
    uint64_t z = (bench_rng += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Pages: 0..15 hot; 16..npages-1 an array swept by three cursors (two read, one write),
 * each moving to the next page every ~60 touches, jumping rarely. */
static uint32_t *bench_stream(size_t n, uint32_t npages)
{
    uint32_t *s = malloc(n * sizeof *s);
    if (!s)
        return NULL;
    uint32_t span = npages - 16, cur[3] = {0, span / 3, 2 * span / 3};
    for (size_t i = 0; i < n; i++) {
        uint64_t r = bench_next();
        uint32_t k = (uint32_t)(r % 100);
        if (k < 40) {
            s[i] = (uint32_t)((r >> 8) % 16);
        } else {
            uint32_t c = k % 3;
            if ((r >> 16) % 60 == 0)
                cur[c] = (cur[c] + 1) % span;
            if ((r >> 24) % 2000000 == 0)
                cur[c] = (uint32_t)((r >> 40) % span);
            s[i] = (16 + cur[c]) | (c == 2 ? 0x80000000u : 0);
        }
    }
    return s;
}

static double bench_curve(const uint32_t *s, size_t n, struct vms_mrc_opts *o,
                          struct vms_mrc **out)
{
    struct vms_error e = {0};
    struct vms_mrc *m;
    if (vms_mrc_create(o, &m, &e) < 0) {
        fprintf(stderr, "bench: %s\n", e.msg);
        exit(1);
    }
    double t0 = bench_now();
    for (size_t i = 0; i < n; i++)
        vms_mrc_touch(m, (uint64_t)(s[i] & 0x7fffffffu) << 12, s[i] >> 31);
    if (vms_mrc_finish(m, &e) < 0) {
        fprintf(stderr, "bench: %s\n", e.msg);
        exit(1);
    }
    double t = bench_now() - t0;
    *out = m;
    return t;
}

/* The records of a trace in any format vmsim reads (through vms_trace_*), or NULL. */
static struct vms_trace_rec *bench_records(const char *path, size_t *n, double *secs)
{
    struct vms_error e = {0};
    double t0 = bench_now();
    struct vms_trace *t;
    if (vms_trace_open(path, 0, &t, &e)) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return NULL;
    }
    size_t cap = 1 << 20, len = 0;
    struct vms_trace_rec *r = malloc(cap * sizeof *r);
    long got = 0;
    while (r) {
        if (len == cap) {
            struct vms_trace_rec *nr = realloc(r, (cap *= 2) * sizeof *nr);
            if (!nr) {
                free(r);
                r = NULL;
                break;
            }
            r = nr;
        }
        got = vms_trace_read(t, r + len, cap - len, &e);
        if (got <= 0)
            break;
        len += (size_t)got;
    }
    vms_trace_close(t);
    if (got < 0) {
        fprintf(stderr, "bench: %s\n", e.msg);
        free(r);
        return NULL;
    }
    *n = len;
    *secs = bench_now() - t0;
    return r;
}

/* One curve over the records as `vmsim mrc` computes it (vms_mrc_touch_records, 4 KiB
 * pages); returns the seconds taken, the engine in *out. */
static double bench_records_curve(const struct vms_trace_rec *r, size_t n,
                                  const struct vms_mrc_opts *o, struct vms_mrc **out)
{
    struct vms_error e = {0};
    struct vms_mrc *m;
    if (vms_mrc_create(o, &m, &e) < 0) {
        fprintf(stderr, "bench: %s\n", e.msg);
        exit(1);
    }
    double t0 = bench_now();
    if (vms_mrc_touch_records(m, r, n, 4096) < 0 || vms_mrc_finish(m, &e) < 0) {
        fprintf(stderr, "bench: out of memory or %s\n", e.msg);
        exit(1);
    }
    *out = m;
    return bench_now() - t0;
}

static void bench_trace(const char *path)
{
    size_t n = 0;
    double read_secs = 0;
    struct vms_trace_rec *r = bench_records(path, &n, &read_secs);
    if (!r || !n) {
        free(r);
        return;
    }
    double best = 1e30;
    uint64_t fp = 0, touches = 0;
    struct vms_mrc_opts o1 = {.policies = "lru"};
    for (int rep = 0; rep < 3; rep++) {
        struct vms_mrc *m;
        double dt = bench_records_curve(r, n, &o1, &m);
        if (dt < best)
            best = dt;
        fp = vms_mrc_footprint(m);
        touches = vms_mrc_references(m);
        vms_mrc_destroy(m);
    }
    printf("mrc: %s: %zu records (read in %.2f s) -> %llu page touches over %llu pages\n",
           path, n, read_secs, (unsigned long long)touches, (unsigned long long)fp);
    printf("  lru one pass, all sizes (best of 3): %7.3f s  %8.1f M touches/s\n", best,
           (double)touches / best / 1e6);
    /* The same curve simulated per size at 8 sizes (libCacheSim's comparison point). */
    uint32_t sizes[8];
    for (uint32_t i = 0; i < 8; i++)
        sizes[i] = (uint32_t)(fp * (i + 1) / 8) ? (uint32_t)(fp * (i + 1) / 8) : 1;
    struct vms_mrc_opts o2 = {.policies = "lru", .simulate = true, .sizes = sizes, .nsizes = 8};
    struct vms_mrc *m;
    double dt = bench_records_curve(r, n, &o2, &m);
    printf("  lru per-size simulation, 8 sizes: %7.3f s; all %llu sizes (extrapolated) "
           "%.1f s: one pass is %.0fx faster\n",
           dt, (unsigned long long)fp, dt / 8 * (double)fp, dt / 8 * (double)fp / best);
    vms_mrc_destroy(m);
    free(r);
}

static void bench_trace_cb(const char *path, void *ctx)
{
    (void)ctx;
    bench_trace(path);
}

int main(int argc, char **argv)
{
    if (argc == 3 && (!strcmp(argv[1], "--trace") || !strcmp(argv[1], "--lackey"))) {
        bench_trace(argv[2]);
        return 0;
    }
    size_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 36000000;
    uint32_t npages = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0) : 600;
    uint32_t nsim = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 0) : 8;
    uint32_t *s = bench_stream(n, npages < 32 ? 32 : npages);
    if (!s)
        return 1;
    struct vms_mrc *one = NULL, *sim;
    struct vms_mrc_opts o1 = {.policies = "lru"};
    double t1 = 1e30;
    for (int rep = 0; rep < 3; rep++) { /* best of 3: the machine may be shared */
        struct vms_mrc *m;
        double t = bench_curve(s, n, &o1, &m);
        if (t < t1) {
            t1 = t;
            if (rep)
                vms_mrc_destroy(one);
            one = m;
        } else {
            vms_mrc_destroy(m);
        }
    }
    uint64_t fp = vms_mrc_footprint(one);
    printf("mrc: %zu touches over %llu pages (synthetic, sort-shaped, seeded)\n", n,
           (unsigned long long)fp);
    printf("  lru one pass, all %llu sizes (best of 3): %7.3f s  %8.1f M touches/s\n",
           (unsigned long long)fp, t1, (double)n / t1 / 1e6);

    /* Per-size simulation of the same curve at nsim sizes spread over the footprint. */
    uint32_t *sizes = malloc(nsim * sizeof *sizes);
    for (uint32_t i = 0; i < nsim; i++)
        sizes[i] = (uint32_t)(fp * (i + 1) / nsim) ? (uint32_t)(fp * (i + 1) / nsim) : 1;
    struct vms_mrc_opts o2 = {.policies = "lru", .simulate = true, .sizes = sizes,
                              .nsizes = nsim};
    double t2 = bench_curve(s, n, &o2, &sim);
    uint64_t mismatches = 0;
    for (uint32_t i = 0; i < nsim; i++)
        mismatches += vms_mrc_faults(one, 0, sizes[i]) != vms_mrc_faults(sim, 0, sizes[i]);
    double full = t2 / nsim * (double)fp;
    printf("  lru per-size simulation, %u sizes: %7.3f s  %8.1f M touch-sizes/s (all threads)\n",
           nsim, t2, (double)n * nsim / t2 / 1e6);
    printf("  per-size, all %llu sizes (extrapolated): %.1f s; one pass is %.0fx faster\n",
           (unsigned long long)fp, full, full / t1);
    printf("  one-pass vs simulated faults at the %u sizes: %s\n", nsim,
           mismatches ? "MISMATCH" : "identical");

    struct vms_mrc *opt;
    struct vms_mrc_opts o3 = {.policies = "opt"};
    double t3 = bench_curve(s, n, &o3, &opt);
    printf("  opt one pass (priority stack), all sizes: %7.3f s  %8.1f M touches/s\n", t3,
           (double)n / t3 / 1e6);
    vms_mrc_destroy(one);
    vms_mrc_destroy(sim);
    vms_mrc_destroy(opt);
    free(sizes);
    free(s);
    if (argc == 1) {
        bench_each_trace(bench_trace_cb, NULL);
    }
    return mismatches ? 1 : 0;
}
