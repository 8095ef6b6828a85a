/* Unit tests for the lackey reader's line parsers (src/trace/lackey.c). The reader has a
 * fast path for the common line shape (SSE2 where built, and a portable SWAR version) in
 * front of a general byte-by-byte parser that handles everything else; here every parser
 * (trace_reader.lackey_impl: 0 the fastest built, 1 SWAR, 2 the general parser alone)
 * reads the same inputs: exact values and messages for the edge cases, records split
 * across the 1 MiB buffer at every offset, and generated inputs full of damage on which
 * all three must agree on every record, counter, line number and message. */
#include "harness.h"

#include <stdlib.h>

#include "trace/format.h"

#define NIMPL 3u

/* A lackey reader over text with impl pinned. */
static struct trace_reader *open_impl(const void *text, size_t len, unsigned flags, unsigned impl,
                                      struct vms_error *e)
{
    struct trace_reader *r = trace_open_mem_as(text, len, "t", flags, TRACE_FMT_LACKEY, e);
    if (r)
        r->lackey_impl = impl;
    return r;
}

/* Everything one read-through gives: the records, the count every call returned, the
 * error and the counters. */
struct outcome {
    struct trace_rec *recs;
    size_t n, cap;
    uint64_t calls_hash; /* of the sequence of return values */
    char err[1100];
    int err_code;
    struct trace_counts counts;
};

static void outcome_free(struct outcome *o)
{
    free(o->recs);
    memset(o, 0, sizeof *o);
}

/* Reads text through impl in batches cycling through batch[0..3]. */
static void read_through(const char *text, size_t len, unsigned flags, unsigned impl,
                         const size_t batch[4], struct outcome *o)
{
    memset(o, 0, sizeof *o);
    struct vms_error e = {0};
    struct trace_reader *r = open_impl(text, len, flags, impl, &e);
    if (!r) {
        snprintf(o->err, sizeof o->err, "open: %s", e.msg);
        return;
    }
    o->calls_hash = 1469598103934665603u;
    for (unsigned call = 0;; call++) {
        size_t want = batch[call % 4];
        if (o->n + want > o->cap) {
            o->cap = (o->n + want) * 2;
            o->recs = realloc(o->recs, o->cap * sizeof *o->recs);
            if (!o->recs) {
                snprintf(o->err, sizeof o->err, "out of memory");
                break;
            }
        }
        long got = trace_read(r, o->recs + o->n, want, &e);
        o->calls_hash = (o->calls_hash ^ (uint64_t)got) * 1099511628211u;
        if (got < 0) {
            snprintf(o->err, sizeof o->err, "%s", e.msg);
            o->err_code = (int)got;
            /* sticky */
            struct trace_rec one;
            if (trace_read(r, &one, 1, &e) != got || strcmp(e.msg, o->err) != 0)
                snprintf(o->err, sizeof o->err, "error not sticky");
            break;
        }
        if (got == 0)
            break;
        o->n += (size_t)got;
    }
    o->counts = *trace_reader_counts(r);
    trace_close(r);
}

/* Do two outcomes agree in everything? Reports the first difference. */
static bool same_outcome(const struct outcome *a, const struct outcome *b, const char *what)
{
    if (a->n != b->n || a->calls_hash != b->calls_hash || strcmp(a->err, b->err) != 0 ||
        a->err_code != b->err_code || memcmp(&a->counts, &b->counts, sizeof a->counts) != 0) {
        harness_fail(__FILE__, __LINE__,
                     "%s: %zu records, error \"%s\", %llu bad, %llu valgrind vs %zu, \"%s\", "
                     "%llu, %llu",
                     what, a->n, a->err, (unsigned long long)a->counts.bad_lines,
                     (unsigned long long)a->counts.valgrind_lines, b->n, b->err,
                     (unsigned long long)b->counts.bad_lines,
                     (unsigned long long)b->counts.valgrind_lines);
        return false;
    }
    for (size_t i = 0; i < a->n; i++)
        if (a->recs[i].addr != b->recs[i].addr || a->recs[i].size != b->recs[i].size ||
            a->recs[i].kind != b->recs[i].kind) {
            harness_fail(__FILE__, __LINE__, "%s: record %zu: %llx,%u,%u vs %llx,%u,%u", what, i,
                         (unsigned long long)a->recs[i].addr, a->recs[i].size, a->recs[i].kind,
                         (unsigned long long)b->recs[i].addr, b->recs[i].size, b->recs[i].kind);
            return false;
        }
    return true;
}

