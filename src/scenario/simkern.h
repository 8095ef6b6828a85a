/* The simulated backend's one door to the kernel: every call simrun.c makes into the
 * simulated kernel goes through these functions, in the scenario's terms (SCN_PROT_* bits,
 * fault names as the output prints them). Only this file pair knows the kernel's own
 * interface (simkern.c, and the inline access path at the end of this header), so moving
 * the runner to another kernel interface changes this file pair alone. */
#ifndef VMS_SCENARIO_SIMKERN_H
#define VMS_SCENARIO_SIMKERN_H

#include "base/types.h"
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
int simk_msync(struct simk *k, struct simk_task *t, uint64_t va, uint64_t len, struct vms_error *e);
int simk_brk(struct simk *k, struct simk_task *t, int64_t delta, uint64_t *heap_start,
             struct vms_error *e);

#define SIMK_KILLED 1 /* the process was killed (out of memory) while the access ran */

/* One access of 1, 2, 4 or 8 bytes (ACCESS_LOAD, ACCESS_STORE or ACCESS_FETCH); value: in
 * for stores, out for loads (NULL: no data). Returns 0 (done), SIMK_KILLED, a fault (any
 * other positive value; simk_fault_name names it), or a negative VMS_E* on host errors (e
 * filled; e is left alone otherwise). Inline, below: it runs once per access of fill and
 * check (two million times for a 16 MiB fill), where an extra call costs 3% of the run. */
static inline int simk_access(struct simk *k, struct simk_task *t, uint64_t va, unsigned size,
                              enum access_kind kind, uint64_t *value, struct vms_error *e);
/* "SIGSEGV maperr", "SIGSEGV accerr" or "SIGBUS", for a fault simk_access returned. */
const char *simk_fault_name(int fault);

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

/* ---------------------------------------------------------------- the inline access path */

#include "kernel/kernel.h"

struct simk {
    struct kernel *k;
    void (*on_kill)(void *ctx, struct simk_task *t);
    void *ctx;
};

/* A struct simk_task is the kernel's struct task under another name; a fault is returned
 * as SIMK_KILLED + 1 + its enum kern_sig. */
static inline int simk_access(struct simk *k, struct simk_task *t, uint64_t va, unsigned size,
                              enum access_kind kind, uint64_t *value, struct vms_error *e)
{
    enum kern_sig sig;
    int rc = kern_access(k->k, (struct task *)(void *)t, va, size, kind, value, &sig, e);
    if (rc || sig == KSIG_NONE)
        return rc;
    return sig == KSIG_KILLED ? SIMK_KILLED : SIMK_KILLED + 1 + (int)sig;
}

#endif
