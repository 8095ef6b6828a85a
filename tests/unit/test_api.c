/* The public API's shapes (vmsim.h, docs/api.md): constructors set *out, NULL on failure;
 * printers return -VMS_EIO on a write error and -VMS_EINVAL for a format they lack;
 * vms_config_get refuses an unknown key; one vms_policy_params struct everywhere. */
#include "harness.h"

#include "vmsim.h"

#include <stdlib.h>
#include <string.h>

/* A stream every write to fails (ferror set). */
static FILE *unwritable(void)
{
    return fopen("/dev/null", "r");
}

TEST(api_config_shapes)
{
    struct vms_error e = {0};
    struct vms_config *c = (struct vms_config *)&e, *d = NULL;
    CHECK_EQ(vms_config_create("no-such-machine", &c, &e), -VMS_EINVAL);
    CHECK(c == NULL);
    CHECK_CONTAINS(e.msg, "no-such-machine");
    CHECK_EQ(vms_config_create(NULL, &c, &e), 0);
    CHECK_STR(vms_config_name(c), "core-i7");
    CHECK_EQ(vms_config_set(c, "page_size", "8K", &e), 0);
    CHECK_EQ(vms_config_clone(c, &d, &e), 0);
    CHECK_EQ(vms_config_set(c, "page_size", "4K", &e), 0);
    char buf[32] = "x";
    CHECK_EQ(vms_config_get(d, "page_size", buf, sizeof buf, &e), 0);
    CHECK_STR(buf, "8K");
    CHECK_EQ(vms_config_get(c, "page_size", buf, sizeof buf, &e), 0);
    CHECK_STR(buf, "4K");
    CHECK_EQ(vms_config_get(c, "no_such_key", buf, sizeof buf, &e), -VMS_EINVAL);
    CHECK_STR(buf, "");
    CHECK_STR(e.msg, "unknown machine key 'no_such_key' (see `vmsim machines --keys`)");
    /* the same message as setting it */
    struct vms_error e2 = {0};
    CHECK_EQ(vms_config_set(c, "no_such_key", "1", &e2), -VMS_EINVAL);
    CHECK_STR(e2.msg, e.msg);
    CHECK_EQ(vms_config_get(c, "no_such_key", NULL, 0, NULL), -VMS_EINVAL);
    /* describe: a write error, a geometry that cannot exist */
    FILE *ro = unwritable();
    CHECK(ro != NULL);
    if (ro) {
        CHECK_EQ(vms_config_describe(c, ro, &e), -VMS_EIO);
        CHECK_STR(e.msg, "write error");
        fclose(ro);
    }
    CHECK_EQ(vms_config_set(d, "va_bits", "8", &e), 0);
    CHECK_EQ(vms_config_describe(d, stdout, &e), -VMS_EINVAL);
    struct vms_machine *m = (struct vms_machine *)&e;
    CHECK(vms_machine_create(d, &m, &e) < 0);
    CHECK(m == NULL);
    CHECK(vms_machine_create(d, &m, NULL) < 0);
    vms_config_destroy(d);
    vms_config_destroy(NULL);
    CHECK_EQ(vms_machine_create(c, &m, &e), 0);
    CHECK(m != NULL);
    CHECK(vms_space_create(m, &e) >= 0);
    double v = 7;
    CHECK_EQ(vms_machine_stat(m, "no.such", &v, &e), -VMS_EINVAL);
    CHECK_EQ(v, 0);
    ro = unwritable();
    if (ro) {
        CHECK_EQ(vms_machine_stats_print(m, ro, VMS_JSON, &e), -VMS_EIO);
        fclose(ro);
    }
    CHECK_EQ(vms_machine_stats_print(m, stdout, (enum vms_format)7, &e), -VMS_EINVAL);
    vms_machine_destroy(m);
    vms_machine_destroy(NULL);
    vms_config_destroy(c);
}