/* Every parser, strict and with TRACE_SKIP_BAD, in a few batch patterns, agrees with the
 * general parser on text. Returns false after the first disagreement. */
static bool all_agree(const char *text, size_t len, const char *what)
{
    static const size_t batches[][4] = {
        {4096, 4096, 4096, 4096}, {1, 3, 64, 4096}, {7, 1, 1000, 2}};
    for (unsigned flags = 0; flags <= TRACE_SKIP_BAD; flags += TRACE_SKIP_BAD)
        for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
            struct outcome ref;
            read_through(text, len, flags, 2, batches[b], &ref);
            bool ok = true;
            for (unsigned impl = 0; impl < 2 && ok; impl++) {
                struct outcome o;
                read_through(text, len, flags, impl, batches[b], &o);
                char label[128];
                snprintf(label, sizeof label, "%s, impl %u, flags %u, batches %zu", what, impl,
                         flags, b);
                ok = same_outcome(&o, &ref, label);
                outcome_free(&o);
            }
            outcome_free(&ref);
            if (!ok)
                return false;
        }
    return true;
}

/* The single record of a one-line text through every parser; false (and a failure) when
 * any parser disagrees with (addr, size, kind). */
static void check_one(const char *text, uint64_t addr, uint32_t size, unsigned kind)
{
    for (unsigned impl = 0; impl < NIMPL; impl++) {
        struct vms_error e = {0};
        struct trace_reader *r = open_impl(text, strlen(text), 0, impl, &e);
        struct trace_rec got[2];
        long n = r ? trace_read(r, got, 2, &e) : -1;
        if (n != 1 || got[0].addr != addr || got[0].size != size || got[0].kind != kind)
            harness_fail(__FILE__, __LINE__, "impl %u, \"%s\": %ld records (%s), %llx,%u,%u", impl,
                         text, n, n < 0 ? e.msg : "", n == 1 ? (unsigned long long)got[0].addr : 0,
                         n == 1 ? got[0].size : 0, n == 1 ? got[0].kind : 0);
        else if (trace_read(r, got, 2, &e) != 0)
            harness_fail(__FILE__, __LINE__, "impl %u, \"%s\": more than one record", impl, text);
        trace_close(r);
    }
}

/* The first error of text through every parser (strict): each must give msg. */
static void check_error(const char *text, const char *msg)
{
    for (unsigned impl = 0; impl < NIMPL; impl++) {
        struct vms_error e = {0};
        struct trace_reader *r = open_impl(text, strlen(text), 0, impl, &e);
        struct trace_rec got[16];
        long n = -1;
        while (r && (n = trace_read(r, got, 16, &e)) > 0)
            ;
        if (!r || n == 0 || strcmp(e.msg, msg) != 0)
            harness_fail(__FILE__, __LINE__, "impl %u, \"%s\": \"%s\", expected \"%s\"", impl, text,
                         r && n == 0 ? "(no error)" : e.msg, msg);
        trace_close(r);
    }
}

TEST(lackey_address_digits)
{
    /* every length from 1 to 16 digits, each kind, lower, upper and mixed case */
    static const char *const prefix[4] = {"I  ", " L ", " S ", " M "};
    const char *digits = "fedcba9876543210";
    const char *upper = "FEDCBA9876543210";
    const char *mixed = "FeDcBa9876543210";
    for (unsigned nd = 1; nd <= 16; nd++)
        for (unsigned k = 0; k < 4; k++) {
            uint64_t want = 0;
            for (unsigned i = 0; i < nd; i++)
                want = want << 4 | (uint64_t)(15 - i);
            char line[64];
            snprintf(line, sizeof line, "%s%.*s,%u\n", prefix[k], (int)nd, digits, nd);
            check_one(line, want, nd, k);
            snprintf(line, sizeof line, "%s%.*s,%u\n", prefix[k], (int)nd, upper, nd);
            check_one(line, want, nd, k);
            snprintf(line, sizeof line, "%s%.*s,%u\r\n", prefix[k], (int)nd, mixed, nd);
            check_one(line, want, nd, k);
            /* no '\n' at the end of the data: the address is the last thing in the buffer */
            snprintf(line, sizeof line, "%s%.*s,%u", prefix[k], (int)nd, digits, 10 + nd);
            check_one(line, want, 10 + nd, k);
        }
    check_one("I  0000000000000000,0\n", 0, 0, TRACE_I);
    check_one("I  ffffffffffffffff,99\n", UINT64_MAX, 99, TRACE_I);
    check_one(" L 0,1\n", 0, 1, TRACE_L);
    check_one(" S 1fff000718,8\r\n", 0x1fff000718, 8, TRACE_S);
    /* every hex digit in every position of an 8- and a 10-digit address */
    const char *hexd = "0123456789abcdefABCDEF";
    for (unsigned pos = 0; pos < 10; pos++)
        for (unsigned c = 0; hexd[c]; c++) {
            char line[32];
            snprintf(line, sizeof line, " M 1111111111,4\n");
            line[3 + pos] = hexd[c];
            unsigned v = c < 16 ? c : c - 6;
            uint64_t want = 0x1111111111u;
            want = (want & ~((uint64_t)0xf << (4 * (9 - pos)))) | (uint64_t)v << (4 * (9 - pos));
            check_one(line, want, 4, TRACE_M);
            snprintf(line, sizeof line, "I  22222222,3\n");
            if (pos < 8) {
                line[3 + pos] = hexd[c];
                want = 0x22222222u;
                want = (want & ~((uint64_t)0xf << (4 * (7 - pos)))) | (uint64_t)v
                                                                          << (4 * (7 - pos));
                check_one(line, want, 3, TRACE_I);
            }
        }
}

