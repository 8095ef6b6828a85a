/* vms_interval_plot: the --interval time series (CSV rows of running totals, one every N
 * references) drawn as miss ratios and the fault rate of each interval against references. */
#include "base/alloc.h"
#include "base/err.h"
#include "base/types.h"
#include "report/plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The columns the plot reads; the first must be present, the others pair up (hits,
 * misses) per curve and a curve is drawn only when both of its columns are. */
enum { IV_REFS, IV_MINOR, IV_MAJOR, IV_L1D_H, IV_L1D_M, IV_L2_H, IV_L2_M, IV_L3_H, IV_L3_M,
       IV_TLB_H, IV_TLB_M, IV_NCOL };
static const char *const iv_keys[IV_NCOL] = {
    "references",     "faults.minor",   "faults.major",  "cache.l1d.hits", "cache.l1d.misses",
    "cache.l2.hits",  "cache.l2.misses", "cache.l3.hits", "cache.l3.misses", "tlb.l1d.hits",
    "tlb.l1d.misses"};
static const struct {
    int hits, misses;
    const char *name;
} iv_curves[] = {{IV_L1D_H, IV_L1D_M, "L1d miss ratio"},
                 {IV_L2_H, IV_L2_M, "L2 miss ratio"},
                 {IV_L3_H, IV_L3_M, "L3 miss ratio"},
                 {IV_TLB_H, IV_TLB_M, "L1 dTLB miss ratio"}};

