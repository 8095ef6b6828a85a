/* `vmsim pages`: one policy over a reference string, driven through the same ops table as
 * the kernel's reclaim by the hardware emulator in sim.c; the textbook table and JSON. */
#include "base/alloc.h"
#include "policy/pmap.h"
#include "policy/sim.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct vms_pages {
    const struct policy_ops *ops;
    uint32_t nslots;     /* slots shown: all frames, or for ws the most ever used */
    uint32_t nframes;    /* slots the policy had */
    uint64_t tau;
    bool table;          /* text output has the textbook table */
    size_t n;
    uint64_t *orig;      /* dense id -> page */
    uint32_t *dense;     /* per reference */
    bool *write, *hit;
    uint32_t *evicted;   /* per reference, dense or SIM_NONE */
    uint32_t *frames;    /* n * nframes dense ids after each reference */
    uint32_t *drop_off;  /* n + 1 offsets into dropped (ws) */
    uint32_t *dropped;
    uint64_t faults, hits;
    struct pages_state *st; /* the policy's state after every reference (opts.state) */
    unsigned width;         /* text table blocks at most this wide; 0: one block */
};

/* The policy's own rows (policy_describe) after every reference, lined up by (label,
 * index) in the order the policy emits them. */
struct pages_srow {
    const char *label; /* a literal of the policy's describe */
    uint32_t index;
    uint32_t rank;     /* of its label, for the final order */
    uint32_t *cell;    /* n offsets into pool; 0: empty */
};

#define PAGES_LABELS_MAX 32 /* distinct labels of one policy's description */

struct pages_state {
    const struct vms_pages *p;
    const struct sim *s;
    struct pages_srow *rows;
    uint32_t nrows, cap;
    char *pool;         /* cell texts, NUL-terminated; pool[0] is the empty text */
    size_t plen, pcap;
    char *note;
    size_t step;        /* the reference being described */
    uint32_t cursor;    /* the row after the last one emitted at this step */
    /* The labels in the policy's order: a new one goes after the label emitted before it
     * at the same step. */
    const char *label[PAGES_LABELS_MAX];
    uint32_t nlabels, last_label; /* last_label: position + 1 of this step's last; 0: none */
    int err;            /* 0, or -VMS_ENOMEM / -VMS_EINVAL (too large) */
};

#define PAGES_STATE_CELLS_MAX (UINT64_C(1) << 26) /* rows x references kept */

static void pages_state_free(struct pages_state *st)
{
    if (!st)
        return;
    for (uint32_t i = 0; i < st->nrows; i++)
        vms_free(st->rows[i].cell);
    vms_free(st->rows);
    vms_free(st->pool);
    vms_free(st->note);
    vms_free(st);
}

/* Keeps the order of the labels (see struct pages_state). */
static void pages_state_label(struct pages_state *st, const char *label)
{
    uint32_t j = 0;
    while (j < st->nlabels && st->label[j] != label && strcmp(st->label[j], label))
        j++;
    if (j == st->nlabels) {
        if (st->nlabels == PAGES_LABELS_MAX) {
            st->err = -VMS_EINVAL;
            return;
        }
        j = st->last_label;
        memmove(st->label + j + 1, st->label + j, (st->nlabels - j) * sizeof *st->label);
        st->label[j] = label;
        st->nlabels++;
    }
    st->last_label = j + 1;
}

static int pages_srow_cmp(const void *a, const void *b)
{
    const struct pages_srow *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    uint32_t i = x->index + 1, j = y->index + 1; /* POLICY_NO_INDEX first */
    return (i > j) - (i < j);
}

/* The rows in the policy's order: by label, then index. */
static void pages_state_sort(struct pages_state *st)
{
    for (uint32_t i = 0; i < st->nrows; i++) {
        struct pages_srow *r = &st->rows[i];
        r->rank = 0;
        while (r->rank < st->nlabels && strcmp(st->label[r->rank], r->label))
            r->rank++;
    }
    if (st->nrows > 1)
        qsort(st->rows, st->nrows, sizeof *st->rows, pages_srow_cmp);
}

