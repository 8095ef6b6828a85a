/* Python's random module, int() and optparse's int type, as OSTEP's homework programs
 * use them (src/cli/ostep.h). */
#include "cli/ostep.h"

#include "cli/cli.h"

#include <string.h>

/* ---------------------------------------------------------------- Python's random */

static void pyrand_init_genrand(struct pyrand *r, uint32_t s)
{
    r->mt[0] = s;
    for (unsigned i = 1; i < 624; i++)
        r->mt[i] = 1812433253u * (r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) + i;
    r->i = 624;
}

/* random.seed(n) for an integer n: the 32-bit words of |n|, least significant first
 * (one word 0 for n = 0), through init_by_array. */
void pyrand_seed(struct pyrand *r, int64_t n)
{
    uint64_t a = n < 0 ? -(uint64_t)n : (uint64_t)n;
    uint32_t key[2] = {(uint32_t)a, (uint32_t)(a >> 32)};
    unsigned klen = key[1] ? 2 : 1;
    pyrand_init_genrand(r, 19650218u);
    unsigned i = 1, j = 0;
    for (unsigned k = 624 > klen ? 624 : klen; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1664525u)) + key[j] + j;
        i++, j++;
        if (i >= 624) {
            r->mt[0] = r->mt[623];
            i = 1;
        }
        if (j >= klen)
            j = 0;
    }
    for (unsigned k = 623; k; k--) {
        r->mt[i] = (r->mt[i] ^ ((r->mt[i - 1] ^ (r->mt[i - 1] >> 30)) * 1566083941u)) - i;
        if (++i >= 624) {
            r->mt[0] = r->mt[623];
            i = 1;
        }
    }
    r->mt[0] = 0x80000000u;
    r->i = 624;
}

uint32_t pyrand_u32(struct pyrand *r)
{
    if (r->i >= 624) {
        for (unsigned k = 0; k < 624; k++) {
            uint32_t y = (r->mt[k] & 0x80000000u) | (r->mt[(k + 1) % 624] & 0x7fffffffu);
            r->mt[k] = r->mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) ? 0x9908b0dfu : 0);
        }
        r->i = 0;
    }
    uint32_t y = r->mt[r->i++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* random.random(): 53 bits from two draws, in [0, 1). */
double pyrand_random(struct pyrand *r)
{
    uint32_t a = pyrand_u32(r) >> 5, b = pyrand_u32(r) >> 6;
    return ((double)a * 67108864.0 + (double)b) * (1.0 / 9007199254740992.0);
}

/* ---------------------------------------------------------------- Python's int() */

bool py_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* int(s[0..n), base) for base 2, 8, 10 or 16 as Python reads it: blanks around, a sign,
 * the base's optional 0b/0o/0x prefix, digits with single underscores between them. Only
 * values of 64 bits (signed). */
bool py_int(const char *s, size_t n, unsigned base, int64_t *out)
{
    size_t i = 0;
    while (n && py_space(s[n - 1]))
        n--;
    while (i < n && py_space(s[i]))
        i++;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    const char *pfx = base == 16 ? "xX" : base == 8 ? "oO" : base == 2 ? "bB" : NULL;
    /* what came last: nothing, the prefix, a digit or an underscore ("0x_1" and "1_0"
     * are numbers, "_1", "1_" and "1__0" are not) */
    enum { NONE, PREFIX, DIGIT, UNDER } last = NONE;
    if (pfx && i + 1 < n && s[i] == '0' && (s[i + 1] == pfx[0] || s[i + 1] == pfx[1])) {
        i += 2;
        last = PREFIX;
    }
    uint64_t v = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (c == '_') {
            if (last != PREFIX && last != DIGIT)
                return false;
            last = UNDER;
            continue;
        }
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a') + 10;
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A') + 10;
        else
            return false;
        if (d >= base)
            return false;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
        last = DIGIT;
    }
    if (last != DIGIT)
        return false;
    if (v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
        return false;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* An option's value as Python's int() of it; 0 or exit status 2. */
int ostep_int(const char *opt, const char *arg, int64_t *out)
{
    if (!py_int(arg, strlen(arg), 10, out))
        return cli_usage_error("%s: expected an integer (64 bits), found '%s'", opt, arg);
    return 0;
}

/* optparse's int type: 0x.. hexadecimal, 0b.. binary, 0.. octal, else decimal. */
bool optparse_int(const char *v, int64_t *out)
{
    size_t n = strlen(v);
    if (n >= 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
        return py_int(v, n, 16, out);
    if (n >= 2 && v[0] == '0' && (v[1] == 'b' || v[1] == 'B'))
        return n == 2 ? (*out = 0, true) : py_int(v + 2, n - 2, 2, out);
    if (v[0] == '0')
        return py_int(v, n, 8, out);
    return py_int(v, n, 10, out);
}


int ostep_optparse_int(const char *opt, const char *arg, int64_t *out)
{
    if (!optparse_int(arg, out))
        return cli_usage_error("%s: expected an integer (64 bits), found '%s'", opt, arg);
    return 0;
}