/* One line of f into *buf (without the newline); false at the end of the input. */
static bool iv_line(FILE *f, char **buf, size_t *cap, bool *oom)
{
    size_t n = 0;
    int c;
    while ((c = getc(f)) != EOF && c != '\n') {
        if (n + 1 >= *cap) {
            size_t ncap = *cap ? *cap * 2 : 1024;
            char *nb = vms_realloc(*buf, ncap);
            if (!nb) {
                *oom = true;
                return false;
            }
            *buf = nb;
            *cap = ncap;
        }
        (*buf)[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return false;
    if (!*buf) {
        *buf = vms_malloc(1);
        if (!*buf) {
            *oom = true;
            return false;
        }
        *cap = 1;
    }
    (*buf)[n] = '\0';
    return true;
}

/* The end of the CSV field at p (RFC 4180: a quoted field may hold commas and doubled
 * quotes): the comma or NUL after it, NULL for a quote never closed. */
static char *iv_field_end(char *p)
{
    if (*p != '"')
        return p + strcspn(p, ",");
    for (p++;; p++) {
        if (!*p)
            return NULL;
        if (*p == '"') {
            if (p[1] != '"')
                return *++p == ',' || !*p ? p : p + strcspn(p, ",");
            p++;
        }
    }
}

int vms_interval_plot(FILE *csv, const char *name, const struct vms_plot_opts *o, FILE *out,
                      struct vms_error *e)
{
    char *line = NULL;
    size_t cap = 0, rows = 0, rcap = 0, lineno = 1;
    bool oom = false;
    int col[IV_NCOL], rc = 0;
    double *v = NULL; /* rows x IV_NCOL running totals */
    for (int k = 0; k < IV_NCOL; k++)
        col[k] = -1;
    size_t ncols = 0;
    if (!iv_line(csv, &line, &cap, &oom)) {
        rc = oom ? err_set(e, VMS_ENOMEM, "out of memory")
                 : ferror(csv) ? err_set(e, VMS_EIO, "%s: read error", name)
                               : err_set(e, VMS_EINVAL, "%s: no --interval rows to plot", name);
        goto out;
    }
    for (char *p = line;; ncols++) {
        size_t len = strcspn(p, ",");
        for (int k = 0; k < IV_NCOL; k++)
            if (strlen(iv_keys[k]) == len && !memcmp(p, iv_keys[k], len))
                col[k] = (int)ncols;
        if (!p[len]) {
            ncols++;
            break;
        }
        p += len + 1;
    }
    if (col[IV_REFS] < 0) {
        rc = err_set(e, VMS_EINVAL, "%s:1: expected the header of --interval rows "
                     "(a 'references' column)", name);
        goto out;
    }
    while (iv_line(csv, &line, &cap, &oom)) {
        lineno++;
        if (!line[0])
            continue;
        if (rows == rcap) {
            size_t ncap = rcap ? rcap * 2 : 256;
            double *nv = vms_realloc(v, ncap * IV_NCOL * sizeof *nv);
            if (!nv) {
                oom = true;
                break;
            }
            v = nv;
            rcap = ncap;
        }
        double *row = v + rows * IV_NCOL;
        for (int k = 0; k < IV_NCOL; k++)
            row[k] = NAN;
        /* the columns the plot reads are numbers; the others (the provenance: version,
         * machine, paths, quoted lists) are skipped */
        size_t i = 0;
        for (char *p = line;; i++) {
            char *f = p, *fend = iv_field_end(p);
            int want = -1;
            for (int k = 0; k < IV_NCOL; k++)
                if (col[k] == (int)i)
                    want = k;
            if (!fend) {
                rc = err_set(e, VMS_EINVAL, "%s:%zu:%zu: expected a closing quote", name,
                             lineno, (size_t)(f - line) + 1);
                goto out;
            }
            if (want >= 0) {
                char *end;
                double x = strtod(f, &end);
                if (end == f || end != fend || !isfinite(x)) {
                    rc = err_set(e, VMS_EINVAL, "%s:%zu:%zu: expected a number", name, lineno,
                                 (size_t)(f - line) + 1);
                    goto out;
                }
                row[want] = x;
            }
            if (!*fend)
                break;
            p = fend + 1;
        }
        if (i + 1 != ncols) {
            rc = err_set(e, VMS_EINVAL, "%s:%zu: expected %zu columns as in the header, found "
                         "%zu", name, lineno, ncols, i + 1);
            goto out;
        }
        rows++;
    }
    if (oom) {
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto out;
    }
    if (ferror(csv)) {
        rc = err_set(e, VMS_EIO, "%s: read error", name);
        goto out;
    }
    if (rows == 0) {
        rc = err_set(e, VMS_EINVAL, "%s: no --interval rows to plot", name);
        goto out;
    }
    /* the series: per interval, misses / (hits + misses) of each level, faults / refs */
    enum { NC = ARRAY_LEN(iv_curves) + 1 };
    double *x = vms_malloc(rows * sizeof *x), *y = vms_malloc(NC * rows * sizeof *y);
    struct plot_series s[NC];
    size_t ns = 0;
    if (!x || !y) {
        vms_free(x);
        vms_free(y);
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < rows; r++)
        x[r] = v[r * IV_NCOL + IV_REFS];
    for (size_t c = 0; c <= ARRAY_LEN(iv_curves); c++) {
        bool fault = c == ARRAY_LEN(iv_curves);
        int a = fault ? IV_MINOR : iv_curves[c].hits, b = fault ? IV_MAJOR : iv_curves[c].misses;
        if (col[a] < 0 || col[b] < 0)
            continue;
        double *yc = y + ns * rows;
        for (size_t r = 0; r < rows; r++) {
            const double *now = v + r * IV_NCOL, *then = r ? now - IV_NCOL : NULL;
            double da = now[a] - (then ? then[a] : 0), db = now[b] - (then ? then[b] : 0);
            double dr = now[IV_REFS] - (then ? then[IV_REFS] : 0);
            double den = fault ? dr : da + db, num = fault ? da + db : db;
            yc[r] = den > 0 ? num / den : NAN;
        }
        s[ns++] = (struct plot_series){fault ? "faults per reference" : iv_curves[c].name,
                                       x, yc, rows};
    }
    struct plot p = {.title = "Miss ratio and fault rate over time",
                     .xlabel = "references",
                     .ylabel = "per interval: misses per access, faults per reference",
                     .s = s,
                     .n = ns,
                     .xscale = VMS_PLOT_LINEAR};
    rc = plot_write(out, &p, o, e);
    vms_free(x);
    vms_free(y);
out:
    vms_free(line);
    vms_free(v);
    return rc;
}
