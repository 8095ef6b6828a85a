/* Randomized model-based test of the simulated kernel: thousands of generated scripts (mmap of
 * anonymous/file, private/shared areas with and without hints and MAP_FIXED, munmap, mprotect,
 * msync, brk, fork, exit, loads/stores/fetches of 1/2/4/8 bytes including page-spanning ones,
 * fill/check runs, read(2) of files) over several processes, on machines with 4-16 pages of
 * memory, swap, and every policy the kernel can run, checked step by step against a simple
 * reference model: per process a list of areas and a map page → private bytes (copy-on-write
 * modelled as value copies at fork), shared objects (files, shared anonymous memory) as byte
 * arrays. Every load value, every fault outcome (none/maperr/accerr/SIGBUS), every mmap
 * address, every system call's success, every area, and the file bytes on disk after msync
 * and at the end must agree, and kern_audit must pass after every step. Out-of-memory kills
 * happen only in scripts with little swap, and each must pick a largest-RSS task when no frame
 * could have been freed.
 *
 * Where Linux is the reference the model follows it: a store spanning two pages write-faults
 * both (breaking copy-on-write) before writing any byte, even when the second page then
 * faults; bytes past end of file in the last page belong to the page-cache page (tmpfs-like).
 *
 * Environment: VMSIM_MODEL_SCRIPTS=N (count; default 2000, 1000 under ASan),
 * VMSIM_MODEL_BASE=S (base seed), VMSIM_MODEL_SEED=S (replay one script, as printed on
 * failure), VMSIM_MODEL_OOM=1 (every script with little swap: out-of-memory kills),
 * VMSIM_MODEL_VERBOSE=1 (print every step), VMSIM_MODEL_DEBUG=1 (describe the frame
 * behind a wrong load), VMSIM_MODEL_WATCH=VA (print every process's PTE for VA after each
 * step). */
#include "ktest.h"

#include "policy/policy.h"

#include <stdarg.h>
#include <time.h>

#if defined(__SANITIZE_ADDRESS__)
#define MODEL_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MODEL_SANITIZED 1
#endif
#endif
#ifndef MODEL_SANITIZED
#define MODEL_SANITIZED 0
#endif

#define MAXPROC 5
#define MAXFILE 3
#define MAXOBJ 64

/* ------------------------------------------------------------------ the reference model */

struct mobj {
    bool live, shm;
    uint8_t *bytes; /* npages pages: the page-cache view (bytes past EOF included) */
    uint64_t size;  /* end of file (files) or length (shm) */
    uint64_t npages;
    unsigned refs;  /* shm: areas referring to it */
    uint64_t ino;   /* the kernel's identity: file inode or shmem number */
    char path[320]; /* files */
};

struct marea {
    vaddr_t start, end;
    unsigned prot;
    bool shared;
    int obj;        /* -1: anonymous private */
    uint64_t pgoff; /* object page of start */
};

struct mpage {
    uint64_t vpn;
    uint8_t *bytes;
};

struct mproc {
    bool live;   /* in the model */
    bool killed; /* the kernel killed it (still to be exited) */
    struct task *t;
    struct marea *areas;
    size_t nareas, capareas;
    struct mpage *pages; /* sorted by vpn: private copies */
    size_t npages, cappages;
    vaddr_t start_brk, brk;
};

struct model {
    /* machine */
    uint64_t ps;
    unsigned pshift;
    enum pte_fmt fmt;
    struct area_layout lay;
    vaddr_t win_lo, win_hi; /* where hints and fixed mappings go */
    /* state */
    struct mobj objs[MAXOBJ];
    unsigned nobjs, nfiles;
    struct mproc procs[MAXPROC];
    struct kernel *k;
    bool oom_mode;
    uint64_t budget; /* OOM-free scripts: at most this many pages may need swap */
    /* kills reported by the kernel */
    struct task *killed[16];
    unsigned nkilled;
    bool bad_kill;
    char bad_kill_why[200];
    /* the current script */
    uint64_t rng;
    uint64_t seed;
    unsigned step;
    char dir[256];
    bool verbose;
    char log[48][200];
    unsigned nlog;
    bool failed;
    char why[1024];
    /* statistics */
    uint64_t n_access, n_fault[5], n_kills, n_ops;
    uint64_t n_swap_outs, n_swap_ins, n_cow, n_writebacks, n_scripts_swapping;
};

static uint64_t rnd(struct model *m)
{
    return policy_rand_next(&m->rng);
}

static uint64_t below(struct model *m, uint64_t n)
{
    return n ? rnd(m) % n : 0;
}

static bool chance(struct model *m, unsigned percent)
{
    return below(m, 100) < percent;
}

static void logf_(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct model *m, const char *fmt, ...)
{
    char *b = m->log[m->nlog++ % 48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof m->log[0], fmt, ap);
    va_end(ap);
    if (m->verbose)
        fprintf(stderr, "  [%u] %s\n", m->step, b);
}

static void fail(struct model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct model *m, const char *fmt, ...)
{
    if (m->failed)
        return;
    m->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->why, sizeof m->why, fmt, ap);
    va_end(ap);
}

/* ---- objects */

static int obj_new(struct model *m, bool shm, uint64_t size)
{
    unsigned i = 0;
    while (i < m->nobjs && m->objs[i].live)
        i++;
    if (i == MAXOBJ)
        return -1;
    if (i == m->nobjs)
        m->nobjs++;
    struct mobj *o = &m->objs[i];
    memset(o, 0, sizeof *o);
    o->live = true;
    o->shm = shm;
    o->size = size;
    o->npages = (size + m->ps - 1) >> m->pshift;
    o->bytes = calloc(o->npages ? o->npages : 1, m->ps);
    return (int)i;
}

static void obj_put(struct model *m, int id)
{
    if (id < 0 || !m->objs[id].shm)
        return;
    struct mobj *o = &m->objs[id];
    if (--o->refs == 0) {
        free(o->bytes);
        o->bytes = NULL;
        o->live = false;
    }
}

static void obj_get(struct model *m, int id)
{
    if (id >= 0 && m->objs[id].shm)
        m->objs[id].refs++;
}

/* ---- private pages */

