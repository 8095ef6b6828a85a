/* `vmsim merge FILES... [-o OUT]`: joins CSV result files (the runs `vmsim sweep
 * --emit-jobs` printed) into the one CSV `vmsim sweep` writes. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/interrupt.h"

static void merge_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim merge [-o OUT] FILE...\n"
            "\n"
            "Joins CSV files with header rows, such as the result files of the runs that\n"
            "`vmsim sweep --emit-jobs DIR` prints, into one CSV: every row in the order of\n"
            "the files; columns that are not statistics (the run parameters) first, then the\n"
            "statistics in schema order; empty cells where a file lacks a column (a machine\n"
            "without an L3, say). The result equals what `vmsim sweep` writes for the same\n"
            "grid. Every row keeps its provenance columns (vmsim.version, vmsim.build,\n"
            "run.*, input.*: docs/statistics.md); rows of different vmsim versions are\n"
            "refused unless --force-versions.\n"
            "\n"
            "  -o, --output OUT     write to OUT instead of standard output\n"
            "  --force-versions     join results of different vmsim versions too\n");
}

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"force-versions", no_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *outpath = NULL;
    unsigned flags = 0;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outpath = optarg; break;
        case 'F': flags |= VMS_MERGE_ANY_VERSION; break;
        case 'h': merge_usage(stdout); return 0;
        default: return cli_option_error(c, argv, opts);
        }
    }
    if (optind >= argc)
        return cli_usage_error("expected one or more CSV files");
    /* OUT is a temporary file until the merge succeeded (an old OUT survives a failed
     * one); an OUT that is one of the FILEs is refused before anything is read. */
    const char *const *ins = (const char *const *)(argv + optind);
    size_t nins = (size_t)(argc - optind);
    FILE *out = stdout;
    struct vms_output *of = NULL;
    struct vms_error e = {0};
    if (outpath && strcmp(outpath, "-") != 0) {
        cli_interrupt_cleanup_install(); /* a signal removes the temporary file */
        if (vms_output_open(outpath, ins, nins, &of, &e) < 0)
            return e.code == VMS_EINVAL ? cli_fail(&e) : cli_usage_error("-o: %s", e.msg);
        if (!(out = vms_output_stream(of))) {
            vms_output_abort(of);
            return cli_usage_error("-o: %s: out of memory", outpath);
        }
    }
    int status = 0;
    if (vms_stats_merge(ins, nins, flags, out, &e) < 0)
        status = cli_fail(&e);
    if (of && status != 0)
        vms_output_abort(of);
    else if (of && vms_output_commit(of, &e) < 0)
        status = cli_fail(&e);
    return status;
}
