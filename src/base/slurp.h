/* Reading a whole small input (a state file, a scenario) into memory, with a bound, so that
 * an endless input (/dev/zero, a runaway pipe) fails instead of growing the host process. */
#ifndef VMS_BASE_SLURP_H
#define VMS_BASE_SLURP_H

#include "base/err.h"

#include <stddef.h>
#include <stdio.h>

/* Reads f to its end into a new buffer (*buf, vms_free it; NUL-terminated, the NUL not
 * counted in *len). `name` names the input in messages; `what` names its kind ("state
 * file"). More than `max` bytes: -VMS_EINVAL "NAME: WHAT larger than N MiB". A read error:
 * -VMS_EIO "NAME: read: STRERROR"; no host memory: -VMS_ENOMEM. On failure *buf is NULL.
 * Reads f's descriptor through the I/O hook (io_read, named `name`: VMSIM_IO_FAULT reaches
 * it), from its position: nothing may have been read from f through stdio before. Does not
 * close f. */
int slurp_file(FILE *f, const char *name, const char *what, size_t max, char **buf, size_t *len,
               struct vms_error *e);

#endif
