/* `vmsim record -o FILE -- PROGRAM ARGS`: runs the program under Valgrind's lackey tool
 * with its log on a pipe and converts the records to the vmsim binary format as they
 * arrive, so the text trace never touches the disk. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

static void record_usage(FILE *f)
{
    fprintf(f, "usage: vmsim record -o FILE [--no-progress] -- PROGRAM [ARGS...]\n"
               "\n"
               "Runs PROGRAM under `valgrind --tool=lackey --trace-mem=yes` and writes its\n"
               "memory trace to FILE in the vmsim binary format (docs/trace-formats.md),\n"
               "converting on the fly. The program's own output is left alone. Needs\n"
               "Valgrind (Debian: apt-get install valgrind).\n"
               "\n"
               "  -o, --output FILE  the trace file to write ('-': standard output)\n"
               "  --no-progress      no progress line (shown on a terminal for runs over a\n"
               "                     second: the records converted so far)\n");
}

/* Is there an executable `name` in $PATH? */
static bool record_in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    char buf[4096];
    while (*path) {
        size_t len = strcspn(path, ":");
        if (len > 0 && len + strlen(name) + 2 < sizeof buf) {
            memcpy(buf, path, len);
            buf[len] = '/';
            strcpy(buf + len + 1, name);
            if (access(buf, X_OK) == 0)
                return true;
        }
        path += len;
        if (*path == ':')
            path++;
    }
    return false;
}

/* "valgrind lackey: PROGRAM ARGS" (shortened to fit). */
static void record_describe(char *buf, size_t cap, char **prog)
{
    size_t n = (size_t)snprintf(buf, cap, "valgrind lackey:");
    for (; *prog && n + 2 < cap; prog++)
        n += (size_t)snprintf(buf + n, cap - n, " %s", *prog);
}

int cmd_record(int argc, char **argv)
{
    const char *out = NULL;
    bool progress = true;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            record_usage(stdout);
            return 0;
        }
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (i + 1 >= argc)
                return cli_usage_error("option '%s' needs an argument (try 'vmsim help record')",
                                       argv[i]);
            out = argv[++i];
        } else if (!strcmp(argv[i], "--no-progress")) {
            progress = false;
        } else if (!strncmp(argv[i], "--output=", 9)) {
            out = argv[i] + 9;
        } else if (argv[i][0] == '-') {
            return cli_unknown_option(argv[i]);
        } else {
            break; /* the program, without "--" */
        }
    }
    if (!out)
        return cli_usage_error("needs -o FILE");
    if (i >= argc)
        return cli_usage_error("needs a PROGRAM to run (vmsim record -o FILE -- PROGRAM ARGS)");
    char **prog = argv + i;
    {
        /* OUT must not be the program itself (or its file under another name) */
        struct vms_error e = {0};
        const char *in = prog[0];
        if (strchr(in, '/') && vms_output_check(out, &in, 1, &e) < 0)
            return cli_fail(&e);
    }
    if (!record_in_path("valgrind"))
        return cli_usage_error("valgrind not found in PATH; `vmsim record` runs the "
                               "program under Valgrind's lackey tool (Debian: apt-get install "
                               "valgrind)");

    /* OUT (a temporary file beside it until the trace is whole) is opened before the
     * program starts: a bad path fails at once */
    char desc[1024];
    record_describe(desc, sizeof desc, prog);
    struct vms_error e = {0};
    struct vms_trace_writer *w = NULL;
    cli_interrupt_cleanup_install(); /* a signal removes the temporary file */
    if (vms_trace_writer_open(out, VMS_TRACE_VMSIM, desc, &w, &e) < 0)
        return cli_fail(&e);
    int fds[2];
    if (pipe(fds) != 0) {
        vms_trace_writer_abort(w);
        return cli_usage_error("pipe: %s", strerror(errno));
    }
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    char logfd[32];
    snprintf(logfd, sizeof logfd, "--log-fd=%d", fds[1]);
    int nprog = argc - i;
    char **vargv = calloc((size_t)nprog + 5, sizeof *vargv);
    if (!vargv) {
        vms_trace_writer_abort(w);
        return cli_usage_error("out of memory");
    }
    static char valgrind[] = "valgrind", tool[] = "--tool=lackey", mem[] = "--trace-mem=yes";
    vargv[0] = valgrind;
    vargv[1] = tool;
    vargv[2] = mem;
    vargv[3] = logfd;
    for (int k = 0; k < nprog; k++)
        vargv[4 + k] = prog[k];
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(vargv);
        vms_trace_writer_abort(w);
        return cli_usage_error("fork: %s", strerror(errno));
    }
    if (pid == 0) {
        execvp("valgrind", vargv);
        fprintf(stderr, "vmsim record: cannot run valgrind: %s\n", strerror(errno));
        _exit(127);
    }
    free(vargv);
    close(fds[1]);

    int rc = 0;
    struct vms_trace *t;
    vms_trace_open_fd(fds[0], "valgrind output", 0, &t, &e);
    if (!t) {
        rc = cli_fail(&e);
    } else {
        struct cli_progress pg;
        cli_progress_start(&pg, progress);
        struct vms_trace_rec buf[4096];
        long got;
        while ((got = vms_trace_read(t, buf, 4096, &e)) > 0) {
            if (vms_trace_write(w, buf, (size_t)got, &e) < 0)
                break;
            uint64_t n = vms_trace_writer_count(w);
            double el = cli_progress_elapsed(&pg);
            cli_progress_draw(&pg, -1, false, "%.1f M records  %.2f M records/s",
                              (double)n / 1e6, el > 0 ? (double)n / el / 1e6 : 0);
        }
        cli_progress_end(&pg);
        if (got != 0)
            rc = cli_fail(&e);
    }
    uint64_t records = w ? vms_trace_writer_count(w) : 0;
    vms_trace_close(t); /* closes the pipe: valgrind cannot block on a full pipe */
    if (!t)
        close(fds[0]);
    if (rc != 0)
        kill(pid, SIGTERM);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (rc == 0 && records == 0) { /* valgrind (or exec) failed and said why on stderr */
        rc = cli_usage_error("valgrind produced no trace (exit status %d)",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    /* OUT is a temporary file until here: renamed over OUT when the trace is whole,
     * removed otherwise (an old OUT stays as it was; nothing half-written is left) */
    if (rc != 0) {
        vms_trace_writer_abort(w);
        return rc;
    }
    if (vms_trace_writer_close(w, &e) < 0)
        return cli_fail(&e);
    if (WIFSIGNALED(status))
        cli_message("note: the program was killed by signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        cli_message("note: the program exited with status %d", WEXITSTATUS(status));
    cli_message("%s: %" PRIu64 " records written", out, records);
    return 0;
}