TEST(lackey_sizes)
{
    check_one("I  04001e80,3\n", 0x4001e80, 3, TRACE_I);
    check_one("I  04001e80,15\n", 0x4001e80, 15, TRACE_I);
    check_one("I  04001e80,0\n", 0x4001e80, 0, TRACE_I);
    check_one("I  04001e80,09\n", 0x4001e80, 9, TRACE_I);
    check_one(" L 04001e80,100\n", 0x4001e80, 100, TRACE_L);
    check_one(" L 04001e80,4096\r\n", 0x4001e80, 4096, TRACE_L);
    check_one(" L 04001e80,000000000000000000000000000008\n", 0x4001e80, 8, TRACE_L);
    check_one(" S 04001e80,4294967295\n", 0x4001e80, UINT32_MAX, TRACE_S);
    check_one(" S 04001e80,99", 0x4001e80, 99, TRACE_S);
    check_one(" S 04001e80,9", 0x4001e80, 9, TRACE_S);
    check_one(" S 04001e80,9\r", 0x4001e80, 9, TRACE_S);
}

TEST(lackey_fast_path_declines)
{
    /* near misses of the common shape: the messages and columns are the general parser's */
    static const char start[] =
        "expected 'I  ', ' L ', ' S ' or ' M ' followed by an address, or a '==PID==' line";
    char msg[256];
    check_error("I  04001e8g,3\n", "t:1:11: expected ',' after the address");
    check_error("I  0400\x80"
                "1e80,3\n",
                "t:1:8: expected ',' after the address");
    check_error("I  \xb0"
                "4001e80,3\n",
                "t:1:4: expected a hex address");
    check_error("I  \xc1"
                "4001e80,3\n",
                "t:1:4: expected a hex address");
    check_error("I  04001e80\xac"
                "3\n",
                "t:1:12: expected ',' after the address");
    check_error("I  0400 1e80,3\n", "t:1:8: expected ',' after the address");
    check_error("I  0400\0"
                "1e80,3\n",
                "t:1:8: expected ',' after the address");
    check_error("I  04001e80,\n", "t:1:13: expected a decimal size");
    check_error("I  04001e80,a\n", "t:1:13: expected a decimal size");
    check_error("I  04001e80,3a\n", "t:1:14: expected end of line after the size");
    check_error("I  04001e80,31a\n", "t:1:15: expected end of line after the size");
    check_error("I  04001e80,3 \n", "t:1:14: expected end of line after the size");
    check_error("I  04001e80,3\r\r\n", "t:1:15: expected end of line after the size");
    check_error("I  04001e80,3\rx\n", "t:1:15: expected end of line after the size");
    check_error("I  04001e80,4294967296\n", "t:1:22: expected a size below 2^32");
    check_error("I  04001e80,,3\n", "t:1:13: expected a decimal size");
    check_error("I  11112222333344445,4\n", "t:1:20: expected at most 16 hex digits");
    check_error(" L 11112222333344445555666677778888,4\n",
                "t:1:20: expected at most 16 hex digits");
    check_error(" L ,4\n", "t:1:4: expected a hex address");
    check_error(" L \n", "t:1:4: expected a hex address");
    check_error(" L ", "t:1:4: expected a hex address");
    check_error(" L 12", "t:1:6: expected ',' after the address");
    snprintf(msg, sizeof msg, "t:1:1: %s", start);
    check_error("   04001e80,3\n", msg);
    check_error("i  04001e80,3\n", msg);
    check_error(" l 04001e80,3\n", msg);
    check_error("L  04001e80,3\n", msg);
    check_error(" I 04001e80,3\n", msg);
    check_error("\tL 04001e80,3\n", msg);
    check_error("\n", msg);
    check_error("\r\n", msg);
    check_error("=\n", msg);
    check_error(" X 04001e80,3\n", msg);
    check_error(" L\t04001e80,3\n", msg);
    snprintf(msg, sizeof msg, "t:3:1: %s", start);
    check_error("==1== a\n# b\nx\n", msg);
    /* a line of the common shape after a Valgrind line longer than a 64-byte block */
    char text[512];
    snprintf(text, sizeof text, "==12== %0200d\nI  04001e80,3\n L 12,x\n", 7);
    check_error(text, "t:3:7: expected a decimal size");
}

