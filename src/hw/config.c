/* Machine presets and the one key list (see config.h). The presets follow docs/machines.md's
 * table: CSAPP 9.6.4's small system, 9.6.3's two-level x86-32 system, 9.7's Core i7,
 * and a 5-level (LA57) x86-64. Latencies as CSAPP 9.7 gives them (L1 ~4, L2 ~10, L3 30-50 cycles). */
#include "hw/config.h"

#include "base/err.h"
#include "base/parse.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum key_kind { K_UNS, K_U64, K_BOOL, K_PAGESIZE, K_TLB, K_CACHE, K_PTEFMT, K_REPL };

struct key_def {
    struct config_key_info info;
    enum key_kind kind;
    size_t off;
};

#define OFF(field) offsetof(struct vms_config, field)

static const struct key_def keys[] = {
    {{"va_bits", "virtual address width in bits"}, K_UNS, OFF(va_bits)},
    {{"pa_bits", "physical address width in bits"}, K_UNS, OFF(pa_bits)},
    {{"page_size", "base page size in bytes (power of two; K/M suffixes)"}, K_PAGESIZE, OFF(page_shift)},
    {{"levels", "page-table levels (the VPN splits into this many fields)"}, K_UNS, OFF(levels)},
    {{"pte_format", "PTE layout: teach (CSAPP valid/PPN/SUP/READ/WRITE/EXEC), x86-32, x86-64"}, K_PTEFMT, OFF(pte_fmt)},
    {{"large_pages", "PS leaves above the last level allowed (2 MiB/1 GiB on x86-64)"}, K_BOOL, OFF(large_pages)},
    {{"tlb.l1d", "L1 data TLB for base pages, entries:ways (0 = absent)"}, K_TLB, OFF(tlb[TLB_L1D][PSZ_BASE])},
    {{"tlb.l1d.2m", "L1 data TLB for mid-size pages (2 MiB; 4 MiB on x86-32), entries:ways"}, K_TLB, OFF(tlb[TLB_L1D][PSZ_MID])},
    {{"tlb.l1d.1g", "L1 data TLB for 1 GiB pages, entries:ways"}, K_TLB, OFF(tlb[TLB_L1D][PSZ_BIG])},
    {{"tlb.l1i", "L1 instruction TLB for base pages, entries:ways (0 = fetches use tlb.l1d)"}, K_TLB, OFF(tlb[TLB_L1I][PSZ_BASE])},
    {{"tlb.l1i.2m", "L1 instruction TLB for mid-size pages, entries:ways"}, K_TLB, OFF(tlb[TLB_L1I][PSZ_MID])},
    {{"tlb.l1i.1g", "L1 instruction TLB for 1 GiB pages, entries:ways"}, K_TLB, OFF(tlb[TLB_L1I][PSZ_BIG])},
    {{"tlb.l2", "unified second-level TLB for base pages, entries:ways (0 = absent)"}, K_TLB, OFF(tlb[TLB_L2][PSZ_BASE])},
    {{"tlb.l2.2m", "second-level TLB for mid-size pages, entries:ways"}, K_TLB, OFF(tlb[TLB_L2][PSZ_MID])},
    {{"tlb.l2.1g", "second-level TLB for 1 GiB pages, entries:ways"}, K_TLB, OFF(tlb[TLB_L2][PSZ_BIG])},
    {{"tlb.policy", "TLB replacement: lru, fifo, random"}, K_REPL, OFF(tlb_repl)},
    {{"cache.l1d", "L1 data cache size:ways:block (0 = absent)"}, K_CACHE, OFF(cache[CACHE_L1D])},
    {{"cache.l1i", "L1 instruction cache size:ways:block (0 = fetches use cache.l1d)"}, K_CACHE, OFF(cache[CACHE_L1I])},
    {{"cache.l2", "unified L2 cache size:ways:block (0 = absent)"}, K_CACHE, OFF(cache[CACHE_L2])},
    {{"cache.l3", "unified L3 cache size:ways:block (0 = absent)"}, K_CACHE, OFF(cache[CACHE_L3])},
    {{"cache.policy", "cache replacement: lru, fifo, random"}, K_REPL, OFF(cache_repl)},
    {{"walk_through_cache", "page-walk PTE reads go through the data caches (on/off)"}, K_BOOL, OFF(walk_through_cache)},
    {{"psc", "paging-structure caches (Intel PML4E/PDPTE/PDE caches) on/off"}, K_BOOL, OFF(psc)},
    {{"psc.pde", "entries in the PDE cache (level 2 from the leaf)"}, K_UNS, OFF(psc_entries[1])},
    {{"psc.pdpte", "entries in the PDPTE cache (level 3 from the leaf)"}, K_UNS, OFF(psc_entries[2])},
    {{"psc.pml4e", "entries in the PML4E cache (level 4 from the leaf)"}, K_UNS, OFF(psc_entries[3])},
    {{"psc.pml5e", "entries in the PML5E cache (level 5 from the leaf)"}, K_UNS, OFF(psc_entries[4])},
    {{"pcid", "TLB entries tagged by PCID survive a CR3 load (on/off)"}, K_BOOL, OFF(pcid)},
    {{"latency.tlb_l1", "cycles for an L1 TLB lookup"}, K_UNS, OFF(lat.tlb_l1)},
    {{"latency.tlb_l2", "cycles for an L2 TLB lookup"}, K_UNS, OFF(lat.tlb_l2)},
    {{"latency.l1", "cycles for an L1 cache hit"}, K_UNS, OFF(lat.cache[CACHE_L1D])},
    {{"latency.l2", "cycles for an L2 cache hit"}, K_UNS, OFF(lat.cache[CACHE_L2])},
    {{"latency.l3", "cycles for an L3 cache hit"}, K_UNS, OFF(lat.cache[CACHE_L3])},
    {{"latency.dram", "cycles for a DRAM access"}, K_UNS, OFF(lat.dram)},
    {{"latency.minor_fault", "cycles for a minor page fault"}, K_U64, OFF(lat.minor_fault)},
    {{"latency.major_fault", "cycles for a major page fault (10 ms at 3 GHz)"}, K_U64, OFF(lat.major_fault)},
    {{"seed", "seed for random replacement"}, K_U64, OFF(seed)},
    {{"kernel_traffic", "the kernel's memory work (zeroing, copies, PTEs, DMA) goes through the caches, counted apart (on/off)"}, K_BOOL, OFF(kernel_traffic)},
};

