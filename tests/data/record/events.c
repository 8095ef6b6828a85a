/* A program for tests/cli/cases/record-events.sh: it maps memory, reads a file, forks a
 * child and waits for it, writing what it knows (its own /proc/self/maps at the start of
 * main, the mmap results, the descriptors, the child's pid; the child execs /bin/sh) to
 * the file OUT, so the test
 * can check the events vmsim record wrote against the program's own view.
 * Usage: events OUT DATAFILE */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    char buf[65536];
    int m = open("/proc/self/maps", O_RDONLY);
    ssize_t n = m >= 0 ? read(m, buf, sizeof buf - 1) : -1;
    FILE *out = fopen(argv[1], "w");
    if (n < 0 || !out)
        return 2;
    buf[n] = 0;
    fprintf(out, "maps-fd %d %zd\n%s", m, n, buf);
    close(m);
    char *anon = mmap(NULL, 12345, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    anon[0] = 1;
    int fd = open(argv[2], O_RDONLY);
    ssize_t got = read(fd, anon + 64, 100);
    char *file = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    fprintf(out, "anon %lu\nfd %d\nread %lu %zd\nfile %lu\n", (unsigned long)anon, fd,
            (unsigned long)(anon + 64), got, (unsigned long)file);
    munmap(file, 4096);
    fflush(out);
    pid_t child = fork();
    if (child == 0) {
        volatile char *p = anon;
        p[1] = 2;                                /* a copy-on-write page of the child */
        execl("/nonexistent/program", "x", (char *)NULL); /* fails: ENOENT */
        execl("/bin/sh", "sh", "-c", "exit 3", (char *)NULL); /* the same pid, a new image */
        _exit(4);
    }
    int status = 0;
    pid_t w = waitpid(child, &status, 0);
    fprintf(out, "child %d\nwait %d %d\n", (int)child, (int)w, status);
    fclose(out);
    return 0;
}