/* The row (label, index), made when it is new; NULL on failure. */
static struct pages_srow *pages_state_find(struct pages_state *st, const char *label,
                                           uint32_t index)
{
    for (uint32_t k = 0; k < st->nrows; k++) {
        uint32_t i = (st->cursor + k) % st->nrows; /* usually the first one looked at */
        struct pages_srow *r = &st->rows[i];
        if (r->index == index && (r->label == label || !strcmp(r->label, label))) {
            st->cursor = i + 1;
            return r;
        }
    }
    if ((uint64_t)(st->nrows + 1) * st->p->n > PAGES_STATE_CELLS_MAX) {
        st->err = -VMS_EINVAL;
        return NULL;
    }
    if (st->nrows == st->cap) {
        uint32_t ncap = st->cap ? 2 * st->cap : 16;
        struct pages_srow *nr = vms_realloc(st->rows, ncap * sizeof *nr);
        if (!nr) {
            st->err = -VMS_ENOMEM;
            return NULL;
        }
        st->rows = nr;
        st->cap = ncap;
    }
    uint32_t *cell = vms_calloc(st->p->n, sizeof *cell);
    if (!cell) {
        st->err = -VMS_ENOMEM;
        return NULL;
    }
    st->rows[st->nrows] = (struct pages_srow){label, index, 0, cell};
    st->cursor = ++st->nrows;
    return &st->rows[st->nrows - 1];
}

static void pages_state_row(void *ctx, const char *label, uint32_t index, const char *text)
{
    struct pages_state *st = ctx;
    if (st->err)
        return;
    pages_state_label(st, label);
    struct pages_srow *r = st->err ? NULL : pages_state_find(st, label, index);
    if (!r || !text[0])
        return;
    size_t len = strnlen(text, POLICY_CELL_MAX - 1);
    if (st->plen + len + 1 > st->pcap || st->plen + len + 1 > UINT32_MAX) {
        size_t ncap = st->pcap * 2 + len + 1;
        char *np = ncap <= UINT32_MAX ? vms_realloc(st->pool, ncap) : NULL;
        if (!np) {
            st->err = -VMS_ENOMEM;
            return;
        }
        st->pool = np;
        st->pcap = ncap;
    }
    r->cell[st->step] = (uint32_t)st->plen;
    memcpy(st->pool + st->plen, text, len);
    st->pool[st->plen + len] = '\0';
    st->plen += len + 1;
}

static void pages_state_note(void *ctx, const char *text)
{
    struct pages_state *st = ctx;
    if (st->note || st->err)
        return;
    size_t len = strlen(text);
    if (!(st->note = vms_malloc(len + 1)))
        st->err = -VMS_ENOMEM;
    else
        memcpy(st->note, text, len + 1);
}

static void pages_state_page_name(void *ctx, uint64_t page, char *buf, size_t n)
{
    const struct pages_state *st = ctx;
    snprintf(buf, n, "%" PRIu64, page < st->s->npages ? st->p->orig[page] : page);
}

static uint64_t pages_state_slot_page(void *ctx, uint32_t slot)
{
    const struct pages_state *st = ctx;
    return slot < st->s->nframes && st->s->slot_page[slot] != SIM_NONE ? st->s->slot_page[slot]
                                                                       : UINT64_MAX;
}

/* Record the policy's state after reference i. */
static int pages_state_step(struct pages_state *st, size_t i, struct vms_error *e)
{
    st->step = i;
    st->cursor = 0;
    st->last_label = 0;
    struct policy_describer d = {st, pages_state_row, pages_state_note, pages_state_page_name,
                                 pages_state_slot_page};
    policy_describe(st->s->pol, &st->s->env, &d);
    if (st->err == -VMS_EINVAL)
        return err_set(e, VMS_EINVAL, "--state: the policy's state over %zu references is too "
                       "large to keep (at most %" PRIu64 " cells)", st->p->n,
                       PAGES_STATE_CELLS_MAX);
    if (st->err)
        return err_set(e, VMS_ENOMEM, "out of memory keeping the policy's state");
    return 0;
}

static void pages_info_fill(const struct policy_ops *ops, struct vms_policy_info *out)
{
    out->name = ops->name;
    out->summary = ops->summary;
    out->source = ops->source;
    out->idealized = ops->flags & POLICY_IDEALIZED;
    out->needs_future = ops->flags & POLICY_NEEDS_FUTURE;
    out->stack = ops->flags & POLICY_STACK;
    out->uses_tau = ops->flags & POLICY_NO_FRAMES;
    out->tick_period = ops->tick_period;
}

