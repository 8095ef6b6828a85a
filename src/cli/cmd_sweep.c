/* `vmsim sweep`: a grid of `vmsim trace` runs (machines x memory sizes x swap sizes x
 * policies x quanta x traces), run in parallel as child processes of this very binary, or
 * printed as independent command lines (--emit-jobs) for GNU parallel or a Slurm array;
 * the result files are joined by the same code as `vmsim merge`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

extern char **environ;

static void sweep_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim sweep [--machines M,...] [--memory SIZE,...] [--swap SIZE,...]\n"
            "                   [--policy P,...] [--quantum N,...] [--set KEY=VALUE]...\n"
            "                   [--skip-bad] [--zero-page] [-j N] [-o OUT.csv] [--no-progress]\n"
            "                   TRACE[,TRACE...]...\n"
            "       vmsim sweep --emit-jobs DIR [--vmsim PATH] (the same grid options) TRACE...\n"
            "\n"
            "Runs `vmsim trace` once for every combination of the lists (each TRACE argument is\n"
            "one workload; TRACE,TRACE runs those traces together as processes of one run), on\n"
            "all CPUs, and writes one CSV: one row per run, the run's parameters (machine, set,\n"
            "memory, swap, policy, quantum, trace) first, then every statistic.\n"
            "\n"
            "  --machines M,...   machine presets (default core-i7)\n"
            "  --memory SIZE,...  physical memory sizes (default 256M)\n"
            "  --swap SIZE,...    swap sizes (default 0)\n"
            "  --policy P,...     replacement policies (default clock)\n"
            "  --quantum N,...    time-slice lengths in references (default 10000)\n"
            "  --set KEY=VALUE    a machine key for every run (repeatable)\n"
            "  --skip-bad         pass --skip-bad to every run\n"
            "  --zero-page        pass --zero-page to every run (Linux's zero page for reads\n"
            "                     of untouched pages, instead of a frame per page)\n"
            "  -j, --jobs N       runs at a time (default: the number of online CPUs)\n"
            "  -o, --output OUT   the CSV file (default standard output)\n"
            "  --emit-jobs DIR    print one command line per run instead, each writing\n"
            "                     DIR/run-NNNN.csv; `vmsim merge DIR/run-*.csv` joins them\n"
            "  --vmsim PATH       the program named in emitted lines (default: this binary)\n"
            "  --no-progress      no progress line (shown on a terminal for sweeps over a\n"
            "                     second: the runs done)\n"
            "\n"
            "What a run says on stderr (a warning, a mark) is printed when it ends, each line\n"
            "led by the run's number and its grid cell.\n"
            "\n"
            "docs/trace.md has GNU parallel and Slurm examples.\n");
}

/* The argument vectors posix_spawn takes are char *const[]; nothing writes to them. */
static char *unconst(const char *s)
{
    union {
        const char *c;
        char *m;
    } u = {s};
    return u.m;
}

/* A comma-separated list, split in place. */
struct list {
    char **v;
    size_t n;
};

static int list_split(struct list *l, char *s, const char *opt)
{
    size_t n = 1;
    for (char *p = s; *p; p++)
        n += *p == ',';
    free(l->v);
    l->v = calloc(n, sizeof *l->v);
    if (!l->v)
        return cli_usage_error("out of memory");
    l->n = 0;
    for (char *tok = s;;) {
        char *comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        if (!*tok)
            return cli_usage_error("%s: an empty item in the list", opt);
        l->v[l->n++] = tok;
        if (!comma)
            break;
        tok = comma + 1;
    }
    return 0;
}

/* Shell-quoted word for emitted lines. */
static void put_word(FILE *f, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+-@%",
                       *p) != NULL;
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

struct grid {
    struct list machines, memory, swap, policy, quantum;
    char **traces;
    size_t ntraces;
    const char **sets;
    size_t nsets;
    bool skip_bad, zero_page;
};

static size_t grid_size(const struct grid *g)
{
    return g->machines.n * g->memory.n * g->swap.n * g->policy.n * g->quantum.n * g->ntraces;
}

/* The coordinates of run i (0-based) in the grid: the index into each list. */
struct grid_pos {
    size_t mach, m, w, p, t, q;
};

