/* `vmsim run`: a scenario interpreted on the simulated machine and kernel. It keeps the
 * scenario's processes in the model both backends share (model.c), and is a client of the
 * public API (include/vmsim.h) like any other program: the machine configuration through
 * vms_config_*, every system call, access and statistic through vms_kernel_*, its processes
 * as pids. It prints the contract lines of docs/scenario-contract.md through the printer the
 * Linux backend uses too (report.c), and the provenance of `stats --json` through the one
 * every output uses (report/stats.h). Anything else it prints (maps, page tables, statistics)
 * goes on lines that cannot be mistaken for contract lines. */
#include "scenario/scenario.h"

#include "base/alloc.h"
#include "base/err.h"
#include "scenario/gen.h"
#include "scenario/model.h"
#include "scenario/report.h"
#include "report/stats.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The scenario's PROT bits are the API's (r = read, w = write, x = exec). */
_Static_assert(SCN_PROT_R == VMS_PROT_READ && SCN_PROT_W == VMS_PROT_WRITE &&
                   SCN_PROT_X == VMS_PROT_EXEC,
               "scenario and API protection bits agree");

struct sim_run {
    const struct vms_scenario *sc;
    const struct scn_cmd *cmd;
    struct scn_out o;
    struct vms_error *e;
    const struct vms_run_opts *opt;
    enum vms_format fmt; /* of `stats`: VMS_TEXT or VMS_JSON */
    struct scn_workdir wd;
    /* setup */
    struct vms_config *cfg;
    uint64_t memory, swap;
    const char *policy;
    struct vms_kernel *k;
    struct model m; /* the scenario's processes; h.pid is each one's pid in k */
    struct vms_error ae; /* an access's error (filled on error only: not zeroed per access) */
};

/* A system call that failed: "FILE:LINE: why", and the run stops with status 2. */
/* msg into buf (n bytes) with the working directory's "DIR/" taken out of the host paths
 * in it: a file is named as the scenario names it. */
static const char *sim_paths(const struct sim_run *r, const char *msg, char *buf, size_t n)
{
    size_t dl = strlen(r->wd.path), o = 0;
    while (*msg && o + 1 < n) {
        if (dl && !strncmp(msg, r->wd.path, dl) && msg[dl] == '/') {
            msg += dl + 1;
            continue;
        }
        buf[o++] = *msg++;
    }
    buf[o] = '\0';
    return buf;
}

static int sim_syscall_failed(struct sim_run *r, int rc, const struct vms_error *ke)
{
    /* a host out-of-memory is the host's trouble ("vmsim: ..."); anything else is the line's */
    char msg[sizeof ke->msg];
    return err_set(r->e, rc == -VMS_ENOMEM ? VMS_ENOMEM : VMS_EINVAL, "%s:%u: %s",
                   r->sc->filename, r->cmd->line, sim_paths(r, ke->msg, msg, sizeof msg));
}

static void sim_on_kill(void *ctx, int pid)
{
    struct sim_run *r = ctx;
    /* the kernel kills for two reasons: memory, or a swap-in that failed (SIGBUS) */
    double sigbus = 0;
    bool io = vms_kernel_stat(r->k, pid, "swap.in_errors", &sigbus, NULL) == 0 && sigbus > 0;
    for (size_t i = 0; i < r->m.n; i++)
        if (r->m.procs[i]->h.pid == pid)
            model_kill(r->m.procs[i],
                       io ? "SIGBUS (a swap-in failed: an I/O error of the swap file)"
                          : "out of memory",
                       r->o.out);
}

/* model_remove's release: the process exits (a killed one too; its pid is valid until then,
 * so this cannot fail). */
static void sim_release(void *ctx, struct model_proc *p)
{
    struct sim_run *r = ctx;
    vms_kernel_exit(r->k, p->h.pid, NULL);
}

static int sim_kernel(struct sim_run *r)
{
    if (r->k)
        return 0;
    /* params.seed 0: the machine's `seed` key seeds a seeded policy */
    struct vms_kernel_opts o = {.memory = r->memory,
                                .swap = r->swap,
                                .policy = r->policy,
                                .workdir = r->wd.path,
                                .on_kill = sim_on_kill,
                                .ctx = r};
    struct vms_error ke = {0};
    int rc = vms_kernel_create(r->cfg, &o, &r->k, &ke);
    if (rc)
        return err_set(r->e, -rc, "%s: %s", r->sc->filename, ke.msg);
    return 0;
}

/* ---------------------------------------------------------------- memory commands */

/* What one access of a fill, check or touch came to (sim_step). */
#define SIM_KILLED 1  /* the process was killed (out of memory): the kill line says it */
#define SIM_FAULTED 2 /* a signal: res holds the fault */

