/* vmsim_call (call.h, docs/web.md): the JSON requests of the web view and of graders that
 * load vmsim.wasm from Node, answered by the same library calls the CLI makes: translate,
 * pages, a scenario stepped line by line, gen (seeded exercises) and check (their grading). */
#include "api/call.h"

#include "api/jsonin.h"
#include "base/alloc.h"
#include "base/err.h"
#include "scenario/scenario.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name requests are given in messages: "request:LINE:COL: ...". */
#define CALL_NAME "request"
/* Reference strings longer than this print the table only when asked (as `vmsim pages`). */
#define CALL_TABLE_MAX 64
/* A stepped scenario: at most this many commands (each step reruns the lines before it). */
#define CALL_STEPS_MAX 200

/* ---- a growing response buffer; a failed allocation sticks (checked at the end) */

struct sb {
    char *s;
    size_t n, cap;
    bool oom;
};

static void sb_add(struct sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 256;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *p = vms_realloc(b->s, nc);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = nc;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void sb_puts(struct sb *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sb *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->oom = true;
        return;
    }
    sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* s (n bytes) as a JSON string. */
static void sb_str_n(struct sb *b, const char *s, size_t n)
{
    sb_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            sb_add(b, esc, 2);
        } else if (c == '\n') {
            sb_add(b, "\\n", 2);
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(b, "\\u%04x", c);
        } else {
            sb_add(b, (const char *)&c, 1);
        }
    }
    sb_add(b, "\"", 1);
}

static void sb_str(struct sb *b, const char *s)
{
    if (s)
        sb_str_n(b, s, strlen(s));
    else
        sb_puts(b, "null");
}

/* ---- captured library output (open_memstream, as the CLI captures it) */

struct cap {
    FILE *f;
    char *buf;
    size_t len;
};

static int cap_open(struct cap *c, struct vms_error *e)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    return c->f ? 0 : err_set(e, VMS_ENOMEM, "out of memory");
}

/* Close the stream: 0 with c->buf the text (possibly empty, never NULL), or -VMS_ENOMEM. */
static int cap_close(struct cap *c, struct vms_error *e)
{
    if (!c->f)
        return 0;
    int bad = fclose(c->f) != 0;
    c->f = NULL;
    if (bad || !c->buf) {
        free(c->buf);
        c->buf = NULL;
        return err_set(e, VMS_ENOMEM, "out of memory");
    }
    return 0;
}

static void cap_free(struct cap *c)
{
    if (c->f)
        fclose(c->f);
    free(c->buf);
    c->f = NULL;
    c->buf = NULL;
}

/* ---- request members */

static int member_error(struct vms_error *e, const struct jsonin *v, const char *key,
                        const char *want)
{
    return err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"%s\" to be %s, found %s", CALL_NAME,
                   v->line, v->col, key, want, jsonin_kind_name(v->kind));
}

static int missing(struct vms_error *e, const struct jsonin *req, const char *key,
                   const char *want)
{
    return err_set(e, VMS_EINVAL, "%s:%u:%u: expected a member \"%s\" (%s)", CALL_NAME,
                   req->line, req->col, key, want);
}

/* A string member: *out is it, or dflt when absent (required: absent is an error). */
static int get_str(const struct jsonin *req, const char *key, bool required, const char *dflt,
                   const char **out, struct vms_error *e)
{
    const struct jsonin *v = jsonin_get(req, key);
    *out = dflt;
    if (!v)
        return required ? missing(e, req, key, "a string") : 0;
    if (v->kind != JSONIN_STRING)
        return member_error(e, v, key, "a string");
    *out = v->str;
    return 0;
}

static int get_bool(const struct jsonin *req, const char *key, bool *out, struct vms_error *e)
{
    const struct jsonin *v = jsonin_get(req, key);
    if (!v)
        return 0;
    if (v->kind != JSONIN_BOOL)
        return member_error(e, v, key, "true or false");
    *out = v->b;
    return 0;
}

/* A non-negative integer member no larger than max (absent: *out unchanged, *given false). */
static int get_uint(const struct jsonin *req, const char *key, uint64_t max, uint64_t *out,
                    bool *given, struct vms_error *e)
{
    const struct jsonin *v = jsonin_get(req, key);
    if (given)
        *given = v != NULL;
    if (!v)
        return 0;
    char want[64];
    snprintf(want, sizeof want, "an integer from 0 to %" PRIu64, max);
    if (v->kind != JSONIN_NUMBER || v->str[0] == '-' || strpbrk(v->str, ".eE"))
        return v->kind == JSONIN_NUMBER
                   ? err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"%s\" to be %s, found %s",
                             CALL_NAME, v->line, v->col, key, want, v->str)
                   : member_error(e, v, key, want);
    uint64_t x = 0;
    for (const char *p = v->str; *p; p++) {
        if (x > (max - (uint64_t)(*p - '0')) / 10)
            return err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"%s\" to be %s, found %s",
                           CALL_NAME, v->line, v->col, key, want, v->str);
        x = x * 10 + (uint64_t)(*p - '0');
    }
    *out = x;
    return 0;
}

