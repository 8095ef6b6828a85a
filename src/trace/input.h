/* The decompression layer under the trace readers: a byte source (descriptor or memory)
 * that is plain, gzip (zlib), xz (liblzma) or zstd (libzstd, when built with VMS_HAVE_ZSTD),
 * told apart by the first bytes. Concatenated streams are decoded as one. */
#ifndef VMS_TRACE_INPUT_H
#define VMS_TRACE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmsim.h"

struct trace_input;

/* The identity hash of a byte stream (docs/trace-formats.md, "The input hash"): 64 bits,
 * fed in pieces of any size (the result does not depend on how the stream was cut),
 * four 64-bit lanes a 32-byte stripe at a time. */
struct input_hash {
    uint64_t v[4];
    uint64_t len;         /* bytes fed */
    unsigned char buf[32]; /* the stripe being filled */
    unsigned blen;
};
void input_hash_init(struct input_hash *h);
void input_hash_update(struct input_hash *h, const void *data, size_t n);
uint64_t input_hash_final(const struct input_hash *h); /* h is left as it was */

/* own_fd: close fd in input_close. name is used in messages (copied). NULL + e on error. */
struct trace_input *input_open_fd(int fd, bool own_fd, const char *name, struct vms_error *e);
/* data must outlive the input. */
struct trace_input *input_open_mem(const void *data, size_t len, const char *name,
                                   struct vms_error *e);
/* Up to cap decompressed bytes into dst: the count, 0 at the end, or -VMS_E* with
 * e->msg "NAME: what went wrong" (truncated or corrupt compressed data, read errors). */
long input_read(struct trace_input *in, void *dst, size_t cap, struct vms_error *e);
const char *input_compression(const struct trace_input *in); /* "none", "gzip", "xz", "zstd" */
/* From now on decompress in a thread of its own, a few MiB ahead of input_read (same bytes,
 * same errors, in the same order). 1 = started; 0 = not (the input is not compressed, or
 * the host has no thread for it: input_read decompresses as before); -VMS_ENOMEM. */
int input_decode_ahead(struct trace_input *in, struct vms_error *e);
void input_close(struct trace_input *in); /* NULL ok */
/* The decompressed bytes input_read has returned so far, their hash (input_hash), and
 * whether input_read has reached the end (complete may be NULL). */
void input_identity(const struct trace_input *in, uint64_t *bytes, uint64_t *hash,
                    bool *complete);
/* Reads (and hashes) the rest of the stream, discarding it: the identity then covers the
 * whole stream. 0, or a negative VMS_E* as input_read. */
int input_drain(struct trace_input *in, struct vms_error *e);
/* Bytes taken from the source so far (compressed bytes for compressed input) and the
 * source's size (a regular file or memory; 0 when unknown, e.g. a pipe). */
void input_progress(const struct trace_input *in, uint64_t *done, uint64_t *total);

#endif
