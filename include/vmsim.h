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

/* A parsed and fully validated scenario (the .vms language of docs/scenario.md). Opaque to
 * library users; defined in src/scenario/scenario.h for the backends. */
struct scenario;

/* Parse [text, text+len); filename names it in messages. On success *out owns the scenario
 * (vms_scenario_destroy) and 0 is returned; on bad input *out is NULL, e->msg is
 * "FILE:LINE:COL: expected ..." and -VMS_EINVAL is returned. Nothing runs. */
int vms_scenario_parse(const char *text, size_t len, const char *filename,
                       struct scenario **out, struct vms_error *e);
/* The same for a file ("-" reads standard input); -VMS_EIO if it cannot be read. */
int vms_scenario_parse_file(const char *path, struct scenario **out, struct vms_error *e);
void vms_scenario_destroy(struct scenario *sc);
/* Number of commands (non-blank, non-comment lines). */
size_t vms_scenario_length(const struct scenario *sc);

/* Options of the real-Linux backend. */
struct vms_linux_options {
    const char *workdir; /* run directory for the scenario's files; NULL: a fresh one */
    bool keep;           /* keep the fresh temporary directory (a given workdir is kept) */
    unsigned timeout_s;  /* seconds a worker may take over one command; 0: 60 */
};

/* Run the scenario on the host's kernel: each scenario process is a real process, faults are
 * real signals. Contract lines (SCENARIO.md) go to out, notes on lines starting "# ", and
 * failed expectations as "FILE:LINE: ..." to diag. Returns 0, 1 if an expect/check failed, or
 * a negative VMS_E code with e->msg "FILE:LINE: ..." when a system call fails or the host
 * cannot run it (the run stops there). Linux only (-VMS_EUNSUPPORTED elsewhere). */
int vms_scenario_run_on_linux(const struct scenario *sc, const struct vms_linux_options *opt,
                              FILE *out, FILE *diag, struct vms_error *e);

/* ---------------------------------------------------------------- kernel */
/* section: kernel */

#ifdef __cplusplus
}
#endif
#endif
