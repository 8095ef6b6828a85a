/* Unit-test runner: runs every TEST() linked in; argv[1] filters by substring. */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>

struct test_entry {
    const char *name;
    test_fn fn;
};

static struct test_entry tests[2048];
static size_t ntests;
static int current_failed;
static int current_skipped;
static const char *current_name;

void harness_register(const char *name, test_fn fn)
{
    if (ntests < sizeof tests / sizeof tests[0])
        tests[ntests++] = (struct test_entry){name, fn};
}

void harness_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (current_failed < 5) {
        fprintf(stderr, "%s:%d: [%s] ", file, line, current_name);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    current_failed++;
}

void harness_skip(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "SKIP: [%s] ", current_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    current_skipped = 1;
}

const char *harness_data_dir(void)
{
    const char *d = getenv("VMS_TEST_DATA");
    return d ? d : "tests/data";
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct test_entry *)a)->name, ((const struct test_entry *)b)->name);
}

int main(int argc, char **argv)
{
    const char *filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0, skipped = 0;
    qsort(tests, ntests, sizeof tests[0], by_name);
    for (size_t i = 0; i < ntests; i++) {
        if (filter && !strstr(tests[i].name, filter))
            continue;
        current_name = tests[i].name;
        current_failed = 0;
        current_skipped = 0;
        tests[i].fn();
        if (current_failed) {
            failed++;
            fprintf(stderr, "FAIL %s (%d checks)\n", tests[i].name, current_failed);
        } else if (current_skipped) {
            skipped++;
            fprintf(stderr, "SKIPPED %s\n", tests[i].name);
        } else {
            passed++;
        }
    }
    printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed ? 1 : 0;
}
