/* Working-set size over time: |W(t, tau)|, the distinct pages among the last tau
 * references (Denning, CACM 11(5) 1968), by a sliding window with per-page counts. */
#include "base/alloc.h"
#include "base/err.h"
#include "policy/pmap.h"
#include "report/plot.h"

#include <inttypes.h>
#include <string.h>

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

/* The plot of the series ws[k * r->n ..] of windows taus[0..n-1]. */
static int ws_plot(const struct vms_refs *r, const uint64_t *taus, const uint32_t *ws,
                   size_t n, const struct vms_plot_opts *o, FILE *f, struct vms_error *e)
{
    size_t len = r->n ? r->n : 1;
    double *x = vms_malloc(len * sizeof *x), *y = vms_malloc(n * len * sizeof *y);
    struct plot_series *s = vms_calloc(n, sizeof *s);
    char (*names)[40] = vms_calloc(n, sizeof *names);
    int rc = 0;
    if (!x || !y || !s || !names) {
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < r->n; i++)
        x[i] = (double)(i + 1);
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; i < r->n; i++)
            y[k * len + i] = ws[k * r->n + i];
        snprintf(names[k], sizeof names[k], "tau = %" PRIu64, taus[k]);
        s[k] = (struct plot_series){names[k], x, y + k * len, r->n};
    }
    char title[96];
    if (n == 1)
        snprintf(title, sizeof title, "Working-set size |W(t, tau)|, tau = %" PRIu64, taus[0]);
    else
        snprintf(title, sizeof title, "Working-set size |W(t, tau)|");
    struct plot p = {.title = title,
                     .xlabel = "virtual time t (references)",
                     .ylabel = "working-set size (pages)",
                     .s = s,
                     .n = n,
                     .xscale = VMS_PLOT_LINEAR,
                     .yscale = VMS_PLOT_LINEAR};
    rc = plot_write(f, &p, o, e);
out:
    vms_free(x);
    vms_free(y);
    vms_free(s);
    vms_free(names);
    return rc;
}

int vms_ws_plot(const struct vms_refs *r, const uint64_t *taus, size_t ntaus,
                const struct vms_plot_opts *o, FILE *f, struct vms_error *e)
{
    if (r->n == 0)
        return err_set(e, VMS_EINVAL, "working set: no references to plot");
    uint64_t def[5];
    if (ntaus == 0) { /* the decades below the length of the string, the last five */
        for (uint64_t t = 10; t < r->n && t <= UINT64_MAX / 10; t *= 10) {
            if (ntaus == 5)
                memmove(def, def + 1, 4 * sizeof *def), ntaus--;
            def[ntaus++] = t;
        }
        if (ntaus == 0)
            def[ntaus++] = r->n;
        taus = def;
    }
    if (ntaus > SIZE_MAX / sizeof(uint32_t) / r->n)
        return err_set(e, VMS_ENOMEM, "out of memory");
    uint32_t *ws = vms_malloc(ntaus * r->n * sizeof *ws);
    if (!ws)
        return err_set(e, VMS_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t k = 0; k < ntaus && rc == 0; k++)
        rc = vms_ws_series(r, taus[k], ws + k * r->n, e);
    if (rc == 0)
        rc = ws_plot(r, taus, ws, ntaus, o, f, e);
    vms_free(ws);
    return rc;
}

int vms_refs_add_records(struct vms_refs *r, const struct vms_trace_rec *recs, size_t n,
                         uint64_t page_size, struct vms_error *e)
{
    if (page_size == 0 || (page_size & (page_size - 1)))
        return err_set(e, VMS_EINVAL, "page size %" PRIu64 " is not a power of two", page_size);
    unsigned shift = 0;
    while ((UINT64_C(1) << shift) != page_size)
        shift++;
    for (size_t i = 0; i < n; i++) {
        const struct vms_trace_rec *t = &recs[i];
        uint64_t span = t->size ? t->size - 1 : 0;
        uint64_t first = t->addr >> shift;
        uint64_t last = (t->addr > UINT64_MAX - span ? UINT64_MAX : t->addr + span) >> shift;
        for (int pass = 0; pass < (t->kind == VMS_TRACE_M ? 2 : 1); pass++)
            for (uint64_t pg = first;; pg++) {
                if (r->n == r->cap) {
                    size_t ncap = r->cap ? r->cap * 2 : 1024;
                    uint64_t *np = vms_realloc(r->page, ncap * sizeof *np);
                    if (!np)
                        return err_set(e, VMS_ENOMEM, "out of memory");
                    r->page = np;
                    bool *nw = vms_realloc(r->write, ncap * sizeof *nw);
                    if (!nw)
                        return err_set(e, VMS_ENOMEM, "out of memory");
                    r->write = nw;
                    r->cap = ncap;
                }
                r->page[r->n] = pg;
                r->write[r->n++] = t->kind == VMS_TRACE_S || pass == 1;
                if (pg == last)
                    break;
            }
    }
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
        rc = ws_plot(r, &tau, ws, 1, NULL, svg, e);
        if (rc < 0) {
            vms_free(ws);
            return rc;
        }
    }
    vms_free(ws);
    if (ferror(f) || (svg && ferror(svg)))
        return err_set(e, VMS_EIO, "write error");
    return 0;
}
