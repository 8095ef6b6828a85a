/* The scenario byte generator: splitmix64, 8 bytes per step, little-endian
 * (docs/scenario-contract.md).
 * Used by fill, check and `file NAME SIZE random SEED`; byte k of a stream is byte k % 8 of
 * the (k/8 + 1)-th next(). */
#ifndef VMS_SCENARIO_GEN_H
#define VMS_SCENARIO_GEN_H

#include <stddef.h>
#include <stdint.h>

struct gen {
    uint64_t state; /* splitmix64 state */
    uint64_t word;  /* the current 8 bytes */
    unsigned left;  /* bytes of word not yet returned */
};

void gen_init(struct gen *g, uint64_t seed);
/* The next 64-bit output of splitmix64 (advances the state). */
uint64_t gen_next(uint64_t *state);
/* The next byte of the stream. */
uint8_t gen_byte(struct gen *g);
/* The next n (1..8) bytes of the stream, little-endian, as one value. */
static inline uint64_t gen_value(struct gen *g, unsigned n)
{
    if (n == 8 && g->left == 0)
        return gen_next(&g->state);
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)gen_byte(g) << (8 * i);
    return v;
}
/* The next n bytes of the stream into buf. */
void gen_bytes(struct gen *g, uint8_t *buf, size_t n);

/* fill and check walk [va, va+len) in pieces, each one access of gen_value(g, piece) bytes.
 * The size of the piece at va with `left` bytes to go: the largest naturally aligned access
 * of 8, 4, 2 or 1 bytes that fits. */
static inline unsigned gen_piece(uint64_t va, uint64_t left)
{
    unsigned s = 8;
    while (s > 1 && ((va & (s - 1)) || s > left))
        s >>= 1;
    return s;
}

/* check: the index of the first byte (little-endian) where got and want differ; they must. */
static inline unsigned gen_first_diff(uint64_t got, uint64_t want)
{
    unsigned i = 0;
    while (((got ^ want) >> (8 * i) & 0xff) == 0)
        i++;
    return i;
}

#endif
