/* `vmsim gen translate`: a machine state (TLB, page table, cache, memory bytes) built so
 * that each generated VA takes the path asked for, checked by translating it; the key is
 * what the translator answers (docs/teaching.md). */
#include "base/alloc.h"
#include "base/err.h"
#include "teach/teach.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TLB 512
#define MAX_PTE 512
#define MAX_LINE 512
#define MAX_BLOCK 64

/* What a problem's access must do: -1 either way, else 0 or 1. */
struct want {
    int tlb, fault, cache;
    bool upper; /* the fault at an upper level (pde-fault) */
};

struct geo {
    unsigned va_bits, pa_bits, p, vpn_bits, ppn_bits, levels, lbits;
    unsigned tsb, tways, tsets; /* TLB: set bits, ways, sets */
    unsigned cbb, csb, cways, csets; /* cache: block bits, set bits, ways, sets */
    uint64_t vpn_lim, ppn_lim;
    unsigned cache_cap; /* valid lines a set may get */
};

struct tlbe {
    unsigned set, way;
    uint64_t tag, ppn;
    bool valid, known;
};
struct pte {
    uint64_t vpn, ppn;
    bool valid;
    unsigned level; /* 0 = a leaf pte; else the level of a pde valid=0 */
};
struct line {
    unsigned set, way;
    uint64_t tag;
    bool valid;
    uint8_t bytes[MAX_BLOCK];
};
struct memb {
    uint64_t pa;
    uint8_t b;
};

struct gen {
    struct geo g;
    struct rng r;
    struct tlbe tlb[MAX_TLB];
    size_t ntlb;
    struct pte pte[MAX_PTE];
    size_t npte;
    struct line line[MAX_LINE];
    size_t nline;
    struct memb mem[TEACH_MAX_COUNT];
    size_t nmem;
    uint64_t vpn[MAX_PTE]; /* every page the state names (problems and decoys) */
    size_t nvpn;
    uint64_t ppn[TEACH_MAX_COUNT]; /* the problems' frames */
    size_t nppn;
    uint64_t block[TEACH_MAX_COUNT]; /* the problems' blocks (PA >> block bits) */
    size_t nblock;
    uint64_t va[TEACH_MAX_COUNT];
    struct want w[TEACH_MAX_COUNT];
};

