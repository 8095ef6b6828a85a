/* The page-fault handler. An access goes through the MMU (TLBs, walk, caches); a fault
 * comes back as a value and is resolved here in CSAPP's order — no area:
 * SIGSEGV maperr; the area forbids the access: SIGSEGV accerr; else swap-in, page-cache
 * page (file or shmem), demand-zero (the shared zero page for reads), copy-on-write, or
 * SIGBUS past end of file — and the access restarts. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

const char *kern_sig_name(enum kern_sig s)
{
    switch (s) {
    case KSIG_NONE: return "ok";
    case KSIG_SEGV_MAPERR: return "SIGSEGV maperr";
    case KSIG_SEGV_ACCERR: return "SIGSEGV accerr";
    case KSIG_BUS: return "SIGBUS";
    case KSIG_KILLED: return "killed";
    }
    return "?";
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
        kern_frame_lock(k, *f);
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
        if (of->slot != KNONE) /* leave the swap cache: the slot keeps the old bytes */
            kern_swap_cache_del(k, of->slot);
        if (of->refcount == 1) {
            pte_t v = pt_read(&k->mmu, ptp);
            struct pte_info pi;
            k->mmu.fmt->decode(v, &pi);
            pte_t nv = kern_pte_make(k, o, a, true) | (v & (k->mmu.fmt->a_mask | k->mmu.fmt->d_mask));
            kern_pte_set(k, t, va, ptp, nv);
            return 0;
        }
    }
    kern_frame_lock(k, o);
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
        kern_frame_lock(k, (uint32_t)pi.pfn);
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
        kern_frame_lock(k, f);
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
            kern_frame_lock(k, f);
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
