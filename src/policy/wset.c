/* Working-set size over time: |W(t, tau)|, the distinct pages among the last tau
 * references (Denning, CACM 11(5) 1968), by a sliding window with per-page counts. */
#include "base/alloc.h"
#include "base/err.h"
#include "policy/pmap.h"
#include "policy/svg.h"

#include <inttypes.h>

int vms_ws_series(const struct vms_refs *r, uint64_t tau, uint32_t *out, struct vms_error *e)
{
    if (tau == 0)
        return err_set(e, VMS_EINVAL, "--tau: the working-set window must be at least 1");
    struct pmap ids;
    uint32_t *dense = vms_malloc((r->n ? r->n : 1) * sizeof *dense);
    uint32_t *count = NULL;
    if (!dense || !pmap_init(&ids, 64)) {
        vms_free(dense);
        return err_set(e, VMS_ENOMEM, "out of memory");
    }
    uint32_t nd = 0;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t *v = pmap_get(&ids, r->page[i]);
        if (v) {
            dense[i] = *v;
        } else if (pmap_put(&ids, r->page[i], nd)) {
            dense[i] = nd++;
        } else {
            pmap_fini(&ids);
            vms_free(dense);
            return err_set(e, VMS_ENOMEM, "out of memory");
        }
    }
    pmap_fini(&ids);
    count = vms_calloc(nd ? nd : 1, sizeof *count);
    if (!count) {
        vms_free(dense);
        return err_set(e, VMS_ENOMEM, "out of memory");
    }
    uint32_t distinct = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (count[dense[i]]++ == 0)
            distinct++;
        if (i >= tau && --count[dense[i - tau]] == 0)
            distinct--;
        out[i] = distinct;
    }
    vms_free(count);
    vms_free(dense);
    return 0;
}

int vms_ws_print(const struct vms_refs *r, uint64_t tau, FILE *f, enum vms_format fmt,
                 FILE *svg, struct vms_error *e)
{
    uint32_t *ws = vms_malloc((r->n ? r->n : 1) * sizeof *ws);
    if (!ws)
        return err_set(e, VMS_ENOMEM, "out of memory");
    int rc = vms_ws_series(r, tau, ws, e);
    if (rc < 0) {
        vms_free(ws);
        return rc;
    }
    double sum = 0;
    uint32_t max = 0;
    for (size_t i = 0; i < r->n; i++) {
        sum += ws[i];
        if (ws[i] > max)
            max = ws[i];
    }
    double mean = r->n ? sum / (double)r->n : 0;
    if (fmt == VMS_JSON) {
        fprintf(f, "{\"tau\": %" PRIu64 ", \"references\": %zu, \"mean\": %.4f, \"max\": %" PRIu32
                   ", \"series\": [",
                tau, r->n, mean, max);
        for (size_t i = 0; i < r->n; i++)
            fprintf(f, "%s%" PRIu32, i ? ", " : "", ws[i]);
        fprintf(f, "]}\n");
    } else if (fmt == VMS_CSV) {
        fprintf(f, "t,page,ws_size\n");
        for (size_t i = 0; i < r->n; i++)
            fprintf(f, "%zu,%" PRIu64 ",%" PRIu32 "\n", i + 1, r->page[i], ws[i]);
    } else {
        fprintf(f, "working set, tau %" PRIu64 "\n\n%8s %10s %8s\n", tau, "t", "page",
                "ws_size");
        for (size_t i = 0; i < r->n; i++)
            fprintf(f, "%8zu %10" PRIu64 " %8" PRIu32 "\n", i + 1, r->page[i], ws[i]);
        fprintf(f, "\nmean working-set size %.2f, max %" PRIu32 "\n", mean, max);
    }
    if (svg) {
        double *x = vms_malloc((r->n ? r->n : 1) * sizeof *x);
        double *y = vms_malloc((r->n ? r->n : 1) * sizeof *y);
        if (!x || !y) {
            vms_free(x);
            vms_free(y);
            vms_free(ws);
            return err_set(e, VMS_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < r->n; i++) {
            x[i] = (double)(i + 1);
            y[i] = ws[i];
        }
        char title[96];
        snprintf(title, sizeof title, "Working-set size, tau = %" PRIu64, tau);
        struct svg_series s = {"|W(t, tau)|", x, y, r->n};
        svg_plot(svg, title, "virtual time t (references)", "working-set size (pages)", &s, 1);
        vms_free(x);
        vms_free(y);
    }
    vms_free(ws);
    if (ferror(f) || (svg && ferror(svg)))
        return err_set(e, VMS_EIO, "write error");
    return 0;
}
