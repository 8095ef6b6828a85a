/* The web build's pthread.h (web/Makefile.web, docs/web.md): wasm32-wasi has no threads, so
 * the few pthread calls of the core that do not start threads run single-threaded: a once
 * runs its function the first time, a mutex is never contended. Starting a thread fails
 * (EAGAIN), which the callers handle as they handle a host that refuses a thread. */
#ifndef VMS_WEB_SHIM_PTHREAD_H
#define VMS_WEB_SHIM_PTHREAD_H

#include <errno.h>

#define __NEED_pthread_t
#define __NEED_pthread_once_t
#define __NEED_pthread_attr_t
#define __NEED_pthread_mutex_t
#define __NEED_pthread_mutexattr_t
#include <bits/alltypes.h>
#define PTHREAD_ONCE_INIT 0

static inline int pthread_once(pthread_once_t *o, void (*f)(void))
{
    if (!*o) {
        *o = 1;
        f();
    }
    return 0;
}
static inline int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    (void)m, (void)a;
    return 0;
}
static inline int pthread_mutex_destroy(pthread_mutex_t *m) { (void)m; return 0; }
static inline int pthread_mutex_lock(pthread_mutex_t *m) { (void)m; return 0; }
static inline int pthread_mutex_unlock(pthread_mutex_t *m) { (void)m; return 0; }
static inline int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*f)(void *),
                                 void *arg)
{
    (void)t, (void)a, (void)f, (void)arg;
    return EAGAIN;
}
static inline int pthread_join(pthread_t t, void **ret)
{
    (void)t, (void)ret;
    return EINVAL;
}

#endif
