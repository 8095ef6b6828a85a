/* The MMU: TLB hierarchy, page walker with paging-structure caches, and page-table
 * editing helpers (see mmu.h for the rules modelled). */
#include "hw/mmu.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

int mmu_init(struct mmu *m, const struct vms_config *c, bool unknown_mem, struct vms_error *e)
{
    memset(m, 0, sizeof *m);
    m->cfg = *c;
    if (config_check(c, &m->g, e))
        return -VMS_EINVAL;
    m->fmt = pte_format_get(c->pte_fmt);
    m->user = true;
    m->epoch = 1;
    m->va_hi = ~mask_bits(c->va_bits);
    m->pm = physmem_create(c->page_shift, unknown_mem);
    if (!m->pm)
        goto oom;
    for (int t = 0; t < TLB_N; t++)
        if (tlb_init(&m->tlb[t], c->tlb[t], m->g.psz_shift, c->tlb_repl, c->seed + (uint64_t)t))
            goto oom;
    m->itlb = m->tlb[TLB_L1I].present ? TLB_L1I : TLB_L1D;
    if (caches_init(&m->caches, c->cache, c->cache_repl, c->seed))
        goto oom;
    for (int k = ACCESS_LOAD; k <= ACCESS_FETCH; k++) {
        struct mmu_kind *mk = &m->kind[k];
        bool fetch = k == ACCESS_FETCH;
        unsigned need = mmu_need(m, (enum access_kind)k) & ~TLBF_U;
        mk->tlb = (uint16_t)(fetch ? m->itlb : TLB_L1D);
        mk->cache = (int16_t)caches_first(&m->caches, fetch);
        mk->need = (uint16_t)need;
        mk->check = (uint16_t)(need | (fetch ? TLBF_NX : 0));
        mk->hit_cycles = c->lat.tlb_l1 + (mk->cache >= 0 ? c->lat.cache[mk->cache] : 0);
        unsigned ps = m->tlb[mk->tlb].arr[PSZ_BASE].shift;
        unsigned bs = mk->cache >= 0 ? m->caches.lvl[mk->cache].block_shift : ps;
        mk->lshift = bs < ps ? bs : ps;
    }
    if (c->psc) {
        /* psc_entries[k] is for the entry k levels above the leaf (k = 1: PDE). */
        for (unsigned k = 1; k < c->levels; k++) {
            unsigned lvl = c->levels - k; /* textbook level of the entry */
            struct psc *p = &m->psc[lvl - 1];
            p->n = c->psc_entries[k];
            if (p->n && !(p->e = vms_calloc(p->n, sizeof *p->e)))
                goto oom;
        }
    }
    return 0;
oom:
    mmu_fini(m);
    return err_set(e, VMS_ENOMEM, "out of host memory creating the machine");
}

void mmu_fini(struct mmu *m)
{
    for (int t = 0; t < TLB_N; t++)
        tlb_fini(&m->tlb[t]);
    caches_fini(&m->caches);
    for (int l = 0; l < MAX_LEVELS; l++) {
        vms_free(m->psc[l].e);
        m->psc[l].e = NULL;
    }
    physmem_destroy(m->pm);
    m->pm = NULL;
}

static void psc_flush(struct mmu *m, int asid)
{
    for (int l = 0; l < MAX_LEVELS; l++)
        for (uint32_t i = 0; i < m->psc[l].n; i++)
            if (asid < 0 || m->psc[l].e[i].asid == asid)
                m->psc[l].e[i].key = 0;
}

void mmu_load_cr3(struct mmu *m, paddr_t root, uint16_t asid)
{
    if (!m->cfg.pcid) {
        for (int t = 0; t < TLB_N; t++)
            tlb_flush_nonglobal(&m->tlb[t], -1);
        psc_flush(m, -1);
        asid = 0;
    }
    m->root = root;
    m->asid = asid;
    m->epoch++;
}

void mmu_invlpg(struct mmu *m, vaddr_t va, uint16_t asid)
{
    for (int t = 0; t < TLB_N; t++)
        tlb_invalidate_page(&m->tlb[t], va, m->cfg.pcid ? asid : 0);
    /* INVLPG invalidates all paging-structure-cache entries of the PCID (SDM §4.10.4.1). */
    psc_flush(m, m->cfg.pcid ? asid : -1);
    m->epoch++;
}

