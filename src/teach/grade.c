/* `vmsim check`: the answers file (docs/teaching.md, "Answers files"), grading field by
 * field in three modes, and the reports: text, plain JSON, Gradescope's results.json. */
#include "base/alloc.h"
#include "base/err.h"
#include "report/stats.h"
#include "teach/teach.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum result { UNANSWERED = 0, RIGHT, WRONG, NOT_GRADED };

struct answer {
    enum result r;
    unsigned line; /* where it was given, 0 = not given */
    char text[256];
};

struct vms_grade {
    struct vms_exercise *x;
    enum vms_grade_mode mode;
    struct answer (*a)[TEACH_MAX_FIELDS]; /* per problem, per field */
    unsigned *score;                      /* per problem */
    int *first_wrong;                     /* per problem: field index, -1 = none */
    unsigned total, max;
};

void vms_grade_destroy(struct vms_grade *g)
{
    if (!g)
        return;
    vms_exercise_destroy(g->x);
    vms_free(g->a);
    vms_free(g->score);
    vms_free(g->first_wrong);
    vms_free(g);
}

unsigned vms_grade_score(const struct vms_grade *g)
{
    return g->total;
}

unsigned vms_grade_max_score(const struct vms_grade *g)
{
    return g->max;
}

static const char *mode_name(enum vms_grade_mode m)
{
    return m == VMS_GRADE_PER_FIELD       ? "per-field"
           : m == VMS_GRADE_THROUGH_FIRST ? "through-first"
                                          : "all-or-nothing";
}

/* ---------------------------------------------------------------- the answers file */

struct lex {
    const char *name;
    unsigned line;
    const char *start; /* of the line */
    const char *p, *end;
};

static int lex_err(const struct lex *l, const char *at, struct vms_error *e, const char *what)
{
    return err_set(e, VMS_EINVAL, "%s:%u:%u: %s", l->name, l->line,
                   (unsigned)(at - l->start) + 1, what);
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* The next word of the line: [*w, *w + returned length); 0 at the end of the line. */
static size_t word(struct lex *l, const char **w)
{
    while (l->p < l->end && blank(*l->p))
        l->p++;
    *w = l->p;
    while (l->p < l->end && !blank(*l->p))
        l->p++;
    return (size_t)(l->p - *w);
}

static bool is(const char *w, size_t n, const char *s)
{
    return strlen(s) == n && !strncmp(w, s, n);
}

/* A decimal number of n characters at w, at most max. */
static bool number(const char *w, size_t n, uint64_t max, uint64_t *v)
{
    if (n == 0 || n > 20)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)w[i]))
            return false;
        unsigned d = (unsigned)(w[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return false;
        x = x * 10 + d;
    }
    if (x > max)
        return false;
    *v = x;
    return true;
}

/* exercise KIND seed=N [machine=M] [count=K] [want=W]: regenerate the exercise. */
static int header(struct lex *l, uint64_t seed, struct vms_exercise **out, struct vms_error *e)
{
    const char *w;
    size_t n = word(l, &w);
    struct vms_exercise_opts o = {0};
    if (is(w, n, "translate"))
        o.kind = VMS_EXERCISE_TRANSLATE;
    else if (is(w, n, "pages"))
        o.kind = VMS_EXERCISE_PAGES;
    else if (is(w, n, "run"))
        o.kind = VMS_EXERCISE_RUN;
    else
        return lex_err(l, w, e, "expected the kind of exercise: translate, pages or run");
    bool have_seed = false;
    char machine[64] = "", want[300] = "";
    const char *at_machine = l->start, *at_want = l->start, *at_count = l->start;
    while ((n = word(l, &w)) > 0) {
        const char *eq = memchr(w, '=', n);
        if (!eq)
            return lex_err(l, w, e, "expected seed=, machine=, count= or want=");
        size_t kn = (size_t)(eq - w), vn = n - kn - 1;
        const char *v = eq + 1;
        uint64_t num;
        if (is(w, kn, "seed")) {
            if (!number(v, vn, UINT64_MAX, &num))
                return lex_err(l, v, e, "expected seed=N, a number from 0 to "
                                        "18446744073709551615");
            if (num != seed) {
                char msg[128];
                snprintf(msg, sizeof msg, "expected seed=%" PRIu64 " (the seed given to "
                         "--seed), found seed=%" PRIu64, seed, num);
                return lex_err(l, v, e, msg);
            }
            have_seed = true;
        } else if (is(w, kn, "count")) {
            if (!number(v, vn, UINT32_MAX, &num) || num == 0)
                return lex_err(l, v, e, "expected count=K, a number of at least 1");
            o.count = (unsigned)num;
            at_count = v;
        } else if (is(w, kn, "machine") && vn > 0 && vn < sizeof machine) {
            memcpy(machine, v, vn);
            machine[vn] = '\0';
            at_machine = v;
        } else if (is(w, kn, "want") && vn > 0 && vn < sizeof want) {
            memcpy(want, v, vn);
            want[vn] = '\0';
            at_want = v;
        } else {
            return lex_err(l, w, e, "expected seed=N, machine=M, count=K or want=W");
        }
    }
    if (!have_seed)
        return lex_err(l, l->p, e, "expected seed=N on the exercise line");
    o.seed = seed;
    o.machine = machine[0] ? machine : NULL;
    o.want = want[0] ? want : NULL;
    int rc = vms_exercise_create(&o, out, e);
    if (rc < 0 && rc != -VMS_ENOMEM) {
        /* "--want: why" of the generator: at the want= value, "want=: why" */
        char msg[sizeof e->msg];
        const char *at = l->start, *why = e->msg;
        static const char *const opt[] = {"--want: ", "--machine: ", "--count: "};
        const char *const pos[] = {at_want, at_machine, at_count};
        for (size_t i = 0; i < 3; i++)
            if (!strncmp(why, opt[i], strlen(opt[i]))) {
                at = pos[i];
                snprintf(msg, sizeof msg, "%.*s=: %s", (int)strlen(opt[i]) - 4, opt[i] + 2,
                         why + strlen(opt[i]));
                break;
            }
        if (at == l->start)
            snprintf(msg, sizeof msg, "%s", why);
        return lex_err(l, at, e, msg);
    }
    return rc;
}

