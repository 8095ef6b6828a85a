/* Unit tests for OS events in traces (vmsim format 1.1, lackey '!' lines): every event
 * type round-trips through both formats and compressed input, per-process delta streams,
 * the header's minor version, readers without TRACE_EVENTS, and every malformed event's
 * message. */
#include "harness.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "base/alloc.h"
#include "trace/trace.h"
#include "vmsim.h"

static void temp_path(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/vmsim-test-events-XXXXXX");
    int fd = mkstemp(buf);
    if (fd >= 0)
        close(fd);
}

/* One item of a trace: a record or an event (its str and pieces copied). */
struct item {
    bool is_event;
    struct trace_rec rec;
    uint64_t pid; /* the reader's current process for a record */
    struct trace_event ev;
    char str[64];
    uint64_t iov[8];
};

#define S(x) ((uint64_t)(int64_t)(x))

static const uint64_t iov2[] = {0x7ffc1000, 0x10, 0x7ffc2000, 0x20};
static const uint64_t iov3[] = {0x5000, 10, 0x6000, 0, 0x7000, 20};
static const char odd_path[] = "/tmp/a \"q\" \\ \x01\xff z";

/* Every type once (and prot with a bit beyond rwx), records between them, three processes. */
static size_t make_items(struct item *it)
{
    static const struct {
        unsigned type;
        uint64_t arg[8];
        unsigned nargs;
        const char *str;
        const uint64_t *iov;
    } evs[] = {
        {TRACE_EV_IMAGE, {0x400000, 0x1000, 5, 0}, 4, "/usr/bin/prog", NULL},
        {TRACE_EV_IMAGE, {0x7ffffffde000, 0x21000, 3, 0}, 4, "[stack]", NULL},
        {TRACE_EV_STACK, {0x7ffffffde000, 0x7ffffffff000}, 2, NULL, NULL},
        {TRACE_EV_BRK_START, {0x405000}, 1, NULL, NULL},
        {TRACE_EV_MMAP, {0, 0x2000, 3, 0x22, S(-1), 0, 0x7f0000000000}, 7, NULL, NULL},
        {TRACE_EV_MUNMAP, {0x7f0000000000, 0x2000, 0}, 3, NULL, NULL},
        {TRACE_EV_MPROTECT, {0x400000, 0x1000, 0x1000001, S(-12)}, 4, NULL, NULL},
        {TRACE_EV_MREMAP, {0x7f0000000000, 0x1000, 0x3000, 1, 0, 0x7f1000000000}, 6, NULL, NULL},
        {TRACE_EV_BRK, {0x426000, 0x426000}, 2, NULL, NULL},
        {TRACE_EV_MADVISE, {0x7f1000000000, 0x1000, 4, 0}, 4, NULL, NULL},
        {TRACE_EV_MSYNC, {0x7f1000000000, 0x1000, 4, S(-22)}, 4, NULL, NULL},
        {TRACE_EV_OPENAT, {S(-100), 0x80000, 0, 3}, 4, "/etc/ld.so.cache", NULL},
        {TRACE_EV_CLOSE, {3, 0}, 2, NULL, NULL},
        {TRACE_EV_READ, {3, 0x7ffc0000, 832, 832}, 4, NULL, NULL},
        {TRACE_EV_PREAD64, {3, 0x7ffc0000, 784, 64, 784}, 5, NULL, NULL},
        {TRACE_EV_READV, {3, 2, 48}, 3, NULL, iov2},
        {TRACE_EV_WRITE, {1, 0x405010, 6, 6}, 4, NULL, NULL},
        {TRACE_EV_PWRITE64, {4, 0x405010, 10, 100, S(-9)}, 5, NULL, NULL},
        {TRACE_EV_WRITEV, {1, 3, 30}, 3, NULL, iov3},
        {TRACE_EV_FORK, {1235}, 1, NULL, NULL},
        {TRACE_EV_CLONE, {0x1200011, 1236}, 2, NULL, NULL},
        {TRACE_EV_VFORK, {1237}, 1, NULL, NULL},
        {TRACE_EV_EXIT, {0}, 1, NULL, NULL},
        {TRACE_EV_EXIT_GROUP, {S(-1)}, 1, NULL, NULL},
        {TRACE_EV_WAIT4, {S(-1), 1235, 256}, 3, NULL, NULL},
        {TRACE_EV_EXECVE, {0}, 1, odd_path, NULL},
        {TRACE_EV_READV, {5, 0, S(-14)}, 3, NULL, NULL},
        {TRACE_EV_EXECVE, {S(-2)}, 1, "", NULL},
    };
    static const uint64_t pids[] = {1234, 1235, 1234, 0, 1236, 1235};
    size_t n = 0, nev = sizeof evs / sizeof evs[0];
    uint64_t pid = 0;
    for (size_t i = 0; i < nev; i++) {
        if (i % 5 == 3) { /* a process switch */
            pid = pids[(i / 5) % 6];
            it[n] = (struct item){.is_event = true, .ev = {.type = TRACE_EV_PROCESS, .pid = pid}};
            n++;
        }
        for (unsigned k = 0; k < i % 3; k++) { /* records: a delta stream per process */
            uint64_t a = 0x401000 + 0x10 * i + k + (pid << 20);
            it[n] = (struct item){.rec = {a, (uint32_t)(1 + k), (uint8_t)((i + k) % 4)}, .pid = pid};
            n++;
        }
        struct item *x = &it[n++];
        *x = (struct item){.is_event = true};
        x->ev.type = evs[i].type;
        x->ev.nargs = evs[i].nargs;
        x->ev.pid = pid;
        memcpy(x->ev.arg, evs[i].arg, sizeof x->ev.arg);
        if (evs[i].str) {
            x->ev.str_len = strlen(evs[i].str);
            memcpy(x->str, evs[i].str, x->ev.str_len + 1);
            x->ev.str = x->str;
        }
        if (evs[i].iov) {
            memcpy(x->iov, evs[i].iov, 2 * evs[i].arg[1] * sizeof(uint64_t));
            x->ev.iov = x->iov;
        }
    }
    return n;
}

