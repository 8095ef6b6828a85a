/* `vmsim run`: a scenario interpreted on the simulated machine and kernel. It keeps the
 * scenario's processes in the model both backends share (model.c), issues system calls and
 * accesses through the kernel adapter (simkern.c, its only door to the kernel), and prints
 * the contract lines of docs/scenario-contract.md through the printer the Linux backend uses too
 * (report.c). Anything else it prints (maps, page tables, statistics) goes on lines that
 * cannot be mistaken for contract lines. */
#include "scenario/scenario.h"

#include "base/alloc.h"
#include "base/err.h"
#include "hw/config.h"
#include "report/stats.h"
#include "scenario/gen.h"
#include "scenario/model.h"
#include "scenario/report.h"
#include "scenario/simkern.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct sim_run {
    const struct scenario *sc;
    const struct scn_cmd *cmd;
    struct scn_out o;
    struct vms_error *e;
    const struct vms_run_options *opt;
    struct scn_workdir wd;
    /* setup */
    struct vms_config cfg;
    uint64_t memory, swap;
    const char *policy;
    struct simk *k;
    struct model m; /* the scenario's processes; h.task is each one's task */
    struct vms_error ae; /* an access's host error (filled on error only) */
};

/* A system call that failed: "FILE:LINE: why", and the run stops with status 2. */
static int sim_syscall_failed(struct sim_run *r, int rc, const struct vms_error *ke)
{
    /* a host out-of-memory is the host's trouble ("vmsim: ..."); anything else is the line's */
    return err_set(r->e, rc == -VMS_ENOMEM ? VMS_ENOMEM : VMS_EINVAL, "%s:%u: %s",
                   r->sc->filename, r->cmd->line, ke->msg);
}

static void sim_on_kill(void *ctx, struct simk_task *t)
{
    struct sim_run *r = ctx;
    for (size_t i = 0; i < r->m.n; i++)
        if (r->m.procs[i]->h.task == t)
            model_kill(r->m.procs[i], r->o.out);
}

/* model_remove's release: the process exits. */
static void sim_release(void *ctx, struct model_proc *p)
{
    struct sim_run *r = ctx;
    simk_exit(r->k, p->h.task);
}

static int sim_kernel(struct sim_run *r)
{
    if (r->k)
        return 0;
    struct simk_setup s = {.memory = r->memory,
                           .swap = r->swap,
                           .policy = r->policy,
                           .seed = r->cfg.seed,
                           .workdir = r->wd.path,
                           .on_kill = sim_on_kill,
                           .ctx = r};
    struct vms_error ke = {0};
    int rc = simk_create(&r->cfg, &s, &r->k, &ke);
    if (rc)
        return err_set(r->e, -rc, "%s: %s", r->sc->filename, ke.msg);
    return 0;
}

/* ---------------------------------------------------------------- memory commands */

/* One access: 0, SIMK_KILLED, a fault (> SIMK_KILLED), or < 0 (a host error). Forced
 * inline: it runs once per access of fill and check, and a call costs 3% there. */
static inline __attribute__((always_inline)) int
sim_access(struct sim_run *r, struct model_proc *p, uint64_t va, unsigned size,
           enum access_kind kind, uint64_t *value)
{
    int rc = simk_access(r->k, p->h.task, va, size, kind, value, &r->ae);
    if (rc < 0)
        return sim_syscall_failed(r, rc, &r->ae);
    return rc;
}

/* One access of a fill, check or touch at offset off: 0, SIMK_KILLED, SIM_FAULTED (res
 * holds the fault at off), or < 0. */
#define SIM_FAULTED (SIMK_KILLED + 1)
static int sim_step(struct sim_run *r, struct model_proc *p, uint64_t va, unsigned size,
                    enum access_kind kind, uint64_t *value, uint64_t off, struct scn_result *res)
{
    int rc = sim_access(r, p, va, size, kind, value);
    if (rc > SIMK_KILLED) {
        *res = (struct scn_result){
            .status = SCN_RES_FAULT, .fault = simk_fault_name(rc), .value = off};
        return SIM_FAULTED;
    }
    return rc;
}

