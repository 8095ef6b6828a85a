/* The I/O hook: wrappers that retry EINTR and continue short transfers, and the fault
 * injection of tests (see io.h). */
#include "base/io.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The injection: kind and n are atomic (reader threads call the wrappers); the filter is
 * written only before any I/O of the run (io_fault_set, or once from the environment). */
static atomic_int io_kind;     /* enum io_fault, or -1: a malformed VMSIM_IO_FAULT */
static atomic_long io_at;      /* the call that has the fault (from 1) */
static atomic_long io_count;   /* matching calls so far */
static atomic_bool io_fired;   /* the fault has been injected */
static char io_filter[256];
static pthread_once_t io_once = PTHREAD_ONCE_INIT;

static void io_fault_set_now(enum io_fault kind, long n, const char *filter);

/* io_fault_parse's work, setting the injection with io_fault_set_now. */
static int io_fault_parse_now(const char *v)
{
    static const char *const kinds[] = {"", "eio", "enospc", "eintr", "short"};
    const char *colon = strchr(v, ':');
    int kind = 0;
    for (int i = 1; i < 5 && colon; i++)
        if (strlen(kinds[i]) == (size_t)(colon - v) && !strncmp(v, kinds[i], (size_t)(colon - v)))
            kind = i;
    char *end = NULL;
    long n = kind && colon[1] >= '0' && colon[1] <= '9' ? strtol(colon + 1, &end, 10) : 0;
    if (n < 1 || !end || (*end && *end != ':'))
        return -1;
    if (*end == ':' && strlen(end + 1) >= sizeof io_filter)
        return -1;
    io_fault_set_now((enum io_fault)kind, n, *end == ':' ? end + 1 : NULL);
    return 0;
}

static void io_env(void)
{
    const char *v = getenv("VMSIM_IO_FAULT");
    if (v && *v && io_fault_parse_now(v) < 0)
        atomic_store(&io_kind, -1);
}

/* io_fault_set without reading the environment first. */
static void io_fault_set_now(enum io_fault kind, long n, const char *filter)
{
    size_t len = filter ? strlen(filter) : 0;
    if (len >= sizeof io_filter)
        len = sizeof io_filter - 1;
    if (filter)
        memcpy(io_filter, filter, len);
    io_filter[len] = '\0';
    atomic_store(&io_count, 0);
    atomic_store(&io_fired, false);
    atomic_store(&io_at, n);
    atomic_store(&io_kind, n < 1 ? IO_FAULT_NONE : (int)kind);
}

void io_fault_set(enum io_fault kind, long n, const char *filter)
{
    pthread_once(&io_once, io_env); /* the environment does not override this later */
    io_fault_set_now(kind, n, filter);
}

int io_fault_parse(const char *spec)
{
    pthread_once(&io_once, io_env);
    return io_fault_parse_now(spec);
}

long io_fault_calls(void)
{
    return atomic_load(&io_count);
}

bool io_fault_fired(void)
{
    return atomic_load(&io_fired);
}

/* The fault of this call (counting it when it matches the filter): IO_FAULT_*, or -1. */
static int io_inject(const char *name)
{
    pthread_once(&io_once, io_env);
    int kind = atomic_load_explicit(&io_kind, memory_order_relaxed);
    if (kind == IO_FAULT_NONE)
        return IO_FAULT_NONE;
    if (kind < 0)
        return -1;
    if (io_filter[0] && (!name || !strstr(name, io_filter)))
        return IO_FAULT_NONE;
    long c = atomic_fetch_add(&io_count, 1) + 1;
    if (c != atomic_load(&io_at))
        return IO_FAULT_NONE;
    atomic_store(&io_fired, true);
    return kind;
}

/* Fails the call for a fault that fails it: true with errno set. */
static bool io_fails(int kind)
{
    if (kind == IO_FAULT_EIO || kind == IO_FAULT_ENOSPC || kind < 0) {
        errno = kind == IO_FAULT_EIO ? EIO : kind == IO_FAULT_ENOSPC ? ENOSPC : EINVAL;
        return true;
    }
    return false;
}

/* One transfer, read or write, positioned (off >= 0) or not, retried on EINTR and
 * continued after short transfers; `fault` is applied to its first system call. */
static ssize_t io_xfer(int fd, void *rbuf, const void *wbuf, size_t n, off_t off,
                       const char *name)
{
    bool wr = wbuf != NULL;
    int fault = io_inject(name);
    if (io_fails(fault))
        return -1;
    size_t done = 0;
    while (done < n) {
        size_t want = n - done;
        ssize_t r;
        if (fault == IO_FAULT_EINTR) {
            fault = IO_FAULT_NONE;
            r = -1;
            errno = EINTR;
        } else {
            if (fault == IO_FAULT_SHORT) {
                fault = IO_FAULT_NONE;
                want = want > 1 ? want / 2 : want;
            }
            off_t at = off + (off_t)done;
            if (wr) {
                const char *p = (const char *)wbuf + done;
                r = off >= 0 ? pwrite(fd, p, want, at) : write(fd, p, want);
            } else {
                char *p = (char *)rbuf + done;
                r = off >= 0 ? pread(fd, p, want, at) : read(fd, p, want);
            }
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0) {
            if (!wr)
                break; /* end of file */
            errno = ENOSPC; /* a write that moves nothing: no room */
            return -1;
        }
        done += (size_t)r;
    }
    return (ssize_t)done;
}

ssize_t io_read(int fd, void *buf, size_t n, const char *name)
{
    return io_xfer(fd, buf, NULL, n, -1, name);
}

ssize_t io_pread(int fd, void *buf, size_t n, off_t off, const char *name)
{
    if (off < 0) {
        errno = EINVAL;
        return -1;
    }
    return io_xfer(fd, buf, NULL, n, off, name);
}

ssize_t io_write(int fd, const void *buf, size_t n, const char *name)
{
    return io_xfer(fd, NULL, buf, n, -1, name);
}

ssize_t io_pwrite(int fd, const void *buf, size_t n, off_t off, const char *name)
{
    if (off < 0) {
        errno = EINVAL;
        return -1;
    }
    return io_xfer(fd, NULL, buf, n, off, name);
}

int io_fsync(int fd, const char *name)
{
    int fault = io_inject(name);
    if (io_fails(fault))
        return -1;
    for (;;) {
        if (fault == IO_FAULT_EINTR) {
            fault = IO_FAULT_NONE;
            continue; /* as an interrupted fsync is retried */
        }
        if (fsync(fd) == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}
