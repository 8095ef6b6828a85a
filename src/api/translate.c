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
    struct vms_machine *vm; /* sequential mode: the evolving machine */
};

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

static void print_text(struct vms_machine *vm, enum access_kind kind, const struct explain *x,
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
    else
        print_text(vm, t->kind, &x, out);
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
