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
    for (unsigned pass = 0; pass < 2; pass++) {
        struct vms_error e = {0};
        struct trace_reader *r =
            trace_open_mem_as(data, size, "fuzz", pass ? TRACE_SKIP_BAD : 0, fmt, &e);
        if (!r)
            continue;
        struct trace_rec recs[4096];
        uint64_t n = 0;
        long got;
        unsigned i = 0;
        while ((got = trace_read(r, recs, batches[i++ % 4], &e)) > 0)
            n += (uint64_t)got;
        if (got == 0 && n != trace_reader_counts(r)->records)
            __builtin_trap();
        trace_close(r);
    }
    return 0;
}

#endif