/* One of names[] (NULL-terminated): its index into *out; absent leaves *out. */
static int get_enum(const struct jsonin *req, const char *key, const char *const *names,
                    int *out, struct vms_error *e)
{
    const char *s;
    int rc = get_str(req, key, false, NULL, &s, e);
    if (rc || !s)
        return rc;
    for (int i = 0; names[i]; i++)
        if (!strcmp(s, names[i])) {
            *out = i;
            return 0;
        }
    char list[160] = "";
    for (int i = 0; names[i]; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? (names[i + 1] ? ", " : " or ") : "",
                 names[i]);
    }
    const struct jsonin *v = jsonin_get(req, key);
    return err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"%s\" to be %s, found '%s'", CALL_NAME,
                   v->line, v->col, key, list, s);
}

/* ---- translate */

/* The VAs: an array of strings ("0x03d4") or non-negative integers, or one of them. */
static int translate_vas(const struct jsonin *req, const char ***vas, size_t *n,
                         struct vms_error *e)
{
    const struct jsonin *v = jsonin_get(req, "va");
    if (!v)
        return missing(e, req, "va", "an array of addresses");
    const struct jsonin *items = v;
    size_t count = 1;
    if (v->kind == JSONIN_ARRAY) {
        items = v->items;
        count = v->n;
        if (!count)
            return err_set(e, VMS_EINVAL, "%s:%u:%u: expected at least one address in \"va\"",
                           CALL_NAME, v->line, v->col);
    }
    const char **out = vms_calloc(count, sizeof *out);
    if (!out)
        return err_set(e, VMS_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const struct jsonin *it = &items[i];
        if ((it->kind != JSONIN_STRING && it->kind != JSONIN_NUMBER) ||
            (it->kind == JSONIN_NUMBER && (it->str[0] == '-' || strpbrk(it->str, ".eE")))) {
            vms_free(out);
            return err_set(e, VMS_EINVAL, "%s:%u:%u: expected an address (a string such as "
                           "\"0x03d4\" or a non-negative integer), found %s", CALL_NAME,
                           it->line, it->col, it->kind == JSONIN_NUMBER ? it->str
                                                                        : jsonin_kind_name(it->kind));
        }
        out[i] = it->str;
    }
    *vas = out;
    *n = count;
    return 0;
}

/* One translator's output for every VA: the text layout (blank lines between, as the CLI
 * prints them) or JSON lines after the provenance. */
static int translate_run(const struct vms_state *st, bool seq, enum vms_access acc,
                         enum vms_explain how, bool json, const char **vas, size_t n,
                         struct cap *c, struct vms_error *e)
{
    struct vms_translator *t;
    int rc = vms_translator_create(st, seq, acc, &t, e);
    if (rc)
        return rc;
    vms_translator_set_explain(t, how);
    if ((rc = cap_open(c, e)) == 0) {
        if (json)
            rc = vms_translate_provenance(t, n, c->f, e);
        for (size_t i = 0; i < n && !rc; i++) {
            if (!json && i > 0)
                fputc('\n', c->f);
            rc = vms_translate(t, vas[i], c->f, json ? VMS_JSON : VMS_TEXT, e);
        }
        int cr = cap_close(c, e);
        if (!rc)
            rc = cr;
    }
    vms_translator_destroy(t);
    return rc;
}

static int call_translate(const struct jsonin *req, struct sb *b, struct vms_error *e)
{
    static const char *const access_names[] = {"load", "store", "fetch", NULL};
    static const char *const explain_names[] = {"book", "answer", "hints", "steps", "list",
                                                NULL};
    const char *text, *name;
    int acc = VMS_LOAD, how = VMS_EXPLAIN_BOOK;
    bool seq = false;
    int rc;
    if ((rc = get_str(req, "state", true, NULL, &text, e)) ||
        (rc = get_str(req, "name", false, "state", &name, e)) ||
        (rc = get_enum(req, "access", access_names, &acc, e)) ||
        (rc = get_enum(req, "explain", explain_names, &how, e)) ||
        (rc = get_bool(req, "sequential", &seq, e)))
        return rc;
    const char **vas = NULL;
    size_t n = 0;
    if ((rc = translate_vas(req, &vas, &n, e)))
        return rc;
    struct vms_state *st;
    if ((rc = vms_state_parse(text, strlen(text), name, &st, e))) {
        vms_free(vas);
        return rc;
    }
    /* every VA checked before anything is translated (as `vmsim translate`) */
    struct vms_translator *t;
    if ((rc = vms_translator_create(st, seq, (enum vms_access)acc, &t, e)) == 0) {
        for (size_t i = 0; i < n && !rc; i++)
            rc = vms_translate(t, vas[i], NULL, VMS_TEXT, e);
        vms_translator_destroy(t);
    }
    struct cap tj = {0}, tt = {0};
    if (!rc)
        rc = translate_run(st, seq, (enum vms_access)acc, VMS_EXPLAIN_BOOK, true, vas, n, &tj, e);
    if (!rc)
        rc = translate_run(st, seq, (enum vms_access)acc, (enum vms_explain)how, false, vas, n,
                           &tt, e);
    if (!rc) {
        /* the JSON lines: the provenance, then one object per VA */
        char *nl = strchr(tj.buf, '\n');
        sb_puts(b, "{\"ok\":true,\"provenance\":");
        if (nl)
            sb_add(b, tj.buf, (size_t)(nl - tj.buf));
        else
            sb_puts(b, "null");
        sb_puts(b, ",\"results\":[");
        const char *line = nl ? nl + 1 : "";
        for (bool first = true; *line; first = false) {
            const char *end = strchr(line, '\n');
            size_t len = end ? (size_t)(end - line) : strlen(line);
            if (!first)
                sb_puts(b, ",");
            sb_add(b, line, len);
            line += len + (end != NULL);
        }
        sb_puts(b, "],\"text\":");
        sb_str_n(b, tt.buf, tt.len);
        sb_puts(b, "}");
    }
    cap_free(&tj);
    cap_free(&tt);
    vms_state_destroy(st);
    vms_free(vas);
    return rc;
}

