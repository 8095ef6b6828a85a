/* Result files through a temporary file and a rename; the same-file check (outfile.h). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* fopencookie (glibc): the stream's writes go through io.c */
#endif
#include "base/outfile.h"

#include "base/alloc.h"
#include "base/io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary files open now, for outfile_abort_all_signal. Only the thread that opens
 * and commits outputs touches a slot; a signal handler only reads them. */
#define OUTFILE_MAX_OPEN 32
static char *volatile outfile_open_tmp[OUTFILE_MAX_OPEN];

static void outfile_register(char *tmp)
{
    for (size_t i = 0; i < OUTFILE_MAX_OPEN; i++)
        if (!outfile_open_tmp[i]) {
            outfile_open_tmp[i] = tmp;
            return;
        }
    /* more outputs than slots: this one is not removed by a fatal signal */
}

static void outfile_unregister(const char *tmp)
{
    for (size_t i = 0; i < OUTFILE_MAX_OPEN; i++)
        if (outfile_open_tmp[i] == tmp)
            outfile_open_tmp[i] = NULL;
}

void outfile_abort_all_signal(void)
{
    for (size_t i = 0; i < OUTFILE_MAX_OPEN; i++) {
        char *t = outfile_open_tmp[i];
        if (t)
            unlink(t);
    }
}

int outfile_check(const char *path, const char *const *inputs, size_t n, struct vms_error *e)
{
    struct stat out;
    if (!path || !strcmp(path, "-") || stat(path, &out) != 0 || !S_ISREG(out.st_mode))
        return 0; /* nothing there yet (or a device): writing it destroys no input */
    for (size_t i = 0; i < n; i++) {
        if (!inputs[i])
            continue;
        struct stat in;
        int rc = strcmp(inputs[i], "-") ? stat(inputs[i], &in) : fstat(0, &in);
        if (rc == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            return err_set(e, VMS_EINVAL, "%s: is also an input (%s)", path,
                           strcmp(inputs[i], "-") ? inputs[i] : "standard input");
    }
    return 0;
}

static char *outfile_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = vms_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void outfile_free(struct outfile *o)
{
    vms_free(o->name);
    vms_free(o->target);
    vms_free(o->tmp);
    o->name = o->target = o->tmp = NULL;
    o->f = NULL;
    o->fd = -1;
    o->own_fd = false;
    o->stream_owns_fd = false;
}

/* Create the temporary file beside target: "DIR/.BASE.tmpN", exclusively, mode 0666 less
 * the umask (the kernel applies it, as for any new file). */
static int outfile_create_tmp(struct outfile *o, struct vms_error *e)
{
    const char *slash = strrchr(o->target, '/');
    size_t dirlen = slash ? (size_t)(slash - o->target) + 1 : 0;
    const char *base = slash ? slash + 1 : o->target;
    size_t cap = strlen(o->target) + 40;
    o->tmp = vms_malloc(cap);
    if (!o->tmp)
        return err_set(e, VMS_ENOMEM, "%s: out of host memory", o->name);
    static unsigned long counter; /* names only; O_EXCL decides */
    for (unsigned tries = 0; tries < 1000; tries++) {
        snprintf(o->tmp, cap, "%.*s.%s.tmp%ld.%lu", (int)dirlen, o->target, base, (long)getpid(),
                 counter++);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (o->fd >= 0) {
            o->own_fd = true;
            outfile_register(o->tmp);
            return 0;
        }
        if (errno != EEXIST)
            break;
    }
    int err = errno;
    return err_set(e, VMS_EIO, "%s: cannot create a temporary file beside it: %s", o->name,
                   strerror(err));
}

int outfile_open(struct outfile *o, const char *path, const char *const *inputs, size_t n,
                 struct vms_error *e)
{
    *o = (struct outfile){.fd = -1};
    int rc = outfile_check(path, inputs, n, e);
    if (rc < 0)
        return rc;
    if (!(o->name = outfile_strdup(path)))
        return err_set(e, VMS_ENOMEM, "%s: out of host memory", path);
    if (!strcmp(path, "-")) {
        o->fd = 1;
        o->f = stdout;
        return 0;
    }
    struct stat st, lst;
    bool exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        /* a device, terminal or FIFO: written in place (nothing there to keep) */
        o->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (o->fd < 0) {
            int err = errno;
            outfile_free(o);
            return err_set(e, VMS_EIO, "%s: %s", path, strerror(err));
        }
        o->own_fd = true;
        return 0;
    }
    if (exists && access(path, W_OK) != 0) { /* a read-only file stays read-only */
        int err = errno;
        outfile_free(o);
        return err_set(e, VMS_EIO, "%s: %s", path, strerror(err));
    }
    if (exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
        /* replace the file the link points to, keeping the link */
        char *real = realpath(path, NULL);
        if (real) {
            o->target = outfile_strdup(real);
            free(real); /* realpath's buffer is libc's */
        }
    } else {
        o->target = outfile_strdup(path);
    }
    if (!o->target) {
        int err = errno;
        outfile_free(o);
        return err == ENOMEM ? err_set(e, VMS_ENOMEM, "%s: out of host memory", path)
                             : err_set(e, VMS_EIO, "%s: %s", path, strerror(err));
    }
    if ((rc = outfile_create_tmp(o, e)) < 0) {
        outfile_free(o);
        return rc;
    }
    if (exists)
        (void)fchmod(o->fd, st.st_mode & 07777); /* as writing over it keeps its mode */
    return 0;
}

