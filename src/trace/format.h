/* Inside the trace module: the reader state shared by the format files and the ops table
 * each format (lackey.c, din.c, vtrace.c) provides. Nothing outside src/trace includes it
 * but the unit tests (which pin trace_reader.lackey_impl).
 * Invariant: buf[pos, end) holds input not yet parsed; buf has TRACE_SLACK initialised
 * bytes past end, so a parser may look a few bytes ahead without a bounds check. */
#ifndef VMS_TRACE_FORMAT_H
#define VMS_TRACE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/outfile.h"
#include "base/types.h"
#include "trace/input.h"
#include "trace/trace.h"

#define TRACE_BUF_SIZE (1u << 20) /* bytes of decompressed input parsed at a time */
/* zeroed bytes after the data in buf; the lackey fast paths read up to 63 bytes past the
 * last '\n' of the data */
#define TRACE_SLACK 64u

struct trace_reader {
    const struct trace_format_ops *ops;
    struct trace_input *in;
    char *name;           /* for messages */
    unsigned flags;       /* TRACE_SKIP_BAD */
    uint8_t *buf;         /* TRACE_BUF_SIZE + TRACE_SLACK bytes */
    size_t pos, end;      /* unparsed input is buf[pos, end) */
    uint64_t base;        /* input offset of buf[0] */
    bool eof;             /* the input has no more bytes */
    uint64_t line;        /* text formats: line number of buf[pos] */
    struct trace_counts counts;
    char *source;         /* binary header's description, or NULL */
    int failed;           /* sticky: 0 or the error code returned */
    struct vms_error *err; /* copy of the first error, for later calls */
    /* vmsim binary decoder state: one delta stream per enum trace_kind */
    uint64_t prev_addr[4];
    uint32_t prev_size[4];
    bool done; /* end marker seen */
    /* On a failed read: the records stored in the caller's buffer before the error (they
     * are delivered; the error comes with the next call). */
    size_t partial;
    /* lackey: which line parser runs: 0 the fastest built (SSE2 where available), 1 the
     * portable SWAR fast path, 2 the general byte-by-byte parser alone. For the tests,
     * which check that all three read every input alike; always 0 otherwise. */
    unsigned lackey_impl;
    /* OS events: the one waiting for trace_next_event (TRACE_EVENTS), its str and iov
     * storage (allocated at the first event), the bytes of an unknown binary event still
     * to be skipped; the processes (trace_pids) and the current one's index. */
    bool ev_pending;
    struct trace_event ev;
    char *ev_str;      /* TRACE_EV_STR_MAX + 1 bytes */
    uint64_t *ev_iov;  /* 2 * TRACE_EV_IOV_MAX values */
    uint64_t ev_skip;
    unsigned minor;    /* binary header's minor version */
    struct trace_pids *pids; /* NULL until the first event or switch */
    size_t cur;        /* index of the current process in pids */
    uint64_t pid_mark; /* records returned when the current process became current */
    bool counted0;     /* pid 0 counted as a process before the table was made */
    uint64_t batch_pid; /* the process of the last batch's records (trace_reader_pid): a
                         * switch that ends a batch is made at once, for the streams */
};

/* Fail a read after `count` good records. */
static inline long trace_fail(struct trace_reader *r, size_t count, long rc)
{
    r->partial = count;
    return rc;
}

struct trace_writer {
    const struct trace_format_ops *ops;
    int fd;
    bool own_fd;
    struct outfile out; /* a path's output (temporary file, renamed at close); out.fd < 0
                         * for a descriptor's */
    char *name;
    uint8_t *buf; /* TRACE_WBUF_SIZE bytes, flushed when less than TRACE_WREC_MAX remain */
    size_t len;
    uint64_t count;
    uint64_t prev_addr[4];
    uint32_t prev_size[4];
    /* events: a binary header says 1.1 once any is written (minor1); the header is in buf
     * until the first flush (hdr_flushed), after which it can be patched at hdr_off of
     * the file (-1: not possible, a pipe or an O_APPEND descriptor) */
    bool minor1, hdr_flushed;
    uint64_t events;      /* events and process switches written */
    long long hdr_off;
    struct trace_pids *pids; /* binary writer: each process's delta streams */
    size_t cur;
};

