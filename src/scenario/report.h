/* What both scenario backends share: the contract lines of docs/scenario-contract.md (one
 * printer, so the simulator and the Linux backend cannot drift apart), failed-expectation
 * messages, and the run's working directory with the scenario's files. */
#ifndef VMS_SCENARIO_REPORT_H
#define VMS_SCENARIO_REPORT_H

#include "scenario/scenario.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>

enum scn_outcome { SCN_RES_OK, SCN_RES_FAULT, SCN_RES_MISMATCH };

/* The result of one memory command (load/store/fetch/expect/fill/check/touch). */
struct scn_result {
    enum scn_outcome status;
    const char *fault; /* SCN_RES_FAULT: "SIGSEGV maperr", "SIGSEGV accerr", "SIGBUS" */
    uint64_t value;    /* load/expect: the value read; fill/check/touch: offset of the fault
                          or of the first mismatching byte */
    uint64_t got, want; /* check mismatch: the bytes */
};

struct scn_out {
    const struct vms_scenario *sc;
    FILE *out, *diag;
    unsigned failed; /* failed expectations so far */
};

/* Has the run been stopped (*stop set by a signal handler; stop may be NULL) before
 * command i? Then e says "FILE:LINE: interrupted before this line" and it returns true. */
bool scn_stopped(const volatile sig_atomic_t *stop, const struct vms_scenario *sc, size_t i,
                 struct vms_error *e);

/* Prints the contract line for c with result r; a failed expect/check also writes
 * "FILE:LINE: ..." to diag and counts in o->failed. */
void scn_report(struct scn_out *o, const struct scn_cmd *c, const struct scn_result *r);
/* expect file: got < c->size means end of file. */
void scn_report_file(struct scn_out *o, const struct scn_cmd *c, uint64_t value, bool eof);

/* The working directory of a run and the files created in it. */
struct scn_workdir {
    char path[PATH_MAX];
    bool remove; /* a fresh temporary directory: removed by scn_workdir_fini */
    const char **files;
    size_t nfiles;
};

/* dir: the --workdir (created if missing) or NULL for a fresh temporary directory in
 * parent (NULL: $TMPDIR, else /tmp), kept when keep (its path is then printed on diag). */
int scn_workdir_init(struct scn_workdir *w, const struct vms_scenario *sc, const char *dir,
                     const char *parent, bool keep, FILE *diag, struct vms_error *e);
/* Whether the file system holding path is a tmpfs (statfs f_type TMPFS_MAGIC, Linux); its
 * name ("tmpfs", "ext2/ext3/ext4", "xfs", ..., else "type 0xNNNN") into name (n bytes; n may be 0).
 * False with "unknown" when path cannot be examined or the host is not Linux. */
bool scn_fs_is_tmpfs(const char *path, char *name, size_t n);
/* The first of the n candidate directories that exists, is writable and is on a tmpfs;
 * NULL entries are skipped. NULL when there is none. */
const char *scn_tmpfs_dir(const char *const *cands, size_t n);
void scn_workdir_fini(struct scn_workdir *w);
/* Creates the file of a `file NAME SIZE ...` line. */
int scn_workdir_make_file(struct scn_workdir *w, const struct vms_scenario *sc,
                          const struct scn_cmd *c, struct vms_error *e);
/* The host path of a scenario file name; -VMS_EIO if too long. */
int scn_workdir_path(const struct scn_workdir *w, const char *name, char *buf, size_t n,
                     struct vms_error *e);

#endif
