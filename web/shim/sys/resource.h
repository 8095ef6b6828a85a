/* The web build's sys/resource.h: WASI has no resource limits; getrlimit fails (ENOSYS), so
 * the core keeps its defaults (the 8 MiB stack limit Linux starts programs with). */
#ifndef VMS_WEB_SHIM_RESOURCE_H
#define VMS_WEB_SHIM_RESOURCE_H
#include <errno.h>
typedef unsigned long long rlim_t;
struct rlimit {
    rlim_t rlim_cur, rlim_max;
};
#define RLIM_INFINITY (~0ULL)
#define RLIMIT_STACK 3
static inline int getrlimit(int res, struct rlimit *rl)
{
    (void)res, (void)rl;
    errno = ENOSYS;
    return -1;
}
#endif
