/* The one host-allocation hook (see alloc.h). */
#include "base/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Atomic: the MRC workers and the trace reader threads allocate concurrently. Relaxed
 * order is enough, as these counters publish no other data. */
static atomic_long fail_countdown = -1; /* < 0: never fail */
static atomic_long alloc_count;

/* One allocation: while the countdown is above 0 it is taken down by one (by exactly one
 * thread per allocation) and the allocation succeeds; at 0 every allocation fails. */
static int should_fail(void)
{
    atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed);
    long c = atomic_load_explicit(&fail_countdown, memory_order_relaxed);
    while (c > 0) {
        if (atomic_compare_exchange_weak_explicit(&fail_countdown, &c, c - 1,
                                                  memory_order_relaxed, memory_order_relaxed))
            return 0;
    }
    return c == 0;
}

long alloc_fail_after(long n)
{
    atomic_store_explicit(&fail_countdown, n, memory_order_relaxed);
    return atomic_load_explicit(&alloc_count, memory_order_relaxed);
}

void *vms_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n ? n : 1);
}

void *vms_calloc(size_t count, size_t size)
{
    return should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1);
}

void *vms_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : realloc(p, n ? n : 1);
}

void vms_free(void *p)
{
    free(p);
}

char *vms_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = vms_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
