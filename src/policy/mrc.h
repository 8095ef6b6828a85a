/* Internals of the miss-ratio-curve engine shared with its tests and benchmark: the
 * one-pass LRU stack-distance counter (Mattson et al. 1970, with a balanced counting tree
 * over a compacted time line, O(log n) per touch) and the priority-stack pass for OPT and LFU. */
#ifndef VMS_POLICY_MRC_H
#define VMS_POLICY_MRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MRC_NONE UINT32_MAX

/* Invariant: tree counts one mark per page at the time of its last touch; times run
 * 0..t-1 in a window of W; when t reaches W the marks are renumbered 0..live-1 in order. */
struct mrc_lru {
    uint32_t *last;   /* per dense page: time of last touch, MRC_NONE if never */
    uint32_t *owner;  /* per time: the page whose last touch it is, MRC_NONE */
    uint32_t *tree;   /* counting tree over W times: leaves W..2W-1, root 1 */
    uint64_t *hist;   /* hist[d]: touches at stack distance d (1 = top) */
    size_t npages;    /* capacity of last/hist in pages */
    uint32_t W, t, live;
    uint64_t cold;    /* first touches */
};

bool mrc_lru_init(struct mrc_lru *l);
void mrc_lru_fini(struct mrc_lru *l);
/* Room for dense pages 0..n-1; false when out of memory. */
bool mrc_lru_reserve(struct mrc_lru *l, size_t n);
/* Touch dense page d (< reserved). Returns its stack distance, 0 for a first touch. */
uint32_t mrc_lru_touch(struct mrc_lru *l, uint32_t d);
/* faults[i] = faults with sizes[i] frames. */
void mrc_lru_faults(const struct mrc_lru *l, const uint32_t *sizes, size_t nsizes,
                    uint64_t *faults);

/* One pass of a priority stack algorithm over a stream of dense pages (bit 31 = write,
 * ignored): lfu = false for OPT, true for LFU. Fills hist[1..npages] and *cold. */
int mrc_priority_pass(const uint32_t *stream, size_t n, uint32_t npages, bool lfu,
                      uint64_t *hist, uint64_t *cold);

#endif
