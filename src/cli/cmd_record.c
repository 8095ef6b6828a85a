/* `vmsim record -o FILE -- PROGRAM ARGS`: runs the program under vmsim's own Valgrind tool
 * (tools/valgrind/vmsimrec.c), which writes each process's records and events in the vmsim
 * binary encoding, and merges the per-process bodies into one trace (docs/record.md); or,
 * where the tool is not built (or with --tool lackey), under lackey with its log on a pipe,
 * converted to the binary format as it arrives. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/interrupt.h"
#include "cli/progress.h"

static void record_usage(FILE *f)
{
    fprintf(f, "usage: vmsim record -o FILE [--tool vmsimrec|lackey] [--no-events]\n"
               "                    [--no-progress] -- PROGRAM [ARGS...]\n"
               "\n"
               "Runs PROGRAM under Valgrind and writes its memory trace to FILE in the vmsim\n"
               "binary format (docs/trace-formats.md, docs/record.md): through vmsim's own\n"
               "tool vmsimrec when it is built (the references lackey reports, plus the\n"
               "initial image and the memory-relevant system calls as events, and the traces\n"
               "of child processes), else through `valgrind --tool=lackey --trace-mem=yes`\n"
               "(said in a note). The program's own output is left alone. Needs Valgrind\n"
               "(Debian: apt-get install valgrind).\n"
               "\n"
               "  -o, --output FILE  the trace file to write ('-': standard output)\n"
               "  --tool NAME        vmsimrec (the default when built) or lackey (the old\n"
               "                     path: references of the first process only, no events)\n"
               "  --no-events        vmsimrec without events or children: a version 1.0\n"
               "                     trace of the first process, as lackey's\n"
               "  --no-progress      no progress line (shown on a terminal for runs over a\n"
               "                     second: the records so far and records/s)\n");
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

/* "valgrind TOOL: PROGRAM ARGS" (shortened to fit). */
static void record_describe(char *buf, size_t cap, const char *tool, char **prog)
{
    size_t n = (size_t)snprintf(buf, cap, "valgrind %s:", tool);
    for (; *prog && n + 2 < cap; prog++)
        n += (size_t)snprintf(buf + n, cap - n, " %s", *prog);
}

/* The lackey path: its log on a pipe, converted as it arrives. */
static int record_lackey(const char *out, char **prog, int nprog, bool progress)
{
    /* OUT (a temporary file beside it until the trace is whole) is opened before the
     * program starts: a bad path fails at once */
    char desc[1024];
    record_describe(desc, sizeof desc, "lackey", prog);
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

/* The directory to give Valgrind as VALGRIND_LIB: VMSIM_VALGRIND_LIB, else valgrind/
 * beside the vmsim binary (the build tree), else ../lib/vmsim/valgrind (an install);
 * the one holding vmsimrec-amd64-linux. */
static bool record_tool_dir(char *dir, size_t cap)
{
    char path[4096 + 64];
    const char *env = getenv("VMSIM_VALGRIND_LIB");
    if (env && *env) {
        snprintf(path, sizeof path, "%s/vmsimrec-amd64-linux", env);
        if (strlen(env) >= cap || access(path, X_OK) != 0)
            return false;
        strcpy(dir, env);
        return true;
    }
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = 0;
    static const char *const under[] = {"valgrind", "../lib/vmsim/valgrind"};
    for (size_t k = 0; k < sizeof under / sizeof *under; k++) {
        snprintf(path, sizeof path, "%s/%s/vmsimrec-amd64-linux", exe, under[k]);
        if (access(path, X_OK) == 0 && strlen(path) < cap) {
            *strrchr(path, '/') = 0;
            strcpy(dir, path);
            return true;
        }
    }
    return false;
}

static uint8_t *record_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

/* The vmsim binary header (docs/trace-formats.md): magic, version 1.minor, no flags,
 * header length, the description. */
static void record_header(FILE *f, unsigned minor, const char *desc)
{
    size_t d = strlen(desc);
    if (d > 0xffff)
        d = 0xffff;
    uint32_t h = (uint32_t)(18 + d);
    uint8_t b[18] = {0x89, 'V', 'M', 'T', 'R', 'A', 'C', 'E', 1, (uint8_t)minor, 0, 0,
                     (uint8_t)h, (uint8_t)(h >> 8), (uint8_t)(h >> 16), (uint8_t)(h >> 24),
                     (uint8_t)d, (uint8_t)(d >> 8)};
    fwrite(b, 1, sizeof b, f);
    fwrite(desc, 1, d, f);
}

#define RECORD_TRAILER 88 /* tools/valgrind/vmsimrec.c, "the body file" */

static uint64_t record_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The records so far of every process (the OUT.PID.n files the tool keeps). */
static uint64_t record_progress_count(const char *work)
{
    DIR *d = opendir(work);
    if (!d)
        return 0;
    uint64_t n = 0;
    struct dirent *de;
    char path[4096 + 300];
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 3 || strcmp(de->d_name + len - 2, ".n"))
            continue;
        snprintf(path, sizeof path, "%s/%s", work, de->d_name);
        int fd = open(path, O_RDONLY);
        uint8_t b[8];
        if (fd >= 0 && read(fd, b, 8) == 8)
            n += record_u64(b);
        if (fd >= 0)
            close(fd);
    }
    closedir(d);
    return n;
}

