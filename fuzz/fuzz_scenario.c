/* Fuzz target: the .vms lexer and parser (nothing runs). Any input must either parse or
 * fail with a "FILE:LINE:COL: expected ..." message, without crashing or leaking. */
#include "vmsim.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vms_error e = {0};
    struct vms_scenario *sc = NULL;
    int rc = vms_scenario_parse((const char *)data, size, "fuzz.vms", &sc, &e);
    if (rc == 0) {
        if (!sc || e.code != 0)
            __builtin_trap();
        vms_scenario_destroy(sc);
    } else if (sc || (rc == -VMS_EINVAL && strncmp(e.msg, "fuzz.vms:", 9) != 0)) {
        __builtin_trap();
    }
    return 0;
}
