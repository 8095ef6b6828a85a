/* The .vms parser: scenario_parse lexes every line, fixes the page size from the machine in
 * effect, then parses line by line into struct scn_cmd, every command form of
 * docs/scenario-contract.md with its operands checked and resolved to bytes, and the static
 * bindings checked as the lines go by. Every error is "FILE:LINE:COL: expected WHAT, got
 * 'TOKEN'" (or "got end of line"), COL being the offending token's column. Also the public
 * vms_scenario_parse*. */
#include "scenario/scenario.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/infile.h"
#include "base/parse.h"
#include "base/slurp.h"
#include "base/types.h"
#include "scenario/lexer.h"
#include "scenario/names.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* What the parser knows about one process while reading: its mapping-name bindings. */
struct parser_proc {
    const char *name;
    const char **binds; /* bound mapping names (arena strings) */
    size_t nbinds, cap;
    struct names bound; /* the same names, for lookups */
};

struct parser_state {
    struct vms_scenario *sc;
    struct parser_proc *procs;
    size_t nprocs, cap;
    struct names proc_index; /* process name -> its index in procs */
    const char **files; /* declared file names */
    size_t nfiles, fcap;
    struct names file_index; /* the same names, for lookups */
    bool seen_process;  /* a spawn has been read: setup lines are over */
    size_t cmd_cap;
};

/* The line being parsed. */
struct parser_line {
    struct parser_state *ps;
    const struct lex_tok *toks;
    size_t n, pos;
    unsigned line, end_col;
    struct vms_error *e;
};

#define PARSER_WHAT_ADDR "an address (NAME, NAME+OFF or a number)"
#define PARSER_WHAT_SIZE "a size (1, 2, 4 or 8)"
#define PARSER_WHAT_PROT "a protection (three characters from r-, w-, x-, e.g. rw-)"
#define PARSER_MEMORY_VERBS                                                                        \
    "mmap, munmap, mprotect, msync, brk, load, store, fetch, expect, fill, check, touch, maps "   \
    "or pagetable"

/* ---------------------------------------------------------------- errors */

/* "expected WHAT, got 'TOK'" at TOK, or "got end of line" past the last token. */
static int parser_expected(struct parser_line *pl, const struct lex_tok *t, const char *what)
{
    const char *file = pl->ps->sc->filename;
    if (!t)
        return err_set(pl->e, VMS_EINVAL, "%s:%u:%u: expected %s, got end of line", file,
                       pl->line, pl->end_col, what);
    return err_set(pl->e, VMS_EINVAL, "%s:%u:%u: expected %s, got '%.*s'", file, pl->line,
                   t->col, what, (int)(t->len > 64 ? 64 : t->len), t->s);
}

static const struct lex_tok *parser_peek(struct parser_line *pl)
{
    return pl->pos < pl->n ? &pl->toks[pl->pos] : NULL;
}

static const struct lex_tok *parser_take(struct parser_line *pl)
{
    return pl->pos < pl->n ? &pl->toks[pl->pos++] : NULL;
}

static int parser_end(struct parser_line *pl)
{
    const struct lex_tok *t = parser_peek(pl);
    return t ? parser_expected(pl, t, "end of line") : 0;
}

static bool parser_is(const struct lex_tok *t, const char *word)
{
    return t && !strcmp(t->s, word);
}

/* ---------------------------------------------------------------- operands */

static const char *const parser_words[] = {"spawn", "exec",   "fork",   "exit",
                                             "switch", "file",  "expect", "stats",
                                             "machine", "memory", "swap",  "policy"};

static bool parser_is_command_word(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof parser_words / sizeof parser_words[0]; i++)
        if (strlen(parser_words[i]) == n && memcmp(parser_words[i], s, n) == 0)
            return true;
    return false;
}

static bool parser_name_chars(const char *s, size_t n, bool dots)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
                  (dots && c == '.') || (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
        if (!ok)
            return false;
    }
    return true;
}

/* A process or mapping name: [A-Za-z_][A-Za-z0-9_-]*, not a command word. */
static bool parser_valid_name(const char *s, size_t n)
{
    return parser_name_chars(s, n, false) && !parser_is_command_word(s, n);
}

static int parser_name(struct parser_line *pl, const char *what, const char **out)
{
    const struct lex_tok *t = parser_take(pl);
    if (t && parser_name_chars(t->s, t->len, false) && parser_is_command_word(t->s, t->len)) {
        char buf[96];
        snprintf(buf, sizeof buf, "%s (not a command word)", what);
        return parser_expected(pl, t, buf);
    }
    if (!t || !parser_valid_name(t->s, t->len))
        return parser_expected(pl, t, what);
    *out = t->s;
    return 0;
}

