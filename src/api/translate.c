/* `vmsim translate`: one address translation explained as the textbook does it —
 * the VA's bits, VPN/VPO, TLBI/TLBT, TLB hit or miss, the PTEs read, page fault or
 * PPN, PA, CO/CI/CT, cache hit or miss, and the byte returned. */
#include "api/state.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/parse.h"
#include "report/stats.h"

#include <string.h>

struct vms_translator {
    const struct vms_state *st;
    bool sequential;
    enum access_kind kind;
    enum vms_explain explain;
    struct vms_machine *vm; /* sequential mode: the evolving machine */
};

void vms_translator_set_explain(struct vms_translator *t, enum vms_explain how)
{
    t->explain = how;
}

int vms_translator_create(const struct vms_state *st, bool sequential, enum vms_access access,
                          struct vms_translator **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_translator *t = vms_calloc(1, sizeof *t);
    if (!t)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    t->st = st;
    t->sequential = sequential;
    t->kind = access == VMS_STORE ? ACCESS_STORE : access == VMS_FETCH ? ACCESS_FETCH : ACCESS_LOAD;
    struct vms_error le;
    if (!e)
        e = &le;
    e->code = 0;
    if (sequential && !(t->vm = state_build(st, e))) {
        vms_free(t);
        return -(e->code ? e->code : VMS_EINVAL);
    }
    *out = t;
    return 0;
}

void vms_translator_destroy(struct vms_translator *t)
{
    if (!t)
        return;
    vms_machine_destroy(t->vm);
    vms_free(t);
}

#define SNAP 16

/* Everything one translation found; "known" flags stand for JSON null. */
struct explain {
    vaddr_t va;
    vpn_t vpn;
    uint64_t vpo;
    int tlb;                 /* which L1 TLB */
    uint64_t tlbi, tlbt;     /* for the base-page array of that TLB */
    bool tlb_hit;
    int tlb_way;             /* way that hit, -1 */
    int tlb_level;           /* 0 L1, 1 L2, -1 miss */
    struct xlate x;
    bool pf_known, page_fault;
    bool pa_known;
    paddr_t pa;
    pfn_t ppn;
    int cache;               /* first cache level, -1 none */
    uint64_t co, ci, ct;
    bool cache_hit;
    int cache_way;
    int cache_served;        /* level that served the access */
    bool byte_known;
    uint8_t byte;
    bool byte_from_cache;
    /* the TLB set TLBI and the cache set CI as the lookups found them (before any fill);
     * at most SNAP ways */
    unsigned tlb_nways, cache_nways;
    struct { bool valid; uint64_t vpn, pfn; } tlb_set[SNAP];
    struct { bool valid; uint64_t tag; } cache_set[SNAP];
};

static const char *kind_name(enum access_kind k)
{
    return k == ACCESS_STORE ? "store" : k == ACCESS_FETCH ? "fetch" : "load";
}

static void explain_one(struct vms_machine *vm, enum access_kind kind, vaddr_t va,
                        struct explain *x)
{
    struct mmu *m = &vm->mmu;
    memset(x, 0, sizeof *x);
    x->va = va;
    x->vpn = va >> m->cfg.page_shift;
    x->vpo = va & mask_bits(m->cfg.page_shift);
    x->tlb = kind == ACCESS_FETCH ? m->itlb : TLB_L1D;
    const struct tlb_array *a = &m->tlb[x->tlb].arr[PSZ_BASE];
    x->tlbi = x->vpn & a->set_mask;
    x->tlbt = x->vpn >> log2u(a->sets);
    x->tlb_way = -1;
    x->tlb_nways = a->ways < SNAP ? a->ways : SNAP;
    for (unsigned w = 0; w < x->tlb_nways; w++) {
        const struct tlb_entry *te = &a->e[(size_t)x->tlbi * a->ways + w];
        x->tlb_set[w].valid = te->valid;
        x->tlb_set[w].vpn = te->vpn;
        x->tlb_set[w].pfn = te->pfn;
    }
    int psz;
    struct tlb_entry *e = tlb_probe(&m->tlb[x->tlb], va, m->asid, &psz);
    if (e && psz == PSZ_BASE)
        x->tlb_way = (int)((e - a->e) % a->ways);

