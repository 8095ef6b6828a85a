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
int cmd_mrc(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* Read a whole reference-string file ("-" = standard input), NUL-terminated, at most
 * CLI_REFS_MAX bytes, a regular file unless "-" (vms_read_file); NULL with e filled on
 * failure. The caller frees it with vms_read_file_free(). */
#define CLI_REFS_MAX ((size_t)256 << 20)
char *cli_read_file(const char *path, size_t *len, struct vms_error *e);
/* Parse option value arg as a number >= min; on error print it and return 2. */
int cli_number(const char *opt, const char *arg, uint64_t min, uint64_t *out);

/* Print "vmsim: MESSAGE" for a library error and return exit status 2. */
int cli_fail(const struct vms_error *e);
/* Print "vmsim: " + printf message and return exit status 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The bundled demonstration scenario (demo.c) and its narration callback. */
extern const char cli_demo_text[];
extern const size_t cli_demo_len;
void cli_demo_narrate(void *ctx, unsigned line, FILE *out);

#endif