/* A file name: a name that may also contain dots ("." and ".." excluded). */
static int parser_file_name(struct parser_line *pl, const char **out)
{
    const struct lex_tok *t = parser_take(pl);
    if (!t || !parser_name_chars(t->s, t->len, true) || parser_is_command_word(t->s, t->len) ||
        !strcmp(t->s, ".") || !strcmp(t->s, ".."))
        return parser_expected(pl, t, "a file name");
    *out = t->s;
    return 0;
}

/* A number (decimal or 0x hex). */
static int parser_number(struct parser_line *pl, const char *what, uint64_t *out)
{
    const struct lex_tok *t = parser_take(pl);
    if (!t || !parse_u64(t->s, t->len, out))
        return parser_expected(pl, t, what);
    return 0;
}

/* A size: a number with an optional suffix, and `N pages` as two tokens. `glued` is a token
 * already taken (brk's +SIZE after its sign), else the next token is used. */
static int parser_size_from(struct parser_line *pl, const struct lex_tok *t, const char *s,
                            size_t len, const char *what, uint64_t *out)
{
    uint64_t page = pl->ps->sc->page_size;
    if (!parse_size(s, len, page, out))
        return parser_expected(pl, t, what);
    const struct lex_tok *u = parser_peek(pl);
    if ((parser_is(u, "page") || parser_is(u, "pages")) && parse_u64(s, len, out)) {
        pl->pos++;
        if (*out && page > UINT64_MAX / *out)
            return parser_expected(pl, t, what);
        *out *= page;
    }
    return 0;
}

static int parser_size(struct parser_line *pl, const char *what, uint64_t *out)
{
    const struct lex_tok *t = parser_take(pl);
    if (!t)
        return parser_expected(pl, t, what);
    return parser_size_from(pl, t, t->s, t->len, what, out);
}

/* A LENGTH that must not be 0 (a system call's length). */
static int parser_length(struct parser_line *pl, uint64_t *out)
{
    const struct lex_tok *t = parser_peek(pl);
    int rc = parser_size(pl, "a length", out);
    if (rc == 0 && *out == 0)
        return parser_expected(pl, t, "a length greater than 0");
    return rc;
}

/* An access SIZE: 1, 2, 4 or 8. */
static int parser_access_size(struct parser_line *pl, uint64_t *out)
{
    const struct lex_tok *t = parser_take(pl);
    if (!t || !parse_u64(t->s, t->len, out) || (*out != 1 && *out != 2 && *out != 4 && *out != 8))
        return parser_expected(pl, t, PARSER_WHAT_SIZE);
    return 0;
}

/* A VALUE that fits in `size` bytes. */
static int parser_value(struct parser_line *pl, uint64_t size, uint64_t *out)
{
    const struct lex_tok *t = parser_take(pl);
    if (!t || !parse_u64(t->s, t->len, out))
        return parser_expected(pl, t, "a value (a number)");
    if (size < 8 && *out >> (size * 8)) {
        static const char *const what[] = {"", "a value that fits in 1 byte",
                                           "a value that fits in 2 bytes", "",
                                           "a value that fits in 4 bytes"};
        return parser_expected(pl, t, what[size]);
    }
    return 0;
}

/* An address: NAME, NAME+OFF or a number. */
static int parser_addr(struct parser_line *pl, struct scn_addr *a, const struct lex_tok **tok)
{
    const struct lex_tok *t = parser_take(pl);
    *tok = t;
    if (!t)
        return parser_expected(pl, t, PARSER_WHAT_ADDR);
    a->text = t->s;
    a->name = NULL;
    a->off = 0;
    if (t->s[0] >= '0' && t->s[0] <= '9') {
        if (!parse_u64(t->s, t->len, &a->off))
            return parser_expected(pl, t, PARSER_WHAT_ADDR);
        return 0;
    }
    const char *plus = memchr(t->s, '+', t->len);
    size_t nlen = plus ? (size_t)(plus - t->s) : t->len;
    if (!parser_valid_name(t->s, nlen))
        return parser_expected(pl, t, PARSER_WHAT_ADDR);
    if (plus && !parse_size(plus + 1, t->len - nlen - 1, pl->ps->sc->page_size, &a->off))
        return parser_expected(pl, t, PARSER_WHAT_ADDR);
    a->name = scenario_strndup(pl->ps->sc, t->s, nlen);
    return a->name ? 0 : err_set(pl->e, VMS_ENOMEM, "out of memory");
}