    mmu_translate(m, va, kind, &x->x);
    x->tlb_level = x->x.tlb_level;
    x->tlb_hit = x->x.tlb_level == 0;
    switch (x->x.status) {
    case XL_OK:
        x->pf_known = true;
        x->page_fault = false;
        x->pa_known = true;
        x->pa = x->x.pa;
        x->ppn = x->pa >> m->cfg.page_shift;
        break;
    case XL_NOT_PRESENT:
    case XL_PROTECTION:
    case XL_RESERVED:
        x->pf_known = true;
        x->page_fault = true;
        break;
    case XL_UNKNOWN:
    case XL_BAD_ADDRESS:
        break;
    }
    x->cache = caches_first(&m->caches, kind == ACCESS_FETCH);
    x->cache_way = -1;
    if (!x->pa_known || x->cache < 0)
        return;
    struct cache_level *l = &m->caches.lvl[x->cache];
    x->co = x->pa & mask_bits(l->block_shift);
    x->ci = (x->pa >> l->block_shift) & l->set_mask;
    x->ct = x->pa >> (l->block_shift + l->set_shift);
    x->cache_nways = l->ways < SNAP ? l->ways : SNAP;
    for (unsigned w = 0; w < x->cache_nways; w++) {
        const struct cache_line *cl = &l->lines[(size_t)x->ci * l->ways + w];
        x->cache_set[w].valid = cl->valid;
        x->cache_set[w].tag = cl->tag;
    }
    struct cache_line *ln = cache_probe(l, x->pa);
    x->cache_hit = ln != NULL;
    if (ln)
        x->cache_way = (int)((ln - l->lines) % l->ways);
    uint8_t b;
    if (ln && cache_read_byte(l, x->pa, &b)) {
        x->byte_known = true;
        x->byte = b;
        x->byte_from_cache = true;
    } else {
        uint64_t v;
        if (physmem_read(m->pm, x->pa, 1, &v)) {
            x->byte_known = true;
            x->byte = (uint8_t)v;
        }
    }
    x->cache_served = caches_access(&m->caches, x->pa, kind == ACCESS_STORE, kind == ACCESS_FETCH);
}

static void print_bits(FILE *out, uint64_t v, unsigned nbits)
{
    if (nbits <= 16) {
        fputs("    bit  ", out);
        for (int i = (int)nbits - 1; i >= 0; i--)
            fprintf(out, "%3d", i);
        fputs("\n    value", out);
        for (int i = (int)nbits - 1; i >= 0; i--)
            fprintf(out, "%3d", (int)((v >> i) & 1));
        fputc('\n', out);
        return;
    }
    fputs("    bits ", out);
    for (int i = (int)nbits - 1; i >= 0; i--) {
        fputc('0' + (int)((v >> i) & 1), out);
        if (i && i % 4 == 0)
            fputc(i % 16 == 0 ? ' ' : '_', out);
    }
    fputc('\n', out);
}

static void print_list(struct vms_machine *vm, enum access_kind kind, const struct explain *x,
                       FILE *out)
{
    struct mmu *m = &vm->mmu;
    const struct vms_config *c = &m->cfg;
    fprintf(out, "VA 0x%0*llx (%s, %s)\n", (int)((c->va_bits + 3) / 4),
            (unsigned long long)x->va, kind_name(kind), c->name);
    print_bits(out, x->va, c->va_bits);
    fprintf(out, "  VPN 0x%llx  VPO 0x%llx", (unsigned long long)x->vpn,
            (unsigned long long)x->vpo);
    if (c->levels > 1)
        for (unsigned l = 1; l <= c->levels; l++)
            fprintf(out, "  VPN%u 0x%llx", l,
                    (unsigned long long)bits_of(x->va, m->g.index_shift[l - 1],
                                                m->g.index_bits[l - 1]));
    fprintf(out, "\n  TLBI 0x%llx  TLBT 0x%llx\n", (unsigned long long)x->tlbi,
            (unsigned long long)x->tlbt);
    if (x->tlb_hit)
        fprintf(out, "  TLB %s: set 0x%llx holds tag 0x%llx (way %d): hit, PPN 0x%llx\n",
                tlb_name(x->tlb), (unsigned long long)x->tlbi, (unsigned long long)x->tlbt,
                x->tlb_way, (unsigned long long)x->ppn);
    else if (x->x.status == XL_PROTECTION && !x->x.walked)
        fprintf(out, "  TLB %s: set 0x%llx holds tag 0x%llx: hit, but the entry forbids the %s\n",
                tlb_name(x->tlb), (unsigned long long)x->tlbi, (unsigned long long)x->tlbt,
                kind_name(kind));
    else
        fprintf(out, "  TLB %s: set 0x%llx has no valid tag 0x%llx: miss\n", tlb_name(x->tlb),
                (unsigned long long)x->tlbi, (unsigned long long)x->tlbt);
    if (x->tlb_level == 1)
        fprintf(out, "  L2 TLB: hit, PPN 0x%llx\n", (unsigned long long)x->ppn);
    if (x->x.walked) {
        const struct walk *w = &x->x.walk;
        if (w->psc_level)
            fprintf(out, "  paging-structure cache: hit for the level-%u entry; walk starts at "
                         "level %u\n",
                    w->psc_level, w->psc_level + 1);
        for (unsigned i = 0; i < w->nsteps; i++) {
            const struct walk_step *s = &w->steps[i];
            bool leaf = i + 1 == w->nsteps && x->x.status != XL_NOT_PRESENT;
            if (!s->known) {
                fprintf(out, "  level %u PTE at PA 0x%llx (index 0x%llx): not given in the state "
                             "(unknown)\n",
                        s->level, (unsigned long long)s->pte_pa, (unsigned long long)s->index);
                continue;
            }
            char d[256];
            pte_describe(m->fmt, s->pte, leaf || s->level == c->levels, d, sizeof d);
            fprintf(out, "  level %u PTE at PA 0x%llx (index 0x%llx) = 0x%0*llx: %s", s->level,
                    (unsigned long long)s->pte_pa, (unsigned long long)s->index,
                    (int)(m->fmt->size * 2), (unsigned long long)s->pte, d);
            if (s->cache_level >= 0)
                fprintf(out, " [read from %s]",
                        s->cache_level >= CACHE_N ? "DRAM" : cache_name(s->cache_level));
            fputc('\n', out);
        }
    }
    switch (x->x.status) {
    case XL_OK:
        break;
    case XL_NOT_PRESENT:
        fprintf(out, "  page fault: the level-%u entry is not present\n", x->x.level);
        return;
    case XL_PROTECTION:
        fprintf(out, "  page fault: protection (%s%s%s%s)\n",
                x->x.why & WHY_WRITE ? "write to a read-only page " : "",
                x->x.why & WHY_USER ? "user access to a supervisor page " : "",
                x->x.why & WHY_EXEC ? "fetch from a no-execute page " : "",
                x->x.why & WHY_READ ? "read of an unreadable page " : "");
        return;
    case XL_RESERVED:
        fprintf(out, "  page fault: reserved bit (PS) set at level %u\n", x->x.level);
        return;
    case XL_UNKNOWN:
        fprintf(out, "  page fault: unknown (the state does not give the PTE)\n");
        return;
    case XL_BAD_ADDRESS:
        return;
    }
    if (x->x.walked)
        fprintf(out, "  no page fault: PPN 0x%llx\n", (unsigned long long)x->ppn);
    fprintf(out, "PA 0x%0*llx\n", (int)((c->pa_bits + 3) / 4), (unsigned long long)x->pa);
    print_bits(out, x->pa, c->pa_bits);
    if (x->cache < 0) {
        fprintf(out, "  no cache\n");
    } else {
        fprintf(out, "  CO 0x%llx  CI 0x%llx  CT 0x%llx\n", (unsigned long long)x->co,
                (unsigned long long)x->ci, (unsigned long long)x->ct);
        if (x->cache_hit)
            fprintf(out, "  cache %s: set 0x%llx holds tag 0x%llx (way %d): hit\n",
                    cache_name(x->cache), (unsigned long long)x->ci, (unsigned long long)x->ct,
                    x->cache_way);
        else
            fprintf(out, "  cache %s: set 0x%llx has no valid tag 0x%llx: miss%s%s\n",
                    cache_name(x->cache), (unsigned long long)x->ci, (unsigned long long)x->ct,
                    x->cache_served < CACHE_N ? ", served by " : ", served by DRAM",
                    x->cache_served < CACHE_N ? cache_name(x->cache_served) : "");
    }
    if (kind == ACCESS_FETCH)
        return;
    if (x->byte_known)
        fprintf(out, "byte 0x%02x (from %s)\n", x->byte, x->byte_from_cache ? "the cache" : "memory");
    else if (x->cache >= 0 && x->cache_hit)
        /* a valid line whose bytes the state does not give (bytes=-, or a line an earlier
         * --sequential miss filled from memory the state does not give) */
        fprintf(out, "byte not given by the tables (the cache hit, but the state does not give "
                     "the line's bytes)\n");
    else
        fprintf(out, "byte unknown (the block is not cached and memory is not given)\n");
}

