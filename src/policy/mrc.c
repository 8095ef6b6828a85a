/* Miss-ratio curves (vms_mrc_*): one pass for stack algorithms, per-size simulation of
 * any other policy in parallel with pthreads, optional SHARDS sampling (Waldspurger et
 * al., FAST 2015). The input is a stream of page touches: begin, touch(page, write), end;
 * pages are renumbered densely in order of first touch. */
#include "policy/mrc.h"

#include "base/alloc.h"
#include "base/err.h"
#include "policy/pmap.h"
#include "policy/sim.h"
#include "report/plot.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- one-pass LRU */

bool mrc_lru_init(struct mrc_lru *l)
{
    memset(l, 0, sizeof *l);
    l->W = 1u << 11;
    l->owner = vms_malloc(l->W * sizeof *l->owner);
    l->tree = vms_calloc(2 * (size_t)l->W, sizeof *l->tree);
    if (!l->owner || !l->tree) {
        mrc_lru_fini(l);
        return false;
    }
    for (uint32_t i = 0; i < l->W; i++)
        l->owner[i] = MRC_NONE;
    return true;
}

void mrc_lru_fini(struct mrc_lru *l)
{
    vms_free(l->last);
    vms_free(l->owner);
    vms_free(l->tree);
    vms_free(l->hist);
    memset(l, 0, sizeof *l);
}

static void mrc_lru_compact(struct mrc_lru *l);

bool mrc_lru_reserve(struct mrc_lru *l, size_t n)
{
    if (n <= l->npages)
        return true;
    size_t cap = l->npages ? l->npages : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *last = vms_realloc(l->last, cap * sizeof *last);
    if (!last)
        return false;
    l->last = last;
    uint64_t *hist = vms_realloc(l->hist, (cap + 2) * sizeof *hist);
    if (!hist)
        return false;
    l->hist = hist;
    for (size_t i = l->npages; i < cap; i++)
        l->last[i] = MRC_NONE;
    size_t from = l->npages ? l->npages + 2 : 0;
    memset(l->hist + from, 0, (cap + 2 - from) * sizeof *hist);
    l->npages = cap;
    if ((uint64_t)n * 2 > l->W) { /* grow the window, then rebuild the tree at its size */
        uint64_t nw = l->W;
        while ((uint64_t)n * 2 > nw)
            nw *= 2;
        if (nw > UINT32_MAX / 2)
            return false;
        uint32_t *owner = vms_realloc(l->owner, (size_t)nw * sizeof *owner);
        if (!owner)
            return false;
        l->owner = owner;
        uint32_t *tree = vms_realloc(l->tree, 2 * (size_t)nw * sizeof *tree);
        if (!tree)
            return false;
        l->tree = tree;
        l->W = (uint32_t)nw;
        mrc_lru_compact(l);
    }
    return true;
}

/* Renumber the live marks 0..live-1 in time order and rebuild the tree in O(W).
 * mrc_lru_reserve keeps W >= 2 * live, so a compaction frees at least half the window. */
static void mrc_lru_compact(struct mrc_lru *l)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < l->t; i++) {
        uint32_t pg = l->owner[i];
        if (pg != MRC_NONE) {
            l->owner[j] = pg;
            l->last[pg] = j;
            j++;
        }
    }
    for (uint32_t i = j; i < l->W; i++)
        l->owner[i] = MRC_NONE;
    uint32_t *tree = l->tree, W = l->W;
    for (uint32_t i = 0; i < W; i++)
        tree[W + i] = i < j;
    for (uint32_t k = W; k-- > 1;)
        tree[k] = tree[2 * k] + tree[2 * k + 1];
    l->t = j;
}

/* The tree is a complete binary counting tree over the W times (leaves W..2W-1, root 1).
 * Moving a page's mark from its last time lp to now (t) changes only the nodes below the
 * lowest common ancestor of the two leaves (above it the -1 and +1 cancel), and no mark
 * lies after t, so the count of later marks is complete there too: a touch costs
 * O(log(t - lp)), at most O(log W). A repeated touch of the most recent page costs O(1). */
