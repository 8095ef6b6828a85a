/* Exercises: creation by kind, the printers (answer sheet, Markdown handout, JSON), and
 * answers' normalisation, which the grader shares. */
#include "base/alloc.h"
#include "base/err.h"
#include "report/stats.h"
#include "teach/teach.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *teach_kind_name(enum vms_exercise_kind k)
{
    return k == VMS_EXERCISE_TRANSLATE ? "translate" : k == VMS_EXERCISE_PAGES ? "pages" : "run";
}

/* Trim blanks at both ends of in into out. */
static void trim(const char *in, char *out, size_t n)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t len = strlen(in);
    while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t' || in[len - 1] == '\r'))
        len--;
    if (len >= n)
        len = n - 1;
    memcpy(out, in, len);
    out[len] = '\0';
}

/* A hex number (0x optional, at most 16 digits) into *v. */
static bool parse_hex(const char *s, uint64_t *v)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t nd = 0;
    uint64_t x = 0;
    for (; *s; s++, nd++) {
        if (!isxdigit((unsigned char)*s) || nd == 16)
            return false;
        x = x << 4 | (uint64_t)(isdigit((unsigned char)*s) ? *s - '0'
                                                          : tolower((unsigned char)*s) - 'a' + 10);
    }
    *v = x;
    return nd > 0;
}

bool teach_normalize(enum teach_type t, const char *in, char *out, size_t n)
{
    char s[256];
    trim(in, s, sizeof s);
    if (!strcmp(s, "-")) {
        snprintf(out, n, "-");
        return true;
    }
    switch (t) {
    case TEACH_HEX: {
        uint64_t v;
        if (!parse_hex(s, &v))
            return false;
        snprintf(out, n, "0x%" PRIX64, v);
        return true;
    }
    case TEACH_BOOL:
        if (!strcasecmp(s, "y") || !strcasecmp(s, "yes")) {
            snprintf(out, n, "Y");
            return true;
        }
        if (!strcasecmp(s, "n") || !strcasecmp(s, "no")) {
            snprintf(out, n, "N");
            return true;
        }
        return false;
    case TEACH_LIST: {
        size_t len = 0;
        out[0] = '\0';
        for (char *tok = s;;) {
            size_t k = strcspn(tok, ",");
            char item[64];
            char save = tok[k];
            tok[k] = '\0';
            trim(tok, item, sizeof item);
            tok[k] = save;
            if (strcmp(item, "-")) {
                char *end;
                if (!isdigit((unsigned char)item[0]))
                    return false;
                unsigned long long v = strtoull(item, &end, 10);
                if (*end)
                    return false;
                snprintf(item, sizeof item, "%llu", v);
            }
            int w = snprintf(out + len, n - len, "%s%s", len ? "," : "", item);
            if (w < 0 || (size_t)w >= n - len)
                return false;
            len += (size_t)w;
            if (!save)
                break;
            tok += k + 1;
        }
        return true;
    }
    case TEACH_WORD: {
        uint64_t v;
        if (!s[0])
            return false;
        if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && parse_hex(s, &v)) {
            snprintf(out, n, "0x%" PRIX64, v);
            return true;
        }
        /* words: lower case, one blank between them */
        size_t len = 0;
        for (size_t i = 0; s[i] && len + 1 < n; i++) {
            if (s[i] == ' ' || s[i] == '\t') {
                if (len && out[len - 1] != ' ')
                    out[len++] = ' ';
                continue;
            }
            out[len++] = (char)tolower((unsigned char)s[i]);
        }
        out[len] = '\0';
        return true;
    }
    }
    return false;
}

void vms_exercise_destroy(struct vms_exercise *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->nproblems; i++)
        vms_free(x->p[i].answer_json);
    vms_free(x->p);
    vms_free(x->state);
    vms_free(x);
}

int vms_exercise_create(const struct vms_exercise_opts *o, struct vms_exercise **out,
                        struct vms_error *e)
{
    *out = NULL;
    struct vms_exercise *x = vms_calloc(1, sizeof *x);
    if (!x)
        return err_set(e, VMS_ENOMEM, "out of memory");
    x->kind = o->kind;
    x->seed = o->seed;
    x->count = o->count;
    snprintf(x->machine, sizeof x->machine, "%s", o->machine ? o->machine : "csapp-small");
    if (o->machine && strlen(o->machine) >= sizeof x->machine) {
        vms_free(x);
        return err_set(e, VMS_EINVAL, "--machine: unknown machine '%s' (see `vmsim machines`)",
                       o->machine);
    }
    if (o->want && strlen(o->want) >= sizeof x->want) {
        vms_free(x);
        return err_set(e, VMS_EINVAL, "--want: too long a list of scenarios");
    }
    snprintf(x->want, sizeof x->want, "%s", o->want ? o->want : "");
    if (o->count > TEACH_MAX_COUNT && o->kind != VMS_EXERCISE_PAGES) {
        vms_free(x);
        return err_set(e, VMS_EINVAL, "--count: at most %d problems, found %u", TEACH_MAX_COUNT,
                       o->count);
    }
    int rc = o->kind == VMS_EXERCISE_TRANSLATE ? teach_gen_translate(x, e)
             : o->kind == VMS_EXERCISE_PAGES   ? teach_gen_pages(x, e)
                                               : teach_gen_run(x, e);
    if (rc < 0) {
        vms_exercise_destroy(x);
        return rc;
    }
    *out = x;
    return 0;
}

/* The `exercise` line: what regenerates the exercise from its seed. */
static void print_header(const struct vms_exercise *x, FILE *f)
{
    fprintf(f, "exercise %s seed=%" PRIu64, teach_kind_name(x->kind), x->seed);
    if (x->kind == VMS_EXERCISE_TRANSLATE)
        fprintf(f, " machine=%s", x->machine);
    fprintf(f, " count=%u", x->count);
    if (x->want[0])
        fprintf(f, " want=%s", x->want);
    fputc('\n', f);
}