/* ---- the textbook's layout (CS:APP 3e 9.6.4, Practice Problems 9.11-9.13) ---- */

/* v in hex, zero-padded to the digits of a bits-wide field, as the book writes it
 * (0x0F for an 8-bit VPN, 0x354 for a 12-bit PA). */
static const char *hexw(char *buf, size_t n, uint64_t v, unsigned bits)
{
    int digits = bits ? (int)((bits + 3) / 4) : 1;
    snprintf(buf, n, "0x%0*llX", digits, (unsigned long long)v);
    return buf;
}

struct field {
    unsigned hi, lo; /* bit range */
    const char *name;
};

/* Cell width of a strip: 3 columns a bit up to 16 bits (the book's figure), else 1. */
static unsigned cell_w(unsigned nbits)
{
    return nbits <= 16 ? 3 : 1;
}

static void strip_bits(FILE *out, const char *label, uint64_t v, unsigned nbits)
{
    unsigned cw = cell_w(nbits);
    if (cw == 3) {
        fprintf(out, "  %-8s", "bit");
        for (int i = (int)nbits - 1; i >= 0; i--)
            fprintf(out, "%3d", i);
    } else {
        /* bit numbers written downwards: tens above units */
        fprintf(out, "  %-8s", "bit");
        for (int i = (int)nbits - 1; i >= 0; i--)
            fputc('0' + i / 10, out);
        fprintf(out, "\n  %-8s", "");
        for (int i = (int)nbits - 1; i >= 0; i--)
            fputc('0' + i % 10, out);
    }
    fprintf(out, "\n  %-8s", label);
    for (int i = (int)nbits - 1; i >= 0; i--)
        fprintf(out, cw == 3 ? "%3d" : "%d", (int)((v >> i) & 1));
    fputc('\n', out);
}

/* One row of brackets under a strip: each field spans its bits' cells, named in the
 * middle when the name fits ("[---VPN---]"). */