uint32_t mrc_lru_touch(struct mrc_lru *l, uint32_t d)
{
    uint32_t lp = l->last[d];
    if (lp != MRC_NONE && lp + 1 == l->t) { /* the top of the stack: nothing moves */
        l->hist[1]++;
        return 1;
    }
    if (UNLIKELY(l->t == l->W)) {
        mrc_lru_compact(l);
        lp = l->last[d];
    }
    uint32_t *tree = l->tree;
    uint32_t b = l->W + l->t;
    if (lp == MRC_NONE) {
        l->cold++;
        l->live++;
        for (; b; b >>= 1)
            tree[b]++;
        l->owner[l->t] = d;
        l->last[d] = l->t++;
        return 0;
    }
    uint32_t a = l->W + lp, later = 0;
    tree[a]--;
    tree[b]++;
    while ((a >> 1) != (b >> 1)) {
        later += tree[a ^ 1] & (0u - ((a & 1) ^ 1)); /* right sibling of a left child */
        a >>= 1;
        b >>= 1;
        tree[a]--;
        tree[b]++;
    }
    later += tree[b] - 1; /* a and b are siblings now: b holds the marks up to t */
    uint32_t dist = later + 1;
    l->hist[dist]++;
    l->owner[lp] = MRC_NONE;
    l->owner[l->t] = d;
    l->last[d] = l->t++;
    return dist;
}

/* faults(c) = cold + touches at distance > c, from suffix sums of hist[1..maxd]. */
static void mrc_hist_faults(const uint64_t *hist, size_t maxd, uint64_t cold,
                            const uint32_t *sizes, size_t nsizes, uint64_t *faults)
{
    uint64_t *beyond = vms_malloc((maxd + 2) * sizeof *beyond);
    if (beyond) {
        beyond[maxd + 1] = 0;
        for (size_t d = maxd + 1; d-- > 0;)
            beyond[d] = beyond[d + 1] + (d + 1 <= maxd ? hist[d + 1] : 0);
        /* beyond[c] = sum of hist[d] for d > c */
        for (size_t i = 0; i < nsizes; i++)
            faults[i] = cold + (sizes[i] <= maxd ? beyond[sizes[i]] : 0);
        vms_free(beyond);
        return;
    }
    for (size_t i = 0; i < nsizes; i++) { /* out of memory: the slow way */
        uint64_t f = cold;
        for (size_t d = (size_t)sizes[i] + 1; d <= maxd; d++)
            f += hist[d];
        faults[i] = f;
    }
}

void mrc_lru_faults(const struct mrc_lru *l, const uint32_t *sizes, size_t nsizes,
                    uint64_t *faults)
{
    mrc_hist_faults(l->hist, l->npages ? l->npages : 0, l->cold, sizes, nsizes, faults);
}

/* ---------------------------------------------------------------- priority stacks */

/* Mattson's push-down for a priority algorithm: the referenced page goes on top; the page
 * pushed down competes at each position with the page there, the one of lower priority
 * moving on, until the hole the referenced page left (or the new bottom). */
int mrc_priority_pass(const uint32_t *stream, size_t n, uint32_t npages, bool lfu,
                      uint64_t *hist, uint64_t *cold)
{
    uint32_t *stack = vms_malloc(((size_t)npages + 1) * sizeof *stack);
    uint32_t *pos = vms_malloc(((size_t)npages + 1) * sizeof *pos);
    uint64_t *prio = vms_calloc((size_t)npages + 1, sizeof *prio);
    uint32_t *next = NULL;
    if (!stack || !pos || !prio)
        goto oom;
    if (!lfu) {
        /* next[i]: position of the next touch of the same page, or n (never). */
        next = vms_malloc((n ? n : 1) * sizeof *next);
        if (!next)
            goto oom;
        memset(pos, 0xff, ((size_t)npages + 1) * sizeof *pos); /* scratch: last seen */
        for (size_t i = n; i-- > 0;) {
            uint32_t pg = stream[i] & 0x7fffffffu;
            next[i] = pos[pg] == MRC_NONE ? (uint32_t)n : pos[pg];
            pos[pg] = (uint32_t)i;
        }
    }
    memset(pos, 0xff, ((size_t)npages + 1) * sizeof *pos);
    uint32_t size = 0;
    *cold = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t x = stream[i] & 0x7fffffffu;
        /* Larger priority = keep longer. OPT: sooner next use; LFU: (count, recency). */
        if (lfu)
            prio[x] = ((prio[x] >> 32) + 1) << 32 | (uint32_t)i;
        else
            prio[x] = (uint64_t)n - next[i];
        uint32_t d = pos[x];
        uint32_t limit;
        if (d == MRC_NONE) {
            (*cold)++;
            limit = size++;
        } else {
            hist[d + 1]++;
            limit = d;
        }
        if (limit == 0) {
            stack[0] = x;
            pos[x] = 0;
            continue;
        }
        uint32_t y = stack[0];
        stack[0] = x;
        pos[x] = 0;
        uint64_t py = prio[y];
        for (uint32_t j = 1; j < limit; j++) {
            uint32_t z = stack[j];
            if (py > prio[z]) { /* y stays here, z moves on */
                stack[j] = y;
                pos[y] = j;
                y = z;
                py = prio[z];
            }
        }
        stack[limit] = y;
        pos[y] = limit;
    }
    vms_free(stack);
    vms_free(pos);
    vms_free(prio);
    vms_free(next);
    return 0;
