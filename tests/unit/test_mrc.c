/* The mrc engine fed from trace records (vms_mrc_touch_records): pages spanned, M as a load
 * then a store, page sizes, the top of the address space; curves read from the bundled
 * trace files in every format agree; the gnuplot script. */
#include "harness.h"

#include <stdlib.h>

#include "base/alloc.h"
#include "base/types.h"
#include "vmsim.h"

static struct vms_mrc *mrc_new(const char *policies)
{
    struct vms_mrc_opts o = {.policies = policies, .threads = 1};
    struct vms_mrc *m = NULL;
    struct vms_error e = {0};
    if (vms_mrc_create(&o, &m, &e) < 0)
        harness_fail(__FILE__, __LINE__, "%s", e.msg);
    return m;
}

/* Records -> page touches: every spanned page, M twice, size 0 as one byte. */
TEST(mrc_records_touch_spanned_pages)
{
    static const struct vms_trace_rec recs[] = {
        {0x0ffc, 8, VMS_TRACE_L},         /* pages 0, 1 */
        {0x2000, 4, VMS_TRACE_M},         /* 2 (load), 2 (store) */
        {0x1fff, 2, VMS_TRACE_S},         /* 1, 2 */
        {0x2ffe, 4, VMS_TRACE_M},         /* 2, 3 (loads), 2, 3 (stores) */
        {0x5000, 0, VMS_TRACE_I},         /* 5 */
        {UINT64_MAX - 1, 8, VMS_TRACE_L}, /* the last page; the end does not wrap */
    };
    struct vms_mrc *m = mrc_new("lru");
    if (!m)
        return;
    CHECK(vms_mrc_touch_records(m, recs, ARRAY_LEN(recs), 4096) == 0);
    struct vms_error e = {0};
    CHECK(vms_mrc_finish(m, &e) == 0);
    CHECK_EQ(vms_mrc_references(m), 12);
    CHECK_EQ(vms_mrc_footprint(m), 6);
    /* Touches 0 1 2 2 1 2 2 3 2 3 5 last: one frame faults on every change of page. */
    CHECK_EQ(vms_mrc_faults(m, 0, 1), 10);
    CHECK_EQ(vms_mrc_faults(m, 0, 2), 6); /* first touches only: 1 and 2 stay together */
    vms_mrc_destroy(m);
}

TEST(mrc_records_page_sizes)
{
    static const struct vms_trace_rec recs[] = {
        {0x0000, 4, VMS_TRACE_L},
        {0x1000, 4, VMS_TRACE_L},
        {0x2000, 4, VMS_TRACE_L},
        {0x0003, 2, VMS_TRACE_S}, /* spans two 4-byte pages */
    };
    struct vms_mrc *m = mrc_new("lru");
    if (!m)
        return;
    CHECK(vms_mrc_touch_records(m, recs, 4, 3) == -VMS_EINVAL);
    CHECK(vms_mrc_touch_records(m, recs, 4, 0) == -VMS_EINVAL);
    CHECK(vms_mrc_touch_records(m, recs, 4, 8192) == 0); /* pages 0 0 1 0 */
    CHECK(vms_mrc_finish(m, NULL) == 0);
    CHECK_EQ(vms_mrc_references(m), 4);
    CHECK_EQ(vms_mrc_footprint(m), 2);
    vms_mrc_destroy(m);
    m = mrc_new("lru");
    if (!m)
        return;
    CHECK(vms_mrc_touch_records(m, recs, 4, 4) == 0); /* pages 0 0x400 0x800 0 1 */
    CHECK(vms_mrc_finish(m, NULL) == 0);
    CHECK_EQ(vms_mrc_references(m), 5);
    CHECK_EQ(vms_mrc_footprint(m), 4);
    vms_mrc_destroy(m);
}

/* An M record is a store: eclock keeps the dirty page. With two frames, "1(M) 2 3 1"
 * evicts 2 at 3 and hits 1; with loads only ("1 1 2 3 1") it evicts 1. */
TEST(mrc_records_modify_is_a_store)
{
    static const struct vms_trace_rec dirty[] = {{0x1000, 4, VMS_TRACE_M},
                                                 {0x2000, 4, VMS_TRACE_L},
                                                 {0x3000, 4, VMS_TRACE_L},
                                                 {0x1000, 4, VMS_TRACE_L}};
    static const struct vms_trace_rec clean[] = {{0x1000, 4, VMS_TRACE_L},
                                                 {0x1000, 4, VMS_TRACE_L},
                                                 {0x2000, 4, VMS_TRACE_L},
                                                 {0x3000, 4, VMS_TRACE_L},
                                                 {0x1000, 4, VMS_TRACE_L}};
    struct vms_mrc *a = mrc_new("eclock"), *b = mrc_new("eclock");
    if (a && b) {
        CHECK(vms_mrc_touch_records(a, dirty, 4, 4096) == 0);
        CHECK(vms_mrc_touch_records(b, clean, 5, 4096) == 0);
        CHECK(vms_mrc_finish(a, NULL) == 0);
        CHECK(vms_mrc_finish(b, NULL) == 0);
        CHECK_EQ(vms_mrc_references(a), 5);
        CHECK_EQ(vms_mrc_faults(a, 0, 2), 3);
        CHECK_EQ(vms_mrc_faults(b, 0, 2), 4);
    }
    vms_mrc_destroy(a);
    vms_mrc_destroy(b);
}

