/* `vmsim run --on-linux`: a scenario interpreted against the host's real kernel. Each
 * scenario process is a worker process (worker.c); this side keeps the scenario's processes
 * in the model both backends share (model.c), sends one request per command and prints the
 * contract lines of docs/scenario-contract.md. What Linux
 * cannot answer the same way (maps of a copy of vmsim, page tables, statistics, exec in the
 * middle of a scenario, the simulated machine's setup) is printed on lines starting "# ",
 * which a comparison with the simulator leaves out. */
#include "scenario/scenario.h"

#include "base/alloc.h"
#include "base/err.h"
#include "scenario/model.h"
#include "scenario/report.h"
#include "scenario/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __linux__
int vms_scenario_run_on_linux(const struct vms_scenario *sc, const struct vms_linux_opts *opt,
                              FILE *out, FILE *diag, struct vms_error *e)
{
    (void)sc, (void)opt, (void)out, (void)diag;
    return err_set(e, VMS_EUNSUPPORTED, "run --on-linux: this host is not Linux");
}
#else

struct onlinux_run {
    const struct vms_scenario *sc;
    const struct scn_cmd *cmd; /* the command being run (for messages) */
    FILE *out, *diag;
    struct vms_error *e;
    int timeout_ms;
    int zygote_fd;
    pid_t zygote_pid;
    struct scn_workdir wd;
    struct model m;     /* the scenario's processes; h.worker is each one's worker */
    struct scn_out o;   /* contract lines and failed expectations */
    struct worker_req req;
};

/* ---------------------------------------------------------------- processes */

/* model_remove's release: close P's channel, so that its worker (if any) exits. */
static void onlinux_release(void *ctx, struct model_proc *p)
{
    (void)ctx;
    if (p->h.worker.fd >= 0)
        close(p->h.worker.fd);
    p->h.worker.fd = -1;
}

/* A new process with no worker yet. */
static struct model_proc *onlinux_add(struct onlinux_run *run, const char *name)
{
    struct model_proc *p = model_add(&run->m, name);
    if (p)
        p->h.worker.fd = -1;
    return p;
}

/* ---------------------------------------------------------------- messages */

static int onlinux_fail(struct onlinux_run *run, int code, const char *fmt, const char *what)
{
    return err_set(run->e, code, "%s:%u: %s%s", run->sc->filename, run->cmd->line, fmt, what);
}

/* One request/reply with P's worker. Returns 1 with *r filled, 0 if the worker is gone (it
 * was killed: P is marked so), or a negative error (timeout, host failure). */
static int onlinux_call(struct onlinux_run *run, struct model_proc *p, int passfd,
                        struct worker_rep *r)
{
    if (worker_send(p->h.worker.fd, &run->req, sizeof run->req, passfd) < 0) {
        if (errno == EPIPE || errno == ECONNRESET)
            goto gone;
        return onlinux_fail(run, VMS_EIO, "cannot talk to the process: ", strerror(errno));
    }
    int rc = worker_recv(p->h.worker.fd, r, sizeof *r, run->timeout_ms, NULL);
    if (rc > 0)
        return 1;
    if (rc == 0 || errno == ECONNRESET)
        goto gone;
    if (errno == ETIMEDOUT) {
        kill((pid_t)p->h.worker.pid, SIGKILL);
        return err_set(run->e, VMS_EIO, "%s:%u: %s did not answer within %d s (killed)",
                       run->sc->filename, run->cmd->line, p->name, run->timeout_ms / 1000);
    }
    return onlinux_fail(run, VMS_EIO, "cannot talk to the process: ", strerror(errno));
gone:
    /* Workers exit only when told to or killed; a kill by the kernel is the OOM killer. */
    onlinux_release(run, p);
    model_kill(p, "out of memory", run->out);
    return 0;
}

static const char *onlinux_fault_name(const struct worker_rep *r)
{
    if (r->signo == SIGBUS)
        return "SIGBUS";
    if (r->signo == SIGSEGV)
        return r->code == SEGV_MAPERR ? "SIGSEGV maperr" : "SIGSEGV accerr";
    return "SIGNAL";
}

/* ---------------------------------------------------------------- setup */

/* Fork the zygote that forks every spawned worker; done before any worker exists, so no
 * worker inherits another's channel. */
