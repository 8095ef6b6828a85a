/* A small test harness: TEST(name) registers a test at load time; CHECK* record
 * failures with file:line and continue. The runner (tests/unit/main.c) runs every
 * registered test, or those whose name contains argv[1], and ends with
 * "N passed, N failed, N skipped". */
#ifndef VMS_TEST_HARNESS_H
#define VMS_TEST_HARNESS_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);
void harness_register(const char *name, test_fn fn);
void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Marks the running test as skipped (counted and printed separately, never as passed):
 * for checks the host cannot run, e.g. when ptrace is forbidden. Prints "SKIP: reason". */
void harness_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Directory holding test data (tests/data), for tests that read files. */
const char *harness_data_dir(void);

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        harness_register(#name, test_##name);                                                      \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            harness_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        uint64_t va_ = (uint64_t)(a), vb_ = (uint64_t)(b);                                         \
        if (va_ != vb_)                                                                            \
            harness_fail(__FILE__, __LINE__, "%s == %s: 0x%" PRIx64 " != 0x%" PRIx64, #a, #b, va_, \
                         vb_);                                                                     \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0)                                                 \
            harness_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b,                 \
                         sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                              \
    } while (0)

/* Substring check: haystack contains needle. */
#define CHECK_CONTAINS(h, n)                                                                       \
    do {                                                                                           \
        const char *sh_ = (h), *sn_ = (n);                                                         \
        if (!sh_ || !strstr(sh_, sn_))                                                             \
            harness_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"",                    \
                         sh_ ? sh_ : "(null)", sn_);                                               \
    } while (0)

#endif
