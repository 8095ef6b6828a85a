/* The plots (src/report/plot.c and its users): the AUTO scale rule, log axes with decade
 * ticks, gaps for values a log axis cannot show, the --interval rows' reader and its
 * errors, the working-set plot, page touches from records, out of memory everywhere. */
#include "harness.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "report/plot.h"
#include "vmsim.h"

/* The SVG of p into a fresh string (free it). */
static char *plot_text_of(struct plot *p, const struct vms_plot_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    plot_write(f, p, o, NULL);
    fclose(f);
    return buf;
}

TEST(plot_auto_scale_two_decades)
{
    double x[] = {1, 10, 100}, y[] = {0.5, 0.2, 0.1}, x2[] = {1, 10, 101};
    struct plot_series s = {"a", x, y, 3};
    struct plot p = {.title = "t", .xlabel = "x", .ylabel = "y", .s = &s, .n = 1};
    CHECK_EQ(plot_scale(&p, 0), VMS_PLOT_LINEAR); /* exactly two decades: linear */
    CHECK_EQ(plot_scale(&p, 1), VMS_PLOT_LINEAR);
    s.x = x2;
    CHECK_EQ(plot_scale(&p, 0), VMS_PLOT_LOG); /* more than two */
    p.xscale = VMS_PLOT_LINEAR;
    CHECK_EQ(plot_scale(&p, 0), VMS_PLOT_LINEAR); /* forced */
}

/* A log axis: decade labels, minor ticks, zeros and NaN left out as gaps. */
TEST(plot_log_axis_gaps)
{
    double x[] = {1, 2, 3, 4, 5}, y[] = {0.5, 0, 0.01, NAN, 0.001};
    struct plot_series s = {"a<b", x, y, 5};
    struct plot p = {.title = "T&", .subtitle = "sub", .xlabel = "x", .ylabel = "y", .s = &s,
                     .n = 1};
    struct vms_plot_opts o = {.y = VMS_PLOT_LOG};
    char *t = plot_text_of(&p, &o);
    CHECK(t != NULL);
    if (!t)
        return;
    CHECK_CONTAINS(t, "data-x-scale=\"linear\" data-y-scale=\"log\"");
    CHECK_CONTAINS(t, ">0.01</text>");
    CHECK_CONTAINS(t, ">0.1</text>");
    CHECK_CONTAINS(t, "y (log scale)</text>");
    CHECK_CONTAINS(t, ">T&amp;</text>");
    CHECK_CONTAINS(t, ">a&lt;b</text>");
    CHECK_CONTAINS(t, ">sub</text>");
    /* three drawn points, each its own piece: 0 and NaN between them break the line */
    char *d = strstr(t, "stroke-linejoin=\"round\" d=\"");
    CHECK(d != NULL);
    if (d) {
        size_t moves = 0;
        for (char *q = d + 27; *q && *q != '"'; q++)
            moves += *q == 'M';
        CHECK_EQ(moves, 3);
    }
    free(t);
}

/* A stream reading text (a copy: fmemopen takes a writable buffer). */
static FILE *text_stream(const char *text, char **copy)
{
    *copy = strdup(text);
    return *copy && **copy ? fmemopen(*copy, strlen(*copy), "r") : fopen("/dev/null", "r");
}

static int interval_plot_text(const char *csv, char **out, struct vms_error *e)
{
    char *copy;
    FILE *in = text_stream(csv, &copy);
    size_t len = 0;
    *out = NULL;
    FILE *f = open_memstream(out, &len);
    if (!in || !f) {
        if (in)
            fclose(in);
        if (f)
            fclose(f);
        free(copy);
        return -1;
    }
    int rc = vms_interval_plot(in, "rows.csv", NULL, f, e);
    fclose(in);
    fclose(f);
    free(copy);
    return rc;
}

TEST(plot_interval_rows)
{
    const char *csv = "references,cache.l1d.hits,cache.l1d.misses,faults.minor,faults.major\n"
                      "100,90,10,5,0\n"
                      "200,170,30,5,1\n";
    struct vms_error e = {0};
    char *t;
    CHECK_EQ(interval_plot_text(csv, &t, &e), 0);
    if (t) {
        CHECK_CONTAINS(t, ">L1d miss ratio</text>");
        CHECK_CONTAINS(t, ">faults per reference</text>");
        CHECK(strstr(t, "L2 miss ratio") == NULL); /* no such columns */
        CHECK_CONTAINS(t, ">Miss ratio and fault rate over time</text>");
    }
    free(t);
}

