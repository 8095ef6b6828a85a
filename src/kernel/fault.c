/* The page-fault handler and the access path. An access goes through the MMU (TLBs, walk,
 * caches); a fault comes back as a value and is resolved here in CSAPP's order — no area:
 * SIGSEGV maperr; the area forbids the access: SIGSEGV accerr; else swap-in, page-cache
 * page (file or shmem), demand-zero (the shared zero page for reads), copy-on-write, or
 * SIGBUS past end of file — and the access restarts. */
#include "kernel/kern.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

static void lock_frame(struct kernel *k, uint32_t f)
{
    if (f >= k->nframes || (k->frames[f].flags & FR_LOCKED))
        return;
    if (k->nlocked < sizeof k->locked / sizeof k->locked[0]) {
        k->frames[f].flags |= FR_LOCKED;
        k->locked[k->nlocked++] = f;
    }
}

void kern_unlock_all(struct kernel *k)
{
    for (unsigned i = 0; i < k->nlocked; i++)
        k->frames[k->locked[i]].flags &= ~FR_LOCKED;
    k->nlocked = 0;
}

/* Whether the area's protection allows the access (x86: a present page is always
 * readable, so only PROT_NONE forbids a load; the teaching format has a READ bit). */
static bool area_allows(const struct kernel *k, const struct area *a, enum access_kind kind)
{
    switch (kind) {
    case ACCESS_STORE:
        /* the teaching MMU checks READ on every data access, stores included */
        if (k->mmu.cfg.pte_fmt == PTE_FMT_TEACH)
            return (a->prot & (AREA_READ | AREA_WRITE)) == (AREA_READ | AREA_WRITE);
        return a->prot & AREA_WRITE;
    case ACCESS_FETCH:
        /* without XD (x86-32, non-PAE) the fault does not say it was a fetch: a read */
        if (k->mmu.cfg.pte_fmt == PTE_FMT_X86_32)
            return a->prot != 0;
        return a->prot & AREA_EXEC;
    default:
        if (k->mmu.cfg.pte_fmt == PTE_FMT_TEACH)
            return a->prot & AREA_READ;
        return a->prot != 0;
    }
}

/* A new frame for the fault in progress, locked. 1 = the faulting task was killed. */
static int alloc_locked(struct kernel *k, uint32_t *f, struct vms_error *e)
{
    int rc = kern_frame_alloc(k, f, e);
    if (rc == 0)
        lock_frame(k, *f);
    return rc;
}

/* Write fault on a present, write-protected private page: reuse it when this is the only
 * mapping (as Linux does), else copy. */
