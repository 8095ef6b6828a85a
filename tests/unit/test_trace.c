/* Unit tests for src/trace: every format round-trips, records split across buffer
 * boundaries, huge addresses, exact error messages, compressed input, stdin, binary-format
 * damage, allocation failures. */
#include "harness.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "base/alloc.h"
#include "trace/trace.h"

static const char *data_path(const char *name)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%s/trace/%s", harness_data_dir(), name);
    return buf;
}

/* A fresh temporary file name (the file exists, empty). */
static void temp_path(char *buf, size_t cap)
{
    snprintf(buf, cap, "/tmp/vmsim-test-trace-XXXXXX");
    int fd = mkstemp(buf);
    if (fd >= 0)
        close(fd);
}

/* Reads all of r in batches of `batch`; returns the count (or -1 on error, message in e). */
static long read_all(struct trace_reader *r, struct trace_rec *out, size_t cap, size_t batch,
                     struct vms_error *e)
{
    size_t n = 0;
    for (;;) {
        size_t want = batch;
        if (want > cap - n)
            want = cap - n;
        if (want == 0) {
            struct trace_rec extra;
            long got = trace_read(r, &extra, 1, e);
            return got == 0 ? (long)n : -1;
        }
        long got = trace_read(r, out + n, want, e);
        if (got < 0)
            return -1;
        if (got == 0)
            return (long)n;
        n += (size_t)got;
    }
}

static bool same_recs(const struct trace_rec *a, const struct trace_rec *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].addr != b[i].addr || a[i].size != b[i].size || a[i].kind != b[i].kind) {
            fprintf(stderr, "record %zu differs: %llx,%u,%u vs %llx,%u,%u\n", i,
                    (unsigned long long)a[i].addr, a[i].size, a[i].kind,
                    (unsigned long long)b[i].addr, b[i].size, b[i].kind);
            return false;
        }
    return true;
}

/* A deterministic pseudo-random record stream with every shape the formats care about. */
static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void make_recs(struct trace_rec *r, size_t n, bool with_m)
{
    static const uint32_t sizes[] = {1, 2, 3, 4, 8, 16, 32, 64, 13, 0, 100, 4096, UINT32_MAX};
    uint64_t pc = 0x401000, data = 0x1fff000718;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = rng();
        unsigned kind = (unsigned)(x % 4);
        if (!with_m && kind == TRACE_M)
            kind = TRACE_L;
        uint32_t size = sizes[(x >> 8) % (sizeof sizes / sizeof sizes[0])];
        uint64_t addr;
        if (kind == TRACE_I) {
            addr = (x >> 20) % 8 ? pc : rng();
            if ((x >> 40) % 1000 == 0)
                addr = UINT64_MAX; /* 16 hex digits */
            pc = addr + (x >> 30) % 15 + 1;
            size = (uint32_t)((x >> 30) % 15 + 1);
        } else {
            addr = (x >> 24) % 3 ? data + (x >> 32) % 64 : (x >> 12);
            data = addr;
        }
        r[i] = (struct trace_rec){addr, size, (uint8_t)kind};
    }
}

TEST(trace_lackey_sample)
{
    struct vms_error e = {0};
    struct trace_reader *r = trace_open(data_path("small.lackey"), 0, &e);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_STR(trace_reader_format(r), "lackey");
    CHECK_STR(trace_reader_compression(r), "none");
    CHECK(trace_reader_source(r) == NULL);
    struct trace_rec recs[400];
    CHECK_EQ(read_all(r, recs, 400, 64, &e), 300);
    CHECK_EQ(recs[0].addr, 0x401ab70);
    CHECK_EQ(recs[0].size, 3);
    CHECK_EQ(recs[0].kind, TRACE_I);
    CHECK_EQ(recs[2].addr, 0x1fff000718); /* " S 1fff000718,8" */
    CHECK_EQ(recs[2].size, 8);
    CHECK_EQ(recs[2].kind, TRACE_S);
    const struct trace_counts *c = trace_reader_counts(r);
    CHECK_EQ(c->records, 300);
    CHECK_EQ(c->kind[TRACE_I], 237);
    CHECK_EQ(c->kind[TRACE_L], 27);
    CHECK_EQ(c->kind[TRACE_S], 32);
    CHECK_EQ(c->kind[TRACE_M], 4);
    CHECK_EQ(c->valgrind_lines, 25);
    CHECK_EQ(c->bad_lines, 0);
    trace_close(r);
    trace_close(NULL);
}