bool vms_policy_info(size_t i, struct vms_policy_info *out)
{
    const struct policy_ops *ops = policy_at(i);
    if (ops)
        pages_info_fill(ops, out);
    return ops != NULL;
}

bool vms_policy_lookup(const char *name, struct vms_policy_info *out)
{
    const struct policy_ops *ops = policy_find(name);
    if (ops)
        pages_info_fill(ops, out);
    return ops != NULL;
}

void vms_pages_destroy(struct vms_pages *p)
{
    if (!p)
        return;
    vms_free(p->orig);
    vms_free(p->dense);
    vms_free(p->write);
    vms_free(p->hit);
    vms_free(p->evicted);
    vms_free(p->frames);
    vms_free(p->drop_off);
    vms_free(p->dropped);
    pages_state_free(p->st);
    vms_free(p);
}

uint64_t vms_pages_faults(const struct vms_pages *p)
{
    return p->faults;
}

uint64_t vms_pages_hits(const struct vms_pages *p)
{
    return p->hits;
}

/* Dense renumbering in order of first reference. */
static int pages_densify(struct vms_pages *p, const struct vms_refs *r, uint32_t *npages,
                         struct vms_error *e)
{
    struct pmap m;
    if (!pmap_init(&m, 64))
        return err_set(e, VMS_ENOMEM, "out of memory");
    uint32_t nd = 0;
    for (size_t i = 0; i < r->n; i++) {
        uint32_t *v = pmap_get(&m, r->page[i]);
        if (v) {
            p->dense[i] = *v;
            continue;
        }
        if (nd == UINT32_MAX - 1 || !pmap_put(&m, r->page[i], nd)) {
            pmap_fini(&m);
            return err_set(e, VMS_ENOMEM, "out of memory");
        }
        p->orig[nd] = r->page[i];
        p->dense[i] = nd++;
    }
    pmap_fini(&m);
    *npages = nd;
    return 0;
}

