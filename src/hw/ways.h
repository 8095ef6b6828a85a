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

/* Match masks have two bits per way: bit 2w is set when way w holds the key (bit 2w+1
 * is clear). The SIMD scans produce this layout directly; ways_first and `m &= m - 1`
 * walk the matches in way order. The scans are branch-free, so an unpredictable hit way
 * costs no misprediction. */
HOT_INLINE unsigned ways_first(uint64_t m)
{
    return (unsigned)__builtin_ctzll(m) >> 1;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* 4, 8 and 16 ways with SSE2 (every x86-64): 32-bit compares of two keys at a time,
 * narrowed by saturating packs to one byte per 32-bit half, one movemask; a key matches
 * when both of its halves do. k must be 16-byte aligned (sets of 4, 8 or 16 keys in a
 * 64-byte aligned array are). */
HOT_INLINE __m128i ways_eq_(const uint64_t *k, __m128i key)
{
    return _mm_cmpeq_epi32(_mm_load_si128((const __m128i *)(const void *)k), key);
}
HOT_INLINE uint64_t ways_halves_(int m)
{
    return (uint64_t)((unsigned)m & (unsigned)m >> 1 & 0x55555555u);
}
HOT_INLINE uint64_t ways_mask4(const uint64_t *k, uint64_t key)
{
    __m128i kk = _mm_set1_epi64x((long long)key);
    __m128i p = _mm_packs_epi32(ways_eq_(k, kk), ways_eq_(k + 2, kk));
    return ways_halves_(_mm_movemask_epi8(_mm_packs_epi16(p, _mm_setzero_si128())));
}
HOT_INLINE uint64_t ways_mask8(const uint64_t *k, uint64_t key)
{
    __m128i kk = _mm_set1_epi64x((long long)key);
    __m128i lo = _mm_packs_epi32(ways_eq_(k, kk), ways_eq_(k + 2, kk));
    __m128i hi = _mm_packs_epi32(ways_eq_(k + 4, kk), ways_eq_(k + 6, kk));
    return ways_halves_(_mm_movemask_epi8(_mm_packs_epi16(lo, hi)));
}
#else
/* Written out (compilers do not unroll the loop at -O2), as a tree of ORs. */
HOT_INLINE uint64_t ways_mask4(const uint64_t *k, uint64_t key)
{
    return ((uint64_t)(k[0] == key) | (uint64_t)(k[1] == key) << 2) |
           ((uint64_t)(k[2] == key) << 4 | (uint64_t)(k[3] == key) << 6);
}
HOT_INLINE uint64_t ways_mask8(const uint64_t *k, uint64_t key)
{
    return ways_mask4(k, key) | ways_mask4(k + 4, key) << 8;
}
#endif

HOT_INLINE uint64_t ways_mask16(const uint64_t *k, uint64_t key)
{
    return ways_mask8(k, key) | ways_mask8(k + 8, key) << 16;
}

/* The match mask of a set of 4, 8 or 16 keys, the usual associativities, in *m (see
 * ways_first); false for any other number of ways (use ways_find). */
HOT_INLINE bool ways_scan(const uint64_t *k, uint64_t key, uint32_t ways, uint64_t *m)
{
    if (ways == 8)
        *m = ways_mask8(k, key);
    else if (ways == 4)
        *m = ways_mask4(k, key);
    else if (ways == 16)
        *m = ways_mask16(k, key);
    else
        return false;
    return true;
}

/* The lowest way holding key, or -1; any number of ways, any alignment. */
int ways_find(const uint64_t *k, uint64_t key, uint32_t ways);

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