/* The bundled small trace in every format and compression gives the same curves. */
TEST(mrc_records_every_format_agrees)
{
    static const char *const files[] = {"small.lackey",     "small.lackey.gz", "small.lackey.xz",
                                        "small.lackey.zst", "small.vt",        "small.din"};
    uint64_t want[8] = {0}, refs = 0, fp = 0;
    for (size_t f = 0; f < ARRAY_LEN(files); f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/trace/%s", harness_data_dir(), files[f]);
        struct vms_error e = {0};
        struct vms_trace *t;
        if (vms_trace_open(path, 0, &t, &e)) {
            if (e.code == VMS_EUNSUPPORTED)
                continue; /* zstd not in this build */
            harness_fail(__FILE__, __LINE__, "%s", e.msg);
            continue;
        }
        struct vms_mrc *m = mrc_new("lru,clock-pro");
        struct vms_trace_rec buf[64];
        long got;
        while (m && (got = vms_trace_read(t, buf, 64, &e)) > 0)
            CHECK(vms_mrc_touch_records(m, buf, (size_t)got, 4096) == 0);
        vms_trace_close(t);
        if (!m)
            continue;
        CHECK(vms_mrc_finish(m, &e) == 0);
        if (f == 0) {
            refs = vms_mrc_references(m);
            fp = vms_mrc_footprint(m);
            for (uint32_t c = 0; c < 2; c++)
                for (uint32_t s = 1; s <= 4 && s <= fp; s++)
                    want[c * 4 + s - 1] = vms_mrc_faults(m, c, s);
            CHECK(refs > 300);
        } else if (strcmp(files[f], "small.din") != 0) { /* din has no M: other touches */
            CHECK_EQ(vms_mrc_references(m), refs);
            CHECK_EQ(vms_mrc_footprint(m), fp);
            for (uint32_t c = 0; c < 2; c++)
                for (uint32_t s = 1; s <= 4 && s <= fp; s++)
                    CHECK_EQ(vms_mrc_faults(m, c, s), want[c * 4 + s - 1]);
        } else {
            CHECK_EQ(vms_mrc_footprint(m), fp);
        }
        vms_mrc_destroy(m);
    }
}

/* Out of memory while touching records: an error, never a crash or a leak. */
TEST(mrc_records_alloc_failures)
{
    struct vms_trace_rec recs[200];
    for (size_t i = 0; i < 200; i++)
        recs[i] = (struct vms_trace_rec){(uint64_t)(i * 7919 % 97) << 12, 8, (uint8_t)(i % 4)};
    for (long n = 0; n < 100; n += 2) {
        struct vms_mrc_opts o = {.policies = "lru,clock-pro", .threads = 1};
        struct vms_mrc *m = NULL;
        alloc_fail_after(n);
        int rc = vms_mrc_create(&o, &m, NULL);
        if (rc == 0)
            rc = vms_mrc_touch_records(m, recs, 200, 4096);
        if (rc == 0)
            rc = vms_mrc_finish(m, NULL);
        alloc_fail_after(-1);
        vms_mrc_destroy(m);
        if (rc == 0)
            break;
        CHECK_EQ(-rc, VMS_ENOMEM);
    }
}

/* The gnuplot script: the output path and names quoted, per curve an inline data block of
 * its line and one of its markers, its own dash pattern and point type. */
TEST(mrc_gnuplot_script)
{
    struct vms_mrc *m = mrc_new("lru,fifo");
    if (!m)
        return;
    for (uint64_t i = 0; i < 40; i++)
        vms_mrc_touch(m, i % 7, false);
    CHECK(vms_mrc_finish(m, NULL) == 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        vms_mrc_destroy(m);
        return;
    }
    vms_mrc_gnuplot(m, "it's\nhere", "/tmp/a'b.png", f, NULL);
    fclose(f);
    CHECK_CONTAINS(buf, "set output '/tmp/a''b.png'\n");
    CHECK_CONTAINS(buf, "set title 'it''s here'\n");
    CHECK_CONTAINS(buf, "set xlabel 'memory size (frames)'");
    CHECK_CONTAINS(buf, "set ylabel 'miss ratio (faults per reference)'");
    CHECK_CONTAINS(buf, "pointtype 7 pointsize 1.1 title 'lru', \\\n    '-'");
    CHECK_CONTAINS(buf, "dashtype (9,4) pointtype 5 pointsize 1.1 title 'fifo'\n1 1\n");
    CHECK_CONTAINS(buf, "\n7 0.175\ne\n"); /* 7 cold misses of 40 */
    size_t blocks = 0;
    for (char *p = buf; (p = strstr(p, "\ne\n")); p += 3)
        blocks++;
    CHECK_EQ(blocks, 4);
    free(buf);
    vms_mrc_destroy(m);
}