size_t config_key_count(void)
{
    return ARRAY_LEN(keys);
}

const struct config_key_info *config_key(size_t i)
{
    return i < ARRAY_LEN(keys) ? &keys[i].info : NULL;
}

const char *tlb_name(int which)
{
    static const char *n[TLB_N] = {"l1d", "l1i", "l2"};
    return which >= 0 && which < TLB_N ? n[which] : "?";
}

const char *cache_name(int which)
{
    static const char *n[CACHE_N] = {"l1d", "l1i", "l2", "l3"};
    return which >= 0 && which < CACHE_N ? n[which] : "?";
}

static void common_latency(struct vms_config *c)
{
    c->lat.tlb_l1 = 1;
    c->lat.tlb_l2 = 7;
    c->lat.cache[CACHE_L1D] = 4;
    c->lat.cache[CACHE_L1I] = 4;
    c->lat.cache[CACHE_L2] = 10;
    c->lat.cache[CACHE_L3] = 40;
    c->lat.dram = 200;
    c->lat.minor_fault = 1000;
    c->lat.major_fault = 30000000; /* 10 ms at 3 GHz */
}

static void preset_core_i7(struct vms_config *c, unsigned va_bits, unsigned levels)
{
    c->va_bits = va_bits;
    c->pa_bits = 52;
    c->page_shift = 12;
    c->levels = levels;
    c->pte_fmt = PTE_FMT_X86_64;
    c->large_pages = true;
    c->tlb[TLB_L1D][PSZ_BASE] = (struct tlb_cfg){64, 4};
    c->tlb[TLB_L1D][PSZ_MID] = (struct tlb_cfg){32, 4};
    c->tlb[TLB_L1D][PSZ_BIG] = (struct tlb_cfg){4, 4};
    c->tlb[TLB_L1I][PSZ_BASE] = (struct tlb_cfg){128, 4};
    c->tlb[TLB_L1I][PSZ_MID] = (struct tlb_cfg){8, 8};
    c->tlb[TLB_L2][PSZ_BASE] = (struct tlb_cfg){512, 4};
    c->cache[CACHE_L1D] = (struct cache_cfg){32 << 10, 8, 64};
    c->cache[CACHE_L1I] = (struct cache_cfg){32 << 10, 8, 64};
    c->cache[CACHE_L2] = (struct cache_cfg){256 << 10, 8, 64};
    c->cache[CACHE_L3] = (struct cache_cfg){8 << 20, 16, 64};
    c->walk_through_cache = true;
    c->psc = true;
    c->psc_entries[1] = 32;
    c->psc_entries[2] = 4;
    c->psc_entries[3] = 2;
    c->psc_entries[4] = 2;
}