static int sim_fill_check(struct sim_run *r, struct model_proc *p, const struct scn_cmd *c,
                          uint64_t va, struct scn_result *res)
{
    struct gen g;
    gen_init(&g, c->seed);
    bool fill = c->kind == SCN_FILL;
    for (uint64_t off = 0; off < c->size;) {
        unsigned size = gen_piece(va + off, c->size - off);
        uint64_t want = gen_value(&g, size);
        uint64_t got = want;
        int rc = sim_step(r, p, va + off, size, fill ? ACCESS_STORE : ACCESS_LOAD, &got, off, res);
        if (rc)
            return rc == SIM_FAULTED ? 0 : rc;
        if (!fill && got != want) {
            unsigned i = gen_first_diff(got, want);
            *res = (struct scn_result){.status = SCN_RES_MISMATCH,
                                       .value = off + i,
                                       .got = got >> (8 * i) & 0xff,
                                       .want = want >> (8 * i) & 0xff};
            return 0;
        }
        off += size;
    }
    return 0;
}

static int sim_touch(struct sim_run *r, struct model_proc *p, const struct scn_cmd *c, uint64_t va,
                     struct scn_result *res)
{
    uint64_t psize = simk_page_size(r->k), off = 0;
    while (off < c->size) {
        uint64_t v = 0;
        /* a write touch is one write access that leaves the byte as it was: no data */
        int rc = sim_step(r, p, va, 1, c->write ? ACCESS_STORE : ACCESS_LOAD, c->write ? NULL : &v,
                          off, res);
        if (rc)
            return rc == SIM_FAULTED ? 0 : rc;
        uint64_t next = (va & ~(psize - 1)) + psize;
        if (next < va)
            break;
        off += next - va;
        va = next;
    }
    return 0;
}