TEST(plot_interval_errors)
{
    static const struct {
        const char *csv, *msg;
    } bad[] = {
        {"", "rows.csv: no --interval rows to plot"},
        {"a,b\n1,2\n", "rows.csv:1: expected the header of --interval rows"},
        {"references,x\n1,2\n", NULL}, /* fine: nothing to draw but references */
        {"references,x\n", "rows.csv: no --interval rows to plot"},
        {"references,x\n1,2\nzz,3\n", "rows.csv:3:1: expected a number"},
        {"x,references\n1,2\n3,2z\n", "rows.csv:3:3: expected a number"},
        /* the columns not plotted may hold anything, quoted fields with commas and quotes
         * included (the provenance columns) */
        {"references,v,x\n1,1.0.0,\"a,\"\"b\"\"\"\n2,core-i7,\"\"\n", NULL},
        {"references,x,y\n1,\"a,b,2\n", "rows.csv:2:3: expected a closing quote"},
        {"references,x,y\n1,\"a,b\",2,4\n", "rows.csv:2: expected 3 columns as in the header, found 4"},
        {"references,x\n1,2,3\n", "rows.csv:2: expected 2 columns as in the header, found 3"},
        {"references,x\n1\n", "rows.csv:2: expected 2 columns as in the header, found 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct vms_error e = {0};
        char *t;
        int rc = interval_plot_text(bad[i].csv, &t, &e);
        free(t);
        if (!bad[i].msg) {
            CHECK_EQ(rc, 0);
            continue;
        }
        CHECK_EQ(rc, -VMS_EINVAL);
        CHECK_CONTAINS(e.msg, bad[i].msg);
    }
}

TEST(plot_ws_and_records)
{
    static const struct vms_trace_rec recs[] = {
        {0x0ffc, 8, VMS_TRACE_L}, /* pages 0, 1 */
        {0x2000, 4, VMS_TRACE_M}, /* 2, 2 (write) */
        {0x1fff, 2, VMS_TRACE_S}, /* 1w, 2w */
    };
    struct vms_refs r = {0};
    struct vms_error e = {0};
    CHECK_EQ(vms_refs_add_records(&r, recs, 3, 3000, &e), -VMS_EINVAL);
    CHECK_EQ(vms_refs_add_records(&r, recs, 3, 4096, &e), 0);
    CHECK_EQ(r.n, 6);
    static const uint64_t pages[] = {0, 1, 2, 2, 1, 2};
    static const bool writes[] = {false, false, false, true, true, true};
    for (size_t i = 0; i < r.n && i < 6; i++) {
        CHECK_EQ(r.page[i], pages[i]);
        CHECK_EQ(r.write[i], writes[i]);
    }
    FILE *f = fopen("/dev/null", "w");
    CHECK(f != NULL);
    if (f) {
        uint64_t zero = 0, two = 2;
        CHECK_EQ(vms_ws_plot(&r, &zero, 1, NULL, f, &e), -VMS_EINVAL);
        CHECK_EQ(vms_ws_plot(&r, &two, 1, NULL, f, &e), 0);
        CHECK_EQ(vms_ws_plot(&r, NULL, 0, NULL, f, &e), 0);
        struct vms_refs empty = {0};
        CHECK_EQ(vms_ws_plot(&empty, NULL, 0, NULL, f, &e), -VMS_EINVAL);
        fclose(f);
    }
    vms_refs_fini(&r);
}

TEST(plot_out_of_memory)
{
    const char *csv = "references,cache.l1d.hits,cache.l1d.misses,faults.minor,faults.major\n"
                      "100,90,10,5,0\n200,170,30,5,1\n";
    struct vms_refs r = {0};
    for (uint64_t i = 0; i < 3000; i++) {
        struct vms_trace_rec rec = {(i * 7919 % 61) << 12, 4, VMS_TRACE_L};
        CHECK_EQ(vms_refs_add_records(&r, &rec, 1, 4096, NULL), 0);
    }
    FILE *f = fopen("/dev/null", "w");
    if (!f) {
        vms_refs_fini(&r);
        return;
    }
    for (long n = 0; n < 60; n++) {
        char *copy;
        FILE *in = text_stream(csv, &copy);
        if (!in) {
            free(copy);
            break;
        }
        alloc_fail_after(n);
        int rc1 = vms_interval_plot(in, "rows.csv", NULL, f, NULL);
        alloc_fail_after(n);
        int rc2 = vms_ws_plot(&r, NULL, 0, NULL, f, NULL);
        alloc_fail_after(-1);
        fclose(in);
        free(copy);
        CHECK(rc1 == 0 || rc1 == -VMS_ENOMEM);
        CHECK(rc2 == 0 || rc2 == -VMS_ENOMEM);
        if (rc1 == 0 && rc2 == 0)
            break;
    }
    fclose(f);
    vms_refs_fini(&r);
}
