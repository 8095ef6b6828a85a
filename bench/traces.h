/* The bundled traces the benchmarks measure when given none (bench/traces/README.md):
 * mm and sort in bench/traces, or in the directory $VMSIM_TRACES names. */
#ifndef VMS_BENCH_TRACES_H
#define VMS_BENCH_TRACES_H

#include <stdio.h>
#include <stdlib.h>

/* Calls fn(path) for each default trace that exists. */
static inline void bench_each_trace(void (*fn)(const char *path, void *ctx), void *ctx)
{
    static const char *const names[] = {"mm.lackey.xz", "sort.lackey.xz"};
    const char *env = getenv("VMSIM_TRACES");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", env && *env ? env : "bench/traces", names[i]);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            fn(path, ctx);
        }
    }
}

#endif
