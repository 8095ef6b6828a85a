/* Fuzz target: vmsim_call (src/api/call.c), the web build's entry point: its JSON reader
 * (src/api/jsonin.c) on any bytes, then whatever request parsed (translate, pages, a stepped
 * scenario). Every answer must be one JSON object that the reader itself accepts. Nothing
 * may crash, hang or leak. */
#include "api/call.h"
#include "api/jsonin.h"
#include "base/err.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *r = vmsim_call_n((const char *)data, size);
    if (!r)
        return 0;
    struct jsonin v;
    struct vms_error e;
    /* the response is JSON with "ok" (a broken one is a bug: make it a crash) */
    VMS_INVARIANT(jsonin_parse(r, strlen(r), "response", &v, &e) == 0, "response is JSON");
    VMS_INVARIANT(jsonin_get(&v, "ok") != NULL, "response has ok");
    jsonin_fini(&v);
    vmsim_call_free(r);
    return 0;
}