oom:
    vms_free(stack);
    vms_free(pos);
    vms_free(prio);
    vms_free(next);
    return -VMS_ENOMEM;
}

/* ---------------------------------------------------------------- the engine */

#define MRC_DCACHE 4096 /* power of two */

enum mrc_method { MRC_LRU_ONEPASS, MRC_PRIO_ONEPASS, MRC_SIMULATE, MRC_SHARDS };

struct mrc_curve {
    char name[48];
    const struct policy_ops *ops; /* NULL for the SHARDS estimate */
    enum mrc_method method;
    uint64_t *faults;             /* per reported size */
};

struct vms_mrc {
    struct vms_mrc_opts o;
    struct mrc_curve *curves;
    size_t ncurves;
    uint32_t *sizes;
    size_t nsizes;
    bool all_sizes;
    size_t clamped; /* requested sizes above the footprint, left out (see mrc_clamp_sizes) */
    struct pmap ids;
    /* direct-mapped cache of page -> dense id in front of ids (dense MRC_NONE: empty) */
    struct {
        uint64_t page;
        uint32_t dense;
    } dcache[MRC_DCACHE];
    uint32_t npages;
    uint64_t nrefs;
    bool need_lru, keep_stream, finished;
    struct mrc_lru lru;
    uint32_t *stream;
    size_t slen, scap;
    /* SHARDS: spatially sampled LRU over pages whose hash falls under the threshold */
    struct mrc_lru shards;
    uint64_t shards_threshold, shards_refs;
    double shards_mae, shards_max;
};

void vms_mrc_destroy(struct vms_mrc *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ncurves; i++)
        vms_free(m->curves[i].faults);
    vms_free(m->curves);
    vms_free(m->sizes);
    vms_free(m->stream);
    pmap_fini(&m->ids);
    mrc_lru_fini(&m->lru);
    mrc_lru_fini(&m->shards);
    vms_free(m);
}