int vms_pages_run(const struct vms_pages_opts *o, const struct vms_refs *r,
                  struct vms_pages **out, struct vms_error *e)
{
    *out = NULL;
    const struct policy_ops *ops = policy_find(o->policy ? o->policy : "");
    if (!ops)
        return err_set(e, VMS_EINVAL, "--policy: unknown policy '%s' (see `vmsim pages --help`)",
                       o->policy ? o->policy : "");
    bool ws = ops->flags & POLICY_NO_FRAMES;
    if (ws && o->params.tau == 0)
        return err_set(e, VMS_EINVAL, "--tau: policy %s needs a window of at least 1 reference",
                       ops->name);
    if (!ws && o->frames == 0)
        return err_set(e, VMS_EINVAL, "--frames: must be at least 1");
    if (r->n == 0)
        return err_set(e, VMS_EINVAL, "no page references given");
    if (r->n > UINT32_MAX / 2)
        return err_set(e, VMS_EINVAL, "too many references for pages (use mrc)");
    struct vms_pages *p = vms_calloc(1, sizeof *p);
    if (!p)
        return err_set(e, VMS_ENOMEM, "out of memory");
    p->ops = ops;
    p->n = r->n;
    p->tau = o->params.tau;
    p->table = o->table;
    p->width = o->width;
    p->orig = vms_malloc(r->n * sizeof *p->orig);
    p->dense = vms_malloc(r->n * sizeof *p->dense);
    p->write = vms_malloc(r->n * sizeof *p->write);
    p->hit = vms_malloc(r->n * sizeof *p->hit);
    p->evicted = vms_malloc(r->n * sizeof *p->evicted);
    p->drop_off = vms_calloc(r->n + 1, sizeof *p->drop_off);
    struct sim *s = NULL;
    int rc;
    uint32_t npages = 0;
    if (!p->orig || !p->dense || !p->write || !p->hit || !p->evicted || !p->drop_off) {
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = pages_densify(p, r, &npages, e)) < 0)
        goto fail;
    p->nframes = ws ? npages : o->frames;
    if ((uint64_t)p->nframes * r->n > (UINT64_C(1) << 28)) {
        rc = err_set(e, VMS_EINVAL, "--frames: %" PRIu32 " frames x %zu references is too "
                     "large a table for pages (use mrc)", p->nframes, r->n);
        goto fail;
    }
    p->frames = vms_malloc((size_t)p->nframes * r->n * sizeof *p->frames);
    p->dropped = vms_malloc(r->n * sizeof *p->dropped); /* at most one drop per reference */
    if (!p->frames || !p->dropped) {
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto fail;
    }
    const struct vms_policy_params *pp = &o->params;
    struct policy_params params = {.nframes = p->nframes, .seed = pp->seed ? pp->seed : 1,
                                   .tau = pp->tau, .bits = pp->bits};
    if ((rc = sim_create(ops, &params, npages, pp->tick, &s, e)) < 0)
        goto fail;
    if ((rc = sim_set_future(s, p->dense, r->n, UINT32_MAX, e)) < 0)
        goto fail;
    if (o->state) {
        if (!(p->st = vms_calloc(1, sizeof *p->st)) || !(p->st->pool = vms_malloc(256))) {
            rc = err_set(e, VMS_ENOMEM, "out of memory");
            goto fail;
        }
        p->st->p = p;
        p->st->s = s;
        p->st->pool[0] = '\0';
        p->st->plen = 1;
        p->st->pcap = 256;
    }
    uint32_t ndrop = 0, maxslot = 0;
    for (size_t i = 0; i < r->n; i++) {
        struct sim_step st;
        p->write[i] = r->write[i];
        sim_ref(s, p->dense[i], r->write[i], &st);
        p->hit[i] = st.hit;
        p->evicted[i] = st.evicted;
        for (uint32_t k = 0; k < s->ntrimmed && ndrop < r->n; k++)
            p->dropped[ndrop++] = s->trimmed[k];
        p->drop_off[i + 1] = ndrop;
        memcpy(p->frames + i * p->nframes, s->slot_page, p->nframes * sizeof *p->frames);
        for (uint32_t k = maxslot; k < p->nframes; k++)
            if (s->slot_page[k] != SIM_NONE)
                maxslot = k + 1;
        if (p->st && (rc = pages_state_step(p->st, i, e)) < 0)
            goto fail;
    }
    if (p->st) {
        p->st->s = NULL; /* the sim goes; the rows stay */
        if (!p->st->note)
            pages_state_note(p->st, "");
        if (p->st->err) {
            rc = err_set(e, VMS_ENOMEM, "out of memory keeping the policy's state");
            goto fail;
        }
        pages_state_sort(p->st);
    }
    p->nslots = ws ? maxslot : p->nframes;
    p->faults = s->faults;
    p->hits = s->hits;
    sim_destroy(s);
    *out = p;
    return 0;
fail:
    sim_destroy(s);
    vms_pages_destroy(p);
    return rc;
}

/* ---------------------------------------------------------------- printing */

static int pages_label(char *buf, size_t n, uint64_t page, bool write)
{
    return snprintf(buf, n, "%" PRIu64 "%s", page, write ? "w" : "");
}

/* The rows of the text table, top to bottom. */
enum pages_row_kind { ROW_REF, ROW_FRAME, ROW_FAULT, ROW_EVICTED, ROW_LEFT, ROW_STATE };

struct pages_trow {
    enum pages_row_kind kind;
    uint32_t k; /* the slot (ROW_FRAME) or the state row (ROW_STATE) */
    char label[48];
};

/* The cell of row r at reference i, into buf (POLICY_CELL_MAX bytes). */
static void pages_cell(const struct vms_pages *p, const struct pages_trow *r, size_t i,
                       char *buf)
{
    size_t n = POLICY_CELL_MAX;
    buf[0] = '\0';
    switch (r->kind) {
    case ROW_REF: pages_label(buf, n, p->orig[p->dense[i]], p->write[i]); break;
    case ROW_FRAME: {
        uint32_t d = p->frames[i * p->nframes + r->k];
        if (d != SIM_NONE)
            pages_label(buf, n, p->orig[d], false);
        break;
    }
    case ROW_FAULT: snprintf(buf, n, "%s", p->hit[i] ? "" : "*"); break;
    case ROW_EVICTED:
        if (p->evicted[i] != SIM_NONE)
            pages_label(buf, n, p->orig[p->evicted[i]], false);
        break;
    case ROW_LEFT:
        /* One dropped page per reference with ws; more would not fit a column. */
        if (p->drop_off[i + 1] > p->drop_off[i])
            pages_label(buf, n, p->orig[p->dropped[p->drop_off[i]]], false);
        break;
    case ROW_STATE: snprintf(buf, n, "%s", p->st->pool + p->st->rows[r->k].cell[i]); break;
    }
}

