/* The page-fault handler. An access goes through the MMU (TLBs, walk, caches); a fault
 * comes back as a value and is resolved here in CSAPP's order — no area:
 * SIGSEGV maperr; the area forbids the access: SIGSEGV accerr; else swap-in, page-cache
 * page (file or shmem), demand-zero (the shared zero page for reads; or a frame per page,
 * for traces), copy-on-write, or SIGBUS past end of file — and the access restarts. */
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

/* One fault being resolved (Linux's struct vm_fault): what kern_fault found, in the order
 * it found it, for the case handlers below. */
struct fault {
    struct kernel *k;      /* the kernel */
    struct task *t;        /* the faulting task (k->faulting) */
    const struct area *a;  /* the area containing va */
    vaddr_t va;            /* the faulting page (page aligned) */
    enum access_kind kind; /* the access the MMU refused */
    paddr_t ptp;           /* va's leaf PTE slot (the tables exist once it is found) */
    pte_t pte;             /* the PTE when the fault began */
    struct pte_info pi;    /* pte decoded */
    bool major;            /* a swap-in or a file read happened (a major fault) */
    struct vms_error *e;   /* filled on host errors */
};

/* vf's PTE with the permissions its area gives now (writable if `writable` and the area
 * allows it), keeping its A and D bits. */
static pte_t pte_remake(const struct fault *vf, pfn_t pfn, bool writable)
{
    const struct kernel *k = vf->k;
    return kern_pte_make(vf->k, pfn, vf->a, writable) |
           (vf->pte & (k->mmu.fmt->a_mask | k->mmu.fmt->d_mask));
}

/* Write fault on a present, write-protected private page: reuse it when this is the only
 * mapping (as Linux does), else copy. 0, 1 = the faulting task was killed, < 0 host error. */
