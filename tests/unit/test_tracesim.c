/* Unit tests for the trace-driven simulation (src/api/tracesim.c): the per-record counting
 * rule (M = a load and a store, split references, odd sizes), the page model (a frame per
 * page, or the zero page), round-robin time slices and
 * their quantum, the out-of-memory killer, partial runs on bad input, the time series,
 * misuse, and host allocation failures. */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

#include "base/alloc.h"
#include "vmsim.h"


/* A temporary trace file holding text; the path is returned in buf. */
static void temp_trace(char *buf, size_t cap, const char *text)
{
    snprintf(buf, cap, "/tmp/vmsim-test-tracesim-XXXXXX");
    int fd = mkstemp(buf);
    if (fd < 0)
        return;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len)
        harness_fail(__FILE__, __LINE__, "cannot write %s", buf);
    close(fd);
}

/* n lackey lines: `kind` records at successive 8-byte addresses from base. */
static char *lines(const char *kind, unsigned n, uint64_t base)
{
    char *s = malloc((size_t)n * 32 + 1);
    if (!s)
        return NULL;
    size_t len = 0;
    for (unsigned i = 0; i < n; i++)
        len += (size_t)sprintf(s + len, "%s%08llx,8\n", kind,
                               (unsigned long long)(base + 8 * (uint64_t)i));
    s[len] = '\0';
    return s;
}

static struct vms_tracesim *mksim(const char *preset, const char *kv,
                                  const struct vms_tracesim_opts *o)
{
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create(preset, &c, &e))
        return NULL;
    if (kv && vms_config_set_kv(c, kv, &e) < 0) {
        vms_config_destroy(c);
        return NULL;
    }
    struct vms_tracesim *s = NULL;
    if (vms_tracesim_create(c, o, &s, &e) < 0)
        fprintf(stderr, "tracesim: %s\n", e.msg);
    vms_config_destroy(c);
    return s;
}

static double get(struct vms_tracesim *s, size_t proc, const char *key)
{
    struct vms_error e = {0};
    double v = -1;
    if (vms_tracesim_stat(s, proc, key, &v, &e) < 0)
        harness_fail(__FILE__, __LINE__, "stat %zu %s: %s", proc, key, e.msg);
    return v;
}

