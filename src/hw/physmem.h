/* Physical memory: frames whose bytes are allocated lazily, on the first store of a
 * value or when a frame becomes a page-table page. A frame without bytes reads as
 * zero — or, in "unknown" mode (a textbook state that gives only some bytes), as
 * unknown. Frames that only ever hold trace data never cost host memory. */
#ifndef VMS_HW_PHYSMEM_H
#define VMS_HW_PHYSMEM_H

#include "base/ser.h"
#include "base/types.h"
#include "vmsim.h"

struct physmem;

/* unknown_mode: bytes never written are unknown rather than zero. NULL on host OOM. */
struct physmem *physmem_create(unsigned page_shift, bool unknown_mode);
void physmem_destroy(struct physmem *pm);

/* Read `size` (1..8) bytes at pa, little-endian, within one frame. Returns true when
 * every byte is known (always, outside unknown mode). */
bool physmem_read(struct physmem *pm, paddr_t pa, unsigned size, uint64_t *val);
/* Write `size` (1..8) bytes within one frame. 0, or -VMS_ENOMEM. */
int physmem_write(struct physmem *pm, paddr_t pa, unsigned size, uint64_t val);
/* One value split over np pieces (pas[i], lens[i] bytes each, each within a frame),
 * little-endian in order: a load or store that spanned blocks or pages. */
void physmem_read_pieces(struct physmem *pm, const paddr_t *pas, const unsigned *lens,
                         unsigned np, uint64_t *val);
int physmem_write_pieces(struct physmem *pm, const paddr_t *pas, const unsigned *lens,
                         unsigned np, uint64_t val); /* 0 or -VMS_ENOMEM */
/* Byte ranges, may cross frames. read returns true when all bytes are known. */
bool physmem_read_bytes(struct physmem *pm, paddr_t pa, uint8_t *buf, size_t n);
int physmem_write_bytes(struct physmem *pm, paddr_t pa, const uint8_t *buf, size_t n);
/* A hint, no effect on what reads return: starts loading the host memory that holds the
 * bytes at pa (a PTE that a walk is about to read, say). */
void physmem_prefetch(struct physmem *pm, paddr_t pa);
/* Is the byte at pa known? */
bool physmem_known(struct physmem *pm, paddr_t pa);

/* The frame is freed: its bytes are dropped (it reads as zero again). */
void physmem_clear(struct physmem *pm, pfn_t pfn);
/* Copy a whole frame (copy-on-write, swap-in). 0 or -VMS_ENOMEM. */
int physmem_copy(struct physmem *pm, pfn_t dst, pfn_t src);
/* Direct access to a frame's bytes, allocating them; NULL on host OOM. */
uint8_t *physmem_frame(struct physmem *pm, pfn_t pfn);
/* A frame's bytes if it has any (NULL: it reads as zero), without allocating. */
const uint8_t *physmem_peek(struct physmem *pm, pfn_t pfn);
/* Frames currently holding host bytes. */
uint64_t physmem_resident(const struct physmem *pm);

/* Checkpoints: every frame that has bytes, in frame order. load replaces what pm holds
 * with what d gives (frame numbers at most max_pfn); 0, or -VMS_ENOMEM; bad input marks d
 * bad. */
int physmem_save(const struct physmem *pm, struct ser *s);
int physmem_load(struct physmem *pm, struct deser *d, pfn_t max_pfn);

#endif
