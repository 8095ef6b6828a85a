/* The one hook under all file and device I/O (the swap file, mapped host files, trace
 * input, result output): read/pread/write/pwrite/fsync wrappers that retry EINTR and
 * continue short transfers, with a test mode injecting EIO, ENOSPC, EINTR or a short
 * transfer at the Nth call (VMSIM_IO_FAULT, or io_fault_set). */
#ifndef VMS_BASE_IO_H
#define VMS_BASE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum io_fault {
    IO_FAULT_NONE,
    IO_FAULT_EIO,    /* the call fails with EIO */
    IO_FAULT_ENOSPC, /* the call fails with ENOSPC */
    IO_FAULT_EINTR,  /* the first system call is interrupted (the wrapper retries it) */
    IO_FAULT_SHORT,  /* the first system call moves half the bytes (the wrapper goes on) */
};

/* Every wrapper names what it reads or writes (`name`: a path, or "swap file"); a fault is
 * injected only at calls whose name contains the filter. Each such call counts, from 1;
 * the Nth has the fault, once. At the first call the environment variable
 * VMSIM_IO_FAULT=KIND:N[:SUBSTRING] (KIND eio, enospc, eintr or short) is read, unless
 * io_fault_set came first; a malformed value makes every call fail with EINVAL. */

/* Reads n bytes from the file position (fewer only at end of file). Returns the bytes read,
 * or -1 with errno. */
ssize_t io_read(int fd, void *buf, size_t n, const char *name);
/* Reads n bytes at off (fewer only at end of file). Returns the bytes read, or -1. */
ssize_t io_pread(int fd, void *buf, size_t n, off_t off, const char *name);
/* Writes all n bytes. Returns n, or -1 with errno (some bytes may have been written). */
ssize_t io_write(int fd, const void *buf, size_t n, const char *name);
/* Writes all n bytes at off. Returns n, or -1 with errno. */
ssize_t io_pwrite(int fd, const void *buf, size_t n, off_t off, const char *name);
/* fsync(fd): 0, or -1 with errno (a short-transfer fault has no effect here). */
int io_fsync(int fd, const char *name);

/* Test API: the fault `kind` at the nth call from now whose name contains `filter` (NULL or
 * "": every call); kind IO_FAULT_NONE or n < 1 turns injection off. Resets the count. Call
 * it while no other thread does I/O. */
void io_fault_set(enum io_fault kind, long n, const char *filter);
/* Sets the injection from a VMSIM_IO_FAULT value, "KIND:N[:SUBSTRING]": 0, or -1 (nothing
 * changed) when it is malformed. */
int io_fault_parse(const char *spec);
/* Calls counted (matching the filter) since injection was last set. */
long io_fault_calls(void);
/* Whether the fault has been injected since it was last set. */
bool io_fault_fired(void);

#endif