/* ---- pages */

static int call_pages(const struct jsonin *req, struct sb *b, struct vms_error *e)
{
    struct vms_pages_opts o = {.policy = "clock"};
    uint64_t frames = 0, tau = 0, seed = 0, bits = 0, tick = 0, width = 0;
    bool has_frames, table = false, state = false;
    int rc;
    if ((rc = get_str(req, "policy", false, "clock", &o.policy, e)) ||
        (rc = get_uint(req, "frames", 1u << 20, &frames, &has_frames, e)) ||
        (rc = get_uint(req, "tau", UINT32_MAX, &tau, NULL, e)) ||
        (rc = get_uint(req, "seed", UINT64_MAX, &seed, NULL, e)) ||
        (rc = get_uint(req, "bits", 32, &bits, NULL, e)) ||
        (rc = get_uint(req, "tick", UINT32_MAX, &tick, NULL, e)) ||
        (rc = get_bool(req, "table", &table, e)) ||
        (rc = get_bool(req, "state", &state, e)) ||
        (rc = get_uint(req, "width", UINT32_MAX, &width, NULL, e)))
        return rc;
    o.state = state;
    o.width = (unsigned)width;
    struct vms_policy_info pi;
    if (!vms_policy_lookup(o.policy, &pi)) {
        const struct jsonin *v = jsonin_get(req, "policy");
        return err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"policy\" to be a policy of `vmsim "
                       "pages --help`, found '%s'", CALL_NAME, v->line, v->col, o.policy);
    }
    if (!pi.uses_tau && !has_frames)
        return missing(e, req, "frames", "a number of frames, at least 1");
    o.frames = (uint32_t)frames;
    o.params.tau = tau;
    o.params.seed = seed;
    o.params.bits = (unsigned)bits;
    o.params.tick = (uint32_t)tick;
    const struct jsonin *refs = jsonin_get(req, "refs");
    if (!refs)
        return missing(e, req, "refs", "a reference string, or an array of references");
    struct vms_refs r = {0};
    const char *rname;
    if ((rc = get_str(req, "name", false, "refs", &rname, e)))
        return rc;
    if (refs->kind == JSONIN_STRING) {
        rc = vms_refs_parse(&r, refs->str, refs->len, rname, e);
    } else if (refs->kind == JSONIN_ARRAY) {
        /* each item as `vmsim pages` takes each argument */
        for (size_t i = 0; i < refs->n && !rc; i++) {
            const struct jsonin *it = &refs->items[i];
            if (it->kind != JSONIN_STRING && it->kind != JSONIN_NUMBER) {
                rc = err_set(e, VMS_EINVAL, "%s:%u:%u: expected a reference (a page number or "
                             "a string such as \"3w\"), found %s", CALL_NAME, it->line, it->col,
                             jsonin_kind_name(it->kind));
                break;
            }
            char name[32];
            snprintf(name, sizeof name, "argument %zu", i + 1);
            rc = vms_refs_parse(&r, it->str, it->len, name, e);
        }
    } else {
        rc = member_error(e, refs, "refs", "a string or an array");
    }
    if (!rc && r.n == 0)
        rc = err_set(e, VMS_EINVAL, "%s:%u:%u: expected at least one page reference in \"refs\"",
                     CALL_NAME, refs->line, refs->col);
    struct vms_pages *p = NULL;
    o.table = table || state || r.n <= CALL_TABLE_MAX;
    if (!rc)
        rc = vms_pages_run(&o, &r, &p, e);
    struct cap ct = {0}, cj = {0};
    if (!rc && !(rc = cap_open(&ct, e))) {
        rc = vms_pages_print(p, ct.f, VMS_TEXT, e);
        int cr = cap_close(&ct, e);
        rc = rc ? rc : cr;
    }
    if (!rc && !(rc = cap_open(&cj, e))) {
        rc = vms_pages_print(p, cj.f, VMS_JSON, e);
        int cr = cap_close(&cj, e);
        rc = rc ? rc : cr;
    }
    if (!rc) {
        sb_puts(b, "{\"ok\":true,\"result\":");
        size_t n = cj.len;
        while (n > 0 && cj.buf[n - 1] == '\n')
            n--;
        sb_add(b, cj.buf, n);
        sb_puts(b, ",\"text\":");
        sb_str_n(b, ct.buf, ct.len);
        sb_puts(b, "}");
    }
    cap_free(&ct);
    cap_free(&cj);
    vms_pages_destroy(p);
    vms_refs_fini(&r);
    return rc;
}

