/* vmsim mrc: miss-ratio curves for one or more policies over a memory trace (pages touched
 * by each record) or a page reference string; text, CSV, JSON, SVG, or PNG via gnuplot. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void mrc_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim mrc --policy P[,P...] [options] TRACE\n"
            "       vmsim mrc --policy P[,P...] [options] --file REFS\n\n"
            "Faults and miss ratio for every memory size from 1 frame to the footprint (the\n"
            "number of distinct pages), or for the sizes given with --sizes. Stack algorithms\n"
            "are computed in one pass: lru by Mattson stack distances in a Fenwick tree\n"
            "(O(log n) per reference), opt and lfu by their priority stacks; every other\n"
            "policy is simulated at each size, sizes in parallel on all CPUs.\n\n"
            "TRACE is a memory trace: Valgrind lackey, Dinero din or the vmsim binary format,\n"
            "plain or gzip/xz/zstd-compressed (detected); '-' is standard input. A record\n"
            "touches every page its bytes span; an M record touches them as a load, then as\n"
            "a store. With --file the input is a page reference string instead (as for\n"
            "`vmsim pages`): pages separated by spaces, commas or newlines, 'w' marking\n"
            "writes, '#' comments.\n\n"
            "options:\n"
            "  --policy LIST   comma-separated policies (default lru); ws is not allowed;\n"
            "                  opt needs the whole input in advance, so not a trace on\n"
            "                  standard input\n"
            "  --page-size N   bytes per page for a trace: a power of two, K/M/G suffixes\n"
            "                  allowed (default 4096)\n"
            "  --machine NAME  the page size of a machine preset (`vmsim machines`)\n"
            "  --skip-bad      skip malformed trace lines instead of failing\n"
            "  --file F        the reference string ('-': standard input)\n"
            "  --sizes LIST    frame counts to report, e.g. 1,2,4,8 or 1-64 (default all)\n"
            "  --csv           policy,frames,faults,miss_ratio rows\n"
            "  --json          one object with a curve per policy\n"
            "  --svg OUT       also plot miss ratio against frames into OUT (SVG)\n"
            "  --png OUT       the same plot as PNG, drawn by gnuplot (when installed)\n"
            "  --title T       the plot's title\n"
            "  --shards R      add an SHARDS estimate of the LRU curve sampling pages at rate\n"
            "                  R in (0,1], with its error against the exact curve\n"
            "  --simulate      simulate stack policies per size as well (checks one-pass)\n"
            "  --threads N     worker threads for per-size simulation (default: CPUs)\n"
            "  --seed S, --tau T, --bits B, --tick N   policy parameters as for pages\n");
}

/* "1,2,4" or "1-64" or a mix; appends to *sizes. */
static int mrc_parse_sizes(const char *arg, uint32_t **sizes, size_t *n)
{
    const char *p = arg;
    while (*p) {
        char *end;
        errno = 0;
        unsigned long a = strtoul(p, &end, 10), b;
        if (end == p || errno || a == 0 || a > UINT32_MAX)
            return cli_usage_error("--sizes: expected frame counts >= 1 like 1,2,8 or 1-64, "
                                   "found '%s'", p);
        b = a;
        if (*end == '-') {
            const char *q = end + 1;
            b = strtoul(q, &end, 10);
            if (end == q || errno || b < a || b > UINT32_MAX || b - a > 100000000)
                return cli_usage_error("--sizes: bad range in '%s'", p);
        }
        if (*end && *end != ',')
            return cli_usage_error("--sizes: expected frame counts >= 1 like 1,2,8 or 1-64, "
                                   "found '%s'", p);
        for (unsigned long v = a; v <= b; v++) {
            uint32_t *ns = realloc(*sizes, (*n + 1) * sizeof *ns);
            if (!ns)
                return cli_usage_error("--sizes: out of memory");
            *sizes = ns;
            (*sizes)[(*n)++] = (uint32_t)v;
        }
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* A page size: a power of two in bytes, with an optional K/KiB, M/MiB or G/GiB suffix. */
static int mrc_parse_page_size(const char *arg, uint64_t *out)
{
    static const struct {
        const char *suffix;
        unsigned shift;
    } units[] = {{"", 0},   {"K", 10},  {"k", 10},  {"KiB", 10}, {"M", 20},
                 {"m", 20}, {"MiB", 20}, {"G", 30}, {"g", 30},   {"GiB", 30}};
    char *end;
    errno = 0;
    unsigned long long v = arg[0] >= '0' && arg[0] <= '9' ? strtoull(arg, &end, 0) : 0;
    if (v && !errno)
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
            if (!strcmp(end, units[i].suffix) && v <= (UINT64_MAX >> units[i].shift) &&
                !(v & (v - 1))) {
                *out = (uint64_t)v << units[i].shift;
                return 0;
            }
    return cli_usage_error("--page-size: expected a power of two in bytes like 4096 or 4K, "
                           "found '%s'", arg);
}

/* The first of the listed policies that needs the whole input in advance, or NULL. */
static const char *mrc_future_policy(const char *list, char *buf, size_t n)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        struct vms_policy_info pi;
        if (len < n) {
            memcpy(buf, p, len);
            buf[len] = '\0';
            if (vms_policy_lookup(buf, &pi) && pi.needs_future)
                return buf;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return NULL;
}

/* The gnuplot executable on PATH into buf; false when there is none. */
static bool mrc_find_gnuplot(char *buf, size_t n)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        int w = len ? snprintf(buf, n, "%.*s/gnuplot", (int)len, path)
                    : snprintf(buf, n, "./gnuplot");
        struct stat st;
        if (w > 0 && (size_t)w < n && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return true;
        path += len;
        if (*path == ':')
            path++;
    }
    return false;
}

/* Draw the curves into png by piping a script into gnuplot; returns the exit status. */
static int mrc_png(const char *gnuplot, const struct vms_mrc *m, const char *title,
                   const char *png)
{
    int fds[2];
    if (pipe(fds) != 0)
        return cli_usage_error("--png: %s", strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return cli_usage_error("--png: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(gnuplot, "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    /* gnuplot may stop reading early; its exit status tells, not a SIGPIPE here. */
    struct sigaction ign = {0}, old;
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    FILE *f = fdopen(fds[1], "w");
    if (f) {
        /* gnuplot may stop reading early: its exit status tells, not a write error */
        vms_mrc_gnuplot(m, title, png, f, NULL);
        fclose(f);
    } else {
        close(fds[1]);
    }
    sigaction(SIGPIPE, &old, NULL);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return cli_usage_error("--png: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return cli_usage_error("--png: %s failed (%s %d)", gnuplot,
                               WIFEXITED(status) ? "exit status" : "signal",
                               WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    struct stat st;
    if (stat(png, &st) != 0 || st.st_size == 0)
        return cli_usage_error("--png: %s: gnuplot wrote no image", png);
    return 0;
}

/* Feed every record of the trace at path to m; prints a summary line in text mode. */
static int mrc_read_trace(struct vms_mrc *m, const char *path, unsigned flags,
                          uint64_t page_size, bool text)
{
    enum { BATCH = 4096 };
    struct vms_error e = {0};
    struct vms_trace *t;
    if (vms_trace_open(path, flags, &t, &e))
        return cli_fail(&e);
    struct vms_trace_rec *buf = malloc(BATCH * sizeof *buf);
    if (!buf) {
        vms_trace_close(t);
        return cli_usage_error("%s: out of memory", path);
    }
    long got;
    int rc = 0;
    while ((got = vms_trace_read(t, buf, BATCH, &e)) > 0)
        if (vms_mrc_touch_records(m, buf, (size_t)got, page_size) < 0) {
            rc = cli_usage_error("mrc: out of memory");
            break;
        }
    struct vms_trace_counts c;
    vms_trace_get_counts(t, &c);
    if (got < 0 && e.code == VMS_EINVAL && c.records == 0) {
        /* Nothing read: perhaps a reference string given as a trace. */
        size_t len = strlen(e.msg);
        snprintf(e.msg + len, sizeof e.msg - len, " (a page reference string goes in --file)");
    }
    if (got < 0)
        rc = cli_fail(&e);
    if (rc == 0 && text) {
        printf("trace %s (%s, %s): %" PRIu64 " records (I %" PRIu64 ", L %" PRIu64
               ", S %" PRIu64 ", M %" PRIu64 "), pages of %" PRIu64 " bytes\n",
               path, vms_trace_format_name(t), vms_trace_compression(t), c.records,
               c.kind[VMS_TRACE_I], c.kind[VMS_TRACE_L], c.kind[VMS_TRACE_S],
               c.kind[VMS_TRACE_M], page_size);
    }
    free(buf);
    vms_trace_close(t);
    return rc;
}

/* Feed the reference string in file to m. */
static int mrc_read_refs(struct vms_mrc *m, const char *file)
{
    size_t len;
    char *text = cli_read_file(file, &len);
    if (!text)
        return cli_usage_error("%s: %s", file, strerror(errno));
    struct vms_error e = {0};
    struct vms_refs refs = {0};
    int r = vms_refs_parse(&refs, text, len, file, &e);
    free(text);
    for (size_t i = 0; r == 0 && i < refs.n; i++)
        if (vms_mrc_touch(m, refs.page[i], refs.write[i]) < 0)
            r = -VMS_ENOMEM, snprintf(e.msg, sizeof e.msg, "mrc: out of memory");
    vms_refs_fini(&refs);
    return r < 0 ? cli_fail(&e) : 0;
}

int cmd_mrc(int argc, char **argv)
{
    enum { OPT_PAGE_SIZE = 256, OPT_MACHINE, OPT_SKIP_BAD, OPT_PNG };
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'}, {"file", required_argument, NULL, 'F'},
        {"sizes", required_argument, NULL, 'z'},  {"csv", no_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},         {"svg", required_argument, NULL, 'S'},
        {"title", required_argument, NULL, 'i'},  {"shards", required_argument, NULL, 'r'},
        {"simulate", no_argument, NULL, 'm'},     {"threads", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},   {"tau", required_argument, NULL, 'T'},
        {"bits", required_argument, NULL, 'b'},   {"tick", required_argument, NULL, 'k'},
        {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
        {"machine", required_argument, NULL, OPT_MACHINE},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
        {"png", required_argument, NULL, OPT_PNG},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    struct vms_mrc_opts o = {.policies = "lru"};
    const char *file = NULL, *trace = NULL, *svg_path = NULL, *png_path = NULL, *title = NULL;
    const char *page_opt = NULL, *machine = NULL;
    enum vms_format fmt = VMS_TEXT;
    uint32_t *sizes = NULL;
    size_t nsizes = 0;
    uint64_t v, page_size = 4096;
    unsigned trace_flags = 0;
    char gnuplot[4096];
    int c, rc = 2;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': o.policies = optarg; break;
        case 'F': file = optarg; break;
        case 'z':
            if (mrc_parse_sizes(optarg, &sizes, &nsizes))
                goto out;
            break;
        case 'c': fmt = VMS_CSV; break;
        case 'j': fmt = VMS_JSON; break;
        case 'S': svg_path = optarg; break;
        case OPT_PNG: png_path = optarg; break;
        case 'i': title = optarg; break;
        case 'r': {
            char *end;
            o.shards_rate = strtod(optarg, &end);
            if (*end || !(o.shards_rate > 0 && o.shards_rate <= 1)) {
                cli_usage_error("--shards: expected a sampling rate in (0, 1], found '%s'",
                                optarg);
                goto out;
            }
            break;
        }
        case 'm': o.simulate = true; break;
        case 'n':
            if (cli_number("--threads", optarg, 1, &v))
                goto out;
            o.threads = v > 256 ? 256 : (unsigned)v;
            break;
        case 's':
            if (cli_number("--seed", optarg, 0, &o.params.seed))
                goto out;
            break;
        case 'T':
            if (cli_number("--tau", optarg, 1, &o.params.tau))
                goto out;
            break;
        case 'b':
            if (cli_number("--bits", optarg, 1, &v))
                goto out;
            if (v > 32) {
                cli_usage_error("--bits: aging counters have 1 to 32 bits, not %s", optarg);
                goto out;
            }
            o.params.bits = (unsigned)v;
            break;
        case 'k':
            if (cli_number("--tick", optarg, 1, &v) || v > UINT32_MAX)
                goto out;
            o.params.tick = (uint32_t)v;
            break;
        case OPT_PAGE_SIZE:
            if (mrc_parse_page_size(optarg, &page_size))
                goto out;
            page_opt = optarg;
            break;
        case OPT_MACHINE: machine = optarg; break;
        case OPT_SKIP_BAD: trace_flags |= VMS_TRACE_SKIP_BAD; break;
        case 'h': mrc_usage(stdout); rc = 0; goto out;
        case ':':
            cli_usage_error("mrc: %s needs a value", argv[optind - 1]);
            goto out;
        default:
            cli_usage_error("mrc: unknown option '%s' (try `vmsim mrc --help`)",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc)
        trace = argv[optind++];
    if (optind < argc) {
        cli_usage_error("mrc: expected one TRACE, found also '%s'", argv[optind]);
        goto out;
    }
    if (!trace == !file) {
        cli_usage_error(trace ? "mrc: give a TRACE or --file REFS, not both"
                              : "mrc: give a TRACE (or a reference string with --file F; "
                                "try `vmsim mrc --help`)");
        goto out;
    }
    if (page_opt && machine) {
        cli_usage_error("--machine: --page-size already sets the page size; give one of them");
        goto out;
    }
    if (file && (page_opt || machine || trace_flags)) {
        cli_usage_error("%s: only for a TRACE; a reference string (--file) names pages",
                        page_opt ? "--page-size" : machine ? "--machine" : "--skip-bad");
        goto out;
    }
    struct vms_error e = {0};
    if (machine) {
        struct vms_config *cfg;
        if (vms_config_create(machine, &cfg, &e)) {
            cli_usage_error("--machine: %s", e.msg);
            goto out;
        }
        page_size = vms_config_page_size(cfg);
        vms_config_destroy(cfg);
    }
    char name[64];
    const char *future = mrc_future_policy(o.policies, name, sizeof name);
    if (trace && future && !strcmp(trace, "-")) {
        cli_usage_error("--policy: %s needs the whole trace in advance and cannot read it "
                        "from standard input; give the trace as a file", future);
        goto out;
    }
    if (png_path && !mrc_find_gnuplot(gnuplot, sizeof gnuplot)) {
        cli_usage_error("--png: gnuplot not found; use --svg");
        goto out;
    }
    o.sizes = sizes;
    o.nsizes = nsizes;
    struct vms_mrc *m = NULL;
    if (vms_mrc_create(&o, &m, &e) < 0) {
        rc = cli_fail(&e);
        goto out;
    }
    if (trace)
        rc = mrc_read_trace(m, trace, trace_flags, page_size, fmt == VMS_TEXT);
    else
        rc = mrc_read_refs(m, file);
    if (rc == 0 && vms_mrc_finish(m, &e) < 0)
        rc = cli_fail(&e);
    if (rc) {
        vms_mrc_destroy(m);
        goto out;
    }
    vms_mrc_print(m, stdout, fmt, &e); /* finished: cannot fail but for stdout's errors */
    if (fmt == VMS_CSV) { /* text and JSON say so themselves */
        size_t above = 0;
        for (size_t i = 0; i < nsizes; i++)
            above += sizes[i] > vms_mrc_footprint(m);
        if (above)
            fprintf(stderr, "vmsim: mrc: %zu sizes above the footprint left out: from %llu "
                            "frames on, only the cold misses\n",
                    above, (unsigned long long)vms_mrc_footprint(m));
    }
    if (svg_path) {
        FILE *svg = fopen(svg_path, "w");
        if (!svg) {
            rc = cli_usage_error("--svg: %s: %s", svg_path, strerror(errno));
        } else {
            vms_mrc_svg(m, title, svg, &e); /* a write error shows at fclose */
            if (fclose(svg) != 0)
                rc = cli_usage_error("--svg: %s: write failed", svg_path);
        }
    }
    if (png_path && rc == 0)
        rc = mrc_png(gnuplot, m, title, png_path);
    vms_mrc_destroy(m);
out:
    free(sizes);
    return rc;
}
