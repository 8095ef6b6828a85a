/* maxrss: runs a command and writes the peak resident set size it reached, in KiB
 * (getrusage(RUSAGE_CHILDREN).ru_maxrss), to a file, so that the CLI tests can bound the
 * host memory of a run. Usage: maxrss OUTFILE COMMAND [ARG...]; the command's standard
 * streams are this program's; the exit status is the command's (128 + N for signal N, 127
 * when it cannot be run). */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: maxrss OUTFILE COMMAND [ARG...]\n");
        return 127;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("maxrss: exec");
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        ;
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        perror("maxrss: getrusage");
        return 127;
    }
    FILE *f = fopen(argv[1], "w");
    if (!f || fprintf(f, "%ld\n", (long)ru.ru_maxrss) < 0 || fclose(f) != 0) {
        perror("maxrss: writing the result");
        return 127;
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 127;
}