struct preset {
    const char *name;
    const char *summary;
};

static const struct preset presets[] = {
    {"csapp-small", "CSAPP 9.6.4: 14-bit VA, 12-bit PA, 64 B pages, one TLB, one direct-mapped cache"},
    {"csapp-2level", "CSAPP 9.6.3: 32-bit VA/PA, 4 KiB pages, two-level x86-32 page tables"},
    {"core-i7", "CSAPP 9.7: 48-bit VA, 52-bit PA, 4-level x86-64 tables, I/D and L2 TLBs, L1-L3"},
    {"x86-64-5level", "x86-64 with LA57: 57-bit VA, 5-level page tables, otherwise core-i7"},
};

size_t vms_preset_count(void)
{
    return ARRAY_LEN(presets);
}

const char *vms_preset_name(size_t i)
{
    return i < ARRAY_LEN(presets) ? presets[i].name : NULL;
}

const char *vms_preset_summary(size_t i)
{
    return i < ARRAY_LEN(presets) ? presets[i].summary : NULL;
}

int config_preset(struct vms_config *c, const char *name, struct vms_error *e)
{
    memset(c, 0, sizeof *c);
    common_latency(c);
    c->seed = 1;
    c->kernel_traffic = true;
    if (!strcmp(name, "csapp-small")) {
        c->va_bits = 14;
        c->pa_bits = 12;
        c->page_shift = 6;
        c->levels = 1;
        c->pte_fmt = PTE_FMT_TEACH;
        c->tlb[TLB_L1D][PSZ_BASE] = (struct tlb_cfg){16, 4};
        c->cache[CACHE_L1D] = (struct cache_cfg){64, 1, 4};
    } else if (!strcmp(name, "csapp-2level")) {
        c->va_bits = 32;
        c->pa_bits = 32;
        c->page_shift = 12;
        c->levels = 2;
        c->pte_fmt = PTE_FMT_X86_32;
        c->tlb[TLB_L1D][PSZ_BASE] = (struct tlb_cfg){64, 4};
        c->tlb[TLB_L1I][PSZ_BASE] = (struct tlb_cfg){64, 4};
        c->cache[CACHE_L1D] = (struct cache_cfg){32 << 10, 8, 64};
        c->cache[CACHE_L1I] = (struct cache_cfg){32 << 10, 8, 64};
    } else if (!strcmp(name, "core-i7")) {
        preset_core_i7(c, 48, 4);
    } else if (!strcmp(name, "x86-64-5level")) {
        preset_core_i7(c, 57, 5);
    } else {
        return err_set(e, VMS_EINVAL,
                       "unknown machine '%s' (expected csapp-small, csapp-2level, core-i7 or "
                       "x86-64-5level)",
                       name);
    }
    snprintf(c->name, sizeof c->name, "%s", name);
    return 0;
}

static const struct key_def *key_find(const char *key)
{
    for (size_t i = 0; i < ARRAY_LEN(keys); i++)
        if (!strcmp(keys[i].info.key, key))
            return &keys[i];
    return NULL;
}

static const char *repl_names[] = {"lru", "fifo", "random"};
static const char *fmt_names[] = {"teach", "x86-32", "x86-64"};

