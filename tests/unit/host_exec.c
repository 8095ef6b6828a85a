/* The host-kernel side of the exec layout tests (see host_exec.h). */
#include "host_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define STACK_TOP 0x7ffffffff000ULL

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    int c;
    while (b && (c = fgetc(f)) != EOF) {
        if (n + 2 > cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
        }
        b[n++] = (char)c;
    }
    if (b)
        b[n] = '\0';
    fclose(f);
    return b;
}

/* Drops the kernel's special mappings, which vmsim does not model. */
static void filter_maps(char *m)
{
    char *out = m, *line = m;
    while (*line) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) + 1 : strlen(line);
        int skip = (strstr(line, "[vvar") && strstr(line, "[vvar") < line + len) ||
                   (strstr(line, "[vdso]") && strstr(line, "[vdso]") < line + len) ||
                   (strstr(line, "[vsyscall]") && strstr(line, "[vsyscall]") < line + len);
        if (!skip) {
            memmove(out, line, len);
            out += len;
        }
        line += len;
    }
    *out = '\0';
}

int host_exec_run(const char *path, const char *const argv[], struct host_exec *out,
                  char *why, size_t whylen)
{
    memset(out, 0, sizeof *out);
    int pipefd[2];
    if (pipe(pipefd) != 0) {
        snprintf(why, whylen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        close(pipefd[0]);
        int err = 0;
        if (personality(ADDR_NO_RANDOMIZE) == -1 || ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
            err = errno ? errno : EPERM;
        if (!err)
        {
            char *const envp[] = {NULL};
            execve(path, (char *const *)(uintptr_t)argv, envp);
        }
        err = err ? -err : errno;
        if (write(pipefd[1], &err, sizeof err) < 0)
            _exit(126);
        _exit(127);
    }
    close(pipefd[1]);
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
        int err = 0;
        ssize_t r = read(pipefd[0], &err, sizeof err);
        close(pipefd[0]);
        if (r == (ssize_t)sizeof err && err < 0) {
            snprintf(why, whylen, "ptrace(PTRACE_TRACEME)/personality refused by the host: %s",
                     strerror(-err));
            return 1;
        }
        snprintf(why, whylen, "%s: exec failed: %s", path, r > 0 ? strerror(err) : "no stop");
        return -1;
    }
    close(pipefd[0]);
    char p[64];
    int rc = -1;
    snprintf(p, sizeof p, "/proc/%d/maps", (int)pid);
    out->maps = slurp(p);
    struct user_regs_struct regs;
    if (!out->maps || ptrace(PTRACE_GETREGS, pid, 0, &regs) != 0) {
        snprintf(why, whylen, "reading /proc/%d/maps or registers: %s", (int)pid, strerror(errno));
        goto done;
    }
    filter_maps(out->maps);
    out->rsp = regs.rsp;
    out->rip = regs.rip;
    out->stack_len = (size_t)(STACK_TOP - out->rsp);
    out->stack = malloc(out->stack_len);
    snprintf(p, sizeof p, "/proc/%d/mem", (int)pid);
    int fd = open(p, O_RDONLY);
    if (!out->stack || fd < 0 ||
        pread(fd, out->stack, out->stack_len, (off_t)out->rsp) != (ssize_t)out->stack_len) {
        snprintf(why, whylen, "reading the stack through %s: %s", p, strerror(errno));
        if (fd >= 0)
            close(fd);
        goto done;
    }
    close(fd);
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    char *stat = slurp(p);
    char *q = stat ? strrchr(stat, ')') : NULL;
    if (!q) {
        free(stat);
        snprintf(why, whylen, "reading %s", p);
        goto done;
    }
    /* fields after the command: 3 is state; 45..51 are the mm fields */
    uint64_t f[64] = {0};
    int field = 3;
    for (char *t = strtok(q + 2, " "); t && field < 64; t = strtok(NULL, " "), field++)
        f[field] = strtoull(t, NULL, 10);
    free(stat);
    out->start_data = f[45];
    out->end_data = f[46];
    out->start_brk = f[47];
    out->arg_start = f[48];
    out->arg_end = f[49];
    out->env_start = f[50];
    out->env_end = f[51];
    rc = 0;
done:
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return rc;
}

void host_exec_fini(struct host_exec *h)
{
    free(h->maps);
    free(h->stack);
    h->maps = NULL;
    h->stack = NULL;
}
