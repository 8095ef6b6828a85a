/* SIGINT and SIGTERM during a long run (trace, mrc, run): the first one sets cli_stop, so
 * the run stops at its next check, prints what it has (marked interrupted) and exits 128 +
 * the signal (130, 143); a second one ends the process at once, removing the temporary
 * files of its outputs first (the old output files stay as they were). `sweep` instead
 * sends each signal on to its children (cli_interrupt_forward_install). */
#ifndef VMS_CLI_INTERRUPT_H
#define VMS_CLI_INTERRUPT_H

#include <signal.h>
#include <stddef.h>

/* 0, or the number of the first SIGINT/SIGTERM since cli_interrupt_install. */
extern volatile sig_atomic_t cli_stop;
/* Catch SIGINT and SIGTERM (system calls restart; the handler only sets cli_stop). */
void cli_interrupt_install(void);
/* For commands that do not stop early (merge, record, pages, trace --convert): SIGINT or SIGTERM
 * removes the temporary files of the outputs open, then ends the process as the signal
 * does (the old output files stay as they were). */
void cli_interrupt_cleanup_install(void);
/* For `sweep`: every SIGINT or SIGTERM sets cli_stop (to the first one) and is sent on to
 * each pid in pids[0..n) that is above 0 (the caller keeps its running children there, and
 * sends the signal itself to a child it records after seeing cli_stop set); the process
 * does not end: it waits for the children and writes what they finished. */
void cli_interrupt_forward_install(volatile sig_atomic_t *pids, size_t n);
/* "SIGINT" or "SIGTERM" for cli_stop's value. */
const char *cli_interrupt_name(int sig);

#endif