TEST(tracesim_counting_rule)
{
    /* Per record, before splitting: I fetches, L+M loads, S+M stores; split = references
     * spanning two 64-byte blocks or pages (an M that spans counts twice). Sizes the kernel
     * does not take (3, 16, 0, 4096) are split into blocks by the driver. */
    char path[64];
    temp_trace(path, sizeof path,
               "I  00401000,3\n"   /* within a block */
               "I  00401ffe,4\n"   /* spans a page: split */
               " L 10000000,8\n"   /* within a block */
               " S 10000ffc,8\n"   /* spans a page: split */
               " M 10000038,16\n"  /* spans a block: one split load, one split store */
               " L 10000100,0\n"   /* size 0: one byte's worth of model, no split */
               " S 20000000,4096\n" /* a whole page: 64 blocks, one split reference */
               " M 10000040,8\n");  /* within a block */
    struct vms_tracesim *s = mksim("core-i7", NULL, NULL);
    CHECK(s != NULL);
    if (!s)
        return;
    struct vms_error e = {0};
    CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
    CHECK_EQ(vms_tracesim_run(s, &e), 0);
    for (size_t p = 0; p <= 1; p++) {
        CHECK_EQ(get(s, p, "ifetches"), 2);
        CHECK_EQ(get(s, p, "loads"), 4);
        CHECK_EQ(get(s, p, "stores"), 4);
        CHECK_EQ(get(s, p, "references"), 10);
        CHECK_EQ(get(s, p, "split"), 5);
    }
    /* The model saw every piece: 1 + 2 fetch pieces, the 4096-byte store's 64 blocks... */
    double l1d = get(s, 0, "cache.l1d.hits") + get(s, 0, "cache.l1d.misses");
    double l1i = get(s, 0, "cache.l1i.hits") + get(s, 0, "cache.l1i.misses");
    CHECK_EQ(l1i, 3);
    CHECK(l1d >= 1 + 2 + 2 + 2 + 1 + 64 + 2); /* pieces of data accesses (+ walk PTE reads) */
    /* ... and every page touched gets a frame at its first touch (the frame-per-page
     * model): 0x401000, 0x402000, 0x10000000, 0x10001000, 0x20000000, one minor fault
     * each, none of them a zero fill. */
    CHECK_EQ(get(s, 0, "faults.minor"), 5);
    CHECK_EQ(get(s, 0, "faults.zero_fill"), 0);
    CHECK_EQ(get(s, 0, "faults.mmu_protection"), 0);
    CHECK_EQ(get(s, 0, "faults.segv_maperr"), 0);
    CHECK_EQ(get(s, 0, "context_switches"), 0);
    CHECK_EQ(vms_tracesim_processes(s), 1);
    CHECK_STR(vms_tracesim_trace_name(s, 1), path);
    struct vms_trace_counts tc;
    vms_tracesim_trace_counts(s, 1, &tc);
    CHECK_EQ(tc.records, 8);
    CHECK_EQ(tc.kind[VMS_TRACE_M], 2);
    vms_tracesim_destroy(s);

    /* Linux's rule (VMS_TRACESIM_ZERO_PAGE): the same pages are demand-zero; 0x10000000
     * is read first (the zero page is mapped), then written (a second zero-fill fault, a
     * protection fault of the MMU, gives it its own frame). */
    struct vms_tracesim_opts zo = {.flags = VMS_TRACESIM_ZERO_PAGE};
    s = mksim("core-i7", NULL, &zo);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
        CHECK_EQ(vms_tracesim_run(s, &e), 0);
        CHECK_EQ(get(s, 0, "references"), 10);
        CHECK_EQ(get(s, 0, "faults.minor"), 6);
        CHECK_EQ(get(s, 0, "faults.zero_fill"), 6);
        CHECK_EQ(get(s, 0, "faults.mmu_protection"), 1);
        vms_tracesim_destroy(s);
    }
    unlink(path);
}

/* Prints a run to a string (freed by the caller). */
static char *printed(struct vms_tracesim *s, enum vms_format fmt)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    struct vms_error e = {0};
    CHECK_EQ(vms_tracesim_print(s, f, fmt, &e), 0);
    fclose(f);
    return out;
}

TEST(tracesim_page_model)
{
    /* Code at the same offset of 64 pages, fetched 10 times round: with a frame per page
     * those are 64 lines of one 8-way L1i set, and LRU misses every fetch; with the zero
     * page every fetch reads the one shared frame, and only the first misses. Either way
     * each page faults once (a minor fault); only the zero page's is a zero fill. */
    char *text = malloc(64 * 10 * 24 + 1);
    CHECK(text != NULL);
    if (!text)
        return;
    size_t len = 0;
    for (unsigned r = 0; r < 10; r++)
        for (unsigned p = 0; p < 64; p++)
            len += (size_t)sprintf(text + len, "I  %08x,4\n", 0x400100u + p * 4096u);
    char path[64];
    temp_trace(path, sizeof path, text);
    free(text);
    struct vms_error e = {0};
    for (int zero = 0; zero <= 1; zero++) {
        struct vms_tracesim_opts o = {.flags = zero ? VMS_TRACESIM_ZERO_PAGE : 0};
        struct vms_tracesim *s = mksim("core-i7", "walk_through_cache=off", &o);
        CHECK(s != NULL);
        if (!s)
            continue;
        CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
        CHECK_EQ(vms_tracesim_run(s, &e), 0);
        CHECK_EQ(get(s, 0, "ifetches"), 640);
        CHECK_EQ(get(s, 0, "cache.l1i.misses"), zero ? 1 : 640);
        CHECK_EQ(get(s, 0, "faults.minor"), 64);
        CHECK_EQ(get(s, 0, "faults.zero_fill"), zero ? 64 : 0);
        char *t = printed(s, VMS_TEXT), *j = printed(s, VMS_JSON), *c = printed(s, VMS_CSV);
        CHECK_CONTAINS(t, zero ? ", page model zero-page," : ", page model frame-per-page,");
        CHECK_CONTAINS(j, zero ? "\"page_model\":\"zero-page\"" : "\"page_model\":\"frame-per-page\"");
        CHECK_CONTAINS(c, ",run.page_model,");
        CHECK_CONTAINS(c, zero ? ",zero-page," : ",frame-per-page,");
        free(t);
        free(j);
        free(c);
        vms_tracesim_destroy(s);
    }
    unlink(path);
}

