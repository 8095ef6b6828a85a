/* Trace-driven simulation (vmsim.h "trace" section, docs/trace.md): each trace is one
 * process of the simulated kernel with one private anonymous rwx area over its whole user
 * address space (a frame per touched page, or Linux's zero page for reads) until its first
 * OS event, whose areas then replace it (the replay of the trace's process's events: "OS
 * events" below); traces run round-robin, a quantum of references at a time. Records are
 * read in batches, by a reader thread per trace unless VMS_TRACESIM_SEQUENTIAL; counting
 * follows the per-record rule of docs/statistics.md. */
#include "base/alloc.h"
#include "base/err.h"
#include "base/feed.h"
#include "base/infile.h"
#include "base/io.h"
#include "base/outfile.h"
#include "base/ser.h"
#include "hw/config.h"
#include "api/tracesim.h"
#include "kernel/kernel.h"
#include "report/stats.h"
#include "trace/input.h"
#include "trace/trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TS_BATCH 16384
#define TS_SLOTS 8 /* batches in flight between a reader thread and the simulation */
#define TS_QUANTUM 10000
#define TS_NOTES_MAX 100 /* notes per trace (the counts go on) */
#define TS_STACK_RLIMIT ((uint64_t)8 << 20) /* a replayed stack's reservation */
#define TS_PROGRESS_EVERY (UINT64_C(1) << 20)

/* An OS event kept past the reader's next call (its str and pieces copied). */
struct ts_ev {
    struct trace_event ev;
    char *str;     /* TRACE_EV_STR_MAX + 1 bytes, allocated at the first event with one */
    uint64_t *iov; /* 2 * TRACE_EV_IOV_MAX, likewise */
};

/* A batch of records read ahead by a reader thread. */
struct ts_slot {
    struct trace_rec *recs; /* TS_BATCH */
    long n;                 /* records; 0 = the end of the trace (or an event, has_ev);
                               < 0 = an error, in err */
    bool has_ev;            /* the slot is the OS event ev (n = 0) */
    struct ts_ev ev;
    struct vms_error err;
    uint64_t in_done, in_total; /* input bytes after this batch */
    uint64_t id_bytes, id_hash;  /* the input's identity after this batch (checkpoints) */
};

/* The reader thread of one trace (a feed, base/feed.h): reading and parsing overlap the
 * simulation. Its slots are batches of records. */
struct ts_feed {
    struct feed *feed;
    struct ts_slot slot[TS_SLOTS];
    struct trace_reader *r;
};

struct ts_proc {
    char *name;
    struct trace_reader *r;
    struct ts_feed *feed; /* NULL: read in the simulating thread, into buf */
    struct task *t;
    struct trace_rec *buf;
    size_t pos, n;
    bool done, killed;
    /* A read error met while looking past the end of a slice (ts_slice), reported when the
     * process's turn comes, as it would have been without the look. */
    int pending;
    struct vms_error pending_err;
    struct trace_counts counts; /* the reader's, kept when it is closed at the end */
    uint64_t in_done, in_total; /* input bytes, kept likewise */
    const char *format, *compression; /* the reader's (static strings) */
    uint64_t id_bytes, id_hash;  /* the input's identity, kept likewise */
    bool id_complete;
    /* per-record counts (the kernel counts the pieces it was given) */
    uint64_t ifetches, loads, stores, split, switches;
    /* Checkpoints: batches taken from the reader so far (each of TS_BATCH records asked
     * for), and the input's identity after the last of them; own_buf: buf is the batch
     * vms_tracesim_resume read (freed when the reader thread's batches take over). */
    uint64_t nbatches, cur_id_bytes, cur_id_hash;
    bool own_buf;
    /* OS events (docs/trace.md, "OS events"): the trace's process is the one of its first
     * record or event (main_pid); only its events are replayed. replaying: the catch-all
     * area has been replaced by the event's areas; exited: by its exit event. */
    struct ts_ev sev; /* the event being replayed, read in the simulating thread */
    uint64_t cur_pid, main_pid;
    bool have_pid, replaying, exited, other_pid_noted, missing_noted, after_exit_noted;
    uint64_t brk;
    bool have_brk;
    uint64_t nrecs, nevents; /* records consumed, events and switches met */
    unsigned nnotes;         /* lines written to o.notes (at most TS_NOTES_MAX, then one) */
    uint64_t ev_replayed, ev_not_replayed, ev_contradictions, recs_after_exit;
    char **fds; /* fd -> path of the openat events (NULL: not known) */
    size_t nfds;
};

/* The provenance of a run (docs/statistics.md, "Provenance"), in arrays the caller frees
 * with ts_prov_free. */
struct ts_prov {
    struct stats_prov prov;
    struct stats_kv *config;
    struct stats_input *inputs;
    char *changed;
    char extra[160]; /* prov.run_extra: the OS events' counts (ts_event_totals) */
};
static void ts_prov_free(struct ts_prov *tp);
static int ts_prov_make(const struct vms_tracesim *s, struct ts_prov *tp, bool running,
                        struct vms_error *e);
static void ts_prov_inputs(const struct vms_tracesim *s, struct stats_input *in, bool running);

struct vms_tracesim {
    struct vms_config cfg;
    struct vms_tracesim_opts o;
    struct kernel *k;
    struct ts_proc *p;
    size_t np, cap;
    bool ran, have_stdin, sequential;
    bool failed; /* the run stopped at an error: the statistics are partial */
    bool interrupted; /* the run was stopped by o.stop: the statistics are partial */
    unsigned bshift[2]; /* split granule (first cache level's block, or the page): [fetch] */
    uint64_t refs;      /* references so far, all processes */
    uint64_t switches;
    uint64_t next_interval, next_progress;
    bool interval_header;
    uint64_t interval_last; /* references at the last time-series row */
    /* The time series' rows are written one behind (the last at the end of the run, when
     * every input's identity is known): the row held back, and the run's provenance for
     * the rows' columns (made at the first row, its inputs refreshed at every row). */
    size_t interval_rows;
    struct stats interval_held;
    struct ts_prov *interval_prov;
    char *interval_traces; /* every trace's path, joined by commas */
    /* Checkpoints (docs/trace.md, "Checkpoints"): the next one is written when refs reaches
     * next_ckpt; the time-series text written so far (a resumed run writes it again); the
     * round-robin position (the process whose turn it is, the one running) and, when a
     * run resumes inside a slice, the budget left of it. */
    uint64_t next_ckpt;
    struct ser ilog;
    size_t cur, running; /* running: SIZE_MAX = none yet */
    bool resume_in_slice;
    uint64_t resume_left;
    uint64_t ckpt_written; /* checkpoints written by this run */
};
static int ts_checkpoint(struct vms_tracesim *s, bool in_slice, uint64_t left, struct vms_error *e);

/* Copies ev into d (its str and pieces too). 0 or -VMS_ENOMEM. */
static int ts_ev_copy(struct ts_ev *d, const struct trace_event *ev)
{
    d->ev = *ev;
    if (ev->str) {
        if (!d->str && !(d->str = vms_malloc(TRACE_EV_STR_MAX + 1)))
            return -VMS_ENOMEM;
        size_t n = ev->str_len > TRACE_EV_STR_MAX ? TRACE_EV_STR_MAX : ev->str_len;
        memcpy(d->str, ev->str, n);
        d->str[n] = '\0';
        d->ev.str = d->str;
        d->ev.str_len = n;
    }
    if (ev->iov) {
        if (!d->iov && !(d->iov = vms_malloc(2 * TRACE_EV_IOV_MAX * sizeof *d->iov)))
            return -VMS_ENOMEM;
        uint64_t n = ev->arg[1] > TRACE_EV_IOV_MAX ? TRACE_EV_IOV_MAX : ev->arg[1];
        memcpy(d->iov, ev->iov, 2 * n * sizeof *d->iov);
        d->ev.iov = d->iov;
    }
    return 0;
}

static void ts_ev_free(struct ts_ev *d)
{
    vms_free(d->str);
    vms_free(d->iov);
    d->str = NULL;
    d->iov = NULL;
}

static long ts_reader_fill(void *ctx, unsigned i)
{
    struct ts_feed *f = ctx;
    struct ts_slot *sl = &f->slot[i];
    sl->has_ev = false;
    sl->n = trace_read(f->r, sl->recs, TS_BATCH, &sl->err);
    if (sl->n == 0) {
        struct trace_event ev;
        if (trace_next_event(f->r, &ev) == 1) {
            if (ts_ev_copy(&sl->ev, &ev) < 0)
                sl->n = err_set(&sl->err, VMS_ENOMEM, "out of host memory");
            else
                sl->has_ev = true;
        }
    }
    trace_reader_progress(f->r, &sl->in_done, &sl->in_total);
    trace_reader_identity(f->r, &sl->id_bytes, &sl->id_hash, NULL);
    return sl->has_ev ? 1 : sl->n;
}

static void ts_feed_free(struct ts_feed *f)
{
    for (unsigned i = 0; i < TS_SLOTS; i++) {
        vms_free(f->slot[i].recs);
        ts_ev_free(&f->slot[i].ev);
    }
    vms_free(f);
}

/* Starts p's reader thread; without one (the host has none to give) p reads in the
 * simulating thread. < 0 only when out of memory. */
static int ts_feed_start(struct ts_proc *p, struct vms_error *e)
{
    struct ts_feed *f = vms_calloc(1, sizeof *f);
    if (!f)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    for (unsigned i = 0; i < TS_SLOTS; i++)
        if (!(f->slot[i].recs = vms_malloc(TS_BATCH * sizeof *f->slot[i].recs))) {
            ts_feed_free(f);
            return err_set(e, VMS_ENOMEM, "out of host memory");
        }
    f->r = p->r;
    int rc = feed_start(&f->feed, TS_SLOTS, ts_reader_fill, f);
    if (rc <= 0) {
        ts_feed_free(f);
        return rc < 0 ? err_set(e, VMS_ENOMEM, "out of host memory") : 0;
    }
    p->feed = f;
    if (p->pos < p->n) { /* a resumed run's batch: used up first */
        p->own_buf = true;
        return 0;
    }
    vms_free(p->buf); /* batches come from the slots now */
    p->buf = NULL;
    return 0;
}

