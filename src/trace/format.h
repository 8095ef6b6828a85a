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
};

extern const struct trace_format_ops lackey_format;
extern const struct trace_format_ops din_format;
extern const struct trace_format_ops vtrace_format;

/* Magic bytes that start a vmsim binary trace. */
#define VTRACE_MAGIC "\x89VMTRACE"
#define VTRACE_MAGIC_LEN 8

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
