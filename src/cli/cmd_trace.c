/* `vmsim trace FILE...`: traces through the machine and the simulated kernel, one process
 * per trace (statistics as text, JSON or CSV; a time series with --interval); `vmsim trace
 * --count FILE` (records by kind) and `vmsim trace --convert FORMAT -o OUT FILE`. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/gnuplot.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

static void trace_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim trace [--machine M] [--set KEY=VALUE]... [--memory SIZE] [--swap SIZE]\n"
            "                   [--policy P] [--quantum N] [--json | --csv] [--interval N]\n"
            "                   [-o OUT] [--skip-bad] [--zero-page] [--maps]\n"
            "                   [--checkpoint CKPT [--checkpoint-every N]] [--resume CKPT]\n"
            "                   FILE... | -\n"
            "       vmsim trace --count [--skip-bad] FILE|-\n"
            "       vmsim trace --convert FORMAT -o OUT [--skip-bad] [--source TEXT] FILE|-\n"
            "\n"
            "Runs memory traces (Valgrind lackey, Dinero din or the vmsim binary format, plain\n"
            "or gzip/xz/zstd-compressed, all detected; - is standard input) through the machine\n"
            "and the simulated kernel. Each trace is one process whose whole address space is\n"
            "private memory, a frame for each page it touches; several traces run round-robin.\n"
            "Prints the statistics of docs/statistics.md, in total and per process.\n"
            "\n"
            "  --machine M        machine preset (default core-i7; `vmsim machines` lists them)\n"
            "  --set KEY=VALUE    override a machine key, e.g. pcid=on (repeatable)\n"
            "  --memory SIZE      physical memory for user pages (default 256M; K, M, G)\n"
            "  --swap SIZE        swap space (default none)\n"
            "  --policy P         page-replacement policy (default clock)\n"
            "  --seed N           seed of randomized policies (default 1)\n"
            "  --tau N            ws/wsclock window in references\n"
            "  --quantum N        references per time slice between processes (default 10000)\n"
            "  --json, --csv      one JSON object, or CSV rows (total, then each process)\n"
            "  --interval N       instead: a CSV row of the running totals every N references\n"
            "  --svg OUT          with --interval: also plot the miss ratio of the L1d, L2, L3\n"
            "                     caches and the L1 dTLB and the page faults per reference in\n"
            "                     each interval against references into OUT (SVG)\n"
            "  --png OUT          the same plot as PNG, drawn by gnuplot (when installed)\n"
            "  -o, --output OUT   write the statistics to OUT instead of standard output\n"
            "  --params           CSV: one row of the totals led by the run's parameters\n"
            "                     (machine, set, memory, swap, policy, quantum, trace), as\n"
            "                     `vmsim sweep` rows are\n"
            "  --skip-bad         skip malformed lines (counted and reported) instead of failing\n"
            "  --zero-page        Linux's rule for anonymous memory: a read of a page never\n"
            "                     written maps the one shared zero page (default: a frame per\n"
            "                     page, its first touch a read or a write)\n"
            "  --maps             print each process's /proc/PID/maps lines at its exit (its\n"
            "                     exit event, or the end of its trace) on standard output\n"
            "  --no-progress      no progress bar (shown on a terminal for runs over a second)\n"
            "  --checkpoint CKPT  save the whole simulated state to CKPT (atomically: a\n"
            "                     temporary file, fsync, rename) every --checkpoint-every N\n"
            "                     references (K, M, G: 10^3, 10^6, 10^9) and when interrupted\n"
            "  --checkpoint-every N  see --checkpoint\n"
            "  --resume CKPT      continue the run that wrote CKPT (give the same machine,\n"
            "                     options and traces): the statistics are those of a run that\n"
            "                     was never stopped; other inputs or options are refused\n"
            "\n"
            "  --count            print the records by kind (I, L, S, M), skipped lines, OS\n"
            "                     events by type, processes and the input's identity\n"
            "                     (decompressed bytes, 64-bit hash)\n"
            "  --convert FORMAT   write the trace as lackey, din or vmsim (binary) to -o OUT\n"
            "  --source TEXT      description stored in a vmsim binary header\n"
            "\n"
            "docs/trace.md describes simulation, sweeps and merging; docs/trace-formats.md\n"
            "the formats.\n");
}

/* Skipped malformed lines (--skip-bad) mark a result: one line on stderr, exit status 1. */
static int cli_skipped(const char *path, uint64_t n)
{
    if (!n)
        return 0;
    cli_message("%s: %" PRIu64 " malformed line%s skipped", path, n, n == 1 ? "" : "s");
    return 1;
}