static void strip_brackets(FILE *out, unsigned nbits, const struct field *f, size_t nf)
{
    unsigned cw = cell_w(nbits);
    char line[64 * 3 + 2];
    size_t len = (size_t)nbits * cw + (cw == 3);
    memset(line, ' ', len);
    line[len] = 0;
    for (size_t k = 0; k < nf; k++) {
        if (f[k].hi < f[k].lo || f[k].hi >= nbits)
            continue;
        size_t start = (size_t)(nbits - 1 - f[k].hi) * cw, w = (size_t)(f[k].hi - f[k].lo + 1) * cw;
        if (cw == 3) /* from just left of the first bit to just right of the last */
            start++;
        if (w == 1) {
            line[start] = '|';
            continue;
        }
        memset(line + start, '-', w);
        line[start] = '[';
        line[start + w - 1] = ']';
        size_t nl = strlen(f[k].name);
        if (nl + 2 <= w)
            memcpy(line + start + (w - nl) / 2, f[k].name, nl);
        else if (nl <= w) /* the name alone marks a narrow field */
            memcpy(line + start + (w - nl) / 2, f[k].name, nl);
    }
    while (len && line[len - 1] == ' ')
        line[--len] = 0;
    fprintf(out, "  %-8s%s\n", "", line);
}

static void qa(FILE *out, const char *q, const char *a)
{
    fprintf(out, "  %-14s%s\n", q, a);
}

#define NOT_GIVEN "not given by the tables"

static void print_key(struct vms_machine *vm, enum access_kind kind, const struct explain *x,
                      FILE *out)
{
    struct mmu *m = &vm->mmu;
    const struct vms_config *c = &m->cfg;
    const struct tlb_array *a = &m->tlb[x->tlb].arr[PSZ_BASE];
    unsigned vpnb = c->va_bits - m->cfg.page_shift, tib = log2u(a->sets);
    char b[64], v[128];
    qa(out, "VPN", hexw(b, sizeof b, x->vpn, vpnb));
    if (c->levels > 1)
        for (unsigned l = 1; l <= c->levels; l++) {
            char q[16];
            snprintf(q, sizeof q, "VPN%u", l);
            qa(out, q, hexw(b, sizeof b, bits_of(x->va, m->g.index_shift[l - 1],
                                                 m->g.index_bits[l - 1]),
                            m->g.index_bits[l - 1]));
        }
    qa(out, "TLBI", hexw(b, sizeof b, x->tlbi, tib));
    qa(out, "TLBT", hexw(b, sizeof b, x->tlbt, vpnb - tib));
    qa(out, "TLB hit?", x->tlb_hit ? "Y" : "N");
    const char *pf;
    switch (x->x.status) {
    case XL_OK: pf = "N"; break;
    case XL_NOT_PRESENT: pf = "Y"; break;
    case XL_PROTECTION: pf = "Y (protection)"; break;
    case XL_RESERVED: pf = "Y (reserved bit)"; break;
    case XL_UNKNOWN: pf = NOT_GIVEN; break;
    default: pf = "N (not a canonical address: general protection fault)"; break;
    }
    qa(out, "Page fault?", pf);
    const char *none = x->x.status == XL_UNKNOWN ? NOT_GIVEN : "-";
    unsigned ppnb = c->pa_bits - m->cfg.page_shift;
    qa(out, "PPN", x->pa_known ? hexw(b, sizeof b, x->ppn, ppnb) : none);
    qa(out, "PA", x->pa_known ? hexw(b, sizeof b, x->pa, c->pa_bits) : none);
    bool cached = x->pa_known && x->cache >= 0;
    const char *nc = x->pa_known ? "- (no cache)" : none;
    const struct cache_level *l = x->cache >= 0 ? &m->caches.lvl[x->cache] : NULL;
    qa(out, "CO", cached ? hexw(b, sizeof b, x->co, l->block_shift) : nc);
    qa(out, "CI", cached ? hexw(b, sizeof b, x->ci, l->set_shift) : nc);
    qa(out, "CT", cached ? hexw(b, sizeof b, x->ct, c->pa_bits - l->block_shift - l->set_shift)
                         : nc);
    qa(out, "Cache hit?", cached ? (x->cache_hit ? "Y" : "N") : nc);
    if (!x->pa_known)
        snprintf(v, sizeof v, "%s", none);
    else if (kind == ACCESS_FETCH)
        snprintf(v, sizeof v, "- (a fetch: the book asks for no byte)");
    else if (x->byte_known)
        snprintf(v, sizeof v, "0x%02X", x->byte);
    else
        snprintf(v, sizeof v, NOT_GIVEN);
    qa(out, "Byte returned", v);
}

static void va_strip(struct vms_machine *vm, const struct explain *x, FILE *out)
{
    struct mmu *m = &vm->mmu;
    const struct vms_config *c = &m->cfg;
    const struct tlb_array *a = &m->tlb[x->tlb].arr[PSZ_BASE];
    unsigned ps = m->cfg.page_shift, tib = log2u(a->sets);
    strip_bits(out, "VA", x->va, c->va_bits);
    struct field f[MAX_LEVELS + 2];
    f[0] = (struct field){c->va_bits - 1, ps, "VPN"};
    f[1] = (struct field){ps - 1, 0, "VPO"};
    strip_brackets(out, c->va_bits, f, 2);
    f[0] = (struct field){c->va_bits - 1, ps + tib, "TLBT"};
    f[1] = (struct field){ps + tib - 1, ps, "TLBI"};
    strip_brackets(out, c->va_bits, f, tib ? 2 : 1);
    if (c->levels > 1) {
        static const char *const names[] = {"VPN1", "VPN2", "VPN3", "VPN4", "VPN5", "VPN6"};
        size_t n = 0;
        for (unsigned l = 1; l <= c->levels && l <= 6; l++) {
            unsigned sh = m->g.index_shift[l - 1], nb = m->g.index_bits[l - 1];
            if (nb)
                f[n++] = (struct field){sh + nb - 1, sh, names[l - 1]};
        }
        strip_brackets(out, c->va_bits, f, n);
    }
}

