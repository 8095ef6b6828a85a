/* The way scan shared by the TLB and cache lookups. A set's keys are stored contiguously
 * (struct-of-arrays beside the entries): key = tag + 1 for a valid way, 0 for an invalid
 * one, so a lookup is one compare per way over a few host cache lines. */
#ifndef VMS_HW_WAYS_H
#define VMS_HW_WAYS_H

#include "base/alloc.h"
#include "base/types.h"

/* For the few small functions of the hit path that must be inlined even where the
 * compiler's size heuristics would call them. */
#define HOT_INLINE static inline __attribute__((always_inline))

#define WAYS_MASK_MAX 32 /* ways_match handles sets up to this size */

/* Bit w set when k[w] == key, for n <= 32 ways; branch-free, so an unpredictable hit way
 * costs no misprediction. */
HOT_INLINE uint32_t ways_mask(const uint64_t *k, uint64_t key, uint32_t n)
{
    uint32_t m = 0;
    for (uint32_t w = 0; w < n; w++)
        m |= (uint32_t)(k[w] == key) << w;
    return m;
}

/* The same, written out for 4, 8 and 16 ways (compilers do not unroll the loop at -O2),
 * as a tree of ORs rather than one chain. */
HOT_INLINE uint32_t ways_mask4(const uint64_t *k, uint64_t key)
{
    return ((uint32_t)(k[0] == key) | (uint32_t)(k[1] == key) << 1) |
           ((uint32_t)(k[2] == key) << 2 | (uint32_t)(k[3] == key) << 3);
}
HOT_INLINE uint32_t ways_mask8(const uint64_t *k, uint64_t key)
{
    return ways_mask4(k, key) | ways_mask4(k + 4, key) << 4;
}
HOT_INLINE uint32_t ways_mask16(const uint64_t *k, uint64_t key)
{
    return ways_mask8(k, key) | ways_mask8(k + 8, key) << 8;
}

/* The match mask of a set of ways <= WAYS_MASK_MAX keys (bit w: way w holds key). */
HOT_INLINE uint32_t ways_match(const uint64_t *k, uint64_t key, uint32_t ways)
{
    if (ways == 8)
        return ways_mask8(k, key);
    if (ways == 4)
        return ways_mask4(k, key);
    if (ways == 16)
        return ways_mask16(k, key);
    return ways_mask(k, key, ways);
}

/* The lowest way holding key, or -1; any number of ways. */
HOT_INLINE int ways_find(const uint64_t *k, uint64_t key, uint32_t ways)
{
    if (LIKELY(ways <= WAYS_MASK_MAX)) {
        uint32_t m = ways_match(k, key, ways);
        return m ? __builtin_ctz(m) : -1;
    }
    for (uint32_t w = 0; w < ways; w++)
        if (k[w] == key)
            return (int)w;
    return -1;
}

/* n zeroed keys aligned to 64 bytes (a host cache line), so that a set of 8 keys is one
 * line; *mem receives the block to vms_free. NULL on host OOM. */
static inline uint64_t *ways_keys_alloc(size_t n, void **mem)
{
    unsigned char *p = vms_calloc(n * sizeof(uint64_t) + 64, 1);
    *mem = p;
    if (!p)
        return NULL;
    return (uint64_t *)(void *)(p + (64 - (uintptr_t)p % 64) % 64);
}

#endif
