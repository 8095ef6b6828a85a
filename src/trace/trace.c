/* The generic half of the trace layer: opening (compression, then format detection),
 * the buffer every parser works on, sticky errors and counters, and the buffered writer.
 * The formats themselves are ops tables in lackey.c, din.c and vtrace.c. */
#include "trace/format.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/infile.h"
#include "base/io.h"

#define X 0xff
const uint8_t trace_hexval[256] = {
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, X, X, X, X, X, X,
    X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, 10, 11, 12, 13, 14, 15, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
#undef X

long trace_fill(struct trace_reader *r, struct vms_error *e)
{
    if (r->eof)
        return 0;
    size_t keep = r->end - r->pos;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, keep);
        r->base += r->pos;
        r->pos = 0;
        r->end = keep;
    }
    if (keep >= TRACE_BUF_SIZE)
        return trace_line_error(r, 0, 0, "a line shorter than 1 MiB", e);
    long n = input_read(r->in, r->buf + r->end, TRACE_BUF_SIZE - r->end, e);
    if (n < 0)
        return n;
    if (n == 0)
        r->eof = true;
    r->end += (size_t)n;
    memset(r->buf + r->end, 0, TRACE_SLACK);
    return n;
}

int trace_line_error(struct trace_reader *r, size_t line_start, size_t at, const char *what,
                     struct vms_error *e)
{
    return err_set(e, VMS_EINVAL, "%s:%llu:%llu: expected %s", r->name,
                   (unsigned long long)r->line, (unsigned long long)(at - line_start + 1), what);
}

/* Is buf[0, n) a (possibly partial) vmsim binary magic? */
static bool trace_magic_prefix(const uint8_t *p, size_t n)
{
    return !memcmp(p, VTRACE_MAGIC, n < VTRACE_MAGIC_LEN ? n : VTRACE_MAGIC_LEN);
}

/* Picks the format from the first bytes: the binary magic, else the first text line that
 * is neither blank, a '#' comment nor a Valgrind "==" line: lackey when it starts like a
 * lackey record, din when it starts with a digit, lackey (which will report it) otherwise. */
static int trace_detect(struct trace_reader *r, struct vms_error *e)
{
    for (;;) {
        size_t n = r->end - r->pos;
        const uint8_t *p = r->buf + r->pos;
        if (n > 0 && trace_magic_prefix(p, n)) {
            if (n >= VTRACE_MAGIC_LEN) {
                r->ops = &vtrace_format;
                return 0;
            }
        } else {
            size_t i = 0;
            while (i < n) {
                const uint8_t *nl = memchr(p + i, '\n', n - i);
                if (!nl && !r->eof)
                    break; /* need the whole line */
                size_t len = nl ? (size_t)(nl - (p + i)) : n - i;
                const uint8_t *l = p + i;
                size_t k = 0;
                while (k < len && (l[k] == ' ' || l[k] == '\t' || l[k] == '\r'))
                    k++;
                bool skip = k == len || l[0] == '#' || (len >= 2 && l[0] == '=' && l[1] == '=');
                if (!skip) {
                    bool din = l[k] >= '0' && l[k] <= '9';
                    r->ops = din ? &din_format : &lackey_format;
                    return 0;
                }
                i += len + 1;
            }
            if (i >= n && r->eof) {
                r->ops = &lackey_format; /* nothing but comments: an empty lackey trace */
                return 0;
            }
        }
        if (r->eof || r->end - r->pos >= TRACE_BUF_SIZE) {
            r->ops = &lackey_format;
            return 0;
        }
        long got = trace_fill(r, e);
        if (got < 0)
            return (int)got;
    }
}

static const struct trace_format_ops *const trace_formats[] = {
    [TRACE_FMT_LACKEY] = &lackey_format,
    [TRACE_FMT_DIN] = &din_format,
    [TRACE_FMT_VMSIM] = &vtrace_format,
};

