/* Scenario lifetime: the entry point of the parser (lexing every line, fixing the page size
 * from the machine in effect, then parsing line by line), the arena that owns the AST's
 * strings, and the public vms_scenario_* wrappers. */
#include "scenario/scenario.h"

#include "base/alloc.h"
#include "base/err.h"
#include "scenario/lexer.h"
#include "scenario/parser.h"

#include <errno.h>
#include <string.h>

struct scn_arena {
    struct scn_arena *next;
    size_t used, cap;
    _Alignas(8) char data[];
};

void *scenario_alloc(struct scenario *sc, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct scn_arena *a = sc->arena;
    if (!a || a->cap - a->used < n) {
        size_t cap = n > 4000 ? n : 4000;
        a = vms_malloc(sizeof *a + cap);
        if (!a)
            return NULL;
        a->next = sc->arena;
        a->used = 0;
        a->cap = cap;
        sc->arena = a;
    }
    void *p = a->data + a->used;
    a->used += n;
    return p;
}

const char *scenario_strndup(struct scenario *sc, const char *s, size_t n)
{
    char *p = scenario_alloc(sc, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static const char *const scenario_words[] = {"spawn", "exec",   "fork",   "exit",
                                             "switch", "file",  "expect", "stats",
                                             "machine", "memory", "swap",  "policy"};

bool scenario_is_command_word(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof scenario_words / sizeof scenario_words[0]; i++)
        if (strlen(scenario_words[i]) == n && memcmp(scenario_words[i], s, n) == 0)
            return true;
    return false;
}

static const struct {
    const char *name;
    uint64_t page_size;
} scenario_presets[] = {
    {"csapp-small", 64},
    {"csapp-2level", 4096},
    {"core-i7", 4096},
    {"x86-64-5level", 4096},
};

uint64_t scenario_preset_page_size(const char *preset)
{
    for (size_t i = 0; i < sizeof scenario_presets / sizeof scenario_presets[0]; i++)
        if (!strcmp(preset, scenario_presets[i].name))
            return scenario_presets[i].page_size;
    return 0;
}

void scenario_destroy(struct scenario *sc)
{
    if (!sc)
        return;
    while (sc->arena) {
        struct scn_arena *next = sc->arena->next;
        vms_free(sc->arena);
        sc->arena = next;
    }
    vms_free(sc->cmds);
    vms_free(sc->text);
    vms_free(sc);
}

/* Where each line's tokens are in the lexer's vector. */
struct scenario_line {
    unsigned line, end_col;
    size_t first, n;
};

int scenario_parse(const char *text, size_t len, const char *filename, struct scenario **out,
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
    struct scenario *sc = vms_calloc(1, sizeof *sc);
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
    sc->machine = VMS_DEFAULT_MACHINE;
    sc->page_size = 4096;

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
            uint64_t ps_bytes = parser_machine_page_size(t, lines[i].n);
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
                       struct scenario **out, struct vms_error *e)
{
    return scenario_parse(text, len, filename, out, e);
}

int vms_scenario_parse_file(const char *path, struct scenario **out, struct vms_error *e)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    *out = NULL;
    if (!f)
        return err_set(e, VMS_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 4096, n = 0, r;
    char *buf = vms_malloc(cap);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = vms_realloc(buf, cap * 2);
            if (!nb) {
                vms_free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    int failed = ferror(f);
    if (f != stdin)
        fclose(f);
    if (!buf)
        return err_set(e, VMS_ENOMEM, "%s: out of memory", path);
    if (failed) {
        vms_free(buf);
        return err_set(e, VMS_EIO, "%s: read error", path);
    }
    int rc = scenario_parse(buf, n, strcmp(path, "-") ? path : "<stdin>", out, e);
    vms_free(buf);
    return rc;
}

void vms_scenario_destroy(struct scenario *sc)
{
    scenario_destroy(sc);
}

size_t vms_scenario_length(const struct scenario *sc)
{
    return sc ? sc->ncmds : 0;
}
