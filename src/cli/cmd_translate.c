/* vmsim translate --state FILE [--json] [--sequential] [--access KIND] VA...:
 * address translations explained step by step, as the textbook does them. */
#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: vmsim translate --state FILE [--json] [--sequential] [--access load|store|fetch] VA...\n"
            "\n"
            "Loads a machine state (machine, TLB, page-table and cache contents, optional\n"
            "memory bytes; see docs/state-format.md) and translates each VA, printing every\n"
            "step: the VA's bits, VPN/VPO, TLBI/TLBT, TLB hit or miss, the PTEs read, page\n"
            "fault or PPN, PA, CO/CI/CT, cache hit or miss, and the byte returned.\n"
            "\n"
            "  --state FILE    the machine state (e.g. examples/csapp-small.state)\n"
            "  --json          one JSON object per VA, one per line (JSON Lines), after a\n"
            "                  first line with the provenance (version, machine, state file)\n"
            "  --sequential    let the state evolve from one VA to the next (TLB and cache\n"
            "                  fills, replacement, A/D bits); default: each VA from the state\n"
            "  --access KIND   load (default), store or fetch\n");
}

int cmd_translate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"state", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"sequential", no_argument, NULL, 'q'},
        {"access", required_argument, NULL, 'a'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *state = NULL;
    bool json = false, seq = false;
    enum vms_access acc = VMS_LOAD;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hs:jqa:", opts, NULL)) != -1) {
        switch (ch) {
        case 's': state = optarg; break;
        case 'j': json = true; break;
        case 'q': seq = true; break;
        case 'a':
            if (!strcmp(optarg, "load"))
                acc = VMS_LOAD;
            else if (!strcmp(optarg, "store"))
                acc = VMS_STORE;
            else if (!strcmp(optarg, "fetch"))
                acc = VMS_FETCH;
            else
                return cli_usage_error("--access: expected load, store or fetch, found '%s'",
                                       optarg);
            break;
        case 'h': help(stdout); return 0;
        default: return cli_option_error(ch, argv, opts);
        }
    }
    if (!state)
        return cli_usage_error("--state FILE is required");
    if (optind >= argc)
        return cli_usage_error("expected at least one virtual address");
    struct vms_error e = {0};
    struct vms_state *st;
    if (vms_state_load(state, &st, &e))
        return cli_fail(&e);
    struct vms_translator *t;
    int rc = 0;
    if (vms_translator_create(st, seq, acc, &t, &e)) {
        rc = cli_fail(&e);
    } else {
        /* Check every VA before printing anything. */
        for (int i = optind; i < argc && !rc; i++)
            if (vms_translate(t, argv[i], NULL, VMS_TEXT, &e))
                rc = cli_fail(&e);
        /* JSON Lines: where the translations come from first (docs/state-format.md) */
        if (!rc && json) {
            int r = vms_translate_provenance(t, (size_t)(argc - optind), stdout, &e);
            if (r && r != -VMS_EIO)
                rc = cli_fail(&e);
        }
        for (int i = optind; i < argc && !rc; i++) {
            if (!json && i > optind)
                putchar('\n');
            /* a write error of standard output is main's to report (exit status 2) */
            int r = vms_translate(t, argv[i], stdout, json ? VMS_JSON : VMS_TEXT, &e);
            if (r && r != -VMS_EIO)
                rc = cli_fail(&e);
        }
    }
    vms_translator_destroy(t);
    vms_state_destroy(st);
    return rc;
}
