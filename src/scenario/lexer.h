/* The .vms lexer: one line at a time into whitespace-separated tokens; `#` starts a comment.
 * Tokens are NUL-terminated in place (the caller's buffer is modified). */
#ifndef VMS_SCENARIO_LEXER_H
#define VMS_SCENARIO_LEXER_H

#include "vmsim.h"

#include <stddef.h>

struct lex_tok {
    const char *s; /* NUL-terminated token text */
    size_t len;
    unsigned col;  /* 1-based column of its first byte */
};

/* A growing token vector: the tokens of every line split so far. */
struct lexer {
    struct lex_tok *toks;
    size_t ntoks, cap;
};

/* Split line [s, s+len) (without its newline) and append its tokens to lx->toks,
 * terminating each token by overwriting the byte after it (s[len] must be writable).
 * *end_col is the column just past the last token (where a missing operand is reported).
 * A control character outside a comment is an error "FILE:LINE:COL: expected ...";
 * returns 0 or a negative VMS_E code. */
int lexer_split(struct lexer *lx, char *s, size_t len, const char *file, unsigned line,
                unsigned *end_col, struct vms_error *e);
void lexer_fini(struct lexer *lx);

#endif
