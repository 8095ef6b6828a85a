/* Joining CSV result files (one per sweep run, `vmsim merge`) into one table: the union of
 * their columns, leading parameter columns first (in the order first seen), then the
 * statistics keys in schema order, so machines with different parts line up. */
#include "report/merge.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/infile.h"
#include "report/stats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One parsed cell: its global column and text. */
struct merge_cell {
    size_t col;
    char *text;
};

struct merge_row {
    struct merge_cell *cells;
    size_t n;
    const char *file; /* where it came from (the caller's name) */
    unsigned long line;
};

struct merge_table {
    char **cols; /* global column names, in first-seen order */
    size_t ncols, ccap;
    struct merge_row *rows;
    size_t nrows, rcap;
};

static void merge_free(struct merge_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        vms_free(t->cols[i]);
    vms_free(t->cols);
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->rows[r].n; c++)
            vms_free(t->rows[r].cells[c].text);
        vms_free(t->rows[r].cells);
    }
    vms_free(t->rows);
}

/* Global index of column name, added when new; SIZE_MAX when out of memory. */
static size_t merge_col(struct merge_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i], name))
            return i;
    if (t->ncols == t->ccap) {
        size_t ncap = t->ccap ? 2 * t->ccap : 64;
        char **nc = vms_realloc(t->cols, ncap * sizeof *nc);
        if (!nc)
            return SIZE_MAX;
        t->cols = nc;
        t->ccap = ncap;
    }
    char *copy = vms_strdup(name);
    if (!copy)
        return SIZE_MAX;
    t->cols[t->ncols] = copy;
    return t->ncols++;
}

/* A record being parsed: its fields. */
struct merge_fields {
    char **f;
    size_t n, cap;
};

static void fields_clear(struct merge_fields *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        vms_free(fs->f[i]);
    fs->n = 0;
}

static int fields_push(struct merge_fields *fs, const char *s, size_t len)
{
    if (fs->n == fs->cap) {
        size_t ncap = fs->cap ? 2 * fs->cap : 64;
        char **nf = vms_realloc(fs->f, ncap * sizeof *nf);
        if (!nf)
            return -1;
        fs->f = nf;
        fs->cap = ncap;
    }
    char *c = vms_malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, s, len);
    c[len] = '\0';
    fs->f[fs->n++] = c;
    return 0;
}

/* Parses one CSV record (RFC 4180: quoted fields may hold commas, "" and line breaks)
 * starting at *pos; *line counts line breaks. 1 = a record, 0 = end of input, < 0 = error. */