static int write_items(const char *path, enum trace_format fmt, const struct item *it, size_t n,
                       struct vms_error *e)
{
    struct trace_writer *w = trace_writer_open_format(path, fmt, "events test", e);
    if (!w)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int rc = it[i].is_event ? trace_write_event(w, &it[i].ev, e) : trace_write(w, &it[i].rec, 1, e);
        if (rc < 0) {
            trace_writer_abort(w);
            return -1;
        }
    }
    return trace_writer_close(w, e);
}

/* Reads r with TRACE_EVENTS in batches of `batch` into items; the count or -1. */
static long read_items(struct trace_reader *r, struct item *it, size_t cap, size_t batch,
                       struct vms_error *e)
{
    size_t n = 0;
    struct trace_rec recs[64];
    while (n < cap) {
        size_t want = batch < cap - n ? batch : cap - n;
        long got = trace_read(r, recs, want, e);
        if (got < 0)
            return -1;
        for (long i = 0; i < got; i++)
            it[n++] = (struct item){.rec = recs[i], .pid = trace_reader_pid(r)};
        if (got > 0)
            continue;
        struct trace_event ev;
        if (!trace_next_event(r, &ev))
            return (long)n;
        struct item *x = &it[n++];
        *x = (struct item){.is_event = true, .ev = ev};
        if (ev.str) {
            CHECK(ev.str_len < sizeof x->str && ev.str[ev.str_len] == '\0');
            memcpy(x->str, ev.str, ev.str_len + 1);
            x->ev.str = x->str;
        }
        if (ev.iov) {
            CHECK(ev.nargs >= 2 && ev.arg[1] <= 4);
            memcpy(x->iov, ev.iov, 2 * ev.arg[1] * sizeof(uint64_t));
            x->ev.iov = x->iov;
        }
    }
    return -1;
}

static bool same_items(const struct item *a, const struct item *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool ok = a[i].is_event == b[i].is_event;
        if (ok && !a[i].is_event)
            ok = a[i].rec.addr == b[i].rec.addr && a[i].rec.size == b[i].rec.size &&
                 a[i].rec.kind == b[i].rec.kind && a[i].pid == b[i].pid;
        if (ok && a[i].is_event) {
            const struct trace_event *x = &a[i].ev, *y = &b[i].ev;
            ok = x->type == y->type && x->pid == y->pid && x->nargs == y->nargs &&
                 !memcmp(x->arg, y->arg, x->nargs * sizeof x->arg[0]) && !x->str == !y->str &&
                 x->str_len == y->str_len && (!x->str || !memcmp(x->str, y->str, x->str_len)) &&
                 !x->iov == !y->iov && (!x->iov || !memcmp(x->iov, y->iov, 2 * x->arg[1] * 8));
        }
        if (!ok) {
            fprintf(stderr, "item %zu differs (event %d/%d, type %u/%u)\n", i, a[i].is_event,
                    b[i].is_event, a[i].ev.type, b[i].ev.type);
            return false;
        }
    }
    return true;
}