/* PROT: r or -, w or -, x or -. */
static int parser_prot(struct parser_line *pl, unsigned *out)
{
    const struct lex_tok *t = parser_take(pl);
    if (!t || t->len != 3 || (t->s[0] != 'r' && t->s[0] != '-') ||
        (t->s[1] != 'w' && t->s[1] != '-') || (t->s[2] != 'x' && t->s[2] != '-'))
        return parser_expected(pl, t, PARSER_WHAT_PROT);
    *out = (t->s[0] == 'r' ? SCN_PROT_R : 0) | (t->s[1] == 'w' ? SCN_PROT_W : 0) |
           (t->s[2] == 'x' ? SCN_PROT_X : 0);
    return 0;
}

/* ---------------------------------------------------------------- static bindings */

static struct parser_proc *parser_find_proc(struct parser_state *ps, const char *name)
{
    const size_t *i = names_get(&ps->proc_index, name);
    return i ? &ps->procs[*i] : NULL;
}

static struct parser_proc *parser_new_proc(struct parser_state *ps, const char *name)
{
    if (ps->nprocs == ps->cap) {
        size_t ncap = ps->cap ? ps->cap * 2 : 8;
        struct parser_proc *np = vms_realloc(ps->procs, ncap * sizeof *np);
        if (!np)
            return NULL;
        ps->procs = np;
        ps->cap = ncap;
    }
    if (names_put(&ps->proc_index, name, ps->nprocs) < 0)
        return NULL;
    struct parser_proc *p = &ps->procs[ps->nprocs++];
    *p = (struct parser_proc){.name = name};
    return p;
}

static void parser_drop_proc(struct parser_state *ps, struct parser_proc *p)
{
    size_t i = (size_t)(p - ps->procs);
    names_remove(&ps->proc_index, p->name);
    vms_free(p->binds);
    names_fini(&p->bound);
    *p = ps->procs[--ps->nprocs];
    if (i < ps->nprocs) /* the last one moved into the hole */
        *names_get(&ps->proc_index, p->name) = i;
}

static bool parser_is_bound(const struct parser_proc *p, const char *name)
{
    return names_get(&p->bound, name) != NULL;
}

static int parser_bind(struct parser_proc *p, const char *name)
{
    if (parser_is_bound(p, name))
        return 0;
    if (p->nbinds == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 8;
        const char **nb = vms_realloc(p->binds, ncap * sizeof *nb);
        if (!nb)
            return -VMS_ENOMEM;
        p->binds = nb;
        p->cap = ncap;
    }
    if (names_put(&p->bound, name, p->nbinds) < 0)
        return -VMS_ENOMEM;
    p->binds[p->nbinds++] = name;
    return 0;
}

/* The process a command names must exist. */
static int parser_running(struct parser_line *pl, const struct lex_tok *t,
                          struct parser_proc **out)
{
    *out = parser_find_proc(pl->ps, t->s);
    if (!*out)
        return parser_expected(pl, t, "a running process (spawn or fork it first)");
    return 0;
}

/* An ADDR's mapping name must be bound in the process. */
static int parser_check_bound(struct parser_line *pl, const struct parser_proc *p,
                              const struct scn_addr *a, const struct lex_tok *t)
{
    if (a->name && !parser_is_bound(p, a->name))
        return parser_expected(pl, t, "a mapping name bound in this process (by mmap or brk)");
    return 0;
}

static bool parser_file_declared(const struct parser_state *ps, const char *name)
{
    return names_get(&ps->file_index, name) != NULL;
}

/* ---------------------------------------------------------------- commands */

/* *page = the base page size of machine preset `name`, or 0 if it is not one. 0, or
 * -VMS_ENOMEM (e filled) when the host is out of memory. */
static int parser_preset_page_size(const char *name, uint64_t *page, struct vms_error *e)
{
    *page = 0;
    struct vms_config *c;
    int rc = vms_config_create(name, &c, NULL);
    if (rc == -VMS_ENOMEM)
        return err_set(e, VMS_ENOMEM, "out of memory");
    if (rc == 0)
        *page = vms_config_page_size(c);
    vms_config_destroy(c);
    return 0;
}

/* *page = the page size a `machine` line [toks, toks+n) sets, or 0 if it is malformed (its
 * parse says why). 0 or -VMS_ENOMEM. */
static int parser_machine_page_size(const struct lex_tok *toks, size_t n, uint64_t *page,
                                    struct vms_error *e)
{
    *page = 0;
    if (n < 2)
        return 0;
    int rc = parser_preset_page_size(toks[1].s, page, e);
    for (size_t i = 2; rc == 0 && *page && i < n; i++) {
        uint64_t v;
        if (!strncmp(toks[i].s, "page_size=", 10)) {
            if (!parse_size(toks[i].s + 10, toks[i].len - 10, 0, &v) || !is_pow2(v)) {
                *page = 0;
                return 0;
            }
            *page = v;
        }
    }
    return rc;
}

