/* Fuzz target: the reader of --interval rows behind vms_interval_plot (src/report/interval.c)
 * and the plot drawn from them, as SVG and as a gnuplot script. Nothing may crash, hang or
 * leak. */
#include "vmsim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    FILE *out = fopen("/dev/null", "w");
    for (int pass = 0; out && pass < 2; pass++) {
        FILE *in = size ? fmemopen(copy, size, "r") : fopen("/dev/null", "r");
        if (!in)
            break;
        struct vms_plot_opts o = {.png = pass ? "out.png" : NULL, .y = VMS_PLOT_LOG};
        struct vms_error e;
        vms_interval_plot(in, "rows.csv", pass ? &o : NULL, out, &e);
        fclose(in);
    }
    if (out)
        fclose(out);
    free(copy);
    return 0;
}