static size_t page_pos(const struct mproc *p, uint64_t vpn)
{
    size_t lo = 0, hi = p->npages;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->pages[mid].vpn < vpn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static uint8_t *page_find(const struct mproc *p, uint64_t vpn)
{
    size_t i = page_pos(p, vpn);
    return i < p->npages && p->pages[i].vpn == vpn ? p->pages[i].bytes : NULL;
}

static uint8_t *page_add(struct model *m, struct mproc *p, uint64_t vpn, const uint8_t *init)
{
    size_t i = page_pos(p, vpn);
    if (p->npages == p->cappages) {
        p->cappages = p->cappages ? 2 * p->cappages : 16;
        p->pages = realloc(p->pages, p->cappages * sizeof *p->pages);
    }
    memmove(&p->pages[i + 1], &p->pages[i], (p->npages - i) * sizeof *p->pages);
    p->npages++;
    p->pages[i].vpn = vpn;
    p->pages[i].bytes = malloc(m->ps);
    if (init)
        memcpy(p->pages[i].bytes, init, m->ps);
    else
        memset(p->pages[i].bytes, 0, m->ps);
    return p->pages[i].bytes;
}

static void pages_drop(struct mproc *p, uint64_t vlo, uint64_t vhi)
{
    size_t i = page_pos(p, vlo), j = i;
    while (j < p->npages && p->pages[j].vpn < vhi)
        free(p->pages[j++].bytes);
    if (j == i)
        return;
    memmove(&p->pages[i], &p->pages[j], (p->npages - j) * sizeof *p->pages);
    p->npages -= j - i;
}

/* ---- areas */

static void area_ins(struct mproc *p, struct marea a)
{
    if (p->nareas == p->capareas) {
        p->capareas = p->capareas ? 2 * p->capareas : 8;
        p->areas = realloc(p->areas, p->capareas * sizeof *p->areas);
    }
    size_t i = 0;
    while (i < p->nareas && p->areas[i].start < a.start)
        i++;
    memmove(&p->areas[i + 1], &p->areas[i], (p->nareas - i) * sizeof *p->areas);
    p->areas[i] = a;
    p->nareas++;
}

static int area_at(const struct mproc *p, vaddr_t va)
{
    for (size_t i = 0; i < p->nareas; i++)
        if (va >= p->areas[i].start && va < p->areas[i].end)
            return (int)i;
    return -1;
}

static bool range_free(const struct mproc *p, vaddr_t s, vaddr_t e)
{
    for (size_t i = 0; i < p->nareas; i++)
        if (p->areas[i].start < e && s < p->areas[i].end)
            return false;
    return true;
}

static bool range_covered(const struct mproc *p, vaddr_t s, vaddr_t e)
{
    vaddr_t at = s;
    for (size_t i = 0; i < p->nareas && at < e; i++) {
        if (p->areas[i].end <= at)
            continue;
        if (p->areas[i].start > at)
            return false;
        at = p->areas[i].end;
    }
    return at >= e;
}

/* Splits the area containing `at` (strictly inside) in two. */
static void area_split_at(struct model *m, struct mproc *p, vaddr_t at)
{
    int i = area_at(p, at);
    if (i < 0 || p->areas[i].start == at)
        return;
    struct marea hi = p->areas[i];
    hi.start = at;
    if (hi.obj >= 0)
        hi.pgoff += (at - p->areas[i].start) >> m->pshift;
    p->areas[i].end = at;
    obj_get(m, hi.obj);
    area_ins(p, hi);
}

static void m_unmap(struct model *m, struct mproc *p, vaddr_t s, vaddr_t e)
{
    area_split_at(m, p, s);
    area_split_at(m, p, e);
    size_t w = 0;
    for (size_t i = 0; i < p->nareas; i++) {
        struct marea *a = &p->areas[i];
        if (a->start >= s && a->end <= e) {
            obj_put(m, a->obj);
            continue;
        }
        p->areas[w++] = *a;
    }
    p->nareas = w;
    pages_drop(p, s >> m->pshift, e >> m->pshift);
}

static void m_map(struct model *m, struct mproc *p, struct marea a)
{
    m_unmap(m, p, a.start, a.end);
    obj_get(m, a.obj);
    area_ins(p, a);
}

static void m_protect(struct model *m, struct mproc *p, vaddr_t s, vaddr_t e, unsigned prot)
{
    area_split_at(m, p, s);
    area_split_at(m, p, e);
    for (size_t i = 0; i < p->nareas; i++)
        if (p->areas[i].start >= s && p->areas[i].end <= e)
            p->areas[i].prot = prot;
}

static void m_exit(struct model *m, struct mproc *p)
{
    m_unmap(m, p, 0, UINT64_MAX & ~(m->ps - 1));
    free(p->areas);
    free(p->pages);
    p->areas = NULL;
    p->pages = NULL;
    p->nareas = p->capareas = p->npages = p->cappages = 0;
    p->live = false;
}

static void m_fork(struct model *m, struct mproc *c, const struct mproc *p)
{
    *c = *p;
    c->areas = malloc((p->nareas ? p->nareas : 1) * sizeof *c->areas);
    if (p->nareas)
        memcpy(c->areas, p->areas, p->nareas * sizeof *c->areas);
    c->capareas = p->nareas ? p->nareas : 1;
    for (size_t i = 0; i < p->nareas; i++)
        obj_get(m, p->areas[i].obj);
    c->pages = malloc((p->npages ? p->npages : 1) * sizeof *c->pages);
    c->cappages = p->npages ? p->npages : 1;
    for (size_t i = 0; i < p->npages; i++) {
        c->pages[i].vpn = p->pages[i].vpn;
        c->pages[i].bytes = malloc(m->ps);
        memcpy(c->pages[i].bytes, p->pages[i].bytes, m->ps);
    }
}

/* Pages that may need swap: private pages of every area (anon or file: COW copies) and
 * shared anonymous objects. Bounds the swap slots an OOM-free script can need. */
static uint64_t m_swappable(const struct model *m)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < MAXPROC; i++) {
        const struct mproc *p = &m->procs[i];
        if (!p->live)
            continue;
        for (size_t j = 0; j < p->nareas; j++)
            if (!p->areas[j].shared)
                n += (p->areas[j].end - p->areas[j].start) >> m->pshift;
    }
    for (unsigned i = 0; i < m->nobjs; i++)
        if (m->objs[i].live && m->objs[i].shm)
            n += m->objs[i].npages;
    return n;
}

/* ---- accesses in the model */

static bool m_allows(const struct model *m, unsigned prot, enum access_kind kind)
{
    switch (kind) {
    case ACCESS_STORE:
        if (m->fmt == PTE_FMT_TEACH) /* the teaching MMU checks READ on stores too */
            return (prot & (AREA_READ | AREA_WRITE)) == (AREA_READ | AREA_WRITE);
        return prot & AREA_WRITE;
    case ACCESS_FETCH:
        if (m->fmt == PTE_FMT_X86_32)
            return prot != 0;
        return prot & AREA_EXEC;
    default:
        return m->fmt == PTE_FMT_TEACH ? (prot & AREA_READ) != 0 : prot != 0;
    }
}

/* The signal an access of page at va raises (before any data moves). */
static enum kern_sig m_page_sig(const struct model *m, const struct mproc *p, vaddr_t va,
                                enum access_kind kind)
{
    int i = area_at(p, va);
    if (i < 0)
        return KSIG_SEGV_MAPERR;
    const struct marea *a = &p->areas[i];
    if (!m_allows(m, a->prot, kind))
        return KSIG_SEGV_ACCERR;
    if (a->obj >= 0) {
        const struct mobj *o = &m->objs[a->obj];
        uint64_t idx = a->pgoff + ((va - a->start) >> m->pshift);
        if (!o->shm && (idx << m->pshift) >= o->size)
            return KSIG_BUS;
    }
    return KSIG_NONE;
}

/* Where byte va lives: for reading (NULL = reads as zero) or writing (a private copy is made
 * on the first write). The page must have passed m_page_sig. */
static uint8_t *m_byte(struct model *m, struct mproc *p, vaddr_t va, bool write)
{
    const struct marea *a = &p->areas[area_at(p, va)];
    uint64_t vpn = va >> m->pshift, off = va & (m->ps - 1);
    uint8_t *objpage = NULL;
    if (a->obj >= 0) {
        struct mobj *o = &m->objs[a->obj];
        uint64_t idx = a->pgoff + (vpn - (a->start >> m->pshift));
        objpage = o->bytes + (idx << m->pshift);
        if (a->shared)
            return objpage + off;
    }
    uint8_t *pg = page_find(p, vpn);
    if (!pg && write)
        pg = page_add(m, p, vpn, objpage);
    if (pg)
        return pg + off;
    return objpage ? objpage + off : NULL;
}