/* Stops and joins p's reader thread (it is between batches or about to end). */
static void ts_feed_stop(struct ts_proc *p)
{
    struct ts_feed *f = p->feed;
    if (!f)
        return;
    feed_stop(f->feed);
    ts_feed_free(f);
    p->feed = NULL;
    if (!p->own_buf)
        p->buf = NULL; /* it pointed into a slot */
}

static void ts_on_kill(void *ctx, struct task *t)
{
    struct vms_tracesim *s = ctx;
    for (size_t i = 0; i < s->np; i++)
        if (s->p[i].t == t)
            s->p[i].killed = true;
}

/* The smaller of the first cache level's block and the page, for fetches or data. */
static unsigned ts_granule(const struct vms_config *c, bool fetch)
{
    int first = -1;
    if (fetch && c->cache[CACHE_L1I].size)
        first = CACHE_L1I;
    else if (c->cache[CACHE_L1D].size)
        first = CACHE_L1D;
    else if (c->cache[CACHE_L2].size)
        first = CACHE_L2;
    else if (c->cache[CACHE_L3].size)
        first = CACHE_L3;
    unsigned shift = c->page_shift;
    if (first >= 0) {
        unsigned b = 0;
        while ((UINT64_C(1) << (b + 1)) <= c->cache[first].block)
            b++;
        if (b < shift)
            shift = b;
    }
    return shift;
}

/* The kernel's options of a run with s's. */
static struct kern_options ts_kern_options(struct vms_tracesim *s)
{
    return (struct kern_options){
        .memory = s->o.memory,
        .swap = s->o.swap,
        .policy = s->o.policy,
        .seed = s->o.params.seed,
        .tau = s->o.params.tau,
        .workdir = s->o.workdir,
        .frame_per_page = !(s->o.flags & VMS_TRACESIM_ZERO_PAGE),
        .on_kill = ts_on_kill,
        .ctx = s,
    };
}

int vms_tracesim_create(const struct vms_config *c, const struct vms_tracesim_opts *o,
                        struct vms_tracesim **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_tracesim *s = vms_calloc(1, sizeof *s);
    if (!s)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    s->cfg = *c;
    if (o)
        s->o = *o;
    s->sequential = s->o.flags & VMS_TRACESIM_SEQUENTIAL;
    if (!s->o.quantum)
        s->o.quantum = TS_QUANTUM;
    if (s->o.interval && !s->o.interval_out) {
        vms_free(s);
        return err_set(e, VMS_EINVAL, "--interval: no output for the time series");
    }
    if (s->o.params.bits || s->o.params.tick) {
        const char *which = s->o.params.bits ? "bits" : "tick";
        vms_free(s);
        return err_set(e, VMS_EINVAL, "policy parameters: the kernel takes no %s", which);
    }
    struct kern_options ko = ts_kern_options(s);
    int rc = kern_create(&s->cfg, &ko, &s->k, e);
    if (rc < 0) {
        vms_free(s);
        return rc;
    }
    s->bshift[0] = ts_granule(&s->cfg, false);
    s->bshift[1] = ts_granule(&s->cfg, true);
    s->next_interval = s->o.interval ? s->o.interval : UINT64_MAX;
    s->next_progress = s->o.progress ? TS_PROGRESS_EVERY : UINT64_MAX;
    if (s->o.checkpoint_every && !s->o.checkpoint) {
        vms_tracesim_destroy(s);
        return err_set(e, VMS_EINVAL, "--checkpoint-every: no --checkpoint file");
    }
    s->next_ckpt = s->o.checkpoint && s->o.checkpoint_every ? s->o.checkpoint_every : UINT64_MAX;
    s->running = SIZE_MAX;
    ser_init(&s->ilog);
    *out = s;
    return 0;
}

void vms_tracesim_destroy(struct vms_tracesim *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->np; i++) {
        ts_feed_stop(&s->p[i]);
        trace_close(s->p[i].r);
        vms_free(s->p[i].buf);
        vms_free(s->p[i].name);
        ts_ev_free(&s->p[i].sev);
        for (size_t f = 0; f < s->p[i].nfds; f++)
            vms_free(s->p[i].fds[f]);
        vms_free(s->p[i].fds);
    }
    kern_destroy(s->k); /* frees the tasks */
    if (s->interval_prov)
        ts_prov_free(s->interval_prov);
    vms_free(s->interval_prov);
    vms_free(s->interval_traces);
    ser_fini(&s->ilog);
    vms_free(s->p);
    vms_free(s);
}

/* Takes over r (closed on failure). */
static int ts_add_reader(struct vms_tracesim *s, struct trace_reader *r, const char *name,
                         struct vms_error *e)
{
    if (s->ran) {
        trace_close(r);
        return err_set(e, VMS_EINVAL, "traces must be added before the run");
    }
    if (s->np == s->cap) {
        size_t ncap = s->cap ? 2 * s->cap : 4;
        struct ts_proc *np = vms_realloc(s->p, ncap * sizeof *np);
        if (!np) {
            trace_close(r);
            return err_set(e, VMS_ENOMEM, "out of host memory");
        }
        s->p = np;
        s->cap = ncap;
    }
    struct ts_proc *p = &s->p[s->np];
    memset(p, 0, sizeof *p);
    p->r = r;
    p->format = trace_reader_format(r);
    p->compression = trace_reader_compression(r);
    trace_reader_identity(r, &p->cur_id_bytes, &p->cur_id_hash, NULL);
    p->name = vms_strdup(name);
    p->buf = vms_malloc(TS_BATCH * sizeof *p->buf);
    if (!p->name || !p->buf) {
        trace_close(r);
        vms_free(p->name);
        vms_free(p->buf);
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    p->t = kern_spawn(s->k, e);
    if (!p->t) {
        trace_close(r);
        vms_free(p->name);
        vms_free(p->buf);
        return -(e && e->code ? e->code : VMS_ENOMEM);
    }
    s->np++; /* from here on the process is freed with the others */
    /* The whole user address space the kernel gives a process: [mmap_min_addr, TASK_SIZE). */
    const struct area_layout *l = &kern_task_areas(p->t)->layout;
    uint64_t pg = kern_page_size(s->k);
    uint64_t lo = (l->mmap_min_addr + pg - 1) & ~(pg - 1), hi = l->task_size & ~(pg - 1);
    vaddr_t got;
    int rc = kern_mmap(s->k, p->t, lo, hi - lo, AREA_READ | AREA_WRITE | AREA_EXEC,
                       KMAP_ANON | KMAP_FIXED, NULL, 0, &got, e);
    if (rc < 0)
        return err_prefix(e, "%s: mapping the address space", name);
    return 0;
}

int vms_tracesim_add(struct vms_tracesim *s, const char *path, struct vms_error *e)
{
    if (!strcmp(path, "-")) {
        if (s->have_stdin)
            return err_set(e, VMS_EINVAL, "standard input (-) given twice");
        s->have_stdin = true;
    }
    /* the checkpoint must not replace an input (the same device and inode) */
    if (s->o.checkpoint && outfile_check(s->o.checkpoint, &path, 1, e) < 0)
        return -VMS_EINVAL;
    struct trace_reader *r =
        trace_open(path, (s->o.flags & VMS_TRACE_SKIP_BAD) | TRACE_EVENTS, e);
    if (!r)
        return -(e && e->code ? e->code : VMS_EIO);
    return ts_add_reader(s, r, path, e);
}

int vms_tracesim_add_fd(struct vms_tracesim *s, int fd, const char *name, struct vms_error *e)
{
    struct trace_reader *r =
        trace_open_fd(fd, name, (s->o.flags & VMS_TRACE_SKIP_BAD) | TRACE_EVENTS, e);
    if (!r)
        return -(e && e->code ? e->code : VMS_EIO);
    return ts_add_reader(s, r, name, e);
}

/* The totals so far. */
static void ts_total(const struct vms_tracesim *s, struct stats *st)
{
    memset(st, 0, sizeof *st);
    kern_stats(s->k, st);
    uint64_t i = 0, l = 0, w = 0, sp = 0;
    for (size_t n = 0; n < s->np; n++) {
        i += s->p[n].ifetches;
        l += s->p[n].loads;
        w += s->p[n].stores;
        sp += s->p[n].split;
    }
    st->ifetches = i;
    st->loads = l;
    st->stores = w;
    st->references = i + l + w;
    st->split = sp;
    st->has_switches = true;
    st->context_switches = s->switches;
}

static void ts_proc_stats(const struct vms_tracesim *s, const struct ts_proc *p,
                          struct stats *st)
{
    memset(st, 0, sizeof *st);
    kern_task_stats(s->k, p->t, st); /* swapping included: the kernel counts it to the
                                        process whose access caused it */
    st->ifetches = p->ifetches;
    st->loads = p->loads;
    st->stores = p->stores;
    st->references = p->ifetches + p->loads + p->stores;
    st->split = p->split;
    st->has_switches = true;
    st->context_switches = p->switches;
}

/* One time-series row (docs/statistics.md, "Provenance"): the running totals, then the
 * columns trace (every path, joined) and the provenance's. An input still being read has
 * empty bytes and hash cells (its identity is its whole stream's, known at its end; read
 * now it would race with its reader thread). */
static int ts_interval_emit(struct vms_tracesim *s, const struct stats *st, bool running)
{
    if (!s->interval_prov) {
        size_t len = 1;
        for (size_t i = 0; i < s->np; i++)
            len += strlen(s->p[i].name) + 1;
        s->interval_prov = vms_calloc(1, sizeof *s->interval_prov);
        s->interval_traces = vms_malloc(len);
        if (!s->interval_prov || !s->interval_traces ||
            ts_prov_make(s, s->interval_prov, true, NULL) < 0) {
            vms_free(s->interval_prov);
            s->interval_prov = NULL;
            return -VMS_ENOMEM;
        }
        s->interval_traces[0] = '\0';
        for (size_t i = 0; i < s->np; i++) {
            if (i)
                strcat(s->interval_traces, ",");
            strcat(s->interval_traces, s->p[i].name);
        }
    }
    ts_prov_inputs(s, s->interval_prov->inputs, running);
    char *buf = NULL;
    size_t len = 0;
    FILE *mf = open_memstream(&buf, &len);
    if (!mf)
        return -VMS_ENOMEM;
    stats_print(st, mf, VMS_CSV, !s->interval_header);
    if (fclose(mf) != 0 || !buf) {
        free(buf);
        return -VMS_ENOMEM;
    }
    /* With checkpoints the rows are kept too (a resumed run writes them again). */
    FILE *out = s->o.interval_out;
    char *kept = NULL;
    size_t nkept = 0;
    if (s->o.checkpoint && !(out = open_memstream(&kept, &nkept))) {
        free(buf);
        return -VMS_ENOMEM;
    }
    bool head = !s->interval_header;
    for (char *line = buf; *line; head = false) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        fwrite(line, 1, n, out);
        if (head) {
            fputs(",trace", out);
            stats_prov_csv_head(&s->interval_prov->prov, out);
        } else {
            fputc(',', out);
            stats_csv_field(out, s->interval_traces);
            stats_prov_csv_values(&s->interval_prov->prov, 0, s->np, out);
        }
        fputc('\n', out);
        line += n + (nl != NULL);
    }
    free(buf);
    s->interval_header = true;
    if (out != s->o.interval_out) {
        if (fclose(out) != 0 || !kept) {
            free(kept);
            return -VMS_ENOMEM;
        }
        fwrite(kept, 1, nkept, s->o.interval_out);
        ser_bytes(&s->ilog, kept, nkept);
        free(kept);
        if (s->ilog.oom)
            return -VMS_ENOMEM;
    }
    return 0;
}