static unsigned log2u(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

static bool pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static int cfg_u(const struct vms_config *c, const char *key, uint64_t *v, struct vms_error *e)
{
    char buf[64];
    if (vms_config_get(c, key, buf, sizeof buf, e) < 0)
        return -VMS_EINVAL;
    return vms_parse_size(buf, v) ? 0 : err_set(e, VMS_EINVAL, "--machine: key %s", key);
}

/* "A:B[:C]" sizes into v[0..2]; returns how many. */
static int cfg_tuple(const struct vms_config *c, const char *key, uint64_t v[3],
                     struct vms_error *e)
{
    char buf[64];
    if (vms_config_get(c, key, buf, sizeof buf, e) < 0)
        return -VMS_EINVAL;
    int n = 0;
    for (char *s = buf; n < 3;) {
        size_t k = strcspn(s, ":");
        char save = s[k];
        s[k] = '\0';
        if (!vms_parse_size(s, &v[n]))
            return err_set(e, VMS_EINVAL, "--machine: key %s", key);
        n++;
        if (!save)
            break;
        s += k + 1;
    }
    return n;
}

static int geometry(const char *machine, struct geo *g, struct vms_error *e)
{
    struct vms_config *c;
    if (vms_config_create(machine, &c, e) < 0)
        return err_set(e, VMS_EINVAL, "--machine: unknown machine '%s' (see `vmsim machines`)",
                       machine);
    uint64_t va, pa, ps, lv, t[3] = {0}, ch[3] = {0};
    char fmt[32] = "", wtc[16] = "";
    int rc = 0, nt, nc;
    if ((rc = cfg_u(c, "va_bits", &va, e)) || (rc = cfg_u(c, "pa_bits", &pa, e)) ||
        (rc = cfg_u(c, "page_size", &ps, e)) || (rc = cfg_u(c, "levels", &lv, e)))
        goto out;
    vms_config_get(c, "pte_format", fmt, sizeof fmt, e);
    vms_config_get(c, "walk_through_cache", wtc, sizeof wtc, e);
    if ((nt = cfg_tuple(c, "tlb.l1d", t, e)) < 0 || (nc = cfg_tuple(c, "cache.l1d", ch, e)) < 0) {
        rc = -VMS_EINVAL;
        goto out;
    }
    if (nt != 2 || !t[0] || !t[1] || nc != 3 || !ch[0] || !ch[1] || !ch[2] ||
        !pow2(t[0] / t[1]) || !pow2(ch[2]) || !pow2(ch[0] / (ch[1] * ch[2])) ||
        ch[2] > MAX_BLOCK) {
        rc = err_set(e, VMS_EINVAL, "--machine: %s has no L1 data TLB and L1 data cache "
                     "with blocks of at most %d bytes to make exercises on", machine, MAX_BLOCK);
        goto out;
    }
    g->va_bits = (unsigned)va;
    g->pa_bits = (unsigned)pa;
    g->p = log2u(ps);
    g->vpn_bits = g->va_bits - g->p;
    g->ppn_bits = g->pa_bits - g->p;
    g->levels = (unsigned)lv;
    g->lbits = log2u(ps / (strcmp(fmt, "x86-64") ? 4 : 8));
    g->tways = (unsigned)t[1];
    g->tsets = (unsigned)(t[0] / t[1]);
    g->tsb = log2u(g->tsets);
    g->cways = (unsigned)ch[1];
    g->cbb = log2u(ch[2]);
    g->csets = (unsigned)(ch[0] / (ch[1] * ch[2]));
    g->csb = log2u(g->csets);
    /* User addresses: the lower half of a wide address space. */
    g->vpn_lim = UINT64_C(1) << (g->vpn_bits > 20 ? g->vpn_bits - 1 : g->vpn_bits);
    /* On machines of more than 4096 frames the page tables sit at the top of memory
     * (docs/state-format.md): frames come from far below it. */
    unsigned pb = g->ppn_bits <= 12 ? g->ppn_bits : (g->ppn_bits - 1 < 24 ? g->ppn_bits - 1 : 24);
    g->ppn_lim = UINT64_C(1) << pb;
    /* Walks through the cache fill at most one line per level: leave them free ways. */
    g->cache_cap = g->cways == 1 ? 1 : strcmp(wtc, "on") ? g->cways : g->cways / 2;
out:
    vms_config_destroy(c);
    return rc;
}

/* ---------------------------------------------------------------- scenarios */

static const char *const want_names[] = {"random",   "tlb-hit",    "tlb-miss",  "page-fault",
                                         "no-fault", "cache-hit",  "cache-miss", "pde-fault"};

/* One scenario "A+B+..." into w. */
static int want_parse(const char *s, size_t len, const struct geo *g, struct want *w,
                      struct vms_error *e)
{
    *w = (struct want){-1, -1, -1, false};
    char all[300];
    snprintf(all, sizeof all, "%.*s", (int)len, s);
    for (size_t at = 0; at < len;) {
        size_t k = strcspn(s + at, "+");
        if (at + k > len)
            k = len - at;
        size_t i;
        for (i = 0; i < sizeof want_names / sizeof *want_names; i++)
            if (strlen(want_names[i]) == k && !strncmp(s + at, want_names[i], k))
                break;
        int *slot = NULL, v = 1;
        switch (i) {
        case 0: break;
        case 1: slot = &w->tlb; break;
        case 2: slot = &w->tlb, v = 0; break;
        case 3: slot = &w->fault; break;
        case 4: slot = &w->fault, v = 0; break;
        case 5: slot = &w->cache; break;
        case 6: slot = &w->cache, v = 0; break;
        case 7:
            if (g->levels < 2)
                return err_set(e, VMS_EINVAL, "--want: pde-fault needs a machine with more "
                               "than one page-table level");
            slot = &w->fault, w->upper = true;
            break;
        default:
            return err_set(e, VMS_EINVAL, "--want: unknown scenario '%.*s' (expected random, "
                           "tlb-hit, tlb-miss, page-fault, pde-fault, no-fault, cache-hit or "
                           "cache-miss, joined by '+', separated by ',')", (int)k, s + at);
        }
        if (slot) {
            if (*slot != -1 && *slot != v)
                return err_set(e, VMS_EINVAL, "--want: '%s' asks for both outcomes of one step",
                               all);
            *slot = v;
        }
        at += k + 1;
    }
    if (w->tlb == 1 && w->fault == 1)
        return err_set(e, VMS_EINVAL, "--want: '%s' cannot happen: a TLB hit never faults (the "
                       "TLB holds only valid translations)", all);
    if (w->fault == 1 && w->cache != -1)
        return err_set(e, VMS_EINVAL, "--want: '%s' cannot happen: after a page fault the "
                       "access never reaches the cache", all);
    return 0;
}

/* Decide every step left open. */
static void want_resolve(struct rng *r, struct want *w)
{
    if (w->tlb == -1 && w->fault == -1 && w->cache == -1) {
        /* random: one of the five paths */
        unsigned k = (unsigned)rng_below(r, 5);
        w->fault = k == 4;
        w->tlb = k < 2;
        w->cache = k < 4 ? (int)(k % 2 == 0) : -1;
        return;
    }
    if (w->fault == -1)
        w->fault = (w->tlb == 1 || w->cache != -1) ? 0 : rng_below(r, 4) == 0;
    if (w->tlb == -1)
        w->tlb = w->fault ? 0 : (int)rng_below(r, 2);
    if (!w->fault && w->cache == -1)
        w->cache = (int)rng_below(r, 2);
}

/* ---------------------------------------------------------------- building the tables */

static bool vpn_used(const struct gen *s, uint64_t v)
{
    for (size_t i = 0; i < s->nvpn; i++)
        if (s->vpn[i] == v)
            return true;
    return false;
}

/* Does a pde-fault entry cover v, or (level set) does a page the state names share v's
 * entry at that level? */
static bool under_pde(const struct gen *s, uint64_t v)
{
    for (size_t i = 0; i < s->npte; i++) {
        const struct pte *t = &s->pte[i];
        unsigned sh = (s->g.levels - t->level) * s->g.lbits;
        if (t->level && (t->vpn >> sh) == (v >> sh))
            return true;
    }
    return false;
}

static bool shares_entry(const struct gen *s, uint64_t v, unsigned level)
{
    unsigned sh = (s->g.levels - level) * s->g.lbits;
    for (size_t i = 0; i < s->nvpn; i++)
        if ((s->vpn[i] >> sh) == (v >> sh))
            return true;
    return false;
}

static unsigned tlb_in_set(const struct gen *s, unsigned set)
{
    unsigned n = 0;
    for (size_t i = 0; i < s->ntlb; i++)
        n += s->tlb[i].set == set;
    return n;
}

static unsigned lines_in_set(const struct gen *s, unsigned set, bool valid_only)
{
    unsigned n = 0;
    for (size_t i = 0; i < s->nline; i++)
        n += s->line[i].set == set && (!valid_only || s->line[i].valid);
    return n;
}

static bool ppn_used(const struct gen *s, uint64_t p)
{
    for (size_t i = 0; i < s->nppn; i++)
        if (s->ppn[i] == p)
            return true;
    return false;
}

static void add_pte(struct gen *s, uint64_t vpn, uint64_t ppn, bool valid, unsigned level)
{
    s->pte[s->npte++] = (struct pte){vpn, ppn, valid, level};
}

static void add_line(struct gen *s, unsigned set, uint64_t tag, bool valid)
{
    struct line *l = &s->line[s->nline++];
    l->set = set;
    l->way = 0;
    l->tag = tag;
    l->valid = valid;
    for (unsigned i = 0; i < (1u << s->g.cbb); i++)
        l->bytes[i] = (uint8_t)rng_below(&s->r, 256);
}

/* Place problem i; false when this try does not fit (the caller draws again). */
static bool place(struct gen *s, size_t i)
{
    const struct geo *g = &s->g;
    const struct want *w = &s->w[i];
    uint64_t vpn = rng_below(&s->r, g->vpn_lim);
    uint64_t vpo = rng_below(&s->r, UINT64_C(1) << g->p);
    if (vpn_used(s, vpn) || under_pde(s, vpn))
        return false;
    unsigned tset = (unsigned)(vpn & (g->tsets - 1));
    if (w->tlb == 1 && tlb_in_set(s, tset) >= g->tways)
        return false;
    if (w->fault == 1) {
        unsigned level = g->levels;
        if (w->upper)
            level = 1 + (unsigned)rng_below(&s->r, g->levels - 1);
        else if (g->levels > 1 && rng_below(&s->r, 3) == 0)
            level = 1 + (unsigned)rng_below(&s->r, g->levels - 1);
        if (level < g->levels && shares_entry(s, vpn, level))
            return false;
        if (s->npte >= MAX_PTE)
            return false;
        add_pte(s, vpn, 0, false, level < g->levels ? level : 0);
        s->vpn[s->nvpn++] = vpn;
        s->va[i] = vpn << g->p | vpo;
        return true;
    }
    uint64_t ppn = rng_range(&s->r, 1, g->ppn_lim - 1);
    if (ppn_used(s, ppn))
        return false;
    uint64_t pa = ppn << g->p | vpo;
    unsigned cset = (unsigned)((pa >> g->cbb) & (g->csets - 1));
    uint64_t ctag = pa >> (g->cbb + g->csb);
    if (w->cache == 1 && lines_in_set(s, cset, true) >= g->cache_cap)
        return false;
    if (s->npte >= MAX_PTE || s->ntlb >= MAX_TLB || s->nline >= MAX_LINE)
        return false;
    if (w->tlb == 1)
        s->tlb[s->ntlb++] = (struct tlbe){tset, 0, vpn >> g->tsb, ppn, true, true};
    add_pte(s, vpn, ppn, true, 0);
    if (w->cache == 1) {
        add_line(s, cset, ctag, true);
    } else {
        s->mem[s->nmem++] = (struct memb){pa, (uint8_t)rng_below(&s->r, 256)};
    }
    s->vpn[s->nvpn++] = vpn;
    s->ppn[s->nppn++] = ppn;
    s->block[s->nblock++] = pa >> g->cbb;
    s->va[i] = vpn << g->p | vpo;
    return true;
}

static bool block_of_problem(const struct gen *s, unsigned set, uint64_t tag)
{
    uint64_t blk = tag << s->g.csb | set;
    for (size_t i = 0; i < s->nblock; i++)
        if (s->block[i] == blk)
            return true;
    return false;
}

static bool valid_tag_in_set(const struct gen *s, unsigned set, uint64_t tag)
{
    for (size_t i = 0; i < s->nline; i++)
        if (s->line[i].set == set && s->line[i].valid && s->line[i].tag == tag)
            return true;
    return false;
}

/* Entries no problem reads, as a book's figure has them: stale invalid TLB entries and
 * cache lines, translations of other pages. Small machines get every set filled, larger
 * ones the sets the problems use. */
static void decoys(struct gen *s)
{
    const struct geo *g = &s->g;
    bool small = g->tsets * g->tways <= 64 && g->csets * g->cways <= 64;
    uint64_t tag_lim = UINT64_C(1) << (g->vpn_bits - g->tsb > 30 ? 30 : g->vpn_bits - g->tsb);
    for (unsigned set = 0; set < g->tsets; set++) {
        bool used = false;
        for (size_t i = 0; i < s->nvpn; i++)
            used |= (s->vpn[i] & (g->tsets - 1)) == set;
        if (!small && !used)
            continue;
        unsigned want = small ? g->tways : 1 + (unsigned)rng_below(&s->r, g->tways);
        for (unsigned tries = 0; tlb_in_set(s, set) < want && tries < 100; tries++) {
            if (s->ntlb >= MAX_TLB || s->npte >= MAX_PTE || s->nvpn >= MAX_PTE)
                break;
            uint64_t tag = rng_below(&s->r, tag_lim);
            uint64_t vpn = tag << g->tsb | set;
            if (vpn >= g->vpn_lim || vpn_used(s, vpn))
                continue;
            if (rng_below(&s->r, 2)) {
                s->tlb[s->ntlb++] = (struct tlbe){set, 0, tag, 0, false, false};
                continue;
            }
            if (under_pde(s, vpn))
                continue;
            uint64_t ppn = rng_range(&s->r, 1, g->ppn_lim - 1);
            if (ppn_used(s, ppn))
                continue;
            s->tlb[s->ntlb++] = (struct tlbe){set, 0, tag, ppn, true, true};
            add_pte(s, vpn, ppn, true, 0);
            s->vpn[s->nvpn++] = vpn;
        }
    }
    /* A few more PTEs, valid or not, of pages no problem uses. */
    for (unsigned k = 0, n = 2 + (unsigned)rng_below(&s->r, 4); k < n; k++) {
        uint64_t vpn = rng_below(&s->r, g->vpn_lim);
        if (vpn_used(s, vpn) || under_pde(s, vpn) || s->npte >= MAX_PTE || s->nvpn >= MAX_PTE)
            continue;
        bool valid = rng_below(&s->r, 2);
        uint64_t ppn = valid ? rng_range(&s->r, 1, g->ppn_lim - 1) : 0;
        if (valid && ppn_used(s, ppn))
            continue;
        add_pte(s, vpn, ppn, valid, 0);
        s->vpn[s->nvpn++] = vpn;
    }
    uint64_t ctag_lim = UINT64_C(1) << (g->pa_bits - g->cbb - g->csb);
    if (ctag_lim > (g->ppn_lim << g->p) >> (g->cbb + g->csb))
        ctag_lim = ((g->ppn_lim << g->p) >> (g->cbb + g->csb)) | 1;
    for (unsigned set = 0; set < g->csets; set++) {
        bool used = false;
        for (size_t i = 0; i < s->nblock; i++)
            used |= (s->block[i] & (g->csets - 1)) == set;
        if (!small && !used)
            continue;
        unsigned want = small ? g->cways : 1 + (unsigned)rng_below(&s->r, g->cache_cap);
        for (unsigned tries = 0; lines_in_set(s, set, false) < want && tries < 100; tries++) {
            if (s->nline >= MAX_LINE)
                break;
            uint64_t tag = rng_below(&s->r, ctag_lim);
            bool valid = rng_below(&s->r, 2);
            if (block_of_problem(s, set, tag))
                continue;
            if (valid && (valid_tag_in_set(s, set, tag) ||
                          lines_in_set(s, set, true) >= g->cache_cap))
                continue;
            add_line(s, set, tag, valid);
        }
    }
}

/* ---------------------------------------------------------------- the state text */

static unsigned hexw(unsigned bits)
{
    return bits ? (bits + 3) / 4 : 1;
}

static int cmp_tlb(const void *a, const void *b)
{
    const struct tlbe *x = a, *y = b;
    return x->set != y->set ? (x->set < y->set ? -1 : 1) : 0;
}
static int cmp_pte(const void *a, const void *b)
{
    const struct pte *x = a, *y = b;
    if (x->level != y->level)
        return x->level < y->level ? 1 : -1; /* pdes first */
    return x->vpn < y->vpn ? -1 : x->vpn > y->vpn;
}
static int cmp_line(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    return x->set != y->set ? (x->set < y->set ? -1 : 1) : 0;
}
static int cmp_mem(const void *a, const void *b)
{
    const struct memb *x = a, *y = b;
    return x->pa < y->pa ? -1 : x->pa > y->pa;
}

/* Stable sort by set, keeping the order entries were made in (insertion sort). */
static void sort_stable(void *base, size_t n, size_t sz, int (*cmp)(const void *, const void *))
{
    char *a = base, tmp[sizeof(struct line)];
    for (size_t i = 1; i < n; i++) {
        memcpy(tmp, a + i * sz, sz);
        size_t j = i;
        while (j > 0 && cmp(a + (j - 1) * sz, tmp) > 0) {
            memcpy(a + j * sz, a + (j - 1) * sz, sz);
            j--;
        }
        memcpy(a + j * sz, tmp, sz);
    }
}

static void state_text(struct gen *s, const struct vms_exercise *x, struct teach_buf *b)
{
    const struct geo *g = &s->g;
    /* Shuffle the ways within each set, then list by set and way. */
    sort_stable(s->tlb, s->ntlb, sizeof *s->tlb, cmp_tlb);
    for (size_t i = 0; i < s->ntlb;) {
        size_t j = i;
        while (j < s->ntlb && s->tlb[j].set == s->tlb[i].set)
            j++;
        for (size_t k = j - 1; k > i; k--) { /* Fisher-Yates over [i, j) */
            size_t m = i + (size_t)rng_below(&s->r, k - i + 1);
            struct tlbe t = s->tlb[k];
            s->tlb[k] = s->tlb[m];
            s->tlb[m] = t;
        }
        for (size_t k = i; k < j; k++)
            s->tlb[k].way = (unsigned)(k - i);
        i = j;
    }
    sort_stable(s->line, s->nline, sizeof *s->line, cmp_line);
    for (size_t i = 0; i < s->nline;) {
        size_t j = i;
        while (j < s->nline && s->line[j].set == s->line[i].set)
            j++;
        for (size_t k = j - 1; k > i; k--) {
            size_t m = i + (size_t)rng_below(&s->r, k - i + 1);
            struct line t = s->line[k];
            s->line[k] = s->line[m];
            s->line[m] = t;
        }
        for (size_t k = i; k < j; k++)
            s->line[k].way = (unsigned)(k - i);
        i = j;
    }
    qsort(s->pte, s->npte, sizeof *s->pte, cmp_pte);
    qsort(s->mem, s->nmem, sizeof *s->mem, cmp_mem);
    unsigned wt = hexw(g->vpn_bits - g->tsb), wv = hexw(g->vpn_bits), wp = hexw(g->ppn_bits),
             wc = hexw(g->pa_bits - g->cbb - g->csb), wa = hexw(g->pa_bits);
    teach_buf_printf(b, "# vmsim gen translate --seed %" PRIu64 " --machine %s: the TLB, page "
                     "table, cache and memory\n", x->seed, x->machine);
    teach_buf_printf(b, "machine %s\n", x->machine);
    teach_buf_printf(b, "# TLB (%u sets, %u-way): tlb SET WAY tag=TLBT ppn=PPN valid=0|1\n",
                     g->tsets, g->tways);
    for (size_t i = 0; i < s->ntlb; i++) {
        const struct tlbe *t = &s->tlb[i];
        teach_buf_printf(b, "tlb %u %u tag=0x%0*" PRIx64, t->set, t->way, (int)wt, t->tag);
        if (t->known)
            teach_buf_printf(b, " ppn=0x%0*" PRIx64, (int)wp, t->ppn);
        else
            teach_buf_printf(b, " ppn=-");
        teach_buf_printf(b, " valid=%d\n", t->valid);
    }
    teach_buf_printf(b, "# Page table: pte VPN ppn=PPN valid=0|1%s\n",
                     g->levels > 1 ? "; pde LEVEL VPN valid=0 (the upper-level entry "
                                     "covering VPN, not present)" : "");
    for (size_t i = 0; i < s->npte; i++) {
        const struct pte *t = &s->pte[i];
        if (t->level)
            teach_buf_printf(b, "pde %u 0x%0*" PRIx64 " valid=0\n", t->level, (int)wv, t->vpn);
        else if (t->valid)
            teach_buf_printf(b, "pte 0x%0*" PRIx64 " ppn=0x%0*" PRIx64 " valid=1\n", (int)wv,
                             t->vpn, (int)wp, t->ppn);
        else
            teach_buf_printf(b, "pte 0x%0*" PRIx64 " ppn=- valid=0\n", (int)wv, t->vpn);
    }
    teach_buf_printf(b, "# Cache (%u sets, %u-way, %u-byte blocks): cache SET WAY tag=CT "
                     "valid=0|1 bytes=B0,B1,... (hex)\n", g->csets, g->cways, 1u << g->cbb);
    for (size_t i = 0; i < s->nline; i++) {
        const struct line *l = &s->line[i];
        teach_buf_printf(b, "cache 0x%x %u tag=0x%0*" PRIx64 " valid=%d bytes=", l->set, l->way,
                         (int)wc, l->tag, l->valid);
        if (!l->valid) {
            teach_buf_printf(b, "-\n");
            continue;
        }
        for (unsigned k = 0; k < (1u << g->cbb); k++)
            teach_buf_printf(b, "%s%02x", k ? "," : "", l->bytes[k]);
        teach_buf_printf(b, "\n");
    }
    if (s->nmem)
        teach_buf_printf(b, "# Memory: mem PA BYTE (hex)\n");
    for (size_t i = 0; i < s->nmem; i++)
        teach_buf_printf(b, "mem 0x%0*" PRIx64 " %02x\n", (int)wa, s->mem[i].pa, s->mem[i].b);
}

/* ---------------------------------------------------------------- the key */

static void field(struct teach_problem *p, const char *name, const char *label,
                  enum teach_type t)
{
    struct teach_field *f = &p->f[p->nfields++];
    f->name = name;
    f->label = label;
    f->type = t;
    f->key[0] = f->hint[0] = '\0';
}

/* The key of field f from the JSON value v: a number as hex of bits' width, a boolean as
 * Y/N, null as "-". */
static int key_from(struct teach_field *f, const char *v, unsigned bits, struct vms_error *e)
{
    if (!strcmp(v, "null"))
        snprintf(f->key, sizeof f->key, "-");
    else if (!strcmp(v, "true"))
        snprintf(f->key, sizeof f->key, "Y");
    else if (!strcmp(v, "false"))
        snprintf(f->key, sizeof f->key, "N");
    else {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        if (*end || end == v)
            return err_set(e, VMS_EINVAL, "gen translate: unexpected translator value '%s'", v);
        snprintf(f->key, sizeof f->key, "0x%0*llX", (int)hexw(bits), n);
    }
    return 0;
}

static void hints(struct teach_problem *p, const struct geo *g)
{
    struct teach_field *f = p->f;
    snprintf(f[0].hint, sizeof f[0].hint, "VPN = VA >> %u: the VA without its %u VPO bits "
             "(pages of %llu bytes)", g->p, g->p, 1ull << g->p);
    if (g->tsb)
        snprintf(f[1].hint, sizeof f[1].hint, "TLBI = the low %u bits of the VPN (the TLB has "
                 "%u sets)", g->tsb, g->tsets);
    else
        snprintf(f[1].hint, sizeof f[1].hint, "the TLB has one set: TLBI is 0");
    snprintf(f[2].hint, sizeof f[2].hint, "TLBT = VPN >> %u: the VPN bits above the TLBI",
             g->tsb);
    snprintf(f[3].hint, sizeof f[3].hint, "look in TLB set TLBI for a valid entry whose tag is "
             "TLBT");
    if (g->levels == 1)
        snprintf(f[4].hint, sizeof f[4].hint, "a TLB hit never faults; on a miss read the PTE of "
                 "the VPN: not valid means a page fault");
    else
        snprintf(f[4].hint, sizeof f[4].hint, "a TLB hit never faults; on a miss walk the %u "
                 "levels from the root (VPN1 first, %u bits each below it): an entry not "
                 "present means a page fault", g->levels, g->lbits);
    snprintf(f[5].hint, sizeof f[5].hint, "the PPN is in the TLB entry on a hit, else in the "
             "PTE; '-' after a page fault");
    snprintf(f[6].hint, sizeof f[6].hint, "PA = PPN << %u | VPO", g->p);
    snprintf(f[7].hint, sizeof f[7].hint, "CO = the low %u bits of the PA (blocks of %u bytes)",
             g->cbb, 1u << g->cbb);
    snprintf(f[8].hint, sizeof f[8].hint, "CI = the %u PA bits above the CO (the cache has %u "
             "sets)", g->csb, g->csets);
    snprintf(f[9].hint, sizeof f[9].hint, "CT = PA >> %u: the PA bits above the CI",
             g->cbb + g->csb);
    snprintf(f[10].hint, sizeof f[10].hint, "look in cache set CI for a valid line whose tag "
             "is CT");
    snprintf(f[11].hint, sizeof f[11].hint, "on a hit, byte CO of the line; on a miss, the "
             "byte at PA in memory");
}

/* Translate every VA on the state; fill the keys and check each took its path. */
static int keys(struct gen *s, struct vms_exercise *x, struct vms_error *e)
{
    struct vms_state *st = NULL;
    struct vms_translator *t = NULL;
    int rc = vms_state_parse(x->state, strlen(x->state), "generated state", &st, e);
    if (rc == 0)
        rc = vms_translator_create(st, false, VMS_LOAD, &t, e);
    const struct geo *g = &s->g;
    static const struct {
        const char *name, *label, *json;
        enum teach_type type;
    } fs[] = {{"vpn", "VPN", "vpn", TEACH_HEX},
              {"tlbi", "TLBI", "tlb_index", TEACH_HEX},
              {"tlbt", "TLBT", "tlb_tag", TEACH_HEX},
              {"tlb_hit", "TLB hit?", "tlb_hit", TEACH_BOOL},
              {"page_fault", "Page fault?", "page_fault", TEACH_BOOL},
              {"ppn", "PPN", "ppn", TEACH_HEX},
              {"pa", "PA", "pa", TEACH_HEX},
              {"co", "CO", "cache_offset", TEACH_HEX},
              {"ci", "CI", "cache_index", TEACH_HEX},
              {"ct", "CT", "cache_tag", TEACH_HEX},
              {"cache_hit", "Cache hit?", "cache_hit", TEACH_BOOL},
              {"byte", "Byte returned", "byte", TEACH_HEX}};
    unsigned bits[] = {g->vpn_bits, g->tsb, g->vpn_bits - g->tsb, 0, 0, g->ppn_bits,
                       g->pa_bits, g->cbb, g->csb, g->pa_bits - g->cbb - g->csb, 0, 8};
    for (size_t i = 0; i < x->nproblems && rc == 0; i++) {
        struct teach_problem *p = &x->p[i];
        char *buf = NULL;
        size_t len = 0;
        FILE *mf = open_memstream(&buf, &len);
        if (!mf) {
            rc = err_set(e, VMS_ENOMEM, "out of memory");
            break;
        }
        rc = vms_translate(t, p->given, mf, VMS_JSON, e);
        if (fclose(mf) && rc == 0)
            rc = err_set(e, VMS_ENOMEM, "out of memory");
        if (rc == 0) {
            len = strcspn(buf, "\n");
            p->answer_json = vms_malloc(len + 1);
            if (!p->answer_json)
                rc = err_set(e, VMS_ENOMEM, "out of memory");
            else
                memcpy(p->answer_json, buf, len), p->answer_json[len] = '\0';
        }
        free(buf);
        for (size_t k = 0; k < sizeof fs / sizeof *fs && rc == 0; k++) {
            char v[64];
            field(p, fs[k].name, fs[k].label, fs[k].type);
            if (!teach_json_value(p->answer_json, fs[k].json, v, sizeof v))
                rc = err_set(e, VMS_EINVAL, "gen translate: the translator gave no %s",
                             fs[k].json);
            else
                rc = key_from(&p->f[k], v, bits[k], e);
        }
        if (rc)
            break;
        hints(p, g);
        /* The path asked for is the path taken. */
        const struct want *w = &s->w[i];
        bool ok = !strcmp(p->f[3].key, w->tlb ? "Y" : "N") &&
                  !strcmp(p->f[4].key, w->fault ? "Y" : "N") &&
                  (w->fault || !strcmp(p->f[10].key, w->cache ? "Y" : "N")) &&
                  (strcmp(p->f[11].key, "-") == 0) == (w->fault == 1);
        if (ok && w->upper) {
            char fl[16];
            ok = teach_json_value(p->answer_json, "fault_level", fl, sizeof fl) &&
                 strtoul(fl, NULL, 10) < g->levels;
        }
        if (!ok)
            rc = err_set(e, VMS_EINVAL, "gen translate: problem %zu (VA %s) did not take the "
                         "path asked for (a bug: please report the seed)", i + 1, p->given);
    }
    vms_translator_destroy(t);
    vms_state_destroy(st);
    return rc;
}

int teach_gen_translate(struct vms_exercise *x, struct vms_error *e)
{
    struct gen *s = vms_calloc(1, sizeof *s);
    if (!s)
        return err_set(e, VMS_ENOMEM, "out of memory");
    int rc = geometry(x->machine, &s->g, e);
    struct want list[TEACH_MAX_COUNT];
    size_t nlist = 0;
    for (const char *w = x->want; rc == 0 && *w;) {
        size_t k = strcspn(w, ",");
        if (nlist == TEACH_MAX_COUNT) {
            rc = err_set(e, VMS_EINVAL, "--want: at most %d scenarios", TEACH_MAX_COUNT);
            break;
        }
        if (k == 0) {
            rc = err_set(e, VMS_EINVAL, "--want: an empty scenario in '%s'", x->want);
            break;
        }
        rc = want_parse(w, k, &s->g, &list[nlist++], e);
        w += k + (w[k] == ',');
    }
    if (rc == 0 && !x->count)
        x->count = nlist > 1 ? (unsigned)nlist : 4;
    if (rc == 0) {
        x->p = vms_calloc(x->count, sizeof *x->p);
        if (!x->p)
            rc = err_set(e, VMS_ENOMEM, "out of memory");
    }
    rng_seed(&s->r, x->seed);
    for (size_t i = 0; rc == 0 && i < x->count; i++) {
        s->w[i] = nlist ? list[i % nlist] : (struct want){-1, -1, -1, false};
        want_resolve(&s->r, &s->w[i]);
        unsigned tries = 0;
        while (!place(s, i) && ++tries < 10000)
            ;
        if (tries == 10000)
            rc = err_set(e, VMS_EINVAL, "--count: %u problems of these scenarios do not fit "
                         "the tables of %s", x->count, x->machine);
    }
    struct teach_buf b = {0};
    if (rc == 0) {
        decoys(s);
        state_text(s, x, &b);
        if (b.failed)
            rc = err_set(e, VMS_ENOMEM, "out of memory");
        x->state = b.s;
    }
    if (rc == 0) {
        x->nproblems = x->count;
        for (size_t i = 0; i < x->count; i++) {
            struct teach_problem *p = &x->p[i];
            snprintf(p->given_name, sizeof p->given_name, "va");
            snprintf(p->given, sizeof p->given, "0x%0*" PRIx64, (int)hexw(s->g.va_bits),
                     s->va[i]);
            p->given_num = s->va[i];
        }
        snprintf(x->intro, sizeof x->intro,
                 "Translate each VA (a load) on %s as CS:APP 9.6.4 does: numbers in hex, Y or "
                 "N, '-' for a field the access never reaches.", x->machine);
        rc = keys(s, x, e);
    }
    vms_free(s);
    return rc;
}