/* The pids of the body files (body.PID) in work, the root first, then ascending. */
static int record_cmp_pid(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}
static long *record_bodies(const char *work, long root, size_t *n)
{
    *n = 0;
    DIR *d = opendir(work);
    if (!d)
        return NULL;
    size_t cap = 16;
    long *pids = malloc(cap * sizeof *pids);
    struct dirent *de;
    while (pids && (de = readdir(d))) {
        char *end;
        if (strncmp(de->d_name, "body.", 5))
            continue;
        long pid = strtol(de->d_name + 5, &end, 10);
        if (*end || end == de->d_name + 5 || pid <= 0)
            continue;
        if (*n == cap) {
            long *p = realloc(pids, 2 * cap * sizeof *pids);
            if (!p) {
                free(pids);
                pids = NULL;
                break;
            }
            pids = p;
            cap *= 2;
        }
        pids[(*n)++] = pid;
    }
    closedir(d);
    if (!pids)
        return NULL;
    qsort(pids, *n, sizeof *pids, record_cmp_pid);
    for (size_t k = 0; k < *n; k++)
        if (pids[k] == root) {
            memmove(pids + 1, pids, k * sizeof *pids);
            pids[0] = root;
        }
    return pids;
}

/* Append body.PID's records (without its trailer) to f, after a PROCESS record when
 * processes; *count += its count. 1 appended, 0 left out (said why), -1 an I/O error. */
static int record_append(FILE *f, const char *work, long pid, bool processes, uint64_t *count)
{
    char path[4096 + 64];
    snprintf(path, sizeof path, "%s/body.%ld", work, pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    struct stat st;
    uint8_t t[RECORD_TRAILER];
    if (fstat(fd, &st) != 0 || st.st_size < RECORD_TRAILER ||
        pread(fd, t, RECORD_TRAILER, st.st_size - RECORD_TRAILER) != RECORD_TRAILER ||
        memcmp(t + 80, "VMSRBODY", 8) != 0) {
        cli_message("note: process %ld ended without finishing its trace (killed?): its "
                    "records are left out", pid);
        close(fd);
        return 0;
    }
    uint64_t plen = record_u64(t + 72);
    if (plen > 0)
        cli_message("note: process %ld called execve and the new program was not traced", pid);
    if (plen > (uint64_t)st.st_size - RECORD_TRAILER) {
        close(fd);
        return 0;
    }
    uint64_t left = (uint64_t)st.st_size - RECORD_TRAILER - plen;
    if (processes) {
        uint8_t b[12], *p = b;
        *p++ = 0xc2;
        p = record_varint(p, (uint64_t)pid);
        fwrite(b, 1, (size_t)(p - b), f);
    }
    static uint8_t buf[1 << 20];
    while (left > 0) {
        ssize_t got = read(fd, buf, left < sizeof buf ? (size_t)left : sizeof buf);
        if (got <= 0) {
            close(fd);
            return -1;
        }
        fwrite(buf, 1, (size_t)got, f);
        left -= (uint64_t)got;
    }
    close(fd);
    *count += record_u64(t);
    return 1;
}

static void record_rmdir(const char *work)
{
    DIR *d = opendir(work);
    if (d) {
        struct dirent *de;
        char path[4096 + 300];
        while ((de = readdir(d))) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            snprintf(path, sizeof path, "%s/%s", work, de->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(work);
}

/* Valgrind's own messages (its log files) to stderr: after a failed recording. */
static void record_show_logs(const char *work)
{
    DIR *d = opendir(work);
    if (!d)
        return;
    struct dirent *de;
    char path[4096 + 300], line[1024];
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "valgrind.", 9))
            continue;
        snprintf(path, sizeof path, "%s/%s", work, de->d_name);
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof line, f))
            fputs(line, stderr);
        if (f)
            fclose(f);
    }
    closedir(d);
}

