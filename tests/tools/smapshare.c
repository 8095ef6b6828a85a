/* smapshare DIR: on the host's Linux, the accesses of tests/data/residency.vms (a file of 4
 * pages mapped private read-only and read, 3 anonymous pages, a fork, the child reading the
 * file pages, each process writing 2 anonymous pages of its own, the parent reading the
 * third), then each process's Rss and Pss of those two areas from /proc/self/smaps, in
 * bytes: "P rss N pss N", "Q rss N pss N", and "P-after rss N pss N" once Q has exited.
 * The file is DIR/lib.bin. Exit status 77 without /proc/self/smaps, 1 on errors. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

/* The Rss and Pss of the areas starting at f and a, summed (smaps reports kB); -1 unless
 * both are areas of their own (4 and 3 pages: not merged with a neighbour). */
static int show(const char *who, const char *f, const char *a)
{
    int found = 0;
    FILE *m = fopen("/proc/self/smaps", "r");
    if (!m)
        return -1;
    char line[512];
    int in = 0;
    long rss = 0, pss = 0, v;
    while (fgets(line, sizeof line, m)) {
        unsigned long s, e;
        char perm[8];
        if (sscanf(line, "%lx-%lx %7s", &s, &e, perm) == 3) {
            in = s == (unsigned long)f || s == (unsigned long)a;
            if (in && e - s != (s == (unsigned long)f ? 4u : 3u) * PG) {
                fprintf(stderr, "smapshare: the area at %lx is %lu bytes\n", s, e - s);
                fclose(m);
                return -1;
            }
            found += in;
            continue;
        }
        if (in && sscanf(line, "Rss: %ld kB", &v) == 1)
            rss += v;
        if (in && sscanf(line, "Pss: %ld kB", &v) == 1)
            pss += v;
    }
    fclose(m);
    if (found != 2) {
        fprintf(stderr, "smapshare: %d of the 2 areas in /proc/self/smaps\n", found);
        return -1;
    }
    printf("%s rss %ld pss %ld\n", who, rss * 1024, pss * 1024);
    fflush(stdout);
    return 0;
}

static void step(int wfd, int rfd)
{
    char b = 'x';
    if (write(wfd, &b, 1) != 1 || read(rfd, &b, 1) != 1)
        _exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: smapshare DIR\n");
        return 1;
    }
    if (access("/proc/self/smaps", R_OK) != 0) {
        fprintf(stderr, "smapshare: no /proc/self/smaps\n");
        return 77;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/lib.bin", argv[1]);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[4 * PG];
    memset(buf, 0x33, sizeof buf);
    if (fd < 0 || write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) {
        perror(path);
        return 1;
    }
    char *f = mmap(NULL, 4 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    /* the anonymous area between two inaccessible pages, so that Linux cannot merge it with
     * a neighbouring anonymous area (a sanitizer's, say) into one smaps entry */
    char *g = mmap(NULL, 5 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *a = g == MAP_FAILED ? MAP_FAILED
                              : mmap(g + PG, 3 * PG, PROT_READ | PROT_WRITE,
                                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (f == MAP_FAILED || a == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    const volatile char *vf = f, *va = a; /* reads the compiler must make */
    for (int i = 0; i < 4; i++)
        (void)vf[i * PG];
    int p[2], q[2]; /* parent to child, child to parent */
    if (pipe(p) || pipe(q)) {
        perror("pipe");
        return 1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        for (int i = 0; i < 4; i++)
            (void)vf[i * PG];
        a[0] = 1;
        a[PG] = 1;
        step(q[1], p[0]); /* both have made their accesses */
        if (show("Q", f, a))
            _exit(1);
        step(q[1], p[0]);
        _exit(0);
    }
    a[0] = 2;
    a[PG] = 2;
    (void)va[2 * PG]; /* the zero page */
    char b;
    if (read(q[0], &b, 1) != 1 || show("P", f, a))
        return 1;
    step(p[1], q[0]); /* Q has printed */
    if (write(p[1], &b, 1) != 1)
        return 1;
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
        return 1;
    if (show("P-after", f, a))
        return 1;
    unlink(path);
    return 0;
}