static int mrc_add_curve(struct vms_mrc *m, const struct policy_ops *ops, const char *name,
                         enum mrc_method method, struct vms_error *e)
{
    struct mrc_curve *c = vms_realloc(m->curves, (m->ncurves + 1) * sizeof *c);
    if (!c)
        return err_set(e, VMS_ENOMEM, "out of memory");
    m->curves = c;
    c = &m->curves[m->ncurves++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->ops = ops;
    c->method = method;
    if (method == MRC_LRU_ONEPASS || method == MRC_SHARDS)
        m->need_lru = true;
    else
        m->keep_stream = true;
    return 0;
}

int vms_mrc_create(const struct vms_mrc_opts *o, struct vms_mrc **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_mrc *m = vms_calloc(1, sizeof *m);
    if (!m)
        return err_set(e, VMS_ENOMEM, "out of memory");
    m->o = *o;
    m->o.sizes = NULL;
    int rc = 0;
    if (!pmap_init(&m->ids, 1024) || !mrc_lru_init(&m->lru) || !mrc_lru_init(&m->shards)) {
        rc = err_set(e, VMS_ENOMEM, "out of memory");
        goto fail;
    }
    const char *list = o->policies && o->policies[0] ? o->policies : "lru";
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char name[48];
        if (len == 0 || len >= sizeof name) {
            rc = err_set(e, VMS_EINVAL, "--policy: unknown policy '%.*s' (see `vmsim pages "
                         "--help`)", (int)(len > 40 ? 40 : len), p);
            goto fail;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        const struct policy_ops *ops = policy_find(name);
        if (!ops) {
            rc = err_set(e, VMS_EINVAL, "--policy: unknown policy '%s' (see `vmsim pages "
                         "--help`)", name);
            goto fail;
        }
        if (ops->flags & POLICY_NO_FRAMES) {
            rc = err_set(e, VMS_EINVAL, "--policy: %s sizes itself by tau, not frames; "
                         "see `vmsim pages --ws-series`", name);
            goto fail;
        }
        enum mrc_method method = MRC_SIMULATE;
        if ((ops->flags & POLICY_STACK) && !o->simulate)
            method = !strcmp(name, "lru") ? MRC_LRU_ONEPASS : MRC_PRIO_ONEPASS;
        if ((rc = mrc_add_curve(m, ops, name, method, e)) < 0)
            goto fail;
        p += len;
        if (*p == ',')
            p++;
    }
    if (o->shards_rate > 0) {
        if (o->shards_rate > 1) {
            rc = err_set(e, VMS_EINVAL, "--shards: the sampling rate is in (0, 1]");
            goto fail;
        }
        char name[48];
        snprintf(name, sizeof name, "lru-shards-%g", o->shards_rate);
        if ((rc = mrc_add_curve(m, NULL, name, MRC_SHARDS, e)) < 0)
            goto fail;
        m->shards_threshold = (uint64_t)(o->shards_rate * (double)(UINT64_C(1) << 24));
    }
    if (o->sizes && o->nsizes) {
        m->sizes = vms_malloc(o->nsizes * sizeof *m->sizes);
        if (!m->sizes) {
            rc = err_set(e, VMS_ENOMEM, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < o->nsizes; i++) {
            if (o->sizes[i] == 0) {
                rc = err_set(e, VMS_EINVAL, "--sizes: frame counts must be at least 1");
                goto fail;
            }
            m->sizes[i] = o->sizes[i];
        }
        m->nsizes = o->nsizes;
    } else {
        m->all_sizes = true;
    }
    for (size_t i = 0; i < MRC_DCACHE; i++)
        m->dcache[i].dense = MRC_NONE;
    *out = m;
    return 0;
fail:
    vms_mrc_destroy(m);
    return rc;
}

/* One touch (vms_mrc_touch), inlined into the record loop too. */
static inline int mrc_touch(struct vms_mrc *m, uint64_t page, bool write)
{
    uint32_t d;
    size_t ci = (size_t)(page ^ (page >> 12) ^ (page >> 24)) & (MRC_DCACHE - 1);
    if (LIKELY(m->dcache[ci].page == page && m->dcache[ci].dense != MRC_NONE)) {
        d = m->dcache[ci].dense;
    } else {
        uint32_t *v = pmap_get(&m->ids, page);
        if (v) {
            d = *v;
        } else {
            d = m->npages;
            if (d >= 0x7fffffffu || !pmap_put(&m->ids, page, d) ||
                !mrc_lru_reserve(&m->lru, (size_t)d + 1) ||
                (m->shards_threshold && !mrc_lru_reserve(&m->shards, (size_t)d + 1)))
                return -VMS_ENOMEM;
            m->npages++;
        }
        m->dcache[ci].page = page;
        m->dcache[ci].dense = d;
    }
    m->nrefs++;
    if (m->need_lru)
        mrc_lru_touch(&m->lru, d);
    if (m->shards_threshold && (pmap_hash(page ^ UINT64_C(0x5bd1e995)) & 0xffffff) <
                                   m->shards_threshold) {
        m->shards_refs++;
        mrc_lru_touch(&m->shards, d);
    }
    if (m->keep_stream) {
        if (UNLIKELY(m->slen == m->scap)) {
            size_t ncap = m->scap ? m->scap * 2 : 1u << 16;
            uint32_t *ns = vms_realloc(m->stream, ncap * sizeof *ns);
            if (!ns)
                return -VMS_ENOMEM;
            m->stream = ns;
            m->scap = ncap;
        }
        m->stream[m->slen++] = d | (write ? 0x80000000u : 0);
    }
    return 0;
}

int vms_mrc_touch(struct vms_mrc *m, uint64_t page, bool write)
{
    return mrc_touch(m, page, write);
}

int vms_mrc_touch_records(struct vms_mrc *m, const struct vms_trace_rec *recs, size_t n,
                          uint64_t page_size)
{
    if (page_size == 0 || (page_size & (page_size - 1)))
        return -VMS_EINVAL;
    unsigned shift = 0;
    while ((UINT64_C(1) << shift) != page_size)
        shift++;
    for (size_t i = 0; i < n; i++) {
        const struct vms_trace_rec *r = &recs[i];
        uint64_t span = r->size ? r->size - 1 : 0;
        uint64_t first = r->addr >> shift;
        uint64_t last = (r->addr > UINT64_MAX - span ? UINT64_MAX : r->addr + span) >> shift;
        bool store = r->kind == VMS_TRACE_S;
        if (first == last) { /* the common case: one page */
            if (mrc_touch(m, first, store) < 0)
                return -VMS_ENOMEM;
            if (r->kind == VMS_TRACE_M && mrc_touch(m, first, true) < 0)
                return -VMS_ENOMEM;
            continue;
        }
        for (int pass = 0; pass < (r->kind == VMS_TRACE_M ? 2 : 1); pass++)
            for (uint64_t pg = first;; pg++) {
                if (mrc_touch(m, pg, store || pass == 1) < 0)
                    return -VMS_ENOMEM;
                if (pg == last)
                    break;
            }
    }
    return 0;
}

/* Per-size simulation: jobs (curve, size) handed out to worker threads. */
struct mrc_jobs {
    struct vms_mrc *m;
    pthread_mutex_t lock;
    size_t next, njobs, done;
    size_t *job_curve, *job_size;
    int rc;
    struct vms_error err;
};

static void *mrc_worker(void *arg)
{
    struct mrc_jobs *j = arg;
    struct vms_mrc *m = j->m;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t k = j->next < j->njobs && j->rc == 0 ? j->next++ : SIZE_MAX;
        pthread_mutex_unlock(&j->lock);
        if (k == SIZE_MAX)
            return NULL;
        struct mrc_curve *c = &m->curves[j->job_curve[k]];
        uint32_t frames = m->sizes[j->job_size[k]];
        const struct vms_policy_params *pp = &m->o.params;
        struct policy_params params = {.nframes = frames, .seed = pp->seed ? pp->seed : 1,
                                       .tau = pp->tau, .bits = pp->bits};
        struct sim *s = NULL;
        struct vms_error e = {0};
        int rc = sim_create(c->ops, &params, m->npages, m->o.params.tick, &s, &e);
        if (rc == 0)
            rc = sim_set_future(s, m->stream, m->slen, 0x7fffffffu, &e);
        if (rc == 0) {
            const uint32_t *st = m->stream;
            for (size_t i = 0, n = m->slen; i < n; i++)
                sim_ref(s, st[i] & 0x7fffffffu, st[i] >> 31, NULL);
            c->faults[j->job_size[k]] = s->faults;
        }
        sim_destroy(s);
        if (rc < 0 || m->o.progress) {
            pthread_mutex_lock(&j->lock);
            if (rc < 0 && j->rc == 0) {
                j->rc = rc;
                j->err = e;
            }
            if (rc == 0 && m->o.progress)
                m->o.progress(m->o.progress_ctx, ++j->done, j->njobs);
            pthread_mutex_unlock(&j->lock);
        }
    }
}

static int mrc_simulate(struct vms_mrc *m, struct vms_error *e)
{
    struct mrc_jobs j = {.m = m};
    for (size_t c = 0; c < m->ncurves; c++)
        if (m->curves[c].method == MRC_SIMULATE)
            j.njobs += m->nsizes;
    if (!j.njobs)
        return 0;
    j.job_curve = vms_malloc(j.njobs * sizeof *j.job_curve);
    j.job_size = vms_malloc(j.njobs * sizeof *j.job_size);
    if (!j.job_curve || !j.job_size) {
        vms_free(j.job_curve);
        vms_free(j.job_size);
        return err_set(e, VMS_ENOMEM, "out of memory");
    }
    /* Largest sizes first: they are the slowest for scanning policies. */
    size_t k = 0;
    for (size_t c = 0; c < m->ncurves; c++)
        if (m->curves[c].method == MRC_SIMULATE)
            for (size_t s = m->nsizes; s-- > 0;) {
                j.job_curve[k] = c;
                j.job_size[k++] = s;
            }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nthreads = m->o.threads ? m->o.threads : (ncpu > 0 ? (size_t)ncpu : 1);
    if (nthreads > j.njobs)
        nthreads = j.njobs;
    if (nthreads > 256)
        nthreads = 256;
    pthread_t tid[256];
    pthread_mutex_init(&j.lock, NULL);
    size_t started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&tid[started], NULL, mrc_worker, &j) != 0)
            break;
    if (started == 0)
        mrc_worker(&j); /* no threads available: do it here */
    for (size_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&j.lock);
    vms_free(j.job_curve);
    vms_free(j.job_size);
    if (j.rc < 0) {
        if (e)
            *e = j.err;
        return j.rc;
    }
    return 0;
}

