/* Fuzz target: the answers-file parser of `vmsim check` (which regenerates the exercise
 * its exercise line names, seed 1), then every report of whatever it graded. Nothing may
 * crash, hang or leak. */
#include "vmsim.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vms_error e;
    struct vms_grade *g;
    static const enum vms_grade_mode modes[] = {VMS_GRADE_PER_FIELD, VMS_GRADE_THROUGH_FIRST,
                                                VMS_GRADE_ALL_OR_NOTHING};
    if (vms_grade((const char *)data, size, "fuzz", 1, modes[size % 3], &g, &e))
        return 0;
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        vms_grade_print(g, out, VMS_TEXT, &e);
        vms_grade_print(g, out, VMS_JSON, &e);
        vms_grade_gradescope(g, out, &e);
        fclose(out);
    }
    vms_grade_destroy(g);
    return 0;
}
