/* Unit tests for src/base: number/size parsing, errors, the allocation hook. */
#include "harness.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/io.h"
#include "base/parse.h"
#include "base/slurp.h"

TEST(parse_numbers)
{
    uint64_t v;
    CHECK(parse_u64_str("0", &v) && v == 0);
    CHECK(parse_u64_str("1234", &v) && v == 1234);
    CHECK(parse_u64_str("0x03d4", &v) && v == 0x3d4);
    CHECK(parse_u64_str("0xFFFFFFFFFFFFFFFF", &v) && v == UINT64_MAX);
    CHECK(parse_u64_str("18446744073709551615", &v) && v == UINT64_MAX);
    CHECK(!parse_u64_str("18446744073709551616", &v));
    CHECK(!parse_u64_str("0x10000000000000000", &v));
    CHECK(!parse_u64_str("", &v));
    CHECK(!parse_u64_str("0x", &v));
    CHECK(!parse_u64_str("12a", &v));
    CHECK(!parse_u64_str("-1", &v));
}

TEST(parse_sizes)
{
    uint64_t v;
    CHECK(parse_size_str("4KiB", 0, &v) && v == 4096);
    CHECK(parse_size_str("4K", 0, &v) && v == 4096);
    CHECK(parse_size_str("64MiB", 0, &v) && v == 64u << 20);
    CHECK(parse_size_str("2G", 0, &v) && v == 2ull << 30);
    CHECK(parse_size_str("3pages", 4096, &v) && v == 3 * 4096);
    CHECK(parse_size_str("1page", 64, &v) && v == 64);
    CHECK(!parse_size_str("3pages", 0, &v));
    CHECK(parse_size_str("0x10K", 0, &v) && v == 16 * 1024);
    CHECK(!parse_size_str("4KB", 0, &v));
    CHECK(!parse_size_str("K", 0, &v));
    CHECK(!parse_size_str("99999999999999999G", 0, &v));
}

TEST(error_messages)
{
    struct vms_error e = {0};
    CHECK_EQ(err_set(&e, VMS_EINVAL, "f:%d:%d: expected %s", 3, 4, "a number"), -VMS_EINVAL);
    CHECK_STR(e.msg, "f:3:4: expected a number");
    err_prefix(&e, "state");
    CHECK_STR(e.msg, "state: f:3:4: expected a number");
    CHECK_EQ(err_set(NULL, VMS_ENOMEM, "x"), -VMS_ENOMEM);
}

TEST(alloc_fault_injection)
{
    alloc_fail_after(1);
    void *a = vms_malloc(10);
    void *b = vms_malloc(10);
    alloc_fail_after(-1);
    CHECK(a != NULL);
    CHECK(b == NULL);
    vms_free(a);
    void *c = vms_calloc(2, 8);
    CHECK(c != NULL);
    vms_free(c);
}

/* base/feed: slots come to the consumer in the order they were filled, a slot is never
 * refilled while the consumer holds it, the last result (0 or an error) repeats, and
 * feed_stop ends a producer that waits on a full ring. */
#include "base/feed.h"

#include <unistd.h>

struct feed_test {
    unsigned fills, limit;
    long last;           /* the result after `limit` fills: 0 or an error */
    unsigned value[4];   /* per slot: the fill's sequence number */
    int held;            /* the slot the consumer holds, -1 none (atomic: the producer checks) */
    int clobbered;
};

static long feed_test_fill(void *ctx, unsigned slot)
{
    struct feed_test *t = ctx;
    if (__atomic_load_n(&t->held, __ATOMIC_SEQ_CST) == (int)slot)
        __atomic_store_n(&t->clobbered, 1, __ATOMIC_SEQ_CST);
    if (t->fills == t->limit)
        return t->last;
    t->value[slot] = ++t->fills;
    return (long)t->fills;
}