/* SHARDS: a sampled reuse at distance d' stands for distance 1 + (d' - 1) / R (the page
 * itself, plus about 1/R pages per sampled page between). R is the measured fraction of
 * distinct pages sampled (known exactly at the end), which removes the sampled-footprint
 * variance of the fixed-rate estimate. Miss ratio at c frames = sampled fraction of
 * first touches and of reuses whose estimated distance exceeds c. */
static void mrc_shards(struct vms_mrc *m, struct mrc_curve *c, const uint64_t *exact)
{
    double rate = m->npages ? (double)m->shards.cold / (double)m->npages : 1;
    double refs = (double)m->shards_refs;
    double sum = 0, max = 0;
    for (size_t i = 0; i < m->nsizes; i++) {
        double misses = (double)m->shards.cold;
        /* 1 + (d' - 1) / R > c  <=>  d' > 1 + (c - 1) R */
        double lim = 1 + ((double)m->sizes[i] - 1) * rate;
        for (size_t d = (size_t)floor(lim) + 1; d <= m->shards.npages; d++)
            misses += (double)m->shards.hist[d];
        double mr = refs > 0 ? misses / refs : 0;
        c->faults[i] = (uint64_t)llround(mr * (double)m->nrefs);
        if (exact) {
            double err = fabs(mr - (double)exact[i] / (double)m->nrefs);
            sum += err;
            if (err > max)
                max = err;
        }
    }
    m->shards_mae = m->nsizes ? sum / (double)m->nsizes : 0;
    m->shards_max = max;
}

