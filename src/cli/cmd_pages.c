/* vmsim pages: the classic reference-string exercise (and working-set series). */
#include "cli/cli.h"
#include "cli/interrupt.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PAGES_TABLE_MAX 64 /* longer strings print the table only with --table */

static void pages_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim pages --frames N --policy P [--table] [--state] [--width W] [--json]\n"
            "                   REFS... | --file F\n"
            "       vmsim pages --policy ws --tau T REFS...\n"
            "       vmsim pages --belady [--max-frames N] --policy P [--json] REFS...\n"
            "       vmsim pages --ws-series --tau T [--csv|--json] [--svg OUT] REFS...\n\n"
            "Runs one replacement policy over a page reference string and prints the\n"
            "textbook table: one column per reference, the page in every frame after it,\n"
            "faults marked '*', the evicted page named; then the totals. The table is\n"
            "printed for strings of up to %d references, or always with --table, in\n"
            "blocks of columns that fit the width (80 characters, or --width).\n\n"
            "REFS are page numbers (decimal or 0x hex) as arguments or one argument,\n"
            "separated by spaces or commas; '3w' marks a write (sets the D bit), '3r' a read.\n\n"
            "options:\n"
            "  --frames N      number of frames (>= 1)\n"
            "  --policy P      replacement policy (below); default clock\n"
            "  --file F        read the reference string from F ('-': standard input;\n"
            "                  '#' starts a comment)\n"
            "  --table         print the table however long the string is\n"
            "  --state         also the policy's own state after every reference, as rows\n"
            "                  under the table (FIFO queue, LRU order, clock hand and\n"
            "                  reference bits, OPT next-use distances, aging counters, ...)\n"
            "                  and in every JSON step; implies --table\n"
            "  --width W       the table in blocks at most W characters wide (default 80;\n"
            "                  0: one block however wide)\n"
            "  --belady        faults at every frame count from 1 to the number of distinct\n"
            "                  pages (or --max-frames), marking where more frames give more\n"
            "                  faults (Belady's anomaly)\n"
            "  --max-frames N  with --belady: the largest frame count swept\n"
            "  --json          one JSON object: policy, frames, references, faults, hits, steps\n"
            "  --tau T         window in references for ws (required) and wsclock\n"
            "  --seed S        seed for random and nru (default 1)\n"
            "  --bits B        aging counter width (default 8)\n"
            "  --tick N        references between policy ticks (aging, nru, ws)\n"
            "  --ws-series     print the working-set size |W(t,tau)| after every reference\n"
            "  --csv           with --ws-series: CSV rows t,page,ws_size\n"
            "  --svg OUT       with --ws-series: also plot the series into OUT\n\n"
            "policies (idealized ones observe every reference, which no hardware provides;\n"
            "the others learn about references only from the A and D bits):\n",
            PAGES_TABLE_MAX);
    struct vms_policy_info pi;
    for (size_t i = 0; vms_policy_info(i, &pi); i++) {
        fprintf(f, "  %-9s %s\n", pi.name, pi.summary);
        fprintf(f, "  %-9s   source: %s", "", pi.source);
        if (pi.tick_period == 1)
            fprintf(f, "; tick every reference");
        else if (pi.tick_period)
            fprintf(f, "; tick every %u references", pi.tick_period);
        fputc('\n', f);
    }
}

/* Read a whole reference string (cli.h). */
char *cli_read_file(const char *path, size_t *len, struct vms_error *e)
{
    char *buf;
    if (vms_read_file(path, "reference string", CLI_REFS_MAX, true, &buf, len, e) < 0)
        return NULL;
    return buf;
}

/* Parse a decimal option value >= min into *out. */
int cli_number(const char *opt, const char *arg, uint64_t min, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!arg[0] || arg[0] == '-')
        return cli_usage_error("%s: expected a number, found '%s'", opt, arg);
    unsigned long long v = strtoull(arg, &end, 0);
    if (*end || errno)
        return cli_usage_error("%s: expected a number, found '%s'", opt, arg);
    if (v < min)
        return cli_usage_error("%s: must be at least %" PRIu64 ", found '%s'", opt, min, arg);
    *out = v;
    return 0;
}