/* ---- scenario: the whole run, then the state after each command */

struct step_marks {
    unsigned *line; /* the scenario line of each before_line call */
    size_t *off;    /* the output's length then */
    size_t n, cap;
    bool oom;
};

static void step_before_line(void *ctx, unsigned line, FILE *out)
{
    struct step_marks *m = ctx;
    if (m->oom)
        return;
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 32;
        unsigned *l = vms_realloc(m->line, nc * sizeof *l);
        if (l)
            m->line = l;
        size_t *o = l ? vms_realloc(m->off, nc * sizeof *o) : NULL;
        if (!o) {
            m->oom = true;
            return;
        }
        m->off = o;
        m->cap = nc;
    }
    fflush(out);
    long pos = ftell(out);
    m->line[m->n] = line;
    m->off[m->n++] = pos < 0 ? 0 : (size_t)pos;
}

/* One run of text (`stats` printed as fmt): its output and diagnostics, the before_line marks, the run's result and
 * its error message. */
struct step_run {
    struct cap out, diag;
    struct step_marks marks;
    int rc;
    struct vms_error err;
};

static void step_run_fini(struct step_run *s)
{
    cap_free(&s->out);
    cap_free(&s->diag);
    vms_free(s->marks.line);
    vms_free(s->marks.off);
    memset(s, 0, sizeof *s);
}

/* Parse and run text; a parse error is the caller's (returned, e filled); a run's own
 * result (0, 1, negative with a message) is in s. */
static int step_run(const char *text, size_t len, const char *name, enum vms_format fmt,
                    struct step_run *s, struct vms_error *e)
{
    memset(s, 0, sizeof *s);
    struct vms_scenario *sc;
    int rc = vms_scenario_parse(text, len, name, &sc, e);
    if (rc)
        return rc;
    if ((rc = cap_open(&s->out, e)) || (rc = cap_open(&s->diag, e))) {
        vms_scenario_destroy(sc);
        return rc;
    }
    struct vms_run_opts o = {.before_line = step_before_line, .ctx = &s->marks};
    s->rc = vms_scenario_run(sc, &o, s->out.f, fmt, s->diag.f, &s->err);
    vms_scenario_destroy(sc);
    int c1 = cap_close(&s->out, e), c2 = cap_close(&s->diag, e);
    if (c1 || c2 || s->marks.oom)
        return err_set(e, VMS_ENOMEM, "out of memory");
    return 0;
}

/* The output between the mark of line `line` and the next mark (or the end). */
static void step_segment(const struct step_run *s, unsigned line, const char **p, size_t *n)
{
    *p = "";
    *n = 0;
    for (size_t i = 0; i < s->marks.n; i++)
        if (s->marks.line[i] == line) {
            size_t end = i + 1 < s->marks.n ? s->marks.off[i + 1] : s->out.len;
            *p = s->out.buf + s->marks.off[i];
            *n = end - s->marks.off[i];
            return;
        }
}

/* The page table that `P pagetable` printed, as entries. */
static void step_pagetable(struct sb *b, const char *p, size_t n, unsigned levels)
{
    int pid = -1;
    unsigned long long cr3 = 0;
    unsigned pcid = 0;
    bool first = true;
    sb_puts(b, "\"entries\":[");
    for (const char *end = p + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char line[512];
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (nl != NULL);
        unsigned lvl;
        unsigned long long idx, va, pte;
        int at = 0;
        if (sscanf(line, " page table of pid %d (CR3 = 0x%llx, PCID %u)", &pid, &cr3, &pcid) == 3)
            continue;
        if (sscanf(line, " L%u[0x%llx] va 0x%llx = 0x%llx: %n", &lvl, &idx, &va, &pte, &at) != 4 ||
            !at)
            continue;
        sb_printf(b, "%s{\"level\":%u,\"index\":%llu,\"va\":\"0x%llx\",\"pte\":\"0x%llx\","
                     "\"leaf\":%s,\"desc\":", first ? "" : ",", lvl, idx, va, pte,
                  lvl == levels ? "true" : "false");
        sb_str(b, line + at);
        sb_puts(b, "}");
        first = false;
    }
    sb_printf(b, "],\"pid\":%d,\"cr3\":\"0x%llx\",\"pcid\":%u", pid, cr3, pcid);
}

