/* Scalar unit types and bit helpers shared by every layer.
 * Units are visible in the type: a vaddr_t is never a paddr_t. */
#ifndef VMS_BASE_TYPES_H
#define VMS_BASE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t vaddr_t; /* virtual address */
typedef uint64_t paddr_t; /* physical address */
typedef uint64_t vpn_t;   /* virtual page number */
typedef uint64_t pfn_t;   /* physical frame number (the textbook's PPN) */
typedef uint64_t pte_t;   /* a raw page-table entry as stored in memory */

/* The kind of a memory reference, as the MMU sees it. */
enum access_kind {
    ACCESS_LOAD = 0,
    ACCESS_STORE = 1,
    ACCESS_FETCH = 2,
};

/* One trace record, as the trace readers produce it and the kernel's batch entry
 * (kern_access_recs) consumes it. */
enum trace_kind { TRACE_I = 0, TRACE_L = 1, TRACE_S = 2, TRACE_M = 3 }; /* M = load then store */

struct trace_rec {
    uint64_t addr; /* virtual address of the first byte */
    uint32_t size; /* bytes accessed (instruction length for I) */
    uint8_t kind;  /* enum trace_kind */
};

#define BIT(n) (UINT64_C(1) << (n))
/* Low n bits set; n may be 64. */
static inline uint64_t mask_bits(unsigned n)
{
    return n >= 64 ? ~UINT64_C(0) : BIT(n) - 1;
}
/* Bits [lo, lo+n) of x. */
static inline uint64_t bits_of(uint64_t x, unsigned lo, unsigned n)
{
    return lo >= 64 ? 0 : (x >> lo) & mask_bits(n);
}
static inline bool is_pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}
/* log2 of a power of two. */
static inline unsigned log2u(uint64_t x)
{
    unsigned n = 0;
    while (x > 1) {
        x >>= 1;
        n++;
    }
    return n;
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#endif