static enum kern_sig m_access(struct model *m, struct mproc *p, vaddr_t va, unsigned size,
                              enum access_kind kind, uint64_t *val)
{
    vaddr_t last = va + size - 1;
    enum kern_sig s = m_page_sig(m, p, va, kind);
    if (s == KSIG_NONE && (last >> m->pshift) != (va >> m->pshift)) {
        /* A spanning store: the write fault of the first page is resolved before the second
         * page is tried (as x86 and Linux do), so a private first page gets its own copy even
         * when the second page then faults and nothing is written. */
        if (kind == ACCESS_STORE)
            (void)m_byte(m, p, va, true);
        s = m_page_sig(m, p, last, kind);
    }
    if (s != KSIG_NONE)
        return s;
    if (kind == ACCESS_STORE) {
        /* both pages are write-faulted (private copies made) before any byte is written: a
         * private copy of a page the first half of the store hits through a shared mapping
         * does not see that half */
        (void)m_byte(m, p, va, true);
        (void)m_byte(m, p, last, true);
        for (unsigned i = 0; i < size; i++)
            *m_byte(m, p, va + i, true) = (uint8_t)(*val >> (8 * i));
    } else if (kind == ACCESS_LOAD) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            const uint8_t *b = m_byte(m, p, va + i, false);
            v |= (uint64_t)(b ? *b : 0) << (8 * i);
        }
        *val = v;
    }
    return KSIG_NONE;
}

/* ------------------------------------------------------------------ kills */

static void model_on_kill(void *ctx, struct task *t)
{
    struct model *m = ctx;
    struct kernel *k = m->k;
    if (m->nkilled < 16)
        m->killed[m->nkilled++] = t;
    m->n_kills++;
    if (!m->oom_mode && !m->bad_kill) {
        m->bad_kill = true;
        snprintf(m->bad_kill_why, sizeof m->bad_kill_why,
                 "out-of-memory kill of pid %d in a script sized never to need one", t->pid);
    }
    for (struct task *o = k->tasks; o; o = o->next)
        if (!o->dead && o != t && o->rss > t->rss && !m->bad_kill) {
            m->bad_kill = true;
            snprintf(m->bad_kill_why, sizeof m->bad_kill_why,
                     "killed pid %d (rss %llu) but pid %d has rss %llu", t->pid,
                     (unsigned long long)t->rss, o->pid, (unsigned long long)o->rss);
        }
    /* the kill must be necessary: no frame the kernel could have freed */
    if (k->nfree != 0 && !m->bad_kill) {
        m->bad_kill = true;
        snprintf(m->bad_kill_why, sizeof m->bad_kill_why, "kill with %u free frames", k->nfree);
    }
    bool slot_free = k->slots_used < k->nslots;
    for (uint32_t f = 0; f < k->frames_hw && !m->bad_kill; f++) {
        const struct frame *fr = kern_frame(k, f);
        if (fr->refcount == 0 || (fr->flags & FR_LOCKED))
            continue;
        bool evictable = slot_free || ((fr->flags & FR_FILE) && !fr->file->shmem) ||
                         ((fr->flags & FR_ANON) && fr->slot != KNONE);
        if (evictable) {
            m->bad_kill = true;
            snprintf(m->bad_kill_why, sizeof m->bad_kill_why,
                     "kill of pid %d while frame %u (flags 0x%x, slot %d) was evictable "
                     "(%u/%u slots used)",
                     t->pid, f, fr->flags, fr->slot == KNONE ? -1 : (int)fr->slot, k->slots_used,
                     k->nslots);
        }
    }
}

/* Applies kills the kernel reported during the last operation to the model. */
static void apply_kills(struct model *m)
{
    for (unsigned i = 0; i < m->nkilled; i++)
        for (unsigned j = 0; j < MAXPROC; j++)
            if (m->procs[j].live && m->procs[j].t == m->killed[i] && !m->procs[j].killed) {
                logf_(m, "  -> pid %d killed (out of memory)", kern_pid(m->procs[j].t));
                struct task *t = m->procs[j].t;
                m_exit(m, &m->procs[j]);
                m->procs[j].live = true; /* still to be exited in the kernel */
                m->procs[j].killed = true;
                m->procs[j].t = t;
            }
    m->nkilled = 0;
}

/* ------------------------------------------------------------------ comparisons */

static char pc(unsigned prot, unsigned bit, char c)
{
    return (prot & bit) ? c : '-';
}

/* The kernel's areas of p must be the model's, page for page. */
static void compare_areas(struct model *m, struct mproc *p, int pi)
{
    const struct area_set *as = kern_task_areas(p->t);
    const struct area *ka = area_first(as);
    size_t mi = 0;
    vaddr_t at = 0;
    /* walk both in address order over the union of their ranges */
    for (;;) {
        while (ka && ka->end <= at)
            ka = area_next(ka);
        while (mi < p->nareas && p->areas[mi].end <= at)
            mi++;
        const struct marea *ma = mi < p->nareas ? &p->areas[mi] : NULL;
        if (!ka && !ma)
            return;
        vaddr_t ks = ka ? (ka->start > at ? ka->start : at) : UINT64_MAX;
        vaddr_t ms = ma ? (ma->start > at ? ma->start : at) : UINT64_MAX;
        if (ks != ms) {
            fail(m, "P%d: areas differ at 0x%llx: kernel %s, model %s", pi,
                 (unsigned long long)(ks < ms ? ks : ms), ks < ms ? "has an area" : "has none",
                 ms < ks ? "has an area" : "has none");
            return;
        }
        vaddr_t end = ka->end < ma->end ? ka->end : ma->end;
        bool kshared = ka->flags & AREA_SHARED;
        bool same =
            ka->prot == ma->prot && kshared == ma->shared && (ka->file != NULL) == (ma->obj >= 0);
        if (same && ma->obj >= 0) {
            const struct mobj *o = &m->objs[ma->obj];
            uint64_t kidx = ka->pgoff + ((ks - ka->start) >> m->pshift);
            uint64_t midx = ma->pgoff + ((ks - ma->start) >> m->pshift);
            same = ka->file->ino == o->ino && ka->file->shmem == o->shm && kidx == midx;
        }
        if (!same) {
            fail(m,
                 "P%d: area at 0x%llx: kernel %c%c%c %s %s pgoff %llu, model %c%c%c %s obj %d "
                 "pgoff %llu",
                 pi, (unsigned long long)ks, pc(ka->prot, AREA_READ, 'r'),
                 pc(ka->prot, AREA_WRITE, 'w'), pc(ka->prot, AREA_EXEC, 'x'),
                 kshared ? "shared" : "private", ka->file ? ka->file->path : "anon",
                 (unsigned long long)ka->pgoff, pc(ma->prot, AREA_READ, 'r'),
                 pc(ma->prot, AREA_WRITE, 'w'), pc(ma->prot, AREA_EXEC, 'x'),
                 ma->shared ? "shared" : "private", ma->obj, (unsigned long long)ma->pgoff);
            return;
        }
        at = end;
    }
}

static void audit(struct model *m)
{
    struct vms_error e = {0};
    if (kern_audit(m->k, &e))
        fail(m, "%s", e.msg);
}

