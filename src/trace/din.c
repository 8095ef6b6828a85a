/* Dinero III/IV "din" text: "LABEL ADDRESS [SIZE] [comment]" per line. Labels: 0 data read,
 * 1 data write, 2 instruction fetch; 3 and 4 are Dinero's escape records (unknown access,
 * cache flush), counted as ignored. ADDRESS is hex (optional 0x); SIZE is an optional
 * vmsim extension in decimal, default DIN_DEFAULT_SIZE; anything after it is a comment. */
#include "trace/format.h"

#include <string.h>

#include "base/err.h"

#define DIN_DEFAULT_SIZE 4 /* a 32-bit word, the unit of Dinero's era */

static bool din_space(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static bool din_eol(uint8_t c)
{
    return c == '\n' || c == '\r';
}

/* Parses complete lines in buf[pos, lim) into out; lim[-1] == '\n'. Returns the count. */
static long din_parse(struct trace_reader *r, const uint8_t *lim, struct trace_rec *out,
                      size_t n, struct vms_error *e)
{
    static const uint8_t kind_of_label[3] = {TRACE_L, TRACE_S, TRACE_I};
    const uint8_t *p = r->buf + r->pos;
    size_t count = 0;
    while (count < n && p < lim) {
        const uint8_t *q = p;
        const char *what;
        while (din_space(*q))
            q++;
        if (din_eol(*q) || *q == '#')
            goto skip; /* blank line or comment */
        unsigned label = (unsigned)(*q - '0');
        if (label > 4 || (q[1] >= '0' && q[1] <= '9')) {
            what = "a label 0 (read), 1 (write), 2 (fetch), 3 or 4";
            goto bad;
        }
        q++;
        if (!din_space(*q)) {
            what = "a space after the label";
            goto bad;
        }
        while (din_space(*q))
            q++;
        if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
            q += 2;
        const uint8_t *digits = q;
        uint64_t addr = 0;
        unsigned d;
        while ((d = trace_hexval[*q]) < 16) {
            addr = addr << 4 | d;
            q++;
        }
        if (q == digits) {
            what = "a hex address";
            goto bad;
        }
        if (q - digits > 16) {
            q = digits + 16;
            what = "at most 16 hex digits";
            goto bad;
        }
        if (!din_space(*q) && !din_eol(*q)) {
            what = "a space or end of line after the address";
            goto bad;
        }
        while (din_space(*q))
            q++;
        uint64_t size = DIN_DEFAULT_SIZE;
        if (*q >= '0' && *q <= '9') { /* a size if the whole field is decimal digits */
            const uint8_t *s = q;
            uint64_t v = 0;
            for (; *s >= '0' && *s <= '9'; s++)
                if (v <= UINT32_MAX) /* saturates: v stays below 2^64 */
                    v = v * 10 + (unsigned)(*s - '0');
            if (din_space(*s) || din_eol(*s)) {
                if (v > UINT32_MAX) {
                    what = "a size below 2^32";
                    goto bad;
                }
                size = v;
            }
        }
        if (label > 2) {
            r->counts.ignored++;
        } else {
            unsigned kind = kind_of_label[label];
            out[count].addr = addr;
            out[count].size = (uint32_t)size;
            out[count].kind = (uint8_t)kind;
            r->counts.kind[kind]++;
            count++;
        }
    skip:
        p = (const uint8_t *)memchr(q, '\n', (size_t)(lim - q)) + 1;
        r->line++;
        continue;
    bad:
        if (!(r->flags & TRACE_SKIP_BAD)) {
            r->pos = (size_t)(p - r->buf);
            r->partial += count;
            return trace_line_error(r, r->pos, (size_t)(q - r->buf), what, e);
        }
        r->counts.bad_lines++;
        goto skip;
    }
    r->pos = (size_t)(p - r->buf);
    return (long)count;
}

static long din_read(struct trace_reader *r, struct trace_rec *out, size_t n,
                     struct vms_error *e)
{
    return trace_read_lines(r, out, n, din_parse, e);
}

static uint8_t *din_put_hex(uint8_t *p, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    unsigned n = 1;
    while (n < 16 && (v >> (4 * n)) != 0)
        n++;
    for (unsigned i = n; i-- > 0;) {
        p[i] = (uint8_t)digits[v & 15];
        v >>= 4;
    }
    return p + n;
}

static uint8_t *din_put_line(uint8_t *p, char label, uint64_t addr, uint32_t size)
{
    char dec[12];
    unsigned n = 0;
    *p++ = (uint8_t)label;
    *p++ = ' ';
    p = din_put_hex(p, addr);
    *p++ = ' ';
    do {
        dec[n++] = (char)('0' + size % 10);
        size /= 10;
    } while (size);
    while (n)
        *p++ = (uint8_t)dec[--n];
    *p++ = '\n';
    return p;
}

/* M has no din label: it becomes a read line and a write line. */
static void din_write_rec(struct trace_writer *w, const struct trace_rec *rec)
{
    static const char label[4] = {'2', '0', '1', '0'};
    uint8_t *p = din_put_line(w->buf + w->len, label[rec->kind], rec->addr, rec->size);
    if (rec->kind == TRACE_M)
        p = din_put_line(p, '1', rec->addr, rec->size);
    w->len = (size_t)(p - w->buf);
}

const struct trace_format_ops din_format = {
    .name = "din",
    .read = din_read,
    .write_rec = din_write_rec,
};
