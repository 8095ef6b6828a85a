/* `vmsim pages`: one policy over a reference string, driven through the same ops table as
 * the kernel's reclaim by the hardware emulator in sim.c; the textbook table and JSON. */
#include "base/alloc.h"
#include "policy/pmap.h"
#include "policy/sim.h"

#include <inttypes.h>
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
};

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

/* Print one row: label, then cells right-aligned in width w, trailing blanks trimmed. */
static void pages_row(FILE *f, const char *label, int lw, char **cells, size_t n, int w)
{
    size_t last = n;
    while (last > 0 && !cells[last - 1][0])
        last--;
    fprintf(f, "%-*s", lw, label);
    for (size_t i = 0; i < last; i++)
        fprintf(f, "%*s", w, cells[i]);
    fputc('\n', f);
}

static void pages_print_table(FILE *f, const struct vms_pages *p)
{
    char(*cell)[24] = vms_malloc(p->n * sizeof *cell);
    char **cells = vms_malloc(p->n * sizeof *cells);
    if (!cell || !cells) {
        vms_free(cell);
        vms_free(cells);
        fprintf(f, "(out of memory printing the table)\n");
        return;
    }
    int w = 2;
    for (size_t i = 0; i < p->n; i++) {
        int l = pages_label(cell[i], sizeof cell[i], p->orig[p->dense[i]], p->write[i]);
        if (l + 1 > w)
            w = l + 1;
        cells[i] = cell[i];
    }
    char label[32];
    snprintf(label, sizeof label, "frame %" PRIu32, p->nslots ? p->nslots - 1 : 0);
    int lw = (int)strlen(label);
    if (lw < 7)
        lw = 7; /* "evicted" */
    pages_row(f, "ref", lw, cells, p->n, w);
    for (uint32_t s = 0; s < p->nslots; s++) {
        for (size_t i = 0; i < p->n; i++) {
            uint32_t d = p->frames[i * p->nframes + s];
            if (d == SIM_NONE)
                cell[i][0] = '\0';
            else
                pages_label(cell[i], sizeof cell[i], p->orig[d], false);
        }
        snprintf(label, sizeof label, "frame %" PRIu32, s);
        pages_row(f, label, lw, cells, p->n, w);
    }
    for (size_t i = 0; i < p->n; i++)
        snprintf(cell[i], sizeof cell[i], "%s", p->hit[i] ? "" : "*");
    pages_row(f, "fault", lw, cells, p->n, w);
    bool any = false;
    for (size_t i = 0; i < p->n; i++) {
        cell[i][0] = '\0';
        if (p->evicted[i] != SIM_NONE) {
            pages_label(cell[i], sizeof cell[i], p->orig[p->evicted[i]], false);
            any = true;
        }
    }
    if (any)
        pages_row(f, "evicted", lw, cells, p->n, w);
    any = false;
    for (size_t i = 0; i < p->n; i++) {
        cell[i][0] = '\0';
        uint32_t a = p->drop_off[i], b = p->drop_off[i + 1];
        if (b > a) {
            any = true;
            /* One dropped page per reference with ws; more would not fit a column. */
            pages_label(cell[i], sizeof cell[i], p->orig[p->dropped[a]], false);
        }
    }
    if (any)
        pages_row(f, "left ws", lw, cells, p->n, w);
    vms_free(cell);
    vms_free(cells);
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
                ", \"hits\": %" PRIu64 ", \"steps\": [\n",
                p->nslots, p->n, p->faults, p->hits);
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
            fprintf(f, "]}%s\n", i + 1 < p->n ? "," : "");
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
    }
    fprintf(f, "references %zu, faults %" PRIu64 ", hits %" PRIu64 ", fault rate %.1f%%\n",
            p->n, p->faults, p->hits, 100.0 * (double)p->faults / (double)p->n);
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