static int sim_memory(struct sim_run *r, struct model_proc *p, const struct scn_cmd *c)
{
    struct vms_error ke = {0};
    struct simk *k = r->k;
    struct simk_task *t = p->h.task;
    uint64_t va = model_addr(p, &c->addr);
    struct scn_result res = {.status = SCN_RES_OK};
    int rc = 0;
    switch (c->kind) {
    case SCN_MMAP: {
        char path[PATH_MAX];
        if (c->file && (rc = scn_workdir_path(&r->wd, c->file, path, sizeof path, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        uint64_t hint = c->has_at ? model_addr(p, &c->at) : 0, out;
        rc = simk_mmap(k, t, hint, c->size, c->prot, c->shared, c->fixed, c->file ? path : NULL,
                       c->offset, &out, &ke);
        if (rc)
            return sim_syscall_failed(r, rc, &ke);
        return model_bind(p, c->name, out) ? err_set(r->e, VMS_ENOMEM, "out of memory") : 0;
    }
    case SCN_MUNMAP:
        rc = simk_munmap(k, t, va, c->size, &ke);
        return rc ? sim_syscall_failed(r, rc, &ke) : 0;
    case SCN_MPROTECT:
        rc = simk_mprotect(k, t, va, c->size, c->prot, &ke);
        return rc ? sim_syscall_failed(r, rc, &ke) : 0;
    case SCN_MSYNC:
        rc = simk_msync(k, t, va, c->size, &ke);
        return rc ? sim_syscall_failed(r, rc, &ke) : 0;
    case SCN_BRK: {
        uint64_t heap;
        int64_t d = c->brk_shrink ? -(int64_t)c->size : (int64_t)c->size;
        rc = simk_brk(k, t, d, &heap, &ke);
        if (rc)
            return sim_syscall_failed(r, rc, &ke);
        return model_bind(p, "heap", heap) ? err_set(r->e, VMS_ENOMEM, "out of memory") : 0;
    }
    case SCN_LOAD:
    case SCN_EXPECT:
    case SCN_STORE:
    case SCN_FETCH: {
        enum access_kind kind = c->kind == SCN_STORE   ? ACCESS_STORE
                              : c->kind == SCN_FETCH ? ACCESS_FETCH
                                                     : ACCESS_LOAD;
        uint64_t v = c->kind == SCN_STORE ? c->value : 0;
        rc = sim_access(r, p, va, c->kind == SCN_FETCH ? 1 : (unsigned)c->size, kind, &v);
        if (rc < 0)
            return rc;
        if (rc == SIMK_KILLED)
            return 0;
        if (rc > SIMK_KILLED)
            res = (struct scn_result){.status = SCN_RES_FAULT, .fault = simk_fault_name(rc)};
        else
            res.value = v;
        rc = 0;
        break;
    }
    case SCN_FILL:
    case SCN_CHECK:
        rc = sim_fill_check(r, p, c, va, &res);
        break;
    case SCN_TOUCH:
        rc = sim_touch(r, p, c, va, &res);
        break;
    case SCN_MAPS:
        simk_print_maps(k, t, r->o.out);
        return 0;
    case SCN_PAGETABLE:
        simk_print_pagetable(k, t, c->has_addr, va, r->o.out);
        return 0;
    default:
        return 0;
    }
    if (rc < 0)
        return rc;
    if (rc == SIMK_KILLED) /* killed while it ran: the kill line says it */
        return 0;
    scn_report(&r->o, c, &res);
    return 0;
}

/* ---------------------------------------------------------------- commands */

static int sim_stats(struct sim_run *r)
{
    int rc = sim_kernel(r);
    if (rc)
        return rc;
    struct stats s;
    simk_stats(r->k, &s);
    if (r->opt && r->opt->json) {
        stats_print(&s, r->o.out, VMS_JSON, false);
        return 0;
    }
    /* text: indented, so no line can read as a contract line */
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    if (!mf)
        return err_set(r->e, VMS_ENOMEM, "out of memory");
    stats_print(&s, mf, VMS_TEXT, false);
    fclose(mf);
    fprintf(r->o.out, "  statistics:\n");
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        fprintf(r->o.out, "    %s\n", line);
        line = nl ? nl + 1 : NULL;
    }
    free(buf);
    return 0;
}

static int sim_setup(struct sim_run *r, const struct scn_cmd *c)
{
    struct vms_error ke = {0};
    switch (c->kind) {
    case SCN_MACHINE:
        if (config_preset(&r->cfg, c->name, &ke))
            return err_set(r->e, VMS_EINVAL, "%s:%u: %s", r->sc->filename, c->line, ke.msg);
        for (size_t i = 0; i < c->argc; i++) {
            const char *eq = strchr(c->argv[i], '=');
            char key[128];
            size_t n = eq ? (size_t)(eq - c->argv[i]) : 0;
            if (!eq || n >= sizeof key)
                return err_set(r->e, VMS_EINVAL, "%s:%u: '%s': expected KEY=VALUE",
                               r->sc->filename, c->line, c->argv[i]);
            memcpy(key, c->argv[i], n);
            key[n] = '\0';
            if (config_set(&r->cfg, key, eq + 1, &ke))
                return err_set(r->e, VMS_EINVAL, "%s:%u: %s", r->sc->filename, c->line, ke.msg);
        }
        if (config_check(&r->cfg, NULL, &ke))
            return err_set(r->e, VMS_EINVAL, "%s:%u: %s", r->sc->filename, c->line, ke.msg);
        return 0;
    case SCN_MEMORY: r->memory = c->size; return 0;
    case SCN_SWAP: r->swap = c->size; return 0;
    case SCN_POLICY: r->policy = c->name; return 0;
    case SCN_FILE: return scn_workdir_make_file(&r->wd, r->sc, c, r->e);
    default: return 0;
    }
}

static int sim_command(struct sim_run *r, const struct scn_cmd *c)
{
    r->cmd = c;
    struct vms_error ke = {0};
    int rc;
    switch (c->kind) {
    case SCN_MACHINE:
    case SCN_MEMORY:
    case SCN_SWAP:
    case SCN_POLICY:
    case SCN_FILE:
        return sim_setup(r, c);
    case SCN_STATS:
        return sim_stats(r);
    default:
        break;
    }
    if ((rc = sim_kernel(r)) != 0)
        return rc;
    if (c->kind == SCN_EXPECT_FILE) {
        char path[PATH_MAX];
        uint8_t buf[8];
        size_t got = 0;
        if ((rc = scn_workdir_path(&r->wd, c->name, path, sizeof path, &ke)) != 0 ||
            (rc = simk_file_read(r->k, path, c->offset, buf, c->size, &got, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        uint64_t v = 0;
        for (size_t i = 0; i < got; i++)
            v |= (uint64_t)buf[i] << (8 * i);
        scn_report_file(&r->o, c, v, got < c->size);
        return 0;
    }
    if (c->kind == SCN_SPAWN) {
        struct simk_task *t;
        if ((rc = simk_spawn(r->k, &t, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        struct model_proc *p = model_add(&r->m, c->proc);
        if (!p) {
            simk_exit(r->k, t);
            return err_set(r->e, VMS_ENOMEM, "out of memory");
        }
        p->h.task = t;
        return 0;
    }
    struct model_proc *p = model_target(&r->m, c, r->o.out);
    if (!p)
        return 0;
    switch (c->kind) {
    case SCN_EXIT:
        model_remove(&r->m, p);
        return 0;
    case SCN_FORK: {
        struct simk_task *child;
        if ((rc = simk_fork(r->k, p->h.task, &child, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        struct model_proc *q = model_add(&r->m, c->proc2);
        if (!q)
            return err_set(r->e, VMS_ENOMEM, "out of memory");
        q->h.task = child;
        return model_inherit(q, p) ? err_set(r->e, VMS_ENOMEM, "out of memory") : 0;
    }
    case SCN_EXEC:
        rc = simk_exec(r->k, p->h.task, c->argv[0], c->argv, &ke);
        if (rc)
            return sim_syscall_failed(r, rc, &ke);
        model_unbind_all(p);
        return 0;
    case SCN_SWITCH:
        simk_switch(r->k, p->h.task);
        return 0;
    default:
        return sim_memory(r, p, c);
    }
}

int vms_scenario_run(const struct scenario *sc, const struct vms_run_options *opt, FILE *out,
                     FILE *diag, struct vms_error *e)
{
    struct sim_run r = {.sc = sc, .e = e, .opt = opt};
    r.m = (struct model){.release = sim_release, .ctx = &r};
    r.o = (struct scn_out){sc, out, diag, 0};
    if (config_preset(&r.cfg, VMS_DEFAULT_MACHINE, e))
        return -VMS_EINVAL;
    int rc = scn_workdir_init(&r.wd, sc, opt ? opt->workdir : NULL, opt && opt->keep, diag, e);
    for (size_t i = 0; rc == 0 && i < sc->ncmds; i++) {
        if (opt && opt->before_line)
            opt->before_line(opt->ctx, sc->cmds[i].line, out);
        rc = sim_command(&r, &sc->cmds[i]);
        struct vms_error ae = {0};
        if (rc == 0 && r.k && opt && opt->audit && simk_audit(r.k, &ae))
            rc = err_set(e, VMS_EINVAL, "%s:%u: after this line: %s", sc->filename,
                         sc->cmds[i].line, ae.msg);
    }
    fflush(out);
    char tmsg[256];
    if (r.k && simk_thrashing(r.k, tmsg, sizeof tmsg))
        fprintf(diag, "vmsim: warning: %s\n", tmsg);
    model_fini(&r.m); /* the kernel's end ends every process */
    simk_destroy(r.k);
    scn_workdir_fini(&r.wd);
    if (rc < 0)
        return rc;
    return r.o.failed ? 1 : 0;
}
