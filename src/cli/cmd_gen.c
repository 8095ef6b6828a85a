/* vmsim gen translate|pages|run --seed N [--machine M] [--want W] [--count K]
 * [--format text|md|json] [--answers]: seeded exercises with their keys (docs/teaching.md). */
#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: vmsim gen translate|pages|run --seed N [--machine M] [--want W] [--count K]\n"
            "                 [--format text|md|json] [--answers]\n"
            "\n"
            "Generates an exercise from vmsim's own pseudo-random generator (SplitMix64 from\n"
            "the seed: the same problems on every platform and release; docs/teaching.md):\n"
            "  translate  a machine state (TLB, page table, cache, memory bytes; a state file\n"
            "             for `vmsim translate --state`) and virtual addresses to translate\n"
            "  pages      a reference string, frames and a policy: the frames after each\n"
            "             reference and the faults\n"
            "  run        a scenario story on the simulated kernel (fork/COW, shared file,\n"
            "             protection faults, swap): what its loads and stores print\n"
            "The text format is an answer sheet for `vmsim check --seed N FILE`.\n"
            "\n"
            "  --seed N        the exercise's seed, 0 to 18446744073709551615 (required)\n"
            "  --machine M     translate: the machine preset (default csapp-small)\n"
            "  --want W        translate: scenarios separated by ',', problem i taking the\n"
            "                  i-th (cyclically); each random or steps joined by '+' from\n"
            "                  tlb-hit, tlb-miss, page-fault, pde-fault, no-fault, cache-hit,\n"
            "                  cache-miss (e.g. tlb-miss+cache-hit); pages: the policy (fifo,\n"
            "                  lru, opt, clock; default one of them); run: the story\n"
            "                  (fork-cow, shared, protection, swap; default one of them)\n"
            "  --count K       problems (translate: 1..64, default 4 or one per scenario;\n"
            "                  pages: references, 1..64, default 12; run: questions,\n"
            "                  1..32, default 5)\n"
            "  --format F      text (default: the answer sheet), md (a Markdown handout) or\n"
            "                  json (one object: state, machine, seed, problems)\n"
            "  --answers       print the key: the answers filled in (JSON: each problem's\n"
            "                  answer as `vmsim translate --json` gives it)\n");
}

/* A seed (cli.h). */
int cli_seed(const char *arg, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = strlen(arg);
    if (n == 0 || n > 20)
        goto bad;
    for (size_t i = 0; i < n; i++) {
        if (arg[i] < '0' || arg[i] > '9')
            goto bad;
        unsigned d = (unsigned)(arg[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            goto bad;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
bad:
    return cli_usage_error("--seed: expected a number from 0 to 18446744073709551615, found '%s'",
                           arg);
}

int cmd_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"machine", required_argument, NULL, 'm'},
        {"want", required_argument, NULL, 'w'},
        {"count", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"answers", no_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct vms_exercise_opts o = {0};
    enum vms_exercise_format fmt = VMS_EXERCISE_TEXT;
    bool answers = false, have_seed = false;
    uint64_t count = 0;
    int ch;
    /* The kind first: vmsim gen translate --seed 1 */
    const char *kind = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
    if (kind) {
        argc--;
        argv++;
    }
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hs:m:w:c:f:a", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if (cli_seed(optarg, &o.seed))
                return 2;
            have_seed = true;
            break;
        case 'm': o.machine = optarg; break;
        case 'w': o.want = optarg; break;
        case 'c':
            if (cli_number("--count", optarg, 1, &count))
                return 2;
            if (count > 64)
                return cli_usage_error("--count: at most 64, found '%s'", optarg);
            o.count = (unsigned)count;
            break;
        case 'f':
            if (!strcmp(optarg, "text"))
                fmt = VMS_EXERCISE_TEXT;
            else if (!strcmp(optarg, "md"))
                fmt = VMS_EXERCISE_MD;
            else if (!strcmp(optarg, "json"))
                fmt = VMS_EXERCISE_JSON;
            else
                return cli_usage_error("--format: expected text, md or json, found '%s'",
                                       optarg);
            break;
        case 'a': answers = true; break;
        case 'h': help(stdout); return 0;
        default: return cli_option_error(ch, argv, opts);
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s' (the kind of exercise comes first)",
                               argv[optind]);
    if (!kind)
        return cli_usage_error("expected the kind of exercise: translate, pages or run");
    if (!strcmp(kind, "translate"))
        o.kind = VMS_EXERCISE_TRANSLATE;
    else if (!strcmp(kind, "pages"))
        o.kind = VMS_EXERCISE_PAGES;
    else if (!strcmp(kind, "run"))
        o.kind = VMS_EXERCISE_RUN;
    else
        return cli_usage_error("expected translate, pages or run, found '%s'", kind);
    if (!have_seed)
        return cli_usage_error("--seed N is required");
    if (o.machine && o.kind != VMS_EXERCISE_TRANSLATE)
        return cli_usage_error("--machine goes with gen translate");
    struct vms_error e = {0};
    struct vms_exercise *x;
    if (vms_exercise_create(&o, &x, &e))
        return cli_fail(&e);
    int rc = 0, r = vms_exercise_print(x, stdout, fmt, answers, &e);
    if (r && r != -VMS_EIO) /* a write error of standard output is main's to report */
        rc = cli_fail(&e);
    vms_exercise_destroy(x);
    return rc;
}
