/* libFuzzer target: the lackey trace reader (see trace_fuzz.h). */
#include "trace_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_trace_reader(data, size, TRACE_FMT_LACKEY);
}