/* The result rc of an access at offset off of a fill, check or touch (a signal >= 0 or an
 * error < 0, as vms_kernel_load and _store return it): 0, SIM_KILLED, SIM_FAULTED, or < 0. */
static int sim_step(struct sim_run *r, int rc, uint64_t off, struct scn_result *res)
{
    if (rc == VMS_SIG_NONE)
        return 0;
    if (rc < 0)
        return sim_syscall_failed(r, rc, &r->ae);
    if (rc == VMS_SIG_KILLED)
        return SIM_KILLED;
    *res = (struct scn_result){.status = SCN_RES_FAULT, .fault = vms_signal_name(rc), .value = off};
    return SIM_FAULTED;
}

static int sim_fill_check(struct sim_run *r, struct model_proc *p, const struct scn_cmd *c,
                          uint64_t va, struct scn_result *res)
{
    struct gen g;
    gen_init(&g, c->seed);
    bool fill = c->kind == SCN_FILL;
    int pid = p->h.pid;
    for (uint64_t off = 0; off < c->size;) {
        unsigned size = gen_piece(va + off, c->size - off);
        uint64_t want = gen_value(&g, size);
        uint64_t got = want;
        int rc = fill ? vms_kernel_store(r->k, pid, va + off, size, want, &r->ae)
                      : vms_kernel_load(r->k, pid, va + off, size, &got, &r->ae);
        rc = sim_step(r, rc, off, res);
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
    uint64_t psize = vms_kernel_page_size(r->k), off = 0;
    while (off < c->size) {
        /* a write touch is one write access that leaves the byte as it was: no data */
        int rc = sim_step(r, vms_kernel_touch(r->k, p->h.pid, va, c->write, &r->ae), off, res);
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

/* `P stats`: process pid's statistics (its own faults, its residency, the hardware counters
 * while it ran). Text: indented under "  statistics of P:", so no line reads as a contract
 * line; JSON: one object on one line, "process" (P's name) then the keys. */
static int sim_proc_stats(struct sim_run *r, const char *name, int pid)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    if (!mf)
        return err_set(r->e, VMS_ENOMEM, "out of memory");
    int rc = vms_kernel_stats_print(r->k, pid, mf, r->fmt, r->e);
    if (fclose(mf) != 0 || !buf) {
        free(buf);
        return rc ? rc : err_set(r->e, VMS_ENOMEM, "out of memory");
    }
    if (rc) {
        free(buf);
        return rc;
    }
    if (r->fmt == VMS_JSON) {
        fputs("{\"process\":", r->o.out);
        stats_json_string(r->o.out, name);
        fprintf(r->o.out, ",%s", len ? buf + 1 : "}\n");
    } else {
        fprintf(r->o.out, "  statistics of %s:\n", name);
        for (char *line = buf; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            fprintf(r->o.out, "    %s\n", line);
            line = nl ? nl + 1 : NULL;
        }
    }
    free(buf);
    return 0;
}

static int sim_memory(struct sim_run *r, struct model_proc *p, const struct scn_cmd *c)
{
    struct vms_error ke = {0};
    struct vms_kernel *k = r->k;
    int t = p->h.pid;
    uint64_t va = model_addr(p, &c->addr);
    struct scn_result res = {.status = SCN_RES_OK};
    int rc = 0;
    switch (c->kind) {
    case SCN_MMAP: {
        char path[PATH_MAX];
        if (c->file && (rc = scn_workdir_path(&r->wd, c->file, path, sizeof path, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        unsigned fl = (c->shared ? VMS_MMAP_SHARED : 0) | (c->file ? 0 : VMS_MMAP_ANON) |
                      (c->fixed ? VMS_MMAP_FIXED : 0);
        uint64_t hint = c->has_at ? model_addr(p, &c->at) : 0, out;
        rc = vms_kernel_mmap(k, t, hint, c->size, c->prot, fl, c->file ? path : NULL, c->offset,
                             &out, &ke);
        if (rc)
            return sim_syscall_failed(r, rc, &ke);
        return model_bind(p, c->name, out) ? err_set(r->e, VMS_ENOMEM, "out of memory") : 0;
    }
    case SCN_MUNMAP:
        rc = vms_kernel_munmap(k, t, va, c->size, &ke);
        return rc ? sim_syscall_failed(r, rc, &ke) : 0;
    case SCN_MPROTECT:
        rc = vms_kernel_mprotect(k, t, va, c->size, c->prot, &ke);
        return rc ? sim_syscall_failed(r, rc, &ke) : 0;
    case SCN_MSYNC:
        rc = vms_kernel_msync(k, t, va, c->size, &ke);
        return rc ? sim_syscall_failed(r, rc, &ke) : 0;
    case SCN_BRK: {
        uint64_t heap;
        rc = vms_kernel_brk(k, t, c->brk_shrink, c->size, &heap, &ke); /* any 64-bit size */
        if (rc)
            return sim_syscall_failed(r, rc, &ke);
        return model_bind(p, "heap", heap) ? err_set(r->e, VMS_ENOMEM, "out of memory") : 0;
    }
    case SCN_LOAD:
    case SCN_EXPECT:
    case SCN_STORE:
    case SCN_FETCH: {
        uint64_t v = 0;
        if (c->kind == SCN_STORE)
            rc = vms_kernel_store(k, t, va, (unsigned)c->size, c->value, &ke);
        else if (c->kind == SCN_FETCH)
            rc = vms_kernel_fetch(k, t, va, &ke);
        else
            rc = vms_kernel_load(k, t, va, (unsigned)c->size, &v, &ke);
        if (rc < 0)
            return sim_syscall_failed(r, rc, &ke);
        if (rc == VMS_SIG_KILLED) /* killed while it ran: the kill line says it */
            return 0;
        if (rc != VMS_SIG_NONE)
            res = (struct scn_result){.status = SCN_RES_FAULT, .fault = vms_signal_name(rc)};
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
    /* a write error on out does not stop the run (the caller sees it on its stream) */
    case SCN_MAPS:
        vms_kernel_maps_print(k, t, r->o.out, VMS_TEXT, NULL);
        return 0;
    case SCN_PAGETABLE:
        vms_kernel_pagetable_print(k, t, c->has_addr, va, r->o.out, VMS_TEXT, NULL);
        return 0;
    case SCN_PSTATS:
        return sim_proc_stats(r, c->proc, t);
    default:
        return 0;
    }
    if (rc < 0)
        return rc;
    if (rc == SIM_KILLED) /* killed while it ran: the kill line says it */
        return 0;
    scn_report(&r->o, c, &res);
    return 0;
}

/* ---------------------------------------------------------------- commands */

/* The statistics as JSON with their provenance first (docs/statistics.md, "Provenance"):
 * the scenario's machine and setup, and the scenario file's identity. */
static int sim_stats_json(struct sim_run *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    if (!mf)
        return err_set(r->e, VMS_ENOMEM, "out of memory");
    vms_kernel_stats_print(r->k, 0, mf, VMS_JSON, NULL);
    if (fclose(mf) != 0 || !buf || buf[0] != '{') {
        free(buf);
        return err_set(r->e, VMS_ENOMEM, "out of memory");
    }
    struct stats_kv *kv;
    size_t nkv;
    char *changed;
    if (stats_prov_machine(r->cfg, &kv, &nkv, &changed, r->e) < 0) {
        free(buf);
        return -VMS_ENOMEM;
    }
    char v[64] = "";
    uint64_t seed = 0;
    vms_config_get(r->cfg, "seed", v, sizeof v, NULL);
    sscanf(v, "%" SCNu64, &seed);
    vms_config_get(r->cfg, "pcid", v, sizeof v, NULL);
    const char *path = strcmp(r->sc->filename, "<stdin>") ? r->sc->filename : "-";
    struct stats_input in = {.path = path, .format = "vms", .compression = "none",
                             .bytes = r->sc->bytes, .hash = r->sc->hash, .complete = true};
    /* the kernel's defaults when the scenario has no memory/policy line (sim_kernel) */
    struct stats_prov p = {.machine = vms_config_name(r->cfg), .config = kv, .nconfig = nkv,
                           .changed = changed, .memory = r->memory ? r->memory : 256u << 20,
                           .swap = r->swap, .seed = seed, .policy = r->policy ? r->policy : "clock",
                           .page_model = "zero-page", .pcid = !strcmp(v, "on"), .inputs = &in,
                           .ninputs = 1};
    fputc('{', r->o.out);
    stats_prov_json(&p, r->o.out);
    fwrite(buf + 1, 1, len - 1, r->o.out);
    free(buf);
    vms_free(kv);
    vms_free(changed);
    return 0;
}

static int sim_stats(struct sim_run *r)
{
    int rc = sim_kernel(r);
    if (rc)
        return rc;
    if (r->fmt == VMS_JSON)
        return sim_stats_json(r);
    /* text: indented, so no line can read as a contract line */
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    if (!mf)
        return err_set(r->e, VMS_ENOMEM, "out of memory");
    vms_kernel_stats_print(r->k, 0, mf, VMS_TEXT, NULL);
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
        /* a machine line starts from its preset, whatever came before */
        vms_config_destroy(r->cfg);
        if (vms_config_create(c->name, &r->cfg, &ke))
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
            if (vms_config_set(r->cfg, key, eq + 1, &ke))
                return err_set(r->e, VMS_EINVAL, "%s:%u: %s", r->sc->filename, c->line, ke.msg);
        }
        if (vms_config_check(r->cfg, &ke))
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
            (rc = vms_kernel_file_read(r->k, path, c->offset, buf, c->size, &got, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        uint64_t v = 0;
        for (size_t i = 0; i < got; i++)
            v |= (uint64_t)buf[i] << (8 * i);
        scn_report_file(&r->o, c, v, got < c->size);
        return 0;
    }
    if (c->kind == SCN_SPAWN) {
        int pid;
        if ((rc = vms_kernel_spawn(r->k, &pid, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        struct model_proc *p = model_add(&r->m, c->proc);
        if (!p) {
            vms_kernel_exit(r->k, pid, NULL);
            return err_set(r->e, VMS_ENOMEM, "out of memory");
        }
        p->h.pid = pid;
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
        int child;
        if ((rc = vms_kernel_fork(r->k, p->h.pid, &child, &ke)) != 0)
            return sim_syscall_failed(r, rc, &ke);
        struct model_proc *q = model_add(&r->m, c->proc2);
        if (!q)
            return err_set(r->e, VMS_ENOMEM, "out of memory");
        q->h.pid = child;
        return model_inherit(q, p) ? err_set(r->e, VMS_ENOMEM, "out of memory") : 0;
    }
    case SCN_EXEC:
        rc = vms_kernel_exec(r->k, p->h.pid, c->argv[0], c->argv, &ke);
        if (rc)
            return sim_syscall_failed(r, rc, &ke);
        model_unbind_all(p);
        return 0;
    case SCN_SWITCH:
        /* p is not killed (model_target), so the pid is valid and live */
        vms_kernel_switch(r->k, p->h.pid, NULL);
        return 0;
    default:
        return sim_memory(r, p, c);
    }
}

int vms_scenario_run(const struct vms_scenario *sc, const struct vms_run_opts *opt, FILE *out,
                     enum vms_format fmt, FILE *diag, struct vms_error *e)
{
    if (fmt != VMS_TEXT && fmt != VMS_JSON)
        return err_set(e, VMS_EINVAL, "run: statistics print as text or JSON, not format %d",
                       (int)fmt);
    struct sim_run r = {.sc = sc, .e = e, .opt = opt, .fmt = fmt};
    r.m = (struct model){.release = sim_release, .ctx = &r};
    r.o = (struct scn_out){sc, out, diag, 0};
    int rc = vms_config_create(VMS_DEFAULT_MACHINE, &r.cfg, e);
    if (rc)
        return rc;
    rc = scn_workdir_init(&r.wd, sc, opt ? opt->workdir : NULL, NULL, opt && opt->keep, diag,
                          e);
    for (size_t i = 0; rc == 0 && i < sc->ncmds; i++) {
        if (scn_stopped(opt ? opt->stop : NULL, sc, i, e)) {
            rc = 2;
            break;
        }
        if (opt && opt->before_line)
            opt->before_line(opt->ctx, sc->cmds[i].line, out);
        rc = sim_command(&r, &sc->cmds[i]);
        struct vms_error ae = {0};
        if (rc == 0 && r.k && opt && opt->audit && vms_kernel_audit(r.k, &ae))
            rc = err_set(e, VMS_EINVAL, "%s:%u: after this line: %s", sc->filename,
                         sc->cmds[i].line, ae.msg);
    }
    fflush(out);
    char tmsg[256];
    if (r.k && vms_kernel_thrashing(r.k, tmsg, sizeof tmsg))
        /* a note, not a warning: the run is complete (a student meets it in the demo) */
        fprintf(diag, "vmsim run: note: %s (the run is complete and its results are correct: "
                      "this says it spent its time paging)\n", tmsg);
    /* The end of the run is a shutdown: the file cache is written back, and a page that
     * cannot be (or a write-back that failed unreported) is said, not ignored. */
    uint64_t lost = 0;
    struct vms_error se = {0};
    if (r.k && vms_kernel_sync(r.k, &lost, &se) < 0) {
        char msg[sizeof se.msg];
        fprintf(diag, "vmsim run: warning: at the end of the run: %s%s\n",
                sim_paths(&r, se.msg, msg, sizeof msg), lost ? " (their last stores are lost)" : "");
        if (lost)
            r.o.failed++;
    }
    model_fini(&r.m); /* the kernel's end ends every process */
    vms_kernel_destroy(r.k);
    vms_config_destroy(r.cfg);
    scn_workdir_fini(&r.wd);
    if (rc < 0 || rc == 2)
        return rc;
    return r.o.failed ? 1 : 0;
}
