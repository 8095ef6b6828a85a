/* Unit tests for src/report: runs of several processes printed as text, JSON and CSV;
 * sweep rows; joining CSV files (column union in schema order, quoting, bad input). */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

#include "base/alloc.h"
#include "report/merge.h"
#include "report/stats.h"

/* Everything printed to a memory stream, NUL-terminated (free() it). */
#define CAPTURE(buf, stmt)                                                                         \
    do {                                                                                           \
        size_t len_;                                                                               \
        FILE *f_ = open_memstream(&(buf), &len_);                                                  \
        FILE *out = f_;                                                                            \
        stmt;                                                                                      \
        fclose(f_);                                                                                \
    } while (0)

static void small_stats(struct stats *s, uint64_t base, bool l3)
{
    memset(s, 0, sizeof *s);
    s->ifetches = base;
    s->loads = base + 1;
    s->stores = base + 2;
    s->references = 3 * base + 3;
    s->tlb_present[TLB_L1D] = true;
    s->tlb_hits[TLB_L1D] = base * 10;
    s->levels = 2;
    s->cache_present[CACHE_L1D] = true;
    s->cache_present[CACHE_L3] = l3;
    s->cache_hits[CACHE_L3] = 7;
    s->cycles = 100 * base;
    s->has_switches = true;
    s->context_switches = base;
}