/* Reads text through impl to the end; the records into got (cap), their count into *n;
 * returns the last trace_read result (0 at a clean end). */
static long read_to_end(const char *text, size_t len, unsigned impl, struct trace_rec *got,
                        size_t cap, size_t *n, struct vms_error *e)
{
    struct trace_reader *r = open_impl(text, len, 0, impl, e);
    long k = -1;
    *n = 0;
    while (r && (k = trace_read(r, got + *n, cap - *n < 4096 ? cap - *n : 4096, e)) > 0)
        *n += (size_t)k;
    trace_close(r);
    return k;
}

/* The tested line starts `offset` bytes before the end of the first 1 MiB buffer, for
 * every offset that puts its start, its end or anything between on the boundary; a long
 * comment fills the buffer, with records before and after it. */
TEST(lackey_record_across_buffer_end)
{
    enum { BEFORE = 12, AFTER = 300 };
    size_t cap = TRACE_BUF_SIZE + 32 * AFTER;
    char *text = malloc(cap);
    struct trace_rec got[BEFORE + 1 + AFTER + 1];
    if (!text) {
        CHECK(false);
        return;
    }
    static const char *const lines[] = {" L 1ffefffd38,8\n", "I  04001e80,3\n",
                                        " M 0123456789abcdef,16\r\n", "I  7,12\n"};
    static const struct trace_rec want[4] = {{0x1ffefffd38, 8, TRACE_L},
                                             {0x4001e80, 3, TRACE_I},
                                             {0x0123456789abcdef, 16, TRACE_M},
                                             {7, 12, TRACE_I}};
    for (unsigned offset = 0; offset <= 26; offset++)
        for (unsigned shape = 0; shape < 4; shape++) {
            size_t len = 0;
            for (unsigned i = 0; i < BEFORE / 2; i++)
                len += (size_t)sprintf(text + len, "I  %010x,%02u\n", i, i % 16); /* 17 bytes */
            size_t tested = TRACE_BUF_SIZE - offset;
            size_t pad = tested - len - 17 * (BEFORE - BEFORE / 2);
            text[len] = '#';
            memset(text + len + 1, 'c', pad - 2);
            text[len + pad - 1] = '\n';
            len += pad;
            for (unsigned i = BEFORE / 2; i < BEFORE; i++)
                len += (size_t)sprintf(text + len, "I  %010x,%02u\n", i, i % 16);
            CHECK_EQ(len, tested);
            len += (size_t)sprintf(text + len, "%s", lines[shape]);
            for (unsigned i = 0; i < AFTER; i++)
                len += (size_t)sprintf(text + len, " S %08x,%u\n", i, i % 100);
            for (unsigned impl = 0; impl < NIMPL; impl++) {
                struct vms_error e = {0};
                size_t n;
                long k = read_to_end(text, len, impl, got, sizeof got / sizeof got[0], &n, &e);
                bool ok = k == 0 && n == BEFORE + 1 + AFTER;
                for (unsigned i = 0; ok && i < BEFORE; i++)
                    ok = got[i].addr == i && got[i].size == i % 16 && got[i].kind == TRACE_I;
                ok = ok && got[BEFORE].addr == want[shape].addr &&
                     got[BEFORE].size == want[shape].size && got[BEFORE].kind == want[shape].kind;
                for (unsigned i = 0; ok && i < AFTER; i++)
                    ok = got[BEFORE + 1 + i].addr == i && got[BEFORE + 1 + i].size == i % 100 &&
                         got[BEFORE + 1 + i].kind == TRACE_S;
                if (!ok)
                    harness_fail(__FILE__, __LINE__,
                                 "offset %u, shape %u, impl %u: %zu records (%s)", offset, shape,
                                 impl, n, k < 0 ? e.msg : "");
            }
            /* an error in the tested line: its line number and column */
            size_t at = tested + strlen(lines[shape]) - 4;
            char saved = text[at];
            text[at] = 'z';
            char msg[64];
            snprintf(msg, sizeof msg, "t:%u:%zu: expected ", BEFORE + 2, at - tested + 1);
            for (unsigned impl = 0; impl < NIMPL; impl++) {
                struct vms_error e = {0};
                size_t n;
                long k = read_to_end(text, len, impl, got, sizeof got / sizeof got[0], &n, &e);
                if (k >= 0 || n != BEFORE || strncmp(e.msg, msg, strlen(msg)) != 0)
                    harness_fail(__FILE__, __LINE__,
                                 "offset %u, shape %u, impl %u: %zu records, \"%s\" (want %s)",
                                 offset, shape, impl, n, e.msg, msg);
            }
            text[at] = saved;
        }
    free(text);
}

