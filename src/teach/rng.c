/* SplitMix64 (docs/teaching.md, "The generator"): the exercises' only source of randomness. */
#include "teach/rng.h"

void rng_seed(struct rng *r, uint64_t seed)
{
    r->state = seed;
}

uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
    if (n == 0)
        return 0;
    uint64_t floor = (0 - n) % n; /* 2^64 mod n: outputs below it would bias the result */
    uint64_t v;
    do
        v = rng_next(r);
    while (v < floor);
    return v % n;
}

uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
    if (hi - lo == UINT64_MAX)
        return rng_next(r);
    return lo + rng_below(r, hi - lo + 1);
}