/* The file's bytes on disk for object pages [lo, hi) must be the model's (up to EOF). */
static void compare_disk(struct model *m, int id, uint64_t lo, uint64_t hi)
{
    const struct mobj *o = &m->objs[id];
    uint64_t s = lo << m->pshift, e = hi << m->pshift;
    if (e > o->size)
        e = o->size;
    if (s >= e)
        return;
    uint8_t *buf = malloc(e - s);
    size_t got = kt_disk(o->path, s, buf, e - s);
    if (got != e - s)
        fail(m, "%s: disk holds %zu bytes at %llu, expected %llu", o->path, got,
             (unsigned long long)s, (unsigned long long)(e - s));
    for (uint64_t i = 0; i < got && !m->failed; i++)
        if (buf[i] != o->bytes[s + i])
            fail(m, "%s: disk byte %llu is 0x%02x, model 0x%02x", o->path,
                 (unsigned long long)(s + i), buf[i], o->bytes[s + i]);
    free(buf);
}

/* ------------------------------------------------------------------ operations */

static const char *sig_short(enum kern_sig s)
{
    return kern_sig_name(s);
}

static const char *kind_name(enum access_kind k)
{
    return k == ACCESS_LOAD ? "load" : k == ACCESS_STORE ? "store" : "fetch";
}

/* One access on both sides; false if the script must stop (failure). *sig (may be NULL)
 * receives the outcome (KSIG_KILLED if the process was killed). */
static bool do_access(struct model *m, int pi, vaddr_t va, unsigned size, enum access_kind kind,
                      uint64_t val, bool quiet, enum kern_sig *sig)
{
    struct mproc *p = &m->procs[pi];
    if (!quiet)
        logf_(m, "P%d %s 0x%llx %u%s0x%llx", pi, kind_name(kind), (unsigned long long)va, size,
              kind == ACCESS_STORE ? " " : " (", (unsigned long long)val);
    uint64_t kv = val, mv = val;
    enum kern_sig ks = KSIG_NONE;
    struct vms_error e = {0};
    m->n_access++;
    int rc = kern_access(m->k, p->t, va, size, kind, &kv, &ks, &e);
    if (rc) {
        fail(m, "kern_access: host error %d: %s", rc, e.msg);
        return false;
    }
    if (sig)
        *sig = ks;
    apply_kills(m);
    if (p->killed) {
        if (ks != KSIG_KILLED)
            fail(m, "P%d is killed but the access reported %s", pi, sig_short(ks));
        return !m->failed;
    }
    if (ks == KSIG_KILLED) {
        fail(m, "access reported killed, but P%d was not killed", pi);
        return false;
    }
    enum kern_sig ms = m_access(m, p, va, size, kind, &mv);
    m->n_fault[ms]++;
    if (ks != ms) {
        fail(m, "P%d %s 0x%llx size %u: kernel %s, model %s", pi, kind_name(kind),
             (unsigned long long)va, size, sig_short(ks), sig_short(ms));
        return false;
    }
    if (kind == ACCESS_LOAD && ms == KSIG_NONE && kv != mv && getenv("VMSIM_MODEL_DEBUG")) {
        const struct area *ka = area_find(kern_task_areas(p->t), va);
        uint32_t f = kt_frame(m->k, p->t, va);
        fprintf(stderr, "DEBUG: va 0x%llx frame %d", (unsigned long long)va, (int)f);
        if (ka && ka->file && ka->file->priv) {
            struct kfile *kf = ka->file->priv;
            uint64_t idx = ka->pgoff + ((va - ka->start) >> m->pshift);
            fprintf(stderr, " file %s size %llu idx %llu cache %lld tail %p",
                    kf->path ? kf->path : "shm", (unsigned long long)kf->size,
                    (unsigned long long)idx, idx < kf->npages ? (long long)kf->pages[idx] : -999,
                    (void *)kf->tail);
        }
        if (f != KNONE)
            fprintf(stderr, " frame flags 0x%x ref %u map %u", kern_frame(m->k, f)->flags,
                    kern_frame(m->k, f)->refcount, kern_frame(m->k, f)->mapcount);
        fprintf(stderr, "\n");
    }
    if (kind == ACCESS_LOAD && ms == KSIG_NONE && kv != mv) {
        fail(m, "P%d load 0x%llx size %u: kernel 0x%llx, model 0x%llx", pi, (unsigned long long)va,
             size, (unsigned long long)kv, (unsigned long long)mv);
        return false;
    }
    return true;
}

static int live_proc(struct model *m, bool allow_killed)
{
    int c[MAXPROC], n = 0;
    for (int i = 0; i < MAXPROC; i++)
        if (m->procs[i].live && (allow_killed || !m->procs[i].killed))
            c[n++] = i;
    return n ? c[below(m, (uint64_t)n)] : -1;
}

static int free_slot(struct model *m)
{
    for (int i = 0; i < MAXPROC; i++)
        if (!m->procs[i].live)
            return i;
    return -1;
}

static void op_spawn(struct model *m)
{
    int i = free_slot(m);
    if (i < 0)
        return;
    struct vms_error e = {0};
    struct task *t = kern_spawn(m->k, &e);
    logf_(m, "spawn P%d", i);
    if (!t) {
        fail(m, "spawn: %s", e.msg);
        return;
    }
    struct mproc *p = &m->procs[i];
    memset(p, 0, sizeof *p);
    p->live = true;
    p->t = t;
    p->start_brk = p->brk = t->start_brk;
}

static unsigned rand_prot(struct model *m)
{
    static const unsigned prots[] = {AREA_READ | AREA_WRITE,
                                     AREA_READ | AREA_WRITE,
                                     AREA_READ | AREA_WRITE,
                                     AREA_READ | AREA_WRITE,
                                     AREA_READ,
                                     0,
                                     AREA_WRITE,
                                     AREA_READ | AREA_EXEC,
                                     AREA_READ | AREA_WRITE | AREA_EXEC,
                                     AREA_EXEC};
    return prots[below(m, 10)];
}

static vaddr_t rand_page_in_window(struct model *m)
{
    uint64_t n = (m->win_hi - m->win_lo) >> m->pshift;
    return m->win_lo + (below(m, n) << m->pshift);
}

/* Top-down first fit below mmap_base (Linux x86-64 with randomisation off). */
static vaddr_t m_topdown(const struct model *m, const struct mproc *p, uint64_t len)
{
    vaddr_t hi = m->lay.mmap_base;
    for (size_t i = p->nareas; i-- > 0;) {
        const struct marea *a = &p->areas[i];
        if (a->start >= hi)
            continue;
        vaddr_t bottom = a->end < hi ? a->end : hi;
        if (hi - bottom >= len)
            return hi - len;
        hi = a->start;
    }
    if (hi >= m->lay.mmap_min_addr && hi - m->lay.mmap_min_addr >= len)
        return hi - len;
    return 0;
}

