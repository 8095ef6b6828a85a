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

/* ------------------------------------------------------------------ the fast paths
 *
 * Nearly every line of a real trace has one shape: a three-byte prefix, the hex address,
 * ',', a size of one or two decimal digits, then '\n' or "\r\n". A fast path parses lines
 * of that shape and stops at anything else, which goes through the general byte-by-byte
 * parser (lackey_line_general); every message, column and counter of a line that is not
 * of that shape comes from the general parser, and a fast path only has to agree with it
 * on the lines it accepts. Neither reads more than 63 bytes past the last '\n' (lim[-1];
 * the data ends there or later), which TRACE_SLACK covers: a line's own reads stay within
 * the line or 22 bytes of its start, and the SSE2 path's 64-byte blocks start below lim.
 *
 * With SSE2 (x86-64 always has it): the line ends are found 64 bytes at a time, so the
 * start of the next line never waits for this one to be parsed, and the 1-16 address
 * digits are classified and converted 16 bytes at a time. Elsewhere: the first 8 bytes of
 * the address are classified and converted as one 64-bit word (SWAR; lackey prints at
 * least 8 digits), further digits one by one, and the next line starts where the parse
 * ended. trace_reader.lackey_impl lets the tests run the portable path, or the general
 * parser alone, where SSE2 is built. */

#if defined(__SSE2__) && !defined(VMS_NO_SIMD)
#include <emmintrin.h>
#define LACKEY_HAVE_SSE2 1
#else
#define LACKEY_HAVE_SSE2 0
#endif

/* trace_reader.lackey_impl */
enum { LACKEY_FAST_BEST = 0, LACKEY_FAST_SWAR = 1, LACKEY_FAST_NONE = 2 };

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) &&                                 \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LACKEY_LITTLE_ENDIAN 1
#else
#define LACKEY_LITTLE_ENDIAN 0
#endif

/* The 8 bytes at p as a little-endian number (p[0] in the low byte). */
static inline uint64_t lackey_load64le(const uint8_t *p)
{
#if LACKEY_LITTLE_ENDIAN
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;)
        v = v << 8 | p[i];
    return v;
#endif
}

/* The first three bytes at p as a little-endian number (and junk above). */
static inline uint32_t lackey_prefix_at(const uint8_t *p)
{
#if LACKEY_LITTLE_ENDIAN
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
#endif
}

/* By the second byte of a line: the first three bytes of a record line with that second
 * byte, as a little-endian number, and its kind in the high byte. A byte c that starts no
 * record maps to a number whose second byte is not c (0, or 0xff00 for c = 0). */
#define LACKEY_START(a, b, kind)                                                                   \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)' ' << 16 | (uint32_t)(kind) << 24)
static const uint32_t lackey_start[256] = {
    [0] = 0xff00,
    [' '] = LACKEY_START('I', ' ', TRACE_I),
    ['L'] = LACKEY_START(' ', 'L', TRACE_L),
    ['S'] = LACKEY_START(' ', 'S', TRACE_S),
    ['M'] = LACKEY_START(' ', 'M', TRACE_M),
};

/* The lines from p on, as far as a fast path takes them: records into o up to oend,
 * their number by kind into kinds. */
struct lackey_run {
    const uint8_t *p, *lim;
    struct trace_rec *o, *oend;
    uint64_t kinds[4];
    /* SSE2: the bits of nls are the '\n' at or after p in blk[0, 64) */
    const uint8_t *blk;
    uint64_t nls;
};

#define SWAR_ONES UINT64_C(0x0101010101010101)
#define SWAR_HIGH UINT64_C(0x8080808080808080)

/* Bit 7 of each byte of the result is set when that byte of x is a hex digit ('0'-'9',
 * 'a'-'f' or 'A'-'F'), every other bit clear; *letter the same for the letters only. */
static inline uint64_t swar_hex_bytes(uint64_t x, uint64_t *letter)
{
    uint64_t ascii = ~x & SWAR_HIGH;         /* bytes below 0x80 */
    uint64_t low7 = x & ~SWAR_HIGH;          /* so no sum below carries out of its byte */
    uint64_t ge0 = low7 + 0x50 * SWAR_ONES;  /* bit 7: low7 >= '0' */
    uint64_t gt9 = low7 + 0x46 * SWAR_ONES;  /* bit 7: low7 > '9' */
    uint64_t fold = low7 | 0x20 * SWAR_ONES; /* 'A'-'F' to 'a'-'f' (nothing else lands there) */
    uint64_t gea = fold + 0x1f * SWAR_ONES;  /* bit 7: fold >= 'a' */
    uint64_t gtf = fold + 0x19 * SWAR_ONES;  /* bit 7: fold > 'f' */
    *letter = gea & ~gtf & ascii;
    return (ge0 & ~gt9 & ascii) | *letter;
}