static void pa_strip(struct vms_machine *vm, const struct explain *x, FILE *out)
{
    struct mmu *m = &vm->mmu;
    const struct vms_config *c = &m->cfg;
    unsigned ps = m->cfg.page_shift;
    strip_bits(out, "PA", x->pa, c->pa_bits);
    struct field f[3];
    f[0] = (struct field){c->pa_bits - 1, ps, "PPN"};
    f[1] = (struct field){ps - 1, 0, "PPO"};
    strip_brackets(out, c->pa_bits, f, 2);
    if (x->cache < 0)
        return;
    const struct cache_level *l = &m->caches.lvl[x->cache];
    unsigned bs = l->block_shift, ss = l->set_shift;
    size_t n = 0;
    f[n++] = (struct field){c->pa_bits - 1, bs + ss, "CT"};
    if (ss)
        f[n++] = (struct field){bs + ss - 1, bs, "CI"};
    if (bs)
        f[n++] = (struct field){bs - 1, 0, "CO"};
    strip_brackets(out, c->pa_bits, f, n);
}

static void print_hints(struct vms_machine *vm, enum access_kind kind, const struct explain *x,
                        FILE *out)
{
    struct mmu *m = &vm->mmu;
    const struct vms_config *c = &m->cfg;
    const struct tlb_array *a = &m->tlb[x->tlb].arr[PSZ_BASE];
    unsigned ps = m->cfg.page_shift, vpnb = c->va_bits - ps, tib = log2u(a->sets);
    fprintf(out, "Hints\n");
    fprintf(out, "  1. VPN and VPO: the page is %llu bytes, so the VPO is the low %u bits of the "
                 "VA and the VPN the %u bits above them.\n",
            1ull << ps, ps, vpnb);
    if (c->levels > 1) {
        fprintf(out, "     The %u-level page table splits the VPN into", c->levels);
        for (unsigned l = 1; l <= c->levels; l++)
            fprintf(out, " VPN%u (%u bits)%s", l, m->g.index_bits[l - 1],
                    l == c->levels ? ".\n" : ",");
    }
    fprintf(out, "  2. TLBI and TLBT: the TLB (%s) has %u sets of %u way%s, so the TLBI is the low "
                 "%u bits of the VPN and the TLBT the %u bits above them.\n",
            tlb_name(x->tlb), a->sets, a->ways, a->ways == 1 ? "" : "s", tib, vpnb - tib);
    fprintf(out, "  3. TLB hit?: look in the TLB set numbered TLBI for a valid entry whose tag is "
                 "the TLBT.\n");
    if (c->levels > 1)
        fprintf(out, "  4. Page fault?: the TLB holds only valid entries, so a hit is no page "
                     "fault; on a miss, VPN1 indexes the level-1 table, each present entry gives "
                     "the next table, and an entry that is not present is a page fault.\n");
    else
        fprintf(out, "  4. Page fault?: the TLB holds only valid entries, so a hit is no page "
                     "fault; on a miss, look up the VPN in the page table: a PTE whose valid bit "
                     "is 0 is a page fault.\n");
    fprintf(out, "  5. PPN and PA: the PPN comes from the TLB entry or the PTE; the PA is the PPN "
                 "followed by the VPO (PPO = VPO).\n");
    if (x->cache < 0) {
        fprintf(out, "  6. No cache: the byte comes from memory.\n");
        return;
    }
    const struct cache_level *l = &m->caches.lvl[x->cache];
    fprintf(out, "  6. CO, CI and CT: the cache (%s) has %u sets of %u way%s of %u-byte blocks, so "
                 "the CO is the low %u bits of the PA, the CI the %u bits above them and the CT "
                 "the remaining %u bits.\n",
            cache_name(x->cache), l->sets, l->ways, l->ways == 1 ? "" : "s",
            1u << l->block_shift, l->block_shift, l->set_shift, c->pa_bits - l->block_shift - l->set_shift);
    fprintf(out, "  7. Cache hit?: look in the cache set numbered CI for a valid line whose tag is "
                 "the CT.\n");
    if (kind == ACCESS_FETCH)
        fprintf(out, "  8. Byte returned: a fetch reads an instruction: the book asks for no byte.\n");
    else
        fprintf(out, "  8. Byte returned: on a hit, the byte at offset CO of that line's block; "
                     "on a miss, the tables give it only when they give that memory.\n");
}