static void op_mmap(struct model *m, int pi)
{
    struct mproc *p = &m->procs[pi];
    uint64_t pages = 1 + below(m, 6);
    uint64_t len = pages << m->pshift;
    if (chance(m, 25))
        len -= below(m, m->ps - 1);
    unsigned prot = rand_prot(m);
    unsigned kind = (unsigned)below(m, 100); /* <35 anon, <50 shm, <75 file private, file shared */
    bool shared = kind >= 35 && (kind < 50 || kind >= 75);
    int file = kind >= 50 && m->nfiles ? (int)below(m, m->nfiles) : -1;
    if (kind >= 50 && !m->nfiles)
        shared = false;
    uint64_t off = 0;
    if (file >= 0) {
        uint64_t fp = m->objs[file].npages;
        if (chance(m, 80) && fp) { /* mostly within the file, sometimes past its end */
            uint64_t o = below(m, fp);
            off = o << m->pshift;
            if (chance(m, 80)) {
                pages = 1 + below(m, fp - o + (chance(m, 30) ? 1 : 0));
                len = pages << m->pshift;
            }
        } else {
            off = below(m, fp + 2) << m->pshift;
        }
    }
    unsigned where = (unsigned)below(m, 100);
    vaddr_t hint = 0;
    unsigned flags = (shared ? KMAP_SHARED : 0) | (file < 0 ? KMAP_ANON : 0);
    if (where >= 50) {
        hint = rand_page_in_window(m);
        if (where >= 70)
            flags |= KMAP_FIXED;
        if (where >= 95) /* near the heap */
            hint = p->start_brk + (below(m, 8) << m->pshift);
    }
    if (!m->oom_mode && !(shared && file >= 0) && m_swappable(m) + pages > m->budget)
        return;
    logf_(m, "P%d mmap %s%s%d %s len 0x%llx prot %u off 0x%llx hint 0x%llx", pi,
          shared ? "shared " : "private ", file >= 0 ? "file " : "anon ", file,
          (flags & KMAP_FIXED) ? "fixed" : "", (unsigned long long)len, prot,
          (unsigned long long)off, (unsigned long long)hint);
    vaddr_t addr = 0;
    struct vms_error e = {0};
    int rc = kern_mmap(m->k, p->t, hint, len, prot, flags, file >= 0 ? m->objs[file].path : NULL,
                       off, &addr, &e);
    if (rc) {
        fail(m, "mmap failed: %s", e.msg);
        return;
    }
    vaddr_t want;
    if (flags & KMAP_FIXED)
        want = hint;
    else if (hint && hint >= m->lay.mmap_min_addr &&
             hint + (pages << m->pshift) <= m->lay.task_size &&
             range_free(p, hint, hint + (pages << m->pshift)))
        want = hint;
    else
        want = m_topdown(m, p, pages << m->pshift);
    if (addr != want) {
        fail(m, "mmap placed at 0x%llx, model expects 0x%llx", (unsigned long long)addr,
             (unsigned long long)want);
        return;
    }
    logf_(m, "  -> 0x%llx-0x%llx", (unsigned long long)addr,
          (unsigned long long)(addr + (pages << m->pshift)));
    struct marea a = {addr, addr + (pages << m->pshift), prot, shared, file, off >> m->pshift};
    if (shared && file < 0) {
        int id = obj_new(m, true, pages << m->pshift);
        if (id < 0) {
            fail(m, "model: too many objects");
            return;
        }
        const struct area *ka = area_find(kern_task_areas(p->t), addr);
        m->objs[id].ino = ka && ka->file ? ka->file->ino : 0;
        a.obj = id;
        a.pgoff = 0;
        m_map(m, p, a); /* the area's reference: the object's only one */
    } else {
        m_map(m, p, a);
    }
}

/* A page-aligned range around p's areas or in the window. */
static void rand_range(struct model *m, struct mproc *p, vaddr_t *s, vaddr_t *e)
{
    if (p->nareas && chance(m, 75)) {
        const struct marea *a = &p->areas[below(m, p->nareas)];
        uint64_t n = (a->end - a->start) >> m->pshift;
        *s = a->start + (below(m, n) << m->pshift);
        if (chance(m, 20) && *s > m->win_lo)
            *s -= m->ps;
        uint64_t len = 1 + below(m, chance(m, 70) ? n : n + 3);
        *e = *s + (len << m->pshift);
    } else {
        *s = rand_page_in_window(m);
        *e = *s + ((1 + below(m, 6)) << m->pshift);
    }
}

static void op_munmap(struct model *m, int pi)
{
    struct mproc *p = &m->procs[pi];
    vaddr_t s, e;
    rand_range(m, p, &s, &e);
    logf_(m, "P%d munmap 0x%llx-0x%llx", pi, (unsigned long long)s, (unsigned long long)e);
    struct vms_error err = {0};
    int rc = kern_munmap(m->k, p->t, s, e - s, &err);
    if (rc) {
        fail(m, "munmap failed: %s", err.msg);
        return;
    }
    m_unmap(m, p, s, e);
}

static void op_mprotect(struct model *m, int pi)
{
    struct mproc *p = &m->procs[pi];
    vaddr_t s, e;
    rand_range(m, p, &s, &e);
    unsigned prot = rand_prot(m);
    logf_(m, "P%d mprotect 0x%llx-0x%llx %u", pi, (unsigned long long)s, (unsigned long long)e,
          prot);
    struct vms_error err = {0};
    int rc = kern_mprotect(m->k, p->t, s, e - s, prot, &err);
    bool ok = range_covered(p, s, e);
    if ((rc == 0) != ok) {
        fail(m, "mprotect: kernel rc %d (%s), model expects %s", rc, err.msg,
             ok ? "success" : "failure");
        return;
    }
    if (ok)
        m_protect(m, p, s, e, prot);
}

static void op_msync(struct model *m, int pi)
{
    struct mproc *p = &m->procs[pi];
    vaddr_t s, e;
    rand_range(m, p, &s, &e);
    logf_(m, "P%d msync 0x%llx-0x%llx", pi, (unsigned long long)s, (unsigned long long)e);
    struct vms_error err = {0};
    int rc = kern_msync(m->k, p->t, s, e - s, &err);
    bool ok = range_covered(p, s, e);
    if ((rc == 0) != ok) {
        fail(m, "msync: kernel rc %d (%s), model expects %s", rc, err.msg,
             ok ? "success" : "failure");
        return;
    }
    if (!ok)
        return;
    /* every shared file page in the range is on disk now */
    for (size_t i = 0; i < p->nareas && !m->failed; i++) {
        const struct marea *a = &p->areas[i];
        if (!a->shared || a->obj < 0 || m->objs[a->obj].shm || a->end <= s || a->start >= e)
            continue;
        vaddr_t lo = a->start > s ? a->start : s, hi = a->end < e ? a->end : e;
        compare_disk(m, a->obj, a->pgoff + ((lo - a->start) >> m->pshift),
                     a->pgoff + ((hi - a->start) >> m->pshift));
    }
}

static void op_brk(struct model *m, int pi)
{
    struct mproc *p = &m->procs[pi];
    int64_t delta = (int64_t)below(m, 4 * m->ps) - (int64_t)(m->ps + m->ps / 2);
    if (chance(m, 10))
        delta = -(int64_t)(p->brk - p->start_brk);
    vaddr_t mask = m->ps - 1;
    vaddr_t nbrk = (vaddr_t)((int64_t)p->brk + delta);
    vaddr_t old_end = (p->brk + mask) & ~mask, new_end = (nbrk + mask) & ~mask;
    if (!m->oom_mode && new_end > old_end &&
        m_swappable(m) + ((new_end - old_end) >> m->pshift) > m->budget)
        return;
    logf_(m, "P%d brk %+lld (brk 0x%llx)", pi, (long long)delta, (unsigned long long)p->brk);
    vaddr_t heap = 0;
    struct vms_error err = {0};
    int rc = kern_brk(m->k, p->t, delta, &heap, &err);
    bool ok;
    if (delta < 0 && (uint64_t)(-delta) > p->brk - p->start_brk)
        ok = false;
    else if (new_end > old_end)
        ok = range_free(p, old_end, new_end);
    else
        ok = true;
    if ((rc == 0) != ok) {
        fail(m, "brk: kernel rc %d (%s), model expects %s", rc, err.msg,
             ok ? "success" : "failure");
        return;
    }
    if (!ok)
        return;
    if (heap != p->start_brk)
        fail(m, "brk: heap start 0x%llx, model 0x%llx", (unsigned long long)heap,
             (unsigned long long)p->start_brk);
    if (new_end > old_end)
        m_map(m, p, (struct marea){old_end, new_end, AREA_READ | AREA_WRITE, false, -1, 0});
    else if (new_end < old_end)
        m_unmap(m, p, new_end, old_end);
    p->brk = nbrk;
}