void mmu_flush_asid(struct mmu *m, uint16_t asid)
{
    for (int t = 0; t < TLB_N; t++)
        tlb_flush_nonglobal(&m->tlb[t], asid);
    psc_flush(m, asid);
    m->epoch++;
}

void mmu_flush_all(struct mmu *m)
{
    for (int t = 0; t < TLB_N; t++)
        tlb_flush_all(&m->tlb[t]);
    psc_flush(m, -1);
    m->epoch++;
}

static struct psc_entry *psc_lookup(struct mmu *m, unsigned lvl, vaddr_t va)
{
    struct psc *p = &m->psc[lvl - 1];
    uint64_t key = (va >> m->g.index_shift[lvl - 1]) + 1;
    for (uint32_t i = 0; i < p->n; i++)
        if (p->e[i].key == key && p->e[i].asid == m->asid)
            return &p->e[i];
    return NULL;
}

static void psc_insert(struct mmu *m, unsigned lvl, vaddr_t va, pfn_t next, unsigned flags)
{
    struct psc *p = &m->psc[lvl - 1];
    if (!p->n)
        return;
    uint64_t key = (va >> m->g.index_shift[lvl - 1]) + 1;
    uint32_t best = 0;
    for (uint32_t i = 0; i < p->n; i++) {
        if (p->e[i].key == key && p->e[i].asid == m->asid) {
            best = i;
            break;
        }
        if (!p->e[i].key) {
            best = i;
            break;
        }
        if (p->e[i].stamp < p->e[best].stamp)
            best = i;
    }
    p->e[best] = (struct psc_entry){key, next, ++m->psc_clock, m->asid, (uint8_t)flags};
}

pte_t pt_read(struct mmu *m, paddr_t pte_pa)
{
    uint64_t v;
    physmem_read(m->pm, pte_pa, m->fmt->size, &v);
    return v;
}

int pt_write(struct mmu *m, paddr_t pte_pa, pte_t v)
{
    return physmem_write(m->pm, pte_pa, m->fmt->size, v);
}

/* Which size class a leaf found at textbook level lvl maps (-1: none allowed). */
static int leaf_class(const struct mmu *m, unsigned lvl)
{
    unsigned above = m->cfg.levels - lvl; /* 0 at the last level */
    if (above >= PSZ_N)
        return -1;
    return m->g.psz_shift[above] ? (int)above : -1;
}

/* Why flags (TLBF_*) refuse an access of kind k: WHY_* bits, 0 when allowed. The D bit
 * is not a permission: a store to a clean page is allowed (the walker then sets D). */
static unsigned why_refused(const struct mmu *m, unsigned flags, enum access_kind k)
{
    unsigned why = 0;
    if (m->user && !(flags & TLBF_U))
        why |= WHY_USER;
    if (k == ACCESS_STORE && !(flags & TLBF_W))
        why |= WHY_WRITE;
    if (k == ACCESS_FETCH && (flags & TLBF_NX))
        why |= WHY_EXEC;
    if (k != ACCESS_FETCH && !(flags & TLBF_R))
        why |= WHY_READ;
    return why;
}

