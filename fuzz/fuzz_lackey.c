/* libFuzzer target: the lackey trace reader (see trace_fuzz.h), and its three line parsers
 * against each other: the fast path built for this machine, the portable one and the
 * general byte-by-byte parser (trace_reader.lackey_impl) must return the same records, in
 * the same batches, with the same error message and counters, strictly and with
 * TRACE_SKIP_BAD, and with TRACE_EVENTS the same events in step. */
#include "trace_fuzz.h"

#include <string.h>

#include "trace/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NIMPL 3

static void lackey_parsers_agree(const uint8_t *data, size_t size, unsigned flags)
{
    static const size_t batches[] = {1, 7, 64, 4096};
    struct trace_reader *r[NIMPL];
    struct vms_error e[NIMPL];
    for (unsigned i = 0; i < NIMPL; i++) {
        memset(&e[i], 0, sizeof e[i]);
        r[i] = trace_open_mem_as(data, size, "fuzz", flags, TRACE_FMT_LACKEY, &e[i]);
        if (r[i])
            r[i]->lackey_impl = i;
        if (!r[i] != !r[0])
            __builtin_trap();
    }
    if (!r[0])
        return;
    static struct trace_rec recs[NIMPL][4096];
    for (unsigned call = 0;; call++) {
        size_t want = batches[call % 4];
        long got[NIMPL];
        for (unsigned i = 0; i < NIMPL; i++) {
            got[i] = trace_read(r[i], recs[i], want, &e[i]);
            struct trace_event ev; /* with TRACE_EVENTS: an event is -1 here, in step */
            if (got[i] == 0 && trace_next_event(r[i], &ev))
                got[i] = -1000 - (long)ev.type;
        }
        for (unsigned i = 1; i < NIMPL; i++) {
            if (got[i] != got[0])
                __builtin_trap();
            for (long j = 0; j < got[0]; j++) /* field by field: not the padding */
                if (recs[i][j].addr != recs[0][j].addr || recs[i][j].size != recs[0][j].size ||
                    recs[i][j].kind != recs[0][j].kind)
                    __builtin_trap();
            if (got[0] < 0 && got[0] > -1000 && strcmp(e[i].msg, e[0].msg))
                __builtin_trap();
        }
        if (got[0] <= 0 && got[0] > -1000)
            break;
    }
    for (unsigned i = 1; i < NIMPL; i++)
        if (memcmp(trace_reader_counts(r[i]), trace_reader_counts(r[0]),
                   sizeof(struct trace_counts)))
            __builtin_trap();
    for (unsigned i = 0; i < NIMPL; i++)
        trace_close(r[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lackey_parsers_agree(data, size, 0);
    lackey_parsers_agree(data, size, TRACE_SKIP_BAD);
    lackey_parsers_agree(data, size, TRACE_EVENTS);
    return fuzz_trace_reader(data, size, TRACE_FMT_LACKEY);
}
