/* vmsim translate --state FILE [--json] [--sequential] [--access KIND]
 * [--layout book|list] [--explain answer|hints|steps] VA...: address translations in
 * the textbook's layout (CS:APP 3e 9.6.4), with the key, hints or every step. */
#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *f)
{
    fprintf(f,
            "usage: vmsim translate --state FILE [--json] [--sequential] [--access load|store|fetch]\n"
            "                      [--layout book|list] [--explain answer|hints|steps] VA...\n"
            "\n"
            "Loads a machine state (machine, TLB, page-table and cache contents, optional\n"
            "memory bytes; see docs/state-format.md) and translates each VA in the layout of\n"
            "CS:APP 3e 9.6.4: the VA's bit strip with the fields bracketed under it (VPN|VPO,\n"
            "TLBT|TLBI, VPN1..VPNk), the PA's (PPN|PPO, CT|CI|CO), then the book's questions\n"
            "answered: VPN, TLBI, TLBT, TLB hit?, Page fault?, PPN, PA, CO, CI, CT, Cache hit?,\n"
            "Byte returned (\"not given by the tables\" when the state does not give it).\n"
            "\n"
            "  --state FILE    the machine state (e.g. examples/csapp-small.state)\n"
            "  --json          one JSON object per VA, one per line (JSON Lines), after a\n"
            "                  first line with the provenance (version, machine, state file)\n"
            "  --sequential    let the state evolve from one VA to the next (TLB and cache\n"
            "                  fills, replacement, A/D bits); default: each VA from the state\n"
            "  --access KIND   load (default), store or fetch\n"
            "  --explain HOW   answer: the questions and answers only; hints: the VA's bit\n"
            "                  strip and one hint per step, without the answers; steps:\n"
            "                  every step with its reasoning (which TLB set and tag, which\n"
            "                  PTE address and its bits, which cache set and tag), then the\n"
            "                  answers\n"
            "  --layout L      book (default): the textbook's layout; list: the step list\n"
            "                  (TLB, each PTE read, cache; no --explain)\n");
}

int cmd_translate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"state", required_argument, NULL, 's'},
        {"json", no_argument, NULL, 'j'},
        {"sequential", no_argument, NULL, 'q'},
        {"access", required_argument, NULL, 'a'},
        {"explain", required_argument, NULL, 'x'},
        {"layout", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *state = NULL;
    bool json = false, seq = false;
    enum vms_access acc = VMS_LOAD;
    enum vms_explain how = VMS_EXPLAIN_BOOK;
    bool list = false, explain = false;
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hs:jqa:x:l:", opts, NULL)) != -1) {
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
        case 'x':
            explain = true;
            if (!strcmp(optarg, "answer"))
                how = VMS_EXPLAIN_ANSWER;
            else if (!strcmp(optarg, "hints"))
                how = VMS_EXPLAIN_HINTS;
            else if (!strcmp(optarg, "steps"))
                how = VMS_EXPLAIN_STEPS;
            else
                return cli_usage_error("--explain: expected answer, hints or steps, found '%s'",
                                       optarg);
            break;
        case 'l':
            if (!strcmp(optarg, "book"))
                list = false;
            else if (!strcmp(optarg, "list"))
                list = true;
            else
                return cli_usage_error("--layout: expected book or list, found '%s'", optarg);
            break;
        case 'h': help(stdout); return 0;
        default: return cli_option_error(ch, argv, opts);
        }
    }
    if (!state)
        return cli_usage_error("--state FILE is required");
    if (list && explain)
        return cli_usage_error("--explain goes with --layout book, not --layout list");
    if (json && (list || explain))
        return cli_usage_error("--json prints every field already; --layout and --explain "
                               "choose text layouts");
    if (list)
        how = VMS_EXPLAIN_LIST;
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
        vms_translator_set_explain(t, how);
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