static void *read_file(const char *path, size_t *len)
{
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

TEST(trace_events_round_trip_every_type)
{
    static struct item want[128], got[128];
    size_t n = make_items(want);
    CHECK(n < 128);
    static const enum trace_format fmts[] = {TRACE_FMT_VMSIM, TRACE_FMT_LACKEY};
    for (unsigned f = 0; f < 2; f++) {
        char path[64];
        temp_path(path, sizeof path);
        struct vms_error e = {0};
        CHECK_EQ(write_items(path, fmts[f], want, n, &e), 0);
        static const size_t batches[] = {1, 2, 7, 64};
        for (unsigned b = 0; b < 4; b++) {
            struct trace_reader *r = trace_open(path, TRACE_EVENTS, &e);
            CHECK(r != NULL);
            if (!r)
                continue;
            CHECK_STR(trace_reader_format(r), f ? "lackey" : "vmsim");
            CHECK_EQ(read_items(r, got, 128, batches[b], &e), n);
            CHECK(same_items(want, got, n));
            const struct trace_counts *c = trace_reader_counts(r);
            CHECK_EQ(c->events, 28);
            CHECK_EQ(c->event[TRACE_EV_IMAGE], 2);
            CHECK_EQ(c->event[TRACE_EV_READV], 2);
            CHECK_EQ(c->event[TRACE_EV_PROCESS], 5);
            CHECK_EQ(c->processes, 4); /* 0 (before the first switch), 1234, 1235, 1236 */
            CHECK_EQ(trace_reader_processes(r), 4);
            uint64_t pid, recs, evs, all = 0, allev = 0;
            for (size_t i = 0; i < 4; i++) {
                trace_reader_process(r, i, &pid, &recs, &evs);
                all += recs;
                allev += evs;
            }
            trace_reader_process(r, 1, &pid, NULL, NULL);
            CHECK_EQ(pid, 1234);
            CHECK_EQ(all, c->records);
            CHECK_EQ(allev, 28);
            trace_close(r);
        }
        if (f == 0) {
            /* the same bytes gzip-compressed */
            size_t len;
            void *bytes = read_file(path, &len);
            CHECK(bytes != NULL);
            char gz[64];
            temp_path(gz, sizeof gz);
            gzFile g = gzopen(gz, "wb");
            CHECK(g != NULL);
            if (g && bytes) {
                CHECK_EQ(gzwrite(g, bytes, (unsigned)len), len);
                gzclose(g);
                struct trace_reader *r = trace_open(gz, TRACE_EVENTS, &e);
                CHECK(r != NULL);
                if (r) {
                    CHECK_STR(trace_reader_compression(r), "gzip");
                    CHECK_EQ(read_items(r, got, 128, 3, &e), n);
                    CHECK(same_items(want, got, n));
                    trace_close(r);
                }
            }
            unlink(gz);
        }
        unlink(path);
    }
}

/* vmsim -> lackey -> vmsim gives back the same bytes (the converter carries the events). */
TEST(trace_events_convert_both_ways)
{
    static struct item want[128];
    size_t n = make_items(want);
    char a[64], b[64], c[64];
    temp_path(a, sizeof a);
    temp_path(b, sizeof b);
    temp_path(c, sizeof c);
    struct vms_error e = {0};
    CHECK_EQ(write_items(a, TRACE_FMT_VMSIM, want, n, &e), 0);
    struct vms_trace_counts tc;
    CHECK_EQ(vms_trace_convert(a, b, VMS_TRACE_LACKEY, 0, NULL, &tc, &e), 0);
    CHECK_EQ(tc.events, 28);
    CHECK_EQ(vms_trace_convert(b, c, VMS_TRACE_VMSIM, 0, "events test", &tc, &e), 0);
    size_t la, lc;
    static char abuf[1 << 16];
    void *p = read_file(a, &la);
    CHECK(p != NULL);
    if (p)
        memcpy(abuf, p, la);
    p = read_file(c, &lc);
    CHECK(p != NULL);
    CHECK_EQ(la, lc);
    CHECK(p && !memcmp(abuf, p, la));
    CHECK_EQ((unsigned char)abuf[9], 1); /* minor 1 */
    /* din cannot hold them: an error naming the first, and no output */
    char d[80];
    snprintf(d, sizeof d, "%s.din", a);
    CHECK(vms_trace_convert(a, d, VMS_TRACE_DIN, 0, NULL, NULL, &e) < 0);
    CHECK_CONTAINS(e.msg, "the din format cannot hold OS events (an image event after record 0)");
    CHECK(access(d, F_OK) != 0);
    unlink(a);
    unlink(b);
    unlink(c);
}

/* Without TRACE_EVENTS: the records of every process in order, events counted only. */
TEST(trace_events_not_asked_for)
{
    static struct item want[128];
    size_t n = make_items(want);
    char path[64];
    temp_path(path, sizeof path);
    struct vms_error e = {0};
    CHECK_EQ(write_items(path, TRACE_FMT_VMSIM, want, n, &e), 0);
    struct trace_reader *r = trace_open(path, 0, &e);
    CHECK(r != NULL);
    if (!r)
        return;
    struct trace_rec recs[128];
    long got = trace_read(r, recs, 128, &e);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!want[i].is_event) {
            CHECK(k < (size_t)got && recs[k].addr == want[i].rec.addr && recs[k].kind == want[i].rec.kind);
            k++;
        }
    CHECK_EQ(got, k);
    CHECK_EQ(trace_read(r, recs, 128, &e), 0);
    struct trace_event ev;
    CHECK_EQ(trace_next_event(r, &ev), 0);
    CHECK_EQ(trace_reader_counts(r)->events, 28);
    CHECK_EQ(trace_reader_counts(r)->processes, 4);
    trace_close(r);
    unlink(path);
}

