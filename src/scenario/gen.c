/* splitmix64 byte stream (see gen.h); Steele, Lea and Flood, "Fast splittable pseudorandom
 * number generators" (OOPSLA 2014), constants as in docs/scenario-contract.md. */
#include "scenario/gen.h"

uint64_t gen_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void gen_init(struct gen *g, uint64_t seed)
{
    g->state = seed;
    g->word = 0;
    g->left = 0;
}

uint8_t gen_byte(struct gen *g)
{
    if (g->left == 0) {
        g->word = gen_next(&g->state);
        g->left = 8;
    }
    uint8_t b = (uint8_t)g->word;
    g->word >>= 8;
    g->left--;
    return b;
}

void gen_bytes(struct gen *g, uint8_t *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = gen_byte(g);
}