/* The last line of the input without its '\n', the longest of the fast shape, ending at
 * and around the end of the first and second buffer: the reader appends the '\n' into the
 * slack after the data, and the fast path reads past it. */
TEST(lackey_unterminated_last_line_at_buffer_end)
{
    static const char last[] = " M 0123456789abcdef,16";
    size_t cap = 2 * TRACE_BUF_SIZE + 64;
    char *text = malloc(cap);
    if (!text) {
        CHECK(false);
        return;
    }
    static const long ends[] = {-1, 0, 1, 17, 64};
    for (unsigned b = 1; b <= 2; b++)
        for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
            size_t len = (size_t)((long)(b * TRACE_BUF_SIZE) + ends[i]);
            /* "I  0400,3\n", comments of up to 64 KiB up to the last line, the last line */
            size_t at = (size_t)sprintf(text, "I  0400,3\n");
            size_t end = len - strlen(last);
            while (at < end) {
                size_t l = end - at > 65536 ? 65536 : end - at;
                if (end - at - l == 1)
                    l--; /* no one-byte comment "\n" (it is not one) */
                text[at] = '#';
                memset(text + at + 1, 'c', l - 1);
                text[at + l - 1] = '\n';
                at += l;
            }
            memcpy(text + end, last, strlen(last));
            for (unsigned impl = 0; impl < NIMPL; impl++) {
                struct vms_error e = {0};
                struct trace_rec got[4];
                size_t n;
                long k = read_to_end(text, len, impl, got, 4, &n, &e);
                if (k != 0 || n != 2 || got[1].addr != 0x0123456789abcdef || got[1].size != 16 ||
                    got[1].kind != TRACE_M)
                    harness_fail(__FILE__, __LINE__, "length %zu, impl %u: %zu records (%s)", len,
                                 impl, n, k < 0 ? e.msg : "");
            }
        }
    free(text);
}

/* ---------------------------------------------------------------- generated inputs */

static uint64_t gen_state;
static unsigned gen(unsigned n)
{
    gen_state ^= gen_state << 13;
    gen_state ^= gen_state >> 7;
    gen_state ^= gen_state << 17;
    return (unsigned)(gen_state % n);
}

/* Appends a well-formed line of random shape at s; returns its length. */
static size_t gen_good(char *s)
{
    static const char *const prefix[4] = {"I  ", " L ", " S ", " M "};
    static const char lower[] = "0123456789abcdef", any[] = "0123456789abcdefABCDEF";
    static const unsigned nds[] = {8,  8,  8,  8,  8, 8, 9, 10, 10, 10, 11, 12,
                                   13, 14, 15, 16, 1, 2, 3, 4,  5,  6,  7};
    size_t len = (size_t)sprintf(s, "%s", prefix[gen(4)]);
    unsigned nd = nds[gen(sizeof nds / sizeof nds[0])];
    bool upper = gen(5) == 0;
    for (unsigned i = 0; i < nd; i++)
        s[len++] = upper ? any[gen(22)] : lower[gen(16)];
    s[len++] = ',';
    unsigned r = gen(1000);
    if (r < 5)
        len += (size_t)sprintf(s + len, "%s", r < 2 ? "4294967295" : "4294967296");
    else if (r < 10)
        len += (size_t)sprintf(s + len, "%0*u", 2 + gen(20), gen(100));
    else if (r < 15)
        len += (size_t)sprintf(s + len, "%u", 1000000000u + gen(1000000000u) * 4);
    else
        len += (size_t)sprintf(s + len, "%u", r < 700 ? gen(10) : r < 950 ? gen(100) : gen(100000));
    len += (size_t)sprintf(s + len, "%s", gen(10) == 0 ? "\r\n" : "\n");
    return len;
}