/* A 1.1 file built by hand (docs/trace-formats.md's worked example): per-process streams. */
static const uint8_t example[] = {
    0x89, 'V', 'M', 'T', 'R', 'A', 'C', 'E', 1, 1, 0, 0, 18, 0, 0, 0, 0, 0,
    /* I 0x401000,4 (pid 0): DELTA, size 4, kind I; zigzag(0x401000) = 0x802000 */
    0x90, 0x80, 0xc0, 0x80, 0x04,
    /* mmap 0 0x1000 rw- 0x22 -1 0 = 0x7f0000000000: 0xc1, L = 15, payload: type 4, addr 0,
     * len 80 20, prot 3, flags 22, fd zigzag(-1) = 1, offset 0, zigzag(0x7f0000000000) */
    0xc1, 0x0f, 0x04, 0x00, 0x80, 0x20, 0x03, 0x22, 0x01, 0x00, 0x80, 0x80, 0x80, 0x80, 0x80,
    0xc0, 0x3f,
    /* process 7, then I 0x401000,4: 7's streams start at 0 (the same bytes as above) */
    0xc2, 0x07, 0x90, 0x80, 0xc0, 0x80, 0x04,
    /* process 0, then I: NEXT from pid 0's stream (0x401004) */
    0xc2, 0x00, 0x10,
    /* end marker: 3 records + 1 event */
    0xc0, 0x04};