static bool starts(const char *s, const char *prefix)
{
    return s && !strncmp(s, prefix, strlen(prefix));
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

TEST(stats_run_json_has_processes)
{
    struct stats t, a, b;
    small_stats(&t, 3, true);
    small_stats(&a, 1, true);
    small_stats(&b, 2, true);
    struct stats_proc p[] = {{1, "a.lackey", false, &a}, {2, "we\"ird\\name", true, &b}};
    char *buf = NULL;
    CAPTURE(buf, stats_print_run(&t, p, 2, false, out, VMS_JSON, true));
    CHECK(buf && buf[0] == '{');
    CHECK_CONTAINS(buf, "{\"references\":12,\"ifetches\":3,\"loads\":4,\"stores\":5,\"split\":0,"
                        "\"context_switches\":3,\"tlb\":{\"l1d\":");
    CHECK_CONTAINS(buf, ",\"processes\":[{\"pid\":1,\"trace\":\"a.lackey\",\"killed\":false,"
                        "\"references\":6,");
    CHECK_CONTAINS(buf, "{\"pid\":2,\"trace\":\"we\\\"ird\\\\name\",\"killed\":true,"
                        "\"references\":9,");
    CHECK_CONTAINS(buf, "\"amat\":22.2222}]}\n");
    CHECK(!strstr(buf, ",,") && !strstr(buf, "{,") && !strstr(buf, ",}"));
    free(buf);
    buf = NULL;
    CAPTURE(buf, stats_print_run(&t, p, 2, true, out, VMS_JSON, true));
    CHECK(starts(buf, "{\"partial\":true,\"references\":12,"));
    free(buf);
}

TEST(stats_run_csv_rows)
{
    struct stats t, a, b;
    small_stats(&t, 3, false);
    small_stats(&a, 1, false);
    small_stats(&b, 2, false);
    struct stats_proc p[] = {{1, "a.lackey", false, &a}, {2, "b,c", false, &b}};
    char *buf = NULL;
    CAPTURE(buf, stats_print_run(&t, p, 2, false, out, VMS_CSV, true));
    CHECK(buf != NULL);
    if (!buf)
        return;
    CHECK(starts(buf, "process,trace,references,ifetches,loads,stores,split,context_switches,"
                      "tlb.l1d.hits,"));
    CHECK_CONTAINS(buf, "\ntotal,\"a.lackey,b,c\",12,3,4,5,0,3,30,");
    CHECK_CONTAINS(buf, "\n1,a.lackey,6,1,2,3,0,1,10,");
    CHECK_CONTAINS(buf, "\n2,\"b,c\",9,2,3,4,0,2,20,");
    CHECK_EQ(count_lines(buf), 4);
    CHECK(!strstr(buf, "l3"));
    free(buf);
}

/* Every line of s from the one starting with `from` on has the same length. */
static bool lines_aligned(const char *s, const char *from)
{
    const char *p = s ? strstr(s, from) : NULL;
    if (!p)
        return false;
    size_t want = strcspn(p, "\n");
    for (; *p; p += strcspn(p, "\n") + 1)
        if (strcspn(p, "\n") != want)
            return false;
    return true;
}

TEST(stats_run_text_table)
{
    struct stats t, a, b;
    small_stats(&t, 3, false);
    small_stats(&a, 1, false);
    small_stats(&b, 2, false);
    t.tlb_misses[TLB_L1D] = 15;
    a.tlb_misses[TLB_L1D] = 5;
    b.tlb_misses[TLB_L1D] = 10;
    struct stats_proc p[] = {{1, "a.lackey", false, &a}, {2, "b.lackey", true, &b}};
    char *buf = NULL;
    CAPTURE(buf, stats_print_run(&t, p, 2, false, out, VMS_TEXT, true));
    /* each column as wide as its widest cell: "25.0000 cycles/ref" (the total's amat, 300
     * cycles over 12 references), "16.6667 cycles/ref", "22.2222 cycles/ref" */
    CHECK_CONTAINS(buf, "                 total          process 1          process 2\n");
    char want[256];
    /* "trace" in the key column (32), the total's empty cell (18), each trace right-aligned */
    snprintf(want, sizeof want, "\ntrace%27s %18s %18s %18s\n", "", "", "a.lackey",
             "b.lackey (killed)");
    CHECK_CONTAINS(buf, want);
    CHECK_CONTAINS(buf, "\nreferences                                       12                 "
                        " 6                  9\n");
    /* units: misses with their per cent of lookups (15 of 45, 5 of 15, 10 of 30), cycles */
    CHECK_CONTAINS(buf, "\ntlb.l1d.misses                          15 (33.33%)         "
                        "5 (33.33%)        10 (33.33%)\n");
    CHECK_CONTAINS(buf, "\ncycles                                   300 cycles         "
                        "100 cycles         200 cycles\n");
    CHECK_CONTAINS(buf, "\namat                             25.0000 cycles/ref 16.6667 "
                        "cycles/ref 22.2222 cycles/ref\n");
    CHECK(lines_aligned(buf, "      "));
    free(buf);
    /* a long path widens its column, whole: the columns stay aligned */
    char longpath[200];
    memset(longpath, 'd', sizeof longpath);
    memcpy(longpath, "/very/long/", 11);
    strcpy(longpath + 150, "/b.lackey");
    p[1].trace = longpath;
    buf = NULL;
    CAPTURE(buf, stats_print_run(&t, p, 2, false, out, VMS_TEXT, true));
    snprintf(want, sizeof want, " %s (killed)\n", longpath);
    CHECK_CONTAINS(buf, want);
    CHECK(lines_aligned(buf, "      "));
    free(buf);
    /* one process: the plain key-value listing, with units */
    buf = NULL;
    CAPTURE(buf, stats_print_run(&a, p, 1, true, out, VMS_TEXT, true));
    CHECK(starts(buf, "partial statistics: the run stopped at an error\n"
                      "references                       6\n"));
    CHECK_CONTAINS(buf, "\ntlb.l1d.hits                     10\n"
                        "tlb.l1d.misses                   5 (33.33% of lookups)\n");
    CHECK_CONTAINS(buf, "\ncycles                           100 cycles\n");
    CHECK_CONTAINS(buf, "\namat                             16.6667 cycles per reference\n");
    free(buf);
    /* JSON and CSV keep the bare numbers */
    buf = NULL;
    CAPTURE(buf, stats_print_run(&a, p, 1, false, out, VMS_JSON, true));
    CHECK_CONTAINS(buf, "\"tlb\":{\"l1d\":{\"hits\":10,\"misses\":5}}");
    CHECK_CONTAINS(buf, "\"cycles\":100,\"amat\":16.6667");
    free(buf);
}

TEST(stats_row_and_keys)
{
    struct stats s;
    small_stats(&s, 1, true);
    const char *names[] = {"machine", "trace"};
    const char *values[] = {"core-i7", "x,y"};
    char *buf = NULL;
    CAPTURE(buf, stats_print_row(&s, names, values, 2, out, true));
    CHECK(starts(buf, "machine,trace,references,"));
    CHECK_CONTAINS(buf, "\ncore-i7,\"x,y\",6,1,2,3,0,1,");
    CHECK_EQ(count_lines(buf), 2);
    free(buf);
    CHECK(stats_is_key("cache.l3.writebacks"));
    CHECK(stats_is_key("walks.psc.level4.misses"));
    CHECK(stats_is_key("walks.refs_level5"));
    CHECK(stats_is_key("context_switches"));
    CHECK(!stats_is_key("machine"));
    CHECK(!stats_is_key("cache.l4.hits"));
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

TEST(merge_union_in_schema_order)
{
    char dir[] = "/tmp/vmsim-test-merge-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    snprintf(c, sizeof c, "%s/c.csv", dir);
    /* a: a machine with an L3; b: without, and with an extra parameter column; c: two rows,
     * quoted fields, CRLF line ends. */
    write_file(a, "machine,trace,references,cache.l1d.hits,cache.l3.hits,amat\n"
                  "core-i7,t1,10,5,2,1.5\n");
    write_file(b, "machine,set,trace,references,cache.l1d.hits,amat\n"
                  "csapp-2level,pcid=on,t1,20,6,2.5\n");
    write_file(c, "references,machine,trace,amat\r\n30,m,\"x,\"\"y\"\"\",3\r\n\r\n40,n,z,4");
    const char *paths[] = {a, b, c};
    struct vms_error e = {0};
    char *buf = NULL;
    int rc = 0;
    CAPTURE(buf, rc = merge_csv(paths, 3, out, &e));
    CHECK_EQ(rc, 0);
    CHECK_STR(buf, "machine,trace,set,references,cache.l1d.hits,cache.l3.hits,amat\n"
                   "core-i7,t1,,10,5,2,1.5\n"
                   "csapp-2level,t1,pcid=on,20,6,,2.5\n"
                   "m,\"x,\"\"y\"\"\",,30,,,3\n"
                   "n,z,,40,,,4\n");
    free(buf);
    /* merging the merged table again gives it back */
    char m[64];
    snprintf(m, sizeof m, "%s/m.csv", dir);
    FILE *f = fopen(m, "w");
    CHECK(f != NULL);
    if (f) {
        CHECK_EQ(merge_csv(paths, 3, f, &e), 0);
        fclose(f);
    }
    const char *again[] = {m};
    char *buf2 = NULL;
    CAPTURE(buf2, rc = merge_csv(again, 1, out, &e));
    CHECK_EQ(rc, 0);
    CAPTURE(buf, rc = merge_csv(paths, 3, out, &e));
    CHECK_STR(buf2, buf);
    free(buf);
    free(buf2);
    unlink(a);
    unlink(b);
    unlink(c);
    unlink(m);
    rmdir(dir);
}

TEST(merge_errors)
{
    char dir[] = "/tmp/vmsim-test-merge-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[64];
    snprintf(p, sizeof p, "%s/bad.csv", dir);
    struct {
        const char *text, *msg;
    } cases[] = {
        {"a,b\n1,2\n3\n", "bad.csv:3: expected 2 fields as in the header, got 1"},
        {"", "bad.csv: empty file, expected a CSV header"},
        {"a,a\n1,2\n", "bad.csv:1: column 'a' appears twice"},
        {"a,,b\n1,2,3\n", "bad.csv:1: column 2 has no name"},
        {"a,b\n\"1,2\n", "bad.csv:2: unterminated quoted field"},
        {"a,b\n\"1\"x,2\n", "bad.csv:2: expected ',' or end of line after a quoted field"},
        {"a,b\n1\"2,3\n", "bad.csv:2: a quote inside an unquoted field"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(p, cases[i].text);
        const char *paths[] = {p};
        struct vms_error e = {0};
        FILE *out = fopen("/dev/null", "w");
        CHECK(merge_csv(paths, 1, out, &e) == -VMS_EINVAL);
        fclose(out);
        CHECK_CONTAINS(e.msg, cases[i].msg);
    }
    struct vms_error e = {0};
    const char *missing[] = {"/nonexistent/x.csv"};
    FILE *out = fopen("/dev/null", "w");
    CHECK(merge_csv(missing, 1, out, &e) == -VMS_EIO);
    CHECK_CONTAINS(e.msg, "/nonexistent/x.csv: No such file");
    CHECK(merge_csv(missing, 0, out, &e) == -VMS_EINVAL);
    fclose(out);
    /* out of host memory at every allocation: an error, never a crash or a leak */
    write_file(p, "machine,references\nx,1\ny,2\n");
    const char *paths[] = {p};
    for (long n = 0; n < 40; n++) {
        out = fopen("/dev/null", "w");
        alloc_fail_after(n);
        int rc = merge_csv(paths, 1, out, &e);
        alloc_fail_after(-1);
        fclose(out);
        CHECK(rc == 0 || rc == -VMS_ENOMEM);
        if (rc == 0)
            break;
    }
    unlink(p);
    rmdir(dir);
}
