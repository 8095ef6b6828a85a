/* vmsim run: parse a .vms scenario, then run it on one backend (--on-linux: the host's real
 * kernel; --check: none, validate only; default: the simulated kernel). */
#include "cli/cli.h"
#include "cli/interrupt.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: vmsim run [--echo] [--json] [--audit] [--workdir DIR] [--keep] [FILE.vms]\n"
            "       vmsim run --on-linux [--workdir DIR] [--keep] [--timeout S] FILE.vms\n"
            "       vmsim run --check FILE.vms\n"
            "       vmsim run --print-demo\n"
            "\n"
            "Run a scenario (docs/scenario.md; FILE may be - for standard input) on the simulated\n"
            "machine and kernel; without FILE, run the built-in demonstration (fork and COW, a\n"
            "shared file mapping, swapping under pressure, faults, statistics), which tells its\n"
            "story and echoes each command (\"> COMMAND\") before its output. One command\n"
            "per line, # starts a comment; sizes take K/KiB, M/MiB, G/GiB and Npages/N pages.\n"
            "\n"
            "setup (before the first spawn):\n"
            "  machine PRESET [KEY=VALUE...]   memory SIZE   swap SIZE   policy NAME\n"
            "  file NAME SIZE fill BYTE | random SEED | zero\n"
            "processes:\n"
            "  spawn P   exec P PROG [ARGS]   fork P Q   exit P   switch P\n"
            "memory (ADDR is NAME, NAME+OFF or a number; PROT like rw-, r--, r-x):\n"
            "  P mmap A LENGTH PROT private|shared anon|file NAME [offset OFF] [at ADDR [fixed]]\n"
            "  P munmap ADDR LENGTH    P mprotect ADDR LENGTH PROT    P msync ADDR LENGTH\n"
            "  P brk +SIZE|-SIZE       P load ADDR SIZE               P store ADDR SIZE VALUE\n"
            "  P fetch ADDR            P expect ADDR SIZE VALUE       P fill ADDR LENGTH SEED\n"
            "  P check ADDR LENGTH SEED   P touch ADDR LENGTH [read|write]\n"
            "  P maps                  P pagetable [ADDR]             P stats\n"
            "anywhere:\n"
            "  expect file NAME OFFSET SIZE VALUE    stats\n"
            "\n"
            "options:\n"
            "  --check         parse and validate only; print nothing (exit 0 or 2)\n"
            "  --echo          print each command, as \"> COMMAND\", before its output (the\n"
            "                  demonstration always does)\n"
            "  --json          `stats` prints the statistics as JSON\n"
            "  --audit         check every kernel invariant after each command (slow; exit 2\n"
            "                  with the violation if one fails)\n"
            "  --print-demo    print the built-in demonstration's script\n"
            "  --on-linux      run on the host's kernel: each scenario process a real process,\n"
            "                  faults real signals; lines Linux cannot answer start with '# '\n"
            "  --workdir DIR   create the scenario's files (and the swap file) in DIR (default:\n"
            "                  a fresh temporary directory, removed afterwards; on a tmpfs\n"
            "                  with --on-linux, which warns when DIR is not on one)\n"
            "  --keep          keep the temporary directory (its path is printed on stderr)\n"
            "  --timeout S     seconds a process may take over one command (default 60)\n"
            "\n"
            "A note goes to stderr when the run thrashes (most of the simulated time spent on\n"
            "swap-ins; the run is complete). Policies: `vmsim pages --help` (all but opt).\n"
            "\n"
            "exit status: 0 ok, 1 an expect or check failed, 2 bad input or a failed system call\n");
}

/* The exit status of a run: 0, 1 (an expectation failed), or 2 with the error printed
 * ("vmsim run: FILE:LINE:COL: ..." for bad input, "vmsim run: FILE:LINE: ..." for a line
 * that failed, "vmsim run: ..." for host trouble). */