/* Takes over in. forced = NULL: detect the format. */
static struct trace_reader *trace_open_input(struct trace_input *in, const char *name,
                                             unsigned flags,
                                             const struct trace_format_ops *forced,
                                             struct vms_error *e)
{
    struct trace_reader *r = vms_calloc(1, sizeof *r);
    if (r) {
        r->in = in;
        r->name = vms_strdup(name);
        r->buf = vms_malloc(TRACE_BUF_SIZE + TRACE_SLACK);
        r->err = vms_calloc(1, sizeof *r->err);
    }
    if (!r || !r->name || !r->buf || !r->err) {
        if (!r)
            input_close(in);
        trace_close(r);
        err_set(e, VMS_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    memset(r->buf, 0, TRACE_SLACK);
    r->flags = flags;
    r->line = 1;
    struct vms_error local;
    if (!e)
        e = &local;
    int rc = 0;
    if (forced) {
        r->ops = forced;
        if (forced == &vtrace_format) { /* the header parser expects the magic checked */
            while (r->end - r->pos < VTRACE_MAGIC_LEN && !r->eof && (rc = (int)trace_fill(r, e)) >= 0)
                ;
            if (rc >= 0 && (r->end - r->pos < VTRACE_MAGIC_LEN ||
                            memcmp(r->buf + r->pos, VTRACE_MAGIC, VTRACE_MAGIC_LEN)))
                rc = err_set(e, VMS_EINVAL, "%s: offset 0: expected the vmsim trace magic", name);
        }
    } else {
        rc = trace_detect(r, e);
    }
    if (rc == 0 && r->ops->open)
        rc = r->ops->open(r, e);
    if (rc < 0) {
        trace_close(r);
        return NULL;
    }
    return r;
}

struct trace_reader *trace_open_fd(int fd, const char *name, unsigned flags, struct vms_error *e)
{
    struct trace_input *in = input_open_fd(fd, true, name, e);
    return in ? trace_open_input(in, name, flags, NULL, e) : NULL;
}

struct trace_reader *trace_open_mem_as(const void *data, size_t len, const char *name,
                                       unsigned flags, enum trace_format fmt,
                                       struct vms_error *e)
{
    if ((unsigned)fmt >= sizeof trace_formats / sizeof trace_formats[0]) {
        err_set(e, VMS_EINVAL, "%s: unknown trace format %d", name, (int)fmt);
        return NULL;
    }
    struct trace_input *in = input_open_mem(data, len, name, e);
    return in ? trace_open_input(in, name, flags, trace_formats[fmt], e) : NULL;
}

struct trace_reader *trace_open_mem(const void *data, size_t len, const char *name,
                                    unsigned flags, struct vms_error *e)
{
    struct trace_input *in = input_open_mem(data, len, name, e);
    return in ? trace_open_input(in, name, flags, NULL, e) : NULL;
}

struct trace_reader *trace_open(const char *path, unsigned flags, struct vms_error *e)
{
    if (!strcmp(path, "-")) {
        int fd = dup(0);
        if (fd < 0) {
            err_set(e, VMS_EIO, "-: %s", strerror(errno));
            return NULL;
        }
        return trace_open_fd(fd, "-", flags, e);
    }
    /* non-blocking open: a FIFO without a writer is an empty trace, not a hang */
    int fd = infile_open(path, 0, "trace", e);
    if (fd < 0)
        return NULL;
    return trace_open_fd(fd, path, flags, e);
}

/* The process the next record belongs to. */
static uint64_t trace_reader_current(const struct trace_reader *r)
{
    return r->pids ? r->pids->v[r->cur].pid : 0;
}

long trace_read(struct trace_reader *r, struct trace_rec *buf, size_t n, struct vms_error *e)
{
    if (r->failed) {
        if (e)
            *e = *r->err;
        return -r->failed;
    }
    if (n == 0 || r->ev_pending)
        return 0;
    struct vms_error local;
    struct vms_error *err = e ? e : &local;
    r->partial = 0;
    r->batch_pid = trace_reader_current(r);
    long got = r->ops->read(r, buf, n, err);
    if (got < 0) {
        r->failed = (int)-got;
        *r->err = *err;
        if (r->partial == 0)
            return got;
        got = (long)r->partial; /* deliver the good records; the error comes next call */
    }
    r->counts.records += (uint64_t)got;
    if (r->counts.records > r->pid_mark) { /* the current process has records */
        if (r->pids)
            trace_count_proc(r, &r->pids->v[r->cur]);
        else if (!r->counted0) {
            r->counted0 = true;
            r->counts.processes++;
        }
    }
    return got;
}

int trace_next_event(struct trace_reader *r, struct trace_event *ev)
{
    if (!r->ev_pending)
        return 0;
    *ev = r->ev;
    r->ev_pending = false;
    if (ev->type == TRACE_EV_PROCESS)
        r->batch_pid = ev->pid;
    return 1;
}

uint64_t trace_reader_pid(const struct trace_reader *r)
{
    return r->batch_pid;
}

unsigned trace_reader_minor(const struct trace_reader *r)
{
    return r->minor;
}

size_t trace_reader_processes(const struct trace_reader *r)
{
    return r->counts.processes;
}

void trace_reader_process(const struct trace_reader *r, size_t i, uint64_t *pid,
                          uint64_t *records, uint64_t *events)
{
    uint64_t p = 0, rec = 0, ev = 0;
    if (!r->pids) {
        rec = r->counts.records;
    } else {
        for (size_t k = 0; k < r->pids->n; k++) {
            const struct trace_proc *c = &r->pids->v[k];
            if (!c->counted || i-- > 0)
                continue;
            p = c->pid;
            rec = c->records + (k == r->cur ? r->counts.records - r->pid_mark : 0);
            ev = c->events;
            break;
        }
    }
    if (pid)
        *pid = p;
    if (records)
        *records = rec;
    if (events)
        *events = ev;
}

void trace_close(struct trace_reader *r)
{
    if (!r)
        return;
    input_close(r->in);
    vms_free(r->name);
    vms_free(r->buf);
    vms_free(r->source);
    vms_free(r->err);
    vms_free(r->ev_str);
    vms_free(r->ev_iov);
    trace_pids_free(r->pids);
    vms_free(r);
}

const struct trace_counts *trace_reader_counts(const struct trace_reader *r)
{
    return &r->counts;
}

const char *trace_reader_format(const struct trace_reader *r)
{
    return r->ops->name;
}

const char *trace_reader_compression(const struct trace_reader *r)
{
    return input_compression(r->in);
}

int trace_reader_decode_ahead(struct trace_reader *r, struct vms_error *e)
{
    return input_decode_ahead(r->in, e);
}

const char *trace_reader_source(const struct trace_reader *r)
{
    return r->source;
}

void trace_reader_progress(const struct trace_reader *r, uint64_t *done, uint64_t *total)
{
    input_progress(r->in, done, total);
}

void trace_reader_identity(const struct trace_reader *r, uint64_t *bytes, uint64_t *hash,
                           bool *complete)
{
    input_identity(r->in, bytes, hash, complete);
}

int trace_reader_drain(struct trace_reader *r, struct vms_error *e)
{
    return r->eof ? 0 : input_drain(r->in, e);
}

/* ------------------------------------------------------------------ writing */

bool trace_format_parse(const char *name, enum trace_format *out)
{
    for (size_t i = 0; i < sizeof trace_formats / sizeof trace_formats[0]; i++) {
        if (!strcmp(name, trace_formats[i]->name)) {
            *out = (enum trace_format)i;
            return true;
        }
    }
    return false;
}

const char *trace_kind_name(unsigned kind)
{
    static const char *const names[] = {"I", "L", "S", "M"};
    return kind < 4 ? names[kind] : "?";
}

static int trace_flush(struct trace_writer *w, struct vms_error *e)
{
    if (w->len && io_write(w->fd, w->buf, w->len, w->name) < 0)
        return err_set(e, VMS_EIO, "%s: write: %s", w->name, strerror(errno));
    if (w->len)
        w->hdr_flushed = true;
    w->len = 0;
    return 0;
}

/* Where a binary header written to fd now can be patched later: its offset in a regular
 * file not opened for appending, else -1. */
static long long trace_header_offset(int fd)
{
    struct stat st;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (fl & O_APPEND) || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
        return -1;
    off_t at = lseek(fd, 0, SEEK_CUR);
    return at < 0 ? -1 : (long long)at;
}

struct trace_writer *trace_writer_open_fd(int fd, const char *name, enum trace_format fmt,
                                          const char *source_description, struct vms_error *e)
{
    if ((unsigned)fmt >= sizeof trace_formats / sizeof trace_formats[0]) {
        err_set(e, VMS_EINVAL, "%s: unknown trace format %d", name, (int)fmt);
        return NULL;
    }
    struct trace_writer *w = vms_calloc(1, sizeof *w);
    if (w) {
        w->name = vms_strdup(name);
        w->buf = vms_malloc(TRACE_WBUF_SIZE);
    }
    if (!w || !w->name || !w->buf) {
        if (w) {
            vms_free(w->name);
            vms_free(w->buf);
            vms_free(w);
        }
        err_set(e, VMS_ENOMEM, "%s: out of memory", name);
        return NULL;
    }
    w->fd = fd;
    w->out.fd = -1;
    w->ops = trace_formats[fmt];
    w->hdr_off = fmt == TRACE_FMT_VMSIM ? trace_header_offset(fd) : -1;
    if (w->ops->write_header)
        w->ops->write_header(w, source_description ? source_description : "");
    return w;
}

struct trace_writer *trace_writer_open_output(const char *path, enum trace_format fmt,
                                              const char *source_description,
                                              const char *const *inputs, size_t n,
                                              struct vms_error *e)
{
    if (!strcmp(path, "-"))
        return trace_writer_open_fd(1, "-", fmt, source_description, e);
    struct outfile of;
    if (outfile_open(&of, path, inputs, n, e) < 0)
        return NULL;
    struct trace_writer *w = trace_writer_open_fd(of.fd, path, fmt, source_description, e);
    if (w)
        w->out = of;
    else
        outfile_abort(&of);
    return w;
}

struct trace_writer *trace_writer_open_format(const char *path, enum trace_format fmt,
                                              const char *source_description,
                                              struct vms_error *e)
{
    return trace_writer_open_output(path, fmt, source_description, NULL, 0, e);
}

struct trace_writer *trace_writer_open(const char *path, const char *source_description,
                                       struct vms_error *e)
{
    return trace_writer_open_format(path, TRACE_FMT_VMSIM, source_description, e);
}

int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n,
                struct vms_error *e)
{
    for (size_t i = 0; i < n; i++) {
        if (recs[i].kind > TRACE_M)
            return err_set(e, VMS_EINVAL, "%s: record %llu: kind %u is not I, L, S or M",
                           w->name, (unsigned long long)(w->count + 1), recs[i].kind);
        if (w->len + TRACE_WREC_MAX > TRACE_WBUF_SIZE) {
            int rc = trace_flush(w, e);
            if (rc < 0)
                return rc;
        }
        w->ops->write_rec(w, &recs[i]);
        w->count++;
    }
    return 0;
}

/* The binary header's minor version byte (offset 9) set to v: in the buffer while the
 * header is still there, else in the file. */
static int trace_set_minor(struct trace_writer *w, uint8_t v, struct vms_error *e)
{
    if (w->ops != &vtrace_format)
        return 0;
    if (!w->hdr_flushed) {
        w->buf[9] = v;
        return 0;
    }
    if (w->hdr_off < 0)
        return err_set(e, VMS_EINVAL,
                       "%s: cannot mark the trace as version 1.%u: its header was already "
                       "written to a pipe (write to a file, or declare the events when opening)",
                       w->name, v);
    if (pwrite(w->fd, &v, 1, (off_t)w->hdr_off + 9) != 1)
        return err_set(e, VMS_EIO, "%s: write: %s", w->name, strerror(errno));
    return 0;
}

int trace_writer_declare_events(struct trace_writer *w, struct vms_error *e)
{
    if (w->minor1)
        return 0;
    int rc = trace_set_minor(w, 1, e);
    if (rc == 0)
        w->minor1 = true;
    return rc;
}

/* Room for one event in the buffer, and the header marked 1.1. */
static int trace_event_room(struct trace_writer *w, const char *what, struct vms_error *e)
{
    if (!w->ops->write_event)
        return err_set(e, VMS_EINVAL,
                       "%s: the %s format cannot hold OS events (%s after record %llu); "
                       "convert to lackey or vmsim instead",
                       w->name, w->ops->name, what, (unsigned long long)w->count);
    int rc = trace_writer_declare_events(w, e);
    if (rc == 0 && w->len + TRACE_EV_WMAX > TRACE_WBUF_SIZE)
        rc = trace_flush(w, e);
    return rc;
}

int trace_write_process(struct trace_writer *w, uint64_t pid, struct vms_error *e)
{
    int rc = trace_event_room(w, "a process switch", e);
    if (rc < 0)
        return rc;
    struct trace_event ev = {.type = TRACE_EV_PROCESS, .pid = pid};
    rc = w->ops->write_event(w, &ev, e);
    if (rc == 0)
        w->events++;
    return rc;
}

int trace_write_event(struct trace_writer *w, const struct trace_event *ev,
                      struct vms_error *e)
{
    if (ev->type == TRACE_EV_PROCESS)
        return trace_write_process(w, ev->pid, e);
    const char *bad = trace_event_check(ev);
    if (bad)
        return err_set(e, VMS_EINVAL, "%s: event after record %llu: expected %s", w->name,
                       (unsigned long long)w->count, bad);
    char what[64];
    snprintf(what, sizeof what, "a%s %s event", ev->type == TRACE_EV_IMAGE ? "n" : "",
             trace_event_name(ev->type));
    int rc = trace_event_room(w, what, e);
    if (rc < 0)
        return rc;
    rc = w->ops->write_event(w, ev, e);
    if (rc == 0) {
        w->count++; /* an event is a record of the end marker's count */
        w->events++;
    }
    return rc;
}

uint64_t trace_writer_count(const struct trace_writer *w)
{
    return w->count;
}

int trace_writer_close(struct trace_writer *w, struct vms_error *e)
{
    if (!w)
        return 0;
    int rc = 0;
    if (w->len + TRACE_WREC_MAX > TRACE_WBUF_SIZE)
        rc = trace_flush(w, e);
    if (rc == 0 && w->ops->write_end)
        w->ops->write_end(w);
    /* declared, but none came: a 1.0 file (unless the header is out on a pipe: a 1.1 file
     * without events, which every 1.1 reader reads alike) */
    if (rc == 0 && w->minor1 && w->events == 0 && (!w->hdr_flushed || w->hdr_off >= 0))
        rc = trace_set_minor(w, 0, e);
    if (rc == 0)
        rc = trace_flush(w, e);
    if (w->out.fd >= 0) {
        if (rc == 0)
            rc = outfile_commit(&w->out, e);
        else
            outfile_abort(&w->out);
    } else if (w->own_fd && close(w->fd) < 0 && rc == 0) {
        rc = err_set(e, VMS_EIO, "%s: close: %s", w->name, strerror(errno));
    }
    trace_pids_free(w->pids);
    vms_free(w->name);
    vms_free(w->buf);
    vms_free(w);
    return rc;
}

void trace_writer_abort(struct trace_writer *w)
{
    if (!w)
        return;
    if (w->out.fd >= 0)
        outfile_abort(&w->out);
    else if (w->own_fd)
        close(w->fd);
    trace_pids_free(w->pids);
    vms_free(w->name);
    vms_free(w->buf);
    vms_free(w);
}

long trace_read_lines(struct trace_reader *r, struct trace_rec *out, size_t n,
                      trace_parse_fn parse, struct vms_error *e)
{
    size_t count = 0;
    while (count < n) {
        const uint8_t *nl = NULL;
        if (r->end > r->pos)
            nl = trace_last_nl(r->buf + r->pos, r->end - r->pos);
        if (!nl) {
            if (r->eof) {
                if (r->pos == r->end)
                    break;
                r->buf[r->end++] = '\n'; /* last line without a newline (slack is ours) */
                continue;
            }
            long got = trace_fill(r, e);
            if (got < 0)
                return trace_fail(r, count, got);
            continue;
        }
        r->partial = count;
        long got = parse(r, nl + 1, out + count, n - count, e);
        if (got < 0)
            return got;
        count += (size_t)got;
        if (r->ev_pending)
            break; /* an event line ends the batch */
        if (r->pos == (size_t)(nl + 1 - r->buf) && count < n && !r->eof) {
            got = trace_fill(r, e);
            if (got < 0)
                return trace_fail(r, count, got);
        }
    }
    return (long)count;
}
