/* The POSIX calls wasi-libc lacks, for the web build only (wasi_posix.h). */
#include "wasi_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

char *realpath(const char *restrict path, char *restrict resolved)
{
    if (!path || !*path) {
        errno = path ? ENOENT : EINVAL;
        return NULL;
    }
    char buf[PATH_MAX];
    size_t n = 0;
    if (path[0] != '/') {
        if (!getcwd(buf, sizeof buf))
            return NULL;
        n = strlen(buf);
        if (n == 1) /* "/" */
            n = 0;
    }
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        const char *s = p;
        while (*p && *p != '/')
            p++;
        size_t l = (size_t)(p - s);
        if (l == 0 || (l == 1 && s[0] == '.'))
            continue;
        if (l == 2 && s[0] == '.' && s[1] == '.') {
            while (n > 0 && buf[--n] != '/')
                ;
            continue;
        }
        if (n + 1 + l >= sizeof buf) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        buf[n++] = '/';
        memcpy(buf + n, s, l);
        n += l;
    }
    if (n == 0)
        buf[n++] = '/';
    buf[n] = '\0';
    struct stat st;
    if (stat(buf, &st) != 0)
        return NULL;
    if (!resolved && !(resolved = malloc(n + 1))) {
        errno = ENOMEM;
        return NULL;
    }
    memcpy(resolved, buf, n + 1);
    return resolved;
}

/* Fill the XXXXXX of templ; -1 EINVAL when it does not end so. */
static int wasi_fill(char *templ, unsigned long long *state)
{
    size_t n = strlen(templ);
    if (n < 6 || strcmp(templ + n - 6, "XXXXXX")) {
        errno = EINVAL;
        return -1;
    }
    static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    unsigned long long x = *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    for (size_t i = 0; i < 6; i++, x /= 36)
        templ[n - 6 + i] = set[x % 36];
    return 0;
}

static unsigned long long wasi_seed(void)
{
    static unsigned long long count;
    return (unsigned long long)time(NULL) ^ (++count << 32);
}

int mkstemp(char *templ)
{
    unsigned long long st = wasi_seed();
    for (int tries = 0; tries < 100; tries++) {
        if (wasi_fill(templ, &st))
            return -1;
        int fd = open(templ, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

char *mkdtemp(char *templ)
{
    unsigned long long st = wasi_seed();
    for (int tries = 0; tries < 100; tries++) {
        if (wasi_fill(templ, &st))
            return NULL;
        if (mkdir(templ, 0700) == 0)
            return templ;
        if (errno != EEXIST)
            return NULL;
    }
    errno = EEXIST;
    return NULL;
}

int fchmod(int fd, mode_t mode)
{
    (void)mode;
    struct stat st;
    return fstat(fd, &st);
}

uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }

int dup(int fd)
{
    (void)fd;
    errno = ENOSYS;
    return -1;
}