/* The value of the 8 hex digits in x, the first in the low byte (letter: as from
 * swar_hex_bytes). A byte that is no hex digit gives an arbitrary nibble in its place. */
static inline uint64_t swar_hex_value(uint64_t x, uint64_t letter)
{
    uint64_t v = (x & 0x0f * SWAR_ONES) + (letter >> 7) * 9; /* a nibble a byte */
    v = (v << 4 | v >> 8) & UINT64_C(0x00ff00ff00ff00ff);    /* 2 digits a 16-bit lane */
    v = (v << 8 | v >> 16) & UINT64_C(0x0000ffff0000ffff);   /* 4 digits a 32-bit lane */
    return (v << 16 | v >> 32) & UINT64_C(0xffffffff);
}

/* The portable fast path for the line at p: its record into *out and kind into *kind and
 * the start of the next line, or NULL (nothing stored) when it is not of the common shape. */
static inline __attribute__((always_inline)) const uint8_t *
lackey_line_swar(const uint8_t *p, struct trace_rec *out, unsigned *kind)
{
    uint32_t start = lackey_start[p[1]];
    if ((lackey_prefix_at(p) ^ start) & 0xffffff)
        return NULL;
    uint64_t letter, first8 = lackey_load64le(p + 3);
    uint64_t hex = swar_hex_bytes(first8, &letter);
    uint64_t addr = swar_hex_value(first8, letter);
    const uint8_t *q = p + 3 + 8;
    if (LIKELY(hex == SWAR_HIGH)) { /* lackey prints at least 8 digits */
        unsigned d;
        while ((d = trace_hexval[*q]) < 16) {
            addr = addr << 4 | d;
            q++;
        }
        if (q - (p + 3) > 16)
            return NULL;
    } else {
        unsigned nd = 0;
        while (hex >> (8 * nd + 7) & 1)
            nd++;
        if (nd == 0)
            return NULL;
        addr >>= 32 - 4 * nd;
        q = p + 3 + nd;
    }
    if (*q != ',')
        return NULL;
    unsigned s0 = (unsigned)q[1] - '0', s1 = (unsigned)q[2] - '0';
    if (s0 > 9)
        return NULL;
    uint32_t size = s0;
    q += 2;
    if (s1 <= 9) {
        size = s0 * 10 + s1;
        q++;
    }
    if (*q != '\n') {
        if (*q != '\r' || q[1] != '\n')
            return NULL; /* a third size digit, or an error */
        q++;
    }
    out->addr = addr;
    out->size = size;
    out->kind = (uint8_t)(start >> 24);
    *kind = start >> 24;
    return q + 1;
}

/* Parses lines from run->p on until out is full or the lines run out (false), or a line
 * is not of the common shape (true, run->p at its start). Out of line, so that the loop
 * has the registers to itself. */
static __attribute__((noinline)) bool lackey_run_swar(struct lackey_run *run)
{
    const uint8_t *p = run->p, *const lim = run->lim;
    struct trace_rec *o = run->o, *const oend = run->oend;
    bool stopped = false;
    while (o < oend && p < lim) {
        unsigned kind;
        const uint8_t *next = lackey_line_swar(p, o, &kind);
        if (UNLIKELY(!next)) {
            stopped = true;
            break;
        }
        run->kinds[kind]++;
        o++;
        p = next;
    }
    run->p = p;
    run->o = o;
    return stopped;
}

#if LACKEY_HAVE_SSE2
/* Index of the lowest set bit of x != 0. */
static inline uint64_t lackey_ctz64(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x);
}

/* Bit i set when b[i] == '\n', for i < 64. */
static inline uint64_t lackey_nl_mask(const uint8_t *b)
{
    const __m128i nl = _mm_set1_epi8('\n');
    __m128i x0 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)b), nl);
    __m128i x1 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(b + 16)), nl);
    __m128i x2 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(b + 32)), nl);
    __m128i x3 = _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(b + 48)), nl);
    uint64_t m0 = (unsigned)_mm_movemask_epi8(x0), m1 = (unsigned)_mm_movemask_epi8(x1);
    uint64_t m2 = (unsigned)_mm_movemask_epi8(x2), m3 = (unsigned)_mm_movemask_epi8(x3);
    return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}

/* The number of hex digits (0-16) the bytes q[0, 16) start with; when there are any,
 * their value in *addr. */
