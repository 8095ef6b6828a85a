/* vmsim: the command-line entry point; dispatches to one subcommand. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

/* `vmsim version` (and `vmsim --version`): the version and the build. */
static int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: vmsim version | vmsim --version\n\n"
               "Prints the version and the build: the compression libraries compiled in,\n"
               "as every JSON and CSV result records them (docs/statistics.md).\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "vmsim: version: takes no arguments\n");
        return 2;
    }
    printf("vmsim %s (%s)\n", vms_version(), vms_build());
    return 0;
}

static const struct command commands[] = {
    {"machines", cmd_machines, "list machine presets, their address-bit breakdown and keys"},
    {"translate", cmd_translate, "explain address translations step by step from a machine state"},
    {"run", cmd_run, "run a .vms scenario (--on-linux: on the host's kernel; --check)"},
    {"pages", cmd_pages, "run a replacement policy over a page reference string"},
    {"mrc", cmd_mrc, "miss-ratio curves: faults for every memory size, per policy"},
    {"trace", cmd_trace, "run memory traces through machine and kernel; count, convert them"},
    {"record", cmd_record, "record a program's memory trace through Valgrind"},
    {"sweep", cmd_sweep, "run a grid of trace runs on all CPUs (or emit it as jobs): one CSV"},
    {"merge", cmd_merge, "join the result files of emitted sweep jobs into one CSV"},
    {"version", cmd_version, "print the version and build (also --version)"},
};

int cli_fail(const struct vms_error *e)
{
    fprintf(stderr, "vmsim: %s\n", e->msg[0] ? e->msg : vms_strerror(e->code));
    return 2;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("vmsim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 2;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vmsim COMMAND [OPTIONS] [ARGS]\n\n"
               "vmsim simulates the virtual-memory system of CSAPP chapter 9: physical memory,\n"
               "page tables in memory, TLBs, caches, and the kernel's half.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`vmsim COMMAND --help` describes one command; `man ./docs/vmsim.1` all.\n");
}

/* The exit status of a command whose standard output may not have reached its file: a
 * write error of stdout (a full disk, /dev/full) turns any status into 2, said once on
 * stderr (a command that already failed with 2 has said why). */
static int stdout_checked(int status)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    if (status != 2)
        fprintf(stderr, "vmsim: standard output: write error%s%s\n", errno ? ": " : "",
                errno ? strerror(errno) : "");
    return 2;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version"))
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].run && !strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "vmsim: unknown command '%s' (try `vmsim --help`)\n", argv[1]);
    return 2;
}

int main(int argc, char **argv)
{
    return stdout_checked(dispatch(argc, argv));
}