static bool pages_row_used(const struct vms_pages *p, const struct pages_trow *r)
{
    char buf[POLICY_CELL_MAX];
    for (size_t i = 0; i < p->n; i++) {
        pages_cell(p, r, i, buf);
        if (buf[0])
            return true;
    }
    return false;
}

/* Print one row of the columns [a, b): label, then cells right-aligned in width w,
 * trailing blanks trimmed. */
static void pages_print_row(FILE *f, const struct vms_pages *p, const struct pages_trow *r,
                            int lw, size_t a, size_t b, int w)
{
    char buf[POLICY_CELL_MAX];
    size_t last = b;
    while (last > a) {
        pages_cell(p, r, last - 1, buf);
        if (buf[0])
            break;
        last--;
    }
    fprintf(f, "%-*s", lw, r->label);
    for (size_t i = a; i < last; i++) {
        pages_cell(p, r, i, buf);
        fprintf(f, "%*s", w, buf);
    }
    fputc('\n', f);
}

/* "state: " and the policy's note, its words wrapped at width (0: not wrapped). */
static void pages_print_note(FILE *f, const char *note, unsigned width)
{
    fputs("\nstate:", f);
    size_t col = 6;
    for (const char *w = note; *w;) {
        while (*w == ' ')
            w++;
        size_t n = strcspn(w, " ");
        if (!n)
            break;
        if (width && col > 6 && col + 1 + n > width) {
            fputs("\n      ", f);
            col = 6;
        }
        fprintf(f, " %.*s", (int)n, w);
        col += 1 + n;
        w += n;
    }
    fputc('\n', f);
}

/* The textbook table (and the state rows under it), in blocks of columns that fit
 * p->width. */
static void pages_print_table(FILE *f, const struct vms_pages *p)
{
    uint32_t nst = p->st ? p->st->nrows : 0;
    size_t cap = (size_t)p->nslots + 4 + nst;
    struct pages_trow *rows = vms_malloc(cap * sizeof *rows);
    if (!rows) {
        fprintf(f, "(out of memory printing the table)\n");
        return;
    }
    size_t nr = 0;
    rows[nr++] = (struct pages_trow){ROW_REF, 0, "ref"};
    for (uint32_t s = 0; s < p->nslots; s++) {
        rows[nr] = (struct pages_trow){ROW_FRAME, s, ""};
        snprintf(rows[nr++].label, sizeof rows->label, "frame %" PRIu32, s);
    }
    rows[nr++] = (struct pages_trow){ROW_FAULT, 0, "fault"};
    rows[nr] = (struct pages_trow){ROW_EVICTED, 0, "evicted"};
    nr += pages_row_used(p, &rows[nr]);
    rows[nr] = (struct pages_trow){ROW_LEFT, 0, "left ws"};
    nr += pages_row_used(p, &rows[nr]);
    for (uint32_t k = 0; k < nst; k++) {
        const struct pages_srow *sr = &p->st->rows[k];
        rows[nr] = (struct pages_trow){ROW_STATE, k, ""};
        if (sr->index == POLICY_NO_INDEX)
            snprintf(rows[nr].label, sizeof rows->label, "%s", sr->label);
        else
            snprintf(rows[nr].label, sizeof rows->label, "%s %" PRIu32, sr->label, sr->index);
        nr += pages_row_used(p, &rows[nr]); /* a row never filled is left out */
    }
    /* every column as wide as the widest cell plus one blank, at least 2 */
    int w = 2, lw = 7; /* "evicted" */
    char buf[POLICY_CELL_MAX];
    for (size_t r = 0; r < nr; r++) {
        int l = (int)strlen(rows[r].label);
        if (l > lw)
            lw = l;
        for (size_t i = 0; i < p->n; i++) {
            pages_cell(p, &rows[r], i, buf);
            if ((int)strlen(buf) + 1 > w)
                w = (int)strlen(buf) + 1;
        }
    }
    size_t per = p->n;
    if (p->width) {
        per = p->width > (unsigned)lw + (unsigned)w ? (p->width - (unsigned)lw) / (unsigned)w : 1;
        if (per > p->n)
            per = p->n;
    }
    for (size_t a = 0; a < p->n; a += per) {
        size_t b = a + per < p->n ? a + per : p->n;
        if (per < p->n) /* more than one block: say which references each one holds */
            fprintf(f, "%sreferences %zu to %zu\n", a ? "\n" : "", a + 1, b);
        for (size_t r = 0; r < nr; r++)
            pages_print_row(f, p, &rows[r], lw, a, b, w);
    }
    if (p->st && p->st->note && p->st->note[0])
        pages_print_note(f, p->st->note, p->width);
    vms_free(rows);
}

