/* Benchmark: the simulated kernel's data path (docs/performance.md, "The simulated kernel") — a `fill` and a
 * `check` of SIZE bytes (8-byte accesses, each a full TLB + cache access with its value)
 * with everything resident, and the same through 64 MiB of memory with swap. Prints
 * simulated accesses per second (and MB/s of data) for each.
 * Usage: kernel [SIZE_MIB] (default 1024; VMSIM_BENCH_MIB also sets it). */
#include "vmsim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int run(const char *label, const char *text, uint64_t accesses, uint64_t bytes)
{
    struct vms_error e = {0};
    struct vms_scenario *sc;
    if (vms_scenario_parse(text, strlen(text), label, &sc, &e) < 0) {
        fprintf(stderr, "bench kernel: %s\n", e.msg);
        return 1;
    }
    FILE *null = fopen("/dev/null", "w");
    double t0 = now();
    int rc = vms_scenario_run(sc, NULL, null ? null : stdout, VMS_TEXT, stderr, &e);
    double dt = now() - t0;
    if (null)
        fclose(null);
    vms_scenario_destroy(sc);
    if (rc != 0) {
        fprintf(stderr, "bench kernel: %s: status %d %s\n", label, rc, e.msg);
        return 1;
    }
    printf("  %-44s %8.2f s  %7.2f M accesses/s  %7.1f MB/s\n", label, dt,
           (double)accesses / dt / 1e6, (double)bytes / dt / 1e6);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t mib = 1024;
    const char *env = getenv("VMSIM_BENCH_MIB");
    if (argc > 1)
        mib = strtoull(argv[1], NULL, 0);
    else if (env)
        mib = strtoull(env, NULL, 0);
    if (!mib)
        mib = 1;
    uint64_t bytes = mib << 20, accesses = 2 * (bytes / 8);
    char text[1024], label[128];
    printf("simulated kernel, core-i7, fill + check of %" PRIu64 " MiB (8-byte accesses)\n", mib);
    snprintf(text, sizeof text,
             "memory %" PRIu64 "MiB\nspawn P\nP mmap A %" PRIu64 "MiB rw- private anon\n"
             "P fill A %" PRIu64 "MiB 1\nP check A %" PRIu64 "MiB 1\n",
             2 * mib + 16, mib, mib, mib);
    snprintf(label, sizeof label, "resident (memory %" PRIu64 " MiB)", 2 * mib + 16);
    int rc = run(label, text, accesses, 2 * bytes);
    snprintf(text, sizeof text,
             "memory 64MiB\nswap %" PRIu64 "MiB\npolicy clock\nspawn P\n"
             "P mmap A %" PRIu64 "MiB rw- private anon\nP fill A %" PRIu64 "MiB 1\n"
             "P check A %" PRIu64 "MiB 1\n",
             mib + 64, mib, mib, mib);
    rc |= run("through 64 MiB with swap (clock)", text, accesses, 2 * bytes);
    return rc;
}
