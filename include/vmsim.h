/* vmsim — the public API of libvmsim.
 *
 * Everything the command-line tool does goes through this header and nothing else.
 * Library functions never print (except to a FILE * the caller hands them), never
 * exit and never abort on bad input: they return a negative VMS_E* code and fill a
 * struct vms_error with a message. Objects are opaque; every *_destroy(NULL) is a no-op.
 */
#ifndef VMSIM_H
#define VMSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

enum vms_code {
    VMS_OK = 0,
    VMS_EINVAL = 1,      /* bad input: the message says where and what was expected */
    VMS_ENOMEM = 2,      /* host out of memory */
    VMS_EIO = 3,         /* host i/o error */
    VMS_EUNSUPPORTED = 4 /* feature not available in this build or on this host */
};

struct vms_error {
    int code;       /* enum vms_code */
    char msg[1024]; /* "FILE:LINE:COL: what was expected" or "--option: ..." */
};

const char *vms_strerror(int code);

/* Output formats shared by every printer. */
enum vms_format { VMS_TEXT = 0, VMS_JSON = 1, VMS_CSV = 2 };

/* ---------------------------------------------------------------- machines (hw) */
/* section: machine — config presets, keys, the machine itself */

/* ---------------------------------------------------------------- translate */
/* section: translate — state files and explained translations */

/* ---------------------------------------------------------------- statistics */
/* section: stats */

/* ---------------------------------------------------------------- policies */
/* section: policy — replacement policies, pages, mrc */

/* ---------------------------------------------------------------- traces */
/* section: trace — trace readers and writers */
/* Memory traces: Valgrind lackey text, Dinero din text and the vmsim binary format
 * (docs/trace-formats.md), plain or gzip/xz/zstd-compressed, detected on open. Readers
 * stream with constant memory; "-" is standard input (readers) or output (writers). */

enum vms_trace_kind { VMS_TRACE_I = 0, VMS_TRACE_L = 1, VMS_TRACE_S = 2, VMS_TRACE_M = 3 };

/* One record. M (modify) is a load then a store of the same bytes: two references. */
struct vms_trace_rec {
    uint64_t addr; /* virtual address of the first byte */
    uint32_t size; /* bytes (instruction length for I) */
    uint8_t kind;  /* enum vms_trace_kind */
};

enum vms_trace_format { VMS_TRACE_LACKEY = 0, VMS_TRACE_DIN = 1, VMS_TRACE_VMSIM = 2 };

#define VMS_TRACE_SKIP_BAD 1u /* skip and count malformed text lines instead of failing */

struct vms_trace_counts {
    uint64_t records;        /* records read */
    uint64_t kind[4];        /* by enum vms_trace_kind */
    uint64_t valgrind_lines; /* "==PID==" lines skipped */
    uint64_t bad_lines;      /* malformed lines skipped (VMS_TRACE_SKIP_BAD) */
    uint64_t ignored;        /* din escape records (labels 3, 4) */
};

struct vms_trace;        /* a reader */
struct vms_trace_writer; /* a writer */

/* Open a trace file ("-" = stdin) or a descriptor (closed by vms_trace_close). */
struct vms_trace *vms_trace_open(const char *path, unsigned flags, struct vms_error *e);
struct vms_trace *vms_trace_open_fd(int fd, const char *name, unsigned flags,
                                    struct vms_error *e);
/* Up to n records: the count, 0 at the end, or -VMS_E* with "FILE:LINE:COL: expected ...". */
long vms_trace_read(struct vms_trace *t, struct vms_trace_rec *buf, size_t n,
                    struct vms_error *e);
void vms_trace_close(struct vms_trace *t);
void vms_trace_get_counts(const struct vms_trace *t, struct vms_trace_counts *out);
const char *vms_trace_format_name(const struct vms_trace *t); /* "lackey", "din", "vmsim" */
const char *vms_trace_compression(const struct vms_trace *t); /* "none", "gzip", "xz", "zstd" */
const char *vms_trace_source(const struct vms_trace *t);      /* binary header text or NULL */

/* "lackey" | "din" | "vmsim"; false otherwise. */
bool vms_trace_format_parse(const char *name, enum vms_trace_format *out);
const char *vms_trace_kind_name(unsigned kind); /* "I", "L", "S", "M" */

/* Writers; source is stored in a binary trace's header (NULL = ""). close writes the end
 * marker and flushes; it frees w even on failure. */
struct vms_trace_writer *vms_trace_writer_open(const char *path, enum vms_trace_format fmt,
                                               const char *source, struct vms_error *e);
int vms_trace_write(struct vms_trace_writer *w, const struct vms_trace_rec *recs, size_t n,
                    struct vms_error *e);
uint64_t vms_trace_writer_count(const struct vms_trace_writer *w);
int vms_trace_writer_close(struct vms_trace_writer *w, struct vms_error *e);

/* Convert a trace (any input format/compression) to fmt. source NULL = keep the input's
 * binary source description or write "converted from IN". counts may be NULL. On error the
 * output may be partially written. */
int vms_trace_convert(const char *in, const char *out, enum vms_trace_format fmt,
                      unsigned flags, const char *source, struct vms_trace_counts *counts,
                      struct vms_error *e);

/* ---------------------------------------------------------------- scenarios */
/* section: scenario — parse and run .vms files */

/* ---------------------------------------------------------------- kernel */
/* section: kernel */

#ifdef __cplusplus
}
#endif
#endif