/* Split "a:b[:c]" into up to n numbers with size suffixes. Returns count or -1. */
static int parse_tuple(const char *v, uint64_t *out, int n)
{
    int k = 0;
    const char *p = v;
    for (;;) {
        const char *q = strchr(p, ':');
        size_t len = q ? (size_t)(q - p) : strlen(p);
        if (k == n || !parse_size(p, len, 0, &out[k]))
            return -1;
        k++;
        if (!q)
            return k;
        p = q + 1;
    }
}

int config_set(struct vms_config *c, const char *key, const char *value, struct vms_error *e)
{
    const struct key_def *k = key_find(key);
    if (!k)
        return err_set(e, VMS_EINVAL, "unknown machine key '%s' (see `vmsim machines --keys`)",
                       key);
    char *base = (char *)c + k->off;
    uint64_t v, t[3];
    switch (k->kind) {
    case K_UNS:
        if (!parse_size_str(value, 0, &v) || v > 0xffffffffu)
            return err_set(e, VMS_EINVAL, "%s=%s: expected an unsigned number", key, value);
        *(unsigned *)(void *)base = (unsigned)v;
        if (!strncmp(key, "latency.l1", 10))
            c->lat.cache[CACHE_L1I] = (unsigned)v;
        return 0;
    case K_U64:
        if (!parse_size_str(value, 0, &v))
            return err_set(e, VMS_EINVAL, "%s=%s: expected an unsigned number", key, value);
        *(uint64_t *)(void *)base = v;
        return 0;
    case K_BOOL:
        if (!strcmp(value, "on") || !strcmp(value, "1") || !strcmp(value, "true"))
            *(bool *)(void *)base = true;
        else if (!strcmp(value, "off") || !strcmp(value, "0") || !strcmp(value, "false"))
            *(bool *)(void *)base = false;
        else
            return err_set(e, VMS_EINVAL, "%s=%s: expected on or off", key, value);
        return 0;
    case K_PAGESIZE:
        if (!parse_size_str(value, 0, &v) || !is_pow2(v) || v < 8 || v > (UINT64_C(1) << 30))
            return err_set(e, VMS_EINVAL,
                           "%s=%s: expected a power of two between 8 bytes and 1 GiB", key, value);
        c->page_shift = log2u(v);
        return 0;
    case K_TLB:
        if (!strcmp(value, "0") || !strcmp(value, "off")) {
            *(struct tlb_cfg *)(void *)base = (struct tlb_cfg){0, 0};
            return 0;
        }
        if (parse_tuple(value, t, 2) != 2 || t[0] > (1u << 24) || t[1] == 0 || t[1] > t[0])
            return err_set(e, VMS_EINVAL, "%s=%s: expected ENTRIES:WAYS (e.g. 64:4)", key, value);
        *(struct tlb_cfg *)(void *)base = (struct tlb_cfg){(uint32_t)t[0], (uint32_t)t[1]};
        return 0;
    case K_CACHE:
        if (!strcmp(value, "0") || !strcmp(value, "off")) {
            *(struct cache_cfg *)(void *)base = (struct cache_cfg){0, 0, 0};
            return 0;
        }
        if (parse_tuple(value, t, 3) != 3 || t[1] == 0 || t[2] == 0 || t[1] > (1u << 20) ||
            t[2] > (1u << 20) || t[0] > (UINT64_C(1) << 40))
            return err_set(e, VMS_EINVAL, "%s=%s: expected SIZE:WAYS:BLOCK (e.g. 32K:8:64)", key,
                           value);
        *(struct cache_cfg *)(void *)base =
            (struct cache_cfg){t[0], (uint32_t)t[1], (uint32_t)t[2]};
        return 0;
    case K_PTEFMT:
        for (unsigned i = 0; i < ARRAY_LEN(fmt_names); i++)
            if (!strcmp(value, fmt_names[i])) {
                c->pte_fmt = (enum pte_fmt)i;
                return 0;
            }
        return err_set(e, VMS_EINVAL, "%s=%s: expected teach, x86-32 or x86-64", key, value);
    case K_REPL:
        for (unsigned i = 0; i < ARRAY_LEN(repl_names); i++)
            if (!strcmp(value, repl_names[i])) {
                *(enum repl *)(void *)base = (enum repl)i;
                return 0;
            }
        return err_set(e, VMS_EINVAL, "%s=%s: expected lru, fifo or random", key, value);
    }
    return err_set(e, VMS_EINVAL, "%s: unhandled key kind", key);
}