/* The run's and its input's provenance (docs/statistics.md, "Provenance") around what
 * the library printed into buf: JSON gains the objects vmsim, run and inputs first, CSV
 * columns at the end of every row, text a one-line summary first. */
struct pages_prov {
    const struct vms_pages_opts *o;
    bool series;
    const char *path; /* the --file, or "arguments" */
    uint64_t bytes, hash;
};

static void pages_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void pages_output(const char *buf, size_t len, enum vms_format fmt,
                         const struct pages_prov *p)
{
    const char *policy = p->series ? "ws" : p->o->policy;
    if (fmt == VMS_JSON && len > 0 && buf[0] == '{') {
        fputs("{\"vmsim\":{\"version\":", stdout);
        pages_json_string(vms_version());
        fputs(",\"build\":", stdout);
        pages_json_string(vms_build());
        fputs("},\"run\":{\"policy\":", stdout);
        pages_json_string(policy);
        printf(",\"frames\":%" PRIu32 ",\"params\":{\"seed\":%" PRIu64 ",\"tau\":%" PRIu64
               ",\"bits\":%u,\"tick\":%" PRIu32 "}},\"inputs\":[{\"path\":",
               p->series ? 0 : p->o->frames, p->o->params.seed, p->o->params.tau,
               p->o->params.bits, p->o->params.tick);
        pages_json_string(p->path);
        printf(",\"format\":\"refs\",\"compression\":\"none\",\"bytes\":%" PRIu64
               ",\"hash\":\"%016" PRIx64 "\",\"complete\":true}],", p->bytes, p->hash);
        fwrite(buf + 1, 1, len - 1, stdout);
        return;
    }
    if (fmt == VMS_CSV) {
        bool head = true;
        for (const char *line = buf; *line;) {
            const char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) : strlen(line);
            fwrite(line, 1, n, stdout);
            if (head) {
                fputs(",vmsim.version,vmsim.build,run.policy,run.params.tau,input.path,"
                      "input.format,input.bytes,input.hash", stdout);
            } else {
                printf(",%s,", vms_version());
                cli_csv_field(stdout, vms_build());
                printf(",%s,%" PRIu64 ",", policy, p->o->params.tau);
                cli_csv_field(stdout, p->path);
                printf(",refs,%" PRIu64 ",%016" PRIx64, p->bytes, p->hash);
            }
            putchar('\n');
            head = false;
            line += n + (nl != NULL);
        }
        return;
    }
    /* text: a one-line summary of the same first */
    printf("vmsim %s (%s): pages policy %s, ", vms_version(), vms_build(), policy);
    if (p->series)
        printf("tau %" PRIu64, p->o->params.tau);
    else
        printf("frames %" PRIu32 ", seed %" PRIu64 ", tau %" PRIu64 ", bits %u, tick %" PRIu32,
               p->o->frames, p->o->params.seed, p->o->params.tau, p->o->params.bits,
               p->o->params.tick);
    printf("; %s %" PRIu64 " bytes hash %016" PRIx64 "\n", p->path, p->bytes, p->hash);
    fwrite(buf, 1, len, stdout);
}