TEST(tracesim_round_robin_quantum)
{
    char *la = lines(" L ", 100, 0x10000000), *lb = lines(" S ", 100, 0x20000000);
    char *lm = lines(" M ", 50, 0x30000000);
    char a[64], b[64], m[64];
    temp_trace(a, sizeof a, la);
    temp_trace(b, sizeof b, lb);
    temp_trace(m, sizeof m, lm);
    free(la);
    free(lb);
    free(lm);
    struct {
        uint64_t quantum;
        const char *second;
        uint64_t switches, in_a, in_b;
    } cases[] = {
        /* 100 + 100 references in slices of 10: A B A B ... (20 slices, 19 switches) */
        {10, b, 19, 9, 10},
        /* slices of 30: A B A B A B A(10) B(10) */
        {30, b, 7, 3, 4},
        /* a quantum longer than both: A, then B */
        {1000, b, 1, 0, 1},
        /* M records are two references: 50 of them = 100 references, 5 records a slice */
        {10, m, 19, 9, 10},
        /* a record is never cut: with a quantum of 3 an M slice is 2 records (4 refs), so
         * the M trace ends after 25 slices, A's 34 slices of 3 go on alone: 50 switches */
        {3, m, 50, 25, 25},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct vms_tracesim_opts o = {.quantum = cases[i].quantum};
        struct vms_tracesim *s = mksim("core-i7", NULL, &o);
        CHECK(s != NULL);
        if (!s)
            continue;
        struct vms_error e = {0};
        CHECK_EQ(vms_tracesim_add(s, a, &e), 0);
        CHECK_EQ(vms_tracesim_add(s, cases[i].second, &e), 0);
        CHECK_EQ(vms_tracesim_run(s, &e), 0);
        if (get(s, 0, "context_switches") != (double)cases[i].switches)
            harness_fail(__FILE__, __LINE__, "case %zu: %.0f switches, expected %llu", i,
                         get(s, 0, "context_switches"),
                         (unsigned long long)cases[i].switches);
        CHECK_EQ(get(s, 1, "context_switches"), cases[i].in_a);
        CHECK_EQ(get(s, 2, "context_switches"), cases[i].in_b);
        CHECK_EQ(get(s, 1, "references"), 100);
        CHECK_EQ(get(s, 2, "references"), 100);
        CHECK_EQ(get(s, 0, "references"), 200);
        /* Sums: every counter of the total is the sum of the processes' */
        static const char *keys[] = {"loads", "stores", "tlb.l1d.misses", "walks.count",
                                     "faults.minor", "cache.l1d.hits", "cache.l2.misses",
                                     "cycles"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            CHECK_EQ(get(s, 1, keys[k]) + get(s, 2, keys[k]), get(s, 0, keys[k]));
        vms_tracesim_destroy(s);
    }
    /* Without PCID each switch flushes the TLBs: more walks than with pcid=on. */
    double walks[2];
    for (int pcid = 0; pcid < 2; pcid++) {
        struct vms_tracesim_opts o = {.quantum = 5};
        struct vms_tracesim *s = mksim("core-i7", pcid ? "pcid=on" : "pcid=off", &o);
        struct vms_error e = {0};
        walks[pcid] = -1;
        if (s && vms_tracesim_add(s, a, &e) == 0 && vms_tracesim_add(s, b, &e) == 0 &&
            vms_tracesim_run(s, &e) == 0)
            walks[pcid] = get(s, 0, "walks.count");
        vms_tracesim_destroy(s);
    }
    CHECK(walks[1] > 0 && walks[0] > walks[1]);
    unlink(a);
    unlink(b);
    unlink(m);
}

TEST(tracesim_oom_kill_and_swap)
{
    /* 64 pages of stores on 8 frames and no swap: the out-of-memory killer ends the
     * process; with swap it runs to the end, swapping. A second process still runs. */
    char text[64 * 64 + 1];
    size_t len = 0;
    for (unsigned p = 0; p < 64; p++)
        len += (size_t)sprintf(text + len, " S %08x,8\n", 0x10000000u + p * 4096u);
    text[len] = '\0';
    char big[64], small[64];
    temp_trace(big, sizeof big, text);
    temp_trace(small, sizeof small, " L 00500000,8\n L 00500008,8\n");
    struct vms_tracesim_opts o = {.memory = 8 * 4096, .quantum = 4};
    struct vms_tracesim *s = mksim("core-i7", NULL, &o);
    CHECK(s != NULL);
    if (!s)
        return;
    struct vms_error e = {0};
    CHECK_EQ(vms_tracesim_add(s, big, &e), 0);
    CHECK_EQ(vms_tracesim_add(s, small, &e), 0);
    CHECK_EQ(vms_tracesim_run(s, &e), 0);
    CHECK(vms_tracesim_killed(s, 1));
    CHECK(!vms_tracesim_killed(s, 2));
    CHECK(get(s, 1, "references") < 64);
    CHECK_EQ(get(s, 2, "references"), 2);
    char *json = NULL;
    size_t jlen = 0;
    FILE *f = open_memstream(&json, &jlen);
    CHECK_EQ(vms_tracesim_print(s, f, VMS_JSON, &e), 0);
    fclose(f);
    CHECK_CONTAINS(json, "\"pid\":1,\"trace\":");
    CHECK_CONTAINS(json, "\"killed\":true");
    CHECK_CONTAINS(json, "\"killed\":false");
    free(json);
    vms_tracesim_destroy(s);

    o.swap = 1 << 20;
    s = mksim("core-i7", NULL, &o);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ(vms_tracesim_add(s, big, &e), 0);
    CHECK_EQ(vms_tracesim_add(s, small, &e), 0);
    CHECK_EQ(vms_tracesim_run(s, &e), 0);
    CHECK(!vms_tracesim_killed(s, 1));
    CHECK_EQ(get(s, 1, "references"), 64);
    CHECK(get(s, 0, "swap.outs") >= 64 - 8);
    CHECK_EQ(get(s, 1, "swap.outs") + get(s, 2, "swap.outs"), get(s, 0, "swap.outs"));
    vms_tracesim_destroy(s);
    unlink(big);
    unlink(small);
}

TEST(tracesim_partial_on_bad_input)
{
    char path[64];
    temp_trace(path, sizeof path, "I  00401000,3\n L 10000000,8\n L zz,4\n S 10000008,8\n");
    struct vms_tracesim *s = mksim("core-i7", NULL, NULL);
    CHECK(s != NULL);
    if (!s)
        return;
    struct vms_error e = {0};
    CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
    CHECK(vms_tracesim_run(s, &e) == -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, ":3:4: expected a hex address");
    /* the records before the bad line were run */
    CHECK_EQ(get(s, 0, "references"), 2);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(vms_tracesim_print(s, f, VMS_JSON, &e), 0);
    fclose(f);
    CHECK(buf && !strncmp(buf, "{\"partial\":true,", 16));
    free(buf);
    /* a second run is refused, so is a late trace */
    CHECK(vms_tracesim_run(s, &e) == -VMS_EINVAL);
    CHECK(vms_tracesim_add(s, path, &e) == -VMS_EINVAL);
    vms_tracesim_destroy(s);

    /* the same with SKIP_BAD: all three good records, the bad line counted */
    struct vms_tracesim_opts o = {.flags = VMS_TRACE_SKIP_BAD};
    s = mksim("core-i7", NULL, &o);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
    CHECK_EQ(vms_tracesim_run(s, &e), 0);
    CHECK_EQ(get(s, 0, "references"), 3);
    struct vms_trace_counts tc;
    vms_tracesim_trace_counts(s, 1, &tc);
    CHECK_EQ(tc.bad_lines, 1);
    vms_tracesim_destroy(s);
    unlink(path);
}

TEST(tracesim_interval_and_misuse)
{
    char *l = lines(" L ", 25, 0x10000000);
    char path[64];
    temp_trace(path, sizeof path, l);
    free(l);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct vms_tracesim_opts o = {.interval = 10, .interval_out = f};
    struct vms_tracesim *s = mksim("core-i7", NULL, &o);
    CHECK(s != NULL);
    if (!s) {
        fclose(f);
        free(buf);
        return;
    }
    struct vms_error e = {0};
    CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
    CHECK(vms_tracesim_add(s, "/nonexistent/t.lackey", &e) == -VMS_EIO);
    CHECK_EQ(vms_tracesim_run(s, &e), 0);
    fclose(f);
    /* a header, rows at 10 and 20 references, and the end at 25 */
    CHECK(buf && !strncmp(buf, "references,ifetches,loads,", 26));
    CHECK_CONTAINS(buf, "\n10,0,10,0,");
    CHECK_CONTAINS(buf, "\n20,0,20,0,");
    CHECK_CONTAINS(buf, "\n25,0,25,0,");
    size_t rows = 0;
    for (char *p = buf; p && *p; p++)
        rows += *p == '\n';
    CHECK_EQ(rows, 4);
    free(buf);
    double v;
    CHECK(vms_tracesim_stat(s, 2, "references", &v, &e) == -VMS_EINVAL);
    CHECK(vms_tracesim_stat(s, 0, "tlb.l9.hits", &v, &e) == -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "no statistic 'tlb.l9.hits'");
    vms_tracesim_destroy(s);
    vms_tracesim_destroy(NULL);
    unlink(path);
}

TEST(tracesim_alloc_failures)
{
    /* Out of host memory at every allocation of create, add, run and print: an error,
     * never a crash or a leak (ASan checks the leaks). */
    char path[64];
    temp_trace(path, sizeof path, "I  00401000,3\n L 10000000,8\n M 10000ffc,8\n");
    struct vms_config *c;
    CHECK_EQ(vms_config_create("core-i7", &c, NULL), 0);
    if (!c)
        return;
    bool finished = false;
    for (long n = 0; n < 400 && !finished; n++) {
        struct vms_error e = {0};
        struct vms_tracesim *s = NULL;
        alloc_fail_after(n);
        int rc = vms_tracesim_create(c, NULL, &s, &e);
        if (rc == 0)
            rc = vms_tracesim_add(s, path, &e);
        if (rc == 0)
            rc = vms_tracesim_run(s, &e);
        FILE *f = fopen("/dev/null", "w");
        if (rc == 0 && f)
            rc = vms_tracesim_print(s, f, VMS_CSV, &e);
        if (f)
            fclose(f);
        alloc_fail_after(-1);
        if (rc == 0)
            finished = true;
        else
            CHECK(rc == -VMS_ENOMEM);
        vms_tracesim_destroy(s);
    }
    CHECK(finished);
    vms_config_destroy(c);
    unlink(path);
}

static void count_progress(void *ctx, const struct vms_tracesim_progress *p)
{
    struct vms_tracesim_progress *last = ctx;
    *last = *p;
}

TEST(tracesim_reader_thread_same_results)
{
    /* Reading in a reader thread per trace or in the simulating thread gives the same
     * statistics, byte for byte; the progress callback sees the end. */
    char path[512], path2[512];
    snprintf(path, sizeof path, "%s/trace/pages.lackey", harness_data_dir());
    snprintf(path2, sizeof path2, "%s/trace/small.vt", harness_data_dir());
    char *out[2] = {NULL, NULL};
    for (int seq = 0; seq < 2; seq++) {
        struct vms_tracesim_progress last = {0};
        struct vms_tracesim_opts o = {.memory = 40 << 10, .swap = 1 << 20, .quantum = 7,
                                      .flags = seq ? VMS_TRACESIM_SEQUENTIAL : 0,
                                      .progress = count_progress, .progress_ctx = &last};
        struct vms_tracesim *s = mksim("core-i7", NULL, &o);
        CHECK(s != NULL);
        if (!s)
            continue;
        struct vms_error e = {0};
        CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
        CHECK_EQ(vms_tracesim_add(s, path2, &e), 0);
        CHECK_EQ(vms_tracesim_run(s, &e), 0);
        size_t len = 0;
        FILE *f = open_memstream(&out[seq], &len);
        CHECK_EQ(vms_tracesim_print(s, f, VMS_CSV, &e), 0);
        fclose(f);
        CHECK_EQ(last.references, get(s, 0, "references"));
        CHECK_EQ(last.running, 0);
        CHECK(last.bytes_total > 0 && last.bytes == last.bytes_total);
        vms_tracesim_destroy(s);
    }
    CHECK(out[0] && out[1]);
    if (out[0] && out[1])
        CHECK_STR(out[0], out[1]);
    free(out[0]);
    free(out[1]);
}

/* OS events (docs/trace.md, "OS events"): the hand-worked trace of tests/data/replay
 * (its README gives the counts) gives the same statistics read in the simulating thread
 * and by a reader thread; its notes go to o.notes, its maps to o.maps_out; a checkpointed
 * run of it is refused. */
TEST(tracesim_replays_os_events)
{
    const char *path = "tests/data/replay/events.lackey";
    if (access(path, R_OK) != 0) {
        harness_fail(__FILE__, __LINE__, "%s: run the unit tests from the repository root", path);
        return;
    }
    static const char *const keys[] = {"faults.minor", "faults.segv_maperr", "faults.segv_accerr",
                                       "references", "cache.l1d.kernel.misses",
                                       "cache.l1d.kernel.hits", "tlb.l1d.misses"};
    static const double want[] = {7, 2, 1, 10, -1, -1, -1};
    double got[2][7];
    for (int seq = 0; seq <= 1; seq++) {
        char *notes = NULL, *maps = NULL;
        size_t nn = 0, nm = 0;
        FILE *nf = open_memstream(&notes, &nn), *mf = open_memstream(&maps, &nm);
        CHECK(nf && mf);
        struct vms_tracesim_opts o = {.flags = seq ? VMS_TRACESIM_SEQUENTIAL : 0,
                                      .notes = nf, .maps_out = mf};
        struct vms_tracesim *s = mksim("core-i7", NULL, &o);
        CHECK(s != NULL);
        struct vms_error e = {0};
        CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
        CHECK_EQ(vms_tracesim_run(s, &e), 0);
        for (size_t i = 0; i < 7; i++) {
            got[seq][i] = get(s, 0, keys[i]);
            if (want[i] >= 0)
                CHECK_EQ(got[seq][i], want[i]);
        }
        CHECK(got[seq][4] + got[seq][5] >= 6144 / 64); /* the read's stores, a block each */
        char *t = printed(s, VMS_TEXT), *j = printed(s, VMS_JSON);
        CHECK_CONTAINS(t, "os_event_contradictions          1\n");
        CHECK_CONTAINS(j, "\"os_events_replayed\":14,\"os_events_not_replayed\":0,"
                          "\"os_event_contradictions\":1");
        free(t);
        free(j);
        vms_tracesim_destroy(s);
        fclose(nf);
        fclose(mf);
        CHECK_CONTAINS(notes, "event 11 (munmap, after record 8): munmap of [0x20000000, 0x20001000)");
        CHECK_CONTAINS(maps, "maps at exit (pid 1, the trace's process 0):\n00400000-00402000 r-xp");
        CHECK_CONTAINS(maps, "\n10002000-10003000 r--p ");
        free(notes);
        free(maps);
    }
    for (size_t i = 0; i < 7; i++)
        CHECK_EQ(got[0][i], got[1][i]);
    char ck[64];
    snprintf(ck, sizeof ck, "/tmp/vmsim-test-replay-ckpt-%d", (int)getpid());
    struct vms_tracesim_opts o = {.checkpoint = ck};
    struct vms_tracesim *s = mksim("core-i7", NULL, &o);
    CHECK(s != NULL);
    struct vms_error e = {0};
    CHECK_EQ(vms_tracesim_add(s, path, &e), 0);
    CHECK(vms_tracesim_run(s, &e) < 0);
    CHECK_CONTAINS(e.msg, "checkpoints of traces with OS events are not supported");
    vms_tracesim_destroy(s);
    unlink(ck);
}
