/* The trace simulator's internals shared with its tests and fuzz target. */
#ifndef VMS_API_TRACESIM_H
#define VMS_API_TRACESIM_H

#include "vmsim.h"

#include <stdbool.h>
#include <stddef.h>

/* vms_tracesim_resume from a checkpoint in memory (name: for messages); check_hash false
 * skips the payload's length and hash checks (the fuzz target's inputs would all fail
 * them, never reaching the sections). On failure the simulator may only be destroyed. */
int tracesim_resume_mem(struct vms_tracesim *s, const void *data, size_t len, const char *name,
                        bool check_hash, struct vms_error *e);

#endif