#define TRACE_WBUF_SIZE (1u << 18)
#define TRACE_WREC_MAX 64u /* most bytes one record can take in any format (din M: 2 lines) */

struct trace_format_ops {
    const char *name;
    /* Reader: parse any header (buf holds the first bytes); 0 or -VMS_E*. NULL = none. */
    int (*open)(struct trace_reader *r, struct vms_error *e);
    /* Reader: as trace_read, without the sticky-error and counting wrapper. */
    long (*read)(struct trace_reader *r, struct trace_rec *out, size_t n, struct vms_error *e);
    /* Writer: header into w->buf (NULL = none). */
    void (*write_header)(struct trace_writer *w, const char *source_description);
    /* Writer: one record into w->buf at w->len (TRACE_WREC_MAX bytes are free). */
    void (*write_rec)(struct trace_writer *w, const struct trace_rec *rec);
    /* Writer: trailer into w->buf (NULL = none). */
    void (*write_end)(struct trace_writer *w);
    /* Writer: one event or process switch into w->buf at w->len (TRACE_EV_WMAX bytes are
     * free; the event is checked); 0 or -VMS_E*. NULL = the format cannot hold events. */
    int (*write_event)(struct trace_writer *w, const struct trace_event *ev,
                       struct vms_error *e);
};

/* Most bytes one event takes in any format (text: every str byte as \xHH, every piece
 * as two 16-digit hex numbers). */
#define TRACE_EV_WMAX (4 * TRACE_EV_STR_MAX + TRACE_EV_IOV_MAX * 40 + 512)

/* ---- events (event.c) */

/* A type's fields, one letter each, in the binary order: u unsigned (text: hex), p prot
 * (u; text rwx), d signed (text: decimal), r signed result (text: decimal after '='), a
 * signed result (text: hex when not negative, after '='), S str, V readv/writev pieces
 * (u n, then n times u base, u len). */
struct trace_ev_desc {
    const char *name;
    const char *fields;
};
extern const struct trace_ev_desc trace_ev_descs[TRACE_EV_TYPES];

/* The processes of a reader or writer: pid -> index (a hash table), each with its delta
 * streams and counts. */
struct trace_proc {
    uint64_t pid;
    uint64_t prev_addr[4];
    uint32_t prev_size[4];
    uint64_t records, events;
    bool counted; /* in trace_counts.processes: named by a switch, or has records or events */
};
struct trace_pids {
    struct trace_proc *v;
    size_t n, cap;
    uint32_t *slot; /* index + 1, 0 = free; nslot a power of two */
    size_t nslot;
};
#define TRACE_MAX_PROCS 65536u /* processes of one trace: more is an error */

/* The index of pid in t, added (zeroed streams) when new: 0 or -VMS_ENOMEM, -VMS_EINVAL
 * (-VMS_EINVAL: TRACE_MAX_PROCS reached). */
int trace_pids_get(struct trace_pids **t, uint64_t pid, size_t *idx);
void trace_pids_free(struct trace_pids *t);

/* Reader: the switch to pid (a process record or line). records_now: the records returned
 * before it (counting the current batch). 0, or -VMS_E* with *what set. */
/* Reader: c counted in trace_counts.processes (once). */
void trace_count_proc(struct trace_reader *r, struct trace_proc *c);
int trace_switch_pid(struct trace_reader *r, uint64_t pid, uint64_t records_now,
                     const char **what);
/* Reader: an event was decoded into r->ev (or a switch made): counts it, and with
 * TRACE_EVENTS marks it pending. Returns true when the batch must stop. false = -ENOMEM
 * never: allocation happens in trace_event_storage. */