static void op_fork(struct model *m, int pi)
{
    int ci = free_slot(m);
    if (ci < 0)
        return;
    struct mproc *p = &m->procs[pi];
    if (!m->oom_mode) {
        uint64_t priv = 0;
        for (size_t j = 0; j < p->nareas; j++)
            if (!p->areas[j].shared)
                priv += (p->areas[j].end - p->areas[j].start) >> m->pshift;
        if (m_swappable(m) + priv > m->budget)
            return;
    }
    logf_(m, "fork P%d -> P%d", pi, ci);
    struct vms_error e = {0};
    struct task *t = kern_fork(m->k, p->t, &e);
    if (!t) {
        fail(m, "fork failed: %s", e.msg);
        return;
    }
    m_fork(m, &m->procs[ci], p);
    m->procs[ci].t = t;
}

static void op_exit(struct model *m, int pi)
{
    logf_(m, "exit P%d%s", pi, m->procs[pi].killed ? " (killed)" : "");
    kern_exit(m->k, m->procs[pi].t);
    m_exit(m, &m->procs[pi]);
    m->procs[pi].killed = false;
}

static vaddr_t rand_addr(struct model *m, struct mproc *p, unsigned size)
{
    unsigned r = (unsigned)below(m, 100);
    if (p->nareas && r < 80) {
        const struct marea *a = &p->areas[below(m, p->nareas)];
        if (r < 55)
            return a->start + below(m, a->end - a->start);
        vaddr_t edge = r < 65 ? a->start : r < 75 ? a->end : a->start + m->ps * (1 + below(m, 3));
        return edge - size + below(m, 2 * size); /* straddling an edge */
    }
    if (r < 90 && p->brk > p->start_brk)
        return p->start_brk + below(m, p->brk - p->start_brk + m->ps);
    return m->win_lo + below(m, m->win_hi - m->win_lo);
}

static void op_access(struct model *m, int pi, enum access_kind kind)
{
    struct mproc *p = &m->procs[pi];
    static const unsigned sizes[] = {1, 2, 4, 8};
    unsigned size = sizes[below(m, 4)];
    vaddr_t va = rand_addr(m, p, size);
    uint64_t val = rnd(m);
    if (size < 8)
        val &= (UINT64_C(1) << (8 * size)) - 1;
    do_access(m, pi, va, size, kind, val, false, NULL);
}

/* fill / check as the scenario language does them: naturally aligned pieces of up to 8 bytes,
 * stopping at the first fault. */
static void op_fill_check(struct model *m, int pi, bool fill)
{
    struct mproc *p = &m->procs[pi];
    vaddr_t s = rand_addr(m, p, 8);
    uint64_t len = 1 + below(m, chance(m, 50) ? 64 : 2 * m->ps);
    uint64_t seed = below(m, 4); /* few seeds, so checks often find what fills wrote */
    logf_(m, "P%d %s 0x%llx len %llu seed %llu", pi, fill ? "fill" : "check", (unsigned long long)s,
          (unsigned long long)len, (unsigned long long)seed);
    uint64_t st = seed, word = 0;
    for (uint64_t k = 0; k < len && !m->failed;) {
        vaddr_t va = s + k;
        unsigned size = 8;
        while (size > 1 && ((va & (size - 1)) || k + size > len))
            size /= 2;
        uint64_t v = 0;
        for (unsigned b = 0; b < size; b++) {
            if ((k + b) % 8 == 0)
                word = policy_rand_next(&st);
            v |= ((word >> (8 * ((k + b) % 8))) & 0xff) << (8 * b);
        }
        enum kern_sig ks = KSIG_NONE;
        if (!do_access(m, pi, va, size, fill ? ACCESS_STORE : ACCESS_LOAD, v, true, &ks) ||
            ks != KSIG_NONE)
            return; /* stopped at the first fault, as fill/check do */
        k += size;
    }
}

static void op_file_read(struct model *m)
{
    if (!m->nfiles)
        return;
    int id = (int)below(m, m->nfiles);
    const struct mobj *o = &m->objs[id];
    uint64_t off = below(m, o->size + 16);
    size_t n = (size_t)(1 + below(m, 64));
    logf_(m, "read file %d off %llu n %zu", id, (unsigned long long)off, n);
    uint8_t buf[64];
    size_t got = 0;
    struct vms_error e = {0};
    int rc = kern_file_read(m->k, o->path, off, buf, n, &got, &e);
    if (rc) {
        fail(m, "file read: %s", e.msg);
        return;
    }
    size_t want = off >= o->size ? 0 : (size_t)(o->size - off < n ? o->size - off : n);
    if (got != want) {
        fail(m, "file read: got %zu bytes, model %zu", got, want);
        return;
    }
    for (size_t i = 0; i < got; i++)
        if (buf[i] != o->bytes[off + i]) {
            fail(m, "file read: byte %llu is 0x%02x, model 0x%02x", (unsigned long long)(off + i),
                 buf[i], o->bytes[off + i]);
            return;
        }
}

/* One access per page of one of p's areas (`touch`): stores of random bytes or loads. */
static void op_touch(struct model *m, int pi)
{
    struct mproc *p = &m->procs[pi];
    if (!p->nareas)
        return;
    struct marea a = p->areas[below(m, p->nareas)];
    bool write = chance(m, 60);
    logf_(m, "P%d touch 0x%llx-0x%llx %s", pi, (unsigned long long)a.start,
          (unsigned long long)a.end, write ? "write" : "read");
    for (vaddr_t va = a.start; va < a.end && !m->failed && !p->killed; va += m->ps) {
        vaddr_t at = va + (below(m, m->ps / 8) * 8);
        if (!do_access(m, pi, at, 8, write ? ACCESS_STORE : ACCESS_LOAD, rnd(m), true, NULL))
            return;
    }
}

/* Every byte of every page of p's areas (in 8-byte loads), or a sample. */
static void op_sweep(struct model *m, int pi, bool full)
{
    struct mproc *p = &m->procs[pi];
    logf_(m, "P%d sweep%s", pi, full ? " (full)" : "");
    for (size_t i = 0; i < p->nareas && !m->failed && !p->killed; i++) {
        struct marea a = p->areas[i];
        for (vaddr_t va = a.start; va < a.end && !m->failed && !p->killed; va += m->ps) {
            unsigned step = full ? 8 : (unsigned)(m->ps / 8);
            for (vaddr_t o = full ? 0 : below(m, 8) * 8; o < m->ps && !m->failed; o += step)
                if (!do_access(m, pi, va + o, 8, ACCESS_LOAD, 0, true, NULL) || p->killed)
                    break;
        }
    }
}

/* ------------------------------------------------------------------ one script */

struct script_cfg {
    const char *machine;
    bool pcid;
    const char *policy;
    unsigned mem, swap;
    bool oom;
    bool heavy; /* many more whole-area touches: memory pressure */
    unsigned steps;
};

static const char *kernel_policies[32];
static unsigned nkernel_policies;

static void collect_policies(void)
{
    if (nkernel_policies)
        return;
    for (size_t i = 0; policy_at(i) && nkernel_policies < 32; i++)
        if (!(policy_at(i)->flags & POLICY_NEEDS_FUTURE))
            kernel_policies[nkernel_policies++] = policy_at(i)->name;
}