/* Damages the line s[0, len) (1-3 byte replacements, insertions or deletions); returns
 * the new length. */
static size_t gen_damage(char *s, size_t len)
{
    static const char noise[] = "\r\n\n,= #0fFgG\tx9:/@`IL\x80\xff\xb0\xc1";
    for (unsigned k = 1 + gen(3); k > 0; k--) {
        unsigned op = gen(10);
        size_t i = gen((unsigned)len + 1);
        char c = noise[gen(sizeof noise)]; /* includes the terminating '\0' */
        if (op < 4 && len > 0) {
            s[i < len ? i : len - 1] = c;
        } else if (op < 7) {
            memmove(s + i + 1, s + i, len - i);
            s[i] = c;
            len++;
        } else if (len > 0) {
            if (i >= len)
                i = len - 1;
            memmove(s + i, s + i + 1, len - i - 1);
            len--;
        }
    }
    return len;
}

static size_t gen_other(char *s)
{
    unsigned r = gen(10);
    if (r < 3)
        return (size_t)sprintf(s, "==%u== %.*s\n", gen(99999), (int)gen(150),
                               "Lackey, an example Valgrind tool. Copyright (C) 2002-2017, and GNU "
                               "GPL'd, by Nicholas Nethercote. Using Valgrind-3.19.0 and LibVEX; "
                               "rerun with -h for copyright info, and more text here");
    if (r < 5)
        return (size_t)sprintf(s, "#%.*s\n", (int)gen(100),
                               "a comment that is long enough to cross a 64-byte block of the "
                               "buffer, and then some more");
    if (r < 6)
        return (size_t)sprintf(s, "\n");
    if (r < 7)
        return (size_t)sprintf(s, "=\n");
    return (size_t)sprintf(s, "I  %0*u,1\n", 17 + (int)gen(70), 0u);
}

/* nlines lines, a fraction pbad/1000 of them damaged and half that many comments and
 * other lines; returns the length. cap must allow 300 bytes a line. */
static size_t gen_text(char *s, unsigned nlines, unsigned pbad)
{
    size_t len = 0;
    for (unsigned i = 0; i < nlines; i++) {
        unsigned r = gen(2000);
        if (r < pbad * 2) {
            size_t l = gen_good(s + len);
            len += gen_damage(s + len, l);
        } else if (r < pbad * 3) {
            len += gen_other(s + len);
        } else {
            len += gen_good(s + len);
        }
    }
    unsigned end = gen(10);
    if (end < 3 && len > 0 && s[len - 1] == '\n')
        len--; /* no final newline */
    else if (end == 3 && len > 0 && s[len - 1] == '\n')
        s[len - 1] = '\r';
    return len;
}

TEST(lackey_generated_inputs_agree)
{
    static const unsigned nlines[] = {1, 2, 3, 5, 10, 50, 300};
    static const unsigned pbads[] = {0, 1, 10, 50, 300};
    char *text = malloc(300 * 300 + 64);
    if (!text) {
        CHECK(false);
        return;
    }
    gen_state = 0x9e3779b97f4a7c15u;
    for (unsigned i = 0; i < 1500; i++) {
        size_t len = gen_text(text, nlines[gen(7)], pbads[gen(5)]);
        char what[64];
        snprintf(what, sizeof what, "generated text %u", i);
        if (!all_agree(text, len, what))
            break;
    }
    free(text);
}

/* Inputs of several buffers, so records and damage fall on every kind of refill. */
TEST(lackey_generated_large_inputs_agree)
{
    const unsigned nlines = 250000;
    char *text = malloc((size_t)nlines * 300 + 64);
    if (!text) {
        CHECK(false);
        return;
    }
    gen_state = 0x2545f4914f6cdd1du;
    static const unsigned pbads[] = {0, 1, 20};
    for (unsigned i = 0; i < 3; i++) {
        size_t len = gen_text(text, nlines, pbads[i]);
        CHECK(len > 2 * TRACE_BUF_SIZE);
        char what[64];
        snprintf(what, sizeof what, "large generated text %u", i);
        all_agree(text, len, what);
    }
    free(text);
}
