/* `vmsim trace --count FILE` (records by kind) and `vmsim trace --convert FORMAT -o OUT
 * FILE`. Trace-driven simulation (`vmsim trace FILE` with machine options) belongs to the
 * machine and kernel and is not part of this command yet. */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "cli/cli.h"

static void trace_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim trace --count [--skip-bad] FILE|-\n"
            "       vmsim trace --convert FORMAT -o OUT [--skip-bad] [--source TEXT] FILE|-\n"
            "\n"
            "Reads a memory trace: Valgrind lackey, Dinero din or the vmsim binary format,\n"
            "plain or gzip/xz/zstd-compressed (all detected); - is standard input.\n"
            "\n"
            "  --count            print the records by kind (I, L, S, M) and skipped lines\n"
            "  --convert FORMAT   write the trace as lackey, din or vmsim (binary) to -o OUT\n"
            "  -o, --output OUT   output file for --convert (- = standard output)\n"
            "  --skip-bad         skip malformed lines (and count them) instead of failing\n"
            "  --source TEXT      description stored in a vmsim binary header\n"
            "\n"
            "The formats are described in docs/trace-formats.md.\n");
}

static int trace_count(const char *path, unsigned flags)
{
    struct vms_error e = {0};
    struct vms_trace *t = vms_trace_open(path, flags, &e);
    if (!t)
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
    vms_trace_close(t);
    return 0;
}

int cmd_trace(int argc, char **argv)
{
    enum { OPT_COUNT = 256, OPT_CONVERT, OPT_SKIP_BAD, OPT_SOURCE, OPT_HELP };
    static const struct option opts[] = {
        {"count", no_argument, NULL, OPT_COUNT},
        {"stats-only", no_argument, NULL, OPT_COUNT},
        {"convert", required_argument, NULL, OPT_CONVERT},
        {"output", required_argument, NULL, 'o'},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    bool count = false;
    const char *convert = NULL, *out = NULL, *source = NULL;
    unsigned flags = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_COUNT: count = true; break;
        case OPT_CONVERT: convert = optarg; break;
        case 'o': out = optarg; break;
        case OPT_SKIP_BAD: flags |= VMS_TRACE_SKIP_BAD; break;
        case OPT_SOURCE: source = optarg; break;
        case 'h':
        case OPT_HELP: trace_usage(stdout); return 0;
        case ':': return cli_usage_error("trace: %s needs an argument", argv[optind - 1]);
        default: return cli_usage_error("trace: unknown option '%s' (try `vmsim trace --help`)",
                                        argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("trace: expected one trace FILE (or - for standard input)");
    const char *in = argv[optind];
    if (count && convert)
        return cli_usage_error("trace: --count and --convert are exclusive");
    if (count)
        return trace_count(in, flags);
    if (!convert)
        return cli_usage_error("trace: give --count or --convert FORMAT (simulating a trace "
                               "is not part of this build yet; see `vmsim trace --help`)");
    enum vms_trace_format fmt;
    if (!vms_trace_format_parse(convert, &fmt))
        return cli_usage_error("--convert: expected lackey, din or vmsim, not '%s'", convert);
    if (!out)
        return cli_usage_error("--convert: needs -o OUT (- for standard output)");
    struct vms_error e = {0};
    if (vms_trace_convert(in, out, fmt, flags, source, NULL, &e) < 0)
        return cli_fail(&e);
    return 0;
}
