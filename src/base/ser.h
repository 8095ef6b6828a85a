/* The checkpoint serializer: values appended to a growing buffer (little-endian u8, u32,
 * u64, byte strings) and read back with bounds checks. Reading past the end or a value out
 * of its range makes the reader bad: later reads return zeros and ser_error tells what went
 * wrong, so a loader checks once per section instead of at every read. */
#ifndef VMS_BASE_SER_H
#define VMS_BASE_SER_H

#include "base/err.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ser {
    uint8_t *buf;
    size_t len, cap;
    bool oom; /* an append failed for want of host memory (the buffer is kept as it was) */
};

void ser_init(struct ser *s);
void ser_fini(struct ser *s);
void ser_u8(struct ser *s, uint8_t v);
void ser_u32(struct ser *s, uint32_t v);
void ser_u64(struct ser *s, uint64_t v);
void ser_bytes(struct ser *s, const void *p, size_t n);
void ser_str(struct ser *s, const char *str); /* length, then bytes; NULL = length 2^32-1 */
/* Overwrites the u64 at offset off (written before with ser_u64). */
void ser_patch_u64(struct ser *s, size_t off, uint64_t v);

struct deser {
    const uint8_t *p;
    size_t len, pos;
    const char *name; /* the checkpoint's path, for messages */
    bool bad;
    bool oom;  /* the reason was host memory */
    char why[160]; /* the first problem met */
};

void deser_init(struct deser *d, const void *p, size_t len, const char *name);
uint8_t deser_u8(struct deser *d);
uint32_t deser_u32(struct deser *d);
uint64_t deser_u64(struct deser *d);
bool deser_bool(struct deser *d); /* a u8 that must be 0 or 1 */
/* A u64 that must be <= max (a count or an index): 0 and bad otherwise. */
uint64_t deser_max(struct deser *d, uint64_t max, const char *what);
/* n bytes into dst (zeros when bad). */
void deser_bytes(struct deser *d, void *dst, size_t n);
/* A pointer to n bytes inside the input, or NULL (bad). */
const uint8_t *deser_take(struct deser *d, size_t n);
/* A string (vms_malloc'd, NUL-terminated) of at most max bytes; *out NULL for a NULL one.
 * false when bad or out of memory (bad then too). */
bool deser_str(struct deser *d, size_t max, char **out);
/* Marks d bad with a message (printf-style); the first message is kept. */
void deser_fail(struct deser *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 0 when d is good; else err_set(e, VMS_EINVAL, "NAME: WHY") and -VMS_EINVAL (VMS_ENOMEM
 * when the reason was host memory). */
int deser_error(const struct deser *d, struct vms_error *e);

/* Arrays. deser_ids: n u32 each below lim or UINT32_MAX (a link or an index: "none");
 * deser_u8s: each at most max. */
void ser_u32s(struct ser *s, const uint32_t *a, size_t n);
void ser_u64s(struct ser *s, const uint64_t *a, size_t n);
void deser_u32s(struct deser *d, uint32_t *a, size_t n);
void deser_ids(struct deser *d, uint32_t *a, size_t n, uint64_t lim, const char *what);
void deser_u64s(struct deser *d, uint64_t *a, size_t n);
void deser_u8s(struct deser *d, uint8_t *a, size_t n, uint8_t max, const char *what);
/* One index: below lim, or UINT32_MAX when nil_ok. */
uint32_t deser_id(struct deser *d, uint64_t lim, bool nil_ok, const char *what);

#endif