static inline unsigned lackey_hex_sse2(const uint8_t *q, uint64_t *addr)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)q);
    /* lo <= b <= hi (unsigned) as a signed compare: b - lo - 128 < hi - lo + 1 - 128 */
    const __m128i digit = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(0x50 /* -128 - '0' */)),
                                         _mm_set1_epi8(-128 + 10));
    const __m128i fold = _mm_or_si128(x, _mm_set1_epi8(0x20)); /* 'A'-'F' to 'a'-'f' */
    const __m128i letter = _mm_cmplt_epi8(_mm_add_epi8(fold, _mm_set1_epi8(0x1f /* -128 - 'a' */)),
                                          _mm_set1_epi8(-128 + 6));
    unsigned hex = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, letter));
    unsigned nd = (unsigned)lackey_ctz64(~(uint64_t)hex); /* hex < 2^16, so nd <= 16 */
    if (nd == 0)
        return 0;
    /* a nibble a byte, then 2 digits a byte in the low 8 bytes, the first digits first */
    __m128i v = _mm_add_epi8(_mm_and_si128(x, _mm_set1_epi8(0x0f)),
                             _mm_and_si128(letter, _mm_set1_epi8(9)));
    v = _mm_and_si128(_mm_or_si128(_mm_slli_epi16(v, 4), _mm_srli_epi16(v, 8)),
                      _mm_set1_epi16(0xff));
    v = _mm_packus_epi16(v, v);
    uint64_t pairs;
    _mm_storel_epi64((__m128i *)(void *)&pairs, v);
    /* x86 is little-endian: the first digits are in the low bytes */
    *addr = __builtin_bswap64(pairs) >> ((0u - 4 * nd) & 63);
    return nd;
}

/* The SSE2 fast path for the line [p, nl] (nl: its '\n'): its record into *out and kind
 * into *kind, or false (nothing stored) when it is not of the common shape. */
static inline __attribute__((always_inline)) bool
lackey_line_sse2(const uint8_t *p, const uint8_t *nl, struct trace_rec *out, unsigned *kind)
{
    uint32_t start = lackey_start[p[1]];
    if ((lackey_prefix_at(p) ^ start) & 0xffffff)
        return false;
    const uint8_t *q = p + 3;
    uint64_t addr;
    unsigned nd = lackey_hex_sse2(q, &addr);
    q += nd;
    if (nd == 0 || *q != ',')
        return false;
    unsigned s0 = (unsigned)q[1] - '0', s1 = (unsigned)q[2] - '0';
    if (s0 > 9)
        return false;
    uint32_t size = s0;
    q += 2;
    if (s1 <= 9) { /* rare enough that the branch costs less than computing both */
        size = s0 * 10 + s1;
        q++;
    }
    /* nl is the first '\n' from p, so this is "q[0] == '\n' or q[0, 2) == "\r\n"" (and
     * false after a third size digit) */
    if (UNLIKELY(q != nl) && (q + 1 != nl || *q != '\r'))
        return false;
    out->addr = addr;
    out->size = size;
    out->kind = (uint8_t)(start >> 24);
    *kind = start >> 24;
    return true;
}

/* As lackey_run_swar. The last '\n' is lim[-1], so when nls is empty and no later block
 * starts below lim, every line is parsed (p == lim); the blocks read start below lim, so
 * the reads stay below lim + 64. A line of another shape leaves with its bit out of nls. */
static __attribute__((noinline)) bool lackey_run_sse2(struct lackey_run *run)
{
    const uint8_t *p = run->p, *blk = run->blk, *const lim = run->lim;
    uint64_t nls = run->nls;
    struct trace_rec *o = run->o, *const oend = run->oend;
    bool stopped = false;
    while (o < oend) {
        while (nls == 0) {
            if (blk + 64 >= lim)
                goto out;
            blk += 64;
            nls = lackey_nl_mask(blk);
        }
        const uint8_t *nl = blk + lackey_ctz64(nls);
        nls &= nls - 1;
        unsigned kind;
        if (UNLIKELY(!lackey_line_sse2(p, nl, o, &kind))) {
            stopped = true;
            break;
        }
        run->kinds[kind]++;
        o++;
        p = nl + 1;
    }
out:
    run->p = p;
    run->blk = blk;
    run->nls = nls;
    run->o = o;
    return stopped;
}
#endif

/* ------------------------------------------------------------------ the general parser */

/* lackey_line_general's result for an event line that ends the batch (TRACE_EVENTS) */
#define LACKEY_EVENT_STOP 5

