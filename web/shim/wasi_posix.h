/* The web build's additions to wasi-libc (force-included by the Makefile's web target):
 * the POSIX calls the core makes that WASI lacks. wasi_posix.c defines them over WASI's
 * preopened directories (docs/web.md: the loader's in-memory file system). */
#ifndef VMS_WEB_SHIM_WASI_POSIX_H
#define VMS_WEB_SHIM_WASI_POSIX_H

#include <sys/types.h>

/* path resolved against the current directory, "." and ".." and repeated slashes taken
 * out; it must exist. resolved NULL: malloc'd (the caller frees it). */
char *realpath(const char *restrict path, char *restrict resolved);
/* XXXXXX at the end of templ made unique: a new file (opened O_RDWR) or directory. */
int mkstemp(char *templ);
char *mkdtemp(char *templ);
/* WASI has no file modes: fchmod succeeds and changes nothing. */
int fchmod(int fd, mode_t mode);
/* WASI has no users: every id is 0 (root's, as a process of the simulated kernel sees). */
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
/* WASI cannot duplicate a descriptor: -1 with errno ENOSYS. */
int dup(int fd);

#endif