TEST(trace_events_worked_example)
{
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(example, sizeof example, "ex", TRACE_EVENTS, &e);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_EQ(trace_reader_minor(r), 1);
    struct item it[16];
    CHECK_EQ(read_items(r, it, 16, 64, &e), 6);
    CHECK(!it[0].is_event && it[0].rec.addr == 0x401000 && it[0].rec.size == 4);
    CHECK(it[1].is_event && it[1].ev.type == TRACE_EV_MMAP && it[1].ev.nargs == 7);
    CHECK_EQ(it[1].ev.arg[1], 0x1000);
    CHECK_EQ(it[1].ev.arg[2], 3);
    CHECK_EQ(it[1].ev.arg[3], 0x22);
    CHECK_EQ(it[1].ev.arg[4], S(-1));
    CHECK_EQ(it[1].ev.arg[6], 0x7f0000000000);
    CHECK(it[2].is_event && it[2].ev.type == TRACE_EV_PROCESS && it[2].ev.pid == 7);
    CHECK(!it[3].is_event && it[3].rec.addr == 0x401000 && it[3].pid == 7);
    CHECK(it[4].is_event && it[4].ev.pid == 0);
    CHECK(!it[5].is_event && it[5].rec.addr == 0x401004 && it[5].pid == 0);
    trace_close(r);
    /* the writer makes the same bytes */
    char path[64];
    temp_path(path, sizeof path);
    struct trace_writer *w = trace_writer_open(path, "", &e);
    CHECK(w != NULL);
    struct trace_rec rec = {0x401000, 4, TRACE_I};
    struct trace_event mm = {.type = TRACE_EV_MMAP, .nargs = 7,
                             .arg = {0, 0x1000, 3, 0x22, S(-1), 0, 0x7f0000000000}};
    CHECK_EQ(trace_write(w, &rec, 1, &e), 0);
    CHECK_EQ(trace_write_event(w, &mm, &e), 0);
    CHECK_EQ(trace_write_process(w, 7, &e), 0);
    CHECK_EQ(trace_write(w, &rec, 1, &e), 0);
    CHECK_EQ(trace_write_process(w, 0, &e), 0);
    rec.addr += 4;
    CHECK_EQ(trace_write(w, &rec, 1, &e), 0);
    CHECK_EQ(trace_writer_close(w, &e), 0);
    size_t len;
    void *bytes = read_file(path, &len);
    CHECK_EQ(len, sizeof example);
    CHECK(bytes && !memcmp(bytes, example, sizeof example));
    unlink(path);
}

/* Event-free output is byte-identical 1.0; the minor byte is patched when the header is
 * already in the file; a pipe needs the events declared. */
TEST(trace_events_header_minor)
{
    struct vms_error e = {0};
    char path[64];
    temp_path(path, sizeof path);
    struct trace_rec rec = {0x1000, 8, TRACE_L};
    struct trace_event ex = {.type = TRACE_EV_EXIT, .nargs = 1};
    /* declared, none written: 1.0 */
    struct trace_writer *w = trace_writer_open(path, "", &e);
    CHECK_EQ(trace_writer_declare_events(w, &e), 0);
    CHECK_EQ(trace_write(w, &rec, 1, &e), 0);
    CHECK_EQ(trace_writer_close(w, &e), 0);
    size_t len;
    uint8_t *b = read_file(path, &len);
    CHECK(b && b[9] == 0);
    /* an event after 1 MiB of records: the header is patched in the file */
    w = trace_writer_open(path, "", &e);
    for (unsigned i = 0; i < 400000; i++) {
        rec.addr = 0x1000 + (uint64_t)i * 4096 * 3;
        CHECK_EQ(trace_write(w, &rec, 1, &e), 0) ;
        if (e.code)
            break;
    }
    CHECK_EQ(trace_write_event(w, &ex, &e), 0);
    CHECK_EQ(trace_writer_close(w, &e), 0);
    FILE *f = fopen(path, "rb");
    uint8_t h[10] = {0};
    CHECK(f && fread(h, 1, 10, f) == 10);
    if (f)
        fclose(f);
    CHECK_EQ(h[9], 1);
    struct trace_reader *r = trace_open(path, 0, &e);
    CHECK(r != NULL);
    if (r) {
        struct trace_rec buf[4096];
        long got;
        while ((got = trace_read(r, buf, 4096, &e)) > 0)
            ;
        CHECK_EQ(got, 0);
        CHECK_EQ(trace_reader_counts(r)->records, 400000);
        CHECK_EQ(trace_reader_counts(r)->event[TRACE_EV_EXIT], 1);
        trace_close(r);
    }
    unlink(path);
    /* a pipe (drained by a child): late events fail unless declared */
    for (int declare = 0; declare < 2; declare++) {
        int fds[2];
        CHECK_EQ(pipe(fds), 0);
        pid_t child = fork();
        if (child == 0) {
            close(fds[1]);
            char sink[1 << 16];
            while (read(fds[0], sink, sizeof sink) > 0)
                ;
            _exit(0);
        }
        close(fds[0]);
        w = trace_writer_open_fd(fds[1], "pipe", TRACE_FMT_VMSIM, "", &e);
        if (declare)
            CHECK_EQ(trace_writer_declare_events(w, &e), 0);
        /* 300000 one-byte records: the buffer (256 KiB) is flushed into the pipe */
        for (unsigned i = 0; i < 300000; i++)
            CHECK_EQ(trace_write(w, &rec, 1, &e), 0);
        int rc = trace_write_event(w, &ex, &e);
        if (declare) {
            CHECK_EQ(rc, 0);
        } else {
            CHECK(rc < 0);
            CHECK_CONTAINS(e.msg, "pipe: cannot mark the trace as version 1.1");
        }
        trace_writer_abort(w);
        close(fds[1]);
        waitpid(child, NULL, 0);
    }
}