/* Sizes above the footprint see only the cold misses: they are not simulated (fifo at each
 * of 300000 sizes on a 50-page stream took a minute), they are left out of the output, and
 * the output says so; vms_mrc_faults still answers for them. */
TEST(mrc_sizes_clamped_to_footprint)
{
    uint32_t sizes[] = {1, 2, 300000, 50, 60, 4000000000u, 3};
    struct vms_mrc_opts o = {.policies = "fifo,lru", .sizes = sizes, .nsizes = 7, .threads = 1};
    struct vms_mrc *m = NULL;
    struct vms_error e = {0};
    CHECK(vms_mrc_create(&o, &m, &e) == 0);
    if (!m)
        return;
    for (uint64_t i = 0; i < 2000; i++)
        vms_mrc_touch(m, (i * 7) % 50, false);
    CHECK(vms_mrc_finish(m, &e) == 0);
    CHECK_EQ(vms_mrc_footprint(m), 50);
    for (size_t c = 0; c < 2; c++) {
        CHECK_EQ(vms_mrc_faults(m, c, 50), 50);
        CHECK_EQ(vms_mrc_faults(m, c, 300000), 50);
        CHECK_EQ(vms_mrc_faults(m, c, 4000000000u), 50);
        CHECK_EQ(vms_mrc_faults(m, c, 1), 2000);
    }
    char buf[4096] = {0};
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    CHECK(f != NULL);
    if (f) {
        CHECK_EQ(vms_mrc_print(m, f, VMS_TEXT, &e), 0);
        fclose(f);
        CHECK_CONTAINS(buf, "3 sizes above the footprint left out: from 50 frames on");
        CHECK(strstr(buf, "300000") == NULL);
        CHECK(strstr(buf, "\n      60") == NULL);
    }
    memset(buf, 0, sizeof buf);
    f = fmemopen(buf, sizeof buf - 1, "w");
    if (f) {
        CHECK_EQ(vms_mrc_print(m, f, VMS_JSON, &e), 0);
        fclose(f);
        CHECK_CONTAINS(buf, "\"sizes_above_footprint\": 3");
        CHECK_CONTAINS(buf, "{\"frames\": 50, \"faults\": 50,");
        CHECK(strstr(buf, "\"frames\": 60") == NULL);
    }
    vms_mrc_destroy(m);
}

/* The per-size simulation reports its progress: once per (curve, size) simulated, done
 * counting up to the total, one call at a time (a mutex-free counter in the callback is
 * safe), with 4 workers as with 1. Stack policies computed in one pass report nothing. */
struct mrc_progress_log {
    size_t calls, last_done, total;
    bool in_order;
};

static void mrc_progress_cb(void *ctx, size_t done, size_t total)
{
    struct mrc_progress_log *l = ctx;
    if (done != l->last_done + 1)
        l->in_order = false;
    l->last_done = done;
    l->total = total;
    l->calls++;
}

TEST(mrc_progress_per_size)
{
    for (unsigned threads = 1; threads <= 4; threads += 3) {
        struct mrc_progress_log log = {.in_order = true};
        struct vms_mrc_opts o = {.policies = "fifo,lru,clock", .threads = threads,
                                 .progress = mrc_progress_cb, .progress_ctx = &log};
        struct vms_mrc *m = NULL;
        struct vms_error e = {0};
        CHECK(vms_mrc_create(&o, &m, &e) == 0);
        if (!m)
            return;
        for (uint64_t i = 0; i < 3000; i++)
            vms_mrc_touch(m, (i * 7 + i / 13) % 40, i % 5 == 0);
        CHECK(vms_mrc_finish(m, &e) == 0);
        /* fifo and clock at each of the 40 sizes of the footprint; lru in one pass */
        CHECK_EQ(vms_mrc_footprint(m), 40);
        CHECK_EQ(log.calls, 80);
        CHECK_EQ(log.total, 80);
        CHECK_EQ(log.last_done, 80);
        CHECK(log.in_order);
        vms_mrc_destroy(m);
    }
}