static int parser_machine(struct parser_line *pl, struct scn_cmd *c)
{
    const struct lex_tok *t = parser_take(pl);
    uint64_t page = 0;
    int rc = t ? parser_preset_page_size(t->s, &page, pl->e) : 0;
    if (rc < 0)
        return rc;
    if (!page) {
        /* "a machine preset (A, B, C or D)", the presets of src/hw/config.c */
        char what[256];
        size_t len = (size_t)snprintf(what, sizeof what, "a machine preset (");
        for (size_t i = 0, n = vms_preset_count(); i < n && len < sizeof what; i++)
            len += (size_t)snprintf(what + len, sizeof what - len, "%s%s",
                                    i == 0 ? "" : i + 1 < n ? ", " : " or ", vms_preset_name(i));
        if (len < sizeof what)
            snprintf(what + len, sizeof what - len, ")");
        return parser_expected(pl, t, what);
    }
    c->name = t->s;
    c->argc = pl->n - pl->pos;
    c->argv = scenario_alloc(pl->ps->sc, (c->argc + 1) * sizeof *c->argv);
    if (!c->argv)
        return err_set(pl->e, VMS_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->argc; i++) {
        t = parser_take(pl);
        const char *eq = strchr(t->s, '=');
        if (!eq || eq == t->s || !eq[1])
            return parser_expected(pl, t, "a KEY=VALUE override");
        uint64_t v;
        if (!strncmp(t->s, "page_size=", 10) &&
            (!parse_size(t->s + 10, t->len - 10, 0, &v) || !is_pow2(v)))
            return parser_expected(pl, t, "page_size=SIZE with SIZE a power of two");
        c->argv[i] = t->s;
    }
    c->argv[c->argc] = NULL;
    return 0;
}

static int parser_file(struct parser_line *pl, struct scn_cmd *c)
{
    int rc;
    if ((rc = parser_file_name(pl, &c->name)) < 0 || (rc = parser_size(pl, "a size", &c->size)) < 0)
        return rc;
    const struct lex_tok *t = parser_take(pl);
    if (parser_is(t, "fill")) {
        c->fill = SCN_FILL_BYTE;
        const struct lex_tok *b = parser_peek(pl);
        if ((rc = parser_number(pl, "a byte (0 to 0xff)", &c->value)) < 0)
            return rc;
        if (c->value > 0xff)
            return parser_expected(pl, b, "a byte (0 to 0xff)");
    } else if (parser_is(t, "random")) {
        c->fill = SCN_FILL_RANDOM;
        if ((rc = parser_number(pl, "a seed (a number)", &c->seed)) < 0)
            return rc;
    } else if (parser_is(t, "zero")) {
        c->fill = SCN_FILL_ZERO;
    } else {
        return parser_expected(pl, t, "fill BYTE, random SEED or zero");
    }
    struct parser_state *ps = pl->ps;
    if (!parser_file_declared(ps, c->name)) {
        if (ps->nfiles == ps->fcap) {
            size_t ncap = ps->fcap ? ps->fcap * 2 : 8;
            const char **nf = vms_realloc(ps->files, ncap * sizeof *nf);
            if (!nf)
                return err_set(pl->e, VMS_ENOMEM, "out of memory");
            ps->files = nf;
            ps->fcap = ncap;
        }
        if (names_put(&ps->file_index, c->name, ps->nfiles) < 0)
            return err_set(pl->e, VMS_ENOMEM, "out of memory");
        ps->files[ps->nfiles++] = c->name;
    }
    return 0;
}