/* The policy's rows at step i as one JSON object (only the rows it emitted). */
static void pages_json_state(FILE *f, const struct vms_pages *p, size_t i)
{
    fprintf(f, ", \"state\": {");
    bool first = true;
    for (uint32_t k = 0; k < p->st->nrows; k++) {
        const struct pages_srow *sr = &p->st->rows[k];
        if (!sr->cell[i])
            continue;
        fprintf(f, "%s\"%s", first ? "" : ", ", sr->label);
        if (sr->index != POLICY_NO_INDEX)
            fprintf(f, " %" PRIu32, sr->index);
        fprintf(f, "\": \"%s\"", p->st->pool + sr->cell[i]);
        first = false;
    }
    fprintf(f, "}");
}

int vms_pages_print(const struct vms_pages *p, FILE *f, enum vms_format fmt,
                    struct vms_error *e)
{
    if (fmt != VMS_TEXT && fmt != VMS_JSON)
        return err_set(e, VMS_EINVAL, "pages: no %s output", fmt == VMS_CSV ? "CSV" : "such");
    bool ws = p->ops->flags & POLICY_NO_FRAMES;
    if (fmt == VMS_JSON) {
        fprintf(f, "{\"policy\": \"%s\", ", p->ops->name);
        if (ws)
            fprintf(f, "\"tau\": %" PRIu64 ", ", p->tau);
        fprintf(f,
                "\"frames\": %" PRIu32 ", \"references\": %zu, \"faults\": %" PRIu64
                ", \"hits\": %" PRIu64 ", ",
                p->nslots, p->n, p->faults, p->hits);
        if (p->st) /* the note is a literal of the policy's: no character needs escaping */
            fprintf(f, "\"state_note\": \"%s\", ", p->st->note ? p->st->note : "");
        fprintf(f, "\"steps\": [\n");
        for (size_t i = 0; i < p->n; i++) {
            fprintf(f, "  {\"page\": %" PRIu64 ", \"write\": %s, \"hit\": %s, \"evicted\": ",
                    p->orig[p->dense[i]], p->write[i] ? "true" : "false",
                    p->hit[i] ? "true" : "false");
            if (p->evicted[i] == SIM_NONE)
                fprintf(f, "null");
            else
                fprintf(f, "%" PRIu64, p->orig[p->evicted[i]]);
            if (ws) {
                fprintf(f, ", \"dropped\": [");
                for (uint32_t k = p->drop_off[i]; k < p->drop_off[i + 1]; k++)
                    fprintf(f, "%s%" PRIu64, k > p->drop_off[i] ? ", " : "",
                            p->orig[p->dropped[k]]);
                fprintf(f, "]");
            }
            fprintf(f, ", \"frames\": [");
            for (uint32_t s = 0; s < p->nslots; s++) {
                uint32_t d = p->frames[i * p->nframes + s];
                if (s)
                    fprintf(f, ", ");
                if (d == SIM_NONE)
                    fprintf(f, "null");
                else
                    fprintf(f, "%" PRIu64, p->orig[d]);
            }
            fprintf(f, "]");
            if (p->st)
                pages_json_state(f, p, i);
            fprintf(f, "}%s\n", i + 1 < p->n ? "," : "");
        }
        fprintf(f, "]}\n");
        return ferror(f) ? err_set(e, VMS_EIO, "write error") : 0;
    }
    if (ws)
        fprintf(f, "%s with tau %" PRIu64 " (at most %" PRIu32 " frames used)\n\n", p->ops->name,
                p->tau, p->nslots);
    else
        fprintf(f, "%s with %" PRIu32 " frame%s\n\n", p->ops->name, p->nframes,
                p->nframes == 1 ? "" : "s");
    if (p->table) {
        pages_print_table(f, p);
        fputc('\n', f);
    } else {
        fprintf(f, "(the table of %zu references is left out: --table prints it)\n\n", p->n);
    }
    fprintf(f, "references %zu, faults %" PRIu64 ", hits %" PRIu64 ", fault rate %.1f%%\n",
            p->n, p->faults, p->hits, 100.0 * (double)p->faults / (double)p->n);
    return ferror(f) ? err_set(e, VMS_EIO, "write error") : 0;
}