/* Reads the whole of data with TRACE_EVENTS; the error message (or "" at a clean end). */
static const char *first_error(const void *data, size_t len, unsigned flags)
{
    static struct vms_error e;
    memset(&e, 0, sizeof e);
    struct trace_reader *r = trace_open_mem(data, len, "t", flags | TRACE_EVENTS, &e);
    if (!r)
        return e.msg;
    struct trace_rec recs[16];
    struct trace_event ev;
    long got;
    while ((got = trace_read(r, recs, 16, &e)) > 0 || (got == 0 && trace_next_event(r, &ev)))
        ;
    trace_close(r);
    return got < 0 ? e.msg : "";
}

/* A 1.1 file: header, then the bytes, then (when end) an end marker of count n. */
static size_t make_vt(uint8_t *out, const uint8_t *bytes, size_t len, int end, uint8_t minor)
{
    static const uint8_t h[18] = {0x89, 'V', 'M', 'T', 'R', 'A', 'C', 'E', 1, 0, 0, 0, 18};
    memcpy(out, h, 18);
    out[9] = minor;
    memcpy(out + 18, bytes, len);
    size_t n = 18 + len;
    if (end >= 0) {
        out[n++] = 0xc0;
        out[n++] = (uint8_t)end;
    }
    return n;
}

