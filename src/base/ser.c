/* The checkpoint serializer (ser.h): a growing little-endian buffer and a bounds-checked
 * reader with a sticky error. */
#include "base/ser.h"

#include "base/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ser_init(struct ser *s)
{
    memset(s, 0, sizeof *s);
}

void ser_fini(struct ser *s)
{
    vms_free(s->buf);
    memset(s, 0, sizeof *s);
}

static uint8_t *ser_room(struct ser *s, size_t n)
{
    if (s->oom)
        return NULL;
    if (s->cap - s->len < n) {
        size_t ncap = s->cap ? s->cap : 4096;
        while (ncap - s->len < n) {
            if (ncap > SIZE_MAX / 2) {
                s->oom = true;
                return NULL;
            }
            ncap *= 2;
        }
        uint8_t *nb = vms_realloc(s->buf, ncap);
        if (!nb) {
            s->oom = true;
            return NULL;
        }
        s->buf = nb;
        s->cap = ncap;
    }
    uint8_t *p = s->buf + s->len;
    s->len += n;
    return p;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

void ser_u8(struct ser *s, uint8_t v)
{
    uint8_t *p = ser_room(s, 1);
    if (p)
        *p = v;
}

void ser_u32(struct ser *s, uint32_t v)
{
    uint8_t *p = ser_room(s, 4);
    if (p)
        put_le(p, v, 4);
}

void ser_u64(struct ser *s, uint64_t v)
{
    uint8_t *p = ser_room(s, 8);
    if (p)
        put_le(p, v, 8);
}

void ser_bytes(struct ser *s, const void *src, size_t n)
{
    uint8_t *p = n ? ser_room(s, n) : NULL;
    if (p)
        memcpy(p, src, n);
}

void ser_str(struct ser *s, const char *str)
{
    if (!str) {
        ser_u32(s, UINT32_MAX);
        return;
    }
    size_t n = strlen(str);
    ser_u32(s, (uint32_t)n);
    ser_bytes(s, str, n);
}

void ser_patch_u64(struct ser *s, size_t off, uint64_t v)
{
    if (!s->oom && off + 8 <= s->len)
        put_le(s->buf + off, v, 8);
}

void deser_init(struct deser *d, const void *p, size_t len, const char *name)
{
    memset(d, 0, sizeof *d);
    d->p = p;
    d->len = len;
    d->name = name;
}

void deser_fail(struct deser *d, const char *fmt, ...)
{
    if (d->bad)
        return;
    d->bad = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->why, sizeof d->why, fmt, ap);
    va_end(ap);
}

const uint8_t *deser_take(struct deser *d, size_t n)
{
    if (d->bad)
        return NULL;
    if (d->len - d->pos < n) {
        deser_fail(d, "truncated checkpoint (%zu bytes needed at byte %zu of %zu)", n, d->pos,
                   d->len);
        return NULL;
    }
    const uint8_t *p = d->p + d->pos;
    d->pos += n;
    return p;
}

static uint64_t get_le(struct deser *d, unsigned n)
{
    const uint8_t *p = deser_take(d, n);
    uint64_t v = 0;
    if (p)
        for (unsigned i = 0; i < n; i++)
            v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint8_t deser_u8(struct deser *d)
{
    return (uint8_t)get_le(d, 1);
}

uint32_t deser_u32(struct deser *d)
{
    return (uint32_t)get_le(d, 4);
}

uint64_t deser_u64(struct deser *d)
{
    return get_le(d, 8);
}

bool deser_bool(struct deser *d)
{
    size_t at = d->pos;
    uint8_t v = deser_u8(d);
    if (v > 1) {
        deser_fail(d, "corrupt checkpoint: a flag of value %u at byte %zu", v, at);
        return false;
    }
    return v;
}

uint64_t deser_max(struct deser *d, uint64_t max, const char *what)
{
    size_t at = d->pos;
    uint64_t v = deser_u64(d);
    if (v > max) {
        deser_fail(d, "corrupt checkpoint: %s %llu at byte %zu is out of range (at most %llu)",
                   what, (unsigned long long)v, at, (unsigned long long)max);
        return 0;
    }
    return v;
}

void deser_bytes(struct deser *d, void *dst, size_t n)
{
    const uint8_t *p = deser_take(d, n);
    if (p)
        memcpy(dst, p, n);
    else if (n)
        memset(dst, 0, n);
}

bool deser_str(struct deser *d, size_t max, char **out)
{
    *out = NULL;
    size_t at = d->pos;
    uint32_t n = deser_u32(d);
    if (d->bad)
        return false;
    if (n == UINT32_MAX)
        return true;
    if (n > max) {
        deser_fail(d, "corrupt checkpoint: a string of %u bytes at byte %zu", n, at);
        return false;
    }
    const uint8_t *p = deser_take(d, n);
    if (!p)
        return false;
    char *s = vms_malloc((size_t)n + 1);
    if (!s) {
        deser_fail(d, "out of host memory");
        d->oom = true;
        return false;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    *out = s;
    return true;
}

int deser_error(const struct deser *d, struct vms_error *e)
{
    if (!d->bad)
        return 0;
    if (d->oom)
        return err_set(e, VMS_ENOMEM, "%s: out of host memory", d->name);
    return err_set(e, VMS_EINVAL, "%s: %s", d->name, d->why);
}

void ser_u32s(struct ser *s, const uint32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ser_u32(s, a[i]);
}

void ser_u64s(struct ser *s, const uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ser_u64(s, a[i]);
}

void deser_u32s(struct deser *d, uint32_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = deser_u32(d);
}

uint32_t deser_id(struct deser *d, uint64_t lim, bool nil_ok, const char *what)
{
    size_t at = d->pos;
    uint32_t v = deser_u32(d);
    if ((v == UINT32_MAX && nil_ok) || v < lim)
        return v;
    deser_fail(d, "corrupt checkpoint: %s %u at byte %zu is out of range (below %llu)", what, v,
               at, (unsigned long long)lim);
    return nil_ok ? UINT32_MAX : 0;
}

void deser_ids(struct deser *d, uint32_t *a, size_t n, uint64_t lim, const char *what)
{
    for (size_t i = 0; i < n; i++)
        a[i] = deser_id(d, lim, true, what);
}

void deser_u64s(struct deser *d, uint64_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = deser_u64(d);
}

void deser_u8s(struct deser *d, uint8_t *a, size_t n, uint8_t max, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        size_t at = d->pos;
        a[i] = deser_u8(d);
        if (a[i] > max) {
            deser_fail(d, "corrupt checkpoint: %s %u at byte %zu (at most %u)", what, a[i], at,
                       max);
            a[i] = 0;
        }
    }
}