/* Events of types this vmsim does not know were skipped: one line on stderr, exit status
 * 1 (dropped: a conversion could not carry them). */
static int cli_unknown_events(const char *path, uint64_t n, bool dropped)
{
    if (!n)
        return 0;
    cli_message("%s: %" PRIu64 " event%s of a type this vmsim does not know %s", path, n,
                n == 1 ? "" : "s", dropped ? "not converted (dropped)" : "skipped");
    return 1;
}

static int trace_count(const char *path, unsigned flags)
{
    struct vms_error e = {0};
    struct vms_trace *t;
    if (vms_trace_open(path, flags, &t, &e))
        return cli_fail(&e);
    struct vms_trace_rec buf[1024];
    long got;
    while ((got = vms_trace_read(t, buf, 1024, &e)) > 0)
        ;
    if (got < 0) {
        vms_trace_close(t);
        return cli_fail(&e);
    }
    struct vms_trace_counts c;
    vms_trace_get_counts(t, &c);
    printf("%-24s %s\n", "format", vms_trace_format_name(t));
    printf("%-24s %s\n", "compression", vms_trace_compression(t));
    if (vms_trace_source(t))
        printf("%-24s %s\n", "source", vms_trace_source(t));
    printf("%-24s %" PRIu64 "\n", "records", c.records);
    for (unsigned k = 0; k < 4; k++)
        printf("  %-22s %" PRIu64 "\n", vms_trace_kind_name(k), c.kind[k]);
    printf("%-24s %" PRIu64 "\n", "references (M = 2)", c.records + c.kind[VMS_TRACE_M]);
    printf("%-24s %" PRIu64 "\n", "skipped valgrind lines", c.valgrind_lines);
    printf("%-24s %" PRIu64 "\n", "skipped bad lines", c.bad_lines);
    printf("%-24s %" PRIu64 "\n", "ignored din records", c.ignored);
    printf("%-24s %" PRIu64 "\n", "events", c.events);
    for (unsigned k = 1; k < VMS_TRACE_EV_TYPES; k++)
        if (c.event[k])
            printf("  %-22s %" PRIu64 "\n", vms_trace_event_name(k), c.event[k]);
    printf("%-24s %" PRIu64 "\n", "unknown events", c.unknown_events);
    printf("%-24s %" PRIu64 "\n", "processes", c.processes);
    if (c.event[VMS_TRACE_EV_PROCESS]) { /* a trace with process switches: each process */
        printf("  %-22s %" PRIu64 "\n", "switches", c.event[VMS_TRACE_EV_PROCESS]);
        for (size_t i = 0; i < vms_trace_processes(t); i++) {
            uint64_t pid, recs, evs;
            char name[40];
            vms_trace_process(t, i, &pid, &recs, &evs);
            snprintf(name, sizeof name, "pid %" PRIu64, pid);
            printf("  %-22s %" PRIu64 " records, %" PRIu64 " events\n", name, recs, evs);
        }
    }
    uint64_t bytes, hash;
    vms_trace_identity(t, &bytes, &hash);
    printf("%-24s %" PRIu64 "\n", "bytes (decompressed)", bytes);
    printf("%-24s %016" PRIx64 "\n", "hash", hash);
    vms_trace_close(t);
    return cli_skipped(path, c.bad_lines) | cli_unknown_events(path, c.unknown_events, false);
}

/* ---- the progress bar (progress.h) */

static void progress_draw(void *ctx, const struct vms_tracesim_progress *p)
{
    struct cli_progress *pg = ctx;
    double el = cli_progress_elapsed(pg);
    double rate = el > 0 ? (double)p->references / el / 1e6 : 0;
    cli_progress_draw(pg, p->bytes_total ? (double)p->bytes / (double)p->bytes_total : -1,
                      false, "%.1f M refs  %.1f M refs/s", (double)p->references / 1e6, rate);
}