/* Every input variant of the sample decodes to the same 300 records. */
TEST(trace_sample_variants)
{
    static const char *const names[] = {"small.lackey.gz", "small.lackey.xz", "small.vt",
                                        "small.din"};
    static const char *const comp[] = {"gzip", "xz", "none", "none"};
    static const char *const fmt[] = {"lackey", "lackey", "vmsim", "din"};
    struct vms_error e = {0};
    struct trace_rec want[400], got[400];
    struct trace_reader *r = trace_open(data_path("small.lackey"), 0, &e);
    CHECK_EQ(read_all(r, want, 400, 400, &e), 300);
    trace_close(r);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        r = trace_open(data_path(names[i]), 0, &e);
        CHECK(r != NULL);
        if (!r) {
            fprintf(stderr, "%s\n", e.msg);
            continue;
        }
        CHECK_STR(trace_reader_compression(r), comp[i]);
        CHECK_STR(trace_reader_format(r), fmt[i]);
        long n = read_all(r, got, 400, 7, &e);
        if (i == 3) { /* din has no M: each M is a read line and a write line */
            CHECK_EQ(n, 304);
        } else {
            CHECK_EQ(n, 300);
            CHECK(same_recs(want, got, 300));
        }
        if (i == 2)
            CHECK_STR(trace_reader_source(r), "mm (CSAPP 9 sample): first 300 records");
        trace_close(r);
    }
}

TEST(trace_zstd_input)
{
    struct vms_error e = {0};
    struct trace_reader *r = trace_open(data_path("small.lackey.zst"), 0, &e);
#ifdef VMS_HAVE_ZSTD
    CHECK(r != NULL);
    struct trace_rec got[400];
    CHECK_EQ(read_all(r, got, 400, 100, &e), 300);
    CHECK_STR(trace_reader_compression(r), "zstd");
    trace_close(r);
#else
    CHECK(r == NULL);
    CHECK_EQ(e.code, VMS_EUNSUPPORTED);
    CHECK_CONTAINS(e.msg, "zstd trace but vmsim was built without libzstd (install libzstd-dev "
                          "and rebuild)");
#endif
}

