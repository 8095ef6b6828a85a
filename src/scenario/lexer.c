/* The .vms lexer (see lexer.h): whitespace-separated words, `#` comments, columns counted
 * in bytes from 1. Tabs count as one column. */
#include "scenario/lexer.h"

#include "base/alloc.h"
#include "base/err.h"

static int lexer_push(struct lexer *lx, const char *s, size_t len, unsigned col)
{
    if (lx->ntoks == lx->cap) {
        size_t ncap = lx->cap ? lx->cap * 2 : 16;
        struct lex_tok *t = vms_realloc(lx->toks, ncap * sizeof *t);
        if (!t)
            return -VMS_ENOMEM;
        lx->toks = t;
        lx->cap = ncap;
    }
    lx->toks[lx->ntoks++] = (struct lex_tok){s, len, col};
    return 0;
}

static int lexer_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

int lexer_split(struct lexer *lx, char *s, size_t len, const char *file, unsigned line,
                unsigned *end_col, struct vms_error *e)
{
    size_t i = 0, first = lx->ntoks;
    *end_col = 1;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (lexer_is_space(c)) {
            i++;
            continue;
        }
        if (c == '#')
            break;
        size_t start = i;
        while (i < len) {
            c = (unsigned char)s[i];
            if (lexer_is_space(c) || c == '#')
                break;
            if (c < 0x20 || c == 0x7f)
                return err_set(e, VMS_EINVAL,
                               "%s:%u:%zu: expected a printable character, got byte 0x%02x", file,
                               line, i + 1, c);
            i++;
        }
        if (lexer_push(lx, s + start, i - start, (unsigned)(start + 1)) < 0)
            return err_set(e, VMS_ENOMEM, "%s:%u: out of memory", file, line);
        *end_col = (unsigned)(i + 1);
    }
    /* Terminate tokens only now: a '#' right after a token must first end the line. */
    for (size_t k = first; k < lx->ntoks; k++)
        s[lx->toks[k].col - 1 + lx->toks[k].len] = '\0';
    return 0;
}

void lexer_fini(struct lexer *lx)
{
    vms_free(lx->toks);
    lx->toks = NULL;
    lx->ntoks = lx->cap = 0;
}