TEST(feed_order_and_end)
{
    for (int err = 0; err < 2; err++) {
        struct feed_test t = {.limit = 1000, .last = err ? -VMS_EIO : 0, .held = -1};
        struct feed *f;
        CHECK_EQ(feed_start(&f, 4, feed_test_fill, &t), 1);
        unsigned slot;
        for (unsigned want = 1; want <= 1000; want++) {
            __atomic_store_n(&t.held, -1, __ATOMIC_SEQ_CST); /* feed_next gives it back */
            long r = feed_next(f, &slot);
            __atomic_store_n(&t.held, (int)slot, __ATOMIC_SEQ_CST);
            CHECK_EQ(r, (long)want);
            CHECK_EQ(t.value[slot], want);
        }
        __atomic_store_n(&t.held, -1, __ATOMIC_SEQ_CST);
        CHECK_EQ(feed_next(f, &slot), t.last);
        CHECK_EQ(feed_next(f, &slot), t.last); /* and again */
        feed_stop(f);
        CHECK(!t.clobbered);
    }
}

TEST(feed_stop_while_full)
{
    struct feed_test t = {.limit = 1000000, .held = -1};
    struct feed *f;
    CHECK_EQ(feed_start(&f, 4, feed_test_fill, &t), 1);
    unsigned slot;
    CHECK_EQ(feed_next(f, &slot), 1);
    usleep(10000); /* the producer fills the ring and waits */
    feed_stop(f);
    CHECK(t.fills <= 5);
    feed_stop(NULL);
}

/* slurp_file: the whole input, NUL-terminated; exactly max bytes pass, one more fails
 * without reading everything; an empty input is an empty buffer. */
TEST(base_slurp_bounded)
{
    struct vms_error e = {0};
    char *buf;
    size_t n;
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 10000; i++)
        fputc('a' + i % 26, f);
    rewind(f);
    CHECK_EQ(slurp_file(f, "t", "test input", 10000, &buf, &n, &e), 0);
    CHECK_EQ(n, 10000);
    CHECK_EQ(buf[9999], 'a' + 9999 % 26);
    CHECK_EQ(buf[10000], '\0');
    vms_free(buf);
    rewind(f);
    CHECK_EQ(slurp_file(f, "t", "test input", 9999, &buf, &n, &e), -VMS_EINVAL);
    CHECK(buf == NULL);
    CHECK_STR(e.msg, "t: test input larger than 0 MiB");
    fclose(f);
    f = tmpfile();
    CHECK_EQ(slurp_file(f, "e", "test input", 10, &buf, &n, &e), 0);
    CHECK_EQ(n, 0);
    CHECK_EQ(buf[0], '\0');
    vms_free(buf);
    fclose(f);
    /* an endless input stops at the bound */
    f = fopen("/dev/zero", "rb");
    if (f) {
        CHECK_EQ(slurp_file(f, "/dev/zero", "state file", (size_t)1 << 20, &buf, &n, &e),
                 -VMS_EINVAL);
        CHECK_STR(e.msg, "/dev/zero: state file larger than 1 MiB");
        fclose(f);
    }
}

/* slurp_file reads through the I/O hook: an injected EIO fails it naming the input; an
 * interrupted or short read changes nothing. */
TEST(base_slurp_io_fault)
{
    struct vms_error e = {0};
    char *buf;
    size_t n;
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 10000; i++)
        fputc('a' + i % 26, f);
    rewind(f);
    io_fault_set(IO_FAULT_EIO, 2, "slurp.vms"); /* the second read */
    CHECK_EQ(slurp_file(f, "slurp.vms", "scenario", 1 << 20, &buf, &n, &e), -VMS_EIO);
    CHECK(io_fault_fired());
    CHECK(buf == NULL);
    CHECK_STR(e.msg, "slurp.vms: read: Input/output error");
    for (int kind = IO_FAULT_EINTR; kind <= IO_FAULT_SHORT; kind++) {
        rewind(f);
        io_fault_set((enum io_fault)kind, 1, "slurp.vms");
        CHECK_EQ(slurp_file(f, "slurp.vms", "scenario", 1 << 20, &buf, &n, &e), 0);
        CHECK(io_fault_fired());
        CHECK_EQ(n, 10000);
        CHECK_EQ(buf[9999], 'a' + 9999 % 26);
        vms_free(buf);
    }
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    fclose(f);
}
