/* The public trace API (include/vmsim.h, section trace): thin wrappers over trace.h.
 * A struct vms_trace * is the internal struct trace_reader *, never dereferenced as such. */
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"
#include "base/outfile.h"
#include "trace/input.h"
#include "trace/trace.h"

_Static_assert(sizeof(struct vms_trace_rec) == sizeof(struct trace_rec), "record layouts");
_Static_assert(sizeof(struct vms_trace_counts) == sizeof(struct trace_counts), "count layouts");
_Static_assert(VMS_TRACE_SKIP_BAD == TRACE_SKIP_BAD && VMS_TRACE_EVENTS == TRACE_EVENTS, "flags");
_Static_assert(sizeof(struct vms_trace_event) == sizeof(struct trace_event) &&
                   VMS_TRACE_EV_TYPES == TRACE_EV_TYPES && (int)VMS_TRACE_EV_EXECVE == (int)TRACE_EV_EXECVE &&
                   (int)VMS_TRACE_EV_WAIT4 == (int)TRACE_EV_WAIT4,
               "event layouts");
_Static_assert((int)VMS_TRACE_VMSIM == (int)TRACE_FMT_VMSIM && (int)VMS_TRACE_DIN == (int)TRACE_FMT_DIN,
               "formats");

static struct trace_reader *api_reader(const struct vms_trace *t)
{
    return (struct trace_reader *)(uintptr_t)t;
}

/* A constructor's result as the public shape: 0, or the code in e (*out NULL). */
static int api_result(const void *obj, const struct vms_error *e)
{
    return obj ? 0 : -(e->code ? e->code : VMS_EIO);
}

/* Both opens: trace_open of path, or trace_open_fd of fd (path NULL) named `name`. */
static int api_open(const char *path, int fd, const char *name, unsigned flags,
                    struct vms_trace **out, struct vms_error *e)
{
    struct vms_error le;
    if (!e)
        e = &le;
    e->code = 0;
    *out = (struct vms_trace *)(path ? trace_open(path, flags, e)
                                     : trace_open_fd(fd, name, flags, e));
    return api_result(*out, e);
}

int vms_trace_open(const char *path, unsigned flags, struct vms_trace **out,
                   struct vms_error *e)
{
    return api_open(path, -1, NULL, flags, out, e);
}

int vms_trace_open_fd(int fd, const char *name, unsigned flags, struct vms_trace **out,
                      struct vms_error *e)
{
    return api_open(NULL, fd, name, flags, out, e);
}

long vms_trace_read(struct vms_trace *t, struct vms_trace_rec *buf, size_t n,
                    struct vms_error *e)
{
    struct trace_rec tmp[512];
    size_t done = 0;
    while (done < n) {
        size_t want = n - done < 512 ? n - done : 512;
        long got = trace_read(api_reader(t), tmp, want, e);
        if (got < 0)
            return got;
        for (long i = 0; i < got; i++)
            buf[done + (size_t)i] = (struct vms_trace_rec){tmp[i].addr, tmp[i].size, tmp[i].kind};
        done += (size_t)got;
        if ((size_t)got < want)
            break;
    }
    return (long)done;
}

void vms_trace_close(struct vms_trace *t)
{
    trace_close(api_reader(t));
}

static void api_event_out(const struct trace_event *in, struct vms_trace_event *out)
{
    out->type = in->type;
    out->nargs = in->nargs;
    out->pid = in->pid;
    memcpy(out->arg, in->arg, sizeof out->arg);
    out->str = in->str;
    out->str_len = in->str_len;
    out->iov = in->iov;
}

static void api_event_in(const struct vms_trace_event *in, struct trace_event *out)
{
    out->type = in->type;
    out->nargs = in->nargs;
    out->pid = in->pid;
    memcpy(out->arg, in->arg, sizeof out->arg);
    out->str = in->str;
    out->str_len = in->str_len;
    out->iov = in->iov;
}

int vms_trace_next_event(struct vms_trace *t, struct vms_trace_event *ev)
{
    struct trace_event tmp;
    if (!trace_next_event(api_reader(t), &tmp))
        return 0;
    api_event_out(&tmp, ev);
    return 1;
}

uint64_t vms_trace_pid(const struct vms_trace *t)
{
    return trace_reader_pid(api_reader(t));
}

size_t vms_trace_processes(const struct vms_trace *t)
{
    return trace_reader_processes(api_reader(t));
}

void vms_trace_process(const struct vms_trace *t, size_t i, uint64_t *pid, uint64_t *records,
                       uint64_t *events)
{
    trace_reader_process(api_reader(t), i, pid, records, events);
}

const char *vms_trace_event_name(unsigned type)
{
    return trace_event_name(type);
}

void trace_counts_public(const struct trace_counts *c, struct vms_trace_counts *out)
{
    out->records = c->records;
    memcpy(out->kind, c->kind, sizeof out->kind);
    out->valgrind_lines = c->valgrind_lines;
    out->bad_lines = c->bad_lines;
    out->ignored = c->ignored;
    out->events = c->events;
    memcpy(out->event, c->event, sizeof out->event);
    out->unknown_events = c->unknown_events;
    out->processes = c->processes;
}

void vms_trace_get_counts(const struct vms_trace *t, struct vms_trace_counts *out)
{
    trace_counts_public(trace_reader_counts(api_reader(t)), out);
}

