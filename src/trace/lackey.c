/* Valgrind lackey text ("I  04001e80,3", " L 1fff000718,8", " S ...", " M ..."), read by a
 * hand-written parser over 1 MiB buffers: no per-line library calls on the fast path.
 * "==PID==" lines are Valgrind's own and are skipped; '#' lines are comments. */
#include "trace/format.h"

#include <string.h>

#include "base/err.h"

static const char lackey_expect_start[] =
    "'I  ', ' L ', ' S ' or ' M ' followed by an address, or a '==PID==' line";

/* Skips the line starting at buf[*pos] (which ends with '\n' before lim). */
static void lackey_skip_line(struct trace_reader *r, const uint8_t *lim)
{
    const uint8_t *nl = memchr(r->buf + r->pos, '\n', (size_t)(lim - (r->buf + r->pos)));
    r->pos = (size_t)(nl - r->buf) + 1;
    r->line++;
}

/* Parses complete lines in buf[pos, lim) into out; lim[-1] == '\n'. Returns the count. */
static long lackey_parse(struct trace_reader *r, const uint8_t *lim, struct trace_rec *out,
                         size_t n, struct vms_error *e)
{
    const uint8_t *p = r->buf + r->pos;
    uint64_t *kinds = r->counts.kind;
    uint64_t line = r->line;
    size_t count = 0;
    while (count < n && p < lim) {
        const uint8_t *q;
        unsigned kind;
        if (p[0] == 'I' && p[1] == ' ' && p[2] == ' ') {
            kind = TRACE_I;
        } else if (p[0] == ' ' && p[2] == ' ' && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M')) {
            kind = p[1] == 'L' ? TRACE_L : p[1] == 'S' ? TRACE_S : TRACE_M;
        } else if ((p[0] == '=' && p[1] == '=') || p[0] == '#') {
            if (p[0] == '=')
                r->counts.valgrind_lines++;
            r->pos = (size_t)(p - r->buf);
            r->line = line;
            lackey_skip_line(r, lim);
            p = r->buf + r->pos;
            line = r->line;
            continue;
        } else {
            q = p;
            goto bad_start;
        }
        q = p + 3;
        uint64_t addr;
        unsigned d;
        {
            /* lackey prints at least 8 digits: take 8 at once (independent loads, no
             * branch per digit), then any further digits one by one */
            const uint8_t *hv = trace_hexval;
            unsigned d0 = hv[q[0]], d1 = hv[q[1]], d2 = hv[q[2]], d3 = hv[q[3]];
            unsigned d4 = hv[q[4]], d5 = hv[q[5]], d6 = hv[q[6]], d7 = hv[q[7]];
            if (LIKELY((d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7) < 16)) {
                addr = (uint64_t)(d0 << 28 | d1 << 24 | d2 << 20 | d3 << 16 | d4 << 12 |
                                  d5 << 8 | d6 << 4 | d7);
                q += 8;
            } else {
                addr = 0;
                if (d0 >= 16)
                    goto bad_addr;
            }
        }
        while ((d = trace_hexval[*q]) < 16) {
            addr = addr << 4 | d;
            q++;
        }
        if (UNLIKELY(q - (p + 3) > 16)) {
            q = p + 3 + 16;
            goto bad_long;
        }
        if (UNLIKELY(*q != ','))
            goto bad_comma;
        q++;
        unsigned dd = (unsigned)(*q - '0');
        if (dd > 9)
            goto bad_size;
        uint64_t size = dd;
        while ((dd = (unsigned)(*++q - '0')) <= 9) {
            size = size * 10 + dd;
            if (size > UINT32_MAX)
                goto bad_size_range;
        }
        if (*q == '\r')
            q++;
        if (UNLIKELY(*q != '\n'))
            goto bad_end;
        out[count].addr = addr;
        out[count].size = (uint32_t)size;
        out[count].kind = (uint8_t)kind;
        count++;
        kinds[kind]++;
        p = q + 1;
        line++;
        continue;

        const char *what;
    bad_start:
        what = lackey_expect_start;
        goto bad;
    bad_addr:
        what = "a hex address";
        goto bad;
    bad_long:
        what = "at most 16 hex digits";
        goto bad;
    bad_comma:
        what = "',' after the address";
        goto bad;
    bad_size:
        what = "a decimal size";
        goto bad;
    bad_size_range:
        what = "a size below 2^32";
        goto bad;
    bad_end:
        what = "end of line after the size";
    bad:
        r->pos = (size_t)(p - r->buf);
        r->line = line;
        if (!(r->flags & TRACE_SKIP_BAD)) {
            trace_line_error(r, r->pos, (size_t)(q - r->buf), what, e);
            r->partial += count;
            return -VMS_EINVAL;
        }
        r->counts.bad_lines++;
        lackey_skip_line(r, lim);
        p = r->buf + r->pos;
        line = r->line;
    }
    r->pos = (size_t)(p - r->buf);
    r->line = line;
    return (long)count;
}

static long lackey_read(struct trace_reader *r, struct trace_rec *out, size_t n,
                        struct vms_error *e)
{
    return trace_read_lines(r, out, n, lackey_parse, e);
}

/* Writes "%x" of v with at least `min` digits at p; returns the end. */
static uint8_t *lackey_put_hex(uint8_t *p, uint64_t v, unsigned min)
{
    static const char digits[] = "0123456789abcdef";
    unsigned n = 1;
    while (n < 16 && (v >> (4 * n)) != 0)
        n++;
    if (n < min)
        n = min;
    for (unsigned i = n; i-- > 0;) {
        p[i] = (uint8_t)digits[v & 15];
        v >>= 4;
    }
    return p + n;
}

static uint8_t *lackey_put_dec(uint8_t *p, uint32_t v)
{
    uint8_t tmp[10];
    unsigned n = 0;
    do {
        tmp[n++] = (uint8_t)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static void lackey_write_rec(struct trace_writer *w, const struct trace_rec *rec)
{
    static const char prefix[4][3] = {{'I', ' ', ' '}, {' ', 'L', ' '}, {' ', 'S', ' '},
                                      {' ', 'M', ' '}};
    uint8_t *p = w->buf + w->len;
    memcpy(p, prefix[rec->kind], 3);
    p = lackey_put_hex(p + 3, rec->addr, 8);
    *p++ = ',';
    p = lackey_put_dec(p, rec->size);
    *p++ = '\n';
    w->len = (size_t)(p - w->buf);
}

const struct trace_format_ops lackey_format = {
    .name = "lackey",
    .read = lackey_read,
    .write_rec = lackey_write_rec,
};