static void make_files(struct model *m, uint64_t *rng)
{
    unsigned n = 1 + (unsigned)(policy_rand_next(rng) % MAXFILE);
    for (unsigned i = 0; i < n; i++) {
        uint64_t r = policy_rand_next(rng);
        uint64_t size;
        switch (r % 6) {
        case 0:
            size = 0;
            break;
        case 1:
            size = ((r >> 8) % 4 + 1) * m->ps;
            break; /* whole pages */
        default:
            size = (r >> 8) % (4 * m->ps) + 1;
            break; /* a partial last page */
        }
        int id = obj_new(m, false, size);
        struct mobj *o = &m->objs[id];
        snprintf(o->path, sizeof o->path, "%s/f%u", m->dir, i);
        uint64_t st = r;
        for (uint64_t b = 0; b < size; b++)
            o->bytes[b] = (uint8_t)(policy_rand_next(&st) >> 17);
        int fd = open(o->path, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || (size && write(fd, o->bytes, size) != (ssize_t)size))
            fail(m, "cannot create %s", o->path);
        if (fd >= 0)
            close(fd);
        struct stat sb;
        if (stat(o->path, &sb) == 0)
            o->ino = (uint64_t)sb.st_ino;
        m->nfiles++;
    }
}

static void choose_cfg(uint64_t seed, struct script_cfg *c)
{
    uint64_t r = seed;
    collect_policies();
    static const char *machines[] = {"core-i7",       "core-i7",      "core-i7",
                                     "x86-64-5level", "csapp-2level", "csapp-small"};
    uint64_t x = policy_rand_next(&r);
    c->machine = machines[x % 6];
    c->pcid = (x >> 8) % 2 && strncmp(c->machine, "csapp", 5) != 0;
    c->policy = kernel_policies[(x >> 16) % nkernel_policies];
    c->mem = 4 + (unsigned)((x >> 24) % 13);
    if ((x >> 60) % 2)
        c->mem = 4 + (unsigned)((x >> 24) % 5); /* half the scripts: 4-8 frames */
    c->oom = (x >> 32) % 6 == 0 || getenv("VMSIM_MODEL_OOM") != NULL;
    c->swap = c->oom ? (unsigned)((x >> 36) % 8) : 96 + (unsigned)((x >> 40) % 64);
    c->steps = 60 + (unsigned)((x >> 48) % 120);
    c->heavy = (x >> 58) % 4 == 0;
}

static void model_free(struct model *m)
{
    for (int i = 0; i < MAXPROC; i++)
        if (m->procs[i].live) {
            free(m->procs[i].areas);
            for (size_t j = 0; j < m->procs[i].npages; j++)
                free(m->procs[i].pages[j].bytes);
            free(m->procs[i].pages);
            m->procs[i].live = false;
        }
    for (unsigned i = 0; i < m->nobjs; i++) {
        if (!m->objs[i].shm && m->objs[i].path[0])
            unlink(m->objs[i].path);
        free(m->objs[i].bytes);
        m->objs[i].bytes = NULL;
        m->objs[i].live = false;
    }
    m->nobjs = m->nfiles = 0;
}