const char *vms_trace_format_name(const struct vms_trace *t)
{
    return trace_reader_format(api_reader(t));
}

const char *vms_trace_compression(const struct vms_trace *t)
{
    return trace_reader_compression(api_reader(t));
}

const char *vms_trace_source(const struct vms_trace *t)
{
    return trace_reader_source(api_reader(t));
}

void vms_trace_identity(const struct vms_trace *t, uint64_t *bytes, uint64_t *hash)
{
    trace_reader_identity(api_reader(t), bytes, hash, NULL);
}

uint64_t vms_input_hash(const void *data, size_t n)
{
    struct input_hash h;
    input_hash_init(&h);
    input_hash_update(&h, data, n);
    return input_hash_final(&h);
}

bool vms_trace_format_parse(const char *name, enum vms_trace_format *out)
{
    enum trace_format f;
    if (!trace_format_parse(name, &f))
        return false;
    *out = (enum vms_trace_format)f;
    return true;
}

const char *vms_trace_kind_name(unsigned kind)
{
    return trace_kind_name(kind);
}

static struct trace_writer *api_writer(const struct vms_trace_writer *w)
{
    return (struct trace_writer *)(uintptr_t)w;
}

int vms_trace_writer_open(const char *path, enum vms_trace_format fmt, const char *source,
                          struct vms_trace_writer **out, struct vms_error *e)
{
    struct vms_error le;
    if (!e)
        e = &le;
    e->code = 0;
    *out = (struct vms_trace_writer *)trace_writer_open_format(path, (enum trace_format)fmt,
                                                               source, e);
    return api_result(*out, e);
}

int vms_trace_write(struct vms_trace_writer *w, const struct vms_trace_rec *recs, size_t n,
                    struct vms_error *e)
{
    struct trace_rec tmp[512];
    while (n > 0) {
        size_t k = n < 512 ? n : 512;
        for (size_t i = 0; i < k; i++)
            tmp[i] = (struct trace_rec){recs[i].addr, recs[i].size, recs[i].kind};
        int rc = trace_write(api_writer(w), tmp, k, e);
        if (rc < 0)
            return rc;
        recs += k;
        n -= k;
    }
    return 0;
}

int vms_trace_write_event(struct vms_trace_writer *w, const struct vms_trace_event *ev,
                          struct vms_error *e)
{
    struct trace_event tmp;
    api_event_in(ev, &tmp);
    return trace_write_event(api_writer(w), &tmp, e);
}

int vms_trace_write_process(struct vms_trace_writer *w, uint64_t pid, struct vms_error *e)
{
    return trace_write_process(api_writer(w), pid, e);
}

int vms_trace_writer_declare_events(struct vms_trace_writer *w, struct vms_error *e)
{
    return trace_writer_declare_events(api_writer(w), e);
}

uint64_t vms_trace_writer_count(const struct vms_trace_writer *w)
{
    return trace_writer_count(api_writer(w));
}

int vms_trace_writer_close(struct vms_trace_writer *w, struct vms_error *e)
{
    return trace_writer_close(api_writer(w), e);
}

void vms_trace_writer_abort(struct vms_trace_writer *w)
{
    trace_writer_abort(api_writer(w));
}

int vms_trace_convert(const char *in, const char *out, enum vms_trace_format fmt,
                      unsigned flags, const char *source, struct vms_trace_counts *counts,
                      struct vms_error *e)
{
    enum { BATCH = 4096 };
    /* by device and inode, before anything is read or created */
    if (outfile_check(out, &in, 1, e) < 0)
        return -VMS_EINVAL;
    struct trace_reader *r = trace_open(in, flags | TRACE_EVENTS, e);
    if (!r)
        return -(e ? e->code : VMS_EIO);
    struct trace_rec *buf = vms_malloc(BATCH * sizeof *buf);
    if (!buf) {
        trace_close(r);
        return err_set(e, VMS_ENOMEM, "%s: out of memory", in);
    }
    char desc[512];
    if (!source) {
        source = trace_reader_source(r);
        if (!source) {
            snprintf(desc, sizeof desc, "converted from %s (%s)", in, trace_reader_format(r));
            source = desc;
        }
    }
    struct trace_writer *w =
        trace_writer_open_output(out, (enum trace_format)fmt, source, &in, 1, e);
    if (!w) {
        vms_free(buf);
        trace_close(r);
        return -(e ? e->code : VMS_EIO);
    }
    long got = 0;
    int rc = 0;
    /* a 1.1 input has events: the output says so from its first byte (a pipe too) */
    if (trace_reader_minor(r) >= 1 && fmt != VMS_TRACE_DIN)
        rc = trace_writer_declare_events(w, e);
    struct trace_event ev;
    while (rc == 0 && (got = trace_read(r, buf, BATCH, e)) >= 0) {
        if (got > 0)
            rc = trace_write(w, buf, (size_t)got, e);
        else if (trace_next_event(r, &ev))
            rc = trace_write_event(w, &ev, e);
        else
            break;
    }
    if (rc == 0 && got < 0)
        rc = (int)got;
    if (rc < 0)
        trace_writer_abort(w); /* an old OUT stays as it was */
    else
        rc = trace_writer_close(w, e);
    if (counts)
        vms_trace_get_counts((const struct vms_trace *)r, counts);
    vms_free(buf);
    trace_close(r);
    return rc;
}