static const char *type_expect(enum teach_type t)
{
    switch (t) {
    case TEACH_HEX: return "expected a hex number, '-' or '?'";
    case TEACH_BOOL: return "expected Y, N, '-' or '?'";
    case TEACH_LIST: return "expected page numbers and '-' separated by commas, or '?'";
    case TEACH_WORD: return "expected a word, '-' or '?'";
    }
    return "expected an answer";
}

/* problem N FIELD VALUE */
static int problem_line(struct lex *l, struct vms_grade *g, struct vms_error *e)
{
    const struct vms_exercise *x = g->x;
    const char *w;
    size_t n = word(l, &w);
    uint64_t num;
    char msg[512];
    if (!number(w, n, x->nproblems, &num) || num == 0) {
        snprintf(msg, sizeof msg, "expected a problem number from 1 to %zu", x->nproblems);
        return lex_err(l, w, e, msg);
    }
    const struct teach_problem *p = &x->p[num - 1];
    const char *fw;
    size_t fn = word(l, &fw);
    /* The value: the rest of the line, blanks and a trailing comment removed. */
    const char *v = l->p;
    while (v < l->end && blank(*v))
        v++;
    const char *ve = v;
    for (const char *q = v; q < l->end && *q != '#'; q++)
        if (!blank(*q))
            ve = q + 1;
    char val[256];
    if ((size_t)(ve - v) >= sizeof val)
        return lex_err(l, v, e, "expected an answer of at most 255 characters");
    memcpy(val, v, (size_t)(ve - v));
    val[ve - v] = '\0';
    if (is(fw, fn, p->given_name)) {
        char a[256], b[256];
        enum teach_type t = x->kind == VMS_EXERCISE_TRANSLATE ? TEACH_HEX
                            : x->kind == VMS_EXERCISE_PAGES   ? TEACH_LIST
                                                              : TEACH_WORD;
        bool same = x->kind == VMS_EXERCISE_RUN
                        ? !strcmp(val, p->given)
                        : teach_normalize(t, val, a, sizeof a) &&
                              teach_normalize(t, p->given, b, sizeof b) && !strcmp(a, b);
        if (!same) {
            snprintf(msg, sizeof msg, "expected %s %.128s: problem %" PRIu64 " of seed %" PRIu64
                     " is that (these answers are for other problems)", p->given_name,
                     p->given, num, x->seed);
            return lex_err(l, v, e, msg);
        }
        return 0;
    }
    size_t k;
    for (k = 0; k < p->nfields; k++)
        if (is(fw, fn, p->f[k].name))
            break;
    if (k == p->nfields) {
        size_t len = (size_t)snprintf(msg, sizeof msg, "expected %s", p->given_name);
        for (size_t i = 0; i < p->nfields && len < sizeof msg; i++)
            len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s",
                                    i + 1 == p->nfields ? " or " : ", ", p->f[i].name);
        return lex_err(l, fw, e, msg);
    }
    struct answer *a = &g->a[num - 1][k];
    if (a->line) {
        snprintf(msg, sizeof msg, "problem %" PRIu64 " %s answered twice (first at line %u)", num,
                 p->f[k].name, a->line);
        return lex_err(l, fw, e, msg);
    }
    a->line = l->line;
    snprintf(a->text, sizeof a->text, "%s", val);
    if (!val[0] || !strcmp(val, "?")) {
        a->r = UNANSWERED;
        return 0;
    }
    char norm[256];
    if (!teach_normalize(p->f[k].type, val, norm, sizeof norm))
        return lex_err(l, v, e, type_expect(p->f[k].type));
    char key[256];
    teach_normalize(p->f[k].type, p->f[k].key, key, sizeof key);
    a->r = strcmp(norm, key) ? WRONG : RIGHT;
    return 0;
}

