/* The audit of every invariant (kern_audit), which --audit and the randomized tests run after
 * each step. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

struct audit {
    struct kernel *k;
    struct vms_error *e;
    uint32_t *maps;  /* PTEs per frame */
    uint32_t *slots; /* references per swap slot */
    int rc;
};

static int audit_fail(struct audit *au, const char *fmt, unsigned long long a, unsigned long long b)
{
    if (!au->rc)
        au->rc = err_set(au->e, VMS_EINVAL, fmt, a, b);
    return au->rc;
}

static int audit_pte(struct kernel *k, struct task *t, vaddr_t va, paddr_t pa, pte_t v, void *ctx)
{
    (void)pa;
    struct audit *au = ctx;
    uint32_t slot;
    const struct area *a = area_find(&t->areas, va);
    if (!a)
        return audit_fail(au, "audit: PTE for 0x%llx (pid %llu) outside every area",
                          (unsigned long long)va, (unsigned long long)t->pid);
    if (kern_pte_is_swap(v, &slot)) {
        if (slot >= k->slots_hw)
            return audit_fail(au, "audit: swap PTE at 0x%llx names slot %llu never allocated",
                              (unsigned long long)va, slot);
        au->slots[slot]++;
        return 0;
    }
    struct pte_info pi;
    k->mmu.fmt->decode(v, &pi);
    if (!pi.present)
        return audit_fail(au, "audit: non-present PTE 0x%llx at 0x%llx is not a swap entry",
                          (unsigned long long)v, (unsigned long long)va);
    if (pi.writable && !(a->prot & AREA_WRITE))
        return audit_fail(au, "audit: writable PTE at 0x%llx in a read-only area (pid %llu)",
                          (unsigned long long)va, (unsigned long long)t->pid);
    /* x86-32 (non-PAE) PTEs cannot forbid execution: every present page is executable */
    if (k->mmu.cfg.pte_fmt != PTE_FMT_X86_32 && pi.nx == !!(a->prot & AREA_EXEC))
        return audit_fail(au, "audit: PTE at 0x%llx: XD disagrees with the area (pid %llu)",
                          (unsigned long long)va, (unsigned long long)t->pid);
    if (pi.pfn == k->zero_pfn) {
        if (pi.writable)
            return audit_fail(au, "audit: the zero page is mapped writable at 0x%llx%llu",
                              (unsigned long long)va, 0);
        return 0;
    }
    if (pi.pfn >= k->nframes)
        return audit_fail(au, "audit: PTE at 0x%llx maps frame 0x%llx outside user memory",
                          (unsigned long long)va, (unsigned long long)pi.pfn);
    if (pi.pfn >= k->frames_hw)
        return audit_fail(au, "audit: PTE at 0x%llx maps frame 0x%llx never handed out",
                          (unsigned long long)va, (unsigned long long)pi.pfn);
    struct frame *fr = kern_frame(k, pi.pfn);
    if (fr->refcount == 0)
        return audit_fail(au, "audit: PTE at 0x%llx maps free frame 0x%llx",
                          (unsigned long long)va, (unsigned long long)pi.pfn);
    bool found = false;
    for (uint32_t i = 0; i < fr->nrmap && !found; i++)
        found = fr->rmap[i].t == t && fr->rmap[i].va == va;
    if (!found)
        return audit_fail(au, "audit: frame 0x%llx lacks the reverse-map entry for 0x%llx",
                          (unsigned long long)pi.pfn, (unsigned long long)va);
    if (pi.writable && !(a->flags & AREA_SHARED) &&
        (!(fr->flags & FR_ANON) || fr->mapcount != 1 || fr->slot != KNONE))
        return audit_fail(au, "audit: private PTE at 0x%llx writable but frame 0x%llx shared",
                          (unsigned long long)va, (unsigned long long)pi.pfn);
    au->maps[pi.pfn]++;
    return 0;
}

struct tlb_audit {
    struct audit *au;
    struct kernel *k;
    unsigned which;
};

static void audit_tlb_entry(void *ctx, int psz, uint64_t vpn, pfn_t pfn, uint16_t asid,
                            unsigned flags)
{
    struct tlb_audit *ta = ctx;
    struct kernel *k = ta->k;
    if (ta->au->rc || psz != PSZ_BASE)
        return;
    struct task *t = NULL;
    for (struct task *x = k->tasks; x && !t; x = x->next)
        if (!x->dead && x->asid == asid)
            t = x;
    if (!t || (!k->mmu.cfg.pcid && t != k->cur))
        return; /* a stale ASID: it cannot match while no live space uses it */
    vaddr_t va = vpn << k->pshift;
    int lsz;
    paddr_t pa = pt_lookup(&k->mmu, t->root, va, &lsz); /* not kern_pte_pa: no traffic */
    pte_t v = pa ? pt_read(&k->mmu, pa) : 0;
    struct pte_info pi;
    k->mmu.fmt->decode(v, &pi);
    if (!pi.present || pi.pfn != pfn) {
        audit_fail(ta->au, "audit: TLB entry for 0x%llx (PCID %llu) disagrees with the page table",
                   (unsigned long long)va, asid);
        return;
    }
    if ((flags & TLBF_W) && !pi.writable)
        audit_fail(ta->au, "audit: TLB entry for 0x%llx writable, PTE is not (PCID %llu)",
                   (unsigned long long)va, asid);
    if (!(flags & TLBF_NX) && pi.nx)
        audit_fail(ta->au, "audit: TLB entry for 0x%llx executable, PTE is not (PCID %llu)",
                   (unsigned long long)va, asid);
}