static void fmt_size(uint64_t v, char *buf, size_t n)
{
    if (v >= (UINT64_C(1) << 30) && !(v & ((UINT64_C(1) << 30) - 1)))
        snprintf(buf, n, "%lluG", (unsigned long long)(v >> 30));
    else if (v >= (1u << 20) && !(v & ((1u << 20) - 1)))
        snprintf(buf, n, "%lluM", (unsigned long long)(v >> 20));
    else if (v >= (1u << 10) && !(v & ((1u << 10) - 1)))
        snprintf(buf, n, "%lluK", (unsigned long long)(v >> 10));
    else
        snprintf(buf, n, "%llu", (unsigned long long)v);
}

void config_get(const struct vms_config *c, const char *key, char *buf, size_t n)
{
    const struct key_def *k = key_find(key);
    if (!k) {
        snprintf(buf, n, "?");
        return;
    }
    const char *base = (const char *)c + k->off;
    char a[32];
    switch (k->kind) {
    case K_UNS:
        snprintf(buf, n, "%u", *(const unsigned *)(const void *)base);
        break;
    case K_U64:
        snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)(const void *)base);
        break;
    case K_BOOL:
        snprintf(buf, n, "%s", *(const bool *)(const void *)base ? "on" : "off");
        break;
    case K_PAGESIZE:
        fmt_size(UINT64_C(1) << c->page_shift, buf, n);
        break;
    case K_TLB: {
        const struct tlb_cfg *t = (const struct tlb_cfg *)(const void *)base;
        if (t->entries)
            snprintf(buf, n, "%u:%u", t->entries, t->ways);
        else
            snprintf(buf, n, "0");
        break;
    }
    case K_CACHE: {
        const struct cache_cfg *cc = (const struct cache_cfg *)(const void *)base;
        fmt_size(cc->size, a, sizeof a);
        if (cc->size)
            snprintf(buf, n, "%s:%u:%u", a, cc->ways, cc->block);
        else
            snprintf(buf, n, "0");
        break;
    }
    case K_PTEFMT:
        snprintf(buf, n, "%s", fmt_names[c->pte_fmt]);
        break;
    case K_REPL:
        snprintf(buf, n, "%s", repl_names[*(const enum repl *)(const void *)base]);
        break;
    }
}

static int check_tlb(const struct tlb_cfg *t, const char *what, struct vms_error *e)
{
    if (!t->entries)
        return 0;
    if (t->entries % t->ways || !is_pow2(t->entries / t->ways))
        return err_set(e, VMS_EINVAL,
                       "%s=%u:%u: entries/ways must be a power of two (the number of sets)", what,
                       t->entries, t->ways);
    return 0;
}

