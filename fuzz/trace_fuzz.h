/* The body shared by the trace-reader fuzz targets: one reader (format forced, plain or
 * compressed input), read in uneven batches, strictly and with TRACE_SKIP_BAD. It must
 * never crash, hang or leak, and its counters must agree with what it returned. */
#ifndef VMS_FUZZ_TRACE_FUZZ_H
#define VMS_FUZZ_TRACE_FUZZ_H

#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"

static inline int fuzz_trace_reader(const uint8_t *data, size_t size, enum trace_format fmt)
{
    static const size_t batches[] = {1, 3, 64, 4096};
    /* strictly and skipping bad lines; OS events counted only, and delivered */
    for (unsigned pass = 0; pass < 4; pass++) {
        struct vms_error e = {0};
        unsigned flags = (pass & 1 ? TRACE_SKIP_BAD : 0) | (pass & 2 ? TRACE_EVENTS : 0);
        struct trace_reader *r = trace_open_mem_as(data, size, "fuzz", flags, fmt, &e);
        if (!r)
            continue;
        struct trace_rec recs[4096];
        struct trace_event ev;
        uint64_t n = 0, events = 0;
        long got;
        unsigned i = 0;
        while ((got = trace_read(r, recs, batches[i++ % 4], &e)) > 0 ||
               (got == 0 && trace_next_event(r, &ev))) {
            n += (uint64_t)(got > 0 ? got : 0);
            if (got == 0) {
                if (ev.type >= TRACE_EV_TYPES || (ev.str && ev.str[ev.str_len] != '\0') ||
                    (ev.type != TRACE_EV_PROCESS && ev.type && trace_event_name(ev.type) == NULL))
                    __builtin_trap();
                events += ev.type != TRACE_EV_PROCESS;
            }
        }
        const struct trace_counts *c = trace_reader_counts(r);
        if (got == 0 && (n != c->records || ((flags & TRACE_EVENTS) && events != c->events)))
            __builtin_trap();
        trace_close(r);
    }
    return 0;
}

#endif
