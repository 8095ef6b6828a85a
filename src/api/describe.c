/* `vmsim machines NAME`: the address-bit breakdown as the textbook draws it — VPN
 * fields per level and VPO, TLBI/TLBT per TLB, CT/CI/CO per cache, PTE size, entries
 * per table page, and what a flat one-level table would cost. */
#include "api/machine.h"

#include "base/err.h"

static void human(uint64_t v, char *buf, size_t n)
{
    static const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int i = 0;
    while (v >= 1024 && !(v & 1023) && i < 6) {
        v >>= 10;
        i++;
    }
    snprintf(buf, n, "%llu %s", (unsigned long long)v, u[i]);
}

static void field(FILE *out, const char *name, unsigned hi, unsigned lo)
{
    if (hi + 1 == lo) /* empty field */
        fprintf(out, "    %-6s (none)\n", name);
    else
        fprintf(out, "    %-6s bits %2u..%-2u  %2u bits\n", name, hi, lo, hi - lo + 1);
}

static const char *level_name(const struct vms_config *c, unsigned lvl)
{
    if (c->pte_fmt != PTE_FMT_X86_64 && c->pte_fmt != PTE_FMT_X86_32)
        return "";
    static const char *x64[] = {"PT", "PD", "PDPT", "PML4", "PML5"};
    static const char *x32[] = {"PT", "PD"};
    unsigned from_leaf = c->levels - lvl;
    if (c->pte_fmt == PTE_FMT_X86_32)
        return from_leaf < 2 ? x32[from_leaf] : "";
    return from_leaf < 5 ? x64[from_leaf] : "";
}

int vms_config_describe(const struct vms_config *c, FILE *out, struct vms_error *e)
{
    struct geometry g;
    if (config_check(c, &g, e))
        return -VMS_EINVAL;
    char a[32], b[32];
    unsigned ps = c->page_shift;
    human(UINT64_C(1) << ps, a, sizeof a);
    fprintf(out, "%s: %u-bit virtual, %u-bit physical addresses, %s pages, %u-level page "
                 "table (%s PTEs)\n",
            c->name, c->va_bits, c->pa_bits, a, c->levels, pte_format_get(c->pte_fmt)->name);
    fprintf(out, "\nvirtual address (%u bits): VPN %u bits, VPO %u bits\n", c->va_bits,
            c->va_bits - ps, ps);
    for (unsigned l = 1; l <= c->levels; l++) {
        char n[16];
        snprintf(n, sizeof n, c->levels == 1 ? "VPN" : "VPN%u", l);
        unsigned lo = g.index_shift[l - 1], hi = lo + g.index_bits[l - 1] - 1;
        if (level_name(c, l)[0])
            fprintf(out, "    %-6s bits %2u..%-2u  %2u bits  index into the %s table\n", n, hi, lo,
                    hi - lo + 1, level_name(c, l));
        else
            field(out, n, hi, lo);
    }
    field(out, "VPO", ps - 1, 0);
    fprintf(out, "\npage table: %u-byte PTEs, %u entries per %s table page", g.pte_size,
            g.entries_per_page, a);
    if (g.root_pages > 1)
        fprintf(out, " (the root table has %llu entries: %u pages)",
                (unsigned long long)1 << g.index_bits[0], g.root_pages);
    fputc('\n', out);
    for (int s = PSZ_MID; s < PSZ_N; s++)
        if (g.psz_shift[s]) {
            human(UINT64_C(1) << g.psz_shift[s], b, sizeof b);
            fprintf(out, "    %s pages: PS=1 leaf at level %u (%s)\n", b, c->levels - (unsigned)s,
                    level_name(c, c->levels - (unsigned)s));
        }
    unsigned flat_bits = c->va_bits - ps + log2u(g.pte_size);
    if (flat_bits < 64)
        human(UINT64_C(1) << flat_bits, b, sizeof b);
    else
        snprintf(b, sizeof b, "2^%u B", flat_bits);
    fprintf(out, "    a flat one-level table: 2^%u entries x %u bytes = 2^%u bytes (%s) per "
                 "process\n",
            c->va_bits - ps, g.pte_size, flat_bits, b);
    fprintf(out, "\nphysical address (%u bits): PPN bits %u..%u (%u bits), PPO bits %u..0\n",
            c->pa_bits, c->pa_bits - 1, ps, c->pa_bits - ps, ps - 1);

    fprintf(out, "\nTLBs (the VPN splits into TLBT | TLBI):\n");
    for (int t = 0; t < TLB_N; t++)
        for (int s = 0; s < PSZ_N; s++) {
            const struct tlb_cfg *tc = &c->tlb[t][s];
            if (!tc->entries || !g.psz_shift[s])
                continue;
            unsigned sets = tc->entries / tc->ways, ib = log2u(sets);
            unsigned shift = g.psz_shift[s];
            human(UINT64_C(1) << shift, b, sizeof b);
            fprintf(out, "  %-4s %s pages: %u entries, %u-way, %u set%s\n",
                    t == TLB_L1D && !c->tlb[TLB_L1I][PSZ_BASE].entries ? "TLB" : tlb_name(t), b,
                    tc->entries, tc->ways, sets, sets == 1 ? "" : "s");
            field(out, "TLBT", c->va_bits - 1, shift + ib);
            field(out, "TLBI", shift + ib - 1, shift);
        }
    fprintf(out, "\ncaches (physically addressed; the PA splits into CT | CI | CO):\n");
    bool any = false;
    for (int l = 0; l < CACHE_N; l++) {
        const struct cache_cfg *cc = &c->cache[l];
        if (!cc->size)
            continue;
        any = true;
        unsigned sets = (unsigned)(cc->size / ((uint64_t)cc->ways * cc->block));
        unsigned ob = log2u(cc->block), ib = log2u(sets);
        human(cc->size, b, sizeof b);
        fprintf(out, "  %-4s %s, %u-way, %u sets, %u-byte blocks\n",
                l == CACHE_L1D && !c->cache[CACHE_L1I].size ? "L1" : cache_name(l), b, cc->ways,
                sets, cc->block);
        field(out, "CT", c->pa_bits - 1, ob + ib);
        field(out, "CI", ob + ib - 1, ob);
        field(out, "CO", ob - 1, 0);
    }
    if (!any)
        fprintf(out, "  (none)\n");
    fprintf(out, "\npage walks %s the data caches; paging-structure caches %s; PCID %s\n",
            c->walk_through_cache ? "read PTEs through" : "do not touch",
            c->psc ? "on" : "off", c->pcid ? "on" : "off");
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}