/* Every size at or above the footprint sees only the cold misses (no policy evicts while a
 * frame is free), so sizes above it are not computed (simulating each cost time and memory
 * in proportion to the size): they are replaced by the footprint itself, duplicates left
 * out, the order kept; m->clamped counts them and the output says so. */
static void mrc_clamp_sizes(struct vms_mrc *m)
{
    size_t n = 0;
    bool have_top = false;
    for (size_t i = 0; i < m->nsizes; i++) {
        uint32_t v = m->sizes[i];
        if (v > m->npages) {
            m->clamped++;
            v = m->npages;
        }
        if (v == m->npages) {
            if (have_top)
                continue;
            have_top = true;
        }
        m->sizes[n++] = v;
    }
    m->nsizes = n;
}

int vms_mrc_finish(struct vms_mrc *m, struct vms_error *e)
{
    if (m->finished)
        return 0;
    if (m->nrefs == 0)
        return err_set(e, VMS_EINVAL, "mrc: no page references");
    if (m->all_sizes) {
        m->nsizes = m->npages;
        m->sizes = vms_malloc(m->nsizes * sizeof *m->sizes);
        if (!m->sizes)
            return err_set(e, VMS_ENOMEM, "out of memory");
        for (size_t i = 0; i < m->nsizes; i++)
            m->sizes[i] = (uint32_t)(i + 1);
    } else {
        mrc_clamp_sizes(m);
    }
    for (size_t c = 0; c < m->ncurves; c++) {
        m->curves[c].faults = vms_calloc(m->nsizes, sizeof(uint64_t));
        if (!m->curves[c].faults)
            return err_set(e, VMS_ENOMEM, "out of memory");
    }
    uint64_t *exact = NULL;
    for (size_t c = 0; c < m->ncurves; c++) {
        struct mrc_curve *cv = &m->curves[c];
        if (cv->method == MRC_LRU_ONEPASS) {
            mrc_lru_faults(&m->lru, m->sizes, m->nsizes, cv->faults);
        } else if (cv->method == MRC_PRIO_ONEPASS) {
            uint64_t *hist = vms_calloc((size_t)m->npages + 2, sizeof *hist);
            uint64_t cold;
            if (!hist)
                return err_set(e, VMS_ENOMEM, "out of memory");
            if (m->slen > UINT32_MAX - 1 ||
                mrc_priority_pass(m->stream, m->slen, m->npages,
                                  !strcmp(cv->ops->name, "lfu"), hist, &cold) < 0) {
                vms_free(hist);
                return err_set(e, VMS_ENOMEM, "out of memory computing %s", cv->name);
            }
            mrc_hist_faults(hist, m->npages, cold, m->sizes, m->nsizes, cv->faults);
            vms_free(hist);
        }
    }
    int rc = mrc_simulate(m, e);
    if (rc < 0)
        return rc;
    for (size_t c = 0; c < m->ncurves; c++) {
        if (m->curves[c].method != MRC_SHARDS)
            continue;
        exact = vms_malloc(m->nsizes * sizeof *exact);
        if (!exact)
            return err_set(e, VMS_ENOMEM, "out of memory");
        mrc_lru_faults(&m->lru, m->sizes, m->nsizes, exact);
        mrc_shards(m, &m->curves[c], exact);
        vms_free(exact);
    }
    m->finished = true;
    return 0;
}

