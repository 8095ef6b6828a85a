/* The kernel's page tables as memory: the pool their pages (and the zero page) come from,
 * the PTE slot of an address (creating the tables on the way), and the PTE encoding the
 * kernel writes: present PTEs from an area's protection, swap entries in non-present ones,
 * each write followed by its INVLPG. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

/* ------------------------------------------------------------------ kernel pool */

pfn_t kern_pool_alloc(struct kernel *k)
{
    pfn_t p;
    if (k->npool_free) {
        p = k->pool_free[--k->npool_free];
    } else if (k->pool_up) {
        p = k->pool_next++;
    } else {
        if (k->pool_next <= (pfn_t)k->nframes)
            return (pfn_t)-1;
        p = --k->pool_next;
    }
    k->pt_pages++;
    return p;
}

void kern_pool_free(struct kernel *k, pfn_t pfn)
{
    physmem_clear(k->mmu.pm, pfn);
    k->pt_pages--;
    if (k->npool_free == k->cap_pool_free) {
        size_t n = k->cap_pool_free ? 2 * k->cap_pool_free : 64;
        pfn_t *np = vms_realloc(k->pool_free, n * sizeof *np);
        if (!np)
            return; /* the frame is leaked from the pool, nothing else */
        k->pool_free = np;
        k->cap_pool_free = n;
    }
    k->pool_free[k->npool_free++] = pfn;
}

pfn_t kern_pool_alloc_cb(void *ctx, unsigned npages)
{
    struct kernel *k = ctx;
    if (npages == 1)
        return kern_pool_alloc(k);
    /* multi-page roots (1-level machines): contiguous, from the bump pointer */
    pfn_t first;
    if (k->pool_up) {
        first = k->pool_next;
        k->pool_next += npages;
    } else {
        if (k->pool_next < (pfn_t)k->nframes + npages)
            return (pfn_t)-1;
        k->pool_next -= npages;
        first = k->pool_next;
    }
    k->pt_pages += npages;
    return first;
}

/* ------------------------------------------------------------------ PTEs */

int kern_pte_slot(struct kernel *k, struct task *t, vaddr_t va, paddr_t *pte_pa,
                  struct vms_error *e)
{
    paddr_t p = kern_pte_pa(k, t, va);
    if (!p) {
        /* create the tables by mapping a placeholder, then clear it */
        struct pte_info pi = {.present = true, .user = true, .readable = true};
        int rc = pt_map(&k->mmu, &k->ptal, t->root, va, PSZ_BASE, 0, &pi, e);
        if (rc)
            return rc == -VMS_ENOMEM ? err_set(e, VMS_ENOMEM, "out of memory for page tables")
                                     : rc;
        p = kern_pte_pa(k, t, va);
        VMS_INVARIANT(p != 0, "pt_map made no leaf");
        pt_write(&k->mmu, p, 0);
    }
    *pte_pa = p;
    return 0;
}

pte_t kern_pte_make(struct kernel *k, pfn_t pfn, const struct area *a, bool writable)
{
    struct pte_info pi = {
        .present = true,
        .writable = writable && (a->prot & AREA_WRITE),
        .user = a->prot != 0, /* PROT_NONE: a supervisor page, so every user access faults */
        .readable = (a->prot & AREA_READ) || k->mmu.cfg.pte_fmt != PTE_FMT_TEACH,
        .nx = !(a->prot & AREA_EXEC),
        .pfn = pfn,
    };
    return k->mmu.fmt->encode(&pi);
}

/* ------------------------------------------------------------------ checkpoints */

void kern_pool_save(const struct kernel *k, struct ser *s)
{
    ser_u64(s, k->pool_next);
    ser_u8(s, k->pool_up);
    ser_u64(s, k->pt_pages);
    ser_u64(s, k->zero_pfn);
    ser_u64(s, k->npool_free);
    ser_u64s(s, k->pool_free, k->npool_free);
}

int kern_pool_load(struct kernel *k, struct deser *d, pfn_t max_pfn)
{
    k->pool_next = deser_max(d, max_pfn + 1, "pool frame");
    if (deser_bool(d) != k->pool_up)
        deser_fail(d, "corrupt checkpoint: the page-table pool grows the other way");
    k->pt_pages = deser_u64(d);
    k->zero_pfn = deser_max(d, max_pfn, "zero page");
    uint64_t n = deser_max(d, (d->len - d->pos) / 8, "freed pool pages");
    if (d->bad)
        return 0;
    pfn_t *pf = vms_malloc((n ? n : 1) * sizeof *pf);
    if (!pf)
        return -VMS_ENOMEM;
    for (uint64_t i = 0; i < n; i++)
        pf[i] = deser_max(d, max_pfn, "pool frame");
    vms_free(k->pool_free);
    k->pool_free = pf;
    k->npool_free = k->cap_pool_free = (size_t)n;
    if (!n)
        k->cap_pool_free = 1;
    return 0;
}