static void score(struct vms_grade *g)
{
    g->total = g->max = 0;
    for (size_t i = 0; i < g->x->nproblems; i++) {
        const struct teach_problem *p = &g->x->p[i];
        struct answer *a = g->a[i];
        unsigned right = 0;
        g->first_wrong[i] = -1;
        for (size_t k = 0; k < p->nfields; k++) {
            if (a[k].r == RIGHT) {
                if (g->first_wrong[i] < 0)
                    right++;
                else if (g->mode != VMS_GRADE_THROUGH_FIRST)
                    right++;
                else
                    a[k].r = NOT_GRADED;
            } else {
                if (g->first_wrong[i] >= 0 && g->mode == VMS_GRADE_THROUGH_FIRST)
                    a[k].r = NOT_GRADED;
                if (g->first_wrong[i] < 0)
                    g->first_wrong[i] = (int)k;
            }
        }
        if (g->mode == VMS_GRADE_ALL_OR_NOTHING && right < p->nfields)
            right = 0;
        g->score[i] = right;
        g->total += right;
        g->max += (unsigned)p->nfields;
    }
}

int vms_grade(const char *text, size_t len, const char *name, uint64_t seed,
              enum vms_grade_mode mode, struct vms_grade **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_grade *g = vms_calloc(1, sizeof *g);
    if (!g)
        return err_set(e, VMS_ENOMEM, "out of memory");
    g->mode = mode;
    struct lex l = {.name = name ? name : "<answers>", .line = 0};
    int rc = 0;
    for (const char *s = text, *end = text + len; s < end && rc == 0;) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *le = nl ? nl : end;
        l.line++;
        l.start = l.p = s;
        l.end = le;
        s = nl ? nl + 1 : end;
        if (memchr(l.start, '\0', (size_t)(le - l.start))) {
            rc = lex_err(&l, memchr(l.start, '\0', (size_t)(le - l.start)), e,
                         "expected text, found a NUL byte");
            break;
        }
        const char *w;
        size_t n = word(&l, &w);
        if (n == 0 || w[0] == '#')
            continue;
        if (is(w, n, "exercise")) {
            if (g->x) {
                rc = lex_err(&l, w, e, "expected one exercise line (a second one here)");
                break;
            }
            rc = header(&l, seed, &g->x, e);
            if (rc == 0) {
                size_t np = g->x->nproblems ? g->x->nproblems : 1;
                g->a = vms_calloc(np, sizeof *g->a);
                g->score = vms_calloc(np, sizeof *g->score);
                g->first_wrong = vms_calloc(np, sizeof *g->first_wrong);
                if (!g->a || !g->score || !g->first_wrong)
                    rc = err_set(e, VMS_ENOMEM, "out of memory");
            }
        } else if (is(w, n, "state") || is(w, n, "given")) {
            if (!g->x)
                rc = lex_err(&l, w, e, "expected an exercise line first");
            /* the exercise's text: regenerated from the seed, not read */
        } else if (is(w, n, "problem")) {
            if (!g->x)
                rc = lex_err(&l, w, e, "expected an exercise line first");
            else
                rc = problem_line(&l, g, e);
        } else {
            rc = lex_err(&l, w, e, g->x ? "expected problem N FIELD VALUE (or a state, given or "
                                          "# comment line)"
                                        : "expected an exercise line first");
        }
    }
    if (rc == 0 && !g->x)
        rc = err_set(e, VMS_EINVAL, "%s:%u:1: expected an exercise line (the file has none)",
                     l.name, l.line + 1);
    if (rc < 0) {
        vms_grade_destroy(g);
        return rc;
    }
    score(g);
    *out = g;
    return 0;
}

/* ---------------------------------------------------------------- reports */

static const char *result_name(enum result r)
{
    return r == RIGHT ? "right" : r == WRONG ? "wrong" : r == NOT_GRADED ? "not graded"
                                                                       : "unanswered";
}

