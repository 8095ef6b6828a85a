/* The interruption flag and its handler (interrupt.h). */
#include "cli/interrupt.h"

#include "cli/cli.h"

#include <errno.h>
#include <string.h>
#include <sys/types.h>

volatile sig_atomic_t cli_stop;

/* Install handler for SIGINT and SIGTERM, with the sigaction flags given. */
static void on_stop_signals(void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

static void cli_interrupt_handler(int sig)
{
    if (cli_stop) { /* the second signal: no more waiting */
        vms_output_abort_all();
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    cli_stop = sig;
}

void cli_interrupt_install(void)
{
    on_stop_signals(cli_interrupt_handler, SA_RESTART);
}

static void cli_cleanup_handler(int sig)
{
    vms_output_abort_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_interrupt_cleanup_install(void)
{
    on_stop_signals(cli_cleanup_handler, 0);
}

/* The children a forwarding handler sends its signals to (cli_interrupt_forward_install). */
static volatile sig_atomic_t *fwd_pids;
static size_t fwd_n;

static void cli_forward_handler(int sig)
{
    int saved = errno;
    if (!cli_stop)
        cli_stop = sig;
    for (size_t i = 0; i < fwd_n; i++)
        if (fwd_pids[i] > 0)
            kill((pid_t)fwd_pids[i], sig);
    errno = saved;
}

void cli_interrupt_forward_install(volatile sig_atomic_t *pids, size_t n)
{
    fwd_pids = pids;
    fwd_n = n;
    on_stop_signals(cli_forward_handler, SA_RESTART);
}

const char *cli_interrupt_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}