/* ---------------------------------------------------------------- Belady's sweep */

struct vms_pages_sweep {
    const struct policy_ops *ops;
    size_t n;          /* references */
    uint32_t distinct; /* pages */
    uint32_t max;      /* frame counts 1 .. max */
    uint64_t *faults;  /* faults[k - 1]: with k frames */
};

#define PAGES_SWEEP_WORK_MAX (UINT64_C(1) << 31) /* frame counts x references */

void vms_pages_sweep_destroy(struct vms_pages_sweep *s)
{
    if (!s)
        return;
    vms_free(s->faults);
    vms_free(s);
}

uint32_t vms_pages_sweep_max(const struct vms_pages_sweep *s)
{
    return s->max;
}

uint64_t vms_pages_sweep_faults(const struct vms_pages_sweep *s, uint32_t k)
{
    return k >= 1 && k <= s->max ? s->faults[k - 1] : 0;
}

int vms_pages_sweep(const struct vms_pages_opts *o, const struct vms_refs *r,
                    uint32_t max_frames, struct vms_pages_sweep **out, struct vms_error *e)
{
    *out = NULL;
    const struct policy_ops *ops = policy_find(o->policy ? o->policy : "");
    if (!ops)
        return err_set(e, VMS_EINVAL, "--policy: unknown policy '%s' (see `vmsim pages --help`)",
                       o->policy ? o->policy : "");
    if (ops->flags & POLICY_NO_FRAMES)
        return err_set(e, VMS_EINVAL, "--belady: %s sizes itself by --tau, not by frames",
                       ops->name);
    if (r->n == 0)
        return err_set(e, VMS_EINVAL, "no page references given");
    if (r->n > UINT32_MAX / 2)
        return err_set(e, VMS_EINVAL, "too many references for pages (use mrc)");
    struct vms_pages *p = vms_calloc(1, sizeof *p); /* for the dense renumbering only */
    struct vms_pages_sweep *sw = vms_calloc(1, sizeof *sw);
    struct sim *s = NULL;
    int rc = 0;
    if (!p || !sw || !(p->orig = vms_malloc(r->n * sizeof *p->orig)) ||
        !(p->dense = vms_malloc(r->n * sizeof *p->dense))) {
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto done;
    }
    uint32_t npages;
    if ((rc = pages_densify(p, r, &npages, e)) < 0)
        goto done;
    sw->ops = ops;
    sw->n = r->n;
    sw->distinct = npages;
    sw->max = max_frames ? max_frames : npages;
    if ((uint64_t)sw->max * r->n > PAGES_SWEEP_WORK_MAX) {
        rc = err_set(e, VMS_EINVAL, "--belady: %" PRIu32 " frame counts x %zu references is too "
                     "large a sweep for pages (use mrc)", sw->max, r->n);
        goto done;
    }
    if (!(sw->faults = vms_calloc(sw->max, sizeof *sw->faults))) {
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto done;
    }
    const struct vms_policy_params *pp = &o->params;
    for (uint32_t k = 1; k <= sw->max; k++) {
        struct policy_params params = {.nframes = k, .seed = pp->seed ? pp->seed : 1,
                                       .tau = pp->tau, .bits = pp->bits};
        if ((rc = sim_create(ops, &params, npages, pp->tick, &s, e)) < 0 ||
            (rc = sim_set_future(s, p->dense, r->n, UINT32_MAX, e)) < 0)
            goto done;
        for (size_t i = 0; i < r->n; i++)
            sim_ref(s, p->dense[i], r->write[i], NULL);
        sw->faults[k - 1] = s->faults;
        sim_destroy(s);
        s = NULL;
    }
done:
    sim_destroy(s);
    vms_pages_destroy(p);
    if (rc < 0)
        vms_pages_sweep_destroy(sw);
    else
        *out = sw;
    return rc;
}

