/* Helpers shared by the benchmark programs: a page-table allocator that hands out frames in
 * order, and a clock reading in seconds. */
#ifndef VMS_BENCH_COMMON_H
#define VMS_BENCH_COMMON_H

#include "base/types.h"

#include <time.h>

/* A pt_alloc callback: npages frames from *ctx (a pfn_t counter) on. */
static inline pfn_t bump_alloc(void *ctx, unsigned npages)
{
    pfn_t *next = ctx;
    pfn_t p = *next;
    *next += npages;
    return p;
}

/* The clock id's time in seconds. */
static inline double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
