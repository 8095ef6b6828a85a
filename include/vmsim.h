/* vmsim — the public API of libvmsim.
 *
 * Everything the command-line tool does goes through this header and nothing else.
 * Library functions never print (except to a FILE * the caller hands them), never
 * exit and never abort on bad input: they return a negative VMS_E* code and fill a
 * struct vms_error with a message. Objects are opaque; every *_destroy(NULL) is a no-op.
 */
#ifndef VMSIM_H
#define VMSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

enum vms_code {
    VMS_OK = 0,
    VMS_EINVAL = 1,      /* bad input: the message says where and what was expected */
    VMS_ENOMEM = 2,      /* host out of memory */
    VMS_EIO = 3,         /* host i/o error */
    VMS_EUNSUPPORTED = 4 /* feature not available in this build or on this host */
};

struct vms_error {
    int code;       /* enum vms_code */
    char msg[1024]; /* "FILE:LINE:COL: what was expected" or "--option: ..." */
};

const char *vms_strerror(int code);

/* Output formats shared by every printer. */
enum vms_format { VMS_TEXT = 0, VMS_JSON = 1, VMS_CSV = 2 };

/* ---------------------------------------------------------------- machines (hw) */
/* section: machine — config presets, keys, the machine itself */

/* ---------------------------------------------------------------- translate */
/* section: translate — state files and explained translations */

/* ---------------------------------------------------------------- statistics */
/* section: stats */

/* ---------------------------------------------------------------- policies */
/* section: policy — replacement policies, pages, mrc */

/* ---------------------------------------------------------------- traces */
/* section: trace — trace readers and writers */

/* ---------------------------------------------------------------- scenarios */
/* section: scenario — parse and run .vms files */

/* ---------------------------------------------------------------- kernel */
/* section: kernel */

#ifdef __cplusplus
}
#endif
#endif
