/* The scenario's processes while it runs, one model for both backends (simrun.c on the
 * simulated kernel, onlinux.c on Linux): a table of named processes, each with its
 * mapping-name bindings (set by mmap and brk, copied by fork, dropped by exec) and the
 * backend's handle on it. The parser has checked every name statically; the table adds what
 * only running shows: a process killed for want of memory and, on Linux, one that ran exec
 * (which Linux does not run, see docs/scenario.md). */
#ifndef VMS_SCENARIO_MODEL_H
#define VMS_SCENARIO_MODEL_H

#include "scenario/names.h"
#include "scenario/scenario.h"

#include <stdio.h>

struct model_bind {
    const char *name; /* the mapping name (a scenario string) */
    uint64_t va;
};

enum model_state {
    MODEL_LIVE,
    MODEL_EXECED, /* Linux: it ran exec, not run there; its later commands are skipped */
    MODEL_KILLED, /* killed (out of memory): its commands print "P: no such process" */
};

struct model_proc {
    const char *name;
    enum model_state state;
    struct model_bind *binds;
    size_t nbinds, cap;
    struct names bind_index; /* mapping name -> its index in binds */
    union {
        int pid; /* the simulator: its pid in the simulated kernel (vms_kernel_*) */
        struct {
            int fd;   /* Linux: the channel to its worker process, -1 when none */
            long pid; /* the worker's pid (to kill it after a timeout) */
        } worker;
    } h;
};

struct model {
    struct model_proc **procs; /* each stays where it is until model_remove */
    size_t n, cap;
    struct names index; /* process name -> its index in procs */
    /* Called by model_remove before a process is forgotten: the backend lets go of h. */
    void (*release)(void *ctx, struct model_proc *p);
    void *ctx;
};

/* The process named name, or NULL. */
struct model_proc *model_find(const struct model *m, const char *name);
/* A new LIVE process with no bindings and a zeroed handle; NULL on host OOM. name must
 * not be in the table already (the parser made sure). */
struct model_proc *model_add(struct model *m, const char *name);
/* Release p (m->release) and forget it. */
void model_remove(struct model *m, struct model_proc *p);
/* Forget every process without releasing any (the backend has ended its side). */
void model_fini(struct model *m);

/* Bind (or rebind) a mapping name in p. Returns 0 or -VMS_ENOMEM. */
int model_bind(struct model_proc *p, const char *name, uint64_t va);
/* fork: the child starts with the parent's bindings. Returns 0 or -VMS_ENOMEM. */
int model_inherit(struct model_proc *child, const struct model_proc *parent);
/* exec: a new program has none. */
void model_unbind_all(struct model_proc *p);
/* The address an ADDR operand names in p (NAME and NAME+OFF through its bindings). */
uint64_t model_addr(const struct model_proc *p, const struct scn_addr *a);

/* p was killed for want of memory: the "P killed: out of memory" line on out, once. */
void model_kill(struct model_proc *p, const char *why, FILE *out);
/* The process a process or memory command c runs in, or NULL when it cannot run: the
 * process is gone (killed), which prints "P: no such process" on out; `exit` of a killed
 * process then forgets it (model_remove). */
struct model_proc *model_target(struct model *m, const struct scn_cmd *c, FILE *out);

#endif