/* The page-table levels of the machine in effect after command i. */
static unsigned step_levels(const struct vms_scenario *sc, size_t i)
{
    const struct scn_cmd *m = NULL;
    for (size_t j = 0; j <= i && j < sc->ncmds; j++)
        if (sc->cmds[j].kind == SCN_MACHINE)
            m = &sc->cmds[j];
    struct vms_config *c;
    if (vms_config_create(m ? m->name : VMS_DEFAULT_MACHINE, &c, NULL))
        return 0;
    for (size_t k = 0; m && k < m->argc; k++)
        vms_config_set_kv(c, m->argv[k], NULL);
    char v[32] = "0";
    vms_config_get(c, "levels", v, sizeof v, NULL);
    vms_config_destroy(c);
    return (unsigned)strtoul(v, NULL, 10);
}

/* The processes alive after command i, by name, in the order they were made. */
static size_t step_alive(const struct vms_scenario *sc, size_t i, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t j = 0; j <= i; j++) {
        const struct scn_cmd *c = &sc->cmds[j];
        const char *add = c->kind == SCN_SPAWN ? c->proc : c->kind == SCN_FORK ? c->proc2 : NULL;
        if (add && n < max)
            names[n++] = add;
        if (c->kind == SCN_EXIT)
            for (size_t k = 0; k < n; k++)
                if (!strcmp(names[k], c->proc)) {
                    memmove(names + k, names + k + 1, (n - k - 1) * sizeof *names);
                    n--;
                    break;
                }
    }
    return n;
}

/* The text of line `line` (1-based) of [text, text+len), without its newline. */
static void line_of(const char *text, size_t len, unsigned line, const char **p, size_t *n)
{
    const char *s = text, *end = text + len;
    for (unsigned l = 1; l < line && s < end; l++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    *p = s;
    *n = (size_t)((nl ? nl : end) - s);
    if (*n && s[*n - 1] == '\r')
        (*n)--;
}

#define STEP_PROCS 64

/* Step i: the scenario up to its line, then `P pagetable` and `P maps` for each process
 * alive and `stats`, run fresh; the command's own output and the state those print. */
static int step_one(const struct vms_scenario *sc, const char *text, size_t len,
                    const char *name, size_t i, struct sb *b, bool *stop, struct vms_error *e)
{
    const struct scn_cmd *c = &sc->cmds[i];
    const char *lp;
    size_t ln;
    line_of(text, len, c->line, &lp, &ln);
    size_t cut = (size_t)(lp - text) + ln; /* through this line */
    const char *names[STEP_PROCS];
    size_t np = step_alive(sc, i, names, STEP_PROCS);
    struct sb t = {0};
    sb_add(&t, text, cut);
    sb_puts(&t, "\n");
    unsigned first_extra = 1; /* the line number of the first added line */
    for (size_t k = 0; k < cut; k++)
        first_extra += text[k] == '\n';
    first_extra++;
    for (size_t k = 0; k < np; k++)
        sb_printf(&t, "%s pagetable\n%s maps\n", names[k], names[k]);
    sb_puts(&t, "stats\n");
    if (t.oom) {
        vms_free(t.s);
        return err_set(e, VMS_ENOMEM, "out of memory");
    }
    struct step_run s;
    int rc = step_run(t.s, t.n, name, VMS_JSON, &s, e);
    vms_free(t.s);
    if (rc) {
        step_run_fini(&s);
        return rc;
    }
    const char *seg;
    size_t sn;
    sb_printf(b, "{\"line\":%u,\"command\":", c->line);
    sb_str_n(b, lp, ln);
    step_segment(&s, c->line, &seg, &sn);
    sb_puts(b, ",\"output\":");
    sb_str_n(b, seg, sn);
    sb_puts(b, ",\"diag\":");
    sb_str_n(b, s.diag.buf, s.diag.len);
    /* a failure on an added line (none is expected) is the step's error too */
    bool failed = s.rc < 0 || s.rc == 2;
    sb_puts(b, ",\"error\":");
    if (failed)
        sb_str(b, s.err.msg);
    else
        sb_puts(b, "null");
    *stop = failed;
    unsigned levels = step_levels(sc, i);
    sb_puts(b, ",\"processes\":[");
    for (size_t k = 0; k < np && !failed; k++) {
        sb_puts(b, k ? ",{\"name\":" : "{\"name\":");
        sb_str(b, names[k]);
        sb_puts(b, ",");
        step_segment(&s, first_extra + 2 * (unsigned)k, &seg, &sn);
        step_pagetable(b, seg, sn, levels);
        step_segment(&s, first_extra + 2 * (unsigned)k + 1, &seg, &sn);
        sb_puts(b, ",\"maps\":");
        sb_str_n(b, seg, sn);
        sb_puts(b, "}");
    }
    sb_puts(b, "],\"stats\":");
    step_segment(&s, first_extra + 2 * (unsigned)np, &seg, &sn);
    while (sn > 0 && seg[sn - 1] == '\n')
        sn--;
    if (!failed && sn > 0 && seg[0] == '{')
        sb_add(b, seg, sn);
    else
        sb_puts(b, "null");
    sb_puts(b, "}");
    step_run_fini(&s);
    return 0;
}

static int call_scenario(const struct jsonin *req, struct sb *b, struct vms_error *e)
{
    const char *text, *name;
    bool steps = true;
    int rc;
    if ((rc = get_str(req, "text", true, NULL, &text, e)) ||
        (rc = get_str(req, "name", false, "scenario", &name, e)) ||
        (rc = get_bool(req, "steps", &steps, e)))
        return rc;
    size_t len = strlen(text);
    struct vms_scenario *sc;
    if ((rc = vms_scenario_parse(text, len, name, &sc, e)))
        return rc;
    if (steps && sc->ncmds > CALL_STEPS_MAX) {
        vms_scenario_destroy(sc);
        return err_set(e, VMS_EINVAL, "%s: expected at most %d commands to step through, found "
                       "%zu (\"steps\": false runs it whole)", name, CALL_STEPS_MAX, sc->ncmds);
    }
    struct step_run whole;
    if ((rc = step_run(text, len, name, VMS_TEXT, &whole, e))) {
        step_run_fini(&whole);
        vms_scenario_destroy(sc);
        return rc;
    }
    sb_puts(b, "{\"ok\":true,\"output\":");
    sb_str_n(b, whole.out.buf, whole.out.len);
    sb_puts(b, ",\"diag\":");
    sb_str_n(b, whole.diag.buf, whole.diag.len);
    sb_printf(b, ",\"status\":%d,\"error\":", whole.rc < 0 ? 2 : whole.rc);
    if (whole.rc < 0 || whole.rc == 2)
        sb_str(b, whole.err.msg);
    else
        sb_puts(b, "null");
    step_run_fini(&whole);
    sb_puts(b, ",\"steps\":[");
    bool stop = false;
    for (size_t i = 0; steps && i < sc->ncmds && !stop && !rc && !b->oom; i++) {
        if (i)
            sb_puts(b, ",");
        rc = step_one(sc, text, len, name, i, b, &stop, e);
    }
    sb_puts(b, "]}");
    vms_scenario_destroy(sc);
    return rc;
}

/* ---- gen and check: `vmsim gen --format json` and `vmsim check --json` (docs/teaching.md) */

/* The seed: an integer, or a decimal string (JavaScript numbers stop at 2^53). */
static int get_seed(const struct jsonin *req, uint64_t *out, struct vms_error *e)
{
    const struct jsonin *v = jsonin_get(req, "seed");
    if (!v)
        return missing(e, req, "seed", "a number from 0 to 18446744073709551615");
    const char *s = v->str;
    bool ok = (v->kind == JSONIN_NUMBER || v->kind == JSONIN_STRING) && s[0] &&
              strlen(s) <= 20 && strspn(s, "0123456789") == strlen(s);
    uint64_t x = 0;
    for (const char *p = s; ok && *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (x > (UINT64_MAX - d) / 10)
            ok = false;
        else
            x = x * 10 + d;
    }
    if (!ok)
        return v->kind == JSONIN_NUMBER || v->kind == JSONIN_STRING
                   ? err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"seed\" to be a number from 0 "
                             "to 18446744073709551615, found %s%s%s", CALL_NAME, v->line, v->col,
                             v->kind == JSONIN_STRING ? "'" : "", s,
                             v->kind == JSONIN_STRING ? "'" : "")
                   : member_error(e, v, "seed", "a number from 0 to 18446744073709551615");
    *out = x;
    return 0;
}

