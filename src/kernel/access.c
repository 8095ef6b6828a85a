/* Accesses: kern_access (an access split into pieces as hardware splits it, each piece
 * translated by the MMU with its faults resolved and the piece retried, then the data and the
 * policy's bookkeeping) and the batch entry for traces, kern_access_recs, whose hit path is
 * inline. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

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
                if (kern_frame(k, f)->refcount &&
                    ((kern_frame(k, f)->flags & FR_LOCKED) || kern_evict(k, f, &ignore) != 1) &&
                    kern_frame(k, f)->refcount && !policy_slot_used(k->pol, f))
                    policy_insert(k->pol, f, f, false);
            }
        }
    }
}

/* What a translation that failed with st at cur comes to: a SIGSEGV for an address no
 * table can hold, else the fault handler's outcome in *r. An error (the handler failed,
 * or the same access faulted more than four times) unlocks the kernel and is returned. */
static int resolve_fault(struct kernel *k, struct task *t, enum xlate_status st, vaddr_t cur,
                         enum access_kind kind, unsigned *tries, enum fault_result *r,
                         struct vms_error *e)
{
    if (st == XL_BAD_ADDRESS) {
        *r = FAULT_SEGV_MAPERR;
        return 0;
    }
    if (++*tries > 4) {
        kern_unlock_all(k);
        k->faulting = NULL;
        return err_set(e, VMS_EINVAL, "internal error: fault at 0x%llx not resolved by the kernel",
                       (unsigned long long)cur);
    }
    *r = kern_fault(k, t, cur, kind, e);
    if (*r == FAULT_ERROR) {
        kern_unlock_all(k);
        k->faulting = NULL;
        return -e->code;
    }
    return 0;
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
    paddr_t pas[8];
    unsigned lens[8], np = 0;
    struct mmu_pieces pc = mmu_pieces(m, kind, va, size);
    vaddr_t cur;
    unsigned len;
    k->faulting = t;
    k->faulting_killed = false;
    while (mmu_piece_next(&pc, &cur, &len)) {
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
            enum fault_result r = FAULT_DONE;
            int rc = resolve_fault(k, t, st, cur, kind, &tries, &r, e);
            if (rc)
                return rc;
            if (r != FAULT_DONE) {
                if (r == FAULT_SEGV_MAPERR) {
                    k->st.faults_segv_maperr++;
                    t->st.faults_segv_maperr++;
                } else if (r == FAULT_SEGV_ACCERR) {
                    k->st.faults_segv_accerr++;
                    t->st.faults_segv_accerr++;
                }
                kern_unlock_all(k);
                k->faulting = NULL;
                *sig = fault_sig(r);
                return 0;
            }
        }
        kern_frame_lock(k, (uint32_t)(pas[np] >> k->pshift));
        lens[np++] = len;
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
    if (LIKELY(access_fast(k, va, size, kind, value, policy_plain(k), &first, &rc,
                           &k->mmu.last[kind], e)))
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
    struct mmu_last *last; /* the MMU's last hit of each access kind (m->last) */
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
    struct recs_run q = {.k = k, .t = t, .gran = gran, .plain = policy_plain(k), .last = m->last};
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

/* ------------------------------------------------------------------ user copies */

int kern_user_copy(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, bool to_user,
                   uint64_t *done, enum kern_sig *sig, struct vms_error *e)
{
    *done = 0;
    *sig = KSIG_NONE;
    if (t->killed || t->dead) {
        *sig = KSIG_KILLED;
        return 0;
    }
    if (k->cur != t)
        kern_switch(k, t);
    k->actor = t;
    enum access_kind kind = to_user ? ACCESS_STORE : ACCESS_LOAD;
    struct mmu *m = &k->mmu;
    while (*done < len) {
        vaddr_t cur = va + *done;
        if (cur < va) { /* past the top of the address space */
            *sig = KSIG_SEGV_MAPERR;
            return 0;
        }
        uint64_t n = k->psize - (cur & (k->psize - 1));
        if (n > len - *done)
            n = len - *done;
        struct xlate x;
        unsigned tries = 0;
        k->faulting = t;
        k->faulting_killed = false;
        for (;;) {
            enum xlate_status st = mmu_translate(m, cur, kind, &x);
            if (st == XL_OK)
                break;
            enum fault_result r = FAULT_DONE;
            int rc = resolve_fault(k, t, st, cur, kind, &tries, &r, e);
            if (rc)
                return rc;
            if (r != FAULT_DONE) { /* EFAULT: the copy stops here */
                if (r == FAULT_SEGV_MAPERR) {
                    k->st.faults_segv_maperr++;
                    t->st.faults_segv_maperr++;
                } else if (r == FAULT_SEGV_ACCERR) {
                    k->st.faults_segv_accerr++;
                    t->st.faults_segv_accerr++;
                }
                kern_unlock_all(k);
                k->faulting = NULL;
                *sig = fault_sig(r);
                return 0;
            }
        }
        kern_unlock_all(k);
        k->faulting = NULL;
        /* the bytes: kernel loads or stores through the caches */
        mmu_kernel_touch(m, x.pa, n, to_user);
        policy_after_access(k, &x.pa, 1, kind);
        if (k->cur != t)
            kern_switch(k, t);
        *done += n;
    }
    return 0;
}