static int onlinux_start_zygote(struct onlinux_run *run)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return err_set(run->e, VMS_EIO, "socketpair: %s", strerror(errno));
    fflush(run->out);
    fflush(run->diag);
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(sv[0]);
        close(sv[1]);
        return err_set(run->e, VMS_EIO, "fork: %s", strerror(err));
    }
    if (pid == 0) {
        close(sv[0]);
        worker_zygote(sv[1]);
    }
    close(sv[1]);
    run->zygote_fd = sv[0];
    run->zygote_pid = pid;
    return 0;
}

/* A new channel for a new worker; the far end travels to the forking process. */
static int onlinux_channel(struct onlinux_run *run, int sv[2])
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return onlinux_fail(run, VMS_EIO, "socketpair: ", strerror(errno));
    return 0;
}

/* ---------------------------------------------------------------- commands */

static int onlinux_spawn(struct onlinux_run *run, const struct scn_cmd *c)
{
    struct model_proc *old = model_find(&run->m, c->proc);
    if (old) /* only a killed process can still be here */
        model_remove(&run->m, old);
    int sv[2], rc;
    if ((rc = onlinux_channel(run, sv)) < 0)
        return rc;
    struct worker_rep r;
    run->req = (struct worker_req){.op = WORKER_SPAWN};
    if (worker_send(run->zygote_fd, &run->req, sizeof run->req, sv[1]) < 0 ||
        worker_recv(run->zygote_fd, &r, sizeof r, run->timeout_ms, NULL) <= 0 ||
        r.status != WORKER_OK) {
        close(sv[0]);
        close(sv[1]);
        return onlinux_fail(run, VMS_EIO, "spawn: the zygote process failed", "");
    }
    close(sv[1]);
    struct model_proc *p = onlinux_add(run, c->proc);
    if (!p) {
        close(sv[0]);
        return onlinux_fail(run, VMS_ENOMEM, "out of memory", "");
    }
    p->h.worker.fd = sv[0];
    p->h.worker.pid = (long)r.value;
    return 0;
}

static int onlinux_fork(struct onlinux_run *run, struct model_proc *p, const struct scn_cmd *c)
{
    struct model_proc *q = model_find(&run->m, c->proc2);
    if (q)
        model_remove(&run->m, q);
    if (p->state == MODEL_EXECED) {
        fprintf(run->out, "# fork %s %s: not run (%s ran exec)\n", c->proc, c->proc2, c->proc);
        q = onlinux_add(run, c->proc2);
        if (!q)
            return onlinux_fail(run, VMS_ENOMEM, "out of memory", "");
        q->state = MODEL_EXECED;
        return 0;
    }
    int sv[2], rc;
    if ((rc = onlinux_channel(run, sv)) < 0)
        return rc;
    struct worker_rep r;
    run->req = (struct worker_req){.op = WORKER_FORK};
    rc = onlinux_call(run, p, sv[1], &r);
    close(sv[1]);
    if (rc <= 0) {
        close(sv[0]);
        return rc;
    }
    if (r.status != WORKER_OK) {
        close(sv[0]);
        return onlinux_fail(run, VMS_EINVAL, "fork failed: ", strerror(r.err));
    }
    q = onlinux_add(run, c->proc2);
    if (!q) {
        close(sv[0]);
        return onlinux_fail(run, VMS_ENOMEM, "out of memory", "");
    }
    q->h.worker.fd = sv[0];
    q->h.worker.pid = (long)r.value;
    if (model_inherit(q, p) < 0)
        return onlinux_fail(run, VMS_ENOMEM, "out of memory", "");
    return 0;
}

static int onlinux_exit(struct onlinux_run *run, struct model_proc *p)
{
    if (p->state == MODEL_LIVE) {
        struct worker_rep r;
        run->req = (struct worker_req){.op = WORKER_EXIT};
        int rc = onlinux_call(run, p, -1, &r);
        if (rc < 0)
            return rc;
        if (rc > 0) {
            /* Wait for the worker's end (EOF): its address space is then torn down. */
            struct worker_rep tmp;
            (void)worker_recv(p->h.worker.fd, &tmp, sizeof tmp, run->timeout_ms, NULL);
        }
    }
    model_remove(&run->m, p);
    return 0;
}