static int parser_process_cmd(struct parser_line *pl, struct scn_cmd *c)
{
    struct parser_state *ps = pl->ps;
    const struct lex_tok *pt = parser_peek(pl);
    struct parser_proc *p, *q;
    int rc = parser_name(pl, "a process name", &c->proc);
    if (rc < 0)
        return rc;
    switch (c->kind) {
    case SCN_SPAWN:
        if (parser_find_proc(ps, c->proc))
            return parser_expected(pl, pt, "a process name not in use");
        if ((rc = parser_end(pl)) < 0)
            return rc;
        ps->seen_process = true;
        return parser_new_proc(ps, c->proc) ? 0 : err_set(pl->e, VMS_ENOMEM, "out of memory");
    case SCN_EXEC: {
        if ((rc = parser_running(pl, pt, &p)) < 0)
            return rc;
        const struct lex_tok *prog = parser_peek(pl);
        if (!prog)
            return parser_expected(pl, prog, "a program path");
        c->argc = pl->n - pl->pos;
        c->argv = scenario_alloc(ps->sc, (c->argc + 1) * sizeof *c->argv);
        if (!c->argv)
            return err_set(pl->e, VMS_ENOMEM, "out of memory");
        for (size_t i = 0; i < c->argc; i++)
            c->argv[i] = parser_take(pl)->s;
        c->argv[c->argc] = NULL;
        p->nbinds = 0; /* exec drops the bindings */
        names_clear(&p->bound);
        return 0;
    }
    case SCN_FORK: {
        if ((rc = parser_running(pl, pt, &p)) < 0)
            return rc;
        const struct lex_tok *qt = parser_peek(pl);
        if ((rc = parser_name(pl, "a process name", &c->proc2)) < 0)
            return rc;
        if (parser_find_proc(ps, c->proc2))
            return parser_expected(pl, qt, "a process name not in use");
        if ((rc = parser_end(pl)) < 0)
            return rc;
        size_t pi = (size_t)(p - ps->procs);
        if (!(q = parser_new_proc(ps, c->proc2)))
            return err_set(pl->e, VMS_ENOMEM, "out of memory");
        p = &ps->procs[pi]; /* the table may have moved */
        for (size_t i = 0; i < p->nbinds; i++)
            if (parser_bind(q, p->binds[i]) < 0)
                return err_set(pl->e, VMS_ENOMEM, "out of memory");
        return 0;
    }
    case SCN_EXIT:
        if ((rc = parser_running(pl, pt, &p)) < 0 || (rc = parser_end(pl)) < 0)
            return rc;
        parser_drop_proc(ps, p);
        return 0;
    default: /* SCN_SWITCH */
        if ((rc = parser_running(pl, pt, &p)) < 0)
            return rc;
        return parser_end(pl);
    }
}

static int parser_mmap(struct parser_line *pl, struct scn_cmd *c, struct parser_proc *p)
{
    int rc;
    const struct lex_tok *t;
    if ((rc = parser_name(pl, "a mapping name", &c->name)) < 0 ||
        (rc = parser_length(pl, &c->size)) < 0 || (rc = parser_prot(pl, &c->prot)) < 0)
        return rc;
    t = parser_take(pl);
    if (parser_is(t, "shared"))
        c->shared = true;
    else if (!parser_is(t, "private"))
        return parser_expected(pl, t, "private or shared");
    t = parser_take(pl);
    if (parser_is(t, "file")) {
        const struct lex_tok *ft = parser_peek(pl);
        if ((rc = parser_file_name(pl, &c->file)) < 0)
            return rc;
        if (!parser_file_declared(pl->ps, c->file))
            return parser_expected(pl, ft, "a file declared by a 'file' line");
    } else if (!parser_is(t, "anon")) {
        return parser_expected(pl, t, "anon or file NAME");
    }
    /* Optional clauses, each at most once, in any order: offset OFF, at ADDR [fixed]. */
    while ((t = parser_take(pl))) {
        if (parser_is(t, "offset") && c->file && !c->has_offset) {
            const struct lex_tok *ot = parser_peek(pl);
            if ((rc = parser_size(pl, "an offset", &c->offset)) < 0)
                return rc;
            if (c->offset % pl->ps->sc->page_size)
                return parser_expected(pl, ot, "a page-aligned offset");
            c->has_offset = true;
        } else if (parser_is(t, "at") && !c->has_at) {
            const struct lex_tok *at;
            if ((rc = parser_addr(pl, &c->at, &at)) < 0 || (rc = parser_check_bound(pl, p, &c->at, at)) < 0)
                return rc;
            c->has_at = true;
            if (parser_is(parser_peek(pl), "fixed")) {
                pl->pos++;
                c->fixed = true;
            }
        } else if (parser_is(t, "offset") && !c->file) {
            return parser_expected(pl, t, "at or end of line ('offset' needs a file mapping)");
        } else {
            return parser_expected(pl, t, c->has_at ? "offset or end of line"
                                          : c->file && !c->has_offset ? "offset, at or end of line"
                                                                      : "at or end of line");
        }
    }
    return parser_bind(p, c->name) < 0 ? err_set(pl->e, VMS_ENOMEM, "out of memory") : 0;
}

static const struct {
    const char *word;
    enum scn_kind kind;
} parser_verbs[] = {
    {"mmap", SCN_MMAP},   {"munmap", SCN_MUNMAP}, {"mprotect", SCN_MPROTECT},
    {"msync", SCN_MSYNC}, {"brk", SCN_BRK},       {"load", SCN_LOAD},
    {"store", SCN_STORE}, {"fetch", SCN_FETCH},   {"expect", SCN_EXPECT},
    {"fill", SCN_FILL},   {"check", SCN_CHECK},   {"touch", SCN_TOUCH},
    {"maps", SCN_MAPS},   {"pagetable", SCN_PAGETABLE}, {"stats", SCN_PSTATS},
};