/* ---- simulation */

struct sim_args {
    const char *machine;
    const char **sets;
    size_t nsets;
    struct vms_tracesim_opts o;
    enum vms_format fmt;
    const char *out;
    bool params, progress;
    const char *memory_text, *swap_text;
    const char *svg, *png; /* --interval plots */
    const char *resume;    /* --resume CKPT */
};

/* "a,b,c" of argv[first..last) into one string (the trace column). */
static char *join(const char *const *items, size_t n, const char *sep)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + strlen(sep);
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(s, sep);
        strcat(s, items[i]);
    }
    return s;
}

/* ---- --interval plots */

struct interval_plot {
    FILE *rows;
    struct vms_plot_opts o;
};

static int interval_gp_write(void *ctx, FILE *f)
{
    struct interval_plot *ip = ctx;
    rewind(ip->rows);
    return vms_interval_plot(ip->rows, "--interval rows", &ip->o, f, NULL);
}

/* Copy the --interval rows to out, then (unless the run failed: status != 0) draw them
 * into svg (a->svg, opened before the run) and png (a->png's). Returns the exit status. */
static int interval_plots(const struct sim_args *a, FILE *rows, FILE *out, FILE *svg,
                          struct vms_output *png, char **files, size_t nfiles,
                          uint64_t page_size, int status)
{
    char sub[512], gnuplot[4096];
    size_t len = 0;
    for (size_t i = 0; i < nfiles && len < sizeof sub; i++) {
        const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
        len += (size_t)snprintf(sub + len, sizeof sub - len, "%s%s", i ? ", " : "trace ", base);
    }
    char pages[64];
    cli_page_text(pages, sizeof pages, page_size);
    if (len < sizeof sub)
        len += (size_t)snprintf(sub + len, sizeof sub - len, ", %s, machine %s", pages,
                                a->machine ? a->machine : VMS_DEFAULT_MACHINE);
    for (size_t i = 0; i < a->nsets && len < sizeof sub; i++)
        len += (size_t)snprintf(sub + len, sizeof sub - len, " --set %s", a->sets[i]);
    struct interval_plot ip = {rows, {.subtitle = sub}};
    char buf[8192];
    size_t n;
    rewind(rows);
    while ((n = fread(buf, 1, sizeof buf, rows)) > 0)
        fwrite(buf, 1, n, out);
    if (ferror(rows))
        return cli_usage_error("--interval: reading the rows back failed");
    if (status)
        return status;
    struct vms_error e = {0};
    if (svg) {
        rewind(rows);
        if (vms_interval_plot(rows, "--interval rows", &ip.o, svg, &e) < 0)
            return cli_fail(&e);
    }
    if (png) {
        if (!cli_gnuplot_find(gnuplot, sizeof gnuplot))
            return cli_usage_error("--png: gnuplot not found; use --svg");
        ip.o.png = vms_output_path(png);
        return cli_gnuplot_run(gnuplot, "--png", interval_gp_write, &ip, ip.o.png);
    }
    return 0;
}

