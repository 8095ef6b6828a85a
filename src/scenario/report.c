/* The contract lines of docs/scenario-contract.md and the run's working directory, shared by
 * the simulated backend (simrun.c) and the Linux backend (onlinux.c). */
#include "scenario/report.h"

#include "base/alloc.h"
#include "base/err.h"
#include "scenario/gen.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif

__attribute__((format(printf, 3, 4))) static void failed(struct scn_out *o, const struct scn_cmd *c,
                                                         const char *fmt, ...)
{
    va_list ap;
    fprintf(o->diag, "%s:%u: ", o->sc->filename, c->line);
    va_start(ap, fmt);
    vfprintf(o->diag, fmt, ap);
    va_end(ap);
    fputc('\n', o->diag);
    o->failed++;
}

void scn_report(struct scn_out *o, const struct scn_cmd *c, const struct scn_result *r)
{
    FILE *out = o->out;
    const char *P = c->proc, *A = c->addr.text;
    uint64_t n = c->size;
    bool fault = r->status == SCN_RES_FAULT;
    switch (c->kind) {
    case SCN_LOAD:
        if (fault)
            fprintf(out, "%s load %s %" PRIu64 " = %s\n", P, A, n, r->fault);
        else
            fprintf(out, "%s load %s %" PRIu64 " = 0x%" PRIx64 "\n", P, A, n, r->value);
        return;
    case SCN_STORE:
        fprintf(out, "%s store %s %" PRIu64 " 0x%" PRIx64 "%s%s\n", P, A, n, c->value,
                fault ? " = " : "", fault ? r->fault : "");
        return;
    case SCN_FETCH:
        if (fault)
            fprintf(out, "%s fetch %s = %s\n", P, A, r->fault);
        else
            fprintf(out, "%s fetch %s ok\n", P, A);
        return;
    case SCN_EXPECT:
        if (fault) {
            fprintf(out, "%s expect %s %" PRIu64 " = %s\n", P, A, n, r->fault);
            failed(o, c, "%s expect %s %" PRIu64 ": %s, expected 0x%" PRIx64, P, A, n, r->fault,
                   c->value);
        } else {
            fprintf(out, "%s expect %s %" PRIu64 " = 0x%" PRIx64 "\n", P, A, n, r->value);
            if (r->value != c->value)
                failed(o, c, "%s expect %s %" PRIu64 ": read 0x%" PRIx64 ", expected 0x%" PRIx64,
                       P, A, n, r->value, c->value);
        }
        return;
    case SCN_FILL:
    case SCN_TOUCH: {
        const char *verb = c->kind == SCN_FILL ? "fill" : "touch";
        if (fault)
            fprintf(out, "%s %s %s %" PRIu64 " = %s at +0x%" PRIx64 "\n", P, verb, A, n, r->fault,
                    r->value);
        else
            fprintf(out, "%s %s %s %" PRIu64 " ok\n", P, verb, A, n);
        return;
    }
    case SCN_CHECK:
        if (fault) {
            fprintf(out, "%s check %s %" PRIu64 " = %s at +0x%" PRIx64 "\n", P, A, n, r->fault,
                    r->value);
            failed(o, c, "%s check %s %" PRIu64 ": %s at +0x%" PRIx64, P, A, n, r->fault,
                   r->value);
        } else if (r->status == SCN_RES_MISMATCH) {
            fprintf(out, "%s check %s %" PRIu64 " mismatch at +0x%" PRIx64 "\n", P, A, n,
                    r->value);
            failed(o, c,
                   "%s check %s %" PRIu64 ": mismatch at +0x%" PRIx64 " (read 0x%" PRIx64
                   ", expected 0x%" PRIx64 ")",
                   P, A, n, r->value, r->got, r->want);
        } else {
            fprintf(out, "%s check %s %" PRIu64 " ok\n", P, A, n);
        }
        return;
    default:
        return;
    }
}

void scn_report_file(struct scn_out *o, const struct scn_cmd *c, uint64_t v, bool eof)
{
    if (eof) {
        fprintf(o->out, "expect file %s %s %" PRIu64 " = EOF\n", c->name, c->offset_text,
                c->size);
        failed(o, c, "expect file %s %s %" PRIu64 ": end of file, expected 0x%" PRIx64, c->name,
               c->offset_text, c->size, c->value);
        return;
    }
    fprintf(o->out, "expect file %s %s %" PRIu64 " = 0x%" PRIx64 "\n", c->name, c->offset_text,
            c->size, v);
    if (v != c->value)
        failed(o, c, "expect file %s %s %" PRIu64 ": read 0x%" PRIx64 ", expected 0x%" PRIx64,
               c->name, c->offset_text, c->size, v, c->value);
}

/* ---------------------------------------------------------------- working directory */

