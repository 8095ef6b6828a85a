/* Non-blocking opens, regular-file checks, bounded whole-file reads (infile.h). */
#include "base/infile.h"

#include "base/slurp.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int infile_open(const char *path, unsigned flags, const char *what, struct vms_error *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int err = errno;
        return err_set(e, VMS_EIO, "%s: %s", path, strerror(err));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return err_set(e, VMS_EIO, "%s: %s", path, strerror(err));
    }
    if ((flags & INFILE_REGULAR) && !S_ISREG(st.st_mode)) {
        close(fd);
        return err_set(e, VMS_EINVAL, "%s: not a regular file (%s %s)", path,
                       S_ISDIR(st.st_mode)    ? "a directory; expected a"
                       : S_ISFIFO(st.st_mode) ? "a FIFO; expected a"
                       : S_ISCHR(st.st_mode)  ? "a device; expected a"
                                              : "expected a",
                       what);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        int err = errno;
        close(fd);
        return err_set(e, VMS_EIO, "%s: %s", path, strerror(err));
    }
    return fd;
}

FILE *infile_fopen(const char *path, unsigned flags, const char *what, struct vms_error *e)
{
    if (!strcmp(path, "-"))
        return stdin;
    int fd = infile_open(path, flags, what, e);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        err_set(e, VMS_ENOMEM, "%s: out of host memory", path);
    }
    return f;
}

int infile_slurp(const char *path, unsigned flags, const char *what, size_t max, char **buf,
                 size_t *len, struct vms_error *e)
{
    *buf = NULL;
    *len = 0;
    FILE *f = infile_fopen(path, flags, what, e);
    if (!f)
        return -(e ? e->code : VMS_EIO);
    int rc = slurp_file(f, path, what, max, buf, len, e);
    if (f != stdin)
        fclose(f);
    return rc;
}