static int trace_simulate(struct sim_args *a, char **files, size_t nfiles)
{
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create(a->machine, &c, &e))
        return cli_usage_error("--machine: %s", e.msg);
    for (size_t i = 0; i < a->nsets; i++)
        if (vms_config_set_kv(c, a->sets[i], &e) < 0) {
            vms_config_destroy(c);
            return cli_usage_error("--set: %s", e.msg);
        }
    if (vms_config_check(c, &e) < 0) {
        vms_config_destroy(c);
        return cli_usage_error("--set: %s", e.msg);
    }
    /* Every output is opened now, before the run: a temporary file each, renamed over
     * its target at the end (an old file survives a failed run), refused when it is one
     * of the traces. */
    FILE *out = stdout, *svg = NULL;
    struct vms_output *outs[3] = {NULL, NULL, NULL}; /* -o, --svg, --png */
    const char *const paths[3] = {a->out && strcmp(a->out, "-") ? a->out : NULL, a->svg, a->png};
    const char *const optname[3] = {"-o", "--svg", "--png"};
    for (int i = 0; i < 3; i++) {
        if (!paths[i])
            continue;
        if (vms_output_open(paths[i], (const char *const *)files, nfiles, &outs[i], &e) < 0 ||
            !vms_output_stream(outs[i])) {
            for (int j = 0; j < 3; j++)
                vms_output_abort(outs[j]);
            vms_config_destroy(c);
            if (e.code == VMS_EINVAL)
                return cli_fail(&e);
            return cli_usage_error("%s: %s", optname[i], e.msg[0] ? e.msg : "out of memory");
        }
    }
    if (outs[0])
        out = vms_output_stream(outs[0]);
    if (outs[1])
        svg = vms_output_stream(outs[1]);
    bool printed = false; /* what outs hold is worth keeping (statistics, partial or not) */
    a->o.stop = &cli_stop; /* SIGINT/SIGTERM: the statistics so far, marked interrupted */
    cli_interrupt_install();
    FILE *rows = NULL; /* --interval rows for the plots, copied to out after the run */
    if (a->o.interval && (a->svg || a->png) && !(rows = tmpfile())) {
        for (int j = 0; j < 3; j++)
            vms_output_abort(outs[j]);
        vms_config_destroy(c);
        return cli_usage_error("--interval: no temporary file for the plot: %s", strerror(errno));
    }
    struct cli_progress pg;
    cli_progress_start(&pg, a->progress);
    char *notes = NULL;
    size_t nnotes = 0;
    FILE *notes_f = open_memstream(&notes, &nnotes); /* NULL: the notes are not said */
    a->o.notes = notes_f;
    if (pg.on) {
        a->o.progress = progress_draw;
        a->o.progress_ctx = &pg;
    }
    if (a->o.interval)
        a->o.interval_out = rows ? rows : out;
    struct vms_tracesim *s = NULL;
    int rc = vms_tracesim_create(c, &a->o, &s, &e);
    int status = 0;
    if (rc < 0) {
        status = cli_fail(&e);
        goto done;
    }
    for (size_t i = 0; i < nfiles; i++)
        if (vms_tracesim_add(s, files[i], &e) < 0) {
            status = cli_fail(&e);
            goto done;
        }
    if (a->resume && vms_tracesim_resume(s, a->resume, &e) < 0) {
        status = cli_fail(&e);
        goto done;
    }
    rc = vms_tracesim_run(s, &e);
    /* the replay's notes (at most 100 lines a trace), each as a message of the command */
    if (notes_f && fclose(notes_f) == 0 && notes) {
        for (char *line = notes, *nl; *line; line = nl + 1) {
            if (!(nl = strchr(line, '\n')))
                nl = line + strlen(line) - 1;
            cli_message("%.*s", (int)(nl - line + (*nl != '\n')), line);
        }
    }
    notes_f = NULL;
    cli_progress_end(&pg);
    if (rc < 0)
        status = cli_fail(&e);
    for (size_t p = 1; p <= nfiles; p++) {
        struct vms_trace_counts tc;
        vms_tracesim_trace_counts(s, p, &tc);
        if (tc.bad_lines)
            cli_message("%s: %" PRIu64 " malformed line%s skipped",
                        vms_tracesim_trace_name(s, p), tc.bad_lines, tc.bad_lines == 1 ? "" : "s");
        double sigbus = 0;
        if (vms_tracesim_killed(s, p) &&
            vms_tracesim_stat(s, p, "swap.in_errors", &sigbus, NULL) == 0 && sigbus > 0)
            cli_message("%s: process %zu killed by SIGBUS: a swap-in failed (an I/O error of "
                        "the swap file; the rest of its trace was not run)",
                        vms_tracesim_trace_name(s, p), p);
        else if (vms_tracesim_killed(s, p))
            cli_message("%s: process %zu killed by the out-of-memory killer (the rest of its "
                        "trace was not run)", vms_tracesim_trace_name(s, p), p);
        unsigned m = rc < 0 ? 0 : vms_tracesim_marks(s, p);
        if (m & VMS_MARK_SEGV)
            cli_message("%s: every access of process %zu raised SIGSEGV (its addresses are "
                        "outside its areas: not in the machine's user space, or, replaying "
                        "OS events, in no area the events made)", vms_tracesim_trace_name(s, p), p);
        if (m & VMS_MARK_EMPTY)
            cli_message("%s: warning: empty trace (no records)", vms_tracesim_trace_name(s, p));
    }
    /* A completed run with marks (killed, all-SIGSEGV, skipped lines, an empty trace)
     * exits 1: its statistics are printed, marked in their status field. */
    if (rc == 0 && (vms_tracesim_marks(s, 0) & ~VMS_MARK_PARTIAL))
        status = 1;
    /* Interrupted: the statistics so far are printed (status "interrupted") and -o gets
     * them; the plots are not drawn. Exit status 128 + the signal. */
    int stopped = rc == 0 && (vms_tracesim_marks(s, 0) & VMS_MARK_INTERRUPTED) ? cli_stop : 0;
    if (stopped) {
        cli_message("interrupted by %s: the statistics are partial",
                    cli_interrupt_name(stopped));
        if (a->o.checkpoint && vms_tracesim_checkpoints(s))
            cli_message("%s: checkpoint written; continue with --resume %s", a->o.checkpoint,
                        a->o.checkpoint);
        status = 128 + stopped;
    }
    char tmsg[256];
    if (vms_tracesim_thrashing(s, tmsg, sizeof tmsg))
        cli_message("warning: %s", tmsg);
    if (a->o.interval) {
        /* the rows are out already, or in rows for the plots */
        if (rows)
            status = interval_plots(a, rows, out, svg, outs[2], files, nfiles,
                                    vms_config_page_size(c), status);
    } else if (a->params) {
        char mem[32], swap[32], quantum[32], policy[64];
        snprintf(mem, sizeof mem, "%" PRIu64, a->o.memory ? a->o.memory : (uint64_t)256 << 20);
        snprintf(swap, sizeof swap, "%" PRIu64, a->o.swap);
        snprintf(quantum, sizeof quantum, "%" PRIu64, a->o.quantum ? a->o.quantum : 10000);
        snprintf(policy, sizeof policy, "%s", a->o.policy ? a->o.policy : "clock");
        char *set = join(a->sets, a->nsets, " ");
        char *trace = join((const char *const *)files, nfiles, ",");
        const char *names[] = {"machine", "set", "memory", "swap", "policy", "quantum", "trace"};
        const char *values[] = {a->machine ? a->machine : VMS_DEFAULT_MACHINE, set ? set : "", mem, swap,
                                policy, quantum, trace ? trace : ""};
        if (!set || !trace)
            status = cli_usage_error("out of memory");
        else
            vms_tracesim_print_row(s, names, values, 7, true, out, &e);
        free(set);
        free(trace);
    } else {
        vms_tracesim_print(s, out, a->fmt, &e);
    }
    if (rc < 0 && a->fmt == VMS_CSV)
        cli_message("the statistics printed are partial (up to the error)");
    printed = true;