int scn_workdir_init(struct scn_workdir *w, const struct vms_scenario *sc, const char *dir,
                     const char *parent, bool keep, FILE *diag, struct vms_error *e)
{
    memset(w, 0, sizeof *w);
    w->files = vms_calloc(sc->ncmds + 1, sizeof *w->files);
    if (!w->files)
        return err_set(e, VMS_ENOMEM, "out of memory");
    if (dir) {
        if (mkdir(dir, 0777) < 0 && errno != EEXIST)
            return err_set(e, VMS_EIO, "--workdir: %s: %s", dir, strerror(errno));
        if (!realpath(dir, w->path))
            return err_set(e, VMS_EIO, "--workdir: %s: %s", dir, strerror(errno));
        return 0;
    }
    const char *tmp = parent ? parent : getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    char templ[PATH_MAX];
    if (snprintf(templ, sizeof templ, "%s/vmsim-run-XXXXXX", tmp) >= (int)sizeof templ)
        return err_set(e, VMS_EIO, "TMPDIR is too long");
    if (!mkdtemp(templ))
        return err_set(e, VMS_EIO, "%s: %s", templ, strerror(errno));
    if (!realpath(templ, w->path)) {
        rmdir(templ);
        return err_set(e, VMS_EIO, "%s: %s", templ, strerror(errno));
    }
    w->remove = !keep;
    if (keep)
        fprintf(diag, "vmsim run: working directory %s kept\n", w->path);
    return 0;
}

#ifdef __linux__
/* The names of the file systems a working directory is likely on (linux/magic.h). */
static const struct {
    unsigned long magic;
    const char *name;
} fs_names[] = {
    {0x01021994, "tmpfs"},  {0xef53, "ext2/ext3/ext4"}, {0x58465342, "xfs"},
    {0x9123683e, "btrfs"},  {0x794c7630, "overlayfs"},  {0x6969, "nfs"},
    {0x2fc12fc1, "zfs"},    {0xf2f52010, "f2fs"},       {0x65735546, "fuse"},
    {0x01021997, "9p"},     {0x858458f6, "ramfs"},      {0x9fa0, "proc"},
    {0x62656572, "sysfs"},  {0x4d44, "vfat"},           {0xff534d42, "cifs"},
    {0xfe534d42, "smb2"},   {0x5346544e, "ntfs"},       {0x64626720, "debugfs"},
};
#endif

bool scn_fs_is_tmpfs(const char *path, char *name, size_t n)
{
#ifdef __linux__
    struct statfs st;
    if (statfs(path, &st) == 0) {
        unsigned long magic = (unsigned long)st.f_type & 0xffffffffu;
        for (size_t i = 0; i < sizeof fs_names / sizeof fs_names[0]; i++)
            if (fs_names[i].magic == magic) {
                if (n)
                    snprintf(name, n, "%s", fs_names[i].name);
                return i == 0;
            }
        if (n)
            snprintf(name, n, "type 0x%lx", magic);
        return false;
    }
#else
    (void)path;
#endif
    if (n)
        snprintf(name, n, "unknown");
    return false;
}

const char *scn_tmpfs_dir(const char *const *cands, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (cands[i] && *cands[i] && stat(cands[i], &st) == 0 && S_ISDIR(st.st_mode) &&
            access(cands[i], W_OK | X_OK) == 0 && scn_fs_is_tmpfs(cands[i], NULL, 0))
            return cands[i];
    }
    return NULL;
}

void scn_workdir_fini(struct scn_workdir *w)
{
    if (w->remove) {
        char path[PATH_MAX];
        for (size_t i = 0; i < w->nfiles; i++)
            if (snprintf(path, sizeof path, "%s/%s", w->path, w->files[i]) < (int)sizeof path)
                unlink(path);
        rmdir(w->path);
    }
    vms_free(w->files);
    w->files = NULL;
}

int scn_workdir_path(const struct scn_workdir *w, const char *name, char *buf, size_t n,
                     struct vms_error *e)
{
    if (snprintf(buf, n, "%s/%s", w->path, name) >= (int)n)
        return err_set(e, VMS_EIO, "file path too long: %s", name);
    return 0;
}

int scn_workdir_make_file(struct scn_workdir *w, const struct vms_scenario *sc,
                          const struct scn_cmd *c, struct vms_error *e)
{
    char path[PATH_MAX];
    if (scn_workdir_path(w, c->name, path, sizeof path, e))
        return err_set(e, VMS_EIO, "%s:%u: file path too long: %s", sc->filename, c->line,
                       c->name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return err_set(e, VMS_EIO, "%s:%u: %s: %s", sc->filename, c->line, path, strerror(errno));
    int rc = 0;
    if (c->fill == SCN_FILL_ZERO) {
        if (ftruncate(fd, (off_t)c->size) < 0)
            rc = -1;
    } else {
        uint8_t buf[65536];
        struct gen g;
        gen_init(&g, c->seed);
        if (c->fill == SCN_FILL_BYTE)
            memset(buf, (int)c->value, sizeof buf);
        for (uint64_t done = 0; rc == 0 && done < c->size;) {
            size_t n = c->size - done < sizeof buf ? (size_t)(c->size - done) : sizeof buf;
            if (c->fill == SCN_FILL_RANDOM)
                gen_bytes(&g, buf, n);
            ssize_t wr = write(fd, buf, n);
            if (wr <= 0)
                rc = -1;
            else
                done += (uint64_t)wr;
        }
    }
    int err = errno;
    close(fd);
    if (rc < 0)
        return err_set(e, VMS_EIO, "%s:%u: %s: %s", sc->filename, c->line, path, strerror(err));
    for (size_t i = 0; i < w->nfiles; i++)
        if (!strcmp(w->files[i], c->name))
            return 0;
    w->files[w->nfiles++] = c->name;
    return 0;
}

bool scn_stopped(const volatile sig_atomic_t *stop, const struct vms_scenario *sc, size_t i,
                 struct vms_error *e)
{
    if (!stop || !*stop)
        return false;
    err_set(e, VMS_OK, "%s:%u: interrupted before this line", sc->filename, sc->cmds[i].line);
    return true;
}