static struct grid_pos grid_pos(const struct grid *g, size_t i)
{
    struct grid_pos c;
    c.q = i % g->quantum.n;
    i /= g->quantum.n;
    c.t = i % g->ntraces;
    i /= g->ntraces;
    c.p = i % g->policy.n;
    i /= g->policy.n;
    c.w = i % g->swap.n;
    i /= g->swap.n;
    c.m = i % g->memory.n;
    c.mach = i / g->memory.n;
    return c;
}

/* "run 3 of 8 (machine core-i7, memory 64M, ..., trace t.lackey)": how messages name a
 * run of the grid. */
static void grid_cell(const struct grid *g, size_t i, char *buf, size_t n)
{
    struct grid_pos c = grid_pos(g, i);
    snprintf(buf, n, "run %zu of %zu (machine %s, memory %s, swap %s, policy %s, quantum %s, "
             "trace %s)", i + 1, grid_size(g), g->machines.v[c.mach], g->memory.v[c.m],
             g->swap.v[c.w], g->policy.v[c.p], g->quantum.v[c.q], g->traces[c.t]);
}

/* The argument vector of run i (0-based): PROG trace ... -o OUT -- FILES. Strings point into
 * the grid, prog, out, and the trace copy *tcopy (freed by the caller). */
static char **grid_argv(const struct grid *g, size_t i, const char *prog, const char *out,
                        char **tcopy)
{
    struct grid_pos at = grid_pos(g, i);
    size_t q = at.q, t = at.t, p = at.p, w = at.w, m = at.m, mach = at.mach;
    *tcopy = strdup(g->traces[t]);
    size_t nfiles = 1;
    for (const char *c = g->traces[t]; *c; c++)
        nfiles += *c == ',';
    char **v = calloc(24 + 2 * g->nsets + nfiles, sizeof *v);
    if (!v || !*tcopy) {
        free(v);
        free(*tcopy);
        *tcopy = NULL;
        return NULL;
    }
    size_t n = 0;
    v[n++] = unconst(prog);
    v[n++] = unconst("trace");
    v[n++] = unconst("--machine");
    v[n++] = g->machines.v[mach];
    for (size_t s = 0; s < g->nsets; s++) {
        v[n++] = unconst("--set");
        v[n++] = unconst(g->sets[s]);
    }
    v[n++] = unconst("--memory");
    v[n++] = g->memory.v[m];
    v[n++] = unconst("--swap");
    v[n++] = g->swap.v[w];
    v[n++] = unconst("--policy");
    v[n++] = g->policy.v[p];
    v[n++] = unconst("--quantum");
    v[n++] = g->quantum.v[q];
    if (g->skip_bad)
        v[n++] = unconst("--skip-bad");
    if (g->zero_page)
        v[n++] = unconst("--zero-page");
    v[n++] = unconst("--params");
    v[n++] = unconst("--no-progress");
    v[n++] = unconst("-o");
    v[n++] = unconst(out);
    v[n++] = unconst("--");
    for (char *tok = *tcopy;;) {
        char *comma = strchr(tok, ',');
        if (comma)
            *comma = '\0';
        v[n++] = tok;
        if (!comma)
            break;
        tok = comma + 1;
    }
    v[n] = NULL;
    return v;
}