int cmd_pages(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"frames", required_argument, NULL, 'f'}, {"policy", required_argument, NULL, 'p'},
        {"file", required_argument, NULL, 'F'},   {"table", no_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},         {"csv", no_argument, NULL, 'c'},
        {"tau", required_argument, NULL, 'T'},    {"seed", required_argument, NULL, 's'},
        {"bits", required_argument, NULL, 'b'},   {"tick", required_argument, NULL, 'k'},
        {"ws-series", no_argument, NULL, 'w'},    {"svg", required_argument, NULL, 'S'},
        {"state", no_argument, NULL, 'X'},        {"width", required_argument, NULL, 'W'},
        {"belady", no_argument, NULL, 'B'},       {"max-frames", required_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    struct vms_pages_opts o = {.policy = "clock"};
    const char *file = NULL, *svg_path = NULL;
    bool table = false, have_frames = false, series = false, belady = false;
    uint32_t max_frames = 0;
    o.width = 80;
    enum vms_format fmt = VMS_TEXT;
    uint64_t v;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (cli_number("--frames", optarg, 1, &v))
                return 2;
            if (v > UINT32_MAX / 2)
                return cli_usage_error("--frames: too many frames: %s", optarg);
            o.frames = (uint32_t)v;
            have_frames = true;
            break;
        case 'p': o.policy = optarg; break;
        case 'F': file = optarg; break;
        case 't': table = true; break;
        case 'j': fmt = VMS_JSON; break;
        case 'c': fmt = VMS_CSV; break;
        case 'T':
            if (cli_number("--tau", optarg, 1, &o.params.tau))
                return 2;
            break;
        case 's':
            if (cli_number("--seed", optarg, 0, &o.params.seed))
                return 2;
            break;
        case 'b':
            if (cli_number("--bits", optarg, 1, &v))
                return 2;
            if (v > 32)
                return cli_usage_error("--bits: aging counters have 1 to 32 bits, not %s",
                                       optarg);
            o.params.bits = (unsigned)v;
            break;
        case 'k':
            if (cli_number("--tick", optarg, 1, &v) || v > UINT32_MAX)
                return 2;
            o.params.tick = (uint32_t)v;
            break;
        case 'w': series = true; break;
        case 'S': svg_path = optarg; break;
        case 'X': o.state = true; break;
        case 'W':
            if (cli_number("--width", optarg, 0, &v))
                return 2;
            if (v > UINT32_MAX)
                return cli_usage_error("--width: too wide: %s", optarg);
            o.width = (unsigned)v;
            break;
        case 'B': belady = true; break;
        case 'M':
            if (cli_number("--max-frames", optarg, 1, &v))
                return 2;
            if (v > UINT32_MAX / 2)
                return cli_usage_error("--max-frames: too many frames: %s", optarg);
            max_frames = (uint32_t)v;
            break;
        case 'h': pages_usage(stdout); return 0;
        default: return cli_option_error(c, argv, longopts);
        }
    }
    struct vms_policy_info pi;
    if (!series && !vms_policy_lookup(o.policy, &pi))
        return cli_usage_error("--policy: unknown policy '%s' (see `vmsim pages --help`)",
                               o.policy);
    if (belady && (series || have_frames || table || o.state || fmt == VMS_CSV))
        return cli_usage_error("--belady sweeps the frame counts itself: it goes without %s",
                               series ? "--ws-series" : have_frames ? "--frames (use --max-frames)"
                               : fmt == VMS_CSV ? "--csv" : "--table and --state");
    if (max_frames && !belady)
        return cli_usage_error("--max-frames goes with --belady");
    if (belady && pi.uses_tau)
        return cli_usage_error("--belady: %s sizes itself by --tau, not by frames", o.policy);
    if (series && o.state)
        return cli_usage_error("--state goes with a policy's run, not --ws-series");
    if (!series && !belady && !pi.uses_tau && !have_frames)
        return cli_usage_error("--frames N is required for policy %s", o.policy);
    if ((series || (!series && pi.uses_tau)) && !o.params.tau)
        return cli_usage_error("--tau T is required for %s",
                               series ? "--ws-series" : o.policy);
    if (file && optind < argc)
        return cli_usage_error("give references as arguments or --file, not both");

    struct vms_refs refs = {0};
    struct vms_error e = {0};
    struct pages_prov prov = {.o = &o, .series = series, .path = file ? file : "arguments"};
    int rc = 0;
    if (file) {
        size_t len;
        char *text = cli_read_file(file, &len, &e);
        if (!text)
            return cli_fail(&e);
        prov.bytes = len;
        prov.hash = vms_input_hash(text, len);
        rc = vms_refs_parse(&refs, text, len, file, &e);
        vms_read_file_free(text);
    } else {
        /* the arguments' identity: their text joined by single spaces */
        size_t len = 0;
        for (int i = optind; i < argc; i++)
            len += strlen(argv[i]) + 1;
        char *joined = malloc(len + 1);
        if (!joined)
            return cli_usage_error("out of memory");
        joined[0] = '\0';
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                strcat(joined, " ");
            strcat(joined, argv[i]);
        }
        prov.bytes = strlen(joined);
        prov.hash = vms_input_hash(joined, prov.bytes);
        free(joined);
        for (int i = optind; i < argc && rc == 0; i++) {
            char name[32];
            snprintf(name, sizeof name, "argument %d", i - optind + 1);
            rc = vms_refs_parse(&refs, argv[i], strlen(argv[i]), name, &e);
        }
    }
    if (rc < 0) {
        vms_refs_fini(&refs);
        return cli_fail(&e);
    }
    if (refs.n == 0) {
        vms_refs_fini(&refs);
        return cli_usage_error("no page references given (try 'vmsim help pages')");
    }
    if (series) {
        /* a temporary file, renamed over the SVG once it is drawn; never the input */
        FILE *svg = NULL;
        struct vms_output *svg_file = NULL;
        if (svg_path)
            cli_interrupt_cleanup_install(); /* a signal removes the temporary file */
        if (svg_path && (vms_output_open(svg_path, &file, file ? 1 : 0, &svg_file, &e) < 0 ||
                         !(svg = vms_output_stream(svg_file)))) {
            vms_output_abort(svg_file);
            vms_refs_fini(&refs);
            return e.code == VMS_EINVAL ? cli_fail(&e)
                                        : cli_usage_error("--svg: %s", e.msg[0] ? e.msg
                                                                              : "out of memory");
        }
        char *buf = NULL;
        size_t blen = 0;
        FILE *mf = open_memstream(&buf, &blen);
        if (!mf) {
            vms_output_abort(svg_file);
            vms_refs_fini(&refs);
            return cli_usage_error("out of memory");
        }
        rc = vms_ws_print(&refs, o.params.tau, mf, fmt, svg, &e);
        if (rc == -VMS_EIO) /* the SVG's write errors show at fclose, as they always have */
            rc = 0;
        if (fclose(mf) != 0 || !buf)
            rc = -VMS_ENOMEM, snprintf(e.msg, sizeof e.msg, "out of memory");
        else if (rc == 0)
            pages_output(buf, blen, fmt, &prov);
        free(buf);
        if (svg_file && rc < 0)
            vms_output_abort(svg_file);
        else if (svg_file && vms_output_commit(svg_file, &e) < 0)
            rc = -VMS_EIO;
        vms_refs_fini(&refs);
        return rc < 0 ? cli_fail(&e) : 0;
    }
    if (fmt == VMS_CSV) {
        vms_refs_fini(&refs);
        return cli_usage_error("--csv goes with --ws-series (use --json for a run)");
    }
    if (belady) {
        struct vms_pages_sweep *sw;
        rc = vms_pages_sweep(&o, &refs, max_frames, &sw, &e);
        vms_refs_fini(&refs);
        if (rc < 0)
            return cli_fail(&e);
        o.frames = vms_pages_sweep_max(sw); /* the provenance names the largest */
        char *buf = NULL;
        size_t blen = 0;
        FILE *mf = open_memstream(&buf, &blen);
        if (mf) {
            vms_pages_sweep_print(sw, mf, fmt, &e); /* cannot fail but for memory */
            if (fclose(mf) == 0 && buf)
                pages_output(buf, blen, fmt, &prov);
            else
                rc = cli_usage_error("out of memory");
            free(buf);
        } else {
            rc = cli_usage_error("out of memory");
        }
        vms_pages_sweep_destroy(sw);
        return rc;
    }
    struct vms_pages *res;
    o.table = table || o.state || refs.n <= PAGES_TABLE_MAX;
    rc = vms_pages_run(&o, &refs, &res, &e);
    if (rc < 0) {
        vms_refs_fini(&refs);
        return cli_fail(&e);
    }
    char *buf = NULL;
    size_t blen = 0;
    FILE *mf = open_memstream(&buf, &blen);
    if (mf) {
        vms_pages_print(res, mf, fmt, &e); /* text or JSON: cannot fail but for memory */
        if (fclose(mf) == 0 && buf)
            pages_output(buf, blen, fmt, &prov);
        else
            rc = cli_usage_error("out of memory");
        free(buf);
    } else {
        rc = cli_usage_error("out of memory");
    }
    vms_pages_destroy(res);
    vms_refs_fini(&refs);
    return rc;
}
