/* What OSTEP's Python homework programs need of Python, shared by the `vmsim ostep`
 * programs: CPython's random module (MT19937 seeded as random.seed(int) seeds it,
 * random() from two 32-bit draws), int() of a string and optparse's int type. */
#ifndef VMSIM_CLI_OSTEP_H
#define VMSIM_CLI_OSTEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* MT19937, seeded and read as CPython's random module does. */
struct pyrand {
    uint32_t mt[624];
    unsigned i;
};

/* random.seed(n) for an integer n. */
void pyrand_seed(struct pyrand *r, int64_t n);
/* One 32-bit draw (getrandbits(32)). */
uint32_t pyrand_u32(struct pyrand *r);
/* random.random(): 53 bits from two draws, in [0, 1). */
double pyrand_random(struct pyrand *r);

/* Python's str.isspace() for an ASCII character. */
bool py_space(char c);
/* int(s[0..n), base) for base 2, 8, 10 or 16 (64-bit values only). */
bool py_int(const char *s, size_t n, unsigned base, int64_t *out);
/* optparse's int type: 0x.. hexadecimal, 0b.. binary, 0.. octal, else decimal. */
bool optparse_int(const char *v, int64_t *out);
/* An option's value as Python's int() of it; 0 or exit status 2 (said on stderr). */
int ostep_int(const char *opt, const char *arg, int64_t *out);
/* An option's value as optparse's int type reads it; 0 or exit status 2. */
int ostep_optparse_int(const char *opt, const char *arg, int64_t *out);

/* The programs other than paging-policy (src/cli/ostep_translate.c). */
int ostep_linear_translate(int argc, char **argv);
int ostep_multilevel_translate(int argc, char **argv);
void ostep_linear_translate_help(FILE *f);
void ostep_multilevel_translate_help(FILE *f);

#endif
