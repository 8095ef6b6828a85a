/* The .vms parser: one lexed line at a time into a struct scn_cmd, with the static checks
 * (process and mapping-name bindings, declared files) done in the same pass. */
#ifndef VMS_SCENARIO_PARSER_H
#define VMS_SCENARIO_PARSER_H

#include "scenario/lexer.h"
#include "scenario/scenario.h"

struct parser_state; /* bindings seen so far; private to parser.c */

int parser_init(struct parser_state **ps, struct scenario *sc);
void parser_fini(struct parser_state *ps);

/* Parse line `line` whose tokens are toks[0..n) (n > 0) and append the command to sc->cmds.
 * end_col is the column just past the last token. Returns 0 or a negative VMS_E code with
 * e = "FILE:LINE:COL: expected ...". */
int parser_line(struct parser_state *ps, const struct lex_tok *toks, size_t n, unsigned line,
                unsigned end_col, struct vms_error *e);

/* The page size a `machine` line's tokens select (preset, then page_size= overrides), or 0
 * if the line is not valid (the parser reports it later). */
uint64_t parser_machine_page_size(const struct lex_tok *toks, size_t n);

#endif