/* A system call's failure stops the run. */
static int onlinux_syscall_result(struct onlinux_run *run, const struct scn_cmd *c,
                                  const char *verb, const struct worker_rep *r)
{
    (void)c;
    if (r->status == WORKER_SYSERR)
        return err_set(run->e, VMS_EINVAL, "%s:%u: %s failed: %s", run->sc->filename,
                       run->cmd->line, verb, strerror(r->err));
    if (r->status == WORKER_FOREIGN)
        return err_set(run->e, VMS_EINVAL,
                       "%s:%u: %s: on Linux that range holds the worker's own memory (it is a "
                       "copy of vmsim); choose another address",
                       run->sc->filename, run->cmd->line, verb);
    return 0;
}

static int onlinux_memory(struct onlinux_run *run, struct model_proc *p, const struct scn_cmd *c)
{
    struct worker_req *q = &run->req;
    struct worker_rep r;
    int rc;
    *q = (struct worker_req){0};
    q->va = model_addr(p, &c->addr);
    q->len = c->size;
    switch (c->kind) {
    case SCN_MMAP:
        q->op = WORKER_MMAP;
        q->prot = c->prot;
        q->offset = c->offset;
        q->flags = (c->shared ? WORKER_F_SHARED : 0) | (c->file ? 0 : WORKER_F_ANON);
        q->va = 0;
        if (c->has_at) {
            q->va = model_addr(p, &c->at);
            q->flags |= c->fixed ? WORKER_F_FIXED : WORKER_F_HINT;
        }
        if (c->file &&
            scn_workdir_path(&run->wd, c->file, q->path, sizeof q->path, run->e))
            return onlinux_fail(run, VMS_EIO, "file path too long: ", c->file);
        break;
    case SCN_MUNMAP: q->op = WORKER_MUNMAP; break;
    case SCN_MPROTECT: q->op = WORKER_MPROTECT; q->prot = c->prot; break;
    case SCN_MSYNC: q->op = WORKER_MSYNC; break;
    case SCN_BRK: q->op = WORKER_BRK; q->flags = c->brk_shrink ? WORKER_F_SHRINK : 0; break;
    case SCN_LOAD:
    case SCN_EXPECT: q->op = WORKER_LOAD; break;
    case SCN_STORE: q->op = WORKER_STORE; q->value = c->value; break;
    case SCN_FETCH: q->op = WORKER_FETCH; break;
    case SCN_FILL: q->op = WORKER_FILL; q->value = c->seed; break;
    case SCN_CHECK: q->op = WORKER_CHECK; q->value = c->seed; break;
    case SCN_TOUCH: q->op = WORKER_TOUCH; q->flags = c->write ? WORKER_F_WRITE : 0; break;
    default: return 0;
    }
    if ((rc = onlinux_call(run, p, -1, &r)) <= 0)
        return rc;

    bool fault = r.status == WORKER_FAULT;
    switch (c->kind) {
    case SCN_MMAP:
        if ((rc = onlinux_syscall_result(run, c, "mmap", &r)) < 0)
            return rc;
        return model_bind(p, c->name, r.value) < 0
                   ? onlinux_fail(run, VMS_ENOMEM, "out of memory", "")
                   : 0;
    case SCN_MUNMAP: return onlinux_syscall_result(run, c, "munmap", &r);
    case SCN_MPROTECT: return onlinux_syscall_result(run, c, "mprotect", &r);
    case SCN_MSYNC: return onlinux_syscall_result(run, c, "msync", &r);
    case SCN_BRK:
        if ((rc = onlinux_syscall_result(run, c, "brk", &r)) < 0)
            return rc;
        return model_bind(p, "heap", r.value) < 0
                   ? onlinux_fail(run, VMS_ENOMEM, "out of memory", "")
                   : 0;
    default: {
        struct scn_result res = {.status = SCN_RES_OK, .value = r.value};
        if (fault)
            res = (struct scn_result){.status = SCN_RES_FAULT, .fault = onlinux_fault_name(&r),
                                      .value = r.value};
        else if (r.status == WORKER_MISMATCH)
            res = (struct scn_result){.status = SCN_RES_MISMATCH, .value = r.value, .got = r.got,
                                      .want = r.want};
        scn_report(&run->o, c, &res);
        return 0;
    }
    }
}

