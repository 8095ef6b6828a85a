/* Fuzz target for the page reference-string parser (vms_refs_parse) and, on what parses,
 * a short `pages` run with a policy chosen by the first byte. */
#include "vmsim.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vms_refs r = {0};
    struct vms_error e;
    unsigned sel = size ? data[0] : 0;
    if (vms_refs_parse(&r, (const char *)data, size, "fuzz", &e) == 0 && r.n && r.n < 4096) {
        struct vms_policy_info pi;
        size_t count = 0;
        while (vms_policy_info(count, &pi))
            count++;
        vms_policy_info(sel % count, &pi);
        struct vms_pages_opts o = {.policy = pi.name, .frames = 1 + sel % 7,
                                   .params = {.tau = 1 + sel % 5}, .table = true};
        struct vms_pages *p = NULL;
        if (vms_pages_run(&o, &r, &p, &e) == 0) {
            FILE *devnull = fopen("/dev/null", "w");
            if (devnull) {
                vms_pages_print(p, devnull, (sel & 1) ? VMS_JSON : VMS_TEXT, &e);
                fclose(devnull);
            }
        }
        vms_pages_destroy(p);
    }
    vms_refs_fini(&r);
    return 0;
}
