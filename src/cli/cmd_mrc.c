/* vmsim mrc: miss-ratio curves for one or more policies over a reference string. */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void mrc_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim mrc --policy P[,P...] [--csv|--json] [--svg OUT] --file F\n\n"
            "Faults and miss ratio for every memory size from 1 frame to the footprint (the\n"
            "number of distinct pages), or for the sizes given with --sizes. Stack algorithms\n"
            "are computed in one pass: lru by Mattson stack distances in a Fenwick tree\n"
            "(O(log n) per reference), opt and lfu by their priority stacks; every other\n"
            "policy is simulated at each size, sizes in parallel on all CPUs.\n\n"
            "The input is a page reference string (as for `vmsim pages`): pages separated by\n"
            "spaces, commas or newlines, 'w' marking writes, '#' comments.\n\n"
            "options:\n"
            "  --policy LIST   comma-separated policies (default lru); ws is not allowed\n"
            "  --file F        the reference string ('-': standard input)\n"
            "  --sizes LIST    frame counts to report, e.g. 1,2,4,8 or 1-64 (default all)\n"
            "  --csv           policy,frames,faults,miss_ratio rows\n"
            "  --json          one object with a curve per policy\n"
            "  --svg OUT       also plot miss ratio against frames into OUT (SVG)\n"
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

int cmd_mrc(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'}, {"file", required_argument, NULL, 'F'},
        {"sizes", required_argument, NULL, 'z'},  {"csv", no_argument, NULL, 'c'},
        {"json", no_argument, NULL, 'j'},         {"svg", required_argument, NULL, 'S'},
        {"title", required_argument, NULL, 'i'},  {"shards", required_argument, NULL, 'r'},
        {"simulate", no_argument, NULL, 'm'},     {"threads", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},   {"tau", required_argument, NULL, 'T'},
        {"bits", required_argument, NULL, 'b'},   {"tick", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    struct vms_mrc_opts o = {.policies = "lru"};
    const char *file = NULL, *svg_path = NULL, *title = NULL;
    enum vms_format fmt = VMS_TEXT;
    uint32_t *sizes = NULL;
    size_t nsizes = 0;
    uint64_t v;
    int c, rc = 2;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
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
            if (cli_number("--seed", optarg, 0, &o.seed))
                goto out;
            break;
        case 'T':
            if (cli_number("--tau", optarg, 1, &o.tau))
                goto out;
            break;
        case 'b':
            if (cli_number("--bits", optarg, 1, &v))
                goto out;
            if (v > 32) {
                cli_usage_error("--bits: aging counters have 1 to 32 bits, not %s", optarg);
                goto out;
            }
            o.bits = (unsigned)v;
            break;
        case 'k':
            if (cli_number("--tick", optarg, 1, &v) || v > UINT32_MAX)
                goto out;
            o.tick = (uint32_t)v;
            break;
        case 'h': mrc_usage(stdout); rc = 0; goto out;
        default:
            cli_usage_error("mrc: unknown option '%s' (try `vmsim mrc --help`)",
                            argv[optind - 1]);
            goto out;
        }
    }
    if (optind < argc && !file)
        file = argv[optind++];
    if (!file || optind < argc) {
        cli_usage_error("mrc: give one reference-string file with --file F (try `vmsim mrc "
                        "--help`)");
        goto out;
    }
    o.sizes = sizes;
    o.nsizes = nsizes;
    struct vms_error e = {0};
    struct vms_mrc *m = NULL;
    if (vms_mrc_create(&o, &m, &e) < 0) {
        rc = cli_fail(&e);
        goto out;
    }
    size_t len;
    char *text = cli_read_file(file, &len);
    if (!text) {
        cli_usage_error("%s: %s", file, strerror(errno));
        vms_mrc_destroy(m);
        goto out;
    }
    struct vms_refs refs = {0};
    int r = vms_refs_parse(&refs, text, len, file, &e);
    free(text);
    for (size_t i = 0; r == 0 && i < refs.n; i++)
        if (vms_mrc_touch(m, refs.page[i], refs.write[i]) < 0)
            r = -VMS_ENOMEM, snprintf(e.msg, sizeof e.msg, "mrc: out of memory");
    vms_refs_fini(&refs);
    if (r == 0)
        r = vms_mrc_finish(m, &e);
    if (r < 0) {
        rc = cli_fail(&e);
        vms_mrc_destroy(m);
        goto out;
    }
    vms_mrc_print(stdout, m, fmt);
    rc = 0;
    if (svg_path) {
        FILE *svg = fopen(svg_path, "w");
        if (!svg) {
            rc = cli_usage_error("--svg: %s: %s", svg_path, strerror(errno));
        } else {
            vms_mrc_svg(svg, m, title);
            if (fclose(svg) != 0)
                rc = cli_usage_error("--svg: %s: write failed", svg_path);
        }
    }
    vms_mrc_destroy(m);
out:
    free(sizes);
    return rc;
}
