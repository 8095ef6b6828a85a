/* A large code footprint for tests/cli/cases/trace-vs-cachegrind.sh: 1024 distinct
 * functions (about 60 KiB of code at -O1, twice what a 32 KiB L1i holds) called through
 * a table in a scrambled order, 16 rounds. */
#include <stdio.h>

#define F(n)                                                                                       \
    static __attribute__((noinline)) unsigned f##n(unsigned x)                                     \
    {                                                                                              \
        unsigned v = x * (2u * n##u + 1u);                                                         \
        v ^= v >> (n % 7 + 3);                                                                     \
        v += n##u * 0x9e3779b1u;                                                                   \
        v ^= v << (n % 5 + 1);                                                                     \
        v *= 0x85ebca6bu ^ n##u;                                                                   \
        v ^= v >> 13;                                                                              \
        v += x >> (n % 11);                                                                        \
        return v * 0xc2b2ae35u + n##u;                                                             \
    }
#define F4(n) F(n##0) F(n##1) F(n##2) F(n##3)
#define F16(n) F4(n##0) F4(n##1) F4(n##2) F4(n##3)
#define F64(n) F16(n##0) F16(n##1) F16(n##2) F16(n##3)
#define F256(n) F64(n##0) F64(n##1) F64(n##2) F64(n##3)
F256(10) F256(11) F256(12) F256(13)

#define T(n) f##n,
#define T4(n) T(n##0) T(n##1) T(n##2) T(n##3)
#define T16(n) T4(n##0) T4(n##1) T4(n##2) T4(n##3)
#define T64(n) T16(n##0) T16(n##1) T16(n##2) T16(n##3)
#define T256(n) T64(n##0) T64(n##1) T64(n##2) T64(n##3)
static unsigned (*const table[1024])(unsigned) = {T256(10) T256(11) T256(12) T256(13)};

int main(void)
{
    unsigned s = 1;
    for (unsigned r = 0; r < 16; r++)
        for (unsigned i = 0; i < 1024; i++)
            s = table[(i * 389u + r) % 1024u](s);
    printf("%u\n", s);
    return 0;
}
