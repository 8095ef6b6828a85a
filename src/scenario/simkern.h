/* The simulated backend's one door to the kernel: every call simrun.c makes into the
 * simulated kernel goes through these functions, in the scenario's terms (SCN_PROT_* bits,
 * fault names as the output prints them). Only simkern.c knows the kernel's own interface,
 * so moving the runner to another kernel interface changes this file pair alone. */
#ifndef VMS_SCENARIO_SIMKERN_H
#define VMS_SCENARIO_SIMKERN_H

#include "report/stats.h"
#include "vmsim.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct simk;      /* the simulated kernel of one run */
struct simk_task; /* one of its processes */

struct simk_setup {
    uint64_t memory, swap; /* bytes; 0: the kernel's defaults (256 MiB, no swap) */
    const char *policy;    /* NULL: the kernel's default */
    uint64_t seed;         /* for seeded policies */
    const char *workdir;   /* where the swap file goes */
    /* The out-of-memory killer ended t (the run prints it; t stays valid). */
    void (*on_kill)(void *ctx, struct simk_task *t);
    void *ctx;
};

/* cfg must have passed config_check. Returns 0 or a negative VMS_E* with e filled. */
int simk_create(const struct vms_config *cfg, const struct simk_setup *s, struct simk **out,
                struct vms_error *e);
void simk_destroy(struct simk *k); /* NULL-safe; ends every process */
uint64_t simk_page_size(const struct simk *k);

/* Processes. Each returns 0 or a negative VMS_E* with e filled. */
int simk_spawn(struct simk *k, struct simk_task **out, struct vms_error *e);
int simk_fork(struct simk *k, struct simk_task *parent, struct simk_task **out,
              struct vms_error *e);
void simk_exit(struct simk *k, struct simk_task *t);
int simk_exec(struct simk *k, struct simk_task *t, const char *path, const char *const *argv,
              struct vms_error *e);
void simk_switch(struct simk *k, struct simk_task *t);

/* System calls; prot is SCN_PROT_* bits. mmap: path is the host file (NULL: anonymous). */
int simk_mmap(struct simk *k, struct simk_task *t, uint64_t hint, uint64_t len, unsigned prot,
              bool shared, bool fixed, const char *path, uint64_t offset, uint64_t *out,
              struct vms_error *e);
int simk_munmap(struct simk *k, struct simk_task *t, uint64_t va, uint64_t len,
                struct vms_error *e);
int simk_mprotect(struct simk *k, struct simk_task *t, uint64_t va, uint64_t len, unsigned prot,
                  struct vms_error *e);
int simk_msync(struct simk *k, struct simk_task *t, uint64_t va, uint64_t len,
               struct vms_error *e);
int simk_brk(struct simk *k, struct simk_task *t, int64_t delta, uint64_t *heap_start,
             struct vms_error *e);

enum simk_kind { SIMK_LOAD, SIMK_STORE, SIMK_FETCH };
#define SIMK_FAULTED 1 /* the access raised a signal: *fault names it */
#define SIMK_KILLED 2  /* the process was killed (out of memory) while it ran */

/* One access of 1, 2, 4 or 8 bytes; value: in for stores, out for loads (NULL: no data).
 * Returns 0 (done), SIMK_FAULTED with *fault = "SIGSEGV maperr", "SIGSEGV accerr" or
 * "SIGBUS", SIMK_KILLED, or a negative VMS_E* on host errors (e filled). */
int simk_access(struct simk *k, struct simk_task *t, uint64_t va, unsigned size,
                enum simk_kind kind, uint64_t *value, const char **fault, struct vms_error *e);

/* read(2) of a host file through the page cache: up to n bytes at off, *got of them. */
int simk_file_read(struct simk *k, const char *path, uint64_t off, uint8_t *buf, size_t n,
                   size_t *got, struct vms_error *e);

/* What the run can show of the kernel. */
void simk_print_maps(struct simk *k, struct simk_task *t, FILE *f);
void simk_print_pagetable(struct simk *k, struct simk_task *t, bool has_va, uint64_t va, FILE *f);
void simk_stats(struct simk *k, struct stats *s);
bool simk_thrashing(const struct simk *k, char *msg, size_t n);
/* Every kernel invariant (vmsim run --audit): 0 or -VMS_EINVAL with the violation in e. */
int simk_audit(struct simk *k, struct vms_error *e);

#endif