/* Runs one script; returns false (after printing) on a failure. */
static bool run_script(struct model *m, uint64_t seed, const char *dir, bool verbose)
{
    struct script_cfg c;
    choose_cfg(seed, &c);
    memset(m->procs, 0, sizeof m->procs);
    memset(m->objs, 0, sizeof m->objs);
    m->nobjs = m->nfiles = 0;
    m->seed = seed;
    m->rng = seed ^ UINT64_C(0x5eed5eed5eed5eed);
    m->step = 0;
    m->nlog = 0;
    m->failed = false;
    m->nkilled = 0;
    m->bad_kill = false;
    m->oom_mode = c.oom;
    m->budget = c.swap;
    m->verbose = verbose;
    snprintf(m->dir, sizeof m->dir, "%s", dir);

    struct vms_config cfg;
    struct geometry g;
    struct vms_error e = {0};
    if (config_preset(&cfg, c.machine, &e) || (c.pcid && config_set(&cfg, "pcid", "on", &e)) ||
        config_check(&cfg, &g, &e)) {
        fail(m, "config: %s", e.msg);
        goto report;
    }
    m->pshift = cfg.page_shift;
    m->ps = UINT64_C(1) << cfg.page_shift;
    m->fmt = cfg.pte_fmt;
    struct kern_options o = {.memory = (uint64_t)c.mem << m->pshift,
                             .swap = (uint64_t)c.swap << m->pshift,
                             .policy = c.policy,
                             .seed = seed,
                             .tau = 32,
                             .workdir = dir,
                             .on_kill = model_on_kill,
                             .ctx = m};
    m->k = NULL;
    if (kern_create(&cfg, &o, &m->k, &e)) {
        fail(m, "kern_create: %s", e.msg);
        goto report;
    }
    if (verbose)
        fprintf(stderr, "script seed %llu: %s%s, %s, %u frames, %u swap pages%s%s, %u steps\n",
                (unsigned long long)seed, c.machine, c.pcid ? " pcid=on" : "", c.policy, c.mem,
                c.swap, c.oom ? " (OOM allowed)" : "", c.heavy ? " (heavy)" : "", c.steps);
    uint64_t frng = seed * 3 + 1;
    make_files(m, &frng);
    op_spawn(m);
    if (m->failed)
        goto report;
    m->lay = m->procs[0].t->areas.layout;
    m->win_hi = m->lay.mmap_base + 4 * m->ps;
    if (m->win_hi > m->lay.task_size)
        m->win_hi = m->lay.task_size;
    m->win_lo = m->lay.mmap_base - 40 * m->ps;

    for (m->step = 1; m->step <= c.steps && !m->failed; m->step++) {
        m->n_ops++;
        int pi = live_proc(m, false);
        if (pi < 0) {
            int ki = live_proc(m, true); /* only killed ones left */
            if (ki >= 0)
                op_exit(m, ki);
            op_spawn(m);
            continue;
        }
        unsigned r = (unsigned)below(m, 1000);
        if (c.heavy && chance(m, 25))
            r = 330; /* a touch */
        if (r < 90)
            op_mmap(m, pi);
        else if (r < 130)
            op_munmap(m, pi);
        else if (r < 180)
            op_mprotect(m, pi);
        else if (r < 215)
            op_fork(m, pi);
        else if (r < 240) {
            int ei = live_proc(m, true);
            unsigned n = 0;
            for (int i = 0; i < MAXPROC; i++)
                n += m->procs[i].live;
            if (n > 1 || m->procs[ei].killed)
                op_exit(m, ei);
        } else if (r < 250)
            op_spawn(m);
        else if (r < 280)
            op_msync(m, pi);
        else if (r < 300)
            op_brk(m, pi);
        else if (r < 320)
            op_file_read(m);
        else if (r < 360)
            op_touch(m, pi);
        else if (r < 580)
            op_access(m, pi, ACCESS_LOAD);
        else if (r < 800)
            op_access(m, pi, ACCESS_STORE);
        else if (r < 830)
            op_access(m, pi, ACCESS_FETCH);
        else if (r < 900)
            op_fill_check(m, pi, true);
        else if (r < 985)
            op_fill_check(m, pi, false);
        else
            op_sweep(m, pi, r >= 995);
        /* kills during system calls (none expected, but apply them) and checks */
        apply_kills(m);
        if (m->bad_kill)
            fail(m, "%s", m->bad_kill_why);
        audit(m);
        if (getenv("VMSIM_MODEL_WATCH")) {
            vaddr_t w = strtoull(getenv("VMSIM_MODEL_WATCH"), NULL, 0);
            for (int i = 0; i < MAXPROC; i++)
                if (m->procs[i].live && !m->procs[i].killed) {
                    struct pte_info wpi;
                    pte_t raw = 0;
                    kt_pte(m->k, m->procs[i].t, w, &wpi, &raw);
                    uint32_t f = kt_frame(m->k, m->procs[i].t, w);
                    fprintf(stderr, "    WATCH P%d pte 0x%llx frame %d flags 0x%x priv %d\n", i,
                            (unsigned long long)raw, (int)f,
                            f != KNONE ? kern_frame(m->k, f)->flags : 0,
                            page_find(&m->procs[i], w >> m->pshift) != NULL);
                }
        }
        for (int i = 0; i < MAXPROC && !m->failed; i++)
            if (m->procs[i].live && !m->procs[i].killed)
                compare_areas(m, &m->procs[i], i);
    }
    if (m->failed)
        goto report;
    /* the end: a sweep of every process, then every process exits: the files hold the
     * model's bytes, nothing is left mapped, no swap slot is in use */
    for (m->step = c.steps + 1; m->step <= c.steps + MAXPROC && !m->failed; m->step++) {
        int i = (int)(m->step - c.steps - 1);
        if (m->procs[i].live && !m->procs[i].killed)
            op_sweep(m, i, m->step == c.steps + 1);
    }
    for (int i = 0; i < MAXPROC && !m->failed; i++)
        if (m->procs[i].live)
            op_exit(m, i);
    if (m->failed)
        goto report;
    audit(m);
    for (unsigned i = 0; i < m->nobjs && !m->failed; i++)
        if (!m->objs[i].shm) {
            compare_disk(m, (int)i, 0, m->objs[i].npages);
            if (kt_disk_size(m->objs[i].path) != m->objs[i].size)
                fail(m, "%s: size changed to %llu", m->objs[i].path,
                     (unsigned long long)kt_disk_size(m->objs[i].path));
        } else if (m->objs[i].live) {
            fail(m, "model: shm object %u still alive after every exit", i);
        }
    if (!m->failed && m->k->slots_used != 0)
        fail(m, "%u swap slots still in use after every process exited", m->k->slots_used);
    for (uint32_t f = 0; f < m->k->frames_hw && !m->failed; f++) {
        const struct frame *fr = kern_frame(m->k, f);
        if (fr->refcount && (!(fr->flags & FR_FILE) || fr->file->shmem || fr->mapcount))
            fail(m, "frame %u still in use (flags 0x%x, refcount %u) after every exit", f,
                 fr->flags, fr->refcount);
    }
    if (!m->failed && m->k->files)
        for (const struct kfile *kf = m->k->files; kf; kf = kf->next)
            if (kf->shmem)
                fail(m, "a shmem object outlived its last mapper");

report:
    if (m->failed) {
        fprintf(stderr,
                "model: script seed %llu failed at step %u (%s%s, policy %s, %u frames, %u "
                "swap pages%s):\n  %s\n  last steps:\n",
                (unsigned long long)seed, m->step, c.machine, c.pcid ? " pcid=on" : "", c.policy,
                c.mem, c.swap, c.oom ? ", OOM allowed" : "", m->why);
        unsigned first = m->nlog > 48 ? m->nlog - 48 : 0;
        for (unsigned i = first; i < m->nlog; i++)
            fprintf(stderr, "    %s\n", m->log[i % 48]);
        if (m->k) {
            fprintf(stderr, "  frames (refcount/mapcount/flags/slot):");
            for (uint32_t f = 0; f < m->k->frames_hw; f++) {
                const struct frame *fr = kern_frame(m->k, f);
                fprintf(stderr, " %u/%u/0x%x%s/%d", fr->refcount, fr->mapcount, fr->flags,
                        (fr->flags & FR_FILE) && fr->file && fr->file->shmem ? "shm" : "",
                        fr->slot == KNONE ? -1 : (int)fr->slot);
            }
            fprintf(stderr, "\n  swap slots used %u of %u; tasks (pid rss):", m->k->slots_used,
                    m->k->nslots);
            for (const struct task *t = m->k->tasks; t; t = t->next)
                fprintf(stderr, " %d %llu%s", t->pid, (unsigned long long)t->rss,
                        t->dead ? " dead" : "");
            fprintf(stderr, "\n");
        }
        fprintf(stderr,
                "  replay: %sVMSIM_MODEL_SEED=%llu VMSIM_MODEL_VERBOSE=1 "
                "build/unit-tests kernel_model\n",
                getenv("VMSIM_MODEL_OOM") ? "VMSIM_MODEL_OOM=1 " : "", (unsigned long long)seed);
    }
    if (m->k) {
        struct stats st;
        kern_stats(m->k, &st);
        m->n_swap_outs += st.swap_outs;
        m->n_scripts_swapping += st.swap_ins > 0;
        m->n_swap_ins += st.swap_ins;
        m->n_cow += st.faults_cow;
        m->n_writebacks += st.file_writebacks;
    }
    kern_destroy(m->k);
    m->k = NULL;
    model_free(m);
    return !m->failed;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    return strtoull(v, NULL, 0);
}

TEST(kernel_model_random_scripts)
{
    const char *tmp = getenv("TMPDIR");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/vmsim-model-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        harness_fail(__FILE__, __LINE__, "mkdtemp failed");
        return;
    }
    static struct model m;
    memset(&m, 0, sizeof m);
    bool verbose = env_u64("VMSIM_MODEL_VERBOSE", 0) != 0;
    const char *one = getenv("VMSIM_MODEL_SEED");
    if (one && *one) {
        uint64_t seed = strtoull(one, NULL, 0);
        if (!run_script(&m, seed, dir, verbose))
            harness_fail(__FILE__, __LINE__, "script seed %llu failed", (unsigned long long)seed);
        rmdir(dir);
        return;
    }
    uint64_t n = env_u64("VMSIM_MODEL_SCRIPTS", MODEL_SANITIZED ? 1000 : 2000);
    uint64_t base = env_u64("VMSIM_MODEL_BASE", 20240601);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t done = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t s = base + i * UINT64_C(0x9E3779B97F4A7C15);
        uint64_t seed = policy_rand_next(&s);
        done++;
        if (!run_script(&m, seed, dir, verbose)) {
            harness_fail(__FILE__, __LINE__, "script %llu (seed %llu) failed",
                         (unsigned long long)i, (unsigned long long)seed);
            break;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (getenv("VMSIM_MODEL_SCRIPTS") || verbose)
        fprintf(stderr,
                "model: %llu scripts, %llu steps, %llu accesses (%llu maperr, %llu accerr, "
                "%llu SIGBUS), %llu OOM kills, %llu swap-outs, %llu swap-ins, %llu COW, %llu "
                "file writebacks, %llu scripts swapped in, %.1f s\n",
                (unsigned long long)done, (unsigned long long)m.n_ops,
                (unsigned long long)m.n_access, (unsigned long long)m.n_fault[KSIG_SEGV_MAPERR],
                (unsigned long long)m.n_fault[KSIG_SEGV_ACCERR],
                (unsigned long long)m.n_fault[KSIG_BUS], (unsigned long long)m.n_kills,
                (unsigned long long)m.n_swap_outs, (unsigned long long)m.n_swap_ins,
                (unsigned long long)m.n_cow, (unsigned long long)m.n_writebacks,
                (unsigned long long)m.n_scripts_swapping,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    rmdir(dir);
}
