/* The progress line shared by trace, mrc, sweep and record (progress.h). */
#include "cli/progress.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static struct cli_progress *cli_progress_active;

static double cli_progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_start(struct cli_progress *p, bool wanted)
{
    *p = (struct cli_progress){.on = wanted && isatty(2), .delay = 1.0};
    const char *after = getenv("VMSIM_PROGRESS_AFTER");
    if (after && *after) {
        char *end;
        double d = strtod(after, &end);
        if (!*end && d >= 0)
            p->delay = d;
    }
    p->start = cli_progress_now();
    p->last = -1;
    cli_progress_active = p;
}

double cli_progress_elapsed(const struct cli_progress *p)
{
    return cli_progress_now() - p->start;
}

void cli_progress_draw(struct cli_progress *p, double frac, bool force, const char *fmt, ...)
{
    if (!p->on)
        return;
    double now = cli_progress_now();
    if (now - p->start < p->delay || (!force && p->shown && now - p->last < 0.1))
        return;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (frac >= 0) {
        if (frac > 1)
            frac = 1;
        int fill = (int)(frac * 30);
        fprintf(stderr, "\r[%.*s%*s] %3.0f%%  %s\033[K", fill, "##############################",
                30 - fill, "", frac * 100, text);
    } else {
        fprintf(stderr, "\r%s\033[K", text);
    }
    fflush(stderr);
    p->shown = true;
    p->last = now;
}

void cli_progress_interrupt(void)
{
    struct cli_progress *p = cli_progress_active;
    if (p && p->shown) {
        fputs("\r\033[K", stderr);
        p->shown = false;
        p->last = -1;
    }
}

void cli_progress_end(struct cli_progress *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
    p->on = false;
    if (cli_progress_active == p)
        cli_progress_active = NULL;
}
