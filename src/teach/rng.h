/* vmsim's documented pseudo-random generator for generated exercises: SplitMix64
 * (docs/teaching.md, "The generator"), the same numbers on every platform and release. */
#ifndef VMS_TEACH_RNG_H
#define VMS_TEACH_RNG_H

#include <stdint.h>

struct rng {
    uint64_t state;
};

/* The generator seeded with seed (the state is the seed itself). */
void rng_seed(struct rng *r, uint64_t seed);
/* The next 64-bit output: state += 0x9e3779b97f4a7c15, then the SplitMix64 mix of it. */
uint64_t rng_next(struct rng *r);
/* A number in [0, n) (n >= 1) without modulo bias: outputs below 2^64 mod n are drawn
 * again, then the output mod n. n == 0 returns 0 and draws nothing. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* A number in [lo, hi] (lo <= hi). */
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi);

#endif
