/* The one host-allocation hook (see alloc.h). */
#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1; /* < 0: never fail */
static long alloc_count;

static int should_fail(void)
{
    alloc_count++;
    if (fail_countdown < 0)
        return 0;
    if (fail_countdown == 0)
        return 1;
    fail_countdown--;
    return 0;
}

long alloc_fail_after(long n)
{
    fail_countdown = n;
    return alloc_count;
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
