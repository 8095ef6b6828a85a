/* vmsim: the command-line entry point; dispatches to one subcommand. */
#include "cli/cli.h"
#include "cli/progress.h"

#include <errno.h>
#include <getopt.h>
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
    if (argc > 1)
        return argv[1][0] == '-' ? cli_unknown_option(argv[1])
                                 : cli_usage_error("takes no arguments");
    printf("vmsim %s (%s)\n", vms_version(), vms_build());
    return 0;
}

static const struct command commands[] = {
    {"machines", cmd_machines, "list machine presets, their address-bit breakdown and keys"},
    {"translate", cmd_translate, "explain address translations step by step from a machine state"},
    {"run", cmd_run, "run a .vms scenario (--on-linux: on the host's kernel; --check)"},
    {"pages", cmd_pages, "run a replacement policy over a page reference string"},
    {"gen", cmd_gen, "seeded exercises with keys: translate, pages, run (--answers: the key)"},
    {"check", cmd_check, "grade an answers file of a gen exercise field by field (Gradescope too)"},
    {"ostep", cmd_ostep, "OSTEP's homework simulators, same flags, same output: paging-linear-translate, paging-multilevel-translate, paging-policy"},
    {"csim", cmd_csim, "the cache lab's cache simulator: -s -E -b -t TRACE [-v], LRU"},
    {"mrc", cmd_mrc, "miss-ratio curves: faults for every memory size, per policy"},
    {"trace", cmd_trace, "run memory traces through machine and kernel; count, convert them"},
    {"record", cmd_record, "record a program's memory trace through Valgrind"},
    {"sweep", cmd_sweep, "run a grid of trace runs on all CPUs (or emit it as jobs): one CSV"},
    {"merge", cmd_merge, "join the result files of emitted sweep jobs into one CSV"},
    {"version", cmd_version, "print the version and build (also --version)"},
};

const char *cli_command = "vmsim";

/* "vmsim CMD: " (just "vmsim: " before a command is known), on a line of its own: a
 * progress line drawn there is cleared first. */
static void cli_prefix(void)
{
    cli_progress_interrupt();
    if (!strcmp(cli_command, "vmsim"))
        fputs("vmsim: ", stderr);
    else
        fprintf(stderr, "vmsim %s: ", cli_command);
}

void cli_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int cli_fail(const struct vms_error *e)
{
    cli_prefix();
    fprintf(stderr, "%s\n", e->msg[0] ? e->msg : vms_strerror(e->code));
    return 2;
}

/* One line "vmsim CMD: MESSAGE" on stderr. */
static void cli_vmessage(const char *fmt, va_list ap)
{
    cli_prefix();
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vmessage(fmt, ap);
    va_end(ap);
    return 2;
}

void cli_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vmessage(fmt, ap);
    va_end(ap);
}

int cli_unknown_option(const char *word)
{
    return cli_usage_error("unknown option '%s' (try 'vmsim help %s')", word, cli_command);
}

/* Does word ("--name" or "--name=value") name the long option o, in full or abbreviated? */
static bool cli_long_matches(const char *word, const struct option *o)
{
    size_t n = strcspn(word + 2, "=");
    return n > 0 && !strncmp(word + 2, o->name, n);
}

int cli_option_error(int c, char **argv, const struct option *opts)
{
    /* The word getopt_long stopped at: a long option takes its whole word (optind has
     * passed it); a short one is optopt (perhaps inside a cluster such as -xh). */
    const char *word = optind > 0 ? argv[optind - 1] : "";
    char name[128];
    const struct option *match = NULL;
    size_t nmatch = 0;
    bool is_long = !strncmp(word, "--", 2) && word[2];
    if (is_long && optopt != 0) {
        is_long = false; /* a long option's val, or a short option after a long word */
        for (const struct option *o = opts; o && o->name; o++)
            if (o->val == optopt && cli_long_matches(word, o))
                is_long = true;
    }
    if (is_long) {
        snprintf(name, sizeof name, "--%.*s", (int)strcspn(word + 2, "="), word + 2);
        for (const struct option *o = opts; o && o->name; o++)
            if (cli_long_matches(word, o)) {
                if (!strcmp(o->name, name + 2)) { /* an exact name wins */
                    match = o;
                    nmatch = 1;
                    break;
                }
                if (!match || o->val != match->val || o->has_arg != match->has_arg)
                    nmatch++;
                match = o;
            }
    } else if (optopt > 0 && optopt < 128) {
        snprintf(name, sizeof name, "-%c", optopt);
    } else {
        snprintf(name, sizeof name, "%s", word);
    }
    if (is_long && nmatch == 1)
        snprintf(name, sizeof name, "--%s", match->name); /* the full name of an abbreviation */
    if (c == ':')
        return cli_usage_error("option '%s' needs an argument (try 'vmsim help %s')", name,
                               cli_command);
    if (is_long && nmatch > 1) {
        char list[512];
        size_t len = 0;
        for (const struct option *o = opts; o && o->name && len < sizeof list; o++)
            if (cli_long_matches(word, o))
                len += (size_t)snprintf(list + len, sizeof list - len, "%s--%s",
                                        len ? ", " : "", o->name);
        return cli_usage_error("ambiguous option '%s' (%s?) (try 'vmsim help %s')", name,
                               list, cli_command);
    }
    if (is_long && nmatch == 1 && strchr(word, '=') && match->has_arg == no_argument)
        return cli_usage_error("option '--%s' takes no argument (try 'vmsim help %s')",
                               match->name, cli_command);
    return cli_unknown_option(name);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: vmsim COMMAND [OPTIONS] [ARGS]\n\n"
               "vmsim simulates the virtual-memory system of CSAPP chapter 9: physical memory,\n"
               "page tables in memory, TLBs, caches, and the kernel's half.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n`vmsim help COMMAND` (or `vmsim COMMAND --help`) describes one command;\n"
               "`man ./docs/vmsim.1` all.\n");
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
        cli_message("standard output: write error%s%s", errno ? ": " : "",
                    errno ? strerror(errno) : "");
    return 2;
}

static const struct command *lookup(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (commands[i].run && !strcmp(name, commands[i].name))
            return &commands[i];
    return NULL;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        (!strcmp(argv[1], "help") && argc == 2)) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "help")) { /* vmsim help CMD: CMD --help */
        cli_command = "help";
        if (argc > 3)
            return cli_usage_error("expected one command name (try 'vmsim help')");
        const struct command *c = lookup(argv[2]);
        if (!c)
            return cli_usage_error("unknown command '%s' (try 'vmsim help')", argv[2]);
        cli_command = c->name;
        static char help_opt[] = "--help";
        char *hargv[] = {argv[2], help_opt, NULL};
        return c->run(2, hargv);
    }
    if (!strcmp(argv[1], "--version")) {
        cli_command = "version";
        return cmd_version(argc - 1, argv + 1);
    }
    const struct command *c = lookup(argv[1]);
    if (c) {
        cli_command = c->name;
        return c->run(argc - 1, argv + 1);
    }
    return cli_usage_error("unknown command '%s' (try 'vmsim help')", argv[1]);
}

int main(int argc, char **argv)
{
    return stdout_checked(dispatch(argc, argv));
}