enum xlate_status mmu_walk(struct mmu *m, paddr_t root, vaddr_t va, enum access_kind k,
                           bool update, struct xlate *x)
{
    const struct geometry *g = &m->g;
    struct walk *w = &x->walk;
    memset(w, 0, sizeof *w);
    x->walked = true;
    x->why = 0;
    x->flags = 0;
    paddr_t table = root;
    unsigned flags = TLBF_W | TLBF_U; /* accumulated permissions */
    unsigned lvl = 1;
    m->st.walks++;

    /* Paging-structure caches: start below the deepest cached entry. */
    for (unsigned l = m->cfg.levels - 1; m->cfg.psc && l >= 1; l--) {
        if (!m->psc[l - 1].n)
            continue;
        struct psc_entry *pe = psc_lookup(m, l, va);
        if (pe) {
            pe->stamp = ++m->psc_clock;
            m->st.psc_hits[l - 1]++;
            table = pe->next << m->cfg.page_shift;
            flags = pe->flags;
            lvl = l + 1;
            w->psc_level = l;
            break;
        }
        m->st.psc_misses[l - 1]++;
    }

    for (; lvl <= m->cfg.levels; lvl++) {
        uint64_t idx = bits_of(va, g->index_shift[lvl - 1], g->index_bits[lvl - 1]);
        paddr_t pte_pa = table + idx * m->fmt->size;
        struct walk_step *s = &w->steps[w->nsteps++];
        s->level = lvl;
        s->index = idx;
        s->pte_pa = pte_pa;
        s->cache_level = -1;
        /* The PTE's bytes are often not in the host's caches (a leaf table's line is read
         * once per walk): start loading them while the cache model looks the PTE up. */
        physmem_prefetch(m->pm, pte_pa);
        if (m->cfg.walk_through_cache && m->caches.lvl[CACHE_L1D].present) {
            s->cache_level = caches_access(&m->caches, pte_pa, false, false);
            m->st.cycles += s->cache_level >= CACHE_N ? m->cfg.lat.dram
                                                      : m->cfg.lat.cache[s->cache_level];
        } else {
            m->st.cycles += m->cfg.lat.dram;
        }
        w->memrefs++;
        m->st.walk_refs++;
        m->st.walk_refs_level[lvl - 1]++;
        uint64_t v;
        s->known = physmem_read(m->pm, pte_pa, m->fmt->size, &v);
        s->pte = v;
        if (!s->known)
            return x->status = XL_UNKNOWN;
        struct pte_info pi;
        m->fmt->decode(v, &pi);
        if (!pi.present) {
            x->level = lvl;
            return x->status = XL_NOT_PRESENT;
        }
        if (!pi.writable)
            flags &= ~TLBF_W;
        if (!pi.user)
            flags &= ~TLBF_U;
        if (pi.nx)
            flags |= TLBF_NX;
        bool last = lvl == m->cfg.levels;
        if (!last && pi.huge && m->cfg.pte_fmt != PTE_FMT_TEACH) {
            if (leaf_class(m, lvl) < 0) {
                x->level = lvl;
                return x->status = XL_RESERVED;
            }
            last = true;
        }
        if (!last) {
            if (update && !pi.accessed) {
                pt_write(m, pte_pa, v | m->fmt->a_mask);
                m->st.ad_updates++;
            }
            if (m->cfg.psc)
                psc_insert(m, lvl, va, pi.pfn, flags);
            table = pi.pfn << m->cfg.page_shift;
            continue;
        }
        /* The leaf: permission checks, then A (and D for a write). */
        if (pi.readable)
            flags |= TLBF_R;
        unsigned why = why_refused(m, flags, k);
        if (why) {
            x->why = why;
            x->level = lvl;
            return x->status = XL_PROTECTION;
        }
        pte_t nv = v | m->fmt->a_mask | (k == ACCESS_STORE ? m->fmt->d_mask : 0);
        if (update && nv != v) {
            pt_write(m, pte_pa, nv);
            m->st.ad_updates++;
        }
        if (pi.global)
            flags |= TLBF_G;
        if ((nv & m->fmt->d_mask) && (update || pi.dirty))
            flags |= TLBF_D;
        int psz = leaf_class(m, lvl);
        unsigned shift = g->psz_shift[psz];
        pfn_t base_pfn = pi.pfn & ~mask_bits(shift - m->cfg.page_shift);
        pfn_t pfn = base_pfn + bits_of(va, m->cfg.page_shift, shift - m->cfg.page_shift);
        x->psz = psz;
        x->pa = (pfn << m->cfg.page_shift) | (va & mask_bits(m->cfg.page_shift));
        x->level = lvl;
        x->flags = flags;
        return x->status = XL_OK;
    }
    return x->status = XL_NOT_PRESENT; /* not reached: levels >= 1 */
}

/* Base frame of the page a TLB entry maps, given the va inside it. */
static paddr_t entry_pa(const struct mmu *m, const struct tlb_entry *e, int psz, vaddr_t va)
{
    unsigned shift = m->g.psz_shift[psz];
    return (e->pfn << m->cfg.page_shift) + (va & mask_bits(shift));
}

