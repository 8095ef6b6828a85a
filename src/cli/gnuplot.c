/* Running gnuplot for --png, the plots' subtitles (see gnuplot.h). */
#include "cli/gnuplot.h"

#include "cli/cli.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void cli_page_text(char *buf, size_t n, uint64_t size)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    unsigned u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && size >= 1024 && size % 1024 == 0)
        size /= 1024, u++;
    snprintf(buf, n, "pages of %" PRIu64 " %s", size, units[u]);
}

bool cli_gnuplot_find(char *buf, size_t n)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        int w = len ? snprintf(buf, n, "%.*s/gnuplot", (int)len, path)
                    : snprintf(buf, n, "./gnuplot");
        struct stat st;
        if (w > 0 && (size_t)w < n && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return true;
        path += len;
        if (*path == ':')
            path++;
    }
    return false;
}

int cli_gnuplot_run(const char *gnuplot, const char *opt, int (*write)(void *ctx, FILE *f),
                    void *ctx, const char *png)
{
    int fds[2];
    if (pipe(fds) != 0)
        return cli_usage_error("%s: %s", opt, strerror(errno));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return cli_usage_error("%s: %s", opt, strerror(errno));
    }
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(gnuplot, "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(fds[0]);
    /* gnuplot may stop reading early; its exit status tells, not a SIGPIPE here. */
    struct sigaction ign = {0}, old;
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    FILE *f = fdopen(fds[1], "w");
    if (f) {
        write(ctx, f); /* a write error (gnuplot gone) shows in its exit status */
        fclose(f);
    } else {
        close(fds[1]);
    }
    sigaction(SIGPIPE, &old, NULL);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return cli_usage_error("%s: %s", opt, strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return cli_usage_error("%s: %s failed (%s %d)", opt, gnuplot,
                               WIFEXITED(status) ? "exit status" : "signal",
                               WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    struct stat st;
    if (stat(png, &st) != 0 || st.st_size == 0)
        return cli_usage_error("%s: %s: gnuplot wrote no image", opt, png);
    return 0;
}