uint64_t vms_mrc_references(const struct vms_mrc *m)
{
    return m->nrefs;
}

uint64_t vms_mrc_footprint(const struct vms_mrc *m)
{
    return m->npages;
}

size_t vms_mrc_ncurves(const struct vms_mrc *m)
{
    return m->ncurves;
}

const char *vms_mrc_curve_name(const struct vms_mrc *m, size_t c)
{
    return c < m->ncurves ? m->curves[c].name : NULL;
}

uint64_t vms_mrc_faults(const struct vms_mrc *m, size_t c, uint32_t frames)
{
    if (!m->finished || c >= m->ncurves)
        return UINT64_MAX;
    if (frames > m->npages && m->npages)
        frames = m->npages; /* the same cold misses (mrc_clamp_sizes) */
    for (size_t i = 0; i < m->nsizes; i++)
        if (m->sizes[i] == frames)
            return m->curves[c].faults[i];
    return UINT64_MAX;
}

static const char *mrc_method_name(enum mrc_method k)
{
    switch (k) {
    case MRC_LRU_ONEPASS: return "one-pass stack distances";
    case MRC_PRIO_ONEPASS: return "one-pass priority stack";
    case MRC_SIMULATE: return "simulated per size";
    case MRC_SHARDS: return "SHARDS sampled";
    }
    return "?";
}

/* The text table, CSV or JSON of a finished computation. */
static void mrc_print(FILE *f, const struct vms_mrc *m, enum vms_format fmt)
{
    double nr = (double)m->nrefs;
    if (fmt == VMS_CSV) {
        fprintf(f, "policy,frames,faults,miss_ratio\n");
        for (size_t c = 0; c < m->ncurves; c++)
            for (size_t i = 0; i < m->nsizes; i++)
                fprintf(f, "%s,%" PRIu32 ",%" PRIu64 ",%.6f\n", m->curves[c].name, m->sizes[i],
                        m->curves[c].faults[i], (double)m->curves[c].faults[i] / nr);
        return;
    }
    if (fmt == VMS_JSON) {
        fprintf(f, "{\"references\": %" PRIu64 ", \"footprint\": %" PRIu32 ", ", m->nrefs,
                m->npages);
        if (m->clamped) /* sizes above the footprint: only the cold misses, left out */
            fprintf(f, "\"sizes_above_footprint\": %zu, ", m->clamped);
        fprintf(f, "\"curves\": [\n");
        for (size_t c = 0; c < m->ncurves; c++) {
            const struct mrc_curve *cv = &m->curves[c];
            fprintf(f, "  {\"policy\": \"%s\", \"method\": \"%s\", ", cv->name,
                    mrc_method_name(cv->method));
            if (cv->method == MRC_SHARDS)
                fprintf(f, "\"rate\": %g, \"sampled_references\": %" PRIu64
                           ", \"mean_abs_error\": %.6f, \"max_abs_error\": %.6f, ",
                        m->o.shards_rate, m->shards_refs, m->shards_mae, m->shards_max);
            fprintf(f, "\"points\": [");
            for (size_t i = 0; i < m->nsizes; i++)
                fprintf(f, "%s{\"frames\": %" PRIu32 ", \"faults\": %" PRIu64
                           ", \"miss_ratio\": %.6f}",
                        i ? ", " : "", m->sizes[i], cv->faults[i], (double)cv->faults[i] / nr);
            fprintf(f, "]}%s\n", c + 1 < m->ncurves ? "," : "");
        }
        fprintf(f, "]}\n");
        return;
    }
    fprintf(f, "%" PRIu64 " references, footprint %" PRIu32 " pages\n", m->nrefs, m->npages);
    if (m->clamped)
        fprintf(f, "  %zu sizes above the footprint left out: from %" PRIu32 " frames on, only "
                   "the %" PRIu32 " cold misses\n", m->clamped, m->npages, m->npages);
    for (size_t c = 0; c < m->ncurves; c++) {
        fprintf(f, "  %s: %s", m->curves[c].name, mrc_method_name(m->curves[c].method));
        if (m->curves[c].method == MRC_SHARDS)
            fprintf(f, " (%" PRIu64 " of the references; miss-ratio error against exact LRU: "
                       "mean %.4f, max %.4f)",
                    m->shards_refs, m->shards_mae, m->shards_max);
        fputc('\n', f);
    }
    fprintf(f, "\n%8s", "frames");
    for (size_t c = 0; c < m->ncurves; c++)
        fprintf(f, " %14.14s %7s", m->curves[c].name, "ratio");
    fputc('\n', f);
    for (size_t i = 0; i < m->nsizes; i++) {
        fprintf(f, "%8" PRIu32, m->sizes[i]);
        for (size_t c = 0; c < m->ncurves; c++)
            fprintf(f, " %14" PRIu64 " %7.4f", m->curves[c].faults[i],
                    (double)m->curves[c].faults[i] / nr);
        fputc('\n', f);
    }
}