int config_check(const struct vms_config *c, struct geometry *g, struct vms_error *e)
{
    struct geometry tmp;
    if (!g)
        g = &tmp;
    memset(g, 0, sizeof *g);
    unsigned ps = c->page_shift;
    g->pte_size = c->pte_fmt == PTE_FMT_X86_64 ? 8 : 4;
    if (ps < 3 || ps > 30)
        return err_set(e, VMS_EINVAL, "page_size: expected a power of two between 8 B and 1 GiB");
    if (c->va_bits <= ps || c->va_bits > 64)
        return err_set(e, VMS_EINVAL, "va_bits=%u: expected more than the page offset (%u) and at most 64",
                       c->va_bits, ps);
    if (c->pa_bits <= ps || c->pa_bits > 52)
        return err_set(e, VMS_EINVAL,
                       "pa_bits=%u: too narrow for %llu-byte frames (expected %u..52)", c->pa_bits,
                       (unsigned long long)1 << ps, ps + 1);
    if (c->pte_fmt == PTE_FMT_X86_32 && (c->pa_bits > 32 || c->va_bits > 32 || ps != 12))
        return err_set(e, VMS_EINVAL, "pte_format=x86-32: needs va_bits, pa_bits <= 32 and 4 KiB pages");
    if (c->pte_fmt == PTE_FMT_X86_64 && ps != 12)
        return err_set(e, VMS_EINVAL, "pte_format=x86-64: needs 4 KiB pages (page_size=4K)");
    if (c->pte_fmt == PTE_FMT_TEACH && c->pa_bits - ps > 24)
        return err_set(e, VMS_EINVAL, "pte_format=teach: PPN is at most 24 bits (pa_bits - page bits)");
    if (c->levels < 1 || c->levels > MAX_LEVELS)
        return err_set(e, VMS_EINVAL, "levels=%u: expected 1..%d", c->levels, MAX_LEVELS);
    if ((UINT64_C(1) << ps) < g->pte_size)
        return err_set(e, VMS_EINVAL, "page_size: a page must hold at least one PTE");
    unsigned per = ps - log2u(g->pte_size); /* index bits of a one-page table */
    unsigned vpn_bits = c->va_bits - ps;
    if (c->levels > 1 && (c->levels - 1) * per >= vpn_bits)
        return err_set(e, VMS_EINVAL,
                       "levels=%u: %u-bit VPN cannot be split into %u levels of %u bits",
                       c->levels, vpn_bits, c->levels, per);
    unsigned top = vpn_bits - (c->levels - 1) * per;
    if (top > 24)
        return err_set(e, VMS_EINVAL,
                       "levels=%u: the root table would need 2^%u entries (too many; add levels)",
                       c->levels, top);
    unsigned shift = c->va_bits;
    for (unsigned l = 0; l < c->levels; l++) {
        g->index_bits[l] = l == 0 ? top : per;
        shift -= g->index_bits[l];
        g->index_shift[l] = shift;
    }
    g->entries_per_page = 1u << per;
    uint64_t root_bytes = (UINT64_C(1) << top) * g->pte_size;
    g->root_pages = (unsigned)((root_bytes + (UINT64_C(1) << ps) - 1) >> ps);
    g->psz_shift[PSZ_BASE] = ps;
    if (c->large_pages && c->pte_fmt != PTE_FMT_TEACH) {
        /* PS leaves at the level above the last (2 MiB / 4 MiB) and, on x86-64, two
         * levels above (1 GiB); never in the root of a multi-level table beyond that. */
        if (c->levels >= 2)
            g->psz_shift[PSZ_MID] = ps + per;
        if (c->levels >= 3 && c->pte_fmt == PTE_FMT_X86_64)
            g->psz_shift[PSZ_BIG] = ps + 2 * per;
    }
    for (int t = 0; t < TLB_N; t++)
        for (int s = 0; s < PSZ_N; s++) {
            char what[32];
            snprintf(what, sizeof what, "tlb.%s%s", tlb_name(t),
                     s == PSZ_BASE ? "" : s == PSZ_MID ? ".2m" : ".1g");
            if (check_tlb(&c->tlb[t][s], what, e))
                return -VMS_EINVAL;
        }
    if (!c->tlb[TLB_L1D][PSZ_BASE].entries)
        return err_set(e, VMS_EINVAL, "tlb.l1d: a machine needs an L1 data TLB for base pages");
    for (int l = 0; l < CACHE_N; l++) {
        const struct cache_cfg *cc = &c->cache[l];
        if (!cc->size)
            continue;
        uint64_t set_bytes = (uint64_t)cc->ways * cc->block;
        if (!is_pow2(cc->block) || cc->size % set_bytes || !is_pow2(cc->size / set_bytes))
            return err_set(e, VMS_EINVAL,
                           "cache.%s: size/(ways*block) must be a power of two (sets) and block a "
                           "power of two",
                           cache_name(l));
        if (cc->block > (UINT64_C(1) << ps))
            return err_set(e, VMS_EINVAL, "cache.%s: block larger than a page", cache_name(l));
        if (cc->size > (UINT64_C(1) << c->pa_bits))
            return err_set(e, VMS_EINVAL, "cache.%s: larger than physical memory", cache_name(l));
    }
    if ((c->cache[CACHE_L2].size || c->cache[CACHE_L3].size) && !c->cache[CACHE_L1D].size)
        return err_set(e, VMS_EINVAL, "cache.l1d: outer cache levels need an L1 data cache");
    if (c->cache[CACHE_L3].size && !c->cache[CACHE_L2].size)
        return err_set(e, VMS_EINVAL, "cache.l3: needs an L2");
    return 0;
}
