/* The command-line tool: one file per subcommand, each `int cmd_NAME(argc, argv)`
 * returning the process exit status (0 ok, 1 a failed expectation, 2 bad input or
 * host error). The CLI includes only the public header, like any library user. */
#ifndef VMS_CLI_H
#define VMS_CLI_H

#include "vmsim.h"

int cmd_machines(int argc, char **argv);
int cmd_translate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_pages(int argc, char **argv);
int cmd_csim(int argc, char **argv);
int cmd_ostep(int argc, char **argv);
int cmd_mrc(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* Read a whole reference-string file ("-" = standard input), NUL-terminated, at most
 * CLI_REFS_MAX bytes, a regular file unless "-" (vms_read_file); NULL with e filled on
 * failure. The caller frees it with vms_read_file_free(). */
#define CLI_REFS_MAX ((size_t)256 << 20)
char *cli_read_file(const char *path, size_t *len, struct vms_error *e);
/* --seed's value: a decimal number of at most 64 bits; on error print it and return 2. */
int cli_seed(const char *arg, uint64_t *out);
/* Parse option value arg as a number >= min; on error print it and return 2. */
int cli_number(const char *opt, const char *arg, uint64_t min, uint64_t *out);

/* The running command's name ("trace"; "vmsim" before dispatch), set by main: every
 * message on stderr starts "vmsim CMD: ", then "FILE: what happened" or, for bad input,
 * "FILE:LINE:COL: what was expected" (docs/vmsim.1, DIAGNOSTICS). */
extern const char *cli_command;

/* One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
void cli_csv_field(FILE *f, const char *s);
/* Print "vmsim CMD: MESSAGE" for a library error and return exit status 2. */
int cli_fail(const struct vms_error *e);
/* Print "vmsim CMD: " + printf message and return exit status 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "vmsim CMD: " + printf message (a warning or a note; the status is the caller's). */
void cli_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one line for what getopt_long returned as '?' (an unknown or ambiguous option, or
 * an argument given to an option without one) or ':' (a missing argument), for a parser
 * run with opterr = 0 and a leading ':' in its optstring; opts is its table (may be
 * NULL). Returns exit status 2. */
struct option;
int cli_option_error(int c, char **argv, const struct option *opts);
/* The same for a command parsing its options by hand: an unknown option word. */
int cli_unknown_option(const char *word);

/* The bundled demonstration scenario (demo.c). */
extern const char cli_demo_text[];
extern const size_t cli_demo_len;
/* What vms_run_opts.before_line prints before each command of a scenario's text (demo.c):
 * with narrate, the "##" lines just above it as "# ..." (the demonstration's story); with
 * echo, the command itself as "> COMMAND" (without its comment). ctx: a struct cli_script. */
struct cli_script {
    const char *text;
    size_t len;
    bool narrate, echo;
    const char *at; /* private: the last line found, and its number */
    unsigned at_line;
};
void cli_script_before_line(void *ctx, unsigned line, FILE *out);

#endif