static void print_steps(struct vms_machine *vm, enum access_kind kind, const struct explain *x,
                        FILE *out)
{
    struct mmu *m = &vm->mmu;
    const struct vms_config *c = &m->cfg;
    const struct tlb_array *a = &m->tlb[x->tlb].arr[PSZ_BASE];
    unsigned ps = m->cfg.page_shift, vpnb = c->va_bits - ps, tib = log2u(a->sets);
    char b1[64], b2[64], b3[64];
    fprintf(out, "Steps\n");
    fprintf(out, "  1. %llu-byte pages: VPO = the low %u bits of the VA = %s, VPN = VA >> %u = "
                 "%s.\n",
            1ull << ps, ps, hexw(b1, sizeof b1, x->vpo, ps), ps,
            hexw(b2, sizeof b2, x->vpn, vpnb));
    if (c->levels > 1)
        for (unsigned l = 1; l <= c->levels; l++) {
            unsigned sh = m->g.index_shift[l - 1], nb = m->g.index_bits[l - 1];
            fprintf(out, "     VPN%u = VA bits %u..%u = %s\n", l, sh + nb - 1, sh,
                    hexw(b1, sizeof b1, bits_of(x->va, sh, nb), nb));
        }
    fprintf(out, "  2. TLB %s: %u sets of %u way%s: TLBI = the low %u bits of the VPN = %s, "
                 "TLBT = VPN >> %u = %s.\n",
            tlb_name(x->tlb), a->sets, a->ways, a->ways == 1 ? "" : "s", tib, hexw(b1, sizeof b1, x->tlbi, tib), tib,
            hexw(b2, sizeof b2, x->tlbt, vpnb - tib));
    hexw(b1, sizeof b1, x->tlbi, tib);
    hexw(b2, sizeof b2, x->tlbt, vpnb - tib);
    hexw(b3, sizeof b3, x->ppn, c->pa_bits - ps);
    fprintf(out, "  3. TLB set %s:", b1);
    unsigned nv = 0;
    for (unsigned w = 0; w < x->tlb_nways; w++) {
        if (!x->tlb_set[w].valid)
            continue;
        char t1[64], t2[64];
        fprintf(out, "%s way %u tag %s (PPN %s)", nv++ ? "," : "", w,
                hexw(t1, sizeof t1, x->tlb_set[w].vpn >> tib, vpnb - tib),
                hexw(t2, sizeof t2, x->tlb_set[w].pfn, c->pa_bits - ps));
    }
    fprintf(out, nv ? (nv < a->ways ? "; the other ways invalid.\n" : ".\n")
                    : " no valid entry.\n");
    if (x->tlb_hit)
        fprintf(out, "     Set %s holds a valid entry with tag %s (way %d): TLB hit, PPN %s.\n",
                b1, b2, x->tlb_way, b3);
    else if (x->x.status == XL_PROTECTION && !x->x.walked)
        fprintf(out, "     Set %s holds a valid entry with tag %s, but it forbids the %s.\n",
                b1, b2, kind_name(kind));
    else
        fprintf(out, "     Set %s holds no valid entry with tag %s: TLB miss.\n", b1, b2);
    if (x->tlb_level == 1)
        fprintf(out, "     The L2 TLB holds the translation: PPN %s.\n", b3);
    if (x->tlb_hit || x->tlb_level == 1)
        fprintf(out, "  4. The TLB holds only valid entries: no page fault.\n");
    else if (x->x.walked) {
        const struct walk *w = &x->x.walk;
        fprintf(out, "  4. The page-table walk (PTBR 0x%llx, %u-byte PTEs):\n",
                (unsigned long long)m->root, (unsigned)m->fmt->size);
        if (w->psc_level)
            fprintf(out, "     the paging-structure cache holds the level-%u entry: the walk "
                         "starts at level %u\n",
                    w->psc_level, w->psc_level + 1);
        for (unsigned i = 0; i < w->nsteps; i++) {
            const struct walk_step *s = &w->steps[i];
            bool leaf = i + 1 == w->nsteps && x->x.status != XL_NOT_PRESENT;
            if (!s->known) {
                fprintf(out, "     level %u: PTE at PA 0x%llx (table 0x%llx + index 0x%llx x %u): "
                             NOT_GIVEN "\n",
                        s->level, (unsigned long long)s->pte_pa,
                        (unsigned long long)(s->pte_pa - s->index * m->fmt->size),
                        (unsigned long long)s->index, (unsigned)m->fmt->size);
                continue;
            }
            char d[256];
            pte_describe(m->fmt, s->pte, leaf || s->level == c->levels, d, sizeof d);
            fprintf(out, "     level %u: PTE at PA 0x%llx (table 0x%llx + index 0x%llx x %u) = "
                         "0x%0*llx: %s\n",
                    s->level, (unsigned long long)s->pte_pa,
                    (unsigned long long)(s->pte_pa - s->index * m->fmt->size),
                    (unsigned long long)s->index, (unsigned)m->fmt->size,
                    (int)(m->fmt->size * 2), (unsigned long long)s->pte, d);
        }
        switch (x->x.status) {
        case XL_OK:
            fprintf(out, "     the entry is present: no page fault, PPN %s.\n", b3);
            break;
        case XL_NOT_PRESENT:
            fprintf(out, "     the level-%u entry is not present: page fault.\n", x->x.level);
            break;
        case XL_PROTECTION:
            fprintf(out, "     the entry forbids the %s: page fault (protection).\n",
                    kind_name(kind));
            break;
        case XL_RESERVED:
            fprintf(out, "     a reserved bit is set at level %u: page fault.\n", x->x.level);
            break;
        case XL_UNKNOWN:
            fprintf(out, "     whether it faults is " NOT_GIVEN ".\n");
            break;
        default: break;
        }
    } else if (x->x.status == XL_BAD_ADDRESS)
        fprintf(out, "  4. The VA is not canonical: a general protection fault, no walk.\n");
    else if (x->x.status == XL_PROTECTION)
        fprintf(out, "  4. Page fault (protection): the TLB entry forbids the %s.\n",
                kind_name(kind));
    if (!x->pa_known)
        return;
    fprintf(out, "  5. PA = PPN << %u | VPO = %s.\n", ps, hexw(b1, sizeof b1, x->pa, c->pa_bits));
    if (x->cache < 0) {
        fprintf(out, "  6. No cache: the access goes to memory.\n");
    } else {
        const struct cache_level *l = &m->caches.lvl[x->cache];
        unsigned bs = l->block_shift, ss = l->set_shift, ctb = c->pa_bits - bs - ss;
        fprintf(out, "  6. Cache %s: %u sets of %u way%s of %u-byte blocks: CO = the low %u bits "
                     "of the PA = %s, CI = the next %u bits = %s, CT = PA >> %u = %s.\n",
                cache_name(x->cache), l->sets, l->ways, l->ways == 1 ? "" : "s", 1u << bs, bs,
                hexw(b1, sizeof b1, x->co, bs), ss, hexw(b2, sizeof b2, x->ci, ss), bs + ss,
                hexw(b3, sizeof b3, x->ct, ctb));
        fprintf(out, "  7. Cache set %s:", b2);
        unsigned nl = 0;
        for (unsigned w = 0; w < x->cache_nways; w++) {
            if (!x->cache_set[w].valid)
                continue;
            char t1[64];
            fprintf(out, "%s way %u tag %s", nl++ ? "," : "", w,
                    hexw(t1, sizeof t1, x->cache_set[w].tag >> ss, ctb));
        }
        fprintf(out, nl ? (nl < l->ways ? "; the other ways invalid.\n" : ".\n")
                        : " no valid line.\n");
        if (x->cache_hit)
            fprintf(out, "     Set %s holds a valid line with tag %s (way %d): cache hit.\n",
                    b2, b3, x->cache_way);
        else
            fprintf(out, "     Set %s holds no valid line with tag %s: cache miss.\n", b2,
                    b3);
    }
    if (kind == ACCESS_FETCH)
        fprintf(out, "  8. A fetch reads an instruction: the book asks for no byte.\n");
    else if (x->byte_known && x->byte_from_cache)
        fprintf(out, "  8. The byte at offset %s of the line's block: 0x%02X.\n",
                hexw(b1, sizeof b1, x->co, x->cache >= 0 ? m->caches.lvl[x->cache].block_shift : 0),
                x->byte);
    else if (x->byte_known)
        fprintf(out, "  8. The state gives memory at PA %s: 0x%02X.\n",
                hexw(b1, sizeof b1, x->pa, c->pa_bits), x->byte);
    else if (x->cache >= 0 && x->cache_hit)
        fprintf(out, "  8. The line is valid, but the state does not give its bytes: the byte is "
                     NOT_GIVEN ".\n");
    else
        fprintf(out, "  8. The block is not cached and the state does not give memory: the byte "
                     "is " NOT_GIVEN ".\n");
}

