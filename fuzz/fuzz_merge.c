/* Fuzz target: the CSV reader of `vmsim merge` (src/report/merge.c). The input is split at
 * NUL bytes into up to four files, joined into one table. Nothing may crash, hang or leak. */
#include "report/merge.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *texts[4];
    size_t lens[4], n = 0;
    const char *names[4] = {"a.csv", "b.csv", "c.csv", "d.csv"};
    const char *p = (const char *)data, *end = p + size;
    while (n < 4) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        texts[n] = p;
        lens[n] = (size_t)((z ? z : end) - p);
        n++;
        if (!z)
            break;
        p = z + 1;
    }
    FILE *out = fopen("/dev/null", "w");
    if (!out)
        return 0;
    struct vms_error e;
    merge_csv_mem(names, texts, lens, n, out, &e);
    fclose(out);
    return 0;
}
