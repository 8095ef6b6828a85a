/* Result files written whole or not at all: a temporary file beside the target, renamed
 * over it on success (fsync first), removed on failure, so an old result survives a failed
 * run; and the same-file check (device and inode) of an output against a command's inputs. */
#ifndef VMS_BASE_OUTFILE_H
#define VMS_BASE_OUTFILE_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct outfile {
    int fd;       /* where to write (the temporary file, the device, or 1) */
    FILE *f;      /* a stream over fd, made on first outfile_stream */
    char *name;   /* the output as given, for messages */
    char *target; /* the file the temporary replaces; NULL when written in place */
    char *tmp;    /* the temporary file's path; NULL when written in place */
    bool own_fd;  /* fd is ours to close (not standard output) */
    bool stream_owns_fd; /* f was made over fd by fdopen: closing f closes fd */
};

/* -VMS_EINVAL "OUT: is also an input (IN)" when path names an existing file that is also
 * one of the n inputs (the same device and inode, so hard links, symlinks and other
 * spellings of one file all count; "-" as an input is standard input, compared when it
 * is a file); 0 otherwise (also when path does not exist yet). */
int outfile_check(const char *path, const char *const *inputs, size_t n, struct vms_error *e);

/* Open path for writing. "-" is standard output (streamed, never closed). A path that
 * names an existing non-regular file (/dev/null, a terminal, a FIFO) is opened and written
 * in place. Otherwise a new temporary file in the target's directory (for a symlink: the
 * directory of the file it points to) takes the output: created with mode 0666 less the
 * umask as any new file, or with the mode of the file it will replace; a file this process
 * may not write is refused (EACCES) as opening it would be. Checks the inputs first
 * (outfile_check). On failure *o is unchanged except o->fd = -1. */
int outfile_open(struct outfile *o, const char *path, const char *const *inputs, size_t n,
                 struct vms_error *e);
/* A stdio stream over the output (made once; NULL with errno when there is no memory). Its
 * writes go through the I/O hook (io.h) on glibc, and it refers to *o: o must not move
 * while the stream is in use. */
FILE *outfile_stream(struct outfile *o);
/* The path a program other than this one should write to (the temporary file's, or the
 * target's when written in place). */
const char *outfile_write_path(const struct outfile *o);
/* Finish: flush, fsync, close and rename the temporary file over the target. On any error
 * the temporary file is removed and the target left as it was: -VMS_EIO "OUT: ...".
 * Frees what outfile_open took; o->fd is -1 after. */
int outfile_commit(struct outfile *o, struct vms_error *e);
/* Give up: close and remove the temporary file (the target is untouched); a no-op after
 * commit or a failed open. */
void outfile_abort(struct outfile *o);
/* Remove every temporary file still open (async-signal-safe: for a fatal signal's handler
 * before the process ends). */
void outfile_abort_all_signal(void);

#endif