enum xlate_status mmu_translate(struct mmu *m, vaddr_t va, enum access_kind k, struct xlate *x)
{
    x->walked = false;
    x->tlb_level = -1;
    x->level = 0;
    x->why = 0;
    x->flags = 0;
    if (m->cfg.va_bits < 64 && (va >> m->cfg.va_bits))
        return x->status = XL_BAD_ADDRESS;
    int l1 = k == ACCESS_FETCH ? m->itlb : TLB_L1D;
    int psz;
    m->st.cycles += m->cfg.lat.tlb_l1;
    struct tlb_entry *e = tlb_lookup(&m->tlb[l1], va, m->asid, &psz);
    int hit_level = -1;
    if (e) {
        m->st.tlb_hits[l1]++;
        hit_level = 0;
    } else {
        m->st.tlb_misses[l1]++;
        if (m->tlb[TLB_L2].present) {
            m->st.cycles += m->cfg.lat.tlb_l2;
            e = tlb_lookup(&m->tlb[TLB_L2], va, m->asid, &psz);
            if (e) {
                m->st.tlb_hits[TLB_L2]++;
                hit_level = 1;
                /* Refill L1 from L2 when L1 has an array for this size. */
                struct tlb_entry copy = *e;
                struct tlb_entry *ne = tlb_fill(&m->tlb[l1], psz, va, copy.pfn, copy.flags,
                                                copy.asid, NULL);
                m->epoch++;
                if (ne)
                    e = ne;
            } else {
                m->st.tlb_misses[TLB_L2]++;
            }
        }
    }
    if (e) {
        x->tlb_level = hit_level;
        unsigned need = mmu_need(m, k);
        if ((e->flags & need) == need && !why_refused(m, e->flags, k)) {
            x->pa = entry_pa(m, e, psz, va);
            x->psz = psz;
            x->flags = e->flags;
            return x->status = XL_OK;
        }
        /* Refused by a (possibly stale) entry: a protection fault, unless only the D bit
         * was missing, in which case the walk below sets it. */
        x->why = why_refused(m, e->flags, k);
        if (x->why) {
            m->st.faults_protection++;
            mmu_invlpg(m, va, m->asid);
            return x->status = XL_PROTECTION;
        }
        /* A write to a clean page: walk again so the D bit reaches memory. */
    }
    enum xlate_status st = mmu_walk(m, m->root, va, k, true, x);
    x->tlb_level = hit_level;
    if (st != XL_OK) {
        if (st == XL_NOT_PRESENT)
            m->st.faults_not_present++;
        else if (st == XL_PROTECTION)
            m->st.faults_protection++;
        else
            m->st.faults_other++;
        mmu_invlpg(m, va, m->asid);
        return st;
    }
    unsigned flags = x->flags;
    pfn_t base = (x->pa >> m->g.psz_shift[x->psz]) << (m->g.psz_shift[x->psz] - m->cfg.page_shift);
    tlb_fill(&m->tlb[l1], x->psz, va, base, flags, m->asid, NULL);
    if (m->tlb[TLB_L2].present)
        tlb_fill(&m->tlb[TLB_L2], x->psz, va, base, flags, m->asid, NULL);
    m->epoch++;
    return XL_OK;
}

void mmu_access_miss(struct mmu *m, paddr_t pa, enum access_kind k)
{
    /* With a first level, mmu_access has just found pa absent from it. (No epoch
     * advance: the caches hold no translation, and a struct mmu_last checks its line.) */
    int lv = m->kind[k].cache >= 0
                 ? caches_access_missed(&m->caches, pa, k == ACCESS_STORE, k == ACCESS_FETCH)
                 : caches_access(&m->caches, pa, k == ACCESS_STORE, k == ACCESS_FETCH);
    m->st.cycles += m->cfg.lat.tlb_l1 + (lv >= CACHE_N ? m->cfg.lat.dram : m->cfg.lat.cache[lv]);
}

enum xlate_status mmu_access_slow(struct mmu *m, vaddr_t va, enum access_kind k, paddr_t *pa,
                                  struct xlate *x)
{
    enum xlate_status st = mmu_translate(m, va, k, x);
    if (st != XL_OK)
        return st;
    m->st.accesses++;
    *pa = x->pa;
    int lv = caches_access(&m->caches, x->pa, k == ACCESS_STORE, k == ACCESS_FETCH);
    m->st.cycles += lv >= CACHE_N ? m->cfg.lat.dram : m->cfg.lat.cache[lv];
    return XL_OK;
}

/* ---- the kernel's own memory traffic ---- */

void mmu_kernel_touch(struct mmu *m, paddr_t pa, uint64_t len, bool write)
{
    if (!m->cfg.kernel_traffic || !len)
        return;
    unsigned shift = m->kind[ACCESS_LOAD].lshift;
    for (paddr_t b = pa >> shift, end = (pa + len - 1) >> shift; b <= end; b++)
        caches_kernel_access(&m->caches, b << shift, write);
}