/* A word of an exercise line (machine=, want=): no blank, '#' or control character. */
static int get_word(const struct jsonin *req, const char *key, const char **out,
                    struct vms_error *e)
{
    int rc = get_str(req, key, false, NULL, out, e);
    if (rc || !*out)
        return rc;
    for (const unsigned char *p = (const unsigned char *)*out; *p; p++)
        if (*p <= ' ' || *p == '#' || *p == 0x7f) {
            const struct jsonin *v = jsonin_get(req, key);
            return err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"%s\" to be one word (no blank "
                           "or '#'), found '%s'", CALL_NAME, v->line, v->col, key, *out);
        }
    return 0;
}

/* The exercise options of a gen request, or of a check request with "fields". */
static int exercise_opts(const struct jsonin *req, struct vms_exercise_opts *o,
                         struct vms_error *e)
{
    static const char *const kind_names[] = {"translate", "pages", "run", NULL};
    int kind = -1, rc;
    uint64_t count = 0;
    bool has_count;
    memset(o, 0, sizeof *o);
    if ((rc = get_enum(req, "kind", kind_names, &kind, e)))
        return rc;
    if (kind < 0)
        return missing(e, req, "kind", "translate, pages or run");
    o->kind = (enum vms_exercise_kind)kind;
    if ((rc = get_seed(req, &o->seed, e)) || (rc = get_word(req, "machine", &o->machine, e)) ||
        (rc = get_word(req, "want", &o->want, e)) ||
        (rc = get_uint(req, "count", UINT32_MAX, &count, &has_count, e)))
        return rc;
    if (has_count && (count == 0 || count > 64)) {
        const struct jsonin *v = jsonin_get(req, "count");
        return err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"count\" to be an integer from 1 to "
                       "64, found %s", CALL_NAME, v->line, v->col, v->str);
    }
    if (o->machine && o->kind != VMS_EXERCISE_TRANSLATE) {
        const struct jsonin *v = jsonin_get(req, "machine");
        return err_set(e, VMS_EINVAL, "%s:%u:%u: expected no \"machine\" (it goes with kind "
                       "translate)", CALL_NAME, v->line, v->col);
    }
    o->count = (unsigned)count;
    return 0;
}