bool trace_event_seen(struct trace_reader *r);
/* Reader: r->ev_str and r->ev_iov allocated; 0 or -VMS_ENOMEM (message in e). */
int trace_event_storage(struct trace_reader *r, struct vms_error *e);

/* Binary payload [p, end) after the type varint, of a known type: decoded into r->ev.
 * NULL, or what was expected, with *at at the offending byte. */
const char *trace_event_decode(struct trace_reader *r, unsigned type, const uint8_t *p,
                               const uint8_t *end, const uint8_t **at);
/* The binary payload (type varint, fields) of ev at out; returns its end. */
uint8_t *trace_event_encode(const struct trace_event *ev, uint8_t *out);
/* The text line of ev ("! NAME ...\n") at out; returns its end. */
uint8_t *trace_event_format(const struct trace_event *ev, uint8_t *out);
/* The event line at line (its first non-blank byte at bang, a '!'; the line ends with
 * '\n' at or before lim): into r->ev. 0 or -VMS_EINVAL with "FILE:LINE:COL: expected
 * ..." (r->line is the line's number). */
int trace_event_parse(struct trace_reader *r, const uint8_t *line, const uint8_t *bang,
                      struct vms_error *e);
/* A writer's check of ev: NULL, or what is wrong. */
const char *trace_event_check(const struct trace_event *ev);
uint8_t *trace_put_varint(uint8_t *p, uint64_t v);

extern const struct trace_format_ops lackey_format;
extern const struct trace_format_ops din_format;
extern const struct trace_format_ops vtrace_format;

/* Magic bytes that start a vmsim binary trace. */
#define VTRACE_MAGIC "\x89VMTRACE"
#define VTRACE_MAGIC_LEN 8

/* The unsigned LEB128 varint at *pp, not reading at or past lim: false if it is truncated
 * or longer than 64 bits; else *out is its value and *pp is past it. */
static inline bool trace_varint(const uint8_t **pp, const uint8_t *lim, uint64_t *out)
{
    const uint8_t *p = *pp;
    uint64_t v = 0;
    for (unsigned shift = 0; p < lim && shift < 64; shift += 7) {
        uint8_t b = *p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            if (shift == 63 && b > 1)
                return false;
            *pp = p;
            *out = v;
            return true;
        }
    }
    return false;
}

/* Moves buf[pos, end) to the front and appends input. Returns bytes added, 0 when the
 * input is exhausted (r->eof set), or -VMS_E* (input errors, or a line longer than the
 * buffer). Keeps TRACE_SLACK zero bytes after end. */
long trace_fill(struct trace_reader *r, struct vms_error *e);

/* Parses the whole lines in buf[pos, lim) (lim is just past a '\n') into at most n
 * records, advancing pos; the number of records, or -VMS_E*. */
typedef long (*trace_parse_fn)(struct trace_reader *r, const uint8_t *lim, struct trace_rec *out,
                               size_t n, struct vms_error *e);
/* The read operation of a line-oriented text format: refills the buffer and hands each run
 * of whole lines to parse (a last line without '\n' is completed). */
long trace_read_lines(struct trace_reader *r, struct trace_rec *out, size_t n,
                      trace_parse_fn parse, struct vms_error *e);

/* Fills e with "NAME:LINE:COL: expected WHAT" for the text line starting at buf[line_start]
 * with the offending byte at buf[at]; returns -VMS_EINVAL. */
int trace_line_error(struct trace_reader *r, size_t line_start, size_t at, const char *what,
                     struct vms_error *e);

/* The last '\n' in [p, p + n), or NULL (memrchr is a GNU extension). */
static inline const uint8_t *trace_last_nl(const uint8_t *p, size_t n)
{
    while (n > 0)
        if (p[--n] == '\n')
            return p + n;
    return NULL;
}

/* Value of a hex digit, or >= 16 for any other byte. */
extern const uint8_t trace_hexval[256];

#endif