TEST(api_state_and_translator_shapes)
{
    struct vms_error e = {0};
    struct vms_state *st = (struct vms_state *)&e;
    CHECK_EQ(vms_state_load("/nonexistent/state", &st, &e), -VMS_EIO);
    CHECK(st == NULL);
    CHECK_CONTAINS(e.msg, "/nonexistent/state");
    const char bad[] = "machine no-such\n";
    CHECK_EQ(vms_state_parse(bad, strlen(bad), "t.state", &st, &e), -VMS_EINVAL);
    CHECK(st == NULL);
    CHECK_CONTAINS(e.msg, "t.state:1");
    CHECK_EQ(vms_state_parse(bad, strlen(bad), "t.state", &st, NULL), -VMS_EINVAL);
    char path[512];
    snprintf(path, sizeof path, "%s/../../examples/csapp-small.state", harness_data_dir());
    if (vms_state_load(path, &st, &e)) {
        harness_fail(__FILE__, __LINE__, "%s", e.msg);
        return;
    }
    for (int seq = 0; seq < 2; seq++) {
        struct vms_translator *t = NULL;
        CHECK_EQ(vms_translator_create(st, seq, VMS_LOAD, &t, &e), 0);
        CHECK(t != NULL);
        CHECK_EQ(vms_translate(t, "0x3d4", NULL, VMS_TEXT, &e), 0);
        CHECK_EQ(vms_translate(t, "zz", NULL, VMS_TEXT, &e), -VMS_EINVAL);
        FILE *ro = unwritable();
        if (ro) {
            CHECK_EQ(vms_translate(t, "0x3d4", ro, VMS_JSON, &e), -VMS_EIO);
            fclose(ro);
        }
        /* each text layout says what it is for (docs/teaching.md) */
        static const struct {
            enum vms_explain how;
            const char *has, *lacks;
        } lay[] = {
            {VMS_EXPLAIN_BOOK, "  Byte returned 0x36", "Steps"},
            {VMS_EXPLAIN_ANSWER, "  TLBT          0x03", "[---------VPN"},
            {VMS_EXPLAIN_HINTS, "Hints", "0x36"},
            {VMS_EXPLAIN_STEPS, "holds a valid line with tag 0x0D", "Hints"},
            {VMS_EXPLAIN_LIST, "byte 0x36 (from the cache)", "Answers"},
        };
        for (size_t k = 0; k < sizeof lay / sizeof lay[0]; k++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            if (!f)
                continue;
            vms_translator_set_explain(t, lay[k].how);
            CHECK_EQ(vms_translate(t, "0x3d4", f, VMS_TEXT, &e), 0);
            fclose(f);
            CHECK_CONTAINS(buf, lay[k].has);
            CHECK(strstr(buf, lay[k].lacks) == NULL);
            free(buf);
        }
        vms_translator_destroy(t);
    }
    vms_translator_destroy(NULL);
    vms_state_destroy(st);
    vms_state_destroy(NULL);
}