static int run_status(int rc, const struct vms_error *e)
{
    fflush(stdout);
    if (rc >= 0)
        return rc ? 1 : 0;
    return cli_fail(e);
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"check", no_argument, NULL, 'c'},   {"on-linux", no_argument, NULL, 'L'},
        {"workdir", required_argument, NULL, 'w'}, {"keep", no_argument, NULL, 'k'},
        {"timeout", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, 'j'},   {"audit", no_argument, NULL, 'a'},
        {"print-demo", no_argument, NULL, 'D'}, {"echo", no_argument, NULL, 'e'},
        {NULL, 0, NULL, 0},
    };
    bool check = false, on_linux = false, json = false, audit = false, print_demo = false;
    bool echo = false;
    struct vms_linux_opts lopt = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': check = true; break;
        case 'L': on_linux = true; break;
        case 'w': lopt.workdir = optarg; break;
        case 'k': lopt.keep = true; break;
        case 'j': json = true; break;
        case 'a': audit = true; break;
        case 'D': print_demo = true; break;
        case 'e': echo = true; break;
        case 't': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v <= 0 || v > 86400)
                return cli_usage_error("--timeout: expected seconds (1 to 86400), got '%s'",
                                       optarg);
            lopt.timeout_s = (unsigned)v;
            break;
        }
        case 'h': run_usage(stdout); return 0;
        default: return cli_option_error(c, argv, longopts);
        }
    }
    if (check && on_linux)
        return cli_usage_error("--check and --on-linux exclude each other");
    if (echo && on_linux)
        return cli_usage_error("--echo is for the simulator (--on-linux prints the "
                               "contract lines only)");
    if (print_demo) {
        fwrite(cli_demo_text, 1, cli_demo_len, stdout);
        return 0;
    }
    if (optind < argc - 1)
        return cli_usage_error("expected one scenario file (try 'vmsim help run')");
    bool demo = optind == argc;
    if (demo && on_linux)
        return cli_usage_error("--on-linux needs a scenario file (`vmsim run --print-demo` "
                               "prints the demonstration's)");

    struct vms_error e = {0};
    struct vms_scenario *sc = NULL;
    /* The text the echo prints from: the demonstration's, or the file's read here */
    struct cli_script script = {.text = cli_demo_text, .len = cli_demo_len, .narrate = demo,
                                .echo = demo || echo};
    char *text = NULL;
    int prc;
    if (demo) {
        prc = vms_scenario_parse(cli_demo_text, cli_demo_len, "demo.vms", &sc, &e);
    } else if (echo && !check) {
        const char *path = argv[optind];
        if (vms_read_file(path, "scenario", (size_t)64 << 20, true, &text, &script.len, &e) < 0)
            return cli_fail(&e);
        script.text = text;
        prc = vms_scenario_parse(text, script.len, strcmp(path, "-") ? path : "<stdin>", &sc,
                                 &e);
    } else {
        prc = vms_scenario_load(argv[optind], &sc, &e);
    }
    if (prc < 0) {
        vms_read_file_free(text);
        /* Scenario errors are "FILE:LINE:COL: ..." like a compiler's, led by "vmsim run: ". */
        return run_status(-1, &e);
    }
    int status, rc = 0;
    /* SIGINT/SIGTERM: the run ends before its next command, cleans up (workers, working
     * directory) and exits 128 + the signal */
    cli_interrupt_install();
    lopt.stop = &cli_stop;
    if (check) {
        status = 0;
    } else if (on_linux) {
        fflush(stdout);
        rc = vms_scenario_run_on_linux(sc, &lopt, stdout, stderr, &e);
    } else {
        struct vms_run_opts ropt = {.workdir = lopt.workdir, .keep = lopt.keep, .audit = audit,
                                    .stop = &cli_stop};
        if (script.echo) {
            ropt.before_line = cli_script_before_line;
            ropt.ctx = &script;
        }
        fflush(stdout);
        rc = vms_scenario_run(sc, &ropt, stdout, json ? VMS_JSON : VMS_TEXT, stderr, &e);
    }
    if (!check && cli_stop && (rc == 2 || rc < 0)) {
        fflush(stdout);
        fprintf(stderr, "vmsim run: interrupted by %s%s%s\n", cli_interrupt_name(cli_stop),
                rc == 2 ? ": " : "", rc == 2 ? e.msg : "");
        status = 128 + cli_stop;
    } else if (!check) {
        status = run_status(rc, &e);
    }
    vms_scenario_destroy(sc);
    vms_read_file_free(text);
    return status;
}
