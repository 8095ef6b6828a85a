/* stopmaps PROG [ARGS...]: runs PROG as docs/exec.md's comparison with Linux does (address
 * randomisation off, empty environment, argv = PROG ARGS), stops it right after execve
 * with ptrace and prints its /proc/PID/maps without the kernel's [vvar], [vdso] and
 * [vsyscall] lines. Exit 0 done, 77 the host refuses ptrace or personality, 1 failure. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: stopmaps PROG [ARGS...]\n");
        return 1;
    }
    int p[2]; /* the child reports why it did not reach execve: {stage, errno} */
    if (pipe(p) != 0 || fcntl(p[1], F_SETFD, FD_CLOEXEC) != 0) {
        perror("stopmaps: pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("stopmaps: fork");
        return 1;
    }
    if (pid == 0) {
        close(p[0]);
        int why[2] = {0, 0};
        char *envp[] = {NULL};
        if (personality(ADDR_NO_RANDOMIZE) == -1)
            why[0] = 1;
        else if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
            why[0] = 2;
        else {
            execve(argv[1], argv + 1, envp);
            why[0] = 3;
        }
        why[1] = errno;
        if (write(p[1], why, sizeof why) != (ssize_t)sizeof why)
            _exit(2);
        _exit(1);
    }
    close(p[1]);
    int st, why[2] = {0, 0};
    if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
        ssize_t n = read(p[0], why, sizeof why);
        static const char *const what[] = {"?", "personality(ADDR_NO_RANDOMIZE)",
                                           "ptrace(PTRACE_TRACEME)", "execve"};
        if (n != (ssize_t)sizeof why || why[0] < 1 || why[0] > 3) {
            fprintf(stderr, "stopmaps: %s did not stop after execve\n", argv[1]);
            return 1;
        }
        fprintf(stderr, "stopmaps: %s: %s failed: %s\n", argv[1], what[why[0]], strerror(why[1]));
        return why[0] == 3 ? 1 : 77;
    }
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    int rc = f ? 0 : 1;
    if (!f)
        fprintf(stderr, "stopmaps: %s: %s\n", path, strerror(errno));
    while (f && fgets(line, sizeof line, f))
        if (!strstr(line, " [vvar") && !strstr(line, " [vdso]") && !strstr(line, " [vsyscall]"))
            fputs(line, stdout);
    if (f)
        fclose(f);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return fflush(stdout) == 0 ? rc : 1;
}