static int do_wp(struct kernel *k, struct task *t, const struct area *a, vaddr_t va, paddr_t ptp,
                 pfn_t old, struct vms_error *e)
{
    if (old == k->zero_pfn) {
        uint32_t f;
        int rc = alloc_locked(k, &f, e);
        if (rc)
            return rc;
        physmem_clear(k->mmu.pm, f);
        k->frames[f].flags |= FR_ANON;
        if (kern_rmap_add(k, f, t, va)) {
            kern_frame_put(k, f); /* frees it: nothing maps it yet */
            return err_set(e, VMS_ENOMEM, "out of host memory");
        }
        kern_frame_put(k, f);
        kern_pte_set(k, t, va, ptp, kern_pte_make(k, f, a, true));
        k->st.faults_zero_fill++;
        t->st.faults_zero_fill++;
        return 0;
    }
    uint32_t o = (uint32_t)old;
    struct frame *of = &k->frames[o];
    if ((of->flags & FR_ANON) && of->mapcount == 1) {
        if (of->slot != KNONE) { /* leave the swap cache: the slot keeps the old bytes */
            uint32_t s = of->slot;
            k->swap_cache[s] = KNONE;
            of->slot = KNONE;
            if (k->swap_map[s] == 0) {
                k->slot_zero[s] = 0;
                k->slots_used--;
            }
            kern_frame_put(k, o);
        }
        if (of->refcount == 1) {
            pte_t v = pt_read(&k->mmu, ptp);
            struct pte_info pi;
            k->mmu.fmt->decode(v, &pi);
            pte_t nv = kern_pte_make(k, o, a, true) | (v & (k->mmu.fmt->a_mask | k->mmu.fmt->d_mask));
            kern_pte_set(k, t, va, ptp, nv);
            return 0;
        }
    }
    lock_frame(k, o);
    uint32_t f;
    int rc = alloc_locked(k, &f, e);
    if (rc)
        return rc;
    k->frames[f].flags |= FR_ANON;
    if (physmem_copy(k->mmu.pm, f, o) || kern_rmap_add(k, f, t, va)) {
        kern_frame_put(k, f); /* frees the unused copy */
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    kern_frame_put(k, f);
    kern_pte_set(k, t, va, ptp, kern_pte_make(k, f, a, true));
    kern_rmap_del(k, o, t, va);
    k->st.faults_cow++;
    t->st.faults_cow++;
    return 0;
}

static void count_fault(struct kernel *k, struct task *t, bool major)
{
    if (major) {
        k->st.faults_major++;
        t->st.faults_major++;
        k->mmu.st.cycles += k->mmu.cfg.lat.major_fault;
    } else {
        k->st.faults_minor++;
        t->st.faults_minor++;
        k->mmu.st.cycles += k->mmu.cfg.lat.minor_fault;
    }
}

/* Resolves a fault at va. KSIG_NONE: retry the access. *err < 0 on host errors. */
enum kern_sig kern_fault(struct kernel *k, struct task *t, vaddr_t va, enum access_kind kind,
                         int *err, struct vms_error *e)
{
    *err = 0;
    struct area *a = area_find(&t->areas, va);
    if (!a)
        return KSIG_SEGV_MAPERR;
    if (!area_allows(k, a, kind))
        return KSIG_SEGV_ACCERR;
    vaddr_t vp = va & ~(k->psize - 1);
    paddr_t ptp;
    int rc = kern_pte_slot(k, t, vp, &ptp, e);
    if (rc) {
        *err = rc;
        return KSIG_NONE;
    }
    pte_t v = pt_read(&k->mmu, ptp);
    struct pte_info pi;
    k->mmu.fmt->decode(v, &pi);
    bool major = false;
    uint32_t f, slot;

    if (pi.present) {
        lock_frame(k, (uint32_t)pi.pfn);
        if (kind == ACCESS_STORE && !pi.writable) {
            if (a->flags & AREA_SHARED)
                kern_pte_set(k, t, vp, ptp, kern_pte_make(k, pi.pfn, a, true) |
                                                (v & (k->mmu.fmt->a_mask | k->mmu.fmt->d_mask)));
            else
                rc = do_wp(k, t, a, vp, ptp, pi.pfn, e);
        } else {
            /* stale permissions (the area changed): recompute them */
            kern_pte_set(k, t, vp, ptp, kern_pte_make(k, pi.pfn, a, pi.writable) |
                                            (v & (k->mmu.fmt->a_mask | k->mmu.fmt->d_mask)));
        }
        goto done;
    }

    if (kern_pte_is_swap(v, &slot)) {
        f = k->swap_cache[slot];
        if (f == KNONE) {
            if ((rc = alloc_locked(k, &f, e)) != 0)
                goto done;
            if (k->swap_cache[slot] != KNONE) { /* reclaim raced us: cannot happen, but be safe */
                kern_frame_put(k, f);
                f = k->swap_cache[slot];
            } else {
                if ((rc = kern_swap_read(k, slot, f, e)) != 0) {
                    kern_frame_put(k, f);
                    goto done;
                }
                k->swap_cache[slot] = f;
                k->frames[f].slot = slot;
                k->frames[f].flags |= FR_ANON;
                major = true;
                k->st.faults_swap_in++;
                t->st.faults_swap_in++;
            }
        }
        lock_frame(k, f);
        if (kern_rmap_add(k, f, t, vp)) {
            rc = err_set(e, VMS_ENOMEM, "out of host memory");
            goto done;
        }
        kern_swap_put(k, slot); /* this PTE no longer refers to the slot */
        struct frame *fr = &k->frames[f];
        bool excl = fr->mapcount == 1 && fr->slot == KNONE;
        kern_pte_set(k, t, vp, ptp, kern_pte_make(k, f, a, excl));
        if (kind == ACCESS_STORE && !excl)
            rc = do_wp(k, t, a, vp, ptp, f, e);
        goto done;
    }

    if (a->file) {
        struct kfile *kf = kern_file_get(k, a->file, e);
        if (!kf) {
            rc = -(e->code ? e->code : VMS_EIO);
            goto done;
        }
        uint64_t index = a->pgoff + ((vp - a->start) >> k->pshift);
        if (index >= kf->npages || (!kf->shmem && (index << k->pshift) >= kf->size)) {
            k->st.faults_sigbus++;
            t->st.faults_sigbus++;
            return KSIG_BUS;
        }
        int64_t pv = kf->pages[index];
        if (pv > 0) {
            f = (uint32_t)(pv - 1);
            lock_frame(k, f);
        } else {
            if ((rc = alloc_locked(k, &f, e)) != 0)
                goto done;
            if (pv < 0) { /* a shmem page on swap */
                uint32_t s = (uint32_t)(-pv - 1);
                if ((rc = kern_swap_read(k, s, f, e)) != 0) {
                    kern_frame_put(k, f);
                    goto done;
                }
                kern_swap_put(k, s);
                k->frames[f].flags |= FR_DIRTY;
                major = true;
                k->st.faults_swap_in++;
                t->st.faults_swap_in++;
            } else if (kf->shmem) {
                physmem_clear(k->mmu.pm, f);
                k->st.faults_zero_fill++;
                t->st.faults_zero_fill++;
            } else {
                uint64_t before = k->st.faults_file_read;
                if ((rc = kern_file_fill(k, kf, index, f, e)) != 0) {
                    kern_frame_put(k, f);
                    goto done;
                }
                major = k->st.faults_file_read != before;
                if (major)
                    t->st.faults_file_read++;
            }
            kf->pages[index] = (int64_t)f + 1;
            k->frames[f].flags |= FR_FILE;
            k->frames[f].file = kf;
            k->frames[f].index = index;
        }
        if (kern_rmap_add(k, f, t, vp)) {
            rc = err_set(e, VMS_ENOMEM, "out of host memory");
            goto done;
        }
        bool shared = a->flags & AREA_SHARED;
        kern_pte_set(k, t, vp, ptp, kern_pte_make(k, f, a, shared));
        if (!shared && kind == ACCESS_STORE)
            rc = do_wp(k, t, a, vp, ptp, f, e);
        goto done;
    }

    /* anonymous private memory, never touched: demand-zero */
    if (kind != ACCESS_STORE) {
        kern_pte_set(k, t, vp, ptp, kern_pte_make(k, k->zero_pfn, a, false));
        k->st.faults_zero_fill++;
        t->st.faults_zero_fill++;
        goto done;
    }
    if ((rc = alloc_locked(k, &f, e)) != 0)
        goto done;
    physmem_clear(k->mmu.pm, f);
    k->frames[f].flags |= FR_ANON;
    if (kern_rmap_add(k, f, t, vp)) {
        kern_frame_put(k, f); /* frees it: nothing maps it yet */
        rc = err_set(e, VMS_ENOMEM, "out of host memory");
        goto done;
    }
    kern_frame_put(k, f);
    kern_pte_set(k, t, vp, ptp, kern_pte_make(k, f, a, true));
    k->st.faults_zero_fill++;
    t->st.faults_zero_fill++;

done:
    if (rc > 0 || k->faulting_killed)
        return KSIG_KILLED;
    if (rc < 0) {
        *err = rc;
        return KSIG_NONE;
    }
    count_fault(k, t, major);
    return KSIG_NONE;
}

/* ------------------------------------------------------------------ accesses */

static void count_ref(struct stats *s, enum access_kind kind)
{
    s->references++;
    if (kind == ACCESS_FETCH)
        s->ifetches++;
    else if (kind == ACCESS_LOAD)
        s->loads++;
    else
        s->stores++;
}

static void policy_after_access(struct kernel *k, const paddr_t *pas, unsigned np,
                                enum access_kind kind)
{
    k->now++;
    if (k->idealized) {
        uint32_t last = KNONE;
        for (unsigned i = 0; i < np; i++) {
            uint32_t f = (uint32_t)(pas[i] >> k->pshift);
            if (f < k->nframes && f != last && policy_slot_used(k->pol, f))
                policy_access(k->pol, f, f, kind == ACCESS_STORE);
            last = f;
        }
    }
    if (k->tick_period && ++k->tick_count >= k->tick_period) {
        k->tick_count = 0;
        policy_tick(k->pol, &k->env);
        if (k->pol->ops->trim) {
            uint32_t n = policy_trim(k->pol, &k->env, k->trim_buf, 64);
            for (uint32_t i = 0; i < n; i++) {
                uint32_t f = k->trim_buf[i];
                /* the working set dropped it: evict it now if possible, else keep it */
                struct vms_error ignore;
                if (k->frames[f].refcount &&
                    ((k->frames[f].flags & FR_LOCKED) || kern_evict(k, f, &ignore) != 1) &&
                    k->frames[f].refcount && !policy_slot_used(k->pol, f))
                    policy_insert(k->pol, f, f, false);
            }
        }
    }
}

/* The general path of an access that has been counted: each piece translated, faults
 * resolved and the piece retried, then the data and the policy's bookkeeping. `first`:
 * the outcome of a fast-path attempt at va already made (the MMU counted it: translating
 * the piece again would count the walk and the fault twice), or XL_OK for none. */
static int access_pieces(struct kernel *k, struct task *t, vaddr_t va, unsigned size,
                         enum access_kind kind, uint64_t *value, enum kern_sig *sig,
                         enum xlate_status first, struct vms_error *e)
{
    struct mmu *m = &k->mmu;
    k->last[0].vblk = k->last[1].vblk = k->last[2].vblk = 0; /* anything may change now */
    unsigned bshift = k->block_shift[kind == ACCESS_FETCH];
    uint64_t bsize = UINT64_C(1) << bshift;
    paddr_t pas[8];
    unsigned lens[8], np = 0;
    vaddr_t cur = va;
    uint64_t left = size;
    k->faulting = t;
    k->faulting_killed = false;
    while (left) {
        uint64_t room = bsize - (cur & (bsize - 1));
        unsigned len = (unsigned)(room < left ? room : left);
        struct xlate x;
        unsigned tries = 0;
        for (;;) {
            enum xlate_status st;
            if (first != XL_OK) {
                st = first;
                first = XL_OK;
            } else {
                st = mmu_access(m, cur, kind, &pas[np], &x);
            }
            if (st == XL_OK)
                break;
            enum kern_sig s;
            int err = 0;
            if (st == XL_BAD_ADDRESS) {
                s = KSIG_SEGV_MAPERR;
            } else if (++tries > 4) {
                kern_unlock_all(k);
                k->faulting = NULL;
                return err_set(e, VMS_EINVAL,
                               "internal error: fault at 0x%llx not resolved by the kernel",
                               (unsigned long long)cur);
            } else {
                s = kern_fault(k, t, cur, kind, &err, e);
            }
            if (err) {
                kern_unlock_all(k);
                k->faulting = NULL;
                return err;
            }
            if (s != KSIG_NONE) {
                if (s == KSIG_SEGV_MAPERR) {
                    k->st.faults_segv_maperr++;
                    t->st.faults_segv_maperr++;
                } else if (s == KSIG_SEGV_ACCERR) {
                    k->st.faults_segv_accerr++;
                    t->st.faults_segv_accerr++;
                }
                kern_unlock_all(k);
                k->faulting = NULL;
                *sig = s;
                return 0;
            }
        }
        lock_frame(k, (uint32_t)(pas[np] >> k->pshift));
        lens[np++] = len;
        cur += len;
        left -= len;
    }
    k->faulting = NULL;
    if (np > 1) {
        k->st.split++;
        t->st.split++;
    }
    int rc = 0;
    if (value && kind == ACCESS_LOAD)
        physmem_read_pieces(m->pm, pas, lens, np, value);
    else if (value && kind == ACCESS_STORE && physmem_write_pieces(m->pm, pas, lens, np, *value))
        rc = err_set(e, VMS_ENOMEM, "out of host memory");
    kern_unlock_all(k);
    policy_after_access(k, pas, np, kind);
    return rc;
}


/* The common case: one piece (within a cache block) that translates without a fault. No
 * locking is needed, since nothing can be reclaimed meanwhile. 1 = done; 0 = not taken,
 * with *first the fault met (XL_OK when the access was not tried). */
HOT_INLINE int access_fast(struct kernel *k, vaddr_t va, unsigned size, enum access_kind kind,
                           uint64_t *value, bool plain, enum xlate_status *first, int *rc,
                           struct mmu_last *last, struct vms_error *e)
{
    *first = XL_OK;
    if (UNLIKELY(((va ^ (va + size - 1)) >> k->block_shift[kind == ACCESS_FETCH]) != 0))
        return 0;
    struct mmu *m = &k->mmu;
    paddr_t pa;
    struct xlate x;
    *first = last ? mmu_access_last(m, va, kind, &pa, &x, last) : mmu_access(m, va, kind, &pa, &x);
    if (UNLIKELY(*first != XL_OK))
        return 0;
    *rc = 0;
    if (value) {
        if (kind == ACCESS_LOAD)
            physmem_read(m->pm, pa, size, value);
        else if (kind == ACCESS_STORE && physmem_write(m->pm, pa, size, *value))
            *rc = err_set(e, VMS_ENOMEM, "out of host memory");
    }
    if (UNLIKELY(!plain))
        policy_after_access(k, &pa, 1, kind);
    else
        k->now++;
    return 1;
}

/* Whether the policy needs to see every access (else only the clock advances). */
static inline bool policy_plain(const struct kernel *k)
{
    return !k->idealized && !k->tick_period;
}

int kern_access(struct kernel *k, struct task *t, vaddr_t va, unsigned size, enum access_kind kind,
                uint64_t *value, enum kern_sig *sig, struct vms_error *e)
{
    *sig = KSIG_NONE;
    if (t->killed || t->dead) {
        *sig = KSIG_KILLED;
        return 0;
    }
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return err_set(e, VMS_EINVAL, "access size %u: expected 1, 2, 4 or 8", size);
    if (k->cur != t)
        kern_switch(k, t);
    k->actor = t;
    count_ref(&k->st, kind);
    count_ref(&t->st, kind);
    enum xlate_status first;
    int rc;
    if (LIKELY(access_fast(k, va, size, kind, value, policy_plain(k), &first, &rc, &k->last[kind],
                           e)))
        return rc;
    return access_pieces(k, t, va, size, kind, value, sig, first, e);
}

/* ------------------------------------------------------------------ trace batches */

/* One access of a record: kern_access for a current, live task, with no data, counting
 * into cnt[kind] (added to the statistics at the end of the batch). */
HOT_INLINE int rec_access(struct kernel *k, struct task *t, vaddr_t va, unsigned size,
                          enum access_kind kind, bool plain, uint64_t cnt[3],
                          struct mmu_last last[3], enum kern_sig *sig, struct vms_error *e)
{
    cnt[kind]++;
    enum xlate_status first;
    int rc;
    if (LIKELY(access_fast(k, va, size, kind, NULL, plain, &first, &rc, &last[kind], e)))
        return rc;
    /* anything may change now: forget the last hits */
    last[0].vblk = last[1].vblk = last[2].vblk = 0;
    *sig = KSIG_NONE;
    rc = access_pieces(k, t, va, size, kind, NULL, sig, first, e);
    if (k->cur != t) /* (a fault never switches; kept true whatever reclaim does) */
        kern_switch(k, t);
    return rc;
}

/* One reference of a record, split at the granule `shift` as docs/statistics.md says. */
HOT_INLINE int rec_ref(struct kernel *k, struct task *t, vaddr_t va, uint32_t size,
                       enum access_kind kind, unsigned shift, bool plain, uint64_t cnt[3],
                       struct mmu_last last[3], bool *split, enum kern_sig *sig,
                       struct vms_error *e)
{
    uint64_t end = size > 1 ? va + (size - 1) : va;
    if (UNLIKELY(end < va))
        end = UINT64_MAX; /* wraps past the top: the rest is not addressable anyway */
    bool natural = size == 1 || size == 2 || size == 4 || size == 8;
    if (LIKELY((va >> shift) == (end >> shift)))
        return rec_access(k, t, va, natural ? size : 1, kind, plain, cnt, last, sig, e);
    *split = true;
    if (natural)
        return rec_access(k, t, va, size, kind, plain, cnt, last, sig, e);
    /* One piece per granule, as hardware splits it (a piece's size does not matter to the
     * model once it is within one block). */
    for (uint64_t cur = va;;) {
        int rc = rec_access(k, t, cur, 1, kind, plain, cnt, last, sig, e);
        if (rc < 0 || *sig == KSIG_KILLED)
            return rc;
        uint64_t next = ((cur >> shift) + 1) << shift;
        if (next == 0 || (next >> shift) > (end >> shift))
            return 0;
        cur = next;
    }
}

/* The state of a kern_access_recs batch that its rarer paths update. */
struct recs_run {
    struct kernel *k;
    struct task *t;
    const unsigned *gran;
    bool plain;
    enum kern_sig sig;
    /* Per-access counting (kern_access's): recs_other counts into cnt; a record the inline
     * path finished is one access of its kind, counted from rk - rk_gen. */
    uint64_t cnt[3], rk_gen[4];
    uint64_t nm, split; /* M records (2 references each), split references */
    struct mmu_last last[3]; /* the last hit of each access kind */
};

/* A record the inline path did not finish: not a repeat of its kind's last hit (one
 * access, one_block), or a record split, an M, or wrapping (!one_block). Counted here
 * access by access (rk_gen keeps the inline count off it). Out of line, so that the inline
 * path keeps its registers. 0, or < 0 on a host error. */
static __attribute__((noinline)) int recs_other(struct recs_run *q, const struct trace_rec *r,
                                                 unsigned rkind, enum access_kind kind,
                                                 bool one_block, struct vms_error *e)
{
    struct kernel *k = q->k;
    struct task *t = q->t;
    vaddr_t va = r->addr;
    int rc;
    q->sig = KSIG_NONE;
    q->rk_gen[rkind]++;
    if (one_block) {
        unsigned size = r->size == 1 || r->size == 2 || r->size == 4 || r->size == 8 ? r->size : 1;
        return rec_access(k, t, va, size, kind, q->plain, q->cnt, q->last, &q->sig, e);
    }
    /* reference by reference */
    bool sp = false;
    q->nm += rkind == TRACE_M;
    rc = rec_ref(k, t, va, r->size, kind, q->gran[kind == ACCESS_FETCH], q->plain, q->cnt,
                 q->last, &sp, &q->sig, e);
    q->split += sp; /* per reference: an M that spans is two split references */
    if (rkind == TRACE_M && rc == 0 && q->sig != KSIG_KILLED) {
        sp = false;
        rc = rec_ref(k, t, va, r->size, ACCESS_STORE, q->gran[0], q->plain, q->cnt, q->last,
                     &sp, &q->sig, e);
        q->split += sp;
    }
    return rc;
}

int kern_access_recs(struct kernel *k, struct task *t, const struct trace_rec *recs, size_t n,
                     uint64_t budget, const unsigned gran[2], struct kern_rec_counts *c,
                     struct vms_error *e)
{
    if (t->killed || t->dead) {
        c->killed = true;
        return 0;
    }
    if (k->cur != t)
        kern_switch(k, t);
    k->actor = t;
    struct mmu *m = &k->mmu;
    /* the access kind of each record kind (an M's first access; its store follows) */
    _Static_assert(((0x12u >> (2 * TRACE_I)) & 3) == ACCESS_FETCH &&
                       ((0x12u >> (2 * TRACE_L)) & 3) == ACCESS_LOAD &&
                       ((0x12u >> (2 * TRACE_S)) & 3) == ACCESS_STORE &&
                       ((0x12u >> (2 * TRACE_M)) & 3) == ACCESS_LOAD,
                   "the record kind table");
    struct recs_run q = {.k = k, .t = t, .gran = gran, .plain = policy_plain(k)};
    bool plain = q.plain;
    /* The inline path takes a record that is one access within one split granule and one
     * of the kernel's blocks (not split, and one piece for the MMU) and repeats its kind's
     * last hit. */
    unsigned fshift[3];
    for (int kk = 0; kk < 3; kk++) {
        unsigned f = kk == ACCESS_FETCH, g = gran[f], b = k->block_shift[f];
        fshift[kk] = g < b ? g : b;
    }
    uint64_t rk[4] = {0, 0, 0, 0};
    /* references left before the budget is reached (at most 2 per record) */
    int64_t left = budget > 2 * (uint64_t)n ? 2 * (int64_t)n + 1 : (int64_t)budget;
    int rc = 0;
    size_t i = 0;
    while (i < n) {
        const struct trace_rec *r = &recs[i++];
        unsigned rkind = r->kind & 3;
        /* kind_of without a load: two bits per record kind */
        enum access_kind kind = (enum access_kind)((0x12u >> (2 * rkind)) & 3);
        vaddr_t va = r->addr;
        /* Size 0 touches one byte, like size 1: its `end`, one below va, is in va's block
         * unless va starts one, and then the general path takes it. An access wrapping past
         * the top ends in another block. */
        uint64_t end = va + r->size - 1;
        rk[rkind]++;
        bool one_block = rkind != TRACE_M && ((va ^ end) >> fshift[kind]) == 0;
        if (LIKELY(one_block) && LIKELY(mmu_last_hit(m, &q.last[kind], va, kind))) {
            if (UNLIKELY(!plain)) {
                paddr_t pa = mmu_last_pa(&q.last[kind], va);
                policy_after_access(k, &pa, 1, kind);
            } else {
                k->now++;
            }
        } else {
            rc = recs_other(&q, r, rkind, kind, one_block, e);
            left -= rkind == TRACE_M;
            if (UNLIKELY(rc < 0 || q.sig == KSIG_KILLED))
                break;
        }
        if (UNLIKELY(--left <= 0))
            break;
    }
    /* kern_access's counting, per access */
    uint64_t *cnt = q.cnt;
    cnt[ACCESS_FETCH] += rk[TRACE_I] - q.rk_gen[TRACE_I];
    cnt[ACCESS_LOAD] += rk[TRACE_L] - q.rk_gen[TRACE_L];
    cnt[ACCESS_STORE] += rk[TRACE_S] - q.rk_gen[TRACE_S];
    for (int kk = 0; kk < 3; kk++) {
        k->st.references += cnt[kk];
        t->st.references += cnt[kk];
    }
    k->st.loads += cnt[ACCESS_LOAD];
    t->st.loads += cnt[ACCESS_LOAD];
    k->st.stores += cnt[ACCESS_STORE];
    t->st.stores += cnt[ACCESS_STORE];
    k->st.ifetches += cnt[ACCESS_FETCH];
    t->st.ifetches += cnt[ACCESS_FETCH];
    /* the record's counting */
    c->done += i;
    c->refs += i + q.nm;
    c->ifetches += rk[TRACE_I];
    c->loads += rk[TRACE_L] + rk[TRACE_M];
    c->stores += rk[TRACE_S] + rk[TRACE_M];
    c->split += q.split;
    if (q.sig == KSIG_KILLED)
        c->killed = true;
    return rc < 0 ? rc : 0;
}

void kern_switch(struct kernel *k, struct task *t)
{
    if (k->cur == t)
        return;
    struct stats now;
    kern_hw_stats(k, &now);
    if (k->cur)
        stats_accumulate(&k->cur->hw, &now, &k->cur->hw0);
    k->cur = t;
    k->last[0].vblk = k->last[1].vblk = k->last[2].vblk = 0;
    if (t) {
        t->hw0 = now;
        mmu_load_cr3(&k->mmu, t->root, t->asid);
    }
}