TEST(trace_events_binary_errors)
{
    static uint8_t buf[1 << 17];
    static const struct {
        uint8_t bytes[24];
        size_t len;
        int end;
        const char *msg;
    } cases[] = {
        /* exit 0, complete: fine */
        {{0xc1, 0x02, 0x16, 0x00}, 4, 1, ""},
        /* payload too short: exit without its status */
        {{0xc1, 0x01, 0x16}, 3, 1, "t: offset 21: expected another field (the event payload is too short)"},
        /* a byte left over */
        {{0xc1, 0x03, 0x16, 0x00, 0x00}, 5, 1, "t: offset 22: expected end of event payload"},
        /* truncated: the trace ends inside the payload */
        {{0xc1, 0x05, 0x16, 0x00}, 4, -1, "t: offset 18: expected 5 payload bytes (truncated event: the trace has 2)"},
        /* a string longer than the payload (execve) */
        {{0xc1, 0x04, 0x19, 0x05, 'a', 0x00}, 6, 1, "t: offset 21: expected a string length within the event payload"},
        /* a NUL in a string */
        {{0xc1, 0x05, 0x19, 0x02, 'a', 0x00, 0x00}, 7, 1, "t: offset 23: expected a string without NUL bytes"},
        /* readv with n = 1025 */
        {{0xc1, 0x04, 0x0f, 0x06, 0x81, 0x08}, 6, 1, "t: offset 22: expected at most 1024 pieces (UIO_MAXIOV)"},
        /* empty payload */
        {{0xc1, 0x00}, 2, 1, "t: offset 18: expected an event type (the payload is empty)"},
        /* an unknown type is skipped and counted (end marker counts it) */
        {{0xc1, 0x03, 0x63, 0x01, 0x02}, 5, 1, ""},
        /* ... and the end marker must count it */
        {{0xc1, 0x03, 0x63, 0x01, 0x02}, 5, 0, "t: offset 23: end marker's record count differs from the records read"},
        /* a process record without its pid */
        {{0xc2}, 1, -1, "t: offset 18: expected a pid varint after the process tag"},
        /* a known type with a payload over 64 KiB */
        {{0xc1, 0x81, 0x80, 0x04, 0x16}, 5, -1, "t: offset 18: expected an event payload of at most 65536 bytes"},
        /* a string over 4096 bytes */
        {{0xc1, 0x04, 0x19, 0x81, 0x20, 0x00}, 6, 1, "t: offset 21: expected a string of at most 4096 bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = make_vt(buf, cases[i].bytes, cases[i].len, cases[i].end, 1);
        const char *msg = first_error(buf, n, 0);
        if (strcmp(msg, cases[i].msg))
            fprintf(stderr, "case %zu: %s\n", i, msg);
        CHECK_STR(msg, cases[i].msg);
    }
    /* an event in a 1.0 file */
    static const uint8_t ev[] = {0xc1, 0x02, 0x16, 0x00};
    size_t n = make_vt(buf, ev, sizeof ev, 1, 0);
    CHECK_STR(first_error(buf, n, 0),
              "t: offset 18: an event record in a version 1.0 file (expected a record or the end marker)");
    /* an unknown type of 100000 bytes is skipped as it streams past */
    uint8_t big[8] = {0xc1, 0xa0, 0x8d, 0x06, 0x63};
    n = make_vt(buf, big, 5, -1, 1);
    memset(buf + n, 0x55, 100000 - 1);
    n += 100000 - 1;
    buf[n++] = 0xc0;
    buf[n++] = 0x01;
    CHECK_STR(first_error(buf, n, 0), "");
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(buf, n, "t", 0, &e);
    struct trace_rec rec;
    CHECK_EQ(trace_read(r, &rec, 1, &e), 0);
    CHECK_EQ(trace_reader_counts(r)->unknown_events, 1);
    trace_close(r);
    /* truncated inside it */
    CHECK_STR(first_error(buf, n - 100, 0),
              "t: offset 99924: expected the rest of an event payload (truncated event)");
}

TEST(trace_events_text_errors)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"! mmap 0x0 0x1000 rw- 0x22 -1 0x0 = 0x4025000\n", ""},
        {"  \t! exit 0\n", ""},
        {"! exit_group -1\r\n", ""},
        {"!exit 0\n", "t:1:2: expected a space after '!'"},
        {"! frob 1\n", "t:1:3: expected an event name (process, image, mmap, ...; docs/trace-formats.md)"},
        {"I  0400,3\n! munmap 0x1000 0x1000\n", "t:2:23: expected ' = ' and the result"},
        {"! munmap 0x1000 0x1000 = zz\n", "t:1:26: expected the result: a number (may be negative)"},
        {"! exit 0 = 1\n", "t:1:9: expected end of line (this event has no result)"},
        {"! mmap 0x0 0x1000 rwz 0x22 -1 0x0 = 0\n", "t:1:19: expected protections: rwx letters with '-' (r-x), or a number"},
        {"! brk_start 0x\n", "t:1:15: expected hex digits after 0x"},
        {"! brk_start -5\n", "t:1:13: expected a decimal or 0x hex number"},
        {"! brk_start 0x10000000000000000\n", "t:1:31: expected a number below 2^64"},
        {"! brk_start 5x\n", "t:1:14: expected a space or the end of the line after the number"},
        {"! execve \"/bin/sh = 0\n", "t:1:22: expected '\"' to end the string"},
        {"! execve \"a\\qb\" = 0\n", "t:1:12: expected an escape \\\\, \\\" or \\xHH"},
        {"! execve \"a\\x00\" = 0\n", "t:1:12: expected a string without NUL bytes (\\x00)"},
        {"! execve /bin/sh = 0\n", "t:1:10: expected a '\"'-quoted string"},
        {"! readv 3 1025 = 0\n", "t:1:14: expected at most 1024 pieces (UIO_MAXIOV)"},
        {"! readv 3 2 0x1000,0x10 = 0\n", "t:1:25: expected a piece's base"},
        {"! readv 3 1 0x1000 = 0\n", "t:1:19: expected ',' between a piece's base and length"},
        {"! wait4 -1 0  = 5\n", "t:1:13: expected ' = ' and the result"},
        {"! process\n", "t:1:10: expected a space and the process id"},
        {"! process -1\n", "t:1:11: expected a process id"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *msg = first_error(cases[i].text, strlen(cases[i].text), 0);
        if (strcmp(msg, cases[i].msg))
            fprintf(stderr, "case %zu: %s\n", i, msg);
        CHECK_STR(msg, cases[i].msg);
    }
    /* --skip-bad: a bad event line is skipped and counted like any bad line */
    static const char t[] = "I  0400,3\n! exit x\n! exit 0\n";
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(t, sizeof t - 1, "t", TRACE_SKIP_BAD, &e);
    struct trace_rec recs[4];
    CHECK_EQ(trace_read(r, recs, 4, &e), 1);
    CHECK_EQ(trace_read(r, recs, 4, &e), 0);
    CHECK_EQ(trace_reader_counts(r)->bad_lines, 1);
    CHECK_EQ(trace_reader_counts(r)->event[TRACE_EV_EXIT], 1);
    trace_close(r);
    /* a long string: 4096 bytes are fine, 4097 are not */
    static char longl[2 * TRACE_EV_STR_MAX + 64];
    for (unsigned extra = 0; extra < 2; extra++) {
        int k = snprintf(longl, sizeof longl, "! execve \"");
        memset(longl + k, 'a', TRACE_EV_STR_MAX + extra);
        k += TRACE_EV_STR_MAX + (int)extra;
        k += snprintf(longl + k, sizeof longl - (size_t)k, "\" = 0\n");
        const char *msg = first_error(longl, (size_t)k, 0);
        CHECK_STR(msg, extra ? "t:1:4107: expected a string of at most 4096 bytes" : "");
    }
}

