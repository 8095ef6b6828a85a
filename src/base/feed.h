/* A producer thread that fills a ring of slots ahead of one consumer, in order: the trace
 * driver's reader threads (records) and the trace input's decompression thread (bytes) use
 * it. The caller owns the slots' contents; the feed only says which slot is whose. The
 * producer fills slot tail % n while fewer than n are filled; the consumer takes slot
 * head % n once it is filled and gives it back when done. A fill's result is a count: > 0
 * to go on; 0 (the end) or < 0 (an error) is the last slot, returned by every take after
 * it. */
#ifndef VMS_BASE_FEED_H
#define VMS_BASE_FEED_H

#include <stdbool.h>

struct feed;

/* Fills `slot` (in the producer thread); returns its result. */
typedef long (*feed_fill_fn)(void *ctx, unsigned slot);

/* Starts a producer with `nslots` slots (2 or more). 1 = started (*out); 0 = the host has
 * no thread for it (*out NULL: do the work in the caller); -VMS_ENOMEM. */
int feed_start(struct feed **out, unsigned nslots, feed_fill_fn fill, void *ctx);
/* Gives back the slot taken last (nothing if none, or if it was the last one), then waits
 * for the next filled slot: *slot receives it, the return value its fill's result. */
long feed_next(struct feed *f, unsigned *slot);
/* Stops the producer (after the fill in progress, if any), joins it, frees the feed.
 * NULL ok. */
void feed_stop(struct feed *f);

#endif