static int parser_memory_cmd(struct parser_line *pl, struct scn_cmd *c)
{
    const struct lex_tok *pt = parser_take(pl), *vt = parser_take(pl), *at = NULL;
    struct parser_proc *p;
    int rc;
    if (!vt || !parser_valid_name(pt->s, pt->len))
        return parser_expected(pl, pt, "a command");
    size_t i = 0;
    while (i < sizeof parser_verbs / sizeof parser_verbs[0] && strcmp(vt->s, parser_verbs[i].word))
        i++;
    if (i == sizeof parser_verbs / sizeof parser_verbs[0]) {
        /* "mmapp A ..." is a mistyped command more likely than a process doing nothing. */
        if (!parser_find_proc(pl->ps, pt->s))
            return parser_expected(pl, pt, "a command");
        return parser_expected(pl, vt, "a command after the process name (" PARSER_MEMORY_VERBS ")");
    }
    c->kind = parser_verbs[i].kind;
    c->proc = pt->s;
    if ((rc = parser_running(pl, pt, &p)) < 0)
        return rc;

    switch (c->kind) {
    case SCN_MMAP:
        rc = parser_mmap(pl, c, p);
        break;
    case SCN_MUNMAP:
    case SCN_MSYNC:
        if ((rc = parser_addr(pl, &c->addr, &at)) < 0)
            break;
        rc = parser_length(pl, &c->size);
        break;
    case SCN_MPROTECT:
        if ((rc = parser_addr(pl, &c->addr, &at)) < 0 || (rc = parser_length(pl, &c->size)) < 0)
            break;
        rc = parser_prot(pl, &c->prot);
        break;
    case SCN_BRK: {
        const struct lex_tok *t = parser_take(pl);
        if (!t || (t->s[0] != '+' && t->s[0] != '-'))
            return parser_expected(pl, t, "+SIZE or -SIZE");
        c->brk_shrink = t->s[0] == '-';
        if ((rc = parser_size_from(pl, t, t->s + 1, t->len - 1, "+SIZE or -SIZE", &c->size)) < 0)
            break;
        rc = parser_bind(p, "heap") < 0 ? err_set(pl->e, VMS_ENOMEM, "out of memory") : 0;
        break;
    }
    case SCN_LOAD:
        if ((rc = parser_addr(pl, &c->addr, &at)) < 0)
            break;
        rc = parser_access_size(pl, &c->size);
        break;
    case SCN_STORE:
    case SCN_EXPECT:
        if ((rc = parser_addr(pl, &c->addr, &at)) < 0 || (rc = parser_access_size(pl, &c->size)) < 0)
            break;
        rc = parser_value(pl, c->size, &c->value);
        break;
    case SCN_FETCH:
        rc = parser_addr(pl, &c->addr, &at);
        break;
    case SCN_FILL:
    case SCN_CHECK:
        if ((rc = parser_addr(pl, &c->addr, &at)) < 0 || (rc = parser_size(pl, "a length", &c->size)) < 0)
            break;
        rc = parser_number(pl, "a seed (a number)", &c->seed);
        break;
    case SCN_TOUCH: {
        if ((rc = parser_addr(pl, &c->addr, &at)) < 0 || (rc = parser_size(pl, "a length", &c->size)) < 0)
            break;
        const struct lex_tok *t = parser_take(pl);
        if (parser_is(t, "write"))
            c->write = true;
        else if (t && !parser_is(t, "read"))
            return parser_expected(pl, t, "read, write or end of line");
        break;
    }
    case SCN_PAGETABLE:
        if (parser_peek(pl)) {
            c->has_addr = true;
            rc = parser_addr(pl, &c->addr, &at);
        }
        break;
    default: /* SCN_MAPS, SCN_PSTATS */
        break;
    }
    if (rc < 0 || (at && (rc = parser_check_bound(pl, p, &c->addr, at)) < 0))
        return rc;
    return parser_end(pl);
}

static int parser_expect_file(struct parser_line *pl, struct scn_cmd *c)
{
    int rc;
    const struct lex_tok *t = parser_take(pl);
    if (!parser_is(t, "file"))
        return parser_expected(pl, t, "'file' after 'expect' (P expect ADDR SIZE VALUE needs a process)");
    const struct lex_tok *ft = parser_peek(pl);
    if ((rc = parser_file_name(pl, &c->name)) < 0)
        return rc;
    if (!parser_file_declared(pl->ps, c->name))
        return parser_expected(pl, ft, "a file declared by a 'file' line");
    c->offset_text = parser_peek(pl) ? parser_peek(pl)->s : NULL;
    if ((rc = parser_size(pl, "an offset", &c->offset)) < 0 || (rc = parser_access_size(pl, &c->size)) < 0 ||
        (rc = parser_value(pl, c->size, &c->value)) < 0)
        return rc;
    return parser_end(pl);
}

