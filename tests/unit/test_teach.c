/* src/teach: the generator's test vectors (docs/teaching.md), answer normalisation, and
 * grading through the API. */
#include "harness.h"
#include "base/alloc.h"
#include "teach/rng.h"
#include "teach/teach.h"

#include <string.h>

/* The vectors of docs/teaching.md, "The generator". They were computed once with a
 * transcription of that section into Python 3 (integers masked to 64 bits), not with this
 * code: seed 0 and 1234567 also agree with the published outputs of SplitMix64. */
TEST(teach_rng_vectors)
{
    static const struct {
        uint64_t seed, out[5];
    } v[] = {
        {0, {0xe220a8397b1dcdafu, 0x6e789e6aa1b965f4u, 0x06c45d188009454fu,
             0xf88bb8a8724c81ecu, 0x1b39896a51a8749bu}},
        {1, {0x910a2dec89025cc1u, 0xbeeb8da1658eec67u, 0xf893a2eefb32555eu,
             0x71c18690ee42c90bu, 0x71bb54d8d101b5b9u}},
        {1234567, {0x599ed017fb08fc85u, 0x2c73f08458540fa5u, 0x883ebce5a3f27c77u,
                   0x3fbef740e9177b3fu, 0xe3b8346708cb5ecdu}},
        {UINT64_MAX, {0xe4d971771b652c20u, 0xe99ff867dbf682c9u, 0x382ff84cb27281e9u,
                      0x6d1db36ccba982d2u, 0xb4a0472e578069aeu}},
    };
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        struct rng r;
        rng_seed(&r, v[i].seed);
        for (size_t k = 0; k < 5; k++)
            CHECK_EQ(rng_next(&r), v[i].out[k]);
    }
}

TEST(teach_rng_below_vectors)
{
    /* seed 42: rng_below(10) ten times, then seed 42 again with rng_below(6) (Python, as
     * above: outputs below 2^64 mod n drawn again, then the output mod n). */
    static const unsigned ten[] = {3, 1, 8, 4, 0, 2, 5, 8, 5, 4};
    static const unsigned six[] = {1, 1, 0, 0, 4, 0, 1, 2, 1, 2};
    struct rng r;
    rng_seed(&r, 42);
    for (size_t k = 0; k < 10; k++)
        CHECK_EQ(rng_below(&r, 10), ten[k]);
    rng_seed(&r, 42);
    for (size_t k = 0; k < 10; k++)
        CHECK_EQ(rng_below(&r, 6), six[k]);
    rng_seed(&r, 7);
    for (int k = 0; k < 1000; k++) {
        uint64_t x = rng_range(&r, 5, 9);
        CHECK(x >= 5 && x <= 9);
    }
    CHECK_EQ(rng_below(&r, 1), 0);
    CHECK_EQ(rng_below(&r, 0), 0);
}

TEST(teach_normalize)
{
    char out[64];
    CHECK(teach_normalize(TEACH_HEX, " 0x0f ", out, sizeof out));
    CHECK_STR(out, "0xF");
    CHECK(teach_normalize(TEACH_HEX, "F", out, sizeof out));
    CHECK_STR(out, "0xF");
    CHECK(!teach_normalize(TEACH_HEX, "0x", out, sizeof out));
    CHECK(!teach_normalize(TEACH_HEX, "12345678901234567", out, sizeof out));
    CHECK(!teach_normalize(TEACH_HEX, "0xg", out, sizeof out));
    CHECK(teach_normalize(TEACH_HEX, "-", out, sizeof out));
    CHECK_STR(out, "-");
    CHECK(teach_normalize(TEACH_BOOL, "yes", out, sizeof out));
    CHECK_STR(out, "Y");
    CHECK(teach_normalize(TEACH_BOOL, "n", out, sizeof out));
    CHECK_STR(out, "N");
    CHECK(!teach_normalize(TEACH_BOOL, "true", out, sizeof out));
    CHECK(teach_normalize(TEACH_LIST, "7, 0 ,-", out, sizeof out));
    CHECK_STR(out, "7,0,-");
    CHECK(!teach_normalize(TEACH_LIST, "7,,0", out, sizeof out));
    CHECK(!teach_normalize(TEACH_LIST, "7,x", out, sizeof out));
}

TEST(teach_grade_api)
{
    struct vms_exercise_opts o = {.kind = VMS_EXERCISE_PAGES, .seed = 3, .want = "fifo",
                                  .count = 4};
    struct vms_exercise *x;
    struct vms_error e;
    CHECK(vms_exercise_create(&o, &x, &e) == 0);
    if (!x)
        return;
    CHECK_STR(x->policy, "fifo");
    CHECK_EQ(x->nproblems, 4);
    /* The first reference always faults into frame 0 of empty frames. */
    CHECK_STR(x->p[0].f[1].key, "Y");
    char text[512];
    snprintf(text, sizeof text, "exercise pages seed=3 count=4 want=fifo\nproblem 1 frames %s\n"
             "problem 1 fault Y\nproblem 2 fault ?\n", x->p[0].f[0].key);
    struct vms_grade *g;
    CHECK(vms_grade(text, strlen(text), "t", 3, VMS_GRADE_PER_FIELD, &g, &e) == 0);
    if (g) {
        CHECK_EQ(vms_grade_score(g), 2);
        CHECK_EQ(vms_grade_max_score(g), 8);
    }
    vms_grade_destroy(g);
    CHECK(vms_grade(text, strlen(text), "t", 4, VMS_GRADE_PER_FIELD, &g, &e) < 0);
    CHECK(g == NULL);
    CHECK_CONTAINS(e.msg, "t:1:21: expected seed=4");
    vms_exercise_destroy(x);
}

/* Out of host memory at every allocation of generating and grading: an error, never a
 * crash or a leak (ASan). */
TEST(teach_alloc_failures)
{
    struct vms_exercise_opts o = {.kind = VMS_EXERCISE_TRANSLATE, .seed = 9,
                                  .machine = "csapp-2level", .count = 3};
    const char *ans = "exercise translate seed=9 machine=csapp-2level count=3\n"
                      "problem 1 vpn 0x1\n";
    bool done = false;
    for (long n = 0; n < 5000 && !done; n++) {
        struct vms_exercise *x = NULL;
        struct vms_grade *g = NULL;
        struct vms_error e;
        alloc_fail_after(n);
        int a = vms_exercise_create(&o, &x, &e);
        int b = vms_grade(ans, strlen(ans), "t", 9, VMS_GRADE_THROUGH_FIRST, &g, &e);
        alloc_fail_after(-1);
        CHECK((a == 0) == (x != NULL));
        CHECK((b == 0) == (g != NULL));
        done = a == 0 && b == 0;
        vms_exercise_destroy(x);
        vms_grade_destroy(g);
    }
    CHECK(done);
}