/* A time-series row at this point of the run: the row held back is written, this one held. */
static int ts_interval_row(struct vms_tracesim *s)
{
    int rc = s->interval_rows ? ts_interval_emit(s, &s->interval_held, true) : 0;
    ts_total(s, &s->interval_held);
    s->interval_rows++;
    s->interval_last = s->refs;
    return rc;
}

static void ts_progress(struct vms_tracesim *s)
{
    struct vms_tracesim_progress pr = {.references = s->refs};
    bool known = true;
    for (size_t i = 0; i < s->np; i++) {
        const struct ts_proc *p = &s->p[i];
        uint64_t done = p->in_done, total = p->in_total;
        if (p->r && !p->feed)
            trace_reader_progress(p->r, &done, &total);
        pr.bytes += done;
        pr.bytes_total += total;
        known = known && total;
        if (!p->done)
            pr.running++;
    }
    if (!known)
        pr.bytes_total = 0;
    s->o.progress(s->o.progress_ctx, &pr);
}

/* ------------------------------------------------------------------ OS events */

/* Says something about p's trace on o.notes: "NAME: event N (TYPE, after record R): ...". */
static void ts_note(struct vms_tracesim *s, struct ts_proc *p, const struct trace_event *ev,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void ts_note(struct vms_tracesim *s, struct ts_proc *p, const struct trace_event *ev,
                    const char *fmt, ...)
{
    if (!s->o.notes || p->nnotes > TS_NOTES_MAX)
        return;
    if (++p->nnotes > TS_NOTES_MAX) {
        fprintf(s->o.notes, "%s: more notes left out (the counts are complete)\n", p->name);
        return;
    }
    if (ev)
        fprintf(s->o.notes, "%s: event %llu (%s, after record %llu): ", p->name,
                (unsigned long long)p->nevents, trace_event_name(ev->type),
                (unsigned long long)p->nrecs);
    else
        fprintf(s->o.notes, "%s: record %llu: ", p->name, (unsigned long long)p->nrecs + 1);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(s->o.notes, fmt, ap);
    va_end(ap);
    fputc('\n', s->o.notes);
}

/* An event that contradicts the simulated state: counted and reported, the run goes on. */
#define TS_CONTRA(s, p, ev, ...)                                                             \
    do {                                                                                     \
        (p)->ev_contradictions++;                                                            \
        ts_note(s, p, ev, __VA_ARGS__);                                                      \
    } while (0)

/* p's process exits: its maps are printed (o.maps_out), its memory freed (its statistics
 * stay). */
static void ts_exit(struct vms_tracesim *s, struct ts_proc *p)
{
    if (p->exited || p->killed || kern_task_dead(p->t))
        return;
    p->exited = true;
    if (s->o.maps_out) {
        fprintf(s->o.maps_out, "%s: maps at exit (pid %d, the trace's process %llu):\n",
                p->name, kern_pid(p->t), (unsigned long long)p->main_pid);
        kern_print_maps(s->k, p->t, s->o.maps_out);
    }
    kern_task_end(s->k, p->t);
}

/* A kernel call's failure while replaying: a host error stops the run (< 0), anything else
 * is a contradiction (0). */
static int ts_kfail(struct vms_tracesim *s, struct ts_proc *p, const struct trace_event *ev,
                    const struct vms_error *ke, struct vms_error *e)
{
    if (ke->code == VMS_ENOMEM || ke->code == VMS_EIO) {
        if (e)
            *e = *ke;
        return -ke->code;
    }
    TS_CONTRA(s, p, ev, "the simulated kernel refused it: %s", ke->msg);
    return 0;
}

/* The first event replayed: the catch-all area of an event-free trace goes (what the records
 * before it touched with it). */
static int ts_replay_start(struct vms_tracesim *s, struct ts_proc *p, struct vms_error *e)
{
    if (p->replaying)
        return 0;
    p->replaying = true;
    const struct area_layout *l = &kern_task_areas(p->t)->layout;
    uint64_t pg = kern_page_size(s->k);
    uint64_t lo = (l->mmap_min_addr + pg - 1) & ~(pg - 1), hi = l->task_size & ~(pg - 1);
    return kern_munmap(s->k, p->t, lo, hi - lo, e);
}

/* Whether a file of the trace is on this machine (else: anonymous, said once). */
static bool ts_file_here(struct vms_tracesim *s, struct ts_proc *p, const struct trace_event *ev,
                         const char *path)
{
    if (path && path[0] == '/' && access(path, R_OK) == 0)
        return true;
    if (!p->missing_noted) {
        p->missing_noted = true;
        ts_note(s, p, ev, "%s %s: its pages (and those of any other such file) are "
                          "anonymous, each with its own frame",
                path ? path : "(the file of an unknown descriptor)",
                path && path[0] != '/' ? "is a relative path (the recording's working "
                                         "directory is not known)"
                                       : "is not on this machine");
    }
    return false;
}

/* Maps [start, start + len) of file path at off (private: the replay never writes the
 * machine's files), or anonymous when the file is not here or cannot be mapped. */
static int ts_map(struct vms_tracesim *s, struct ts_proc *p, const struct trace_event *ev,
                  vaddr_t start, uint64_t len, unsigned prot, bool shared_anon, const char *path,
                  uint64_t off, struct vms_error *e)
{
    struct vms_error ke = {0};
    vaddr_t got;
    if (path && ts_file_here(s, p, ev, path)) {
        if (kern_mmap(s->k, p->t, start, len, prot, KMAP_FIXED, path, off, &got, &ke) == 0)
            return 1;
        if (ke.code == VMS_ENOMEM)
            return ts_kfail(s, p, ev, &ke, e);
        ts_note(s, p, ev, "%s cannot be mapped here (%s): anonymous instead", path, ke.msg);
        memset(&ke, 0, sizeof ke);
    }
    unsigned fl = KMAP_FIXED | KMAP_ANON | (shared_anon ? KMAP_SHARED : 0);
    if (kern_mmap(s->k, p->t, start, len, prot, fl, NULL, 0, &got, &ke) < 0)
        return ts_kfail(s, p, ev, &ke, e);
    return 1;
}

static const char *ts_fd_path(const struct ts_proc *p, int64_t fd)
{
    return fd >= 0 && (uint64_t)fd < p->nfds ? p->fds[fd] : NULL;
}

static int ts_fd_set(struct ts_proc *p, int64_t fd, const char *path)
{
    if (fd < 0 || fd > (1 << 20))
        return 0;
    if ((uint64_t)fd >= p->nfds) {
        if (!path)
            return 0;
        size_t n = (size_t)fd + 16;
        char **nf = vms_realloc(p->fds, n * sizeof *nf);
        if (!nf)
            return -VMS_ENOMEM;
        memset(nf + p->nfds, 0, (n - p->nfds) * sizeof *nf);
        p->fds = nf;
        p->nfds = n;
    }
    vms_free(p->fds[fd]);
    p->fds[fd] = NULL;
    if (path && !(p->fds[fd] = vms_strdup(path)))
        return -VMS_ENOMEM;
    return 0;
}

/* The kernel's copy of a read (to_user) or write: n pieces (base, len) of iov, result bytes
 * in all. */
static int ts_copy(struct vms_tracesim *s, struct ts_proc *p, const struct trace_event *ev,
                   const uint64_t *iov, uint64_t n, uint64_t result, bool to_user,
                   struct vms_error *e)
{
    for (uint64_t i = 0; i < n && result; i++) {
        uint64_t len = iov[2 * i + 1] < result ? iov[2 * i + 1] : result;
        uint64_t done;
        enum kern_sig sig;
        int rc = kern_user_copy(s->k, p->t, iov[2 * i], len, to_user, &done, &sig, e);
        if (rc < 0)
            return rc;
        if (sig == KSIG_KILLED) {
            p->killed = true;
            return 0;
        }
        if (sig != KSIG_NONE) {
            TS_CONTRA(s, p, ev, "the kernel's %s of 0x%llx bytes at 0x%llx raised %s at byte %llu",
                      to_user ? "store" : "load", (unsigned long long)len,
                      (unsigned long long)iov[2 * i], kern_sig_name(sig),
                      (unsigned long long)done);
            return 0;
        }
        result -= len;
    }
    return 0;
}

/* Replays one event of p's trace (docs/trace.md, "OS events"). 0, or < 0 to stop the run. */
static int ts_event(struct vms_tracesim *s, struct ts_proc *p, const struct trace_event *ev,
                    struct vms_error *e)
{
    p->nevents++;
    if (ev->type == TRACE_EV_PROCESS) {
        p->cur_pid = ev->pid;
        return 0;
    }
    if (!p->have_pid) {
        p->have_pid = true;
        p->main_pid = p->cur_pid;
    }
    if (p->cur_pid != p->main_pid || p->exited || p->killed) {
        p->ev_not_replayed++;
        if (p->cur_pid != p->main_pid && !p->other_pid_noted) {
            p->other_pid_noted = true;
            ts_note(s, p, ev, "process %llu's events are not replayed by this version (only "
                              "process %llu's are; every process's records run in its address "
                              "space)", (unsigned long long)p->cur_pid,
                    (unsigned long long)p->main_pid);
        }
        if (p->exited && p->cur_pid == p->main_pid)
            TS_CONTRA(s, p, ev, "an event of a process that has exited");
        return 0;
    }
    if (s->o.checkpoint)
        return err_set(e, VMS_EUNSUPPORTED, "%s: checkpoints of traces with OS events are not "
                                            "supported by this version", p->name);
    const uint64_t *a = ev->arg;
    uint64_t pg = kern_page_size(s->k), mask = pg - 1;
    int64_t res;
    int rc = 0;
    struct vms_error ke = {0};
    switch (ev->type) {
    case TRACE_EV_IMAGE:
    case TRACE_EV_STACK:
    case TRACE_EV_BRK_START:
    case TRACE_EV_MMAP:
    case TRACE_EV_MUNMAP:
    case TRACE_EV_MPROTECT:
    case TRACE_EV_BRK:
    case TRACE_EV_READ:
    case TRACE_EV_PREAD64:
    case TRACE_EV_READV:
    case TRACE_EV_WRITE:
    case TRACE_EV_PWRITE64:
    case TRACE_EV_WRITEV:
    case TRACE_EV_OPENAT:
    case TRACE_EV_CLOSE:
    case TRACE_EV_MSYNC:
    case TRACE_EV_EXIT:
    case TRACE_EV_EXIT_GROUP:
        break;
    default: /* mremap, madvise, fork, clone, vfork, wait4, execve */
        p->ev_not_replayed++;
        return 0;
    }
    if ((rc = ts_replay_start(s, p, e)) < 0)
        return rc;
    p->ev_replayed++;
    switch (ev->type) {
    case TRACE_EV_IMAGE: {
        vaddr_t start = a[0] & ~mask, end = (a[0] + a[1] + mask) & ~mask;
        uint64_t back = a[0] - start;
        if (!a[1] || end <= start) {
            TS_CONTRA(s, p, ev, "an empty or wrapping range");
            return 0;
        }
        const char *path = ev->str && ev->str[0] ? ev->str : NULL;
        if (path && !strcmp(path, "[stack]")) {
            if (kern_map_stack(s->k, p->t, start, end, &ke) < 0)
                return ts_kfail(s, p, ev, &ke, e);
            return 0;
        }
        if (path && !strcmp(path, "[heap]"))
            return 0; /* the heap is the brk_start and brk events' */
        bool file = path && path[0] != '[';
        if (file && a[3] < back) {
            TS_CONTRA(s, p, ev, "offset 0x%llx below the page of address 0x%llx",
                      (unsigned long long)a[3], (unsigned long long)a[0]);
            file = false;
        }
        rc = ts_map(s, p, ev, start, end - start, (unsigned)a[2] & 7, false,
                    file ? path : NULL, file ? a[3] - back : 0, e);
        return rc < 0 ? rc : 0;
    }
    case TRACE_EV_STACK: {
        vaddr_t start = a[0] & ~mask, end = (a[1] + mask) & ~mask;
        if (end <= start) {
            TS_CONTRA(s, p, ev, "an empty stack");
            return 0;
        }
        /* The kernel does not grow stacks on faults: the area is the whole reservation
         * Linux would grow it into, RLIMIT_STACK's default 8 MiB below its end, down to the
         * end of the area below it. */
        vaddr_t low = end > TS_STACK_RLIMIT ? end - TS_STACK_RLIMIT : 0;
        const struct area *below = area_find_next(kern_task_areas(p->t), low);
        while (below && below->end <= start && below->start < start) {
            if (below->end > low)
                low = below->end;
            below = area_next(below);
        }
        if (low < start)
            start = low;
        if (kern_map_stack(s->k, p->t, start, end, &ke) < 0)
            return ts_kfail(s, p, ev, &ke, e);
        return 0;
    }
    case TRACE_EV_BRK_START:
        if (kern_set_brk_start(s->k, p->t, a[0], &ke) < 0)
            return ts_kfail(s, p, ev, &ke, e);
        p->brk = a[0];
        p->have_brk = true;
        return 0;
    case TRACE_EV_MMAP: {
        res = (int64_t)a[6];
        if (res < 0)
            return 0;
        if (((uint64_t)res & mask) || !a[1]) {
            TS_CONTRA(s, p, ev, "a result 0x%llx that is not a page-aligned mapping",
                      (unsigned long long)res);
            return 0;
        }
        bool anon = a[3] & 0x20, shared = (a[3] & 0x3) == 0x1;
        const char *path = NULL;
        if (!anon) {
            path = ts_fd_path(p, (int64_t)a[4]);
            if (!path) {
                TS_CONTRA(s, p, ev, "a file mapping of descriptor %lld, which no openat "
                                    "event opened: anonymous instead", (long long)a[4]);
                anon = true;
            }
        }
        rc = ts_map(s, p, ev, (vaddr_t)res, a[1], (unsigned)a[2] & 7, anon && shared,
                    anon ? NULL : path, anon ? 0 : a[5], e);
        return rc < 0 ? rc : 0;
    }
    case TRACE_EV_MUNMAP: {
        if ((int64_t)a[2] < 0)
            return 0;
        const struct area *n = area_find_next(kern_task_areas(p->t), a[0]);
        uint64_t end = a[0] + ((a[1] + mask) & ~mask);
        bool nothing = !n || n->start >= end;
        if (kern_munmap(s->k, p->t, a[0], a[1], &ke) < 0)
            return ts_kfail(s, p, ev, &ke, e);
        if (nothing)
            TS_CONTRA(s, p, ev, "munmap of [0x%llx, 0x%llx), where nothing is mapped",
                      (unsigned long long)a[0], (unsigned long long)end);
        return 0;
    }
    case TRACE_EV_MPROTECT:
        if ((int64_t)a[3] < 0)
            return 0;
        if (kern_mprotect(s->k, p->t, a[0], a[1], (unsigned)a[2] & 7, &ke) < 0)
            return ts_kfail(s, p, ev, &ke, e);
        return 0;
    case TRACE_EV_BRK: {
        res = (int64_t)a[1];
        if (res < 0)
            return 0;
        if (!p->have_brk) {
            TS_CONTRA(s, p, ev, "brk before any brk_start event: the heap starts at 0x%llx",
                      (unsigned long long)res);
            if (kern_set_brk_start(s->k, p->t, (uint64_t)res, &ke) < 0)
                return ts_kfail(s, p, ev, &ke, e);
            p->brk = (uint64_t)res;
            p->have_brk = true;
            return 0;
        }
        if ((uint64_t)res == p->brk)
            return 0;
        vaddr_t hs;
        bool shrink = (uint64_t)res < p->brk;
        if (kern_brk_by(s->k, p->t, shrink, shrink ? p->brk - res : res - p->brk, &hs, &ke) < 0)
            return ts_kfail(s, p, ev, &ke, e);
        p->brk = (uint64_t)res;
        return 0;
    }
    case TRACE_EV_READ:
    case TRACE_EV_WRITE: {
        res = (int64_t)a[3];
        if (res <= 0)
            return 0;
        uint64_t iov[2] = {a[1], a[2]};
        if ((uint64_t)res > a[2])
            TS_CONTRA(s, p, ev, "a result above the count (the copy stops at the count)");
        return ts_copy(s, p, ev, iov, 1, (uint64_t)res, ev->type == TRACE_EV_READ, e);
    }
    case TRACE_EV_PREAD64:
    case TRACE_EV_PWRITE64: {
        res = (int64_t)a[4];
        if (res <= 0)
            return 0;
        uint64_t iov[2] = {a[1], a[2]};
        if ((uint64_t)res > a[2])
            TS_CONTRA(s, p, ev, "a result above the count (the copy stops at the count)");
        return ts_copy(s, p, ev, iov, 1, (uint64_t)res, ev->type == TRACE_EV_PREAD64, e);
    }
    case TRACE_EV_READV:
    case TRACE_EV_WRITEV:
        res = (int64_t)a[2];
        if (res <= 0 || !ev->iov)
            return 0;
        return ts_copy(s, p, ev, ev->iov, a[1], (uint64_t)res, ev->type == TRACE_EV_READV, e);
    case TRACE_EV_OPENAT:
        if ((int64_t)a[3] < 0)
            return 0;
        return ts_fd_set(p, (int64_t)a[3], ev->str ? ev->str : "") < 0
                   ? err_set(e, VMS_ENOMEM, "out of host memory")
                   : 0;
    case TRACE_EV_CLOSE:
        if ((int64_t)a[1] < 0)
            return 0;
        return ts_fd_set(p, (int64_t)a[0], NULL);
    case TRACE_EV_MSYNC: /* file pages are mapped private: nothing to write */
        return 0;
    case TRACE_EV_EXIT:
    case TRACE_EV_EXIT_GROUP:
        ts_exit(s, p);
        return 0;
    }
    return 0;
}

/* The end of p's trace (or of p): its reader's buffers are freed, its counts kept. A process
 * that ran its whole trace exits as a real one would: its frames, swap slots and page tables
 * are freed for the others (its statistics stay; a killed one has gone already). */
static void ts_finish(struct vms_tracesim *s, struct ts_proc *p)
{
    p->done = true;
    if (!p->killed)
        ts_exit(s, p);
    if (!p->killed)
        kern_task_end(s->k, p->t);
    if (p->feed)
        ts_feed_stop(p);
    if (p->r) {
        p->counts = *trace_reader_counts(p->r);
        /* A killed process's trace is read to its end (not parsed): its identity is the
         * whole stream's, as a rerun's. */
        if (p->killed)
            trace_reader_drain(p->r, NULL);
        trace_reader_identity(p->r, &p->id_bytes, &p->id_hash, &p->id_complete);
        trace_reader_progress(p->r, &p->in_done, &p->in_total);
        trace_close(p->r);
        p->r = NULL;
    }
    vms_free(p->buf);
    p->buf = NULL;
    p->own_buf = false;
    p->pos = p->n = 0;
}

/* Refills p's batch when it is used up: 1 = records ready, 0 = the end of the trace
 * (p finished), < 0 = a read error. */
static int ts_fill(struct vms_tracesim *s, struct ts_proc *p, struct vms_error *e)
{
    if (p->pos < p->n)
        return 1;
    if (p->pending) {
        int rc = p->pending;
        p->pending = 0;
        if (e)
            *e = p->pending_err;
        return rc;
    }
    long got;
    for (;;) {
        const struct trace_event *ev = NULL;
        if (p->feed) {
            unsigned i;
            feed_next(p->feed->feed, &i); /* gives the used batch back, takes the next */
            struct ts_slot *sl = &p->feed->slot[i];
            p->in_done = sl->in_done;
            p->in_total = sl->in_total;
            got = sl->n;
            if (got < 0) {
                if (e)
                    *e = sl->err;
                return (int)got;
            }
            if (sl->has_ev) {
                ev = &sl->ev.ev;
            } else {
                if (p->own_buf) {
                    vms_free(p->buf);
                    p->own_buf = false;
                }
                p->buf = sl->recs;
            }
            p->cur_id_bytes = sl->id_bytes;
            p->cur_id_hash = sl->id_hash;
        } else {
            got = trace_read(p->r, p->buf, TS_BATCH, e);
            if (got >= 0)
                trace_reader_identity(p->r, &p->cur_id_bytes, &p->cur_id_hash, NULL);
            struct trace_event te;
            if (got == 0 && trace_next_event(p->r, &te) == 1) {
                p->sev.ev = te; /* its str and pieces stay valid until the next read */
                ev = &p->sev.ev;
            }
        }
        if (!ev)
            break;
        int rc = ts_event(s, p, ev, e);
        if (rc < 0)
            return rc;
        if (p->killed) { /* the out-of-memory killer, during the kernel's copy */
            ts_finish(s, p);
            return 0;
        }
    }
    if (got < 0)
        return (int)got;
    if (got == 0) {
        ts_finish(s, p);
        return 0;
    }
    p->pos = 0;
    p->n = (size_t)got;
    p->nbatches++;
    if (s->refs >= s->next_progress) {
        s->next_progress = s->refs + TS_PROGRESS_EVERY;
        ts_progress(s);
    }
    return 1;
}

/* The end of a slice that used up its budget: a slice that used up the batch looks at the
 * next one, so that a process that has run its whole trace exits now, not at its next turn
 * (the others' frames). */
static void ts_slice_end(struct vms_tracesim *s, struct ts_proc *p)
{
    if (p->pos == p->n) {
        struct vms_error pe = {0};
        int frc = ts_fill(s, p, &pe);
        if (frc < 0) {
            p->pending = frc;
            p->pending_err = pe;
        }
    }
}

/* Runs p for up to `budget` references (a record is never cut). 0, or < 0 on error. The
 * records go to the kernel a batch at a time (kern_access_recs), each batch ending at the
 * quantum, at the next time-series row or at the next checkpoint. */
static int ts_slice(struct vms_tracesim *s, struct ts_proc *p, uint64_t budget,
                    struct vms_error *e)
{
    uint64_t start = s->refs;
    for (;;) {
        if (p->pos == p->n) {
            int rc = ts_fill(s, p, e);
            if (rc <= 0)
                return rc;
        }
        uint64_t lim = budget - (s->refs - start), to_row = s->next_interval - s->refs;
        if (to_row < lim)
            lim = to_row;
        if (s->next_ckpt > s->refs && s->next_ckpt - s->refs < lim)
            lim = s->next_ckpt - s->refs; /* a checkpoint ends a batch too */
        if (!p->have_pid) {
            p->have_pid = true;
            p->main_pid = p->cur_pid;
        }
        if (UNLIKELY(p->exited)) { /* records after the exit event: counted, not run */
            if (!p->after_exit_noted) {
                p->after_exit_noted = true;
                if (p->cur_pid == p->main_pid) {
                    p->ev_contradictions++;
                    ts_note(s, p, NULL, "memory records of process %llu after its exit are "
                                        "not run (os_records_after_exit)",
                            (unsigned long long)p->main_pid);
                } else {
                    ts_note(s, p, NULL, "process %llu's memory records after the exit of "
                                        "process %llu, in whose address space they ran, are "
                                        "not run (os_records_after_exit)",
                            (unsigned long long)p->cur_pid, (unsigned long long)p->main_pid);
                }
            }
            p->recs_after_exit += p->n - p->pos;
            p->nrecs += p->n - p->pos;
            p->pos = p->n;
            continue;
        }
        struct kern_rec_counts c = {0};
        int rc = kern_access_recs(s->k, p->t, p->buf + p->pos, p->n - p->pos, lim, s->bshift,
                                  &c, e);
        p->pos += c.done;
        p->nrecs += c.done;
        p->ifetches += c.ifetches;
        p->loads += c.loads;
        p->stores += c.stores;
        p->split += c.split;
        s->refs += c.refs;
        if (rc < 0)
            return rc;
        if (s->refs >= s->next_interval) {
            if (ts_interval_row(s) < 0)
                return err_set(e, VMS_ENOMEM, "--interval: out of host memory");
            while (s->next_interval <= s->refs)
                s->next_interval += s->o.interval;
        }
        if (c.killed) {
            p->killed = true;
            ts_finish(s, p);
            return 0;
        }
        uint64_t used = s->refs - start, left = used >= budget ? 0 : budget - used;
        if (s->o.stop && *s->o.stop) {
            s->interrupted = true;
            /* the last checkpoint: a resumed run goes on from this very point */
            return s->o.checkpoint ? ts_checkpoint(s, true, left, e) : 0;
        }
        if (!left) {
            ts_slice_end(s, p);
            return 0;
        }
        if (s->refs >= s->next_ckpt && (rc = ts_checkpoint(s, true, left, e)) < 0)
            return rc;
    }
}

int vms_tracesim_run(struct vms_tracesim *s, struct vms_error *e)
{
    if (s->ran)
        return err_set(e, VMS_EINVAL, "the traces have been run already");
    s->ran = true;
    /* A compressed trace is decompressed in a thread of its own and parsed here (the
     * decompressor is the costlier half: a reader thread doing both would be the
     * bottleneck); a plain one is read and parsed by a reader thread. */
    for (size_t i = 0; i < s->np && !s->sequential; i++) {
        if (s->p[i].done)
            continue;
        int ahead = trace_reader_decode_ahead(s->p[i].r, e);
        if (ahead < 0 || (ahead == 0 && ts_feed_start(&s->p[i], e) < 0)) {
            s->failed = true;
            return -VMS_ENOMEM;
        }
    }
    size_t live = 0;
    for (size_t i = 0; i < s->np; i++)
        live += !s->p[i].done;
    /* The round-robin position lives in s (a checkpoint saves it; a resumed run starts
     * from it, inside the slice it was written in when resume_in_slice). */
    int rc = 0;
    while (live) {
        if (s->resume_in_slice) {
            s->resume_in_slice = false;
            struct ts_proc *p = &s->p[s->cur];
            if (s->resume_left)
                rc = ts_slice(s, p, s->resume_left, e);
            else
                ts_slice_end(s, p);
            if (rc < 0)
                break;
            if (p->done)
                live--;
            if (s->interrupted)
                break;
            s->cur = s->cur + 1 == s->np ? 0 : s->cur + 1;
            continue;
        }
        if (s->o.stop && *s->o.stop) {
            s->interrupted = true;
            if (s->o.checkpoint)
                rc = ts_checkpoint(s, false, 0, e);
            break;
        }
        if (s->refs >= s->next_ckpt && (rc = ts_checkpoint(s, false, 0, e)) < 0)
            break;
        struct ts_proc *p = &s->p[s->cur];
        if (!p->done && (p->killed || kern_task_killed(p->t))) {
            p->killed = true;
            ts_finish(s, p);
            live--;
        }
        if (!p->done) {
            /* No switch to a process whose trace has ended. */
            rc = ts_fill(s, p, e);
            if (rc < 0)
                break;
            if (rc == 0) {
                live--;
                s->cur = s->cur + 1 == s->np ? 0 : s->cur + 1;
                continue;
            }
            if (s->cur != s->running) {
                kern_switch(s->k, p->t);
                if (s->running != SIZE_MAX) {
                    s->switches++;
                    p->switches++;
                }
                s->running = s->cur;
            }
            rc = ts_slice(s, p, s->np > 1 ? s->o.quantum : UINT64_MAX, e);
            if (rc < 0)
                break;
            if (p->done)
                live--;
            if (s->interrupted)
                break;
        }
        s->cur = s->cur + 1 == s->np ? 0 : s->cur + 1;
    }
    if (rc == 0 && s->o.interval && (!s->interval_rows || s->refs != s->interval_last) &&
        ts_interval_row(s) < 0)
        rc = err_set(e, VMS_ENOMEM, "--interval: out of host memory");
    if (s->o.progress)
        ts_progress(s);
    if (rc < 0 || s->interrupted) {
        s->failed = rc < 0;
        /* The other traces' reader threads stop here: what they read (counts, the input's
         * identity) is read by the printers from this thread. */
        for (size_t i = 0; i < s->np; i++)
            ts_feed_stop(&s->p[i]);
    }
    /* The last row, held back until now: every reader has stopped, so every input's
     * identity can be read (the whole stream's when the run completed). */
    if (s->interval_rows && ts_interval_emit(s, &s->interval_held, false) < 0 && rc == 0)
        rc = err_set(e, VMS_ENOMEM, "--interval: out of host memory");
    return rc;
}

size_t vms_tracesim_processes(const struct vms_tracesim *s)
{
    return s->np;
}

int vms_tracesim_stat(const struct vms_tracesim *s, size_t proc, const char *key,
                      double *value, struct vms_error *e)
{
    *value = 0;
    if (proc > s->np)
        return err_set(e, VMS_EINVAL, "no process %zu (there are %zu)", proc, s->np);
    struct stats st;
    if (proc == 0)
        ts_total(s, &st);
    else
        ts_proc_stats(s, &s->p[proc - 1], &st);
    if (!stats_get(&st, key, value))
        return err_set(e, VMS_EINVAL, "no statistic '%s'", key);
    return 0;
}

void vms_tracesim_trace_counts(const struct vms_tracesim *s, size_t proc,
                               struct vms_trace_counts *out)
{
    memset(out, 0, sizeof *out);
    if (proc == 0 || proc > s->np)
        return;
    const struct ts_proc *p = &s->p[proc - 1];
    const struct trace_counts *c = p->r ? trace_reader_counts(p->r) : &p->counts;
    trace_counts_public(c, out);
}

/* The OS events of the run's traces (docs/trace.md, "OS events"): replayed, not replayed
 * (other processes', the types this version does not replay, unknown types, after an exit)
 * and the contradictions met. any: whether the traces had any events at all. */
struct ts_ev_totals {
    uint64_t replayed, not_replayed, contradictions, after_exit;
    bool any;
};

static struct ts_ev_totals ts_event_totals(const struct vms_tracesim *s)
{
    struct ts_ev_totals t = {0};
    for (size_t i = 0; i < s->np; i++) {
        const struct ts_proc *p = &s->p[i];
        const struct trace_counts *c = p->r ? trace_reader_counts(p->r) : &p->counts;
        t.any = t.any || c->events + c->unknown_events;
        t.replayed += p->ev_replayed;
        t.not_replayed += p->ev_not_replayed + c->unknown_events;
        t.contradictions += p->ev_contradictions;
        t.after_exit += p->recs_after_exit;
    }
    return t;
}

const char *vms_tracesim_trace_name(const struct vms_tracesim *s, size_t proc)
{
    return proc >= 1 && proc <= s->np ? s->p[proc - 1].name : NULL;
}

bool vms_tracesim_killed(const struct vms_tracesim *s, size_t proc)
{
    return proc >= 1 && proc <= s->np && s->p[proc - 1].killed;
}

/* A process's marks. SEGV: a trace's area is untouched from its first byte, so an
 * access that completed had its page mapped by a fault of this very process; a process
 * with references and no minor or major fault completed none. */
static unsigned ts_proc_marks(const struct vms_tracesim *s, const struct ts_proc *p)
{
    unsigned m = 0;
    const struct trace_counts *c = p->r ? trace_reader_counts(p->r) : &p->counts;
    if (p->killed)
        m |= VMS_MARK_KILLED;
    if (c->bad_lines)
        m |= VMS_MARK_SKIPPED;
    if (s->ran && !s->failed && !s->interrupted && c->records == 0)
        m |= VMS_MARK_EMPTY;
    if (s->interrupted && !p->done)
        m |= VMS_MARK_INTERRUPTED; /* the rest of its trace was not run */
    struct stats st;
    ts_proc_stats(s, p, &st);
    if (st.references && !st.faults_minor && !st.faults_major)
        m |= VMS_MARK_SEGV;
    return m;
}

unsigned vms_tracesim_marks(const struct vms_tracesim *s, size_t proc)
{
    if (proc > s->np)
        return 0;
    if (proc)
        return ts_proc_marks(s, &s->p[proc - 1]);
    unsigned m = s->failed ? VMS_MARK_PARTIAL : 0;
    if (s->interrupted)
        m |= VMS_MARK_INTERRUPTED;
    for (size_t i = 0; i < s->np; i++)
        m |= ts_proc_marks(s, &s->p[i]);
    return m;
}


static void ts_prov_free(struct ts_prov *tp)
{
    vms_free(tp->config);
    vms_free(tp->inputs);
    vms_free(tp->changed);
}

/* The inputs' identity into in[0 .. s->np): the kept one of a finished trace, else the
 * reader's so far (running: unknown, pending, since a reader thread may be reading). */
static void ts_prov_inputs(const struct vms_tracesim *s, struct stats_input *in, bool running)
{
    for (size_t i = 0; i < s->np; i++) {
        const struct ts_proc *p = &s->p[i];
        in[i] = (struct stats_input){.path = p->name, .format = p->format,
                                     .compression = p->compression};
        if (p->r && running) {
            in[i].pending = true;
        } else if (p->r) {
            trace_reader_identity(p->r, &in[i].bytes, &in[i].hash, &in[i].complete);
        } else {
            in[i].bytes = p->id_bytes;
            in[i].hash = p->id_hash;
            in[i].complete = p->id_complete;
        }
    }
}

static int ts_prov(const struct vms_tracesim *s, struct ts_prov *tp, struct vms_error *e)
{
    return ts_prov_make(s, tp, false, e);
}

static int ts_prov_make(const struct vms_tracesim *s, struct ts_prov *tp, bool running,
                        struct vms_error *e)
{
    memset(tp, 0, sizeof *tp);
    size_t nk;
    if (stats_prov_machine(&s->cfg, &tp->config, &nk, &tp->changed, e) < 0)
        return -VMS_ENOMEM;
    tp->inputs = vms_calloc(s->np ? s->np : 1, sizeof *tp->inputs);
    if (!tp->inputs) {
        ts_prov_free(tp);
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    ts_prov_inputs(s, tp->inputs, running);
    tp->prov = (struct stats_prov){
        .machine = vms_config_name(&s->cfg),
        .config = tp->config,
        .nconfig = nk,
        .changed = tp->changed,
        .memory = s->o.memory ? s->o.memory : (uint64_t)256 << 20,
        .swap = s->o.swap,
        .seed = s->o.params.seed ? s->o.params.seed : 1,
        .tau = s->o.params.tau,
        .quantum = s->o.quantum,
        .policy = s->o.policy ? s->o.policy : "clock",
        .page_model = s->o.flags & VMS_TRACESIM_ZERO_PAGE ? "zero-page" : "frame-per-page",
        .pcid = s->cfg.pcid,
        .inputs = tp->inputs,
        .ninputs = s->np,
    };
    struct ts_ev_totals et = ts_event_totals(s);
    if (et.any) {
        snprintf(tp->extra, sizeof tp->extra,
                 "\"os_events_replayed\":%llu,\"os_events_not_replayed\":%llu,"
                 "\"os_event_contradictions\":%llu,\"os_records_after_exit\":%llu",
                 (unsigned long long)et.replayed, (unsigned long long)et.not_replayed,
                 (unsigned long long)et.contradictions, (unsigned long long)et.after_exit);
        tp->prov.run_extra = tp->extra;
    }
    return 0;
}

static void ts_meta(const struct vms_tracesim *s, struct stats_meta *meta)
{
    memset(meta, 0, sizeof *meta);
    meta->marks = vms_tracesim_marks(s, 0);
    for (size_t i = 0; i < s->np; i++)
        meta->killed += s->p[i].killed;
}

bool vms_tracesim_thrashing(const struct vms_tracesim *s, char *msg, size_t n)
{
    return s->k && kern_thrashing(s->k, msg, n);
}

int vms_tracesim_print(const struct vms_tracesim *s, FILE *out, enum vms_format fmt,
                       struct vms_error *e)
{
    struct stats total;
    ts_total(s, &total);
    struct stats *ps = vms_calloc(s->np ? s->np : 1, sizeof *ps);
    struct stats_proc *pp = vms_calloc(s->np ? s->np : 1, sizeof *pp);
    unsigned *pm = vms_calloc(s->np ? s->np : 1, sizeof *pm);
    if (!ps || !pp || !pm) {
        vms_free(ps);
        vms_free(pp);
        vms_free(pm);
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    for (size_t i = 0; i < s->np; i++) {
        ts_proc_stats(s, &s->p[i], &ps[i]);
        pp[i] = (struct stats_proc){kern_pid(s->p[i].t), s->p[i].name, s->p[i].killed, &ps[i]};
        pm[i] = ts_proc_marks(s, &s->p[i]);
    }
    struct stats_meta meta;
    ts_meta(s, &meta);
    meta.proc_marks = pm;
    struct ts_prov tp;
    int rc = ts_prov(s, &tp, e);
    if (rc == 0) {
        meta.prov = &tp.prov;
        stats_print_result(&total, pp, s->np, &meta, out, fmt, true);
        struct ts_ev_totals et = ts_event_totals(s);
        if (et.any && fmt == VMS_TEXT) {
            fprintf(out, "%-32s %llu\n", "os_events_replayed", (unsigned long long)et.replayed);
            fprintf(out, "%-32s %llu\n", "os_events_not_replayed",
                    (unsigned long long)et.not_replayed);
            fprintf(out, "%-32s %llu\n", "os_event_contradictions",
                    (unsigned long long)et.contradictions);
            fprintf(out, "%-32s %llu\n", "os_records_after_exit",
                    (unsigned long long)et.after_exit);
        }
        ts_prov_free(&tp);
    }
    vms_free(ps);
    vms_free(pp);
    vms_free(pm);
    if (rc < 0)
        return rc;
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}

int vms_tracesim_print_row(const struct vms_tracesim *s, const char *const *names,
                           const char *const *values, size_t n, bool header, FILE *out,
                           struct vms_error *e)
{
    struct stats total;
    ts_total(s, &total);
    /* The caller's columns, then the run's status, killed count and provenance. */
    struct stats_meta meta;
    ts_meta(s, &meta);
    struct ts_prov tp;
    if (ts_prov(s, &tp, e) < 0)
        return -VMS_ENOMEM;
    meta.prov = &tp.prov;
    stats_print_result_row(&total, names, values, n, &meta, out, header);
    ts_prov_free(&tp);
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}

/* ------------------------------------------------------------------ checkpoints */

/* The file (docs/trace.md, "Checkpoints"): TS_CKPT_MAGIC, the format number, the version of
 * vmsim that wrote it, the payload's length and input hash, then the payload: the options,
 * the inputs, the simulator's position, the kernel (kern_save). */
#define TS_CKPT_MAGIC "VMSIMCKP"
#define TS_CKPT_FORMAT 1
/* what resume reads at most: 1 TiB, or all a 32-bit host can address */
#define TS_CKPT_MAX ((size_t)(UINT64_C(1) << 40 < SIZE_MAX ? UINT64_C(1) << 40 : SIZE_MAX))

static uint64_t ts_hash(const void *p, size_t n)
{
    struct input_hash h;
    input_hash_init(&h);
    input_hash_update(&h, p, n);
    return input_hash_final(&h);
}

static void ts_save_options(const struct vms_tracesim *s, struct ser *w)
{
    size_t nk = config_key_count();
    ser_u64(w, nk);
    for (size_t i = 0; i < nk; i++) {
        char v[256];
        config_get(&s->cfg, config_key(i)->key, v, sizeof v);
        ser_str(w, config_key(i)->key);
        ser_str(w, v);
    }
    ser_u64(w, s->o.memory ? s->o.memory : (uint64_t)256 << 20);
    ser_u64(w, s->o.swap);
    ser_str(w, s->o.policy ? s->o.policy : "clock");
    ser_u64(w, s->o.params.seed ? s->o.params.seed : 1);
    ser_u64(w, s->o.params.tau);
    ser_u64(w, s->o.quantum);
    ser_u32(w, s->o.flags & (VMS_TRACE_SKIP_BAD | VMS_TRACESIM_ZERO_PAGE));
    ser_u64(w, s->o.interval);
    ser_u64(w, s->np);
    for (size_t i = 0; i < s->np; i++)
        ser_str(w, s->p[i].name);
}

static void ts_save_proc(const struct ts_proc *p, struct ser *w)
{
    ser_u32(w, (uint32_t)kern_pid(p->t));
    ser_str(w, p->format);
    ser_str(w, p->compression);
    ser_u8(w, p->done);
    ser_u8(w, p->killed);
    ser_u64(w, p->ifetches);
    ser_u64(w, p->loads);
    ser_u64(w, p->stores);
    ser_u64(w, p->split);
    ser_u64(w, p->switches);
    if (p->done) {
        ser_bytes(w, &p->counts, sizeof p->counts);
        ser_u64(w, p->in_done);
        ser_u64(w, p->in_total);
        ser_u64(w, p->id_bytes);
        ser_u64(w, p->id_hash);
        ser_u8(w, p->id_complete);
    } else {
        ser_u64(w, p->nbatches);
        ser_u64(w, p->pos);
        ser_u64(w, p->n);
        ser_u64(w, p->cur_id_bytes);
        ser_u64(w, p->cur_id_hash);
    }
}

/* Writes the checkpoint (the whole state now, between two batches; in_slice: inside the
 * slice of process s->cur with `left` references of its budget left). 0 or < 0 (e). */
static int ts_checkpoint(struct vms_tracesim *s, bool in_slice, uint64_t left, struct vms_error *e)
{
    struct ser w;
    ser_init(&w);
    ser_bytes(&w, TS_CKPT_MAGIC, 8);
    ser_u32(&w, TS_CKPT_FORMAT);
    ser_str(&w, vms_version());
    size_t head = w.len;
    ser_u64(&w, 0); /* the payload's length and hash, patched below */
    ser_u64(&w, 0);
    size_t start = w.len;
    ts_save_options(s, &w);
    for (size_t i = 0; i < s->np; i++)
        ts_save_proc(&s->p[i], &w);
    ser_u64(&w, s->refs);
    ser_u64(&w, s->switches);
    ser_u64(&w, s->next_interval);
    ser_u64(&w, s->next_progress);
    ser_u8(&w, s->interval_header);
    ser_u64(&w, s->interval_last);
    ser_u64(&w, s->interval_rows);
    stats_save(&s->interval_held, &w);
    ser_u64(&w, s->cur);
    ser_u64(&w, s->running);
    ser_u8(&w, in_slice);
    ser_u64(&w, left);
    ser_u64(&w, s->ilog.len);
    ser_bytes(&w, s->ilog.buf, s->ilog.len);
    size_t klen = w.len;
    ser_u64(&w, 0);
    int rc = kern_save(s->k, &w, e);
    if (rc < 0) {
        ser_fini(&w);
        return err_prefix(e, "%s", s->o.checkpoint);
    }
    ser_patch_u64(&w, klen, w.len - klen - 8);
    if (w.oom || s->ilog.oom) {
        ser_fini(&w);
        return err_set(e, VMS_ENOMEM, "%s: out of host memory", s->o.checkpoint);
    }
    ser_patch_u64(&w, head, w.len - start);
    ser_patch_u64(&w, head + 8, ts_hash(w.buf + start, w.len - start));
    /* written whole or not at all: a temporary file, fsync, rename */
    const char **inputs = vms_calloc(s->np ? s->np : 1, sizeof *inputs);
    if (!inputs) {
        ser_fini(&w);
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    for (size_t i = 0; i < s->np; i++)
        inputs[i] = s->p[i].name;
    struct outfile of;
    rc = outfile_open(&of, s->o.checkpoint, inputs, s->np, e);
    vms_free(inputs);
    if (rc == 0) {
        if (io_write(of.fd, w.buf, w.len, s->o.checkpoint) < 0) {
            rc = err_set(e, VMS_EIO, "%s: %s", s->o.checkpoint, strerror(errno));
            outfile_abort(&of);
        } else {
            rc = outfile_commit(&of, e);
        }
    }
    ser_fini(&w);
    if (rc < 0)
        return rc;
    s->ckpt_written++;
    if (s->o.checkpoint_every)
        while (s->next_ckpt <= s->refs)
            s->next_ckpt += s->o.checkpoint_every;
    return 0;
}

uint64_t vms_tracesim_checkpoints(const struct vms_tracesim *s)
{
    return s->ckpt_written;
}

/* The options of the checkpoint against s's: the first difference refused. */
static void ts_check_options(const struct vms_tracesim *s, struct deser *d)
{
    uint64_t nk = deser_u64(d);
    if (nk != config_key_count()) {
        deser_fail(d, "the checkpoint was made with another machine description (%llu keys, not %zu)",
                   (unsigned long long)nk, config_key_count());
        return;
    }
    for (size_t i = 0; i < nk && !d->bad; i++) {
        char *k = NULL, *v = NULL, now[256];
        if (deser_str(d, 256, &k) && deser_str(d, 256, &v) && k && v) {
            config_get(&s->cfg, k, now, sizeof now);
            if (strcmp(k, config_key(i)->key))
                deser_fail(d, "the checkpoint was made with another machine description (key %s)", k);
            else if (strcmp(v, now))
                deser_fail(d, "the checkpoint was made with machine key %s=%s, not %s", k, v, now);
        } else if (!d->bad) {
            deser_fail(d, "corrupt checkpoint: a machine key");
        }
        vms_free(k);
        vms_free(v);
    }
    struct {
        const char *what;
        uint64_t now;
    } nums[] = {
        {"--memory", s->o.memory ? s->o.memory : (uint64_t)256 << 20},
        {"--swap", s->o.swap},
    };
    for (size_t i = 0; i < ARRAY_LEN(nums); i++) {
        uint64_t v = deser_u64(d);
        if (!d->bad && v != nums[i].now)
            deser_fail(d, "the checkpoint was made with %s %llu, not %llu", nums[i].what, (unsigned long long)v,
                       (unsigned long long)nums[i].now);
    }
    char *pol = NULL;
    const char *pnow = s->o.policy ? s->o.policy : "clock";
    if (deser_str(d, 64, &pol) && (!pol || strcmp(pol, pnow)))
        deser_fail(d, "the checkpoint was made with --policy %s, not %s", pol ? pol : "(none)", pnow);
    vms_free(pol);
    struct {
        const char *what;
        uint64_t now;
    } more[] = {
        {"--seed", s->o.params.seed ? s->o.params.seed : 1},
        {"--tau", s->o.params.tau},
        {"--quantum", s->o.quantum},
    };
    for (size_t i = 0; i < ARRAY_LEN(more); i++) {
        uint64_t v = deser_u64(d);
        if (!d->bad && v != more[i].now)
            deser_fail(d, "the checkpoint was made with %s %llu, not %llu", more[i].what, (unsigned long long)v,
                       (unsigned long long)more[i].now);
    }
    uint32_t fl = deser_u32(d), fnow = s->o.flags & (VMS_TRACE_SKIP_BAD | VMS_TRACESIM_ZERO_PAGE);
    static const struct {
        unsigned flag;
        const char *opt;
    } flags[] = {{VMS_TRACE_SKIP_BAD, "--skip-bad"}, {VMS_TRACESIM_ZERO_PAGE, "--zero-page"}};
    for (size_t i = 0; i < ARRAY_LEN(flags) && !d->bad; i++)
        if ((fl ^ fnow) & flags[i].flag)
            deser_fail(d, "the checkpoint was made %s %s (this run has %s)",
                       fl & flags[i].flag ? "with" : "without", flags[i].opt,
                       fl & flags[i].flag ? "not" : "it");
    uint64_t iv = deser_u64(d);
    if (!d->bad && iv != s->o.interval) {
        if (!iv || !s->o.interval)
            deser_fail(d, "the checkpoint was made %s --interval (this run has %s)",
                       iv ? "with" : "without", iv ? "not" : "it");
        else
            deser_fail(d, "the checkpoint was made with --interval %llu, not %llu",
                       (unsigned long long)iv, (unsigned long long)s->o.interval);
    }
    uint64_t np = deser_u64(d);
    if (!d->bad && np != s->np)
        deser_fail(d, "the checkpoint was made with %llu traces, not %zu", (unsigned long long)np, s->np);
    for (size_t i = 0; i < s->np && !d->bad; i++) {
        char *name = NULL;
        if (deser_str(d, 1 << 16, &name) && (!name || strcmp(name, s->p[i].name)))
            deser_fail(d, "trace %zu of the checkpoint is %s, not %s", i + 1,
                       name ? name : "(none)", s->p[i].name);
        vms_free(name);
    }
}

/* Process p's state from d, its reader brought to the same place (and checked to read the
 * same bytes). < 0 only for host errors and read errors (e); mismatches mark d bad. */
static int ts_load_proc(struct ts_proc *p, struct deser *d, struct vms_error *e)
{
    uint32_t pid = deser_u32(d);
    char *fmt = NULL, *comp = NULL;
    if (deser_str(d, 64, &fmt) && deser_str(d, 64, &comp) &&
        (!fmt || !comp || strcmp(fmt, p->format) || strcmp(comp, p->compression)))
        deser_fail(d, "%s was read as %s (%s) when the checkpoint was made, now as %s (%s)",
                   p->name, fmt ? fmt : "?", comp ? comp : "?", p->format, p->compression);
    vms_free(fmt);
    vms_free(comp);
    bool done = deser_bool(d);
    p->killed = deser_bool(d);
    p->ifetches = deser_u64(d);
    p->loads = deser_u64(d);
    p->stores = deser_u64(d);
    p->split = deser_u64(d);
    p->switches = deser_u64(d);
    if (d->bad)
        return 0;
    p->t = NULL; /* set by the caller once the kernel is loaded */
    p->pending = (int)pid; /* the pid, until then */
    if (done) {
        deser_bytes(d, &p->counts, sizeof p->counts);
        p->in_done = deser_u64(d);
        p->in_total = deser_u64(d);
        p->id_bytes = deser_u64(d);
        p->id_hash = deser_u64(d);
        p->id_complete = deser_bool(d);
        if (d->bad)
            return 0;
        /* the input must still be the one that was read whole */
        int rc = trace_reader_drain(p->r, e);
        if (rc < 0)
            return rc;
        uint64_t b, h;
        bool c;
        trace_reader_identity(p->r, &b, &h, &c);
        if (b != p->id_bytes || h != p->id_hash)
            deser_fail(d, "%s is not the input the checkpoint was made from (%llu bytes, "
                          "hash %016llx; now %llu bytes, hash %016llx)",
                       p->name, (unsigned long long)p->id_bytes, (unsigned long long)p->id_hash,
                       (unsigned long long)b, (unsigned long long)h);
        trace_reader_progress(p->r, &b, &b);
        trace_close(p->r);
        p->r = NULL;
        vms_free(p->buf);
        p->buf = NULL;
        p->done = true;
        return 0;
    }
    uint64_t nb = deser_u64(d), pos = deser_u64(d), n = deser_u64(d);
    uint64_t idb = deser_u64(d), idh = deser_u64(d);
    if (d->bad)
        return 0;
    if (n > TS_BATCH || pos > n || (nb == 0 && n) || (nb && !n)) {
        deser_fail(d, "corrupt checkpoint: the position in %s", p->name);
        return 0;
    }
    /* the same batches as the run that wrote the checkpoint read */
    long got = 0;
    for (uint64_t i = 0; i < nb; i++) {
        got = trace_read(p->r, p->buf, TS_BATCH, e);
        if (got < 0)
            return (int)got;
        if (got == 0) {
            deser_fail(d, "%s is shorter than the input the checkpoint was made from", p->name);
            return 0;
        }
    }
    uint64_t b, h;
    trace_reader_identity(p->r, &b, &h, NULL);
    if (b != idb || h != idh || (uint64_t)got != n) {
        deser_fail(d, "%s is not the input the checkpoint was made from (its first %llu bytes "
                      "had hash %016llx; now %llu bytes, hash %016llx)",
                   p->name, (unsigned long long)idb, (unsigned long long)idh,
                   (unsigned long long)b, (unsigned long long)h);
        return 0;
    }
    p->nbatches = nb;
    p->pos = (size_t)pos;
    p->n = (size_t)n;
    p->cur_id_bytes = idb;
    p->cur_id_hash = idh;
    return 0;
}

static int ts_resume_payload(struct vms_tracesim *s, struct deser *d, struct vms_error *e)
{
    ts_check_options(s, d);
    for (size_t i = 0; i < s->np && !d->bad; i++) {
        int rc = ts_load_proc(&s->p[i], d, e);
        if (rc < 0)
            return rc;
    }
    s->refs = deser_u64(d);
    s->switches = deser_u64(d);
    s->next_interval = deser_u64(d);
    s->next_progress = deser_u64(d);
    s->interval_header = deser_bool(d);
    s->interval_last = deser_u64(d);
    s->interval_rows = (size_t)deser_u64(d);
    stats_load(&s->interval_held, d);
    s->cur = (size_t)deser_max(d, s->np ? s->np - 1 : 0, "process index");
    uint64_t running = deser_u64(d);
    if (running != SIZE_MAX && running >= s->np)
        deser_fail(d, "corrupt checkpoint: the running process");
    s->running = (size_t)running;
    s->resume_in_slice = deser_bool(d);
    s->resume_left = deser_u64(d);
    if (s->o.checkpoint && s->o.checkpoint_every) /* the next multiple, as the first run */
        s->next_ckpt = (s->refs / s->o.checkpoint_every + 1) * s->o.checkpoint_every;
    uint64_t ilen = deser_max(d, d->len - d->pos, "time-series length");
    const uint8_t *il = deser_take(d, (size_t)ilen);
    uint64_t klen = deser_max(d, d->len - d->pos, "kernel length");
    const uint8_t *kb = deser_take(d, (size_t)klen);
    if (!d->bad && d->pos != d->len)
        deser_fail(d, "corrupt checkpoint: %zu bytes after the end", d->len - d->pos);
    if (!d->bad && ilen && !s->o.interval_out)
        deser_fail(d, "corrupt checkpoint: a time series without --interval");
    if (d->bad)
        return 0;
    if (s->resume_in_slice && s->p[s->cur].done)
        deser_fail(d, "corrupt checkpoint: inside the slice of a finished process");
    /* the kernel, into a new one made as vms_tracesim_create made the first */
    struct kern_options ko = ts_kern_options(s);
    kern_destroy(s->k);
    s->k = NULL;
    int rc = kern_create(&s->cfg, &ko, &s->k, e);
    if (rc < 0)
        return rc;
    struct deser kd;
    deser_init(&kd, kb, (size_t)klen, d->name);
    rc = kern_load(s->k, &kd, e);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < s->np && !d->bad; i++) {
        struct ts_proc *p = &s->p[i];
        p->t = kern_task_by_pid(s->k, p->pending);
        p->pending = 0;
        if (!p->t)
            deser_fail(d, "corrupt checkpoint: trace %zu's process is missing", i + 1);
    }
    if (s->running != SIZE_MAX && !d->bad && kern_current(s->k) &&
        kern_current(s->k) != s->p[s->running].t)
        deser_fail(d, "corrupt checkpoint: the running process is not the current task");
    if (d->bad)
        return 0;
    ser_bytes(&s->ilog, il, (size_t)ilen);
    if (ilen && fwrite(il, 1, (size_t)ilen, s->o.interval_out) != ilen)
        return err_set(e, VMS_EIO, "--interval: write error");
    if (s->ilog.oom)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    return 0;
}

int vms_tracesim_resume(struct vms_tracesim *s, const char *path, struct vms_error *e)
{
    if (s->ran)
        return err_set(e, VMS_EINVAL, "the traces have been run already");
    char *buf = NULL;
    size_t len = 0;
    int rc = infile_slurp(path, INFILE_REGULAR, "checkpoint", TS_CKPT_MAX, &buf, &len, e);
    if (rc < 0)
        return rc;
    rc = tracesim_resume_mem(s, buf, len, path, true, e);
    vms_free(buf);
    if (rc < 0)
        s->failed = true;
    return rc;
}

int tracesim_resume_mem(struct vms_tracesim *s, const void *data, size_t len,
                            const char *name, bool check_hash, struct vms_error *e)
{
    struct deser d;
    deser_init(&d, data, len, name);
    char magic[8];
    deser_bytes(&d, magic, 8);
    if (d.bad || memcmp(magic, TS_CKPT_MAGIC, 8))
        return err_set(e, VMS_EINVAL, "%s: not a vmsim checkpoint", name);
    uint32_t fmt = deser_u32(&d);
    char *ver = NULL;
    deser_str(&d, 64, &ver);
    if (!d.bad && (fmt != TS_CKPT_FORMAT || !ver || strcmp(ver, vms_version()))) {
        err_set(e, VMS_EINVAL, "%s: written by vmsim %s (checkpoint format %u); this is vmsim %s",
                name, ver ? ver : "?", fmt, vms_version());
        vms_free(ver);
        return -VMS_EINVAL;
    }
    vms_free(ver);
    uint64_t plen = deser_u64(&d), phash = deser_u64(&d);
    if (!d.bad && check_hash && plen != d.len - d.pos)
        deser_fail(&d, "truncated or damaged checkpoint (%llu bytes of payload, %zu there)",
                   (unsigned long long)plen, d.len - d.pos);
    if (!d.bad && check_hash && ts_hash(d.p + d.pos, d.len - d.pos) != phash)
        deser_fail(&d, "damaged checkpoint (its hash does not match)");
    if (d.bad)
        return deser_error(&d, e);
    struct deser pd;
    deser_init(&pd, d.p + d.pos, d.len - d.pos, name);
    int rc = ts_resume_payload(s, &pd, e);
    if (rc == 0)
        rc = deser_error(&pd, e);
    if (rc < 0) /* the processes' tasks may be gone with the kernel they were in */
        for (size_t i = 0; i < s->np; i++)
            s->p[i].t = NULL;
    return rc;
}