static void print_book(struct vms_machine *vm, enum access_kind kind, enum vms_explain how,
                       const struct explain *x, FILE *out)
{
    const struct vms_config *c = &vm->mmu.cfg;
    fprintf(out, "VA 0x%0*llx (%s, %s)\n", (int)((c->va_bits + 3) / 4),
            (unsigned long long)x->va, kind_name(kind), c->name);
    if (how == VMS_EXPLAIN_ANSWER) {
        print_key(vm, kind, x, out);
        return;
    }
    va_strip(vm, x, out);
    if (how == VMS_EXPLAIN_HINTS) {
        print_hints(vm, kind, x, out);
        return;
    }
    if (x->pa_known)
        pa_strip(vm, x, out);
    if (how == VMS_EXPLAIN_STEPS)
        print_steps(vm, kind, x, out);
    fprintf(out, "Answers\n");
    print_key(vm, kind, x, out);
}

static void jnum(FILE *out, const char *k, bool known, uint64_t v)
{
    if (known)
        fprintf(out, ",\"%s\":%llu", k, (unsigned long long)v);
    else
        fprintf(out, ",\"%s\":null", k);
}

static void jbool(FILE *out, const char *k, bool known, bool v)
{
    fprintf(out, ",\"%s\":%s", k, known ? (v ? "true" : "false") : "null");
}