done:
    cli_progress_end(&pg);
    if (rows)
        fclose(rows);
    vms_tracesim_destroy(s);
    if (notes_f)
        fclose(notes_f);
    free(notes);
    vms_config_destroy(c);
    if (out == stdout && (fflush(out) != 0 || ferror(out))) {
        if (status != 2)
            status = cli_usage_error("standard output: write error (disk full?)");
    }
    /* Statistics (partial ones too: their status says so) replace the old files; a run
     * that printed nothing leaves them as they were. The plots are drawn only when the
     * run succeeded. */
    for (int i = 0; i < 3; i++) {
        if (!outs[i])
            continue;
        if (!printed || (i > 0 && status != 0)) {
            vms_output_abort(outs[i]);
        } else if (vms_output_commit(outs[i], &e) < 0 && status != 2) {
            status = cli_fail(&e);
        }
    }
    return status;
}

/* A count of references: a number >= 1 with an optional K, M or G (10^3, 10^6, 10^9). */
static int count_opt(const char *opt, const char *arg, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 10) : 0;
    uint64_t mul = 1;
    if (v && !errno && end[0] && !end[1]) {
        mul = end[0] == 'K' || end[0] == 'k'   ? UINT64_C(1000)
              : end[0] == 'M' || end[0] == 'm' ? UINT64_C(1000000)
              : end[0] == 'G' || end[0] == 'g' ? UINT64_C(1000000000)
                                               : 0;
        end += mul != 0;
    }
    if (!v || errno || *end || !mul || v > UINT64_MAX / mul)
        return cli_usage_error("%s: expected a count of references such as 500000 or 10M, "
                               "found '%s'", opt, arg);
    *out = (uint64_t)v * mul;
    return 0;
}