/* Before printing: the curves must be computed. */
static int mrc_check_finished(const struct vms_mrc *m, struct vms_error *e)
{
    return m->finished ? 0 : err_set(e, VMS_EINVAL, "mrc: not finished (vms_mrc_finish)");
}

static int mrc_written(FILE *f, struct vms_error *e)
{
    return ferror(f) ? err_set(e, VMS_EIO, "write error") : 0;
}

int vms_mrc_print(const struct vms_mrc *m, FILE *out, enum vms_format fmt, struct vms_error *e)
{
    int rc = mrc_check_finished(m, e);
    if (rc)
        return rc;
    mrc_print(out, m, fmt);
    return mrc_written(out, e);
}

int vms_mrc_plot(const struct vms_mrc *m, const struct vms_plot_opts *o, FILE *f,
                 struct vms_error *e)
{
    int rc = mrc_check_finished(m, e);
    if (rc)
        return rc;
    struct plot_series *s = vms_calloc(m->ncurves ? m->ncurves : 1, sizeof *s);
    double *x = vms_malloc((m->nsizes ? m->nsizes : 1) * sizeof *x);
    size_t ny = m->ncurves * m->nsizes;
    double *y = vms_malloc((ny ? ny : 1) * sizeof *y);
    if (!s || !x || !y) {
        vms_free(s);
        vms_free(x);
        vms_free(y);
        return err_set(e, VMS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < m->nsizes; i++)
        x[i] = m->sizes[i];
    for (size_t c = 0; c < m->ncurves; c++) {
        for (size_t i = 0; i < m->nsizes; i++)
            y[c * m->nsizes + i] = (double)m->curves[c].faults[i] / (double)m->nrefs;
        s[c] = (struct plot_series){m->curves[c].name, x, y + c * m->nsizes, m->nsizes};
    }
    struct plot p = {.title = "Miss-ratio curve",
                     .xlabel = "memory size (frames)",
                     .ylabel = "miss ratio (faults per reference)",
                     .s = s,
                     .n = m->ncurves};
    rc = plot_write(f, &p, o, e);
    vms_free(s);
    vms_free(x);
    vms_free(y);
    return rc;
}

int vms_mrc_svg(const struct vms_mrc *m, const char *title, FILE *f, struct vms_error *e)
{
    struct vms_plot_opts o = {.title = title};
    return vms_mrc_plot(m, &o, f, e);
}

int vms_mrc_gnuplot(const struct vms_mrc *m, const char *title, const char *png_path, FILE *f,
                    struct vms_error *e)
{
    struct vms_plot_opts o = {.title = title, .png = png_path};
    return vms_mrc_plot(m, &o, f, e);
}