static int parser_line(struct parser_state *ps, const struct lex_tok *toks, size_t n, unsigned line,
                unsigned end_col, struct vms_error *e)
{
    struct vms_scenario *sc = ps->sc;
    struct parser_line pl = {ps, toks, n, 0, line, end_col, e};
    if (sc->ncmds == ps->cmd_cap) {
        size_t ncap = ps->cmd_cap ? ps->cmd_cap * 2 : 32;
        struct scn_cmd *nc = vms_realloc(sc->cmds, ncap * sizeof *nc);
        if (!nc)
            return err_set(e, VMS_ENOMEM, "%s:%u: out of memory", sc->filename, line);
        sc->cmds = nc;
        ps->cmd_cap = ncap;
    }
    struct scn_cmd *c = &sc->cmds[sc->ncmds];
    *c = (struct scn_cmd){.line = line, .col = toks[0].col};

    static const struct {
        const char *word;
        enum scn_kind kind;
        bool setup;
    } words[] = {
        {"machine", SCN_MACHINE, true}, {"memory", SCN_MEMORY, true}, {"swap", SCN_SWAP, true},
        {"policy", SCN_POLICY, true},   {"file", SCN_FILE, true},     {"spawn", SCN_SPAWN, false},
        {"exec", SCN_EXEC, false},      {"fork", SCN_FORK, false},    {"exit", SCN_EXIT, false},
        {"switch", SCN_SWITCH, false},  {"expect", SCN_EXPECT_FILE, false},
        {"stats", SCN_STATS, false},
    };
    size_t w = 0;
    while (w < sizeof words / sizeof words[0] && strcmp(toks[0].s, words[w].word))
        w++;
    int rc;
    if (w == sizeof words / sizeof words[0]) {
        rc = parser_memory_cmd(&pl, c);
    } else {
        c->kind = words[w].kind;
        pl.pos = 1;
        if (words[w].setup && ps->seen_process)
            return parser_expected(&pl, &toks[0], "a process or memory command (setup lines "
                                                  "come before the first spawn)");
        switch (c->kind) {
        case SCN_MACHINE:
            rc = parser_machine(&pl, c);
            break;
        case SCN_MEMORY:
        case SCN_SWAP:
            if ((rc = parser_size(&pl, "a size", &c->size)) == 0)
                rc = parser_end(&pl);
            if (rc == 0 && c->kind == SCN_MEMORY && c->size < 4 * sc->page_size)
                rc = parser_expected(&pl, &toks[1], "a memory size of at least 4 pages");
            break;
        case SCN_POLICY: {
            const struct lex_tok *t = parser_take(&pl);
            char pname[32];
            struct vms_policy_info pi;
            bool known = false;
            if (t && t->len < sizeof pname) {
                memcpy(pname, t->s, t->len);
                pname[t->len] = '\0';
                known = vms_policy_lookup(pname, &pi);
            }
            if (!known || pi.needs_future)
                rc = parser_expected(&pl, t,
                                     "a replacement policy that needs no future (see `vmsim "
                                     "pages --help`; opt exists only for pages and mrc)");
            else if ((rc = parser_end(&pl)) == 0)
                c->name = t->s;
            break;
        }
        case SCN_FILE:
            if ((rc = parser_file(&pl, c)) == 0)
                rc = parser_end(&pl);
            break;
        case SCN_EXPECT_FILE:
            rc = parser_expect_file(&pl, c);
            break;
        case SCN_STATS:
            rc = parser_end(&pl);
            break;
        default:
            rc = parser_process_cmd(&pl, c);
            break;
        }
    }
    if (rc < 0)
        return rc;
    sc->ncmds++;
    return 0;
}

static int parser_init(struct parser_state **out, struct vms_scenario *sc)
{
    *out = vms_calloc(1, sizeof **out);
    if (!*out)
        return -VMS_ENOMEM;
    (*out)->sc = sc;
    return 0;
}

static void parser_fini(struct parser_state *ps)
{
    if (!ps)
        return;
    for (size_t i = 0; i < ps->nprocs; i++) {
        vms_free(ps->procs[i].binds);
        names_fini(&ps->procs[i].bound);
    }
    vms_free(ps->procs);
    names_fini(&ps->proc_index);
    vms_free(ps->files);
    names_fini(&ps->file_index);
    vms_free(ps);
}

/* ---------------------------------------------------------------- the whole scenario */

/* Where each line's tokens are in the lexer's vector. */
struct scenario_line {
    unsigned line, end_col;
    size_t first, n;
};