/* Print the exercise in one format into c. */
static int exercise_cap(const struct vms_exercise *x, enum vms_exercise_format fmt, bool answers,
                        struct cap *c, struct vms_error *e)
{
    int rc = cap_open(c, e);
    if (rc)
        return rc;
    rc = vms_exercise_print(x, c->f, fmt, answers, e);
    int cr = cap_close(c, e);
    return rc ? rc : cr;
}

/* c's text without its trailing newlines (one JSON value). */
static void sb_json_line(struct sb *b, const struct cap *c)
{
    size_t n = c->len;
    while (n > 0 && c->buf[n - 1] == '\n')
        n--;
    if (n)
        sb_add(b, c->buf, n);
    else
        sb_puts(b, "null");
}

static int call_gen(const struct jsonin *req, struct sb *b, struct vms_error *e)
{
    struct vms_exercise_opts o;
    bool answers = false;
    int rc;
    if ((rc = exercise_opts(req, &o, e)) || (rc = get_bool(req, "answers", &answers, e)))
        return rc;
    struct vms_exercise *x;
    if ((rc = vms_exercise_create(&o, &x, e)))
        return rc;
    struct cap cj = {0}, ct = {0};
    if (!(rc = exercise_cap(x, VMS_EXERCISE_JSON, answers, &cj, e)) &&
        !(rc = exercise_cap(x, VMS_EXERCISE_TEXT, answers, &ct, e))) {
        sb_puts(b, "{\"ok\":true,\"exercise\":");
        sb_json_line(b, &cj);
        sb_puts(b, ",\"sheet\":");
        sb_str_n(b, ct.buf, ct.len);
        sb_puts(b, "}");
    }
    cap_free(&cj);
    cap_free(&ct);
    vms_exercise_destroy(x);
    return rc;
}

/* "fields": [{"problem": N, "field": F, "value": V}, ...] after the exercise line built from
 * the request's kind, seed, machine, want and count: the answers file of docs/teaching.md,
 * line 1 the exercise line and line i+1 the i-th item (the lines messages name). */
static int fields_text(const struct jsonin *req, const struct jsonin *fields, struct sb *t,
                       struct vms_error *e)
{
    struct vms_exercise_opts o;
    int rc = exercise_opts(req, &o, e);
    if (rc)
        return rc;
    static const char *const kind_names[] = {"translate", "pages", "run"};
    sb_printf(t, "exercise %s seed=%" PRIu64, kind_names[o.kind], o.seed);
    if (o.machine)
        sb_printf(t, " machine=%s", o.machine);
    if (o.count)
        sb_printf(t, " count=%u", o.count);
    if (o.want) {
        sb_puts(t, " want=");
        sb_puts(t, o.want);
    }
    sb_puts(t, "\n");
    if (fields->kind != JSONIN_ARRAY)
        return member_error(e, fields, "fields", "an array of {\"problem\", \"field\", "
                            "\"value\"} objects");
    for (size_t i = 0; i < fields->n; i++) {
        const struct jsonin *it = &fields->items[i];
        if (it->kind != JSONIN_OBJECT)
            return err_set(e, VMS_EINVAL, "%s:%u:%u: expected a field answer (an object with "
                           "\"problem\", \"field\" and \"value\"), found %s", CALL_NAME,
                           it->line, it->col, jsonin_kind_name(it->kind));
        uint64_t problem = 0;
        bool has_problem;
        const char *field, *value;
        if ((rc = get_uint(it, "problem", UINT32_MAX, &problem, &has_problem, e)) ||
            (rc = get_str(it, "field", true, NULL, &field, e)) ||
            (rc = get_str(it, "value", true, NULL, &value, e)))
            return rc;
        if (!has_problem)
            return missing(e, it, "problem", "a problem number");
        const char *bad = NULL;
        if (!field[0] || strspn(field, "abcdefghijklmnopqrstuvwxyz_") != strlen(field))
            bad = "field";
        else if (strpbrk(value, "\n\r#"))
            bad = "value";
        if (bad) {
            const struct jsonin *v = jsonin_get(it, bad);
            return err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"%s\" to be %s, found '%s'",
                           CALL_NAME, v->line, v->col, bad,
                           bad[0] == 'f' ? "a field name (lower-case letters and '_')"
                                         : "one line without '#'",
                           v->str);
        }
        sb_printf(t, "problem %" PRIu64 " %s ", problem, field);
        sb_puts(t, value);
        sb_puts(t, "\n");
    }
    return t->oom ? err_set(e, VMS_ENOMEM, "out of memory") : 0;
}