static int size_opt(const char *opt, const char *arg, uint64_t *out)
{
    if (!vms_parse_size(arg, out))
        return cli_usage_error("%s: expected a size such as 64M or 1G, found '%s'", opt, arg);
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    enum {
        OPT_COUNT = 256, OPT_CONVERT, OPT_SKIP_BAD, OPT_SOURCE, OPT_HELP, OPT_MACHINE,
        OPT_SET, OPT_MEMORY, OPT_SWAP, OPT_POLICY, OPT_SEED, OPT_TAU, OPT_QUANTUM, OPT_JSON, OPT_CSV,
        OPT_INTERVAL, OPT_PARAMS, OPT_NO_PROGRESS, OPT_SVG, OPT_PNG, OPT_ZERO_PAGE,
        OPT_MAPS, OPT_CHECKPOINT, OPT_CHECKPOINT_EVERY, OPT_RESUME
    };
    static const struct option opts[] = {
        {"count", no_argument, NULL, OPT_COUNT},
        {"stats-only", no_argument, NULL, OPT_COUNT},
        {"convert", required_argument, NULL, OPT_CONVERT},
        {"output", required_argument, NULL, 'o'},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"machine", required_argument, NULL, OPT_MACHINE},
        {"set", required_argument, NULL, OPT_SET},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"swap", required_argument, NULL, OPT_SWAP},
        {"policy", required_argument, NULL, OPT_POLICY},
        {"seed", required_argument, NULL, OPT_SEED},
        {"tau", required_argument, NULL, OPT_TAU},
        {"quantum", required_argument, NULL, OPT_QUANTUM},
        {"json", no_argument, NULL, OPT_JSON},
        {"csv", no_argument, NULL, OPT_CSV},
        {"interval", required_argument, NULL, OPT_INTERVAL},
        {"svg", required_argument, NULL, OPT_SVG},
        {"png", required_argument, NULL, OPT_PNG},
        {"params", no_argument, NULL, OPT_PARAMS},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"zero-page", no_argument, NULL, OPT_ZERO_PAGE},
        {"maps", no_argument, NULL, OPT_MAPS},
        {"checkpoint", required_argument, NULL, OPT_CHECKPOINT},
        {"checkpoint-every", required_argument, NULL, OPT_CHECKPOINT_EVERY},
        {"resume", required_argument, NULL, OPT_RESUME},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    bool count = false, sim_opt = false, json = false, csv = false;
    const char *convert = NULL, *source = NULL;
    unsigned flags = 0;
    struct sim_args a = {.fmt = VMS_TEXT, .progress = true};
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    if (!sets)
        return cli_usage_error("out of memory");
    a.sets = sets;
    int c, status = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_COUNT: count = true; break;
        case OPT_CONVERT: convert = optarg; break;
        case 'o': a.out = optarg; break;
        case OPT_SKIP_BAD: flags |= VMS_TRACE_SKIP_BAD; break;
        case OPT_SOURCE: source = optarg; break;
        case OPT_MACHINE: a.machine = optarg; sim_opt = true; break;
        case OPT_SET: sets[a.nsets++] = optarg; sim_opt = true; break;
        case OPT_MEMORY:
            if ((status = size_opt("--memory", optarg, &a.o.memory)))
                goto out;
            if (a.o.memory == 0) {
                status = cli_usage_error("--memory: must be more than 0");
                goto out;
            }
            sim_opt = true;
            break;
        case OPT_SWAP:
            if ((status = size_opt("--swap", optarg, &a.o.swap)))
                goto out;
            sim_opt = true;
            break;
        case OPT_POLICY: a.o.policy = optarg; sim_opt = true; break;
        case OPT_SEED:
            if ((status = cli_number("--seed", optarg, 0, &a.o.params.seed)))
                goto out;
            sim_opt = true;
            break;
        case OPT_TAU:
            if ((status = cli_number("--tau", optarg, 1, &a.o.params.tau)))
                goto out;
            sim_opt = true;
            break;
        case OPT_QUANTUM:
            if ((status = cli_number("--quantum", optarg, 1, &a.o.quantum)))
                goto out;
            sim_opt = true;
            break;
        case OPT_JSON: json = true; sim_opt = true; break;
        case OPT_CSV: csv = true; sim_opt = true; break;
        case OPT_INTERVAL:
            if ((status = cli_number("--interval", optarg, 1, &a.o.interval)))
                goto out;
            sim_opt = true;
            break;
        case OPT_PARAMS: a.params = true; sim_opt = true; break;
        case OPT_SVG: a.svg = optarg; sim_opt = true; break;
        case OPT_PNG: a.png = optarg; sim_opt = true; break;
        case OPT_NO_PROGRESS: a.progress = false; break;
        case OPT_ZERO_PAGE: flags |= VMS_TRACESIM_ZERO_PAGE; sim_opt = true; break;
        case OPT_MAPS: a.o.maps_out = stdout; sim_opt = true; break;
        case OPT_CHECKPOINT: a.o.checkpoint = optarg; sim_opt = true; break;
        case OPT_CHECKPOINT_EVERY:
            if ((status = count_opt("--checkpoint-every", optarg, &a.o.checkpoint_every)))
                goto out;
            sim_opt = true;
            break;
        case OPT_RESUME: a.resume = optarg; sim_opt = true; break;
        case 'h':
        case OPT_HELP: trace_usage(stdout); goto out;
        default: status = cli_option_error(c, argv, opts); goto out;
        }
    }
    if (count && convert) {
        status = cli_usage_error("--count and --convert are exclusive");
        goto out;
    }
    if ((count || convert) && sim_opt) {
        status = cli_usage_error("--count and --convert take no simulation options");
        goto out;
    }
    if (count || convert) {
        if (optind != argc - 1) {
            status = cli_usage_error("expected one trace FILE (or - for standard input)");
            goto out;
        }
        const char *in = argv[optind];
        if (count) {
            status = trace_count(in, flags);
            goto out;
        }
        enum vms_trace_format fmt;
        if (!vms_trace_format_parse(convert, &fmt)) {
            status = cli_usage_error("--convert: expected lackey, din or vmsim, not '%s'",
                                     convert);
            goto out;
        }
        if (!a.out) {
            status = cli_usage_error("--convert: needs -o OUT (- for standard output)");
            goto out;
        }
        struct vms_error e = {0};
        struct vms_trace_counts tc = {0};
        cli_interrupt_cleanup_install(); /* a signal removes OUT's temporary file */
        if (vms_trace_convert(in, a.out, fmt, flags, source, &tc, &e) < 0)
            status = cli_fail(&e);
        else
            status = cli_skipped(in, tc.bad_lines) | cli_unknown_events(in, tc.unknown_events, true);
        goto out;
    }
    if (source) {
        status = cli_usage_error("--source: only with --convert");
        goto out;
    }
    if (optind >= argc) {
        status = cli_usage_error("expected one or more trace FILEs (or - for standard "
                                 "input; try 'vmsim help trace')");
        goto out;
    }
    if (json + csv + (a.o.interval != 0) + a.params > 1 && !(csv && (a.o.interval || a.params))) {
        status = cli_usage_error("--json, --csv/--interval and --params exclude each other");
        goto out;
    }
    if (a.o.checkpoint_every && !a.o.checkpoint) {
        status = cli_usage_error("--checkpoint-every: give --checkpoint FILE too");
        goto out;
    }
    if ((a.svg || a.png) && !a.o.interval) {
        status = cli_usage_error("%s plots the --interval rows; give --interval N",
                                 a.svg ? "--svg" : "--png");
        goto out;
    }
    char gp[4096];
    if (a.png && !cli_gnuplot_find(gp, sizeof gp)) {
        status = cli_usage_error("--png: gnuplot not found; use --svg");
        goto out;
    }
    if (a.o.interval && a.params) {
        status = cli_usage_error("--interval and --params exclude each other");
        goto out;
    }
    a.fmt = json ? VMS_JSON : csv ? VMS_CSV : VMS_TEXT;
    a.o.flags = flags;
    status = trace_simulate(&a, argv + optind, (size_t)(argc - optind));
out:
    free(sets);
    return status;
}