/* The event line at p (its '!' at bang): into r->ev, counted; a process switch made
 * (records_now: records returned before this line). Returns LACKEY_EVENT_STOP, 0 (not
 * delivered, or a bad line skipped), or -VMS_E*. */
static int lackey_event_line(struct trace_reader *r, const uint8_t *p, const uint8_t *bang,
                             const uint8_t *lim, uint64_t line, uint64_t records_now,
                             const uint8_t **next, struct vms_error *e)
{
    r->pos = (size_t)(p - r->buf);
    r->line = line;
    int rc = trace_event_storage(r, e);
    if (rc < 0)
        return rc;
    rc = trace_event_parse(r, p, bang, e);
    if (rc == 0 && r->ev.type == TRACE_EV_PROCESS) {
        const char *what;
        rc = trace_switch_pid(r, r->ev.pid, records_now, &what);
        if (rc == -VMS_ENOMEM)
            return err_set(e, VMS_ENOMEM, "%s: out of memory", r->name);
        if (rc < 0) {
            const uint8_t *at = bang + 1;
            while (*at == ' ' || (*at >= 'a' && *at <= 'z'))
                at++;
            return trace_line_error(r, r->pos, (size_t)(at - r->buf), what, e);
        }
    }
    if (rc < 0) {
        if (!(r->flags & TRACE_SKIP_BAD))
            return rc;
        r->counts.bad_lines++;
        lackey_skip_line(r, lim);
        *next = r->buf + r->pos;
        return 0;
    }
    lackey_skip_line(r, lim);
    *next = r->buf + r->pos;
    return trace_event_seen(r) ? LACKEY_EVENT_STOP : 0;
}

/* One line of any shape at p (which ends with '\n' before lim), line number `line`: a
 * record into *out (returns 1 + its kind), or a skipped comment, Valgrind line or (with
 * TRACE_SKIP_BAD) malformed line (returns 0), or an error (-VMS_EINVAL with r->pos and
 * r->line at the line). *next: the start of the next line. */
static int lackey_line_general(struct trace_reader *r, const uint8_t *p, const uint8_t *lim,
                               uint64_t line, uint64_t records_now, struct trace_rec *out,
                               const uint8_t **next, struct vms_error *e)
{
    const uint8_t *q;
    unsigned kind;
    const char *what;
    if (p[0] == 'I' && p[1] == ' ' && p[2] == ' ') {
        kind = TRACE_I;
    } else if (p[0] == ' ' && p[2] == ' ' && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M')) {
        kind = p[1] == 'L' ? TRACE_L : p[1] == 'S' ? TRACE_S : TRACE_M;
    } else if ((p[0] == '=' && p[1] == '=') || p[0] == '#') {
        if (p[0] == '=')
            r->counts.valgrind_lines++;
        goto skip;
    } else {
        q = p;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '!')
            return lackey_event_line(r, p, q, lim, line, records_now, next, e);
        q = p;
        what = lackey_expect_start;
        goto bad;
    }
    q = p + 3;
    uint64_t addr = 0;
    unsigned d;
    if (trace_hexval[*q] >= 16) {
        what = "a hex address";
        goto bad;
    }
    while ((d = trace_hexval[*q]) < 16) {
        addr = addr << 4 | d;
        q++;
    }
    if (q - (p + 3) > 16) {
        q = p + 3 + 16;
        what = "at most 16 hex digits";
        goto bad;
    }
    if (*q != ',') {
        what = "',' after the address";
        goto bad;
    }
    q++;
    unsigned dd = (unsigned)(*q - '0');
    if (dd > 9) {
        what = "a decimal size";
        goto bad;
    }
    uint64_t size = dd;
    while ((dd = (unsigned)(*++q - '0')) <= 9) {
        size = size * 10 + dd;
        if (size > UINT32_MAX) {
            what = "a size below 2^32";
            goto bad;
        }
    }
    if (*q == '\r')
        q++;
    if (*q != '\n') {
        what = "end of line after the size";
        goto bad;
    }
    out->addr = addr;
    out->size = (uint32_t)size;
    out->kind = (uint8_t)kind;
    *next = q + 1;
    return 1 + (int)kind;

bad:
    if (!(r->flags & TRACE_SKIP_BAD)) {
        r->pos = (size_t)(p - r->buf);
        r->line = line;
        return trace_line_error(r, r->pos, (size_t)(q - r->buf), what, e);
    }
    r->counts.bad_lines++;
skip:
    r->pos = (size_t)(p - r->buf);
    r->line = line;
    lackey_skip_line(r, lim);
    *next = r->buf + r->pos;
    return 0;
}