/* A problem's lines of text (the report's, and a Gradescope test's output). */
static void problem_text(const struct vms_grade *g, size_t i, FILE *f, const char *indent)
{
    const struct teach_problem *p = &g->x->p[i];
    for (size_t k = 0; k < p->nfields; k++) {
        const struct answer *a = &g->a[i][k];
        fprintf(f, "%s%-14s %-12s %s\n", indent, p->f[k].label,
                a->r == UNANSWERED || !a->text[0] ? "?" : a->text, result_name(a->r));
    }
    int fw = g->first_wrong[i];
    if (fw >= 0)
        fprintf(f, "%shint (%s): %s\n", indent, p->f[fw].label, p->f[fw].hint);
}

int vms_grade_print(const struct vms_grade *g, FILE *out, enum vms_format fmt,
                    struct vms_error *e)
{
    const struct vms_exercise *x = g->x;
    if (fmt == VMS_TEXT) {
        fprintf(out, "%s exercise, seed %" PRIu64 "%s%s, graded %s\n", teach_kind_name(x->kind),
                x->seed, x->kind == VMS_EXERCISE_TRANSLATE ? ", machine " : "",
                x->kind == VMS_EXERCISE_TRANSLATE ? x->machine : "", mode_name(g->mode));
        for (size_t i = 0; i < x->nproblems; i++) {
            fprintf(out, "\nproblem %zu (%s %s): %u/%zu\n", i + 1, x->p[i].given_name,
                    x->p[i].given, g->score[i], x->p[i].nfields);
            problem_text(g, i, out, "  ");
        }
        fprintf(out, "\nscore %u/%u\n", g->total, g->max);
    } else if (fmt == VMS_JSON) {
        fprintf(out, "{\"kind\":\"%s\",\"seed\":%" PRIu64 ",", teach_kind_name(x->kind), x->seed);
        if (x->kind == VMS_EXERCISE_TRANSLATE)
            fprintf(out, "\"machine\":\"%s\",", x->machine);
        fprintf(out, "\"mode\":\"%s\",\"score\":%u,\"max_score\":%u,\"problems\":[",
                mode_name(g->mode), g->total, g->max);
        for (size_t i = 0; i < x->nproblems; i++) {
            const struct teach_problem *p = &x->p[i];
            fprintf(out, "%s{\"problem\":%zu,\"%s\":", i ? "," : "", i + 1, p->given_name);
            stats_json_string(out, p->given);
            fprintf(out, ",\"score\":%u,\"max_score\":%zu,\"fields\":[", g->score[i],
                    p->nfields);
            for (size_t k = 0; k < p->nfields; k++) {
                const struct answer *a = &g->a[i][k];
                fprintf(out, "%s{\"field\":\"%s\",\"answer\":", k ? "," : "", p->f[k].name);
                if (a->r == UNANSWERED || !a->text[0] || !strcmp(a->text, "?"))
                    fputs("null", out);
                else
                    stats_json_string(out, a->text);
                fprintf(out, ",\"result\":\"%s\"}", result_name(a->r));
            }
            fprintf(out, "],\"hint\":");
            if (g->first_wrong[i] >= 0)
                stats_json_string(out, p->f[g->first_wrong[i]].hint);
            else
                fputs("null", out);
            fputc('}', out);
        }
        fprintf(out, "]}\n");
    } else {
        return err_set(e, VMS_EINVAL, "check: no CSV output");
    }
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}

int vms_grade_gradescope(const struct vms_grade *g, FILE *out, struct vms_error *e)
{
    const struct vms_exercise *x = g->x;
    fprintf(out, "{\"score\":%u,\"max_score\":%u,\"output\":", g->total, g->max);
    char head[160];
    snprintf(head, sizeof head, "%s exercise, seed %" PRIu64 ", graded %s",
             teach_kind_name(x->kind), x->seed, mode_name(g->mode));
    stats_json_string(out, head);
    fprintf(out, ",\"tests\":[");
    for (size_t i = 0; i < x->nproblems; i++) {
        const struct teach_problem *p = &x->p[i];
        char name[200], *buf = NULL;
        size_t len = 0;
        snprintf(name, sizeof name, "problem %zu (%s %s)", i + 1, p->given_name, p->given);
        FILE *mf = open_memstream(&buf, &len);
        if (!mf)
            return err_set(e, VMS_ENOMEM, "out of memory");
        problem_text(g, i, mf, "");
        if (fclose(mf)) {
            free(buf);
            return err_set(e, VMS_ENOMEM, "out of memory");
        }
        fprintf(out, "%s{\"name\":", i ? "," : "");
        stats_json_string(out, name);
        fprintf(out, ",\"score\":%u,\"max_score\":%zu,\"output\":", g->score[i], p->nfields);
        stats_json_string(out, buf);
        fputc('}', out);
        free(buf);
    }
    fprintf(out, "]}\n");
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}