static int call_check(const struct jsonin *req, struct sb *b, struct vms_error *e)
{
    static const char *const mode_names[] = {"per-field", "through-first", "all-or-nothing",
                                             NULL};
    int mode = VMS_GRADE_PER_FIELD, rc;
    uint64_t seed;
    const char *text = NULL, *name;
    if ((rc = get_seed(req, &seed, e)) || (rc = get_enum(req, "mode", mode_names, &mode, e)) ||
        (rc = get_str(req, "answers", false, NULL, &text, e)))
        return rc;
    const struct jsonin *fields = jsonin_get(req, "fields");
    if (!text == !fields)
        return text ? err_set(e, VMS_EINVAL, "%s:%u:%u: expected \"answers\" or \"fields\", "
                              "not both", CALL_NAME, fields->line, fields->col)
                    : missing(e, req, "answers", "an answers file's text, or \"fields\"");
    struct sb t = {0};
    size_t len = 0;
    if (fields) {
        name = "fields";
        if ((rc = fields_text(req, fields, &t, e))) {
            vms_free(t.s);
            return rc;
        }
        text = t.s;
        len = t.n;
    } else {
        if ((rc = get_str(req, "name", false, "answers", &name, e)))
            return rc;
        len = jsonin_get(req, "answers")->len;
    }
    struct vms_grade *g;
    rc = vms_grade(text, len, name, seed, (enum vms_grade_mode)mode, &g, e);
    vms_free(t.s);
    if (rc)
        return rc;
    struct cap cj = {0}, ct = {0};
    if (!(rc = cap_open(&cj, e))) {
        rc = vms_grade_print(g, cj.f, VMS_JSON, e);
        int cr = cap_close(&cj, e);
        rc = rc ? rc : cr;
    }
    if (!rc && !(rc = cap_open(&ct, e))) {
        rc = vms_grade_print(g, ct.f, VMS_TEXT, e);
        int cr = cap_close(&ct, e);
        rc = rc ? rc : cr;
    }
    if (!rc) {
        sb_puts(b, "{\"ok\":true,\"report\":");
        sb_json_line(b, &cj);
        sb_puts(b, ",\"text\":");
        sb_str_n(b, ct.buf, ct.len);
        sb_printf(b, ",\"status\":%d}", vms_grade_score(g) == vms_grade_max_score(g) ? 0 : 1);
    }
    cap_free(&cj);
    cap_free(&ct);
    vms_grade_destroy(g);
    return rc;
}

/* ---- the entry point */

char *vmsim_call_n(const char *req, size_t len)
{
    struct vms_error e = {0};
    struct jsonin r;
    struct sb b = {0};
    int rc = jsonin_parse(req, len, CALL_NAME, &r, &e);
    if (rc == 0) {
        const char *cmd = NULL;
        if (r.kind != JSONIN_OBJECT)
            rc = err_set(&e, VMS_EINVAL, "%s:%u:%u: expected an object, found %s", CALL_NAME,
                         r.line, r.col, jsonin_kind_name(r.kind));
        else
            rc = get_str(&r, "cmd", true, NULL, &cmd, &e);
        if (rc == 0 && !strcmp(cmd, "translate"))
            rc = call_translate(&r, &b, &e);
        else if (rc == 0 && !strcmp(cmd, "pages"))
            rc = call_pages(&r, &b, &e);
        else if (rc == 0 && !strcmp(cmd, "scenario"))
            rc = call_scenario(&r, &b, &e);
        else if (rc == 0 && !strcmp(cmd, "gen"))
            rc = call_gen(&r, &b, &e);
        else if (rc == 0 && !strcmp(cmd, "check"))
            rc = call_check(&r, &b, &e);
        else if (rc == 0) {
            const struct jsonin *v = jsonin_get(&r, "cmd");
            rc = err_set(&e, VMS_EINVAL, "%s:%u:%u: expected \"cmd\" to be translate, pages, "
                         "scenario, gen or check, found '%s'", CALL_NAME, v->line, v->col, cmd);
        }
        jsonin_fini(&r);
    }
    if (rc == 0 && b.oom)
        rc = err_set(&e, VMS_ENOMEM, "out of memory");
    if (rc) {
        b.n = 0;
        b.oom = false;
        sb_puts(&b, "{\"ok\":false,\"error\":");
        sb_str(&b, e.msg[0] ? e.msg : vms_strerror(-rc));
        sb_puts(&b, "}");
    }
    if (b.oom) {
        vms_free(b.s);
        return NULL;
    }
    return b.s;
}

#ifdef VMS_WEB
#define CALL_EXPORT(name) __attribute__((export_name(name)))
#else
#define CALL_EXPORT(name)
#endif

CALL_EXPORT("vmsim_call") char *vmsim_call(const char *req)
{
    return vmsim_call_n(req, req ? strlen(req) : 0);
}

CALL_EXPORT("vmsim_call_free") void vmsim_call_free(char *resp)
{
    vms_free(resp);
}

#ifdef VMS_WEB
/* The loader's buffers for requests (docs/web.md, "The module"). */
void *vmsim_alloc(size_t n);
CALL_EXPORT("vmsim_alloc") void *vmsim_alloc(size_t n)
{
    return vms_malloc(n ? n : 1);
}
#endif