static void print_json(struct vms_machine *vm, enum access_kind kind, const struct explain *x,
                       FILE *out)
{
    struct mmu *m = &vm->mmu;
    bool c = x->pa_known && x->cache >= 0;
    fprintf(out, "{\"va\":%llu", (unsigned long long)x->va);
    jnum(out, "vpn", true, x->vpn);
    jnum(out, "vpo", true, x->vpo);
    jnum(out, "tlb_index", true, x->tlbi);
    jnum(out, "tlb_tag", true, x->tlbt);
    jbool(out, "tlb_hit", true, x->tlb_hit);
    jbool(out, "page_fault", x->pf_known, x->page_fault);
    jnum(out, "ppn", x->pa_known, x->ppn);
    jnum(out, "pa", x->pa_known, x->pa);
    jnum(out, "cache_offset", c, x->co);
    jnum(out, "cache_index", c, x->ci);
    jnum(out, "cache_tag", c, x->ct);
    jbool(out, "cache_hit", c, x->cache_hit);
    jnum(out, "byte", x->byte_known && kind != ACCESS_FETCH, x->byte);
    fprintf(out, ",\"access\":\"%s\",\"machine\":\"%s\"", kind_name(kind), m->cfg.name);
    fprintf(out, ",\"tlb_level\":");
    if (x->tlb_level >= 0)
        fprintf(out, "\"%s\"", x->tlb_level == 0 ? tlb_name(x->tlb) : "l2");
    else
        fputs("null", out);
    const char *fault = NULL;
    switch (x->x.status) {
    case XL_NOT_PRESENT: fault = "not_present"; break;
    case XL_PROTECTION: fault = "protection"; break;
    case XL_RESERVED: fault = "reserved"; break;
    default: break;
    }
    if (fault)
        fprintf(out, ",\"fault\":\"%s\",\"fault_level\":%u", fault, x->x.level);
    else
        fputs(",\"fault\":null,\"fault_level\":null", out);
    if (x->x.status == XL_PROTECTION)
        fprintf(out, ",\"fault_write\":%s,\"fault_user\":%s,\"fault_exec\":%s",
                x->x.why & WHY_WRITE ? "true" : "false", x->x.why & WHY_USER ? "true" : "false",
                x->x.why & WHY_EXEC ? "true" : "false");
    fputs(",\"vpn_fields\":[", out);
    for (unsigned l = 1; l <= m->cfg.levels; l++)
        fprintf(out, "%s%llu", l > 1 ? "," : "",
                (unsigned long long)bits_of(x->va, m->g.index_shift[l - 1], m->g.index_bits[l - 1]));
    fputs("],\"walk\":[", out);
    if (x->x.walked)
        for (unsigned i = 0; i < x->x.walk.nsteps; i++) {
            const struct walk_step *s = &x->x.walk.steps[i];
            fprintf(out, "%s{\"level\":%u,\"index\":%llu,\"pte_addr\":%llu", i ? "," : "",
                    s->level, (unsigned long long)s->index, (unsigned long long)s->pte_pa);
            if (s->known) {
                struct pte_info pi;
                m->fmt->decode(s->pte, &pi);
                fprintf(out, ",\"pte\":%llu,\"present\":%s", (unsigned long long)s->pte,
                        pi.present ? "true" : "false");
            } else {
                fputs(",\"pte\":null,\"present\":null", out);
            }
            if (s->cache_level >= 0)
                fprintf(out, ",\"served_by\":\"%s\"",
                        s->cache_level >= CACHE_N ? "dram" : cache_name(s->cache_level));
            fputc('}', out);
        }
    fputs("]}\n", out);
}

int vms_translate(struct vms_translator *t, const char *va_text, FILE *out, enum vms_format fmt,
                  struct vms_error *e)
{
    uint64_t va;
    const struct vms_config *c = &t->st->cfg;
    if (!parse_u64_str(va_text, &va))
        return err_set(e, VMS_EINVAL, "'%s': expected a virtual address (decimal or 0x hex)",
                       va_text);
    if (c->va_bits < 64 && va >> c->va_bits)
        return err_set(e, VMS_EINVAL, "'%s': wider than the %u-bit virtual address of %s",
                       va_text, c->va_bits, c->name);
    if (!out)
        return 0;
    struct vms_machine *vm = t->vm;
    if (!vm && !(vm = state_build(t->st, e)))
        return e ? -e->code : -VMS_EINVAL;
    struct explain x;
    explain_one(vm, t->kind, va, &x);
    if (fmt == VMS_JSON)
        print_json(vm, t->kind, &x, out);
    else if (t->explain == VMS_EXPLAIN_LIST)
        print_list(vm, t->kind, &x, out);
    else
        print_book(vm, t->kind, t->explain, &x, out);
    if (!t->vm)
        vms_machine_destroy(vm);
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}

int vms_translate_provenance(const struct vms_translator *t, size_t n, FILE *out,
                             struct vms_error *e)
{
    const struct vms_state *st = t->st;
    struct stats_kv *kv;
    size_t nkv;
    char *changed;
    if (stats_prov_machine(&st->cfg, &kv, &nkv, &changed, e) < 0)
        return -VMS_ENOMEM;
    struct stats_input in = {.path = st->file, .format = "state", .compression = "none",
                             .bytes = st->bytes, .hash = st->hash, .complete = true};
    char extra[64];
    snprintf(extra, sizeof extra, "\"access\":\"%s\",\"sequential\":%s", kind_name(t->kind),
             t->sequential ? "true" : "false");
    struct stats_prov p = {.machine = vms_config_name(&st->cfg), .config = kv, .nconfig = nkv,
                           .changed = changed, .inputs = &in, .ninputs = 1,
                           .machine_only = true, .run_extra = extra};
    fputc('{', out);
    stats_prov_json(&p, out);
    fprintf(out, "\"translations\":%zu}\n", n);
    vms_free(kv);
    vms_free(changed);
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}
