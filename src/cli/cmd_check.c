/* vmsim check --seed N [--mode per-field|through-first|all-or-nothing] [--json]
 * [--gradescope OUT] ANSWERS: grade an answers file of a `vmsim gen` exercise. */
#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: vmsim check --seed N [--mode per-field|through-first|all-or-nothing]\n"
            "                   [--json] [--gradescope OUT] ANSWERS\n"
            "\n"
            "Grades an answers file of `vmsim gen` (its answer sheet with the '?' filled in;\n"
            "docs/teaching.md): regenerates the exercise its `exercise` line names from the\n"
            "seed and compares every field (translate: VPN, TLBI, TLBT, TLB hit, page fault,\n"
            "PPN, PA, CO, CI, CT, cache hit, byte; pages: the frames after each reference and\n"
            "the fault). Prints a report with the hint of each problem's first wrong step.\n"
            "Exit status 0 when every field is right, 1 when some are not, 2 for bad input.\n"
            "\n"
            "  --seed N        the seed the exercise was generated with (required; the\n"
            "                  file's exercise line must say the same)\n"
            "  --mode M        per-field (default): a point per right field; through-first:\n"
            "                  the fields before a problem's first wrong one; all-or-nothing:\n"
            "                  a problem's points only when all its fields are right\n"
            "  --json          the report as one JSON object\n"
            "  --gradescope OUT  also write Gradescope's results.json to OUT (score,\n"
            "                  max_score, tests: one per problem)\n");
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"mode", required_argument, NULL, 'm'},
        {"json", no_argument, NULL, 'j'},
        {"gradescope", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    uint64_t seed = 0;
    bool have_seed = false, json = false;
    enum vms_grade_mode mode = VMS_GRADE_PER_FIELD;
    const char *gs = NULL;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hs:m:jg:", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if (cli_seed(optarg, &seed))
                return 2;
            have_seed = true;
            break;
        case 'm':
            if (!strcmp(optarg, "per-field"))
                mode = VMS_GRADE_PER_FIELD;
            else if (!strcmp(optarg, "through-first"))
                mode = VMS_GRADE_THROUGH_FIRST;
            else if (!strcmp(optarg, "all-or-nothing"))
                mode = VMS_GRADE_ALL_OR_NOTHING;
            else
                return cli_usage_error("--mode: expected per-field, through-first or "
                                       "all-or-nothing, found '%s'", optarg);
            break;
        case 'j': json = true; break;
        case 'g': gs = optarg; break;
        case 'h': help(stdout); return 0;
        default: return cli_option_error(ch, argv, opts);
        }
    }
    if (!have_seed)
        return cli_usage_error("--seed N is required");
    if (optind + 1 != argc)
        return cli_usage_error(optind == argc ? "expected an answers file"
                                              : "expected one answers file");
    const char *path = argv[optind];
    struct vms_error e = {0};
    const char *inputs[] = {path};
    if (gs && vms_output_check(gs, inputs, 1, &e))
        return cli_fail(&e);
    char *text;
    size_t len;
    if (vms_read_file(path, "answers file", (size_t)16 << 20, true, &text, &len, &e) < 0)
        return cli_fail(&e);
    struct vms_grade *g;
    int rc = vms_grade(text, len, !strcmp(path, "-") ? "<stdin>" : path, seed, mode, &g, &e);
    vms_read_file_free(text);
    if (rc)
        return cli_fail(&e);
    if (gs) {
        struct vms_output *o;
        if (vms_output_open(gs, inputs, 1, &o, &e)) {
            vms_grade_destroy(g);
            return cli_fail(&e);
        }
        FILE *f = vms_output_stream(o);
        if (!f || vms_grade_gradescope(g, f, &e)) {
            vms_output_abort(o);
            vms_grade_destroy(g);
            return f ? cli_fail(&e) : cli_usage_error("out of memory");
        }
        if (vms_output_commit(o, &e)) {
            vms_grade_destroy(g);
            return cli_fail(&e);
        }
    }
    int r = vms_grade_print(g, stdout, json ? VMS_JSON : VMS_TEXT, &e);
    rc = vms_grade_score(g) == vms_grade_max_score(g) ? 0 : 1;
    if (r && r != -VMS_EIO)
        rc = cli_fail(&e);
    vms_grade_destroy(g);
    return rc;
}