int kern_audit(struct kernel *k, struct vms_error *e)
{
    struct audit au = {k, e, vms_calloc(k->frames_hw ? k->frames_hw : 1, sizeof *au.maps),
                       vms_calloc(k->slots_hw ? k->slots_hw : 1, sizeof *au.slots), 0};
    if (!au.maps || !au.slots) {
        vms_free(au.maps);
        vms_free(au.slots);
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    for (struct task *t = k->tasks; t && !au.rc; t = t->next) {
        if (*t->pprev != t) {
            au.rc = err_set(e, VMS_EINVAL, "audit: task %d: broken task list link", t->pid);
            break;
        }
        if (t->dead)
            continue;
        if (area_set_check(&t->areas, e)) {
            au.rc = -VMS_EINVAL;
            break;
        }
        kern_walk_range(k, t, 0, UINT64_MAX, audit_pte, &au);
    }
    for (struct kfile *kf = k->files; kf && !au.rc; kf = kf->next) {
        for (uint64_t i = 0; i < kf->npages && !au.rc; i++) {
            int64_t v = kf->pages[i];
            if (v < 0) {
                if (!kf->shmem)
                    audit_fail(&au, "audit: file page %llu marked swapped (%llu)", i, 0);
                else if ((uint64_t)(-v - 1) >= k->slots_hw)
                    audit_fail(&au, "audit: shmem page %llu names slot %llu never allocated", i,
                               (unsigned long long)(-v - 1));
                else
                    au.slots[-v - 1]++;
            } else if (v > 0 && (uint64_t)(v - 1) >= k->frames_hw) {
                audit_fail(&au, "audit: page-cache entry %llu -> frame %llu never handed out", i,
                           (unsigned long long)(v - 1));
            } else if (v > 0) {
                struct frame *fr = kern_frame(k, v - 1);
                if (!(fr->flags & FR_FILE) || fr->file != kf || fr->index != i)
                    audit_fail(&au, "audit: page-cache entry %llu -> frame %llu mismatched", i,
                               (unsigned long long)(v - 1));
            }
        }
    }
    /* Frames frames_hw .. nframes-1 were never used: free, without metadata. */
    uint32_t nfree = k->nframes - k->frames_hw, nfreed = 0;
    for (uint32_t f = 0; f < k->frames_hw && !au.rc; f++) {
        struct frame *fr = kern_frame(k, f);
        if (fr->refcount == 0) {
            nfree++;
            nfreed++;
            if (au.maps[f] || fr->mapcount)
                audit_fail(&au, "audit: free frame %llu is mapped %llu times", f, au.maps[f]);
            if (policy_slot_used(k->pol, f))
                audit_fail(&au, "audit: free frame %llu still held by the policy%llu", f, 0);
            continue;
        }
        if (!policy_slot_used(k->pol, f))
            audit_fail(&au, "audit: frame %llu in use but unknown to the policy%llu", f, 0);
        if (fr->flags & FR_LOCKED)
            audit_fail(&au, "audit: frame %llu left locked%llu", f, 0);
        if (fr->mapcount != au.maps[f] || fr->nrmap != fr->mapcount)
            audit_fail(&au, "audit: frame %llu mapcount %llu differs from its PTEs", f,
                       fr->mapcount);
        uint32_t want = fr->mapcount + ((fr->flags & FR_FILE) ? 1 : 0) + (fr->slot != KNONE);
        if (fr->refcount != want)
            audit_fail(&au, "audit: frame %llu refcount %llu != mappings + caches", f,
                       fr->refcount);
        if (fr->slot != KNONE && (fr->slot >= k->slots_hw || kern_slot(k, fr->slot)->cache != f))
            audit_fail(&au, "audit: frame %llu and swap slot %llu disagree", f, fr->slot);
        if (!(fr->flags & (FR_ANON | FR_FILE)))
            audit_fail(&au, "audit: frame %llu in use is neither anonymous nor cached%llu", f, 0);
    }
    if (!au.rc && nfree != k->nfree)
        audit_fail(&au, "audit: %llu free frames, the allocator counts %llu", nfree, k->nfree);
    /* The freed list holds exactly the free frames below the high-water mark. */
    uint32_t listed = 0;
    for (uint32_t f = k->free_head; f != KNONE && !au.rc;) {
        if (f >= k->frames_hw || kern_frame(k, f)->refcount || ++listed > nfreed) {
            audit_fail(&au, "audit: freed list entry %llu (after %llu) not a freed frame", f,
                       listed);
            break;
        }
        f = kern_frame(k, f)->next_free;
    }
    if (!au.rc && listed != nfreed)
        audit_fail(&au, "audit: %llu frames on the freed list, %llu freed", listed, nfreed);
    uint32_t used = 0;
    for (uint32_t s = 0; s < k->slots_hw && !au.rc; s++) {
        if (kern_slot(k, s)->count != au.slots[s])
            audit_fail(&au, "audit: swap slot %llu count %llu differs from its references", s,
                       kern_slot(k, s)->count);
        if (kern_slot(k, s)->count || kern_slot(k, s)->cache != KNONE)
            used++;
        uint32_t cf = kern_slot(k, s)->cache;
        if (cf != KNONE && (cf >= k->frames_hw || kern_frame(k, cf)->slot != s))
            audit_fail(&au, "audit: swap cache slot %llu -> frame %llu disagree", s,
                       kern_slot(k, s)->cache);
    }
    if (!au.rc && used != k->slots_used)
        audit_fail(&au, "audit: %llu swap slots in use, allocator says %llu", used, k->slots_used);
    for (int i = 0; i < TLB_N && !au.rc; i++) {
        struct tlb_audit ta = {&au, k, (unsigned)i};
        tlb_for_each(&k->mmu.tlb[i], audit_tlb_entry, &ta);
    }
    vms_free(au.maps);
    vms_free(au.slots);
    return au.rc;
}