static int merge_record(const char *name, const char *buf, size_t len, size_t *pos,
                        unsigned long *line, struct merge_fields *fs, char *scratch,
                        struct vms_error *e)
{
    fields_clear(fs);
    size_t p = *pos;
    if (p >= len)
        return 0;
    unsigned long start_line = *line;
    for (;;) {
        size_t n = 0;
        if (p < len && buf[p] == '"') {
            p++;
            for (;;) {
                if (p >= len)
                    return err_set(e, VMS_EINVAL, "%s:%lu: unterminated quoted field", name,
                                   start_line);
                if (buf[p] == '"') {
                    if (p + 1 < len && buf[p + 1] == '"') {
                        scratch[n++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (buf[p] == '\n')
                    (*line)++;
                scratch[n++] = buf[p++];
            }
            if (p < len && buf[p] != ',' && buf[p] != '\n' && buf[p] != '\r')
                return err_set(e, VMS_EINVAL, "%s:%lu: expected ',' or end of line after a "
                               "quoted field", name, *line);
        } else {
            while (p < len && buf[p] != ',' && buf[p] != '\n' && buf[p] != '\r') {
                if (buf[p] == '"')
                    return err_set(e, VMS_EINVAL, "%s:%lu: a quote inside an unquoted field",
                                   name, *line);
                scratch[n++] = buf[p++];
            }
        }
        if (fields_push(fs, scratch, n))
            return err_set(e, VMS_ENOMEM, "out of host memory");
        if (p < len && buf[p] == ',') {
            p++;
            continue;
        }
        if (p < len && buf[p] == '\r')
            p++;
        if (p < len && buf[p] == '\n')
            p++;
        (*line)++;
        *pos = p;
        return 1;
    }
}

/* A CSV file larger than this is refused (an endless input cannot grow the process). */
#define MERGE_MAX_BYTES ((size_t)256 << 20)

static char *merge_read_file(const char *path, size_t *len, struct vms_error *e)
{
    char *buf;
    if (infile_slurp(path, 0, "CSV file", MERGE_MAX_BYTES, &buf, len, e) < 0)
        return NULL;
    return buf;
}

/* Adds one file's header and rows (the text buf[0, len), named path) to t. */
static int merge_buffer(struct merge_table *t, const char *path, const char *buf, size_t len,
                        struct vms_error *e)
{
    char *scratch = vms_malloc(len + 1);
    struct merge_fields fs = {0};
    size_t *map = NULL, nhead = 0;
    size_t pos = 0;
    unsigned long line = 1;
    int rc = 0;
    if (!scratch) {
        rc = err_set(e, VMS_ENOMEM, "out of host memory");
        goto out;
    }
    rc = merge_record(path, buf, len, &pos, &line, &fs, scratch, e);
    if (rc <= 0) {
        if (rc == 0)
            rc = err_set(e, VMS_EINVAL, "%s: empty file, expected a CSV header", path);
        goto out;
    }
    nhead = fs.n;
    map = vms_malloc(nhead * sizeof *map);
    if (!map) {
        rc = err_set(e, VMS_ENOMEM, "out of host memory");
        goto out;
    }
    for (size_t i = 0; i < nhead; i++) {
        if (!fs.f[i][0]) {
            rc = err_set(e, VMS_EINVAL, "%s:1: column %zu has no name", path, i + 1);
            goto out;
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(fs.f[i], fs.f[j])) {
                rc = err_set(e, VMS_EINVAL, "%s:1: column '%s' appears twice", path, fs.f[i]);
                goto out;
            }
        map[i] = merge_col(t, fs.f[i]);
        if (map[i] == SIZE_MAX) {
            rc = err_set(e, VMS_ENOMEM, "out of host memory");
            goto out;
        }
    }
    for (;;) {
        unsigned long at = line;
        rc = merge_record(path, buf, len, &pos, &line, &fs, scratch, e);
        if (rc < 0)
            goto out;
        if (rc == 0)
            break;
        if (fs.n == 1 && !fs.f[0][0])
            continue; /* a blank line */
        if (fs.n != nhead) {
            rc = err_set(e, VMS_EINVAL, "%s:%lu: expected %zu fields as in the header, got %zu",
                         path, at, nhead, fs.n);
            goto out;
        }
        if (t->nrows == t->rcap) {
            size_t ncap = t->rcap ? 2 * t->rcap : 16;
            struct merge_row *nr = vms_realloc(t->rows, ncap * sizeof *nr);
            if (!nr) {
                rc = err_set(e, VMS_ENOMEM, "out of host memory");
                goto out;
            }
            t->rows = nr;
            t->rcap = ncap;
        }
        struct merge_row *r = &t->rows[t->nrows];
        r->cells = vms_malloc(nhead * sizeof *r->cells);
        if (!r->cells) {
            rc = err_set(e, VMS_ENOMEM, "out of host memory");
            goto out;
        }
        r->n = nhead;
        r->file = path;
        r->line = at;
        for (size_t i = 0; i < nhead; i++) {
            r->cells[i].col = map[i];
            r->cells[i].text = fs.f[i]; /* taken over */
        }
        fs.n = 0;
        t->nrows++;
    }
    rc = 0;
out:
    fields_clear(&fs);
    vms_free(fs.f);
    vms_free(map);
    vms_free(scratch);
    return rc;
}

static int merge_file(struct merge_table *t, const char *path, struct vms_error *e)
{
    size_t len = 0;
    char *buf = merge_read_file(path, &len, e);
    if (!buf)
        return -e->code;
    int rc = merge_buffer(t, path, buf, len, e);
    vms_free(buf);
    return rc;
}

/* Output order: a permutation of the global columns. */
struct merge_order {
    struct merge_table *t;
    size_t *order, n;
    bool *used;
};

static void merge_order_visit(void *ctx, const char *key, double v, bool integer)
{
    (void)v;
    (void)integer;
    struct merge_order *o = ctx;
    for (size_t i = 0; i < o->t->ncols; i++)
        if (!o->used[i] && !strcmp(o->t->cols[i], key)) {
            o->used[i] = true;
            o->order[o->n++] = i;
        }
}

/* Writes t to out (and frees it). */
static int merge_write(struct merge_table *t0, FILE *out, struct vms_error *e)
{
    struct merge_table t = *t0;
    int rc = 0;
    size_t *order = NULL;
    bool *used = NULL;
    order = vms_malloc((t.ncols + 1) * sizeof *order);
    used = vms_calloc(t.ncols + 1, sizeof *used);
    if (!order || !used) {
        rc = err_set(e, VMS_ENOMEM, "out of host memory");
        goto out;
    }
    struct merge_order o = {&t, order, 0, used};
    for (size_t i = 0; i < t.ncols; i++)
        if (!stats_is_key(t.cols[i])) {
            used[i] = true;
            order[o.n++] = i;
        }
    stats_all_keys(merge_order_visit, &o);
    for (size_t i = 0; i < o.n; i++) {
        if (i)
            fputc(',', out);
        stats_csv_field(out, t.cols[order[i]]);
    }
    fputc('\n', out);
    for (size_t r = 0; r < t.nrows; r++) {
        const struct merge_row *row = &t.rows[r];
        for (size_t i = 0; i < o.n; i++) {
            if (i)
                fputc(',', out);
            for (size_t c = 0; c < row->n; c++)
                if (row->cells[c].col == order[i]) {
                    stats_csv_field(out, row->cells[c].text);
                    break;
                }
        }
        fputc('\n', out);
    }
    if (fflush(out) != 0 || ferror(out))
        rc = err_set(e, VMS_EIO, "writing the merged CSV: %s", strerror(errno));
out:
    vms_free(order);
    vms_free(used);
    merge_free(&t);
    return rc;
}

/* The text of row r's cell in global column col, or NULL. */
static const char *merge_cell_text(const struct merge_row *r, size_t col)
{
    for (size_t c = 0; c < r->n; c++)
        if (r->cells[c].col == col)
            return r->cells[c].text;
    return NULL;
}

/* Rows of different vmsim versions (column vmsim.version) are not joined: -VMS_EINVAL
 * naming both. Rows without the column, or with it empty, carry no version to compare. */
static int merge_check_versions(const struct merge_table *t, struct vms_error *e)
{
    size_t col = SIZE_MAX;
    for (size_t i = 0; i < t->ncols; i++)
        if (!strcmp(t->cols[i], "vmsim.version"))
            col = i;
    if (col == SIZE_MAX)
        return 0;
    const struct merge_row *first = NULL;
    const char *v0 = NULL;
    for (size_t r = 0; r < t->nrows; r++) {
        const char *v = merge_cell_text(&t->rows[r], col);
        if (!v || !v[0])
            continue;
        if (!first) {
            first = &t->rows[r];
            v0 = v;
        } else if (strcmp(v, v0) != 0) {
            return err_set(e, VMS_EINVAL, "%s:%lu: a result of vmsim %s, but %s:%lu is of "
                           "vmsim %s: results of different versions are not joined "
                           "(--force-versions joins them)", t->rows[r].file, t->rows[r].line,
                           v, first->file, first->line, v0);
        }
    }
    return 0;
}

static int merge_finish(struct merge_table *t, unsigned flags, FILE *out, struct vms_error *e)
{
    if (!(flags & VMS_MERGE_ANY_VERSION)) {
        int rc = merge_check_versions(t, e);
        if (rc < 0) {
            merge_free(t);
            return rc;
        }
    }
    return merge_write(t, out, e);
}

int merge_csv_flags(const char *const *paths, size_t n, unsigned flags, FILE *out,
                    struct vms_error *e)
{
    struct merge_table t = {0};
    if (n == 0)
        return err_set(e, VMS_EINVAL, "no result files to merge");
    for (size_t i = 0; i < n; i++) {
        int rc = merge_file(&t, paths[i], e);
        if (rc < 0) {
            merge_free(&t);
            return rc;
        }
    }
    return merge_finish(&t, flags, out, e);
}

int merge_csv(const char *const *paths, size_t n, FILE *out, struct vms_error *e)
{
    return merge_csv_flags(paths, n, 0, out, e);
}

int merge_csv_mem(const char *const *names, const char *const *texts, const size_t *lens,
                  size_t n, FILE *out, struct vms_error *e)
{
    struct merge_table t = {0};
    if (n == 0)
        return err_set(e, VMS_EINVAL, "no result files to merge");
    for (size_t i = 0; i < n; i++) {
        int rc = merge_buffer(&t, names[i], texts[i], lens[i], e);
        if (rc < 0) {
            merge_free(&t);
            return rc;
        }
    }
    return merge_finish(&t, 0, out, e);
}

int vms_stats_merge_csv(const char *const *paths, size_t n, FILE *out, struct vms_error *e)
{
    return merge_csv(paths, n, out, e);
}

int vms_stats_merge(const char *const *paths, size_t n, unsigned flags, FILE *out,
                    struct vms_error *e)
{
    return merge_csv_flags(paths, n, flags, out, e);
}