/* ------------------------------------------------------------------ the parser */

/* Parses complete lines in buf[pos, lim) into out; lim[-1] == '\n'. Returns the count.
 * impl: LACKEY_FAST_* (a constant where it is inlined). */
static inline __attribute__((always_inline)) long
lackey_parse_with(struct trace_reader *r, const uint8_t *lim, struct trace_rec *out, size_t n,
                  struct vms_error *e, unsigned impl)
{
    /* kinds are counted in run.kinds and added to r->counts on the way out; the line
     * number of run.p is line0 + (run.o - out) */
    struct lackey_run run = {.p = r->buf + r->pos, .lim = lim, .o = out, .oend = out + n};
    uint64_t line0 = r->line;
    long rc = 0;
#if LACKEY_HAVE_SSE2
    if (impl == LACKEY_FAST_BEST) {
        run.blk = run.p;
        run.nls = lackey_nl_mask(run.blk);
    }
#endif
    while (run.o < run.oend && run.p < lim) {
#if LACKEY_HAVE_SSE2
        if (impl == LACKEY_FAST_BEST && !lackey_run_sse2(&run))
            break;
#endif
        if (impl == LACKEY_FAST_SWAR || (!LACKEY_HAVE_SSE2 && impl == LACKEY_FAST_BEST))
            if (!lackey_run_swar(&run))
                break;
        /* a line of another shape: the general parser */
        const uint8_t *next;
        size_t before = (size_t)(run.o - out);
        int got = lackey_line_general(r, run.p, lim, line0 + before,
                                      r->counts.records + r->partial + before, run.o, &next, e);
        run.p = next;
        if (got == LACKEY_EVENT_STOP) {
            line0 = r->line - before;
            break;
        } else if (got > 0) {
            run.kinds[got - 1]++;
            run.o++;
        } else if (got == 0) {
            line0 = r->line - before;
        } else {
            r->partial += (size_t)(run.o - out);
            rc = got;
            break;
        }
    }
    for (unsigned k = 0; k < 4; k++)
        r->counts.kind[k] += run.kinds[k];
    if (rc < 0)
        return rc;
    r->pos = (size_t)(run.p - r->buf);
    r->line = line0 + (uint64_t)(run.o - out);
    return (long)(run.o - out);
}

static long lackey_parse_best(struct trace_reader *r, const uint8_t *lim, struct trace_rec *out,
                              size_t n, struct vms_error *e)
{
    return lackey_parse_with(r, lim, out, n, e, LACKEY_FAST_BEST);
}

static long lackey_parse_swar(struct trace_reader *r, const uint8_t *lim, struct trace_rec *out,
                              size_t n, struct vms_error *e)
{
    return lackey_parse_with(r, lim, out, n, e, LACKEY_FAST_SWAR);
}

static long lackey_parse_general(struct trace_reader *r, const uint8_t *lim, struct trace_rec *out,
                                 size_t n, struct vms_error *e)
{
    return lackey_parse_with(r, lim, out, n, e, LACKEY_FAST_NONE);
}

static long lackey_read(struct trace_reader *r, struct trace_rec *out, size_t n,
                        struct vms_error *e)
{
    static const trace_parse_fn parsers[] = {
        [LACKEY_FAST_BEST] = lackey_parse_best,
        [LACKEY_FAST_SWAR] = lackey_parse_swar,
        [LACKEY_FAST_NONE] = lackey_parse_general,
    };
    return trace_read_lines(r, out, n, parsers[r->lackey_impl < 3 ? r->lackey_impl : 0], e);
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
    static const char prefix[4][3] = {
        {'I', ' ', ' '}, {' ', 'L', ' '}, {' ', 'S', ' '}, {' ', 'M', ' '}};
    uint8_t *p = w->buf + w->len;
    memcpy(p, prefix[rec->kind], 3);
    p = lackey_put_hex(p + 3, rec->addr, 8);
    *p++ = ',';
    p = lackey_put_dec(p, rec->size);
    *p++ = '\n';
    w->len = (size_t)(p - w->buf);
}

static int lackey_write_event(struct trace_writer *w, const struct trace_event *ev,
                              struct vms_error *e)
{
    (void)e;
    w->len = (size_t)(trace_event_format(ev, w->buf + w->len) - w->buf);
    return 0;
}

const struct trace_format_ops lackey_format = {
    .name = "lackey",
    .read = lackey_read,
    .write_rec = lackey_write_rec,
    .write_event = lackey_write_event,
};
