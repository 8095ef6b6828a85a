/* Plots of the commands that draw (mrc, trace --interval): PNG through gnuplot (finding
 * the executable, piping a script the library writes into it) and the subtitle's words. */
#ifndef VMS_CLI_GNUPLOT_H
#define VMS_CLI_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* "pages of 4 KiB" (of 64 bytes, of 2 MiB) for a page size into buf. */
void cli_page_text(char *buf, size_t n, uint64_t size);

/* The gnuplot executable on PATH into buf; false when there is none. */
bool cli_gnuplot_find(char *buf, size_t n);
/* Run gnuplot with the script write(ctx, pipe) writes on its standard input, which must
 * draw into png; errors name the option opt ("--png"). Returns the exit status (0, 2). */
int cli_gnuplot_run(const char *gnuplot, const char *opt, int (*write)(void *ctx, FILE *f),
                    void *ctx, const char *png);

#endif
