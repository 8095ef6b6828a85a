/* Trace readers and writers: one interface over Valgrind lackey text, Dinero din text and
 * the vmsim binary format (docs/trace-formats.md), read from plain, gzip, xz or zstd input.
 * Readers stream with constant memory however long the trace; nothing here prints. */
#ifndef VMS_TRACE_TRACE_H
#define VMS_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/types.h" /* enum trace_kind, struct trace_rec */
#include "vmsim.h"

/* Output formats of a writer (and the names the CLI accepts). */
enum trace_format { TRACE_FMT_LACKEY = 0, TRACE_FMT_DIN = 1, TRACE_FMT_VMSIM = 2 };

#define TRACE_SKIP_BAD 1u /* skip malformed text lines and count them instead of failing */

/* What a reader has seen so far. */
struct trace_counts {
    uint64_t records;        /* records returned */
    uint64_t kind[4];        /* records by enum trace_kind */
    uint64_t valgrind_lines; /* "==PID==" lines skipped (lackey) */
    uint64_t bad_lines;      /* malformed lines skipped under TRACE_SKIP_BAD */
    uint64_t ignored;        /* records that name no access (din labels 3 and 4) */
};

struct trace_reader; /* opaque */
struct trace_writer; /* opaque */

/* Opens a trace; path "-" is standard input. Detects the compression (gzip, xz, zstd by
 * their magic bytes) and then the format (vmsim binary by its magic, else lackey or din
 * from the first line that is not a comment or a Valgrind line). NULL + e on failure. */
struct trace_reader *trace_open(const char *path, unsigned flags, struct vms_error *e);
/* The same over an open descriptor (taken over and closed by trace_close) or a memory
 * buffer (not copied: it must outlive the reader). name is used in messages. */
struct trace_reader *trace_open_fd(int fd, const char *name, unsigned flags, struct vms_error *e);
struct trace_reader *trace_open_mem(const void *data, size_t len, const char *name,
                                    unsigned flags, struct vms_error *e);

/* trace_open_mem with the format forced (no detection): for fuzzing one parser. */
struct trace_reader *trace_open_mem_as(const void *data, size_t len, const char *name,
                                       unsigned flags, enum trace_format fmt,
                                       struct vms_error *e);

/* Fills up to n records; returns the count, 0 at the end, or a negative VMS_E* with
 * e->msg "FILE:LINE:COL: what was expected" (text formats) or "FILE: offset N: ..."
 * (binary and compressed input). After an error every later call fails the same way. */
long trace_read(struct trace_reader *r, struct trace_rec *buf, size_t n, struct vms_error *e);
void trace_close(struct trace_reader *r); /* NULL ok */

const struct trace_counts *trace_reader_counts(const struct trace_reader *r);
const char *trace_reader_format(const struct trace_reader *r);      /* "lackey", "din", "vmsim" */
const char *trace_reader_compression(const struct trace_reader *r); /* "none", "gzip", ... */
/* Decompress the rest of a compressed input in a thread of its own, ahead of the parser:
 * 1 = started, 0 = not (plain input, or no thread to be had), < 0 on error. The records
 * and errors are the same. */
int trace_reader_decode_ahead(struct trace_reader *r, struct vms_error *e);
/* The source description from a binary header; NULL for text formats. */
const char *trace_reader_source(const struct trace_reader *r);
/* Input bytes consumed so far and the input's size (0 when unknown): for progress bars. */
void trace_reader_progress(const struct trace_reader *r, uint64_t *done, uint64_t *total);
/* The decompressed bytes read so far, their hash and whether they are the whole stream
 * (trace/input.h, input_identity; complete may be NULL). */
void trace_reader_identity(const struct trace_reader *r, uint64_t *bytes, uint64_t *hash,
                           bool *complete);
/* Reads the rest of the input without parsing it, so that the identity covers all of it
 * (a process killed before its trace's end). 0 or a negative VMS_E*. */
int trace_reader_drain(struct trace_reader *r, struct vms_error *e);

/* Writers. path "-" is standard output. source_description goes into the binary header
 * (ignored by text formats; NULL = ""). trace_writer_close writes the end marker, flushes
 * and reports a failed write; it always frees w (NULL ok, returns 0). */
struct trace_writer *trace_writer_open(const char *path, const char *source_description,
                                       struct vms_error *e);
struct trace_writer *trace_writer_open_format(const char *path, enum trace_format fmt,
                                              const char *source_description,
                                              struct vms_error *e);
/* Same, refusing a path that is one of the n inputs (outfile_check). A path's output is a
 * temporary file that trace_writer_close renames over path when everything was written
 * (and removes otherwise); trace_writer_abort removes it. */
struct trace_writer *trace_writer_open_output(const char *path, enum trace_format fmt,
                                              const char *source_description,
                                              const char *const *inputs, size_t n,
                                              struct vms_error *e);
/* Same, over a descriptor the writer does not close. */
struct trace_writer *trace_writer_open_fd(int fd, const char *name, enum trace_format fmt,
                                          const char *source_description, struct vms_error *e);
int trace_write(struct trace_writer *w, const struct trace_rec *recs, size_t n,
                struct vms_error *e);
int trace_writer_close(struct trace_writer *w, struct vms_error *e);
/* Discard what w wrote (a path's file is left as it was before the open); frees w. */
void trace_writer_abort(struct trace_writer *w);
/* Records written so far. */
uint64_t trace_writer_count(const struct trace_writer *w);

/* "lackey" | "din" | "vmsim" -> format; false for anything else. */
bool trace_format_parse(const char *name, enum trace_format *out);
const char *trace_kind_name(unsigned kind); /* "I", "L", "S", "M" */

#endif
