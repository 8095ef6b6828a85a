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
/* Deliver OS events and process switches (vmsim 1.1 records, lackey '!' lines): a batch
 * of trace_read ends before each, and trace_read returns 0 while one is waiting for
 * trace_next_event. Without it they are checked and counted, never delivered, and the
 * records of every process come out as one stream. */
#define TRACE_EVENTS 2u

/* OS events (docs/trace-formats.md, "OS events"): the type numbers of the binary format;
 * TRACE_EV_PROCESS (0) is a process switch, delivered as an event of its own. */
enum trace_event_type {
    TRACE_EV_PROCESS = 0,
    TRACE_EV_IMAGE = 1,
    TRACE_EV_STACK = 2,
    TRACE_EV_BRK_START = 3,
    TRACE_EV_MMAP = 4,
    TRACE_EV_MUNMAP = 5,
    TRACE_EV_MPROTECT = 6,
    TRACE_EV_MREMAP = 7,
    TRACE_EV_BRK = 8,
    TRACE_EV_MADVISE = 9,
    TRACE_EV_MSYNC = 10,
    TRACE_EV_OPENAT = 11,
    TRACE_EV_CLOSE = 12,
    TRACE_EV_READ = 13,
    TRACE_EV_PREAD64 = 14,
    TRACE_EV_READV = 15,
    TRACE_EV_WRITE = 16,
    TRACE_EV_PWRITE64 = 17,
    TRACE_EV_WRITEV = 18,
    TRACE_EV_FORK = 19,
    TRACE_EV_CLONE = 20,
    TRACE_EV_VFORK = 21,
    TRACE_EV_EXIT = 22,
    TRACE_EV_EXIT_GROUP = 23,
    TRACE_EV_WAIT4 = 24,
    TRACE_EV_EXECVE = 25,
};
#define TRACE_EV_TYPES 26     /* type numbers 0..25 */
#define TRACE_EV_ARGS 8       /* most numeric fields of a type (mmap has 7) */
#define TRACE_EV_STR_MAX 4096 /* longest str field, bytes (Linux's PATH_MAX) */
#define TRACE_EV_IOV_MAX 1024 /* most readv/writev pieces (UIO_MAXIOV) */

/* One OS event. arg[] holds the type's numeric fields in the order of the format's table
 * (readv/writev: fd, n, result; the n pieces are in iov), a signed field as its
 * two's-complement bits; str is the type's str field (NUL-terminated, str_len bytes). A
 * reader's str and iov stay valid until its next trace_read or trace_next_event. */
struct trace_event {
    unsigned type;   /* enum trace_event_type */
    unsigned nargs;  /* numeric fields in arg[] */
    uint64_t pid;    /* the process (for TRACE_EV_PROCESS, the one switched to) */
    uint64_t arg[TRACE_EV_ARGS];
    const char *str; /* NULL when the type has no str field */
    size_t str_len;
    const uint64_t *iov; /* readv/writev: base, len of piece i at iov[2i], iov[2i+1] */
};

/* What a reader has seen so far. */
struct trace_counts {
    uint64_t records;        /* records returned */
    uint64_t kind[4];        /* records by enum trace_kind */
    uint64_t valgrind_lines; /* "==PID==" lines skipped (lackey) */
    uint64_t bad_lines;      /* malformed lines skipped under TRACE_SKIP_BAD */
    uint64_t ignored;        /* records that name no access (din labels 3 and 4) */
    uint64_t events;         /* OS events of known types (not records; not process switches) */
    uint64_t event[TRACE_EV_TYPES]; /* by type ([0]: process switches) */
    uint64_t unknown_events; /* binary events of a type this vmsim does not know, skipped */
    uint64_t processes;      /* processes with records or events, or named by a switch */
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
/* With TRACE_EVENTS: after trace_read returned 0, 1 and the event (or process switch) in
 * *ev, or 0 at the real end of the trace. Without the flag always 0. */
int trace_next_event(struct trace_reader *r, struct trace_event *ev);
/* With TRACE_EVENTS: the process the records returned last belong to (0 until a process
 * switch; after trace_next_event gave a switch, the new process). */
uint64_t trace_reader_pid(const struct trace_reader *r);
/* The binary header's minor version (0 for text formats). */
unsigned trace_reader_minor(const struct trace_reader *r);
/* The processes seen so far, in order of appearance: *n of them, with their records and
 * events (process i at pid[i], records[i], events[i]; any pointer may be NULL). */
size_t trace_reader_processes(const struct trace_reader *r);
void trace_reader_process(const struct trace_reader *r, size_t i, uint64_t *pid,
                          uint64_t *records, uint64_t *events);

const struct trace_counts *trace_reader_counts(const struct trace_reader *r);
/* c in the public shape (api.c). */
void trace_counts_public(const struct trace_counts *c, struct vms_trace_counts *out);
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
/* OS events and process switches (TRACE_EV_PROCESS: trace_write_process of ev->pid; for
 * other types ev->pid is not used: the event belongs to the writer's current process).
 * The binary format marks a file holding any as version 1.1 (docs/trace-formats.md,
 * "Writing 1.1"); din cannot hold them (an error). */
int trace_write_event(struct trace_writer *w, const struct trace_event *ev,
                      struct vms_error *e);
int trace_write_process(struct trace_writer *w, uint64_t pid, struct vms_error *e);
/* Says up front that events will be written, so that a binary header still being
 * buffered says 1.1 (needed on a pipe when the first event comes after 256 KiB). */
int trace_writer_declare_events(struct trace_writer *w, struct vms_error *e);
/* Discard what w wrote (a path's file is left as it was before the open); frees w. */
void trace_writer_abort(struct trace_writer *w);
/* Records written so far. */
uint64_t trace_writer_count(const struct trace_writer *w);

/* "lackey" | "din" | "vmsim" -> format; false for anything else. */
bool trace_format_parse(const char *name, enum trace_format *out);
const char *trace_kind_name(unsigned kind); /* "I", "L", "S", "M" */
/* "process", "image", "mmap", ... by type number; NULL for an unknown number. */
const char *trace_event_name(unsigned type);

#endif