/* Every value checked before anything runs, so runs fail only for host reasons. */
static int grid_check(const struct grid *g)
{
    struct vms_error e = {0};
    uint64_t v;
    for (size_t i = 0; i < g->memory.n; i++)
        if (!vms_parse_size(g->memory.v[i], &v) || v == 0)
            return cli_usage_error("--memory: expected sizes such as 64M or 1G, found '%s'",
                                   g->memory.v[i]);
    for (size_t i = 0; i < g->swap.n; i++)
        if (!vms_parse_size(g->swap.v[i], &v))
            return cli_usage_error("--swap: expected sizes such as 64M or 1G, found '%s'",
                                   g->swap.v[i]);
    for (size_t i = 0; i < g->quantum.n; i++) {
        char *end;
        errno = 0;
        unsigned long long q = strtoull(g->quantum.v[i], &end, 10);
        if (*end || errno || q == 0 || g->quantum.v[i][0] == '-')
            return cli_usage_error("--quantum: expected numbers of references (at least 1), "
                                   "found '%s'", g->quantum.v[i]);
    }
    struct vms_policy_info pi;
    for (size_t i = 0; i < g->policy.n; i++)
        if (!vms_policy_lookup(g->policy.v[i], &pi))
            return cli_usage_error("--policy: unknown policy '%s' (`vmsim pages --help` lists "
                                   "them)", g->policy.v[i]);
    for (size_t i = 0; i < g->machines.n; i++) {
        struct vms_config *c;
        if (vms_config_create(g->machines.v[i], &c, &e))
            return cli_usage_error("--machines: %s", e.msg);
        int rc = 0;
        for (size_t s = 0; s < g->nsets && rc == 0; s++)
            if ((rc = vms_config_set_kv(c, g->sets[s], &e)) < 0)
                cli_usage_error("--set: %s", e.msg);
        if (rc == 0 && (rc = vms_config_check(c, &e)) < 0)
            cli_usage_error("--set: %s (machine %s)", e.msg, g->machines.v[i]);
        /* Every machine, memory, swap and policy the kernel accepts (a run is created and
         * dropped), so that runs fail only for host reasons. */
        for (size_t m = 0; m < g->memory.n && rc == 0; m++)
            for (size_t w = 0; w < g->swap.n && rc == 0; w++)
                for (size_t p = 0; p < g->policy.n && rc == 0; p++) {
                    struct vms_tracesim_opts o = {.policy = g->policy.v[p]};
                    vms_parse_size(g->memory.v[m], &o.memory);
                    vms_parse_size(g->swap.v[w], &o.swap);
                    struct vms_tracesim *ts = NULL;
                    if ((rc = vms_tracesim_create(c, &o, &ts, &e)) < 0)
                        cli_usage_error("machine %s, memory %s, swap %s, policy %s: %s",
                                        g->machines.v[i], g->memory.v[m], g->swap.v[w],
                                        g->policy.v[p], e.msg);
                    vms_tracesim_destroy(ts);
                }
        vms_config_destroy(c);
        if (rc < 0)
            return 2;
    }
    for (size_t t = 0; t < g->ntraces; t++) {
        const char *s = g->traces[t];
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            char path[PATH_MAX];
            if (len == 0 || len >= sizeof path)
                return cli_usage_error("'%s': expected trace files separated by commas",
                                       g->traces[t]);
            memcpy(path, s, len);
            path[len] = '\0';
            if (!strcmp(path, "-"))
                return cli_usage_error("a sweep cannot read standard input (-)");
            if (access(path, R_OK) != 0)
                return cli_usage_error("%s: %s", path, strerror(errno));
            if (!comma)
                break;
            s = comma + 1;
        }
    }
    return 0;
}

