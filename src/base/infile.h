/* Opening inputs without hanging: every open is non-blocking (a FIFO with no writer opens
 * at once instead of waiting forever for one), then blocking again for the reads; inputs
 * that must be regular files (state files, scenarios, ELF programs) are refused otherwise;
 * whole-file reads are bounded (slurp.h). */
#ifndef VMS_BASE_INFILE_H
#define VMS_BASE_INFILE_H

#include "base/err.h"

#include <stddef.h>
#include <stdio.h>

#define INFILE_REGULAR 1u /* refuse anything but a regular file ("-" excepted) */

/* A descriptor reading path (O_CLOEXEC; blocking reads). A FIFO without a writer reads as
 * empty. With INFILE_REGULAR a directory, device, FIFO or socket is -VMS_EINVAL "PATH: not
 * a regular file (WHAT)". Returns the descriptor or -VMS_E* (e filled). */
int infile_open(const char *path, unsigned flags, const char *what, struct vms_error *e);
/* The same as a stdio stream; "-" is stdin (not a new stream: the caller must not fclose
 * it). NULL on failure (e filled). */
FILE *infile_fopen(const char *path, unsigned flags, const char *what, struct vms_error *e);
/* The whole of path ("-" = standard input) through slurp_file: at most max bytes. */
int infile_slurp(const char *path, unsigned flags, const char *what, size_t max, char **buf,
                 size_t *len, struct vms_error *e);

#endif