/* Every line of text, each prefixed by prefix. */
static void print_lines(FILE *f, const char *prefix, const char *text)
{
    while (*text) {
        size_t n = strcspn(text, "\n");
        fprintf(f, "%s%.*s\n", prefix, (int)n, text);
        text += n + (text[n] == '\n');
    }
}

static void print_text(const struct vms_exercise *x, FILE *f, bool answers)
{
    fprintf(f, "# vmsim gen %s --seed %" PRIu64 "%s%s%s%s --count %u: %s\n",
            teach_kind_name(x->kind), x->seed,
            x->kind == VMS_EXERCISE_TRANSLATE ? " --machine " : "",
            x->kind == VMS_EXERCISE_TRANSLATE ? x->machine : "", x->want[0] ? " --want " : "",
            x->want, x->count, answers ? "the key" : "the answer sheet");
    fprintf(f, "# Fill in every '?' and grade with `vmsim check --seed %" PRIu64
               " FILE` (docs/teaching.md).\n",
            x->seed);
    print_header(x, f);
    if (x->kind == VMS_EXERCISE_TRANSLATE)
        fprintf(f, "# The tables, in the state-file format (docs/state-format.md; without their "
                   "'state ' prefix these lines are a file for `vmsim translate --state`):\n");
    else if (x->kind == VMS_EXERCISE_PAGES)
        fprintf(f, "# The reference string, the policy and the number of frames:\n");
    else if (x->kind == VMS_EXERCISE_RUN)
        fprintf(f, "# The scenario (docs/scenario-contract.md; without their 'state ' prefix "
                   "these lines are a file for `vmsim run`):\n");
    if (x->state)
        print_lines(f, "state ", x->state);
    print_lines(f, "# ", x->intro);
    for (size_t i = 0; i < x->nproblems; i++) {
        const struct teach_problem *p = &x->p[i];
        fprintf(f, "problem %zu %s %s\n", i + 1, p->given_name, p->given);
        for (size_t k = 0; k < p->nfields; k++)
            fprintf(f, "problem %zu %s %s\n", i + 1, p->f[k].name,
                    answers ? p->f[k].key : "?");
    }
}

static void print_md(const struct vms_exercise *x, FILE *f, bool answers)
{
    fprintf(f, "# Exercise: %s, seed %" PRIu64 "\n\n", teach_kind_name(x->kind), x->seed);
    if (x->state) {
        fprintf(f, "%s\n\n```\n%s```\n\n",
                x->kind == VMS_EXERCISE_TRANSLATE ? "The machine's tables (a state file for "
                                                    "`vmsim translate --state`):"
                : x->kind == VMS_EXERCISE_PAGES   ? "The reference string, the policy and the "
                                                    "number of frames:"
                                                  : "The scenario (`vmsim run`):",
                x->state);
    }
    fprintf(f, "%s\n", x->intro);
    for (size_t i = 0; i < x->nproblems; i++) {
        const struct teach_problem *p = &x->p[i];
        fprintf(f, "\n## Problem %zu: %s %s\n\n| field | answer |\n|---|---|\n", i + 1,
                p->given_name, p->given);
        for (size_t k = 0; k < p->nfields; k++)
            fprintf(f, "| %s | %s |\n", p->f[k].label, answers ? p->f[k].key : " ");
    }
}

static void print_json(const struct vms_exercise *x, FILE *f, bool answers)
{
    fprintf(f, "{\"kind\":\"%s\",\"seed\":%" PRIu64 ",", teach_kind_name(x->kind), x->seed);
    if (x->kind == VMS_EXERCISE_TRANSLATE)
        fprintf(f, "\"machine\":\"%s\",", x->machine);
    if (x->kind == VMS_EXERCISE_PAGES)
        fprintf(f, "\"policy\":\"%s\",\"frames\":%u,", x->policy, x->frames);
    fprintf(f, "\"count\":%u,\"want\":", x->count);
    stats_json_string(f, x->want);
    if (x->state) {
        fprintf(f, ",\"%s\":", x->kind == VMS_EXERCISE_RUN ? "scenario" : "state");
        stats_json_string(f, x->state);
    }
    fprintf(f, ",\"problems\":[");
    for (size_t i = 0; i < x->nproblems; i++) {
        const struct teach_problem *p = &x->p[i];
        fprintf(f, "%s{", i ? "," : "");
        fprintf(f, "\"%s\":", p->given_name);
        if (x->kind == VMS_EXERCISE_RUN)
            stats_json_string(f, p->given);
        else
            fprintf(f, "%" PRIu64, p->given_num);
        if (answers) {
            if (p->answer_json) {
                fprintf(f, ",\"answer\":%s", p->answer_json);
            } else {
                fprintf(f, ",\"answer\":{");
                for (size_t k = 0; k < p->nfields; k++) {
                    fprintf(f, "%s\"%s\":", k ? "," : "", p->f[k].name);
                    stats_json_string(f, p->f[k].key);
                }
                fputc('}', f);
            }
        }
        fputc('}', f);
    }
    fprintf(f, "]}\n");
}

int vms_exercise_print(const struct vms_exercise *x, FILE *out, enum vms_exercise_format fmt,
                       bool answers, struct vms_error *e)
{
    if (fmt == VMS_EXERCISE_TEXT)
        print_text(x, out, answers);
    else if (fmt == VMS_EXERCISE_MD)
        print_md(x, out, answers);
    else if (fmt == VMS_EXERCISE_JSON)
        print_json(x, out, answers);
    else
        return err_set(e, VMS_EINVAL, "gen: no such format");
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}