TEST(api_trace_shapes)
{
    struct vms_error e = {0};
    struct vms_trace *t = (struct vms_trace *)&e;
    CHECK(vms_trace_open("/nonexistent/trace", 0, &t, &e) < 0);
    CHECK(t == NULL);
    CHECK_CONTAINS(e.msg, "/nonexistent/trace");
    CHECK(vms_trace_open("/nonexistent/trace", 0, &t, NULL) < 0);
    struct vms_trace_writer *w = (struct vms_trace_writer *)&e;
    CHECK(vms_trace_writer_open("/nonexistent/dir/out.vt", VMS_TRACE_VMSIM, NULL, &w, &e) < 0);
    CHECK(w == NULL);
    vms_trace_close(NULL);
    CHECK_EQ(vms_trace_writer_close(NULL, &e), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/trace/small.lackey", harness_data_dir());
    CHECK_EQ(vms_trace_open(path, 0, &t, &e), 0);
    CHECK_STR(vms_trace_format_name(t), "lackey");
    vms_trace_close(t);
}

TEST(api_policy_params_and_printers)
{
    struct vms_error e = {0};
    struct vms_refs r = {0};
    const char refs[] = "1 2 3 4 1 2 5 1 2 3 4 5";
    CHECK_EQ(vms_refs_parse(&r, refs, strlen(refs), "refs", &e), 0);
    /* the same parameters struct in every options struct */
    struct vms_policy_params pp = {.seed = 3, .tau = 4, .bits = 4, .tick = 2};
    struct vms_pages_opts po = {.policy = "aging", .frames = 3, .params = pp, .table = true};
    struct vms_pages *p = NULL;
    CHECK_EQ(vms_pages_run(&po, &r, &p, &e), 0);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        CHECK_EQ(vms_pages_print(p, f, VMS_TEXT, &e), 0);
        fclose(f);
        CHECK_CONTAINS(buf, "aging with 3 frames");
        CHECK_CONTAINS(buf, "references 12");
        free(buf);
    }
    CHECK_EQ(vms_pages_print(p, stdout, VMS_CSV, &e), -VMS_EINVAL);
    FILE *ro = unwritable();
    if (ro) {
        CHECK_EQ(vms_pages_print(p, ro, VMS_JSON, &e), -VMS_EIO);
        CHECK_EQ(vms_pages_print(p, ro, VMS_TEXT, &e), -VMS_EIO);
        CHECK_EQ(vms_ws_print(&r, 3, ro, VMS_CSV, NULL, &e), -VMS_EIO);
        fclose(ro);
    }
    vms_pages_destroy(p);
    vms_pages_destroy(NULL);
    po = (struct vms_pages_opts){.policy = "ws", .frames = 1};
    p = (struct vms_pages *)&e;
    CHECK_EQ(vms_pages_run(&po, &r, &p, &e), -VMS_EINVAL);
    CHECK(p == NULL);
    CHECK_CONTAINS(e.msg, "--tau");

    struct vms_mrc_opts mo = {.policies = "lru,aging", .params = pp, .threads = 1};
    struct vms_mrc *m = NULL;
    CHECK_EQ(vms_mrc_create(&mo, &m, &e), 0);
    for (size_t i = 0; i < r.n; i++)
        CHECK_EQ(vms_mrc_touch(m, r.page[i], r.write[i]), 0);
    CHECK_EQ(vms_mrc_print(m, stdout, VMS_TEXT, &e), -VMS_EINVAL); /* not finished */
    CHECK_EQ(vms_mrc_svg(m, NULL, stdout, &e), -VMS_EINVAL);
    CHECK_EQ(vms_mrc_gnuplot(m, NULL, "x.png", stdout, &e), -VMS_EINVAL);
    CHECK_EQ(vms_mrc_finish(m, &e), 0);
    CHECK_EQ(vms_mrc_faults(m, 0, 3), 10); /* Belady's string: LRU, 3 frames */
    ro = unwritable();
    if (ro) {
        CHECK_EQ(vms_mrc_print(m, ro, VMS_CSV, &e), -VMS_EIO);
        CHECK_EQ(vms_mrc_svg(m, "t", ro, &e), -VMS_EIO);
        CHECK_EQ(vms_mrc_gnuplot(m, "t", "x.png", ro, &e), -VMS_EIO);
        fclose(ro);
    }
    vms_mrc_destroy(m);

    struct vms_config *c;
    CHECK_EQ(vms_config_create(NULL, &c, &e), 0);
    struct vms_tracesim_opts to = {.params = {.tick = 5}};
    struct vms_tracesim *s = (struct vms_tracesim *)&e;
    CHECK_EQ(vms_tracesim_create(c, &to, &s, &e), -VMS_EINVAL);
    CHECK(s == NULL);
    CHECK_STR(e.msg, "policy parameters: the kernel takes no tick");
    to = (struct vms_tracesim_opts){.policy = "random", .params = {.seed = 9}};
    CHECK_EQ(vms_tracesim_create(c, &to, &s, &e), 0);
    double v = 1;
    CHECK_EQ(vms_tracesim_stat(s, 5, "references", &v, &e), -VMS_EINVAL);
    CHECK_EQ(v, 0);
    ro = unwritable();
    if (ro) {
        CHECK_EQ(vms_tracesim_print(s, ro, VMS_JSON, &e), -VMS_EIO);
        CHECK_EQ(vms_tracesim_print_row(s, NULL, NULL, 0, true, ro, &e), -VMS_EIO);
        fclose(ro);
    }
    vms_tracesim_destroy(s);
    vms_config_destroy(c);
    vms_refs_fini(&r);
}
