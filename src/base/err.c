/* Error reporting helpers (see err.h for the three kinds of trouble). */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int err_set(struct vms_error *e, int code, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->code = code;
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -code;
}

int err_prefix(struct vms_error *e, const char *fmt, ...)
{
    if (!e)
        return -VMS_EINVAL;
    char pre[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(pre, sizeof pre - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -e->code;
    size_t pl = strlen(pre);
    pre[pl++] = ':';
    pre[pl++] = ' ';
    size_t old = strnlen(e->msg, sizeof e->msg - 1);
    if (pl + old >= sizeof e->msg)
        old = sizeof e->msg - 1 - pl;
    memmove(e->msg + pl, e->msg, old);
    memcpy(e->msg, pre, pl);
    e->msg[pl + old] = '\0';
    return -e->code;
}

void invariant_failed(const char *file, int line, const char *func, const char *what)
{
    fprintf(stderr, "%s:%d: %s: invariant violated: %s\n", file, line, func, what);
    abort();
}

const char *vms_strerror(int code)
{
    switch (code < 0 ? -code : code) {
    case VMS_OK: return "ok";
    case VMS_EINVAL: return "invalid input";
    case VMS_ENOMEM: return "out of host memory";
    case VMS_EIO: return "i/o error";
    case VMS_EUNSUPPORTED: return "not supported";
    default: return "unknown error";
    }
}
