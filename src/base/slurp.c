/* Bounded whole-input reads (see slurp.h). */
#include "base/slurp.h"

#include "base/alloc.h"
#include "base/io.h"

#include <errno.h>
#include <string.h>

int slurp_file(FILE *f, const char *name, const char *what, size_t max, char **buf, size_t *len,
               struct vms_error *e)
{
    *buf = NULL;
    *len = 0;
    size_t cap = 4096, n = 0;
    char *b = vms_malloc(cap);
    if (!b)
        return err_set(e, VMS_ENOMEM, "%s: out of host memory", name);
    int fd = fileno(f);
    for (;;) {
        /* through the I/O hook (it retries EINTR, continues short reads; VMSIM_IO_FAULT) */
        ssize_t r = fd >= 0 ? io_read(fd, b + n, cap - n - 1, name) : -1; /* room for the NUL */
        if (r < 0) {
            int err = fd >= 0 ? errno : EBADF;
            vms_free(b);
            return err_set(e, VMS_EIO, "%s: read: %s", name, strerror(err));
        }
        n += (size_t)r;
        if (n > max) {
            vms_free(b);
            return err_set(e, VMS_EINVAL, "%s: %s larger than %zu MiB", name, what, max >> 20);
        }
        if (n < cap - 1)
            break; /* end of input */
        /* grow, but never past max + 2: a full buffer then holds more than max bytes */
        size_t ncap = cap > max / 2 ? max + 2 : cap * 2;
        char *nb = vms_realloc(b, ncap);
        if (!nb) {
            vms_free(b);
            return err_set(e, VMS_ENOMEM, "%s: out of host memory", name);
        }
        b = nb;
        cap = ncap;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}
