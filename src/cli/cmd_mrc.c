/* vmsim mrc: miss-ratio curves for one or more policies over a memory trace (pages touched
 * by each record) or a page reference string; text, CSV, JSON, SVG, or PNG via gnuplot. */
#include "cli/cli.h"
#include "cli/gnuplot.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

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
            "  -o, --output OUT  write the table (or CSV, JSON) to OUT instead of standard\n"
            "                  output ('-': standard output)\n"
            "  --svg OUT       also plot miss ratio against frames into OUT (SVG)\n"
            "  --png OUT       the same plot as PNG, drawn by gnuplot (when installed)\n"
            "  --title T       the plots' title (a second line names the input, the page\n"
            "                  size and the machine)\n"
            "  --logx, --logy  logarithmic frames / miss-ratio axis (default: logarithmic\n"
            "                  where the values span more than two decades, else linear)\n"
            "  --linx, --liny  linear frames / miss-ratio axis\n"
            "  --ws-series OUT also plot the working-set size |W(t,tau)| over time of the\n"
            "                  same input into OUT (SVG; PNG through gnuplot when OUT ends\n"
            "                  in .png), for window --tau T or else windows of 10, 100, ...\n"
            "  --shards R      add an SHARDS estimate of the LRU curve sampling pages at rate\n"
            "                  R in (0,1], with its error against the exact curve\n"
            "  --simulate      simulate stack policies per size as well (checks one-pass)\n"
            "  --threads N     worker threads for per-size simulation (default: CPUs)\n"
            "  --no-progress   no progress line (shown on a terminal for runs over a second:\n"
            "                  the records read, then the sizes simulated)\n"
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

/* What the plots say: their options, and the second line of their title. */
struct mrc_plots {
    const char *svg, *png, *ws, *title;
    struct vms_output *file[3]; /* svg, png, ws: opened before the run, written at its end */
    enum vms_plot_scale x, y;
    uint64_t tau;         /* the window of ws (0: 10, 100, ...) */
    struct vms_refs refs; /* the page touches, for ws */
    char subtitle[512];
    char gnuplot[4096];
};

struct mrc_gp {
    const struct vms_mrc *m;
    const struct mrc_plots *pl;
    const char *png;
    bool ws;
};

static int mrc_gp_write(void *ctx, FILE *f)
{
    const struct mrc_gp *g = ctx;
    struct vms_plot_opts o = {g->pl->title, g->pl->subtitle, g->pl->x, g->pl->y, g->png};
    if (!g->ws)
        return vms_mrc_plot(g->m, &o, f, NULL);
    o.x = o.y = VMS_PLOT_AUTO; /* --logx and co. are the curve's; the series is linear */
    return vms_ws_plot(&g->pl->refs, &g->pl->tau, g->pl->tau ? 1 : 0, &o, f, NULL);
}

/* Draw the plots pl asks for (all after vms_mrc_finish); returns the exit status. */
static int mrc_draw(const struct vms_mrc *m, struct mrc_plots *pl)
{
    size_t len = strlen(pl->subtitle);
    snprintf(pl->subtitle + len, sizeof pl->subtitle - len,
             "%s%" PRIu64 " references, %" PRIu64 " distinct pages", len ? "; " : "",
             vms_mrc_references(m), vms_mrc_footprint(m));
    struct vms_error e = {0};
    int rc = 0;
    if (pl->svg) {
        struct vms_plot_opts o = {pl->title, pl->subtitle, pl->x, pl->y, NULL};
        vms_mrc_plot(m, &o, vms_output_stream(pl->file[0]), &e); /* write errors: commit */
    }
    if (pl->png) {
        struct mrc_gp g = {m, pl, vms_output_path(pl->file[1]), false};
        if ((rc = cli_gnuplot_run(pl->gnuplot, "--png", mrc_gp_write, &g, g.png)))
            return rc;
    }
    if (pl->ws) {
        size_t n = strlen(pl->ws);
        if (n > 4 && !strcmp(pl->ws + n - 4, ".png")) {
            struct mrc_gp g = {m, pl, vms_output_path(pl->file[2]), true};
            return cli_gnuplot_run(pl->gnuplot, "--ws-series", mrc_gp_write, &g, g.png);
        }
        struct vms_plot_opts o = {pl->title, pl->subtitle, VMS_PLOT_AUTO, VMS_PLOT_AUTO, NULL};
        rc = vms_ws_plot(&pl->refs, &pl->tau, pl->tau ? 1 : 0, &o,
                         vms_output_stream(pl->file[2]), &e);
        if (rc < 0 && rc != -VMS_EIO) /* a write error is the commit's to report */
            return cli_fail(&e);
    }
    return 0;
}