void mmu_kernel_copy(struct mmu *m, paddr_t dst, paddr_t src, uint64_t len)
{
    if (!m->cfg.kernel_traffic)
        return;
    uint64_t bs = UINT64_C(1) << m->kind[ACCESS_LOAD].lshift;
    for (uint64_t off = 0; off < len; off += bs) {
        uint64_t n = len - off < bs ? len - off : bs;
        mmu_kernel_touch(m, src + off, n, false);
        mmu_kernel_touch(m, dst + off, n, true);
    }
}

/* Page-table memory goes through the caches where the walker's reads do. */
static bool pt_cached(const struct mmu *m)
{
    return m->cfg.kernel_traffic && m->cfg.walk_through_cache && m->caches.lvl[CACHE_L1D].present;
}

void mmu_kernel_pte(struct mmu *m, paddr_t pte_pa, bool write)
{
    if (pt_cached(m))
        caches_kernel_access(&m->caches, pte_pa, write);
}

void mmu_kernel_table_zero(struct mmu *m, paddr_t pa, uint64_t len)
{
    if (pt_cached(m))
        mmu_kernel_touch(m, pa, len, true);
}

void mmu_dma_to_memory(struct mmu *m, paddr_t pa, uint64_t len)
{
    if (m->cfg.kernel_traffic)
        caches_dma_write(&m->caches, pa, len, true);
}

void mmu_dma_from_memory(struct mmu *m, paddr_t pa, uint64_t len)
{
    if (m->cfg.kernel_traffic)
        caches_dma_read(&m->caches, pa, len);
}

void mmu_kernel_forget(struct mmu *m, paddr_t pa, uint64_t len)
{
    if (m->cfg.kernel_traffic)
        caches_dma_write(&m->caches, pa, len, false);
}

/* ---- page-table editing ---- */

static pfn_t alloc_table(struct mmu *m, const struct pt_alloc *al, unsigned npages)
{
    pfn_t pfn = al->alloc(al->ctx, npages);
    if (pfn == (pfn_t)-1)
        return pfn;
    for (unsigned i = 0; i < npages; i++)
        if (!physmem_frame(m->pm, pfn + i)) /* bytes allocated, zeroed and known */
            return (pfn_t)-1;
    if (m->kernel_tables) /* the kernel zeroes the new table */
        mmu_kernel_table_zero(m, pfn << m->cfg.page_shift,
                              (uint64_t)npages << m->cfg.page_shift);
    return pfn;
}

int pt_create_root(struct mmu *m, const struct pt_alloc *al, paddr_t *root)
{
    pfn_t pfn = alloc_table(m, al, m->g.root_pages);
    if (pfn == (pfn_t)-1)
        return -VMS_ENOMEM;
    *root = pfn << m->cfg.page_shift;
    return 0;
}

int pt_map(struct mmu *m, const struct pt_alloc *al, paddr_t root, vaddr_t va, int psz,
           pfn_t pfn, const struct pte_info *leaf, struct vms_error *e)
{
    const struct geometry *g = &m->g;
    if (psz < 0 || psz >= PSZ_N || !g->psz_shift[psz])
        return err_set(e, VMS_EINVAL, "page size not supported by this machine");
    unsigned leaf_lvl = m->cfg.levels - (unsigned)psz;
    paddr_t table = root;
    for (unsigned lvl = 1; lvl < leaf_lvl; lvl++) {
        uint64_t idx = bits_of(va, g->index_shift[lvl - 1], g->index_bits[lvl - 1]);
        paddr_t pte_pa = table + idx * m->fmt->size;
        struct pte_info pi;
        if (m->kernel_tables)
            mmu_kernel_pte(m, pte_pa, false);
        m->fmt->decode(pt_read(m, pte_pa), &pi);
        if (!pi.present) {
            pfn_t t = alloc_table(m, al, 1);
            if (t == (pfn_t)-1)
                return err_set(e, VMS_ENOMEM, "out of memory for a page-table page");
            pi = (struct pte_info){.present = true, .writable = true, .user = true,
                                   .readable = true, .pfn = t};
            if (pt_write(m, pte_pa, m->fmt->encode(&pi)))
                return err_set(e, VMS_ENOMEM, "out of host memory");
            if (m->kernel_tables)
                mmu_kernel_pte(m, pte_pa, true);
        } else if (pi.huge && m->cfg.pte_fmt != PTE_FMT_TEACH) {
            return err_set(e, VMS_EINVAL, "a larger page already maps this address");
        }
        table = pi.pfn << m->cfg.page_shift;
    }
    uint64_t idx = bits_of(va, g->index_shift[leaf_lvl - 1], g->index_bits[leaf_lvl - 1]);
    struct pte_info pi = *leaf;
    pi.present = true;
    pi.pfn = pfn;
    pi.huge = psz != PSZ_BASE;
    if (pt_write(m, table + idx * m->fmt->size, m->fmt->encode(&pi)))
        return err_set(e, VMS_ENOMEM, "out of host memory");
    return 0;
}

