/* Unit tests for src/base: number/size parsing, errors, the allocation hook. */
#include "harness.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/parse.h"

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