/* The public API: events through vms_trace_read / vms_trace_next_event. */
TEST(trace_events_public_api)
{
    static const char t[] = "I  0400,3\n! process 9\n I 0500,4\n L 0600,8\n! close 3 = 0\n";
    char path[64];
    temp_path(path, sizeof path);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(t, f);
    fclose(f);
    struct vms_trace *tr;
    struct vms_error e = {0};
    CHECK_EQ(vms_trace_open(path, VMS_TRACE_EVENTS, &tr, &e), 0);
    struct vms_trace_rec recs[8];
    struct vms_trace_event ev;
    CHECK_EQ(vms_trace_read(tr, recs, 8, &e), 1);
    CHECK_EQ(vms_trace_read(tr, recs, 8, &e), 0);
    CHECK_EQ(vms_trace_next_event(tr, &ev), 1);
    CHECK_EQ(ev.type, VMS_TRACE_EV_PROCESS);
    CHECK_EQ(ev.pid, 9);
    CHECK_EQ(vms_trace_pid(tr), 9);
    long got = vms_trace_read(tr, recs, 8, &e);
    CHECK(got < 0); /* " I 0500": not a lackey record */
    CHECK_CONTAINS(e.msg, ":3:1: expected");
    vms_trace_close(tr);
    unlink(path);
    CHECK_STR(vms_trace_event_name(VMS_TRACE_EV_EXIT_GROUP), "exit_group");
    CHECK(vms_trace_event_name(26) == NULL);
    /* a writer refuses a malformed event */
    struct vms_trace_writer *w;
    CHECK_EQ(vms_trace_writer_open(path, VMS_TRACE_LACKEY, NULL, &w, &e), 0);
    uint64_t iov[2] = {0, 0};
    struct vms_trace_event bad = {.type = VMS_TRACE_EV_READV, .nargs = 3, .arg = {3, 1025, 0},
                                  .iov = iov};
    CHECK(vms_trace_write_event(w, &bad, &e) < 0);
    CHECK_CONTAINS(e.msg, "expected at most 1024 pieces");
    bad.type = 30;
    CHECK(vms_trace_write_event(w, &bad, &e) < 0);
    CHECK_CONTAINS(e.msg, "expected an event type from 1 to 25");
    vms_trace_writer_abort(w);
}

/* A process switch inside a batch read without TRACE_EVENTS: the streams still switch. */
TEST(trace_events_switch_mid_batch)
{
    static uint8_t buf[64];
    /* I 0x401000,4; process 5; I 0x401000,4 (5's stream); process 0; I NEXT = 0x401004 */
    static const uint8_t body[] = {0x90, 0x80, 0xc0, 0x80, 0x04, 0xc2, 0x05, 0x90, 0x80,
                                   0xc0, 0x80, 0x04, 0xc2, 0x00, 0x10};
    size_t n = make_vt(buf, body, sizeof body, 3, 1);
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(buf, n, "t", 0, &e);
    struct trace_rec recs[8];
    CHECK_EQ(trace_read(r, recs, 8, &e), 3);
    CHECK_EQ(recs[1].addr, 0x401000);
    CHECK_EQ(recs[2].addr, 0x401004);
    CHECK_EQ(trace_read(r, recs, 8, &e), 0);
    CHECK_EQ(trace_reader_counts(r)->processes, 2);
    uint64_t pid, recs0, evs;
    trace_reader_process(r, 0, &pid, &recs0, &evs);
    CHECK_EQ(pid, 0);
    CHECK_EQ(recs0, 2);
    trace_reader_process(r, 1, &pid, &recs0, &evs);
    CHECK_EQ(pid, 5);
    CHECK_EQ(recs0, 1);
    trace_close(r);
}
