/* The progress line of the long-running commands (trace, mrc, sweep, record): drawn on
 * standard error when it is a terminal, never in a pipe, after the run has taken a second. */
#ifndef VMS_CLI_PROGRESS_H
#define VMS_CLI_PROGRESS_H

#include <stdbool.h>

struct cli_progress {
    bool on;      /* drawing: wanted (no --no-progress) and stderr a terminal */
    bool shown;   /* something is on the line now */
    double start; /* seconds, monotonic */
    double delay; /* nothing is drawn before start + delay */
    double last;  /* when it was drawn last */
};

/* Start p: it draws when wanted and standard error is a terminal, once the run has taken
 * a second (VMSIM_PROGRESS_AFTER=SECONDS changes that; 0 draws at once). p becomes the
 * line cli_progress_interrupt clears. */
void cli_progress_start(struct cli_progress *p, bool wanted);
/* Draw "[####    ]  42%  TEXT" (frac in [0, 1]) or just TEXT (frac < 0), replacing what
 * is on the line; at most ten times a second unless force. */
void cli_progress_draw(struct cli_progress *p, double frac, bool force, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Seconds since cli_progress_start. */
double cli_progress_elapsed(const struct cli_progress *p);
/* Clear the line (if anything is on it) and stop p. */
void cli_progress_end(struct cli_progress *p);
/* Clear the line of the running progress, if one is shown, so that a message can be
 * printed; the next draw puts it back. Every cli_* message calls it. */
void cli_progress_interrupt(void);

#endif