/* The vmsimrec path: Valgrind writes body.PID files into a fresh directory; when it is
 * done they are merged into OUT (docs/record.md). */
static int record_vmsimrec(const char *out, char **prog, int nprog, bool progress, bool events,
                           const char *tooldir)
{
    char desc[1024];
    record_describe(desc, sizeof desc, "vmsimrec", prog);
    const char *tmp = getenv("TMPDIR");
    char work[4096];
    snprintf(work, sizeof work, "%s/vmsim-record.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(work))
        return cli_usage_error("%s: cannot make a temporary directory: %s", work,
                               strerror(errno));
    struct vms_error e = {0};
    struct vms_output *o = NULL;
    const char *in = prog[0];
    if (vms_output_open(out, &in, strchr(in, '/') ? 1 : 0, &o, &e) < 0) {
        record_rmdir(work);
        return cli_fail(&e);
    }
    char outopt[4096 + 16], logopt[4096 + 32], libenv[4096 + 16];
    snprintf(outopt, sizeof outopt, "--out=%s/body", work);
    snprintf(logopt, sizeof logopt, "--log-file=%s/valgrind.%%p", work);
    snprintf(libenv, sizeof libenv, "%s", tooldir);
    char **vargv = calloc((size_t)nprog + 8, sizeof *vargv);
    if (!vargv) {
        vms_output_abort(o);
        record_rmdir(work);
        return cli_usage_error("out of memory");
    }
    static char valgrind[] = "valgrind", toolopt[] = "--tool=vmsimrec",
                noev[] = "--events=no", children[] = "--trace-children=yes";
    int k = 0;
    vargv[k++] = valgrind;
    vargv[k++] = toolopt;
    vargv[k++] = logopt;
    vargv[k++] = outopt;
    vargv[k++] = events ? children : noev;
    for (int j = 0; j < nprog; j++)
        vargv[k++] = prog[j];
    cli_interrupt_install(); /* a signal stops the recording, below */
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(vargv);
        vms_output_abort(o);
        record_rmdir(work);
        return cli_usage_error("fork: %s", strerror(errno));
    }
    if (pid == 0) {
        setenv("VALGRIND_LIB", libenv, 1);
        execvp("valgrind", vargv);
        fprintf(stderr, "vmsim record: cannot run valgrind: %s\n", strerror(errno));
        _exit(127);
    }
    free(vargv);
    struct cli_progress pg;
    cli_progress_start(&pg, progress);
    int status = 0;
    long nap = 1000 * 1000; /* ns: from 1 ms, doubling to 100 ms (a short run ends soon) */
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        if (cli_stop)
            kill(pid, SIGTERM);
        struct timespec ts = {0, nap};
        nanosleep(&ts, NULL);
        if (nap < 100 * 1000 * 1000)
            nap *= 2;
        if (pg.on) {
            uint64_t n = record_progress_count(work);
            double el = cli_progress_elapsed(&pg);
            cli_progress_draw(&pg, -1, false, "%.1f M records  %.2f M records/s",
                              (double)n / 1e6, el > 0 ? (double)n / el / 1e6 : 0);
        }
    }
    cli_progress_end(&pg);
    if (cli_stop) {
        vms_output_abort(o);
        record_rmdir(work);
        cli_message("interrupted by %s: no trace written", cli_interrupt_name(cli_stop));
        return 128 + cli_stop;
    }
    size_t nb = 0;
    long *pids = record_bodies(work, (long)pid, &nb);
    bool root = nb > 0 && pids && pids[0] == (long)pid;
    int rc = 0;
    uint64_t count = 0;
    if (!root) {
        record_show_logs(work);
        rc = cli_usage_error("valgrind produced no trace (exit status %d)",
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else {
        FILE *f = vms_output_stream(o);
        if (!f) {
            rc = cli_usage_error("out of memory");
        } else {
            record_header(f, events ? 1 : 0, desc);
            size_t kept = 0;
            for (size_t j = 0; j < nb && rc == 0; j++) {
                int r = record_append(f, work, pids[j], events, &count);
                if (r < 0)
                    rc = cli_usage_error("%s/body.%ld: %s", work, pids[j], strerror(errno));
                else if (r == 0 && j == 0)
                    rc = cli_usage_error("the program's trace is incomplete");
                kept += r > 0;
            }
            uint8_t b[12], *p = b;
            *p++ = 0xc0;
            p = record_varint(p, count);
            fwrite(b, 1, (size_t)(p - b), f);
            if (rc == 0 && nb > 1)
                cli_message("%zu processes traced", kept);
        }
    }
    free(pids);
    if (rc != 0) {
        vms_output_abort(o);
        record_rmdir(work);
        return rc;
    }
    record_rmdir(work);
    if (vms_output_commit(o, &e) < 0)
        return cli_fail(&e);
    if (WIFSIGNALED(status))
        cli_message("note: the program was killed by signal %d", WTERMSIG(status));
    else if (WEXITSTATUS(status) != 0)
        cli_message("note: the program exited with status %d", WEXITSTATUS(status));
    cli_message("%s: %" PRIu64 " records written", out, count);
    return 0;
}

int cmd_record(int argc, char **argv)
{
    const char *out = NULL, *tool = NULL;
    bool progress = true, events = true;
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
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output") || !strcmp(argv[i], "--tool")) {
            if (i + 1 >= argc)
                return cli_usage_error("option '%s' needs an argument (try 'vmsim help record')",
                                       argv[i]);
            if (!strcmp(argv[i], "--tool"))
                tool = argv[++i];
            else
                out = argv[++i];
        } else if (!strcmp(argv[i], "--no-progress")) {
            progress = false;
        } else if (!strcmp(argv[i], "--no-events")) {
            events = false;
        } else if (!strncmp(argv[i], "--output=", 9)) {
            out = argv[i] + 9;
        } else if (!strncmp(argv[i], "--tool=", 7)) {
            tool = argv[i] + 7;
        } else if (argv[i][0] == '-') {
            return cli_unknown_option(argv[i]);
        } else {
            break; /* the program, without "--" */
        }
    }
    if (tool && strcmp(tool, "vmsimrec") && strcmp(tool, "lackey"))
        return cli_usage_error("--tool: expected vmsimrec or lackey, not '%s'", tool);
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
                               "program under Valgrind (Debian: apt-get install valgrind)");
    if (tool && !strcmp(tool, "lackey"))
        return record_lackey(out, prog, argc - i, progress);
    char dir[4096];
    if (!record_tool_dir(dir, sizeof dir)) {
        if (tool)
            return cli_usage_error("--tool vmsimrec: the tool is not built (it needs Valgrind's "
                                   "headers and archives at build time: docs/record.md)");
        cli_message("note: vmsimrec is not built (no Valgrind headers and archives at build "
                    "time): recording through lackey (slower, no events)");
        return record_lackey(out, prog, argc - i, progress);
    }
    return record_vmsimrec(out, prog, argc - i, progress, events, dir);
}