static int emit_jobs(const struct grid *g, const char *dir, const char *prog)
{
    size_t n = grid_size(g);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return cli_usage_error("--emit-jobs: %s: %s", dir, strerror(errno));
    int width = 4;
    for (size_t m = 10000; m <= n; m *= 10)
        width++;
    for (size_t i = 0; i < n; i++) {
        char out[PATH_MAX];
        int len = snprintf(out, sizeof out, "%s/run-%0*zu.csv", dir, width, i + 1);
        if (len < 0 || (size_t)len >= sizeof out)
            return cli_usage_error("--emit-jobs: %s: the name is too long", dir);
        char *tcopy;
        char **v = grid_argv(g, i, prog, out, &tcopy);
        if (!v)
            return cli_usage_error("out of memory");
        for (size_t k = 0; v[k]; k++) {
            if (k)
                putchar(' ');
            put_word(stdout, v[k]);
        }
        putchar('\n');
        free(v);
        free(tcopy);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_usage_error("--emit-jobs: write error");
    return 0;
}

/* The running children: pids[k] (0: a free slot; read by the signal handler, which sends
 * SIGINT/SIGTERM on to them) runs run[k]. */
struct children {
    volatile sig_atomic_t *pids;
    size_t *run;
};

/* What became of a run. */
enum run_state { RUN_PENDING, RUN_OK, RUN_FAILED };

/* The row of run i that was not run (the sweep was interrupted before it started or while
 * it started), written to path: its parameters as `vmsim trace --params` writes them, status
 * not-run, no statistics. 0, or -1 with errno. */
static int write_not_run(const struct grid *g, size_t i, const char *path)
{
    struct grid_pos c = grid_pos(g, i);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    uint64_t mem = 0, swap = 0;
    vms_parse_size(g->memory.v[c.m], &mem);
    vms_parse_size(g->swap.v[c.w], &swap);
    fputs("machine,set,memory,swap,policy,quantum,trace,status,killed\n", f);
    cli_csv_field(f, g->machines.v[c.mach]);
    fputc(',', f);
    size_t len = 0;
    for (size_t k = 0; k < g->nsets; k++)
        len += strlen(g->sets[k]) + 1;
    char *set = malloc(len + 1);
    if (!set) {
        fclose(f);
        errno = ENOMEM;
        return -1;
    }
    set[0] = '\0';
    for (size_t k = 0; k < g->nsets; k++) {
        if (k)
            strcat(set, " ");
        strcat(set, g->sets[k]);
    }
    cli_csv_field(f, set);
    free(set);
    fprintf(f, ",%" PRIu64 ",%" PRIu64 ",", mem, swap);
    cli_csv_field(f, g->policy.v[c.p]);
    /* the quantum as the run would print it (grid_check has checked the number) */
    fprintf(f, ",%llu,", strtoull(g->quantum.v[c.q], NULL, 10));
    cli_csv_field(f, g->traces[c.t]);
    fputs(",not-run,\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return -1;
    return 0;
}

/* What run r wrote on stderr (the file errpath), each line on stderr led by the run's cell
 * (and without the run's own "vmsim trace: "); the file is removed. */
static void run_messages(const struct grid *g, size_t r, const char *errpath)
{
    FILE *f = fopen(errpath, "r");
    if (!f)
        return;
    char cell[1024], line[4096];
    grid_cell(g, r, cell, sizeof cell);
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        const char *text = line;
        if (!strncmp(text, "vmsim trace: ", 13))
            text += 13;
        cli_message("%s: %s", cell, text);
    }
    fclose(f);
    unlink(errpath);
}

/* Runs the grid and writes the joined table to out (opened before anything ran). */
static int run_grid(const struct grid *g, const char *self, unsigned jobs, bool progress,
                    FILE *out)
{
    size_t n = grid_size(g);
    const char *tmpbase = getenv("TMPDIR");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/vmsim-sweep-XXXXXX", tmpbase && *tmpbase ? tmpbase : "/tmp");
    if (!mkdtemp(dir))
        return cli_usage_error("cannot create a temporary directory: %s", strerror(errno));
    char **paths = calloc(n, sizeof *paths);
    enum run_state *state = calloc(n, sizeof *state);
    sig_atomic_t *pidmem = calloc(jobs, sizeof *pidmem);
    struct children kids = {pidmem, calloc(jobs, sizeof *kids.run)};
    int status = 0;
    if (!paths || !state || !kids.pids || !kids.run) {
        status = cli_usage_error("out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        paths[i] = malloc(strlen(dir) + 32);
        if (!paths[i]) {
            status = cli_usage_error("out of memory");
            goto out;
        }
        sprintf(paths[i], "%s/run-%06zu.csv", dir, i + 1);
    }
    struct cli_progress pg;
    cli_progress_start(&pg, progress);
    char errpath[PATH_MAX + 8];
    size_t next = 0, done = 0, running = 0, failed = 0, marked = 0, stopped = 0,
           finished = 0;
    fflush(NULL);
    /* SIGINT/SIGTERM from now on: sent on to the running children, which end with the
     * statistics so far (marked interrupted); no new run starts; the rows not run are
     * marked not-run. */
    cli_interrupt_forward_install(kids.pids, jobs);
    while (done < n) {
        while (running < jobs && next < n && !failed && !cli_stop) {
            char *tcopy;
            char **v = grid_argv(g, next, self, paths[next], &tcopy);
            if (!v) {
                status = cli_usage_error("out of memory");
                failed++;
                break;
            }
            /* the run's stderr goes to a file, printed with its cell when it ends */
            snprintf(errpath, sizeof errpath, "%s.err", paths[next]);
            /* Each child in a process group of its own: a Ctrl-C on the terminal reaches
             * the sweep alone, which sends it on once (a second signal would end the child
             * at once, without its statistics). */
            posix_spawn_file_actions_t fa;
            posix_spawnattr_t sa;
            pid_t pid;
            int rc = posix_spawnattr_init(&sa);
            if (rc == 0) {
                rc = posix_spawnattr_setpgroup(&sa, 0);
                if (rc == 0)
                    rc = posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETPGROUP);
                if (rc == 0 && (rc = posix_spawn_file_actions_init(&fa)) == 0) {
                    rc = posix_spawn_file_actions_addopen(&fa, 2, errpath,
                                                          O_WRONLY | O_CREAT | O_TRUNC, 0600);
                    if (rc == 0)
                        rc = posix_spawn(&pid, self, &fa, &sa, v, environ);
                    posix_spawn_file_actions_destroy(&fa);
                }
                posix_spawnattr_destroy(&sa);
            }
            free(v);
            free(tcopy);
            if (rc != 0) {
                cli_message("cannot run %s: %s", self, strerror(rc));
                unlink(errpath);
                failed++;
                break;
            }
            for (unsigned k = 0; k < jobs; k++)
                if (kids.pids[k] == 0) {
                    kids.run[k] = next;
                    kids.pids[k] = pid;
                    break;
                }
            if (cli_stop) /* the signal came before the handler could see this child */
                kill(pid, (int)cli_stop);
            running++;
            next++;
        }
        if (running == 0)
            break; /* nothing left that can finish */
        int ws;
        pid_t pid = wait(&ws);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            status = cli_usage_error("wait: %s", strerror(errno));
            break;
        }
        for (unsigned k = 0; k < jobs; k++)
            if (kids.pids[k] == pid) {
                size_t r = kids.run[k];
                kids.pids[k] = 0;
                running--;
                done++;
                snprintf(errpath, sizeof errpath, "%s.err", paths[r]);
                run_messages(g, r, errpath);
                int es = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
                if (es == 0 || es == 1) {
                    state[r] = RUN_OK; /* 1: completed, its row marked in its status column */
                    marked += es == 1;
                    finished++;
                } else if (cli_stop && (es == 128 + SIGINT || es == 128 + SIGTERM)) {
                    state[r] = RUN_OK; /* stopped by the signal sent on: row interrupted */
                    stopped++;
                } else if (cli_stop && WIFSIGNALED(ws) &&
                           (WTERMSIG(ws) == SIGINT || WTERMSIG(ws) == SIGTERM)) {
                    /* the signal came before the run could catch it: not run */
                } else {
                    state[r] = RUN_FAILED;
                    char cell[1024];
                    grid_cell(g, r, cell, sizeof cell);
                    failed++;
                    cli_message("%s: failed (%s %d)", cell,
                                WIFEXITED(ws) ? "exit status" : "signal",
                                WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
                }
                cli_progress_draw(&pg, (double)done / (double)n, true, "%zu/%zu runs done",
                                  done, n);
                break;
            }
    }
    cli_progress_end(&pg);
    /* Interrupted: every run that did not finish has a row marked not-run. */
    size_t notrun = 0;
    if (cli_stop)
        for (size_t i = 0; i < n; i++)
            if (state[i] == RUN_PENDING) {
                if (write_not_run(g, i, paths[i]) < 0) {
                    status = cli_usage_error("%s: %s", paths[i], strerror(errno));
                    break;
                }
                state[i] = RUN_OK;
                notrun++;
            }
    /* Join what finished (a partial table when some failed: said so on stderr). */
    size_t nok = 0;
    for (size_t i = 0; i < n; i++)
        if (state[i] == RUN_OK) {
            paths[nok++] = paths[i];
        } else {
            unlink(paths[i]);
            free(paths[i]);
        }
    for (size_t i = nok; i < n; i++)
        paths[i] = NULL;
    if (nok > 0) {
        struct vms_error e = {0};
        if (vms_stats_merge_csv((const char *const *)paths, nok, out, &e) < 0)
            status = cli_fail(&e);
    }
    if (cli_stop && status == 0) {
        cli_message("interrupted by %s: %zu of %zu runs finished, %zu stopped (status "
                    "interrupted), %zu not run (status not-run)%s",
                    cli_interrupt_name((int)cli_stop), finished, n, stopped, notrun,
                    failed ? "; some runs failed (above)" : "");
        status = 128 + (int)cli_stop;
    }
    if (marked && !failed && status == 0) {
        cli_message("%zu of %zu runs completed with marks (their status column says which: "
                    "killed, segv, skipped, empty)", marked, n);
        status = 1;
    }
    if (failed && status == 0)
        status = cli_usage_error("%zu of %zu runs failed; the table %s the other %zu "
                                 "(partial)", failed, n, nok ? "holds" : "would hold", nok);
out:
    if (paths)
        for (size_t i = 0; i < n; i++)
            if (paths[i]) {
                char ep[PATH_MAX + 8];
                snprintf(ep, sizeof ep, "%s.err", paths[i]);
                unlink(ep);
                unlink(paths[i]);
                free(paths[i]);
            }
    rmdir(dir);
    free(paths);
    free(state);
    free(pidmem);
    free(kids.run);
    return status;
}

/* Open -o OUT (vms_output_open) against every trace of the grid (a TRACE argument may
 * name several, comma-separated). Returns the exit status. */
static int sweep_open_output(const struct grid *g, const char *out, struct vms_output **of,
                             struct vms_error *e)
{
    size_t n = 0, k = 0;
    for (size_t i = 0; i < g->ntraces; i++)
        for (const char *p = g->traces[i]; p; p = strchr(p, ','), p = p ? p + 1 : p)
            n++;
    char **ins = calloc(n ? n : 1, sizeof *ins);
    int status = ins ? 0 : cli_usage_error("out of memory");
    for (size_t i = 0; i < g->ntraces && !status; i++)
        for (const char *p = g->traces[i]; p && !status;) {
            size_t len = strcspn(p, ",");
            if (!(ins[k] = strndup(p, len)))
                status = cli_usage_error("out of memory");
            k++;
            p = p[len] ? p + len + 1 : NULL;
        }
    if (!status && vms_output_open(out, (const char *const *)ins, k, of, e) < 0)
        status = e->code == VMS_EINVAL ? cli_fail(e) : cli_usage_error("-o: %s", e->msg);
    if (!status && !vms_output_stream(*of)) {
        vms_output_abort(*of);
        status = cli_usage_error("-o: %s: out of memory", out);
    }
    for (size_t i = 0; ins && i < k; i++)
        free(ins[i]);
    free(ins);
    return status;
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {
        {"machines", required_argument, NULL, 'M'}, {"machine", required_argument, NULL, 'M'},
        {"memory", required_argument, NULL, 'm'},   {"swap", required_argument, NULL, 'w'},
        {"policy", required_argument, NULL, 'p'},   {"policies", required_argument, NULL, 'p'},
        {"quantum", required_argument, NULL, 'q'},  {"set", required_argument, NULL, 's'},
        {"skip-bad", no_argument, NULL, 'b'},       {"jobs", required_argument, NULL, 'j'},
        {"zero-page", no_argument, NULL, 'Z'},
        {"output", required_argument, NULL, 'o'},   {"emit-jobs", required_argument, NULL, 'E'},
        {"vmsim", required_argument, NULL, 'V'},    {"help", no_argument, NULL, 'h'},
        {"no-progress", no_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };
    static char d_machine[] = VMS_DEFAULT_MACHINE, d_memory[] = "256M", d_swap[] = "0",
                d_policy[] = "clock", d_quantum[] = "10000";
    char *dm[] = {d_machine}, *dmem[] = {d_memory}, *dsw[] = {d_swap}, *dp[] = {d_policy},
         *dq[] = {d_quantum};
    struct grid g = {0};
    const char *out = NULL, *emit = NULL, *prog = NULL;
    uint64_t jobs = 0;
    bool progress = true;
    int c, status = 0;
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    if (!sets)
        return cli_usage_error("out of memory");
    g.sets = sets;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":j:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'M': status = list_split(&g.machines, optarg, "--machines"); break;
        case 'm': status = list_split(&g.memory, optarg, "--memory"); break;
        case 'w': status = list_split(&g.swap, optarg, "--swap"); break;
        case 'p': status = list_split(&g.policy, optarg, "--policy"); break;
        case 'q': status = list_split(&g.quantum, optarg, "--quantum"); break;
        case 's': sets[g.nsets++] = optarg; break;
        case 'b': g.skip_bad = true; break;
        case 'Z': g.zero_page = true; break;
        case 'j': status = cli_number("--jobs", optarg, 1, &jobs); break;
        case 'o': out = optarg; break;
        case 'E': emit = optarg; break;
        case 'V': prog = optarg; break;
        case 'P': progress = false; break;
        case 'h': sweep_usage(stdout); goto done;
        default: status = cli_option_error(c, argv, opts);
        }
        if (status)
            goto done;
    }
    if (!g.machines.n)
        g.machines = (struct list){NULL, 1};
    if (!g.memory.n)
        g.memory = (struct list){NULL, 1};
    if (!g.swap.n)
        g.swap = (struct list){NULL, 1};
    if (!g.policy.n)
        g.policy = (struct list){NULL, 1};
    if (!g.quantum.n)
        g.quantum = (struct list){NULL, 1};
    if (!g.machines.v)
        g.machines.v = dm;
    if (!g.memory.v)
        g.memory.v = dmem;
    if (!g.swap.v)
        g.swap.v = dsw;
    if (!g.policy.v)
        g.policy.v = dp;
    if (!g.quantum.v)
        g.quantum.v = dq;
    if (optind >= argc) {
        status = cli_usage_error("expected one or more TRACE arguments (try 'vmsim "
                                 "help sweep')");
        goto done;
    }
    g.traces = argv + optind;
    g.ntraces = (size_t)(argc - optind);
    if (emit && out) {
        status = cli_usage_error("--emit-jobs prints command lines; -o is for running "
                                 "the grid");
        goto done;
    }
    if ((status = grid_check(&g)))
        goto done;
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        status = cli_usage_error("cannot find this program (/proc/self/exe): %s",
                                 strerror(errno));
        goto done;
    }
    self[len] = '\0';
    if (emit) {
        status = emit_jobs(&g, emit, prog ? prog : self);
    } else {
        if (!jobs) {
            long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
            jobs = ncpu > 0 ? (uint64_t)ncpu : 1;
        }
        if (jobs > grid_size(&g))
            jobs = grid_size(&g);
        /* The table's file is opened before the first run (a bad -o fails at once) as a
         * temporary file, renamed over OUT once the table is in it; an OUT that is one of
         * the traces is refused. */
        FILE *of = stdout;
        struct vms_output *ofile = NULL;
        if (out && strcmp(out, "-") != 0) {
            struct vms_error e = {0};
            cli_interrupt_cleanup_install(); /* a signal removes the temporary file */
            if ((status = sweep_open_output(&g, out, &ofile, &e)) != 0)
                goto done;
            of = vms_output_stream(ofile);
        }
        status = run_grid(&g, self, (unsigned)jobs, progress, of);
        if (ofile) {
            /* a table, partial or not, replaces the old one; no table leaves it alone */
            struct vms_error e = {0};
            if (status == 2 && ftell(of) <= 0)
                vms_output_abort(ofile);
            else if (vms_output_commit(ofile, &e) < 0 && status != 2)
                status = cli_fail(&e);
        }
    }
done:
    if (g.machines.v != dm)
        free(g.machines.v);
    if (g.memory.v != dmem)
        free(g.memory.v);
    if (g.swap.v != dsw)
        free(g.swap.v);
    if (g.policy.v != dp)
        free(g.policy.v);
    if (g.quantum.v != dq)
        free(g.quantum.v);
    free(sets);
    return status;
}