/* Write n records in fmt, read them back (through a file and through memory). */
static void round_trip(enum trace_format fmt, size_t n, size_t batch)
{
    struct trace_rec *recs = vms_malloc(n * sizeof *recs);
    struct trace_rec *back = vms_malloc((n + 1) * sizeof *back);
    char path[64];
    temp_path(path, sizeof path);
    make_recs(recs, n, fmt != TRACE_FMT_DIN);
    struct vms_error e = {0};
    struct trace_writer *w = trace_writer_open_format(path, fmt, "round trip", &e);
    CHECK(w != NULL);
    for (size_t i = 0; i < n; i += 1000)
        CHECK_EQ(trace_write(w, recs + i, n - i < 1000 ? n - i : 1000, &e), 0);
    CHECK_EQ(trace_writer_count(w), n);
    CHECK_EQ(trace_writer_close(w, &e), 0);
    struct trace_reader *r = trace_open(path, 0, &e);
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ(read_all(r, back, n + 1, batch, &e), n);
        CHECK(same_recs(recs, back, n));
        if (fmt == TRACE_FMT_VMSIM)
            CHECK_STR(trace_reader_source(r), "round trip");
        trace_close(r);
    }
    /* the memory reader sees the same */
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    rewind(f);
    char *bytes = vms_malloc((size_t)len + 1);
    CHECK(fread(bytes, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    r = trace_open_mem(bytes, (size_t)len, "mem", 0, &e);
    CHECK(r != NULL);
    if (r) {
        CHECK_EQ(read_all(r, back, n + 1, batch * 3 + 1, &e), n);
        CHECK(same_recs(recs, back, n));
        trace_close(r);
    }
    vms_free(bytes);
    unlink(path);
    vms_free(recs);
    vms_free(back);
}

TEST(trace_round_trip_small)
{
    round_trip(TRACE_FMT_VMSIM, 1, 1);
    round_trip(TRACE_FMT_LACKEY, 1, 1);
    round_trip(TRACE_FMT_DIN, 1, 1);
    round_trip(TRACE_FMT_VMSIM, 0, 1);
    round_trip(TRACE_FMT_LACKEY, 0, 1);
}

/* Several MiB: records split across the 1 MiB parse buffers, in every format. */
TEST(trace_round_trip_buffer_boundaries)
{
    round_trip(TRACE_FMT_VMSIM, 700000, 4096);
    round_trip(TRACE_FMT_LACKEY, 300000, 333);
    round_trip(TRACE_FMT_DIN, 300000, 1);
}

TEST(trace_huge_addresses)
{
    static const char text[] = "I  ffffffffffffffff,15\n"
                               " L 1fff000718,8\n"
                               " S 00000000,1\n"
                               " M 0123456789abcdef,4294967295\n";
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(text, sizeof text - 1, "t", 0, &e);
    struct trace_rec got[8];
    CHECK_EQ(read_all(r, got, 8, 8, &e), 4);
    CHECK_EQ(got[0].addr, UINT64_MAX);
    CHECK_EQ(got[0].size, 15);
    CHECK_EQ(got[1].addr, 0x1fff000718);
    CHECK_EQ(got[2].addr, 0);
    CHECK_EQ(got[3].addr, 0x0123456789abcdef);
    CHECK_EQ(got[3].size, UINT32_MAX);
    CHECK_EQ(got[3].kind, TRACE_M);
    trace_close(r);
}

/* The first error message of text through reader (flags), or "" when it reads cleanly. */
static const char *first_error(const char *text, unsigned flags)
{
    static struct vms_error e;
    memset(&e, 0, sizeof e);
    struct trace_reader *r = trace_open_mem(text, strlen(text), "t.trace", flags, &e);
    if (!r)
        return e.msg;
    struct trace_rec got[16];
    long n;
    while ((n = trace_read(r, got, 16, &e)) > 0)
        ;
    if (n == 0)
        e.msg[0] = '\0';
    trace_close(r);
    return e.msg;
}

TEST(trace_lackey_errors)
{
    CHECK_STR(first_error("I  0400,3\nX  0400,3\n", 0),
              "t.trace:2:1: expected 'I  ', ' L ', ' S ' or ' M ' followed by an address, or "
              "a '==PID==' line");
    CHECK_STR(first_error(" L 12345678;4\n", 0), "t.trace:1:12: expected ',' after the address");
    CHECK_STR(first_error(" L ,4\n", 0), "t.trace:1:4: expected a hex address");
    CHECK_STR(first_error(" S 12,x\n", 0), "t.trace:1:7: expected a decimal size");
    CHECK_STR(first_error(" S 12,\n", 0), "t.trace:1:7: expected a decimal size");
    CHECK_STR(first_error(" M 12,4 junk\n", 0), "t.trace:1:8: expected end of line after the size");
    CHECK_STR(first_error("I  11112222333344445,4\n", 0), "t.trace:1:20: expected at most 16 hex digits");
    CHECK_STR(first_error("I  12,99999999999\n", 0), "t.trace:1:16: expected a size below 2^32");
    CHECK_STR(first_error("==1== hi\nI  12,4\n\n", 0),
              "t.trace:3:1: expected 'I  ', ' L ', ' S ' or ' M ' followed by an address, or "
              "a '==PID==' line");
    CHECK_STR(first_error("I 12,4\n", 0),
              "t.trace:1:1: expected 'I  ', ' L ', ' S ' or ' M ' followed by an address, or "
              "a '==PID==' line");
    /* a last line without '\n', CRLF line ends and '#' comments are fine */
    CHECK_STR(first_error("# comment\r\nI  12,4\r\n L 13,4", 0), "");
}

/* The records before an error are delivered first (their count), the error with the next
 * call, then again with every later call: a simulation runs everything up to the damage. */
static void check_partial(const void *data, size_t len, unsigned nbefore, const char *msg)
{
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(data, len, "p", 0, &e);
    CHECK(r != NULL);
    if (!r)
        return;
    struct trace_rec got[64];
    long n = trace_read(r, got, 64, &e);
    if (n != (long)nbefore)
        harness_fail(__FILE__, __LINE__, "%s: %ld records before the error, expected %u (%s)",
                     msg, n, nbefore, e.msg);
    CHECK_EQ(trace_reader_counts(r)->records, nbefore);
    CHECK(trace_read(r, got, 64, &e) < 0);
    CHECK_CONTAINS(e.msg, msg);
    CHECK(trace_read(r, got, 64, &e) < 0);
    CHECK_CONTAINS(e.msg, msg);
    trace_close(r);
}

TEST(trace_records_before_an_error)
{
    const char *lackey = "I  0400,3\n L 12,4\n L zz,4\n S 12,4\n";
    check_partial(lackey, strlen(lackey), 2, "p:3:4: expected a hex address");
    const char *din = "2 400 3\n0 12\n9 12\n";
    check_partial(din, strlen(din), 2, "p:3:1:");
    /* a binary trace cut short: every whole record, then "no end marker" */
    struct vms_error e = {0};
    char path[64];
    temp_path(path, sizeof path);
    struct trace_writer *w = trace_writer_open_format(path, TRACE_FMT_VMSIM, "x", &e);
    struct trace_rec recs[5] = {{0x400, 3, TRACE_I}, {0x403, 2, TRACE_I}, {0x1000, 8, TRACE_L},
                                {0x1008, 8, TRACE_S}, {0x2000, 4, TRACE_M}};
    CHECK(w != NULL);
    if (!w)
        return;
    CHECK_EQ(trace_write(w, recs, 5, &e), 0);
    CHECK_EQ(trace_writer_close(w, &e), 0);
    uint8_t buf[256];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    unlink(path);
    CHECK(n > 4);
    check_partial(buf, n - 2, 5, "no end marker");
}

TEST(trace_skip_bad)
{
    static const char text[] = "==7== start\nI  0400,3\ngarbage\n L 10,4\n S zz,4\n M 20,8\n";
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(text, sizeof text - 1, "t", TRACE_SKIP_BAD, &e);
    struct trace_rec got[8];
    CHECK_EQ(read_all(r, got, 8, 8, &e), 3);
    CHECK_EQ(got[2].addr, 0x20);
    CHECK_EQ(got[2].kind, TRACE_M);
    CHECK_EQ(trace_reader_counts(r)->bad_lines, 2);
    CHECK_EQ(trace_reader_counts(r)->valgrind_lines, 1);
    trace_close(r);
}

TEST(trace_din)
{
    static const char text[] = "# a din trace\n"
                               "2 0 \n"
                               "0 1000 this is a comment\n"
                               "0 0x70f60888 8\n"
                               "\t1  70F6088C 2 comment\n"
                               "3 5\n"
                               "4 0\n"
                               "\n"
                               "1 ffffffffffffffff\n";
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(text, sizeof text - 1, "d", 0, &e);
    CHECK(r != NULL);
    CHECK_STR(trace_reader_format(r), "din");
    struct trace_rec got[8];
    CHECK_EQ(read_all(r, got, 8, 8, &e), 5);
    CHECK_EQ(got[0].kind, TRACE_I);
    CHECK_EQ(got[0].addr, 0);
    CHECK_EQ(got[0].size, 4);
    CHECK_EQ(got[1].kind, TRACE_L);
    CHECK_EQ(got[1].addr, 0x1000);
    CHECK_EQ(got[2].size, 8);
    CHECK_EQ(got[3].kind, TRACE_S);
    CHECK_EQ(got[3].addr, 0x70f6088c);
    CHECK_EQ(got[3].size, 2);
    CHECK_EQ(got[4].addr, UINT64_MAX);
    CHECK_EQ(trace_reader_counts(r)->ignored, 2);
    trace_close(r);
    CHECK_STR(first_error("0 10\n5 10\n", 0),
              "t.trace:2:1: expected a label 0 (read), 1 (write), 2 (fetch), 3 or 4");
    CHECK_STR(first_error("0 zz\n", 0), "t.trace:1:3: expected a hex address");
    CHECK_STR(first_error("0 12g\n", 0),
              "t.trace:1:5: expected a space or end of line after the address");
    CHECK_STR(first_error("0\n", 0), "t.trace:1:2: expected a space after the label");
    CHECK_STR(first_error("0 10 99999999999\n", 0), "t.trace:1:6: expected a size below 2^32");
}

TEST(trace_empty_and_comment_only)
{
    CHECK_STR(first_error("", 0), "");
    CHECK_STR(first_error("# nothing\n==1== x\n", 0), "");
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem("", 0, "e", 0, &e);
    struct trace_rec rec;
    CHECK_EQ(trace_read(r, &rec, 1, &e), 0);
    CHECK_EQ(trace_read(r, &rec, 1, &e), 0);
    trace_close(r);
}

/* Builds a small binary trace in memory. */
static size_t vt_bytes(uint8_t *buf, size_t cap)
{
    char path[64];
    temp_path(path, sizeof path);
    struct vms_error e = {0};
    struct trace_writer *w = trace_writer_open(path, "src", &e);
    struct trace_rec recs[3] = {{0x1000, 4, TRACE_I}, {0x1004, 4, TRACE_I}, {0x7fff0, 8, TRACE_S}};
    trace_write(w, recs, 3, &e);
    trace_writer_close(w, &e);
    FILE *f = fopen(path, "rb");
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    unlink(path);
    return n;
}

TEST(trace_vmsim_damage)
{
    uint8_t buf[256], bad[256];
    size_t n = vt_bytes(buf, sizeof buf);
    CHECK(n > 21 && n < 64);
    struct vms_error e = {0};
    struct trace_rec got[8];
    /* intact */
    struct trace_reader *r = trace_open_mem(buf, n, "v", 0, &e);
    CHECK_EQ(read_all(r, got, 8, 8, &e), 3);
    CHECK_EQ(got[2].addr, 0x7fff0);
    trace_close(r);
    /* truncated: no end marker */
    r = trace_open_mem(buf, n - 2, "v", 0, &e);
    CHECK(read_all(r, got, 8, 8, &e) < 0);
    CHECK_CONTAINS(e.msg, "v: offset");
    CHECK_CONTAINS(e.msg, "no end marker");
    /* the error is sticky */
    CHECK(trace_read(r, got, 1, &e) < 0);
    CHECK_CONTAINS(e.msg, "no end marker");
    trace_close(r);
    /* trailing garbage */
    memcpy(bad, buf, n);
    bad[n] = 0x01;
    r = trace_open_mem(bad, n + 1, "v", 0, &e);
    CHECK(read_all(r, got, 8, 8, &e) < 0);
    CHECK_CONTAINS(e.msg, "expected end of file after the end marker");
    trace_close(r);
    /* wrong record count in the end marker */
    memcpy(bad, buf, n);
    bad[n - 1] = 7;
    r = trace_open_mem(bad, n, "v", 0, &e);
    CHECK(read_all(r, got, 8, 8, &e) < 0);
    CHECK_CONTAINS(e.msg, "record count");
    trace_close(r);
    /* unknown major version */
    memcpy(bad, buf, n);
    bad[8] = 2;
    r = trace_open_mem(bad, n, "v", 0, &e);
    CHECK(r == NULL);
    CHECK_EQ(e.code, VMS_EUNSUPPORTED);
    CHECK_STR(e.msg, "v: vmsim trace version 2.0; this vmsim reads version 1.x");
    /* a later minor version with a longer header is read (unknown header bytes skipped) */
    uint8_t longer[300];
    memcpy(longer, buf, 18 + 3);
    longer[9] = 7;
    longer[12] = 18 + 3 + 5;
    memset(longer + 21, 0xee, 5);
    memcpy(longer + 26, buf + 21, n - 21);
    r = trace_open_mem(longer, n + 5, "v", 0, &e);
    CHECK(r != NULL);
    CHECK_EQ(read_all(r, got, 8, 8, &e), 3);
    CHECK_STR(trace_reader_source(r), "src");
    trace_close(r);
    /* truncated header */
    r = trace_open_mem(buf, 12, "v", 0, &e);
    CHECK(r == NULL);
    CHECK_STR(e.msg, "v: offset 12: truncated header");
}

/* Damage in the middle of a long binary trace, where the reader's unchecked bulk loop
 * meets it: it must stop there and report exactly what the checked loop reports, and
 * varints of every length up to 10 bytes must decode. */
TEST(trace_vmsim_damage_in_bulk)
{
    uint8_t head[256];
    size_t hn = vt_bytes(head, sizeof head);
    const size_t hdr = 21; /* fixed header + "src" */
    static uint8_t buf[4096];
    struct trace_rec got[600];
    struct vms_error e = {0};
    /* 300 one-byte records (NEXT, size 5, I), then a DELTA record for S with a varint of
     * `len` bytes, then 100 more one-byte records, then the end marker */
    for (unsigned len = 1; len <= 11; len++) {
        for (unsigned bad_top = 0; bad_top < 2; bad_top++) {
            if (bad_top && len != 10)
                continue;
            size_t n = 0;
            memcpy(buf, head, hdr);
            n = hdr;
            for (int i = 0; i < 300; i++)
                buf[n++] = 0x14;
            size_t at = n;
            buf[n++] = (uint8_t)(2u << 6 | 5u << 2 | TRACE_S); /* DELTA, size 5, S */
            uint64_t z = 0;
            for (unsigned i = 0; i < len; i++) {
                uint8_t b = i + 1 < len ? 0x80 | (uint8_t)(i + 1) : (uint8_t)(i == 9 ? 1 : 3);
                if (bad_top && i == 9)
                    b = 2;
                buf[n++] = b;
                if (i < 10)
                    z |= (uint64_t)(b & 0x7f) << (7 * i);
            }
            for (int i = 0; i < 100; i++)
                buf[n++] = 0x14;
            buf[n++] = 0xc0; /* end marker: 401 records */
            buf[n++] = 0x80 | (401 & 0x7f);
            buf[n++] = 401 >> 7;
            (void)hn;
            struct trace_reader *r = trace_open_mem(buf, n, "v", 0, &e);
            CHECK(r != NULL);
            long k = read_all(r, got, 600, 4096, &e);
            if (len <= 10 && !bad_top) {
                CHECK_EQ(k, 401);
                uint64_t delta = (z >> 1) ^ (0 - (z & 1));
                CHECK_EQ(got[300].addr, delta);
                CHECK_EQ(got[300].kind, TRACE_S);
                CHECK_EQ(got[299].addr, 299u * 5);
            } else {
                char want[96];
                snprintf(want, sizeof want, "v: offset %zu: an address delta varint", at);
                CHECK(k < 0);
                CHECK_STR(e.msg, want);
            }
            trace_close(r);
        }
    }
}

TEST(trace_compressed_damage)
{
    FILE *f = fopen(data_path("small.lackey.gz"), "rb");
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct vms_error e = {0};
    struct trace_rec got[400];
    struct trace_reader *r = trace_open_mem(buf, n / 2, "g", 0, &e);
    CHECK(r == NULL || read_all(r, got, 400, 400, &e) < 0);
    CHECK_STR(e.msg, "g: truncated gzip data");
    trace_close(r);
    f = fopen(data_path("small.lackey.xz"), "rb");
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    r = trace_open_mem(buf, n - 10, "x", 0, &e);
    CHECK(r == NULL || read_all(r, got, 400, 400, &e) < 0);
    CHECK_CONTAINS(e.msg, "x: ");
    CHECK_CONTAINS(e.msg, "xz data");
    trace_close(r);
}

/* Two gzip members back to back read as one stream (as `cat a.gz b.gz` gives), made here
 * with zlib itself. */
TEST(trace_gzip_concatenated)
{
    static const char a[] = "I  1000,4\n", b[] = " L 2000,8\n";
    uint8_t out[512];
    size_t len = 0;
    for (int k = 0; k < 2; k++) {
        z_stream z = {0};
        CHECK_EQ(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        z.next_in = (Bytef *)(uintptr_t)(k ? b : a);
        z.avail_in = (uInt)(k ? sizeof b : sizeof a) - 1;
        z.next_out = out + len;
        z.avail_out = (uInt)(sizeof out - len);
        CHECK_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
        len = sizeof out - z.avail_out;
        deflateEnd(&z);
    }
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_mem(out, len, "gz", 0, &e);
    struct trace_rec got[4];
    CHECK_EQ(read_all(r, got, 4, 4, &e), 2);
    CHECK_EQ(got[1].addr, 0x2000);
    trace_close(r);
}

TEST(trace_stdin)
{
    int fd = open(data_path("small.lackey.xz"), O_RDONLY);
    CHECK(fd >= 0);
    int saved = dup(0);
    dup2(fd, 0);
    close(fd);
    struct vms_error e = {0};
    struct trace_reader *r = trace_open("-", 0, &e);
    dup2(saved, 0);
    close(saved);
    CHECK(r != NULL);
    struct trace_rec got[400];
    CHECK_EQ(read_all(r, got, 400, 50, &e), 300);
    CHECK_STR(trace_reader_compression(r), "xz");
    trace_close(r);
}

TEST(trace_open_errors)
{
    struct vms_error e = {0};
    CHECK(trace_open("/nonexistent/trace", 0, &e) == NULL);
    CHECK_EQ(e.code, VMS_EIO);
    CHECK_STR(e.msg, "/nonexistent/trace: No such file or directory");
    CHECK(trace_writer_open("/nonexistent/out", NULL, &e) == NULL);
    CHECK_EQ(e.code, VMS_EIO);
    enum trace_format f;
    CHECK(trace_format_parse("din", &f) && f == TRACE_FMT_DIN);
    CHECK(trace_format_parse("vmsim", &f) && f == TRACE_FMT_VMSIM);
    CHECK(!trace_format_parse("dinero", &f));
    CHECK_STR(trace_kind_name(TRACE_M), "M");
    /* a writer refuses a record of no kind */
    char path[64];
    temp_path(path, sizeof path);
    struct trace_writer *w = trace_writer_open(path, NULL, &e);
    struct trace_rec rec = {1, 1, 9};
    CHECK_EQ(trace_write(w, &rec, 1, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "kind 9 is not I, L, S or M");
    CHECK_EQ(trace_writer_close(w, &e), 0);
    CHECK_EQ(trace_writer_close(NULL, &e), 0);
    unlink(path);
}

/* Every allocation in open/read can fail: a clean error, never a crash or a leak. */
TEST(trace_alloc_failures)
{
    static const char *const names[] = {"small.lackey.xz", "small.lackey.gz", "small.vt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        bool ok = false;
        for (long k = 0; k < 200 && !ok; k++) {
            struct vms_error e = {0};
            alloc_fail_after(k);
            struct trace_reader *r = trace_open(data_path(names[i]), 0, &e);
            struct trace_rec got[400];
            long n = r ? read_all(r, got, 400, 400, &e) : -1;
            alloc_fail_after(-1);
            if (n < 0)
                CHECK(e.code == VMS_ENOMEM);
            ok = n == 300;
            trace_close(r);
        }
        CHECK(ok);
    }
}

TEST(trace_public_convert)
{
    char out[64], back[64];
    temp_path(out, sizeof out);
    temp_path(back, sizeof back);
    struct vms_error e = {0};
    struct vms_trace_counts c;
    CHECK_EQ(vms_trace_convert(data_path("small.lackey.gz"), out, VMS_TRACE_VMSIM, 0, NULL, &c, &e),
             0);
    CHECK_EQ(c.records, 300);
    CHECK_EQ(c.valgrind_lines, 25);
    CHECK_EQ(vms_trace_convert(out, back, VMS_TRACE_LACKEY, 0, NULL, NULL, &e), 0);
    struct vms_trace *t;
    CHECK_EQ(vms_trace_open(back, 0, &t, &e), 0);
    struct vms_trace_rec recs[1000];
    CHECK_EQ(vms_trace_read(t, recs, 1000, &e), 300);
    CHECK_EQ(recs[2].addr, 0x1fff000718);
    CHECK_STR(vms_trace_format_name(t), "lackey");
    vms_trace_close(t);
    vms_trace_open(out, 0, &t, &e);
    CHECK_CONTAINS(vms_trace_source(t), "converted from ");
    vms_trace_close(t);
    CHECK(vms_trace_convert("/nonexistent", out, VMS_TRACE_DIN, 0, NULL, NULL, &e) < 0);
    unlink(out);
    unlink(back);
}

/* A pipe that delivers the file a few bytes at a time: short reads everywhere, including
 * during format detection and in the binary header. */
static void read_through_trickle(const char *name, long want)
{
    FILE *f = fopen(data_path(name), "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    static uint8_t bytes[8192];
    size_t len = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        for (size_t off = 0; off < len; off += 5) {
            size_t k = len - off < 5 ? len - off : 5;
            if (write(fds[1], bytes + off, k) != (ssize_t)k)
                _exit(1);
            if (off % 400 == 0)
                usleep(1000);
        }
        _exit(0);
    }
    close(fds[1]);
    struct vms_error e = {0};
    struct trace_reader *r = trace_open_fd(fds[0], name, 0, &e);
    CHECK(r != NULL);
    struct trace_rec got[400];
    if (r)
        CHECK_EQ(read_all(r, got, 400, 11, &e), want);
    trace_close(r);
    int status;
    waitpid(pid, &status, 0);
}

TEST(trace_pipe_short_reads)
{
    read_through_trickle("small.lackey", 300);
    read_through_trickle("small.vt", 300);
    read_through_trickle("small.din", 304);
    read_through_trickle("small.lackey.gz", 300);
}

/* Decompressing ahead in a thread (trace_reader_decode_ahead) gives the same records and
 * the same error, after the same records, as decompressing in the reader; a reader closed
 * while the thread is ahead stops it. The text is several MiB, so the thread's ring of
 * 1 MiB chunks turns over many times. */
static uint8_t *gzip_of(const uint8_t *src, size_t n, size_t *out_len)
{
    z_stream z = {0};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)n);
    uint8_t *out = malloc(cap);
    z.next_in = (Bytef *)(uintptr_t)src;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

static long read_both_ways(const uint8_t *gz, size_t len, bool ahead, struct trace_rec *out,
                           size_t cap, struct vms_error *e)
{
    struct trace_reader *r = trace_open_mem(gz, len, "gz", 0, e);
    if (!r)
        return -1000;
    if (ahead)
        CHECK_EQ(trace_reader_decode_ahead(r, e), 1);
    long n = read_all(r, out, cap, 4093, e);
    trace_close(r);
    return n;
}

TEST(trace_decode_ahead)
{
    enum { NREC = 400000 };
    struct trace_rec *recs = malloc(NREC * sizeof *recs);
    struct trace_rec *a = malloc(NREC * sizeof *a), *b = malloc(NREC * sizeof *b);
    size_t cap = (size_t)NREC * 32, tn = 0;
    char *text = malloc(cap);
    make_recs(recs, NREC, true);
    for (size_t i = 0; i < NREC; i++) {
        static const char *const pre[] = {"I  ", " L ", " S ", " M "};
        tn += (size_t)snprintf(text + tn, cap - tn, "%s%08llx,%u\n", pre[recs[i].kind],
                               (unsigned long long)recs[i].addr, recs[i].size);
    }
    CHECK(tn > 5u << 20);
    size_t glen = 0;
    uint8_t *gz = gzip_of((const uint8_t *)text, tn, &glen);
    CHECK(gz != NULL);
    if (!gz)
        goto out;
    struct vms_error ea = {0}, eb = {0};
    /* intact */
    CHECK_EQ(read_both_ways(gz, glen, false, a, NREC, &ea), NREC);
    CHECK_EQ(read_both_ways(gz, glen, true, b, NREC, &eb), NREC);
    CHECK(same_recs(a, b, NREC));
    /* damaged two thirds of the way in, and cut short */
    for (int cut = 0; cut < 2; cut++) {
        uint8_t *bad = malloc(glen);
        memcpy(bad, gz, glen);
        size_t blen = glen;
        if (cut)
            blen = glen * 2 / 3;
        else
            memset(bad + glen * 2 / 3, 0xa5, 64);
        memset(&ea, 0, sizeof ea);
        memset(&eb, 0, sizeof eb);
        long na = read_both_ways(bad, blen, false, a, NREC, &ea);
        long nb = read_both_ways(bad, blen, true, b, NREC, &eb);
        CHECK(na < 0);
        CHECK_EQ(nb, na);
        CHECK_STR(eb.msg, ea.msg);
        free(bad);
    }
    /* records before the error: the same count both ways */
    struct trace_reader *r1 = trace_open_mem(gz, glen * 2 / 3, "gz", 0, &ea);
    struct trace_reader *r2 = trace_open_mem(gz, glen * 2 / 3, "gz", 0, &eb);
    CHECK_EQ(trace_reader_decode_ahead(r2, &eb), 1);
    long g1, g2;
    uint64_t n1 = 0, n2 = 0;
    while ((g1 = trace_read(r1, a, 1000, &ea)) > 0)
        n1 += (uint64_t)g1;
    while ((g2 = trace_read(r2, b, 1000, &eb)) > 0)
        n2 += (uint64_t)g2;
    CHECK_EQ(n1, n2);
    CHECK(n1 > NREC / 2);
    trace_close(r1);
    trace_close(r2);
    /* closed early, while the thread is ahead (its ring full): it stops */
    r1 = trace_open_mem(gz, glen, "gz", 0, &ea);
    CHECK_EQ(trace_reader_decode_ahead(r1, &ea), 1);
    CHECK_EQ(trace_read(r1, a, 10, &ea), 10);
    usleep(20000);
    uint64_t done = 0, total = 0;
    trace_reader_progress(r1, &done, &total);
    CHECK(done > 0 && done <= glen);
    CHECK_EQ(total, glen);
    trace_close(r1);
    /* plain input: nothing to do */
    r1 = trace_open_mem(text, tn, "t", 0, &ea);
    CHECK_EQ(trace_reader_decode_ahead(r1, &ea), 0);
    trace_close(r1);
    free(gz);
out:
    free(text);
    free(recs);
    free(a);
    free(b);
}