static int onlinux_expect_file(struct onlinux_run *run, const struct scn_cmd *c)
{
    char path[PATH_MAX];
    uint8_t buf[8];
    if (scn_workdir_path(&run->wd, c->name, path, sizeof path, run->e))
        return onlinux_fail(run, VMS_EIO, "file path too long: ", c->name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(run->e, VMS_EIO, "%s:%u: %s: %s", run->sc->filename, c->line, path,
                       strerror(errno));
    ssize_t n = c->offset > (uint64_t)INT64_MAX ? 0 : pread(fd, buf, c->size, (off_t)c->offset);
    int err = errno;
    close(fd);
    if (n < 0)
        return err_set(run->e, VMS_EIO, "%s:%u: %s: %s", run->sc->filename, c->line, path,
                       strerror(err));
    uint64_t v = 0;
    for (ssize_t i = 0; i < n; i++)
        v |= (uint64_t)buf[i] << (8 * i);
    scn_report_file(&run->o, c, v, (uint64_t)n < c->size);
    return 0;
}

static const char *const onlinux_verbs[] = {
    [SCN_MMAP] = "mmap",   [SCN_MUNMAP] = "munmap", [SCN_MPROTECT] = "mprotect",
    [SCN_MSYNC] = "msync", [SCN_BRK] = "brk",       [SCN_LOAD] = "load",
    [SCN_STORE] = "store", [SCN_FETCH] = "fetch",   [SCN_EXPECT] = "expect",
    [SCN_FILL] = "fill",   [SCN_CHECK] = "check",   [SCN_TOUCH] = "touch",
    [SCN_MAPS] = "maps",   [SCN_PAGETABLE] = "pagetable", [SCN_EXEC] = "exec",
    [SCN_EXIT] = "exit",   [SCN_SWITCH] = "switch", [SCN_FORK] = "fork",
    [SCN_PSTATS] = "stats",
};

static int onlinux_command(struct onlinux_run *run, const struct scn_cmd *c)
{
    run->cmd = c;
    switch (c->kind) {
    case SCN_MACHINE:
        fprintf(run->out, "# machine %s: not applied on Linux (the host's machine is used)\n",
                c->name);
        return 0;
    case SCN_MEMORY:
    case SCN_SWAP:
    case SCN_POLICY:
        fprintf(run->out, "# %s: not applied on Linux (the host's kernel decides)\n",
                c->kind == SCN_MEMORY ? "memory" : c->kind == SCN_SWAP ? "swap" : "policy");
        return 0;
    case SCN_FILE:
        return scn_workdir_make_file(&run->wd, run->sc, c, run->e);
    case SCN_STATS:
        fprintf(run->out, "# stats: not available on Linux (left out of the comparison)\n");
        return 0;
    case SCN_EXPECT_FILE:
        return onlinux_expect_file(run, c);
    case SCN_SPAWN:
        return onlinux_spawn(run, c);
    default:
        break;
    }

    struct model_proc *p = model_target(&run->m, c, run->out);
    if (!p)
        return 0;
    if (c->kind == SCN_EXIT)
        return onlinux_exit(run, p);
    if (c->kind == SCN_FORK)
        return onlinux_fork(run, p, c);
    if (p->state == MODEL_EXECED) {
        fprintf(run->out, "# %s %s: not run (%s ran exec, which is not run on Linux)\n", c->proc,
                onlinux_verbs[c->kind], c->proc);
        return 0;
    }
    switch (c->kind) {
    case SCN_EXEC: {
        fprintf(run->out, "# exec %s %s: not run on Linux (an exec mid-scenario is not "
                          "comparable); later commands to %s are skipped\n",
                c->proc, c->argv[0], c->proc);
        struct worker_rep r;
        run->req = (struct worker_req){.op = WORKER_EXIT};
        int rc = onlinux_call(run, p, -1, &r);
        if (rc < 0)
            return rc;
        onlinux_release(run, p);
        model_unbind_all(p);
        p->state = MODEL_EXECED;
        return 0;
    }
    case SCN_SWITCH:
        return 0;
    case SCN_MAPS:
        fprintf(run->out, "# %s maps: not compared (on Linux the process is a copy of vmsim)\n",
                c->proc);
        return 0;
    case SCN_PAGETABLE:
        fprintf(run->out, "# %s pagetable: not available on Linux (left out of the comparison)\n",
                c->proc);
        return 0;
    case SCN_PSTATS:
        fprintf(run->out, "# %s stats: not available on Linux (left out of the comparison)\n",
                c->proc);
        return 0;
    default:
        return onlinux_memory(run, p, c);
    }
}

/* ---------------------------------------------------------------- the run */

static void onlinux_teardown(struct onlinux_run *run)
{
    while (run->m.n) /* closing every channel ends every worker */
        model_remove(&run->m, run->m.procs[run->m.n - 1]);
    model_fini(&run->m);
    if (run->zygote_fd >= 0) {
        close(run->zygote_fd); /* the zygote sees EOF and exits */
        int st;
        while (waitpid(run->zygote_pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    scn_workdir_fini(&run->wd);
}

/* The working directory: the --workdir, else a fresh one on a tmpfs (the simulator models
 * tmpfs: on a disk file system such as ext4 the bytes stored past end-of-file in a file's
 * last page do not survive writeback, docs/scenario-contract.md): $TMPDIR if it is one,
 * else /dev/shm, else $XDG_RUNTIME_DIR; without any, $TMPDIR or /tmp. A directory that is
 * not on a tmpfs gets one line on diag naming its file system. */
static int onlinux_workdir(struct onlinux_run *run, const struct vms_linux_opts *opt, FILE *diag)
{
    const char *dir = opt ? opt->workdir : NULL, *parent = NULL;
    if (!dir) {
        const char *cands[] = {getenv("TMPDIR"), "/dev/shm", getenv("XDG_RUNTIME_DIR")};
        parent = scn_tmpfs_dir(cands, sizeof cands / sizeof cands[0]);
    }
    int rc = scn_workdir_init(&run->wd, run->sc, dir, parent, opt && opt->keep, diag, run->e);
    char fs[64];
    if (rc == 0 && !scn_fs_is_tmpfs(run->wd.path, fs, sizeof fs))
        fprintf(diag,
                "vmsim run: warning: --on-linux: %s is on %s, not tmpfs%s: there Linux may "
                "zero at writeback the bytes stored past end-of-file in a file's last page, "
                "which tmpfs (the simulator's model) keeps%s\n",
                run->wd.path, fs, dir ? "" : " (none at $TMPDIR, /dev/shm, $XDG_RUNTIME_DIR)",
                dir ? "" : "; --workdir DIR chooses the directory");
    return rc;
}

int vms_scenario_run_on_linux(const struct vms_scenario *sc, const struct vms_linux_opts *opt,
                              FILE *out, FILE *diag, struct vms_error *e)
{
    struct onlinux_run run = {.sc = sc, .out = out, .diag = diag, .e = e, .zygote_fd = -1};
    unsigned timeout = opt && opt->timeout_s ? opt->timeout_s : 60;
    run.timeout_ms = (int)(timeout > 86400 ? 86400 : timeout) * 1000;
    run.o = (struct scn_out){sc, out, diag, 0};
    run.m = (struct model){.release = onlinux_release, .ctx = &run};
    int rc = onlinux_workdir(&run, opt, diag);
    if (rc == 0)
        rc = onlinux_start_zygote(&run);
    long host_page = sysconf(_SC_PAGESIZE);
    if (rc == 0 && host_page > 0 && (uint64_t)host_page != sc->page_size)
        fprintf(out, "# page size: the scenario's machine has %" PRIu64 "-byte pages, Linux %ld\n",
                sc->page_size, host_page);
    for (size_t i = 0; rc == 0 && i < sc->ncmds; i++) {
        if (scn_stopped(opt ? opt->stop : NULL, sc, i, e)) {
            rc = 2;
            break;
        }
        rc = onlinux_command(&run, &sc->cmds[i]);
    }
    fflush(out);
    onlinux_teardown(&run); /* ends the workers, removes a fresh working directory */
    if (rc < 0 || rc == 2)
        return rc;
    return run.o.failed ? 1 : 0;
}

#endif