#if defined(__GLIBC__)
/* The stream's writes, through the I/O hook (a cookie stream; closing it leaves fd open). */
static ssize_t outfile_cookie_write(void *cookie, const char *buf, size_t n)
{
    struct outfile *o = cookie;
    ssize_t w = io_write(o->fd, buf, n, o->name);
    return w < 0 ? -1 : w; /* glibc: -1 marks the stream's error (errno kept) */
}
#endif

FILE *outfile_stream(struct outfile *o)
{
    if (!o->f && o->fd >= 0) {
#if defined(__GLIBC__)
        o->f = fopencookie(o, "w", (cookie_io_functions_t){.write = outfile_cookie_write});
#else
        o->f = fdopen(o->fd, "w"); /* elsewhere only fsync goes through the hook */
        if (o->f)
            o->stream_owns_fd = true;
#endif
    }
    return o->f;
}

const char *outfile_write_path(const struct outfile *o)
{
    return o->tmp ? o->tmp : o->name;
}

/* Make the rename durable: fsync the directory holding target (best effort). */
static void outfile_sync_dir(const char *target)
{
    const char *slash = strrchr(target, '/');
    char dir[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == target)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - target), target);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

int outfile_commit(struct outfile *o, struct vms_error *e)
{
    if (o->fd < 0)
        return err_set(e, VMS_EIO, "%s: not open", o->name ? o->name : "output");
    int rc = 0, err = 0;
    if (o->f && (fflush(o->f) != 0 || ferror(o->f)))
        err = errno ? errno : EIO, rc = -1;
    if (rc == 0 && o->tmp && io_fsync(o->fd, o->name) != 0)
        err = errno, rc = -1;
    if (o->own_fd) {
        if (o->f && !o->stream_owns_fd)
            fclose(o->f); /* flushed above; fd stays open */
        int c = o->f && o->stream_owns_fd ? fclose(o->f) : close(o->fd);
        if (c != 0 && rc == 0)
            err = errno, rc = -1;
    }
    o->f = NULL;
    o->fd = -1;
    if (rc == 0 && o->tmp && rename(o->tmp, o->target) != 0)
        err = errno, rc = -1;
    if (o->tmp) {
        outfile_unregister(o->tmp);
        if (rc < 0)
            unlink(o->tmp);
        else
            outfile_sync_dir(o->target);
    }
    if (rc < 0) {
        rc = err_set(e, VMS_EIO, "%s: write error (%s)", o->name, strerror(err));
    }
    outfile_free(o);
    return rc;
}

void outfile_abort(struct outfile *o)
{
    if (o->fd < 0) {
        outfile_free(o);
        return;
    }
    if (o->own_fd) {
        if (o->f)
            fclose(o->f);
        if (!o->f || !o->stream_owns_fd)
            close(o->fd);
    } else if (o->f) {
        fflush(o->f);
    }
    if (o->tmp) {
        outfile_unregister(o->tmp);
        unlink(o->tmp);
    }
    outfile_free(o);
}