int vms_pages_sweep_print(const struct vms_pages_sweep *s, FILE *f, enum vms_format fmt,
                          struct vms_error *e)
{
    if (fmt != VMS_TEXT && fmt != VMS_JSON)
        return err_set(e, VMS_EINVAL, "pages --belady: no %s output",
                       fmt == VMS_CSV ? "CSV" : "such");
    if (fmt == VMS_JSON) {
        fprintf(f, "{\"policy\": \"%s\", \"references\": %zu, \"distinct\": %" PRIu32
                ", \"sweep\": [\n", s->ops->name, s->n, s->distinct);
        for (uint32_t k = 1; k <= s->max; k++)
            fprintf(f, "  {\"frames\": %" PRIu32 ", \"faults\": %" PRIu64 ", \"hits\": %" PRIu64
                    ", \"more_faults\": %s}%s\n", k, s->faults[k - 1], s->n - s->faults[k - 1],
                    k > 1 && s->faults[k - 1] > s->faults[k - 2] ? "true" : "false",
                    k < s->max ? "," : "");
        fprintf(f, "], \"anomalies\": [");
        bool first = true;
        for (uint32_t k = 2; k <= s->max; k++)
            if (s->faults[k - 1] > s->faults[k - 2]) {
                fprintf(f, "%s%" PRIu32, first ? "" : ", ", k);
                first = false;
            }
        fprintf(f, "]}\n");
        return ferror(f) ? err_set(e, VMS_EIO, "write error") : 0;
    }
    fprintf(f, "%s with 1 to %" PRIu32 " frames (%" PRIu32 " distinct pages, %zu references)\n\n",
            s->ops->name, s->max, s->distinct, s->n);
    fprintf(f, "frames  faults    hits  fault rate\n");
    uint32_t nanom = 0;
    for (uint32_t k = 1; k <= s->max; k++) {
        uint64_t fl = s->faults[k - 1];
        fprintf(f, "%6" PRIu32 "  %6" PRIu64 "  %6" PRIu64 "  %9.1f%%", k, fl, s->n - fl,
                100.0 * (double)fl / (double)s->n);
        if (k > 1 && fl > s->faults[k - 2]) {
            fprintf(f, "  <- more faults than with %" PRIu32 " frame%s", k - 1,
                    k - 1 == 1 ? "" : "s");
            nanom++;
        }
        fputc('\n', f);
    }
    fputc('\n', f);
    if (!nanom) {
        fprintf(f, "no anomaly: more frames never gave more faults\n");
    } else {
        fprintf(f, "Belady's anomaly: more frames gave more faults at");
        for (uint32_t k = 2, i = 0; k <= s->max; k++)
            if (s->faults[k - 1] > s->faults[k - 2])
                fprintf(f, "%s %" PRIu32 " frames (%" PRIu64 " faults, %" PRIu64 " with %" PRIu32
                        ")", i++ ? "," : "", k, s->faults[k - 1], s->faults[k - 2], k - 1);
        fputc('\n', f);
    }
    return ferror(f) ? err_set(e, VMS_EIO, "write error") : 0;
}

size_t vms_pages_step(const struct vms_pages *p, size_t i, bool *hit, uint64_t *frames,
                      size_t n)
{
    if (i >= p->n)
        return p->nslots;
    *hit = p->hit[i];
    for (uint32_t s = 0; s < p->nslots && s < n; s++) {
        uint32_t d = p->frames[i * p->nframes + s];
        frames[s] = d == SIM_NONE ? VMS_PAGES_EMPTY : p->orig[d];
    }
    return p->nslots;
}