int scenario_parse(const char *text, size_t len, const char *filename, struct vms_scenario **out,
                   struct vms_error *e)
{
    struct lexer lx = {0};
    struct scenario_line *lines = NULL;
    size_t nlines = 0, lcap = 0;
    struct parser_state *ps = NULL;
    int rc;

    *out = NULL;
    if (!filename)
        filename = "<scenario>";
    struct vms_scenario *sc = vms_calloc(1, sizeof *sc);
    if (!sc)
        return err_set(e, VMS_ENOMEM, "%s: out of memory", filename);
    sc->text = vms_malloc(len + 1);
    sc->filename = sc->text ? scenario_strndup(sc, filename, strlen(filename)) : NULL;
    if (!sc->filename) {
        rc = err_set(e, VMS_ENOMEM, "%s: out of memory", filename);
        goto fail;
    }
    memcpy(sc->text, text, len);
    sc->text[len] = '\0';
    sc->bytes = len;
    sc->hash = vms_input_hash(text, len);
    sc->machine = VMS_DEFAULT_MACHINE;
    if ((rc = parser_preset_page_size(VMS_DEFAULT_MACHINE, &sc->page_size, e)) < 0)
        goto fail;

    /* Pass 1: lex every line. */
    unsigned lineno = 0;
    for (size_t pos = 0;;) {
        size_t eol = pos;
        while (eol < len && sc->text[eol] != '\n')
            eol++;
        lineno++;
        size_t before = lx.ntoks;
        unsigned end_col;
        rc = lexer_split(&lx, sc->text + pos, eol - pos, sc->filename, lineno, &end_col, e);
        if (rc < 0)
            goto fail;
        if (lx.ntoks > before) {
            if (nlines == lcap) {
                size_t ncap = lcap ? lcap * 2 : 64;
                struct scenario_line *nl = vms_realloc(lines, ncap * sizeof *nl);
                if (!nl) {
                    rc = err_set(e, VMS_ENOMEM, "%s: out of memory", sc->filename);
                    goto fail;
                }
                lines = nl;
                lcap = ncap;
            }
            lines[nlines++] = (struct scenario_line){lineno, end_col, before, lx.ntoks - before};
        }
        pos = eol + 1;
        if (eol >= len)
            break;
    }

    /* The machine in effect (the last `machine` line before the first process) fixes what
     * `Npages` means for the whole scenario. */
    for (size_t i = 0; i < nlines; i++) {
        const struct lex_tok *t = &lx.toks[lines[i].first];
        if (!strcmp(t->s, "spawn"))
            break;
        if (!strcmp(t->s, "machine")) {
            uint64_t ps_bytes;
            if ((rc = parser_machine_page_size(t, lines[i].n, &ps_bytes, e)) < 0)
                goto fail;
            if (ps_bytes) {
                sc->page_size = ps_bytes;
                sc->machine = t[1].s;
            }
        }
    }

    /* Pass 2: parse and check line by line. */
    rc = parser_init(&ps, sc);
    if (rc < 0) {
        err_set(e, VMS_ENOMEM, "%s: out of memory", sc->filename);
        goto fail;
    }
    for (size_t i = 0; i < nlines; i++) {
        rc = parser_line(ps, &lx.toks[lines[i].first], lines[i].n, lines[i].line,
                         lines[i].end_col, e);
        if (rc < 0)
            goto fail;
    }
    parser_fini(ps);
    lexer_fini(&lx);
    vms_free(lines);
    *out = sc;
    return 0;

fail:
    parser_fini(ps);
    lexer_fini(&lx);
    vms_free(lines);
    scenario_destroy(sc);
    return rc;
}

/* ---------------------------------------------------------------- public API */

int vms_scenario_parse(const char *text, size_t len, const char *filename,
                       struct vms_scenario **out, struct vms_error *e)
{
    return scenario_parse(text, len, filename, out, e);
}

/* A scenario file larger than this is refused, not read (an endless input cannot grow the
 * host process without bound); 10^5 commands take about 3 MiB. */
#define SCENARIO_MAX_BYTES ((size_t)64 << 20)

int vms_scenario_load(const char *path, struct vms_scenario **out, struct vms_error *e)
{
    *out = NULL;
    /* a scenario is a regular file (or standard input); the open never blocks */
    FILE *f = infile_fopen(path, INFILE_REGULAR, "scenario", e);
    if (!f)
        return e ? -e->code : -VMS_EIO;
    char *buf;
    size_t n;
    int rc = slurp_file(f, path, "scenario", SCENARIO_MAX_BYTES, &buf, &n, e);
    if (f != stdin)
        fclose(f);
    if (rc)
        return rc;
    rc = scenario_parse(buf, n, strcmp(path, "-") ? path : "<stdin>", out, e);
    vms_free(buf);
    return rc;
}