static paddr_t lookup(struct mmu *m, paddr_t root, vaddr_t va, int *psz, bool traffic)
{
    const struct geometry *g = &m->g;
    paddr_t table = root;
    for (unsigned lvl = 1; lvl <= m->cfg.levels; lvl++) {
        uint64_t idx = bits_of(va, g->index_shift[lvl - 1], g->index_bits[lvl - 1]);
        paddr_t pte_pa = table + idx * m->fmt->size;
        if (lvl == m->cfg.levels) {
            *psz = PSZ_BASE;
            return pte_pa;
        }
        struct pte_info pi;
        if (traffic)
            mmu_kernel_pte(m, pte_pa, false);
        m->fmt->decode(pt_read(m, pte_pa), &pi);
        if (!pi.present)
            return 0;
        if (pi.huge && m->cfg.pte_fmt != PTE_FMT_TEACH) {
            *psz = leaf_class(m, lvl);
            return *psz < 0 ? 0 : pte_pa;
        }
        table = pi.pfn << m->cfg.page_shift;
    }
    return 0;
}

paddr_t pt_lookup(struct mmu *m, paddr_t root, vaddr_t va, int *psz)
{
    return lookup(m, root, va, psz, false);
}

paddr_t pt_lookup_kernel(struct mmu *m, paddr_t root, vaddr_t va, int *psz)
{
    return lookup(m, root, va, psz, true);
}

/* ------------------------------------------------------------------ checkpoints */

int mmu_save(const struct mmu *m, struct ser *s)
{
    ser_u64(s, m->root);
    ser_u32(s, m->asid);
    ser_u8(s, m->user);
    ser_bytes(s, &m->st, sizeof m->st); /* counters only: plain integers */
    ser_u64(s, m->psc_clock);
    for (int t = 0; t < TLB_N; t++)
        tlb_save(&m->tlb[t], s);
    caches_save(&m->caches, s);
    for (int l = 0; l < MAX_LEVELS; l++) {
        ser_u32(s, m->psc[l].n);
        for (uint32_t i = 0; i < m->psc[l].n; i++) {
            const struct psc_entry *pe = &m->psc[l].e[i];
            ser_u64(s, pe->key);
            ser_u64(s, pe->next);
            ser_u64(s, pe->stamp);
            ser_u32(s, pe->asid);
            ser_u8(s, pe->flags);
        }
    }
    return physmem_save(m->pm, s);
}

int mmu_load(struct mmu *m, struct deser *d)
{
    pfn_t max_pfn = m->cfg.pa_bits - m->cfg.page_shift >= 62
                        ? ((pfn_t)1 << 62)
                        : ((pfn_t)1 << (m->cfg.pa_bits - m->cfg.page_shift)) - 1;
    m->root = deser_max(d, (max_pfn << m->cfg.page_shift) | ((UINT64_C(1) << m->cfg.page_shift) - 1),
                        "CR3");
    m->asid = (uint16_t)deser_u32(d);
    m->user = deser_bool(d);
    deser_bytes(d, &m->st, sizeof m->st);
    m->psc_clock = deser_u64(d);
    for (int t = 0; t < TLB_N; t++)
        tlb_load(&m->tlb[t], d);
    caches_load(&m->caches, d);
    for (int l = 0; l < MAX_LEVELS && !d->bad; l++) {
        if (deser_u32(d) != m->psc[l].n) {
            deser_fail(d, "corrupt checkpoint: paging-structure caches of another size");
            break;
        }
        for (uint32_t i = 0; i < m->psc[l].n; i++) {
            struct psc_entry *pe = &m->psc[l].e[i];
            pe->key = deser_u64(d);
            pe->next = deser_max(d, max_pfn, "table frame");
            pe->stamp = deser_u64(d);
            pe->asid = (uint16_t)deser_id(d, 65536, false, "ASID");
            pe->flags = deser_u8(d);
        }
    }
    memset(m->last, 0, sizeof m->last);
    mmu_epoch_advance(m);
    if (d->bad)
        return 0;
    return physmem_load(m->pm, d, max_pfn);
}