/* What the output records about the run and its input (docs/statistics.md, "Provenance"). */
struct mrc_prov {
    const struct vms_mrc_opts *o;
    const char *sizes;   /* the --sizes text, or "all" */
    const char *machine; /* --machine, or NULL */
    uint64_t page_size;  /* a trace's; 0 for a reference string */
    const char *path, *format, *compression;
    uint64_t bytes, hash, skipped;
    bool empty;           /* no references: a marked result without curves */
    int interrupted;      /* the signal that stopped the reading (the curves are the prefix's) */
    char trace_line[512]; /* text output: what the trace held */
};

/* The result's status (docs/statistics.md, "Status"): ok, or its marks joined by '+'. */
static const char *mrc_status(const struct mrc_prov *p)
{
    static const char *const name[8] = {"ok", "skipped", "empty", "skipped+empty",
                                        "interrupted", "skipped+interrupted",
                                        "empty+interrupted", "skipped+empty+interrupted"};
    return name[(p->skipped ? 1 : 0) | (p->empty ? 2 : 0) | (p->interrupted ? 4 : 0)];
}

/* What vms_mrc_print prints for a run without references (which has no curves): JSON and
 * text the counts, CSV the header and a row per policy with no frames; malloc'd. */
static char *mrc_print_empty(const struct mrc_prov *p, enum vms_format fmt, size_t *len)
{
    char *buf = NULL;
    FILE *mf = open_memstream(&buf, len);
    if (!mf)
        return NULL;
    if (fmt == VMS_JSON) {
        fputs("{\"references\": 0, \"footprint\": 0, \"curves\": []}\n", mf);
    } else if (fmt == VMS_CSV) {
        fputs("policy,frames,faults,miss_ratio\n", mf);
        for (const char *s = p->o->policies; *s;) {
            size_t n = strcspn(s, ",");
            fprintf(mf, "%.*s,,0,\n", (int)n, s);
            s += n + (s[n] == ',');
        }
    } else {
        fputs("0 references, footprint 0 pages: no curve\n", mf);
    }
    if (fclose(mf) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* A JSON string (the names here are paths, policy lists and library strings). */
static void mrc_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void mrc_prov_json(FILE *f, const struct mrc_prov *p, const char *status)
{
    fputs("\"vmsim\":{\"version\":", f);
    mrc_json_string(f, vms_version());
    fputs(",\"build\":", f);
    mrc_json_string(f, vms_build());
    fputs("},\"run\":{\"policies\":", f);
    mrc_json_string(f, p->o->policies);
    fprintf(f, ",\"page_size\":%" PRIu64 ",\"machine\":", p->page_size);
    if (p->machine)
        mrc_json_string(f, p->machine);
    else
        fputs("null", f);
    fprintf(f, ",\"params\":{\"seed\":%" PRIu64 ",\"tau\":%" PRIu64 ",\"bits\":%u,\"tick\":%"
            PRIu32 "},\"sizes\":", p->o->params.seed, p->o->params.tau, p->o->params.bits,
            p->o->params.tick);
    mrc_json_string(f, p->sizes);
    fprintf(f, ",\"shards\":%g,\"simulate\":%s},\"inputs\":[{\"path\":", p->o->shards_rate,
            p->o->simulate ? "true" : "false");
    mrc_json_string(f, p->path);
    fputs(",\"format\":", f);
    mrc_json_string(f, p->format);
    fputs(",\"compression\":", f);
    mrc_json_string(f, p->compression);
    fprintf(f, ",\"bytes\":%" PRIu64 ",\"hash\":\"%016" PRIx64 "\",\"complete\":true}],"
            "\"status\":\"%s\",", p->bytes, p->hash, status);
}

static const char mrc_prov_head[] =
    ",status,vmsim.version,vmsim.build,run.policies,run.page_size,run.machine,"
    "run.params.seed,run.params.tau,run.params.bits,run.params.tick,run.sizes,run.shards,"
    "run.simulate,input.path,input.format,input.compression,input.bytes,input.hash,"
    "input.complete";

static void mrc_prov_csv(FILE *f, const struct mrc_prov *p, const char *status)
{
    fprintf(f, ",%s,", status);
    cli_csv_field(f, vms_version());
    fputc(',', f);
    cli_csv_field(f, vms_build());
    fputc(',', f);
    cli_csv_field(f, p->o->policies);
    fprintf(f, ",%" PRIu64 ",", p->page_size);
    cli_csv_field(f, p->machine ? p->machine : "");
    fprintf(f, ",%" PRIu64 ",%" PRIu64 ",%u,%" PRIu32 ",", p->o->params.seed, p->o->params.tau,
            p->o->params.bits, p->o->params.tick);
    cli_csv_field(f, p->sizes);
    fprintf(f, ",%g,%s,", p->o->shards_rate, p->o->simulate ? "true" : "false");
    cli_csv_field(f, p->path);
    fprintf(f, ",%s,%s,%" PRIu64 ",%016" PRIx64 ",true", p->format, p->compression, p->bytes,
            p->hash);
}

/* The curves with their provenance: JSON gains the objects vmsim, run, inputs and the
 * status first; CSV gains columns at the end of every row (the curve's columns stay
 * first); text starts with a one-line summary. m is NULL for an empty input (p->empty). */
static int mrc_output(const struct vms_mrc *m, enum vms_format fmt, const struct mrc_prov *p,
                      FILE *out)
{
    char *buf = NULL;
    size_t len = 0;
    if (!m) {
        buf = mrc_print_empty(p, fmt, &len);
    } else {
        FILE *mf = open_memstream(&buf, &len);
        if (!mf)
            return cli_usage_error("out of memory");
        struct vms_error e = {0};
        vms_mrc_print(m, mf, fmt, &e); /* finished: cannot fail but for memory */
        if (fclose(mf) != 0) {
            free(buf);
            buf = NULL;
        }
    }
    if (!buf)
        return cli_usage_error("out of memory");
    const char *status = mrc_status(p);
    if (fmt == VMS_JSON && len > 0 && buf[0] == '{') {
        fputc('{', out);
        mrc_prov_json(out, p, status);
        fwrite(buf + 1, 1, len - 1, out);
    } else if (fmt == VMS_CSV) {
        bool head = true;
        for (char *line = buf; *line;) {
            char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            fwrite(line, 1, n, out);
            if (head)
                fputs(mrc_prov_head, out);
            else
                mrc_prov_csv(out, p, status);
            fputc('\n', out);
            head = false;
            line += n + (nl != NULL);
        }
    } else {
        fprintf(out, "vmsim %s (%s): mrc policies %s, ", vms_version(), vms_build(), p->o->policies);
        if (p->page_size)
            fprintf(out, "page size %" PRIu64 " bytes%s%s%s, ", p->page_size, p->machine ? " (machine " : "",
                   p->machine ? p->machine : "", p->machine ? ")" : "");
        fprintf(out, "sizes %s, seed %" PRIu64 ", tau %" PRIu64 ", bits %u, tick %" PRIu32
               "%s%s; %s %" PRIu64 " bytes hash %016" PRIx64 "\n",
               p->sizes, p->o->params.seed, p->o->params.tau, p->o->params.bits,
               p->o->params.tick, p->o->simulate ? ", simulated" : "",
               p->o->shards_rate > 0 ? ", shards" : "", p->path, p->bytes, p->hash);
        if (p->skipped || p->empty || p->interrupted)
            fprintf(out, "status: %s\n", status);
        if (p->interrupted)
            fprintf(out, "partial: the reading was interrupted; the curves are those of the "
                         "references read\n");
        fputs(p->trace_line, out);
        fwrite(buf, 1, len, out);
    }
    free(buf);
    return 0;
}

/* Feed every record of the trace at path to m (and its page touches to refs unless NULL);
 * the input's identity into p. */
static int mrc_read_trace(struct vms_mrc *m, const char *path, unsigned flags,
                          uint64_t page_size, struct mrc_prov *p, struct vms_refs *refs,
                          struct cli_progress *pg)
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
    long got = 0;
    int rc = 0;
    uint64_t nrec = 0;
    /* SIGINT/SIGTERM stop the reading: the curves of what was read, marked interrupted */
    while (!cli_stop && (got = vms_trace_read(t, buf, BATCH, &e)) > 0) {
        if (vms_mrc_touch_records(m, buf, (size_t)got, page_size) < 0 ||
            (refs && vms_refs_add_records(refs, buf, (size_t)got, page_size, &e) < 0)) {
            rc = cli_usage_error("out of memory");
            break;
        }
        nrec += (uint64_t)got;
        cli_progress_draw(pg, -1, false, "reading %s: %.1f M records", path, (double)nrec / 1e6);
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
    if (rc == 0) {
        snprintf(p->trace_line, sizeof p->trace_line,
                 "trace %s (%s, %s): %" PRIu64 " records (I %" PRIu64 ", L %" PRIu64
                 ", S %" PRIu64 ", M %" PRIu64 "), pages of %" PRIu64 " bytes\n",
                 path, vms_trace_format_name(t), vms_trace_compression(t), c.records,
                 c.kind[VMS_TRACE_I], c.kind[VMS_TRACE_L], c.kind[VMS_TRACE_S],
                 c.kind[VMS_TRACE_M], page_size);
        p->path = path;
        p->format = vms_trace_format_name(t);       /* static strings */
        p->compression = vms_trace_compression(t);
        vms_trace_identity(t, &p->bytes, &p->hash);
        p->skipped = c.bad_lines;
        p->page_size = page_size;
        p->interrupted = cli_stop;
    }
    free(buf);
    vms_trace_close(t);
    return rc;
}

/* Feed the reference string in file to m, its identity into p; keep it in *keep unless
 * NULL. */
static int mrc_read_refs(struct vms_mrc *m, const char *file, struct mrc_prov *p,
                         struct vms_refs *keep)
{
    size_t len;
    struct vms_error e = {0};
    char *text = cli_read_file(file, &len, &e);
    if (!text)
        return cli_fail(&e);
    p->path = file;
    p->format = "refs";
    p->compression = "none";
    p->bytes = len;
    p->hash = vms_input_hash(text, len);
    struct vms_refs refs = {0};
    int r = vms_refs_parse(&refs, text, len, file, &e);
    vms_read_file_free(text);
    for (size_t i = 0; r == 0 && i < refs.n; i++)
        if (vms_mrc_touch(m, refs.page[i], refs.write[i]) < 0)
            r = -VMS_ENOMEM, snprintf(e.msg, sizeof e.msg, "out of memory");
    if (keep && r == 0)
        *keep = refs;
    else
        vms_refs_fini(&refs);
    return r < 0 ? cli_fail(&e) : 0;
}

/* The per-size simulation's progress (called under the library's lock). */
static void mrc_progress(void *ctx, size_t done, size_t total)
{
    cli_progress_draw(ctx, (double)done / (double)total, done == total,
                      "%zu of %zu sizes simulated", done, total);
}

int cmd_mrc(int argc, char **argv)
{
    enum { OPT_PAGE_SIZE = 256, OPT_MACHINE, OPT_SKIP_BAD, OPT_PNG, OPT_LOGX, OPT_LOGY,
           OPT_LINX, OPT_LINY, OPT_WS, OPT_NO_PROGRESS };
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
        {"output", required_argument, NULL, 'o'}, {"ws-series", required_argument, NULL, OPT_WS},
        {"logx", no_argument, NULL, OPT_LOGX},    {"logy", no_argument, NULL, OPT_LOGY},
        {"linx", no_argument, NULL, OPT_LINX},    {"liny", no_argument, NULL, OPT_LINY},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    struct vms_mrc_opts o = {.policies = "lru"};
    const char *file = NULL, *trace = NULL, *out_path = NULL;
    const char *page_opt = NULL, *machine = NULL, *sizes_text = NULL;
    static struct mrc_plots pl; /* static: its buffers are large */
    memset(&pl, 0, sizeof pl);
    FILE *out = stdout;
    struct vms_output *out_file = NULL; /* -o OUT */
    bool printed = false;               /* the results are in out_file */
    enum vms_format fmt = VMS_TEXT;
    uint32_t *sizes = NULL;
    size_t nsizes = 0;
    uint64_t v, page_size = 4096;
    unsigned trace_flags = 0;
    bool progress = true;
    struct cli_progress pg = {0};
    int c, rc = 2;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': o.policies = optarg; break;
        case 'F': file = optarg; break;
        case 'z':
            if (mrc_parse_sizes(optarg, &sizes, &nsizes))
                goto out;
            sizes_text = optarg;
            break;
        case 'c': fmt = VMS_CSV; break;
        case 'j': fmt = VMS_JSON; break;
        case 'S': pl.svg = optarg; break;
        case OPT_PNG: pl.png = optarg; break;
        case 'i': pl.title = optarg; break;
        case 'o': out_path = optarg; break;
        case OPT_WS: pl.ws = optarg; break;
        case OPT_LOGX: pl.x = VMS_PLOT_LOG; break;
        case OPT_LOGY: pl.y = VMS_PLOT_LOG; break;
        case OPT_LINX: pl.x = VMS_PLOT_LINEAR; break;
        case OPT_LINY: pl.y = VMS_PLOT_LINEAR; break;
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
        case OPT_NO_PROGRESS: progress = false; break;
        case 'h': mrc_usage(stdout); rc = 0; goto out;
        default: cli_option_error(c, argv, longopts); goto out;
        }
    }
    if (optind < argc)
        trace = argv[optind++];
    if (optind < argc) {
        cli_usage_error("expected one TRACE, found also '%s'", argv[optind]);
        goto out;
    }
    if (!trace == !file) {
        cli_usage_error(trace ? "give a TRACE or --file REFS, not both"
                              : "give a TRACE (or a reference string with --file F; "
                                "try 'vmsim help mrc')");
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
    size_t wl = pl.ws ? strlen(pl.ws) : 0;
    bool ws_png = wl > 4 && !strcmp(pl.ws + wl - 4, ".png");
    if ((pl.png || ws_png) && !cli_gnuplot_find(pl.gnuplot, sizeof pl.gnuplot)) {
        cli_usage_error("%s: gnuplot not found; use --svg", pl.png ? "--png" : "--ws-series");
        goto out;
    }
    pl.tau = o.params.tau;
    if (trace) {
        char pages[64];
        cli_page_text(pages, sizeof pages, page_size);
        const char *base = strrchr(trace, '/') ? strrchr(trace, '/') + 1 : trace;
        snprintf(pl.subtitle, sizeof pl.subtitle, "trace %s, %s%s%s", base, pages,
                 page_opt ? "" : ", machine ", page_opt ? "" : machine ? machine
                                                                      : VMS_DEFAULT_MACHINE);
    } else {
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        snprintf(pl.subtitle, sizeof pl.subtitle, "reference string %s", base);
    }
    /* Every output file is opened before the computation (a bad path fails at once): a
     * temporary file each, renamed over its target once written, refused when it is the
     * input itself. */
    const char *input = trace ? trace : file;
    if (out_path && strcmp(out_path, "-") != 0) {
        if (vms_output_open(out_path, &input, 1, &out_file, &e) < 0 ||
            !(out = vms_output_stream(out_file))) {
            out = stdout;
            rc = e.code == VMS_EINVAL ? cli_fail(&e) : cli_usage_error("-o: %s", e.msg);
            goto out;
        }
    }
    const char *plot_opt[] = {"--svg", "--png", "--ws-series"};
    const char *plot_path[] = {pl.svg, pl.png, pl.ws};
    for (int i = 0; i < 3; i++) {
        if (plot_path[i] && (vms_output_open(plot_path[i], &input, 1, &pl.file[i], &e) < 0 ||
                             !vms_output_stream(pl.file[i]))) {
            rc = e.code == VMS_EINVAL ? cli_fail(&e)
                                 : cli_usage_error("%s: %s", plot_opt[i],
                                                   e.msg[0] ? e.msg : "out of memory");
            goto out;
        }
    }
    o.sizes = sizes;
    o.nsizes = nsizes;
    cli_progress_start(&pg, progress);
    if (pg.on) {
        o.progress = mrc_progress;
        o.progress_ctx = &pg;
    }
    struct vms_mrc *m = NULL;
    if (vms_mrc_create(&o, &m, &e) < 0) {
        rc = cli_fail(&e);
        goto out;
    }
    struct mrc_prov prov = {.o = &o, .sizes = sizes_text ? sizes_text : "all",
                            .machine = machine};
    cli_interrupt_install();
    if (trace)
        rc = mrc_read_trace(m, trace, trace_flags, page_size, &prov, pl.ws ? &pl.refs : NULL,
                            &pg);
    else
        rc = mrc_read_refs(m, file, &prov, pl.ws ? &pl.refs : NULL);
    /* An empty input is a marked result without curves (exit status 1), as trace's is */
    prov.empty = rc == 0 && vms_mrc_references(m) == 0;
    if (rc == 0 && !prov.empty && vms_mrc_finish(m, &e) < 0)
        rc = cli_fail(&e);
    cli_progress_end(&pg);
    if (rc) {
        vms_mrc_destroy(m);
        goto out;
    }
    if (prov.skipped) /* a completed run with a mark: exit status 1 */
        cli_message("%s: %" PRIu64 " malformed line%s skipped", prov.path, prov.skipped,
                    prov.skipped == 1 ? "" : "s");
    if (prov.empty)
        cli_message("%s: warning: %s%s", prov.path,
                    trace ? "empty trace (no records)" : "empty reference string (no references)",
                    pl.svg || pl.png || pl.ws ? "; no plot drawn" : "");
    if (fmt == VMS_CSV && !prov.empty) { /* text and JSON say so themselves */
        size_t above = 0;
        for (size_t i = 0; i < nsizes; i++)
            above += sizes[i] > vms_mrc_footprint(m);
        if (above)
            cli_message("%zu sizes above the footprint left out: from %llu frames on, only "
                        "the cold misses", above, (unsigned long long)vms_mrc_footprint(m));
    }
    rc = mrc_output(prov.empty ? NULL : m, fmt, &prov, out);
    printed = true;
    if (out == stdout && (fflush(out) != 0 || ferror(out)))
        rc = cli_usage_error("standard output: write error (disk full?)");
    if (rc == 0 && (prov.skipped || prov.empty))
        rc = 1;
    if (rc != 2 && prov.interrupted) { /* -o keeps the partial curves; no plots */
        cli_message("interrupted by %s: the curves are those of the references read before it",
                    cli_interrupt_name(prov.interrupted));
        rc = 128 + prov.interrupted;
    }
    if (out_file && vms_output_commit(out_file, &e) < 0 && rc != 2)
        rc = cli_fail(&e);
    out_file = NULL;
    /* an empty input draws nothing: the plot files' temporaries are removed below */
    if (rc != 2 && !prov.interrupted && !prov.empty) {
        int d = mrc_draw(m, &pl);
        if (d)
            rc = d;
        for (int i = 0; i < 3 && d == 0; i++) { /* drawn: they replace the old files */
            if (pl.file[i] && vms_output_commit(pl.file[i], &e) < 0 && rc != 2)
                rc = cli_fail(&e);
            pl.file[i] = NULL;
        }
    }
    vms_mrc_destroy(m);
out:
    cli_progress_end(&pg);
    /* what was not written in full leaves the old files as they were */
    if (printed && out_file && vms_output_commit(out_file, &e) < 0 && rc != 2)
        rc = cli_fail(&e);
    else if (!printed)
        vms_output_abort(out_file);
    for (int i = 0; i < 3; i++)
        vms_output_abort(pl.file[i]);
    vms_refs_fini(&pl.refs);
    free(sizes);
    return rc;
}
