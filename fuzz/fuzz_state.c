/* Fuzz target: the machine-state parser, then a translation of a few addresses on
 * whatever state parsed. Nothing may crash, hang or leak. */
#include "vmsim.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vms_error e;
    struct vms_state *st;
    if (vms_state_parse((const char *)data, size, "fuzz", &st, &e))
        return 0;
    static const char *vas[] = {"0x0", "0x3d4", "0x20", "0x3fff", "0x7fffffffffff", "0x400123"};
    FILE *out = fopen("/dev/null", "w");
    for (int seq = 0; seq < 2 && out; seq++) {
        struct vms_translator *t;
        vms_translator_create(st, seq, VMS_LOAD, &t, &e);
        for (size_t i = 0; t && i < sizeof vas / sizeof vas[0]; i++)
            vms_translate(t, vas[i], out, i % 2 ? VMS_JSON : VMS_TEXT, &e);
        vms_translator_destroy(t);
    }
    if (out)
        fclose(out);
    vms_state_destroy(st);
    return 0;
}
