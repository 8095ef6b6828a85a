/* The command-line tool: one file per subcommand, each `int cmd_NAME(argc, argv)`
 * returning the process exit status (0 ok, 1 a failed expectation, 2 bad input or
 * host error). The CLI includes only the public header, like any library user. */
#ifndef VMS_CLI_H
#define VMS_CLI_H

#include "vmsim.h"

int cmd_machines(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_record(int argc, char **argv);

/* Print "vmsim: MESSAGE" for a library error and return exit status 2. */
int cli_fail(const struct vms_error *e);
/* Print "vmsim: " + printf message and return exit status 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
