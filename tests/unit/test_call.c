/* vmsim_call (src/api/call.c) and its JSON reader (src/api/jsonin.c): the requests of the web
 * build, answered natively here. */
#include "harness.h"

#include "api/call.h"
#include "api/jsonin.h"
#include "base/alloc.h"

#include <stdlib.h>

static char *slurp_data(const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/../../%s", harness_data_dir(), rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* text as a JSON string literal into out. */
static void json_quote(const char *text, char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = '"';
    for (const char *p = text; *p && o + 8 < cap; p++) {
        if (*p == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else if (*p == '"' || *p == '\\') {
            out[o++] = '\\';
            out[o++] = *p;
        } else {
            out[o++] = *p;
        }
    }
    out[o++] = '"';
    out[o] = '\0';
}

TEST(jsonin_values)
{
    struct jsonin v;
    struct vms_error e = {0};
    const char *t = " {\"a\": [1, -2.5e3, true, false, null], \"s\": \"x\\ty\\u00e9\\ud83d\\ude00\","
                    " \"a\": {}} ";
    CHECK_EQ(jsonin_parse(t, strlen(t), "req", &v, &e), 0);
    CHECK_EQ(v.kind, JSONIN_OBJECT);
    CHECK_EQ(v.n, 3);
    const struct jsonin *a = jsonin_get(&v, "a");
    CHECK(a && a->kind == JSONIN_OBJECT && a->n == 0); /* the last of a repeated key */
    CHECK_EQ(v.items[0].kind, JSONIN_ARRAY);
    CHECK_EQ(v.items[0].n, 5);
    CHECK_STR(v.items[0].items[1].str, "-2.5e3");
    CHECK(v.items[0].items[2].kind == JSONIN_BOOL && v.items[0].items[2].b);
    CHECK_EQ(v.items[0].items[4].kind, JSONIN_NULL);
    const struct jsonin *s = jsonin_get(&v, "s");
    CHECK_STR(s->str, "x\ty\xc3\xa9\xf0\x9f\x98\x80");
    CHECK_EQ(s->len, 9);
    CHECK(jsonin_get(&v, "none") == NULL);
    CHECK_EQ(s->line, 1);
    CHECK_EQ(s->col, 45);
    jsonin_fini(&v);
}

TEST(jsonin_errors)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"", "req:1:1: expected a JSON value, found the end of the text"},
        {"{\"a\":1,}", "req:1:8: expected a member name (a string), found '}'"},
        {"[1 2]", "req:1:4: expected ',' or ']', found '2'"},
        {"{\"a\"\n  1}", "req:2:3: expected ':' after the member name, found '1'"},
        {"\"a\\x\"", "req:1:4: expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found 'x'"},
        {"\"\\u12g4\"", "req:1:6: expected four hex digits after \\u, found 'g'"},
        {"\"\\udc00\"", "req:1:2: expected a code point (a low surrogate must follow a high one), found '\\'"},
        {"\"\\ud800x\"", "req:1:8: expected a low surrogate \\uDC00..\\uDFFF after the high surrogate"},
        {"\"\\u0000\"", "req:1:2: expected a string without \\u0000, found '\\'"},
        {"\"a\tb\"", "req:1:3: expected a character of the string (control characters are written as escapes), found byte 0x09"},
        {"\"abc", "req:1:5: expected '\"' closing the string, found the end of the text"},
        {"01", "req:1:2: expected the end of the text after the value, found '1'"},
        {"1.", "req:1:3: expected a digit after the decimal point, found the end of the text"},
        {"-", "req:1:2: expected a digit, found the end of the text"},
        {"1e+", "req:1:4: expected a digit of the exponent, found the end of the text"},
        {"tru", "req:1:1: expected a JSON value, found 't'"},
        {"{} x", "req:1:4: expected the end of the text after the value, found 'x'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct jsonin v;
        struct vms_error e = {0};
        CHECK_EQ(jsonin_parse(cases[i].text, strlen(cases[i].text), "req", &v, &e), -VMS_EINVAL);
        CHECK_STR(e.msg, cases[i].msg);
    }
    /* nesting deeper than the limit */
    char deep[JSONIN_MAX_DEPTH + 3];
    memset(deep, '[', sizeof deep - 1);
    deep[sizeof deep - 1] = '\0';
    struct jsonin v;
    struct vms_error e = {0};
    CHECK_EQ(jsonin_parse(deep, strlen(deep), "req", &v, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "expected at most 64 nested arrays and objects");
    /* a NUL byte inside the text is a control character, never the end of a string */
    CHECK_EQ(jsonin_parse("\"a\0b\"", 5, "req", &v, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "found byte 0x00");
}

static char *call(const char *req)
{
    char *r = vmsim_call(req);
    CHECK(r != NULL);
    return r;
}

TEST(call_errors)
{
    static const struct {
        const char *req, *resp;
    } cases[] = {
        {"[1]", "{\"ok\":false,\"error\":\"request:1:1: expected an object, found an array\"}"},
        {"{\"cmd\":", "{\"ok\":false,\"error\":\"request:1:8: expected a JSON value, found the end of the text\"}"},
        {"{}", "{\"ok\":false,\"error\":\"request:1:1: expected a member \\\"cmd\\\" (a string)\"}"},
        {"{\"cmd\":\"fly\"}", "{\"ok\":false,\"error\":\"request:1:8: expected \\\"cmd\\\" to be translate, pages, scenario, gen or check, found 'fly'\"}"},
        {"{\"cmd\":\"gen\",\"seed\":1}", "{\"ok\":false,\"error\":\"request:1:1: expected a member \\\"kind\\\" (translate, pages or run)\"}"},
        {"{\"cmd\":\"check\"}", "{\"ok\":false,\"error\":\"request:1:1: expected a member \\\"seed\\\" (a number from 0 to 18446744073709551615)\"}"},
        {"{\"cmd\":\"translate\",\"va\":[\"0x1\"]}", "{\"ok\":false,\"error\":\"request:1:1: expected a member \\\"state\\\" (a string)\"}"},
        {"{\"cmd\":\"translate\",\"state\":\"machine csapp-small\\n\"}", "{\"ok\":false,\"error\":\"request:1:1: expected a member \\\"va\\\" (an array of addresses)\"}"},
        {"{\"cmd\":\"translate\",\"state\":\"machine csapp-small\\n\",\"va\":[]}", "{\"ok\":false,\"error\":\"request:1:57: expected at least one address in \\\"va\\\"\"}"},
        {"{\"cmd\":\"translate\",\"state\":\"machine csapp-small\\n\",\"va\":[-1]}", "{\"ok\":false,\"error\":\"request:1:58: expected an address (a string such as \\\"0x03d4\\\" or a non-negative integer), found -1\"}"},
        {"{\"cmd\":\"translate\",\"state\":\"machine csapp-small\\n\",\"va\":\"0x4000\"}", "{\"ok\":false,\"error\":\"'0x4000': wider than the 14-bit virtual address of csapp-small\"}"},
        {"{\"cmd\":\"translate\",\"state\":\"machine csapp-small\\n\",\"va\":\"0x1\",\"access\":\"jump\"}", "{\"ok\":false,\"error\":\"request:1:72: expected \\\"access\\\" to be load, store or fetch, found 'jump'\"}"},
        {"{\"cmd\":\"translate\",\"state\":\"machine nosuch\\n\",\"va\":\"0x1\"}", NULL},
        {"{\"cmd\":\"pages\",\"refs\":\"1 2\"}", "{\"ok\":false,\"error\":\"request:1:1: expected a member \\\"frames\\\" (a number of frames, at least 1)\"}"},
        {"{\"cmd\":\"pages\",\"refs\":\"1 2\",\"frames\":2.5}", "{\"ok\":false,\"error\":\"request:1:38: expected \\\"frames\\\" to be an integer from 0 to 1048576, found 2.5\"}"},
        {"{\"cmd\":\"pages\",\"refs\":\"1 2\",\"frames\":\"3\"}", "{\"ok\":false,\"error\":\"request:1:38: expected \\\"frames\\\" to be an integer from 0 to 1048576, found a string\"}"},
        {"{\"cmd\":\"pages\",\"refs\":\"1 2x\",\"frames\":3}", "{\"ok\":false,\"error\":\"refs:1:3: expected a page number (decimal or 0x hex, optionally followed by w or r), found '2x'\"}"},
        {"{\"cmd\":\"pages\",\"refs\":\"\",\"frames\":3}", "{\"ok\":false,\"error\":\"request:1:23: expected at least one page reference in \\\"refs\\\"\"}"},
        {"{\"cmd\":\"pages\",\"refs\":\"1\",\"frames\":3,\"policy\":\"belady\"}", "{\"ok\":false,\"error\":\"request:1:47: expected \\\"policy\\\" to be a policy of `vmsim pages --help`, found 'belady'\"}"},
        {"{\"cmd\":\"scenario\"}", "{\"ok\":false,\"error\":\"request:1:1: expected a member \\\"text\\\" (a string)\"}"},
        {"{\"cmd\":\"scenario\",\"text\":\"spawn P\\nP load B 1\\n\",\"name\":\"s.vms\"}", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *r = call(cases[i].req);
        if (cases[i].resp)
            CHECK_STR(r, cases[i].resp);
        else
            CHECK(r && !strncmp(r, "{\"ok\":false,\"error\":", 20));
        vmsim_call_free(r);
    }
    char *r = call("{\"cmd\":\"scenario\",\"text\":\"spawn P\\nP load B 1\\n\",\"name\":\"s.vms\"}");
    CHECK_CONTAINS(r, "s.vms:2:8: expected a mapping name bound in this process");
    vmsim_call_free(r);
}

TEST(call_translate)
{
    const char *state = slurp_data("examples/csapp-small.state");
    CHECK(state != NULL);
    if (!state)
        return;
    static char req[1 << 17], q[1 << 16];
    json_quote(state, q, sizeof q);
    snprintf(req, sizeof req, "{\"cmd\":\"translate\",\"state\":%s,\"name\":\"csapp\","
             "\"va\":[\"0x03d4\", 32],\"explain\":\"answer\"}", q);
    char *r = call(req);
    CHECK(!strncmp(r, "{\"ok\":true,\"provenance\":{\"vmsim\":", 33));
    CHECK_CONTAINS(r, "\"inputs\":[{\"path\":\"csapp\",\"format\":\"state\"");
    CHECK_CONTAINS(r, "\"results\":[{\"va\":980,\"vpn\":15,\"vpo\":20,\"tlb_index\":3,\"tlb_tag\":3,"
                      "\"tlb_hit\":true,\"page_fault\":false,\"ppn\":13,\"pa\":852,");
    CHECK_CONTAINS(r, "{\"va\":32,\"vpn\":0,");
    CHECK_CONTAINS(r, "  PA            0x354\\n");
    CHECK_CONTAINS(r, "  Byte returned 0x36\\n");
    /* the JSON it answers is JSON: it parses */
    struct jsonin v;
    struct vms_error e = {0};
    CHECK_EQ(jsonin_parse(r, strlen(r), "resp", &v, &e), 0);
    CHECK_EQ(jsonin_get(&v, "results")->n, 2);
    jsonin_fini(&v);
    vmsim_call_free(r);
}

TEST(call_pages)
{
    char *r = call("{\"cmd\":\"pages\",\"frames\":3,\"policy\":\"fifo\","
                   "\"refs\":[1,2,3,4,1,2,5,1,2,3,4,\"5w\"]}");
    CHECK_CONTAINS(r, "\"result\":{\"policy\": \"fifo\", \"frames\": 3, \"references\": 12, \"faults\": 9,");
    CHECK_CONTAINS(r, "references 12, faults 9, hits 3, fault rate 75.0%");
    CHECK_CONTAINS(r, "{\"page\": 5, \"write\": true, \"hit\": true,");
    vmsim_call_free(r);
    r = call("{\"cmd\":\"pages\",\"frames\":4,\"policy\":\"fifo\",\"refs\":\"1 2 3 4 1 2 5 1 2 3 4 5\"}");
    CHECK_CONTAINS(r, "faults 10, hits 2"); /* Belady's anomaly */
    vmsim_call_free(r);
}

TEST(call_scenario_cow)
{
    char *r = call("{\"cmd\":\"scenario\",\"text\":\"machine csapp-small\\nspawn P\\n"
                   "P mmap A 1page rw- private anon\\nP store A 1 0x11\\nfork P C\\n"
                   "C store A 1 0x22\\nP load A 1\\n\"}");
    struct jsonin v;
    struct vms_error e = {0};
    CHECK_EQ(jsonin_parse(r, strlen(r), "resp", &v, &e), 0);
    CHECK_STR(jsonin_get(&v, "output")->str,
              "P store A 1 0x11\nC store A 1 0x22\nP load A 1 = 0x11\n");
    const struct jsonin *steps = jsonin_get(&v, "steps");
    CHECK(steps && steps->n == 7);
    if (steps && steps->n == 7) {
        /* after fork: both map the same frame read-only */
        const struct jsonin *fork = &steps->items[4];
        CHECK_STR(jsonin_get(fork, "command")->str, "fork P C");
        const struct jsonin *ps = jsonin_get(fork, "processes");
        CHECK_EQ(ps->n, 2);
        for (size_t i = 0; i < ps->n && i < 2; i++) {
            const struct jsonin *en = jsonin_get(&ps->items[i], "entries");
            CHECK_EQ(en->n, 1);
            CHECK_CONTAINS(jsonin_get(&en->items[0], "desc")->str, "WRITE=0");
            CHECK_CONTAINS(jsonin_get(&en->items[0], "desc")->str, "PPN=0x0");
        }
        /* C's store: its own frame, writable; one COW fault counted */
        const struct jsonin *st = &steps->items[5];
        CHECK_STR(jsonin_get(st, "output")->str, "C store A 1 0x22\n");
        const struct jsonin *c = &jsonin_get(st, "processes")->items[1];
        CHECK_STR(jsonin_get(c, "name")->str, "C");
        const struct jsonin *ce = &jsonin_get(c, "entries")->items[0];
        CHECK_CONTAINS(jsonin_get(ce, "desc")->str, "WRITE=1");
        CHECK_CONTAINS(jsonin_get(ce, "desc")->str, "PPN=0x1");
        CHECK(jsonin_get(ce, "leaf")->b);
        const struct jsonin *faults = jsonin_get(jsonin_get(st, "stats"), "faults");
        CHECK_STR(jsonin_get(faults, "cow")->str, "1");
    }
    jsonin_fini(&v);
    vmsim_call_free(r);
}

/* gen: what `vmsim gen --format json` prints, and the sheet; the pages key of seed 3 worked
 * out by hand (LRU, 4 frames: 5 0 1 0 4 fill and hit, 2 evicts 5, 3 evicts 1, 1 evicts 2). */
TEST(call_gen)
{
    char *r = call("{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":3,\"answers\":true}");
    CHECK(!strncmp(r, "{\"ok\":true,\"exercise\":{\"kind\":\"pages\",\"seed\":3,\"policy\":\"lru\","
                      "\"frames\":4,\"count\":12,", 84));
    CHECK_CONTAINS(r, "\"state\":\"refs 5 0 1 0 4 2 0 0 3 4 1 4\\npolicy lru\\nframes 4\\n\"");
    CHECK_CONTAINS(r, "{\"ref\":2,\"answer\":{\"frames\":\"2,0,1,4\",\"fault\":\"Y\"}}");
    CHECK_CONTAINS(r, "{\"ref\":3,\"answer\":{\"frames\":\"2,0,3,4\",\"fault\":\"Y\"}}");
    CHECK_CONTAINS(r, "{\"ref\":1,\"answer\":{\"frames\":\"1,0,3,4\",\"fault\":\"Y\"}}");
    CHECK_CONTAINS(r, "\"sheet\":\"# vmsim gen pages --seed 3 --count 12: the key\\n");
    CHECK_CONTAINS(r, "\\nexercise pages seed=3 count=12\\n");
    CHECK_CONTAINS(r, "\\nproblem 6 frames 2,0,1,4\\n");
    struct jsonin v;
    struct vms_error e = {0};
    CHECK_EQ(jsonin_parse(r, strlen(r), "resp", &v, &e), 0);
    CHECK_EQ(jsonin_get(jsonin_get(&v, "exercise"), "problems")->n, 12);
    jsonin_fini(&v);
    /* a seed as a string is the same exercise (JavaScript numbers stop at 2^53) */
    char *r2 = call("{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":\"3\",\"answers\":true}");
    CHECK_STR(r2, r);
    vmsim_call_free(r2);
    vmsim_call_free(r);
    /* without answers: blanks, no key */
    r = call("{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":3}");
    CHECK(strstr(r, "\"answer\"") == NULL);
    CHECK_CONTAINS(r, "\\nproblem 6 frames ?\\n");
    vmsim_call_free(r);
    /* translate: docs/teaching.md's seed 1 (problem 1 is VA 0x19de) */
    r = call("{\"cmd\":\"gen\",\"kind\":\"translate\",\"seed\":1,\"count\":1,"
             "\"machine\":\"csapp-small\",\"answers\":true}");
    CHECK_CONTAINS(r, "\"problems\":[{\"va\":6622,\"answer\":{\"va\":6622,\"vpn\":103,");
    CHECK_CONTAINS(r, "\\nproblem 1 vpn 0x67\\n");
    vmsim_call_free(r);
    static const struct {
        const char *req, *err;
    } bad[] = {
        {"{\"cmd\":\"gen\",\"kind\":\"quiz\",\"seed\":1}", "request:1:21: expected \\\"kind\\\" to be translate, pages or run, found 'quiz'"},
        {"{\"cmd\":\"gen\",\"kind\":\"pages\"}", "request:1:1: expected a member \\\"seed\\\""},
        {"{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":18446744073709551616}", "request:1:36: expected \\\"seed\\\" to be a number from 0 to 18446744073709551615, found 18446744073709551616"},
        {"{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":-1}", "found -1"},
        {"{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":\"0x10\"}", "found '0x10'"},
        {"{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":1,\"count\":0}", "request:1:46: expected \\\"count\\\" to be an integer from 1 to 64, found 0"},
        {"{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":1,\"count\":65}", "request:1:46: expected \\\"count\\\" to be an integer from 1 to 64, found 65"},
        {"{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":1,\"machine\":\"csapp-small\"}", "request:1:48: expected no \\\"machine\\\" (it goes with kind translate)"},
        {"{\"cmd\":\"gen\",\"kind\":\"translate\",\"seed\":1,\"want\":\"tlb-hit page-fault\"}", "expected \\\"want\\\" to be one word"},
        {"{\"cmd\":\"gen\",\"kind\":\"translate\",\"seed\":1,\"want\":\"tlb-hit+page-fault\"}", "--want: "},
        {"{\"cmd\":\"gen\",\"kind\":\"translate\",\"seed\":1,\"machine\":\"nosuch\"}", "--machine: "},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = call(bad[i].req);
        CHECK(!strncmp(r, "{\"ok\":false,\"error\":\"", 21));
        CHECK_CONTAINS(r, bad[i].err);
        vmsim_call_free(r);
    }
}

/* check: an answers text, or fields; the report `vmsim check --json` prints. */
TEST(call_check)
{
    /* the key as an answers text scores full marks */
    char *k = call("{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":3,\"answers\":true}");
    struct jsonin v;
    struct vms_error e = {0};
    CHECK_EQ(jsonin_parse(k, strlen(k), "resp", &v, &e), 0);
    const struct jsonin *sheet = jsonin_get(&v, "sheet");
    CHECK(sheet != NULL);
    static char req[1 << 16], q[1 << 15];
    json_quote(sheet ? sheet->str : "", q, sizeof q);
    snprintf(req, sizeof req, "{\"cmd\":\"check\",\"seed\":3,\"answers\":%s}", q);
    jsonin_fini(&v);
    vmsim_call_free(k);
    char *r = call(req);
    CHECK(!strncmp(r, "{\"ok\":true,\"report\":{\"kind\":\"pages\",\"seed\":3,\"mode\":\"per-field\","
                      "\"score\":24,\"max_score\":24,", 90));
    CHECK_CONTAINS(r, "\"status\":0}");
    CHECK_CONTAINS(r, "\"text\":\"pages exercise, seed 3, graded per-field\\n");
    vmsim_call_free(r);
    /* fields: problem 1's frames right, its fault wrong; the rest unanswered */
    r = call("{\"cmd\":\"check\",\"kind\":\"pages\",\"seed\":3,\"fields\":["
             "{\"problem\":1,\"field\":\"frames\",\"value\":\"5,-,-,-\"},"
             "{\"problem\":1,\"field\":\"fault\",\"value\":\"n\"}]}");
    CHECK_CONTAINS(r, "\"score\":1,\"max_score\":24,\"problems\":[{\"problem\":1,\"ref\":\"5\","
                      "\"score\":1,\"max_score\":2,\"fields\":[{\"field\":\"frames\",\"answer\":"
                      "\"5,-,-,-\",\"result\":\"right\"},{\"field\":\"fault\",\"answer\":\"n\","
                      "\"result\":\"wrong\"}],\"hint\":\"a reference faults when its page is in "
                      "no frame just before it\"}");
    CHECK_CONTAINS(r, "{\"problem\":2,\"ref\":\"0\",\"score\":0,\"max_score\":2,\"fields\":[{\"field\":"
                      "\"frames\",\"answer\":null,\"result\":\"unanswered\"}");
    CHECK_CONTAINS(r, "\"status\":1}");
    vmsim_call_free(r);
    /* the mode; and a translate problem through-first */
    r = call("{\"cmd\":\"check\",\"kind\":\"translate\",\"seed\":1,\"count\":1,\"mode\":"
             "\"through-first\",\"fields\":[{\"problem\":1,\"field\":\"vpn\",\"value\":\"0x67\"},"
             "{\"problem\":1,\"field\":\"tlbi\",\"value\":\"0\"}]}");
    CHECK_CONTAINS(r, "\"mode\":\"through-first\",\"score\":1,\"max_score\":12,");
    CHECK_CONTAINS(r, "{\"field\":\"vpn\",\"answer\":\"0x67\",\"result\":\"right\"},"
                      "{\"field\":\"tlbi\",\"answer\":\"0\",\"result\":\"wrong\"},"
                      "{\"field\":\"tlbt\",\"answer\":");
    /* a field never given is unanswered: null, graded or not (docs/teaching.md) */
    CHECK_CONTAINS(r, "\"field\":\"byte\",\"answer\":null,\"result\":\"not graded\"}");
    vmsim_call_free(r);
    static const struct {
        const char *req, *err;
    } bad[] = {
        {"{\"cmd\":\"check\",\"seed\":3}", "request:1:1: expected a member \\\"answers\\\" (an answers file's text, or \\\"fields\\\")"},
        {"{\"cmd\":\"check\",\"seed\":3,\"answers\":\"\",\"fields\":[]}", "request:1:47: expected \\\"answers\\\" or \\\"fields\\\", not both"},
        {"{\"cmd\":\"check\",\"seed\":3,\"answers\":\"exercise pages seed=4\\n\"}", "answers:1:"},
        {"{\"cmd\":\"check\",\"seed\":3,\"name\":\"a.txt\",\"answers\":\"problem 1 fault Y\\n\"}", "a.txt:1:1: expected an exercise line first"},
        {"{\"cmd\":\"check\",\"seed\":3,\"mode\":\"best\",\"answers\":\"\"}", "expected \\\"mode\\\" to be per-field, through-first or all-or-nothing, found 'best'"},
        {"{\"cmd\":\"check\",\"seed\":3,\"fields\":[]}", "request:1:1: expected a member \\\"kind\\\""},
        {"{\"cmd\":\"check\",\"seed\":3,\"kind\":\"pages\",\"fields\":{}}", "expected \\\"fields\\\" to be an array"},
        {"{\"cmd\":\"check\",\"seed\":3,\"kind\":\"pages\",\"fields\":[3]}", "request:1:50: expected a field answer"},
        {"{\"cmd\":\"check\",\"seed\":3,\"kind\":\"pages\",\"fields\":[{\"problem\":1,\"field\":\"evicted\",\"value\":\"5\"}]}", "fields:2:"},
        {"{\"cmd\":\"check\",\"seed\":3,\"kind\":\"pages\",\"fields\":[{\"problem\":1,\"field\":\"fault\",\"value\":\"Y\"},{\"problem\":99,\"field\":\"fault\",\"value\":\"Y\"}]}", "fields:3:"},
        {"{\"cmd\":\"check\",\"seed\":3,\"kind\":\"pages\",\"fields\":[{\"problem\":1,\"field\":\"fault\",\"value\":\"Y\\nproblem 2 fault Y\"}]}", "expected \\\"value\\\" to be one line without '#'"},
        {"{\"cmd\":\"check\",\"seed\":3,\"kind\":\"pages\",\"fields\":[{\"problem\":1,\"field\":\"Fault x\",\"value\":\"Y\"}]}", "expected \\\"field\\\" to be a field name"},
        {"{\"cmd\":\"check\",\"seed\":3,\"kind\":\"pages\",\"fields\":[{\"field\":\"fault\",\"value\":\"Y\"}]}", "expected a member \\\"problem\\\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = call(bad[i].req);
        CHECK(!strncmp(r, "{\"ok\":false,\"error\":\"", 21));
        CHECK_CONTAINS(r, bad[i].err);
        vmsim_call_free(r);
    }
}

/* Out of host memory anywhere: an answer or NULL, never a crash or a leak (ASan). */
TEST(call_alloc_failures)
{
    const char *req = "{\"cmd\":\"pages\",\"frames\":2,\"policy\":\"lru\",\"refs\":\"1 2 3 1\"}";
    for (long n = 0; n < 400; n++) {
        alloc_fail_after(n);
        char *r = vmsim_call(req);
        alloc_fail_after(-1);
        CHECK(!r || !strncmp(r, "{\"ok\":", 6));
        vmsim_call_free(r);
    }
    static const char *const teach[] = {
        "{\"cmd\":\"gen\",\"kind\":\"pages\",\"seed\":3,\"count\":4,\"answers\":true}",
        "{\"cmd\":\"check\",\"kind\":\"pages\",\"seed\":3,\"count\":4,\"fields\":"
        "[{\"problem\":1,\"field\":\"fault\",\"value\":\"Y\"}]}",
    };
    for (size_t k = 0; k < 2; k++)
        for (long n = 0; n < 300; n++) {
            alloc_fail_after(n);
            char *r = vmsim_call(teach[k]);
            alloc_fail_after(-1);
            CHECK(!r || !strncmp(r, "{\"ok\":", 6));
            vmsim_call_free(r);
        }
}