static int do_wp(struct fault *vf, pfn_t old)
{
    struct kernel *k = vf->k;
    struct task *t = vf->t;
    const struct area *a = vf->a;
    vaddr_t va = vf->va;
    paddr_t ptp = vf->ptp;
    struct vms_error *e = vf->e;
    if (old == k->zero_pfn) {
        uint32_t f;
        int rc = alloc_locked(k, &f, e);
        if (rc)
            return rc;
        kern_frame_zero(k, f);
        kern_frame(k, f)->flags |= FR_ANON;
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
    struct frame *of = kern_frame(k, o);
    if ((of->flags & FR_ANON) && of->mapcount == 1) {
        if (of->slot != KNONE) /* leave the swap cache: the slot keeps the old bytes */
            kern_swap_cache_del(k, of->slot);
        if (of->refcount == 1) {
            /* the PTE as it is now (a swap-in may have just written it) */
            pte_t v = kern_pte_get(k, ptp);
            pte_t nv =
                kern_pte_make(k, o, a, true) | (v & (k->mmu.fmt->a_mask | k->mmu.fmt->d_mask));
            kern_pte_set(k, t, va, ptp, nv);
            return 0;
        }
    }
    kern_frame_lock(k, o);
    uint32_t f;
    int rc = alloc_locked(k, &f, e);
    if (rc)
        return rc;
    kern_frame(k, f)->flags |= FR_ANON;
    if (physmem_copy(k->mmu.pm, f, o) || kern_rmap_add(k, f, t, va)) {
        kern_frame_put(k, f); /* frees the unused copy */
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    mmu_kernel_copy(&k->mmu, kern_frame_pa(k, f), kern_frame_pa(k, o), k->psize);
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

/* The end of every case: rc from its steps (0, 1 = the faulting task was killed, < 0 a host
 * error with vf->e filled) as the result, the fault counted when it was resolved. */
/* A swap-in of the faulting task failed with an I/O error (rc; swap_in_errors counted, the
 * frame given back): Linux's do_swap_page answers VM_FAULT_SIGBUS, whose default action
 * ends the process; so the task is killed here (faults.sigbus counts it), only it, and
 * the run goes on. Other errors (host memory) go up. */
static int swap_in_failed(struct fault *vf, int rc, uint64_t errors_before)
{
    struct kernel *k = vf->k;
    if (k->st.swap_in_errors == errors_before)
        return rc;
    if (vf->e) { /* survived: no error goes up */
        vf->e->code = 0;
        vf->e->msg[0] = '\0';
    }
    k->st.faults_sigbus++;
    vf->t->st.faults_sigbus++;
    vf->t->sigbus_io = true;
    kern_oom_kill(k, vf->t);
    k->faulting_killed = true;
    return 1;
}

static enum fault_result fault_end(struct fault *vf, int rc)
{
    if (rc > 0 || vf->k->faulting_killed)
        return FAULT_KILLED;
    if (rc < 0)
        return FAULT_ERROR;
    count_fault(vf->k, vf->t, vf->major);
    return FAULT_DONE;
}

/* The PTE is present but refused the access: a store to a write-protected page (shared:
 * it regains write; private: copy-on-write), or permissions older than the area's
 * (mprotect changed it): they are recomputed. */
static enum fault_result do_present(struct fault *vf)
{
    struct kernel *k = vf->k;
    int rc = 0;
    kern_frame_lock(k, (uint32_t)vf->pi.pfn);
    if (vf->kind == ACCESS_STORE && !vf->pi.writable) {
        if (vf->a->flags & AREA_SHARED)
            kern_pte_set(k, vf->t, vf->va, vf->ptp, pte_remake(vf, vf->pi.pfn, true));
        else
            rc = do_wp(vf, vf->pi.pfn);
    } else {
        /* stale permissions (the area changed): recompute them */
        kern_pte_set(k, vf->t, vf->va, vf->ptp, pte_remake(vf, vf->pi.pfn, vf->pi.writable));
    }
    return fault_end(vf, rc);
}

/* The PTE is a swap entry for `slot`: the page comes from the swap cache, or is read into
 * it (a major fault). Mapped writable only when this PTE was the last reference to the slot
 * (the page then leaves the swap cache on a write); a store copies otherwise. */
static enum fault_result do_swap_page(struct fault *vf, uint32_t slot)
{
    struct kernel *k = vf->k;
    struct task *t = vf->t;
    struct vms_error *e = vf->e;
    int rc;
    uint32_t f = kern_slot(k, slot)->cache;
    if (f == KNONE) {
        if ((rc = alloc_locked(k, &f, e)) != 0)
            return fault_end(vf, rc);
        if (kern_slot(k, slot)->cache != KNONE) { /* reclaim raced us: cannot happen, but be safe */
            kern_frame_put(k, f);
            f = kern_slot(k, slot)->cache;
        } else {
            uint64_t errors = k->st.swap_in_errors;
            if ((rc = kern_swap_read(k, slot, f, e)) != 0) {
                kern_frame_put(k, f);
                return fault_end(vf, swap_in_failed(vf, rc, errors));
            }
            kern_slot(k, slot)->cache = f;
            kern_frame(k, f)->slot = slot;
            kern_frame(k, f)->flags |= FR_ANON;
            vf->major = true;
            k->st.faults_swap_in++;
            t->st.faults_swap_in++;
        }
    }
    kern_frame_lock(k, f);
    if (kern_rmap_add(k, f, t, vf->va))
        return fault_end(vf, err_set(e, VMS_ENOMEM, "out of host memory"));
    kern_swap_put(k, slot); /* this PTE no longer refers to the slot */
    struct frame *fr = kern_frame(k, f);
    bool excl = fr->mapcount == 1 && fr->slot == KNONE;
    kern_pte_set(k, t, vf->va, vf->ptp, kern_pte_make(k, f, vf->a, excl));
    rc = 0;
    if (vf->kind == ACCESS_STORE && !excl)
        rc = do_wp(vf, f);
    return fault_end(vf, rc);
}

/* A file or shmem area, the PTE none: the object's page from the page cache, else a new
 * one (read from the file, a major fault; a shmem page swapped in, or zero-filled at first
 * use). SIGBUS for a page wholly past end of file. Shared areas map it writable; a store
 * to a private one copies it. */
static enum fault_result do_file_page(struct fault *vf)
{
    struct kernel *k = vf->k;
    struct task *t = vf->t;
    struct vms_error *e = vf->e;
    int rc;
    uint32_t f;
    struct kfile *kf = kern_file_get(k, vf->a->file, e);
    if (!kf)
        return fault_end(vf, -(e->code ? e->code : VMS_EIO));
    uint64_t index = vf->a->pgoff + ((vf->va - vf->a->start) >> k->pshift);
    if (index >= kf->npages || (!kf->shmem && (index << k->pshift) >= kf->size)) {
        k->st.faults_sigbus++;
        t->st.faults_sigbus++;
        return FAULT_SIGBUS;
    }
    int64_t pv = kf->pages[index];
    if (pv > 0) {
        f = (uint32_t)(pv - 1);
        kern_frame_lock(k, f);
    } else {
        if ((rc = alloc_locked(k, &f, e)) != 0)
            return fault_end(vf, rc);
        if (pv < 0) { /* a shmem page on swap */
            uint32_t s = (uint32_t)(-pv - 1);
            uint64_t errors = k->st.swap_in_errors;
            if ((rc = kern_swap_read(k, s, f, e)) != 0) {
                kern_frame_put(k, f);
                return fault_end(vf, swap_in_failed(vf, rc, errors));
            }
            kern_swap_put(k, s);
            kern_frame(k, f)->flags |= FR_DIRTY;
            vf->major = true;
            k->st.faults_swap_in++;
            t->st.faults_swap_in++;
        } else if (kf->shmem) {
            kern_frame_zero(k, f);
            k->st.faults_zero_fill++;
            t->st.faults_zero_fill++;
        } else {
            uint64_t before = k->st.faults_file_read;
            if ((rc = kern_file_fill(k, kf, index, f, e)) != 0) {
                kern_frame_put(k, f);
                if (rc == -VMS_EIO) { /* the file could not be read: SIGBUS, as Linux */
                    e->code = 0;
                    e->msg[0] = '\0';
                    k->st.faults_sigbus++;
                    t->st.faults_sigbus++;
                    return FAULT_SIGBUS;
                }
                return fault_end(vf, rc);
            }
            vf->major = k->st.faults_file_read != before;
            if (vf->major)
                t->st.faults_file_read++;
        }
        kf->pages[index] = (int64_t)f + 1;
        kern_frame(k, f)->flags |= FR_FILE;
        kern_frame(k, f)->file = kf;
        kern_frame(k, f)->index = index;
    }
    if (kern_rmap_add(k, f, t, vf->va))
        return fault_end(vf, err_set(e, VMS_ENOMEM, "out of host memory"));
    bool shared = vf->a->flags & AREA_SHARED;
    kern_pte_set(k, t, vf->va, vf->ptp, kern_pte_make(k, f, vf->a, shared));
    rc = 0;
    if (!shared && vf->kind == ACCESS_STORE)
        rc = do_wp(vf, f);
    return fault_end(vf, rc);
}

/* Private anonymous memory, never touched. Linux's rule: demand-zero — a read maps the
 * shared zero page read-only, a write gets a zeroed frame (faults.zero_fill). With
 * frame_per_page (kern_options; the trace driver's default, docs/trace.md "The page model")
 * any first touch, read or write, gets a frame of its own, mapped writable: the page stands
 * for content the traced program found there (file-backed text and data, a buffer read(2)
 * filled), which a trace does not carry, so the frame is not zero-filled and the fault is
 * a minor one of no cause (as a page found in the page cache). The frame holds no host
 * bytes (it reads as zero); to the kernel it is a private anonymous page like any other:
 * reclaim writes it to swap, a swap-in brings it back (docs/kernel.md). */
static enum fault_result do_anonymous_page(struct fault *vf)
{
    struct kernel *k = vf->k;
    struct task *t = vf->t;
    bool own = k->opt.frame_per_page;
    uint32_t f, hw = k->frames_hw;
    if (!own && vf->kind != ACCESS_STORE) {
        kern_pte_set(k, t, vf->va, vf->ptp, kern_pte_make(k, k->zero_pfn, vf->a, false));
        k->st.faults_zero_fill++;
        t->st.faults_zero_fill++;
        return fault_end(vf, 0);
    }
    int rc = alloc_locked(k, &f, vf->e);
    if (rc)
        return fault_end(vf, rc);
    if (own) { /* content the model does not move: no line of the frame's past may hit */
        physmem_clear(k->mmu.pm, f);
        if (f < hw) /* a frame from the high-water mark was never used: no line holds it */
            mmu_kernel_forget(&k->mmu, kern_frame_pa(k, f), k->psize);
    } else {
        kern_frame_zero(k, f);
    }
    kern_frame(k, f)->flags |= FR_ANON;
    if (kern_rmap_add(k, f, t, vf->va)) {
        kern_frame_put(k, f); /* frees it: nothing maps it yet */
        return fault_end(vf, err_set(vf->e, VMS_ENOMEM, "out of host memory"));
    }
    kern_frame_put(k, f);
    kern_pte_set(k, t, vf->va, vf->ptp, kern_pte_make(k, f, vf->a, true));
    if (!own) {
        k->st.faults_zero_fill++;
        t->st.faults_zero_fill++;
    }
    return fault_end(vf, 0);
}

/*
 * Resolves a fault of task t at va: an access of kind `kind` that the MMU refused (a
 * non-present PTE, or one without the rights the access needs).
 *
 * We enter with k->faulting == t and k->faulting_killed false (set by the caller for the
 * whole access: reclaim counts its I/O to t, and the out-of-memory killer reports killing
 * t there), and with the frames of the access's earlier pieces locked (FR_LOCKED, in
 * k->locked).
 *
 * We return with the frames this fault mapped or copied from locked as well, so that
 * reclaim for a later piece of the same access cannot take them: the caller ends the access
 * with kern_unlock_all and resets k->faulting to NULL, whatever the result, which is
 *   FAULT_DONE         the PTE now allows the access: retry it (counted minor or major);
 *   FAULT_SEGV_MAPERR  no area contains va, and FAULT_SEGV_ACCERR the area forbids the
 *                      access: nothing changed or counted (the caller counts the signal);
 *   FAULT_SIGBUS       a file page wholly past end of file (counted here);
 *   FAULT_KILLED       the out-of-memory killer ended t meanwhile (its image and its locks
 *                      are gone);
 *   FAULT_ERROR        a host error: e is filled, -e->code is the error; not counted.
 */
enum fault_result kern_fault(struct kernel *k, struct task *t, vaddr_t va, enum access_kind kind,
                             struct vms_error *e)
{
    struct fault vf = {.k = k, .t = t, .va = va & ~(k->psize - 1), .kind = kind, .e = e};
    vf.a = area_find(&t->areas, va);
    if (!vf.a)
        return FAULT_SEGV_MAPERR;
    if (!area_allows(k, vf.a, kind))
        return FAULT_SEGV_ACCERR;
    if (kern_pte_slot(k, t, vf.va, &vf.ptp, e))
        return FAULT_ERROR;
    vf.pte = kern_pte_get(k, vf.ptp);
    k->mmu.fmt->decode(vf.pte, &vf.pi);
    uint32_t slot;
    if (vf.pi.present)
        return do_present(&vf);
    if (kern_pte_is_swap(vf.pte, &slot))
        return do_swap_page(&vf, slot);
    if (vf.a->file)
        return do_file_page(&vf);
    return do_anonymous_page(&vf);
}
