/* Machine-state files (docs/state-format.md): a machine, TLB contents, page-table
 * contents, cache contents and memory bytes, as the textbook's figures give them.
 * Parsing checks everything first (FILE:LINE:COL: what was expected); building makes
 * a fresh machine whose physical memory is "unknown" except where the state says. */
#include "api/state.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/infile.h"
#include "base/parse.h"
#include "base/slurp.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct tok {
    const char *s;
    size_t len;
    unsigned col;
};

struct lexline {
    const char *file;
    unsigned line;
    struct tok t[64];
    unsigned n;
};

static int lex_error(const struct lexline *l, unsigned col, struct vms_error *e, const char *what)
{
    return err_set(e, VMS_EINVAL, "%s:%u:%u: %s", l->file, l->line, col, what);
}

static bool tok_is(const struct tok *t, const char *s)
{
    return t->len == strlen(s) && !memcmp(t->s, s, t->len);
}

/* key=value token: returns true and splits when the token has that key. */
static bool tok_kv(const struct tok *t, const char *key, struct tok *val)
{
    size_t kl = strlen(key);
    if (t->len <= kl || memcmp(t->s, key, kl) || t->s[kl] != '=')
        return false;
    *val = (struct tok){t->s + kl + 1, t->len - kl - 1, t->col + (unsigned)kl + 1};
    return true;
}

static int num(const struct lexline *l, const struct tok *t, uint64_t *v, struct vms_error *e,
               const char *what)
{
    if (!parse_u64(t->s, t->len, v)) {
        char msg[160];
        snprintf(msg, sizeof msg, "expected %s (decimal or 0x hex), got '%.*s'", what,
                 (int)(t->len > 40 ? 40 : t->len), t->s);
        return lex_error(l, t->col, e, msg);
    }
    return 0;
}

static int hexbyte(const struct lexline *l, const char *s, size_t len, unsigned col, uint8_t *b,
                   struct vms_error *e)
{
    uint64_t v = 0;
    if (len == 0 || len > 2)
        return lex_error(l, col, e, "expected a byte as two hex digits (e.g. 3a)");
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return lex_error(l, col, e, "expected a byte as two hex digits (e.g. 3a)");
        v = v * 16 + d;
    }
    *b = (uint8_t)v;
    return 0;
}

static int push(struct vms_state *st, const struct state_item *it, struct vms_error *e)
{
    if (st->n == st->cap) {
        size_t nc = st->cap ? st->cap * 2 : 64;
        struct state_item *ni = vms_realloc(st->items, nc * sizeof *ni);
        if (!ni)
            return err_set(e, VMS_ENOMEM, "out of host memory");
        st->items = ni;
        st->cap = nc;
    }
    st->items[st->n++] = *it;
    return 0;
}

static int which_tlb(const struct tok *t)
{
    for (int i = 0; i < TLB_N; i++)
        if (tok_is(t, tlb_name(i)))
            return i;
    return -1;
}

static int which_cache(const struct tok *t)
{
    for (int i = 0; i < CACHE_N; i++)
        if (tok_is(t, cache_name(i)))
            return i;
    return -1;
}

/* "SET WAY" after the optional structure name, at l->t[*i]. */
static int parse_set_way(const struct lexline *l, unsigned *i, struct state_item *it,
                         struct vms_error *e)
{
    uint64_t pos[2];
    for (int k = 0; k < 2; k++, (*i)++) {
        if (*i >= l->n)
            return lex_error(l, l->t[l->n - 1].col + (unsigned)l->t[l->n - 1].len, e,
                             k ? "expected the way number" : "expected the set number");
        if (num(l, &l->t[*i], &pos[k], e, k ? "a way number" : "a set number"))
            return -VMS_EINVAL;
    }
    it->set = pos[0];
    it->way = pos[1];
    return 0;
}

/* prot=rwx: three characters from r- w- x-; sets it->prot (1 r, 2 w, 4 x). */
static int parse_prot(const struct lexline *l, const struct tok *v, struct state_item *it,
                      struct vms_error *e)
{
    if (v->len != 3 || (v->s[0] != 'r' && v->s[0] != '-') || (v->s[1] != 'w' && v->s[1] != '-') ||
        (v->s[2] != 'x' && v->s[2] != '-'))
        return lex_error(l, v->col, e, "expected prot= three characters from r- w- x-");
    it->prot = (v->s[0] == 'r' ? 1u : 0) | (v->s[1] == 'w' ? 2u : 0) | (v->s[2] == 'x' ? 4u : 0);
    return 0;
}

/* tlb [l1d|l1i|l2] SET WAY [size=4k|2m|1g] tag=T [ppn=P] valid=0|1 [prot=rwx] [global=0|1] */
static int parse_tlb(struct vms_state *st, const struct lexline *l, struct vms_error *e)
{
    struct state_item it = {.kind = ITEM_TLB, .line = l->line, .which = TLB_L1D,
                            .psz = PSZ_BASE, .prot = 7};
    unsigned i = 1;
    if (i < l->n && which_tlb(&l->t[i]) >= 0)
        it.which = which_tlb(&l->t[i++]);
    if (parse_set_way(l, &i, &it, e))
        return -VMS_EINVAL;
    bool have_tag = false, have_valid = false;
    for (; i < l->n; i++) {
        struct tok v;
        const struct tok *t = &l->t[i];
        if (tok_kv(t, "tag", &v)) {
            if (num(l, &v, &it.tag, e, "a tag"))
                return -VMS_EINVAL;
            have_tag = true;
        } else if (tok_kv(t, "ppn", &v)) {
            if (tok_is(&v, "-"))
                continue;
            if (num(l, &v, &it.ppn, e, "a PPN"))
                return -VMS_EINVAL;
            it.has_ppn = true;
        } else if (tok_kv(t, "valid", &v)) {
            uint64_t b;
            if (num(l, &v, &b, e, "0 or 1") || b > 1)
                return lex_error(l, v.col, e, "expected valid=0 or valid=1");
            it.valid = b;
            have_valid = true;
        } else if (tok_kv(t, "prot", &v)) {
            if (parse_prot(l, &v, &it, e))
                return -VMS_EINVAL;
        } else if (tok_kv(t, "global", &v)) {
            uint64_t b;
            if (num(l, &v, &b, e, "0 or 1") || b > 1)
                return lex_error(l, v.col, e, "expected global=0 or global=1");
            it.global = b;
        } else if (tok_kv(t, "size", &v)) {
            if (tok_is(&v, "4k"))
                it.psz = PSZ_BASE;
            else if (tok_is(&v, "2m"))
                it.psz = PSZ_MID;
            else if (tok_is(&v, "1g"))
                it.psz = PSZ_BIG;
            else
                return lex_error(l, v.col, e, "expected size=4k, 2m or 1g");
        } else if (tok_kv(t, "age", &v)) {
            if (num(l, &v, &it.age, e, "an age"))
                return -VMS_EINVAL;
            it.has_age = true;
        } else {
            return lex_error(l, t->col, e,
                             "expected tag=, ppn=, valid=, prot=, global=, size= or age=");
        }
    }
    if (!have_tag || !have_valid)
        return lex_error(l, l->t[0].col, e, "a tlb line needs tag= and valid=");
    if (it.valid && !it.has_ppn)
        return lex_error(l, l->t[0].col, e, "a valid tlb entry needs ppn=");
    return push(st, &it, e);
}

/* pte VPN [ppn=P] valid=0|1 [prot=rwx] [user=0|1] [a=0|1] [d=0|1] [global=0|1]
 * pde LEVEL VPN valid=0|1: the level-LEVEL entry (1 = root) covering page VPN */
static int parse_pte(struct vms_state *st, const struct lexline *l, bool pde,
                     struct vms_error *e)
{
    struct state_item it = {.kind = pde ? ITEM_PDE : ITEM_PTE, .line = l->line, .prot = 7,
                            .user = 1};
    unsigned i = 1;
    if (pde) {
        if (i >= l->n || num(l, &l->t[i], &it.level, e, "a level (1 = root)"))
            return i >= l->n ? lex_error(l, l->t[0].col, e, "expected a level") : -VMS_EINVAL;
        i++;
    }
    if (i >= l->n)
        return lex_error(l, l->t[0].col, e, "expected a VPN");
    if (num(l, &l->t[i], &it.vpn, e, "a VPN"))
        return -VMS_EINVAL;
    i++;
    bool have_valid = false;
    for (; i < l->n; i++) {
        struct tok v;
        const struct tok *t = &l->t[i];
        uint64_t b;
        if (tok_kv(t, "ppn", &v)) {
            if (tok_is(&v, "-"))
                continue;
            if (num(l, &v, &it.ppn, e, "a PPN"))
                return -VMS_EINVAL;
            it.has_ppn = true;
        } else if (tok_kv(t, "valid", &v) || tok_kv(t, "user", &v) || tok_kv(t, "a", &v) ||
                   tok_kv(t, "d", &v) || tok_kv(t, "global", &v)) {
            if (num(l, &v, &b, e, "0 or 1") || b > 1)
                return lex_error(l, v.col, e, "expected 0 or 1");
            char k = t->s[0];
            if (k == 'v') {
                it.valid = b;
                have_valid = true;
            } else if (k == 'u')
                it.user = b;
            else if (k == 'a')
                it.accessed = b;
            else if (k == 'd')
                it.dirty = b;
            else
                it.global = b;
        } else if (tok_kv(t, "prot", &v)) {
            if (parse_prot(l, &v, &it, e))
                return -VMS_EINVAL;
        } else {
            return lex_error(l, t->col, e,
                             "expected ppn=, valid=, prot=, user=, a=, d= or global=");
        }
    }
    if (!have_valid)
        return lex_error(l, l->t[0].col, e, "expected valid=0 or valid=1");
    if (it.valid && !it.has_ppn && !pde)
        return lex_error(l, l->t[0].col, e, "a valid pte needs ppn=");
    return push(st, &it, e);
}

/* cache [l1d|l1i|l2|l3] SET WAY tag=T valid=0|1 [dirty=0|1] [bytes=b0,b1,...] [age=N] */
static int parse_cache(struct vms_state *st, const struct lexline *l, struct vms_error *e)
{
    struct state_item it = {.kind = ITEM_CACHE, .line = l->line, .which = CACHE_L1D};
    unsigned i = 1;
    if (i < l->n && which_cache(&l->t[i]) >= 0)
        it.which = which_cache(&l->t[i++]);
    if (parse_set_way(l, &i, &it, e))
        return -VMS_EINVAL;
    bool have_tag = false, have_valid = false;
    for (; i < l->n; i++) {
        struct tok v;
        const struct tok *t = &l->t[i];
        uint64_t b;
        if (tok_kv(t, "tag", &v)) {
            if (num(l, &v, &it.tag, e, "a tag"))
                return -VMS_EINVAL;
            have_tag = true;
        } else if (tok_kv(t, "valid", &v) || tok_kv(t, "dirty", &v)) {
            if (num(l, &v, &b, e, "0 or 1") || b > 1)
                return lex_error(l, v.col, e, "expected 0 or 1");
            if (t->s[0] == 'v') {
                it.valid = b;
                have_valid = true;
            } else {
                it.dirty = b;
            }
        } else if (tok_kv(t, "age", &v)) {
            if (num(l, &v, &it.age, e, "an age"))
                return -VMS_EINVAL;
            it.has_age = true;
        } else if (tok_kv(t, "bytes", &v)) {
            if (tok_is(&v, "-"))
                continue;
            const char *p = v.s, *end = v.s + v.len;
            while (p <= end) {
                const char *q = memchr(p, ',', (size_t)(end - p));
                if (!q)
                    q = end;
                if (it.nbytes == sizeof it.bytes)
                    return lex_error(l, v.col, e, "too many bytes (at most 64 per block)");
                if (hexbyte(l, p, (size_t)(q - p), v.col + (unsigned)(p - v.s),
                            &it.bytes[it.nbytes++], e))
                    return -VMS_EINVAL;
                p = q + 1;
            }
            it.has_bytes = true;
        } else {
            return lex_error(l, t->col, e, "expected tag=, valid=, dirty=, bytes= or age=");
        }
    }
    if (!have_tag || !have_valid)
        return lex_error(l, l->t[0].col, e, "a cache line needs tag= and valid=");
    return push(st, &it, e);
}

/* mem PA BYTE...  (bytes as two hex digits each) */
static int parse_mem(struct vms_state *st, const struct lexline *l, struct vms_error *e)
{
    struct state_item it = {.kind = ITEM_MEM, .line = l->line};
    if (l->n < 3)
        return lex_error(l, l->t[0].col, e, "expected mem PA BYTE... (bytes in hex)");
    if (num(l, &l->t[1], &it.pa, e, "a physical address"))
        return -VMS_EINVAL;
    for (unsigned i = 2; i < l->n; i++) {
        if (it.nbytes == sizeof it.bytes)
            return lex_error(l, l->t[i].col, e, "too many bytes on one line (at most 64)");
        if (hexbyte(l, l->t[i].s, l->t[i].len, l->t[i].col, &it.bytes[it.nbytes++], e))
            return -VMS_EINVAL;
    }
    return push(st, &it, e);
}

/* Checks that need the machine: positions inside the geometry, widths. */
static int check_item(const struct vms_state *st, const struct state_item *it,
                      struct vms_error *e)
{
    const struct vms_config *c = &st->cfg;
    const char *f = st->file;
    uint64_t nframes = UINT64_C(1) << (c->pa_bits - c->page_shift);
    unsigned vpn_bits = c->va_bits - c->page_shift;
    if ((it->kind == ITEM_PTE || it->kind == ITEM_TLB) && it->has_ppn && it->ppn >= nframes)
        return err_set(e, VMS_EINVAL, "%s:%u:1: PPN 0x%llx does not fit the %u-bit physical address",
                       f, it->line, (unsigned long long)it->ppn, c->pa_bits);
    if (it->kind == ITEM_PTE || it->kind == ITEM_PDE) {
        if (vpn_bits < 64 && it->vpn >> vpn_bits)
            return err_set(e, VMS_EINVAL, "%s:%u:1: VPN 0x%llx wider than %u bits", f, it->line,
                           (unsigned long long)it->vpn, vpn_bits);
        if (it->kind == ITEM_PDE && (it->level < 1 || it->level >= c->levels))
            return err_set(e, VMS_EINVAL, "%s:%u:1: level %llu: expected 1..%u (the leaf level is given by pte lines)",
                           f, it->line, (unsigned long long)it->level, c->levels - 1);
    }
    if (it->kind == ITEM_TLB) {
        const struct tlb_cfg *tc = &c->tlb[it->which][it->psz];
        if (!tc->entries)
            return err_set(e, VMS_EINVAL, "%s:%u:1: this machine has no %s TLB for that page size",
                           f, it->line, tlb_name(it->which));
        if (it->set >= tc->entries / tc->ways || it->way >= tc->ways)
            return err_set(e, VMS_EINVAL, "%s:%u:1: set %llu way %llu outside the %u-set %u-way TLB",
                           f, it->line, (unsigned long long)it->set, (unsigned long long)it->way,
                           tc->entries / tc->ways, tc->ways);
    }
    if (it->kind == ITEM_CACHE) {
        const struct cache_cfg *cc = &c->cache[it->which];
        if (!cc->size)
            return err_set(e, VMS_EINVAL, "%s:%u:1: this machine has no %s cache", f, it->line,
                           cache_name(it->which));
        uint64_t sets = cc->size / ((uint64_t)cc->ways * cc->block);
        if (it->set >= sets || it->way >= cc->ways)
            return err_set(e, VMS_EINVAL, "%s:%u:1: set %llu way %llu outside the %llu-set %u-way cache",
                           f, it->line, (unsigned long long)it->set, (unsigned long long)it->way,
                           (unsigned long long)sets, cc->ways);
        if (it->has_bytes && it->nbytes != cc->block)
            return err_set(e, VMS_EINVAL, "%s:%u:1: bytes= gives %u bytes, the block holds %u", f,
                           it->line, it->nbytes, cc->block);
        if (c->pa_bits < 64 && (it->tag << (log2u(sets) + log2u(cc->block))) >> c->pa_bits)
            return err_set(e, VMS_EINVAL, "%s:%u:1: tag 0x%llx too wide for the physical address",
                           f, it->line, (unsigned long long)it->tag);
    }
    /* the last byte's address, checked for wrapping past 2^64 too */
    if (it->kind == ITEM_MEM &&
        (it->pa + it->nbytes - 1 < it->pa || (it->pa + it->nbytes - 1) >> c->pa_bits))
        return err_set(e, VMS_EINVAL, "%s:%u:1: address 0x%llx outside the %u-bit physical memory",
                       f, it->line, (unsigned long long)it->pa, c->pa_bits);
    return 0;
}

/* ---- duplicates (docs/state-format.md, "Checks")
 *
 * A place given twice is an error at the second line: a TLB slot (TLB, page size, set, way)
 * or a cache slot (level, set, way), the same VPN's pte, the same level and VPN's pde; and a
 * tag valid in two ways of one set (a TLB or cache cannot hold one block or page twice). The
 * places seen so far are kept in an open-addressing table of their keys. */
enum { DUP_SLOT, DUP_TAG, DUP_PTE, DUP_PDE };

struct dup_ent {
    uint64_t k[5]; /* kind, structure, page size, set or level, way or tag or VPN */
    unsigned line; /* 0: empty */
};

struct dups {
    struct dup_ent *t;
    size_t cap, n; /* cap a power of two */
};

static size_t dup_hash(const uint64_t k[5])
{
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (int i = 0; i < 5; i++) {
        h ^= k[i] + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
        h *= 0xbf58476d1ce4e5b9u;
    }
    return (size_t)(h ^ (h >> 31));
}

/* The line the key was first seen at, or 0 after adding it at line; -1 out of memory. */
static long dup_add(struct dups *d, const uint64_t k[5], unsigned line)
{
    if (2 * (d->n + 1) > d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        struct dup_ent *nt = vms_calloc(ncap, sizeof *nt);
        if (!nt)
            return -1;
        for (size_t i = 0; i < d->cap; i++)
            if (d->t[i].line) {
                size_t j = dup_hash(d->t[i].k) & (ncap - 1);
                while (nt[j].line)
                    j = (j + 1) & (ncap - 1);
                nt[j] = d->t[i];
            }
        vms_free(d->t);
        d->t = nt;
        d->cap = ncap;
    }
    size_t j = dup_hash(k) & (d->cap - 1);
    for (; d->t[j].line; j = (j + 1) & (d->cap - 1))
        if (!memcmp(d->t[j].k, k, sizeof d->t[j].k))
            return d->t[j].line;
    memcpy(d->t[j].k, k, sizeof d->t[j].k);
    d->t[j].line = line;
    d->n++;
    return 0;
}

static const char *const psz_names[] = {"", " 2m", " 1g"};

/* The item of line l against the places of the lines before it. */
static int dup_check(struct dups *d, const struct lexline *l, const struct state_item *it,
                     struct vms_error *e)
{
    char what[160];
    uint64_t k[5] = {0};
    long first = 0;
    const char *name = it->kind == ITEM_TLB ? tlb_name(it->which) : cache_name(it->which);
    const char *size = it->kind == ITEM_TLB ? psz_names[it->psz] : "";
    switch (it->kind) {
    case ITEM_TLB:
    case ITEM_CACHE:
        k[0] = DUP_SLOT;
        k[1] = (uint64_t)it->kind << 8 | (uint64_t)it->which;
        k[2] = (uint64_t)it->psz;
        k[3] = it->set;
        k[4] = it->way;
        if ((first = dup_add(d, k, l->line)) > 0) {
            snprintf(what, sizeof what, "duplicate %s for %s%s set %llu way %llu",
                     it->kind == ITEM_TLB ? "tlb entry" : "cache line", name, size,
                     (unsigned long long)it->set, (unsigned long long)it->way);
            break;
        }
        if (first < 0 || !it->valid)
            break;
        k[0] = DUP_TAG;
        k[4] = it->tag;
        if ((first = dup_add(d, k, l->line)) > 0)
            snprintf(what, sizeof what, "duplicate %s: %s%s set %llu already holds tag 0x%llx "
                     "valid in another way",
                     it->kind == ITEM_TLB ? "tlb tag" : "cache tag", name, size,
                     (unsigned long long)it->set, (unsigned long long)it->tag);
        break;
    case ITEM_PTE:
    case ITEM_PDE:
        k[0] = it->kind == ITEM_PTE ? DUP_PTE : DUP_PDE;
        k[3] = it->level;
        k[4] = it->vpn;
        if ((first = dup_add(d, k, l->line)) > 0) {
            if (it->kind == ITEM_PTE)
                snprintf(what, sizeof what, "duplicate pte for VPN 0x%llx",
                         (unsigned long long)it->vpn);
            else
                snprintf(what, sizeof what, "duplicate pde for level %llu VPN 0x%llx",
                         (unsigned long long)it->level, (unsigned long long)it->vpn);
        }
        break;
    case ITEM_MEM:
        break;
    }
    if (first < 0)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    if (first > 0)
        return err_set(e, VMS_EINVAL, "%s:%u:%u: %s (first at line %ld)", l->file, l->line,
                       l->t[0].col, what, first);
    return 0;
}

static struct vms_state *state_parse(const char *text, size_t len, const char *file,
                                     struct vms_error *e)
{
    struct dups dups = {0};
    struct vms_state *st = vms_calloc(1, sizeof *st);
    if (!st) {
        err_set(e, VMS_ENOMEM, "out of host memory");
        return NULL;
    }
    snprintf(st->file, sizeof st->file, "%s", file);
    st->bytes = len;
    st->hash = vms_input_hash(text, len);
    bool have_machine = false;
    struct lexline l = {.file = st->file};
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        l.line++;
        l.n = 0;
        const char *q = p;
        while (q < eol) {
            while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
                q++;
            if (q >= eol || *q == '#')
                break;
            const char *s = q;
            while (q < eol && *q != ' ' && *q != '\t' && *q != '\r' && *q != '#')
                q++;
            if (l.n == ARRAY_LEN(l.t)) {
                lex_error(&l, (unsigned)(s - p) + 1, e, "too many words on one line");
                goto fail;
            }
            l.t[l.n++] = (struct tok){s, (size_t)(q - s), (unsigned)(s - p) + 1};
        }
        for (const char *c = p; c < eol; c++)
            if (*c == '\0' || ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\r')) {
                lex_error(&l, (unsigned)(c - p) + 1, e, "unexpected control character");
                goto fail;
            }
        p = eol + 1;
        if (!l.n)
            continue;
        const struct tok *t0 = &l.t[0];
        int rc = 0;
        if (tok_is(t0, "machine")) {
            if (have_machine) {
                lex_error(&l, t0->col, e, "machine given twice");
                goto fail;
            }
            if (l.n < 2) {
                lex_error(&l, t0->col + 7, e, "expected a machine name");
                goto fail;
            }
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(l.t[1].len < 63 ? l.t[1].len : 63),
                     l.t[1].s);
            if (config_preset(&st->cfg, name, e)) {
                err_prefix(e, "%s:%u:%u", st->file, l.line, l.t[1].col);
                goto fail;
            }
            for (unsigned i = 2; i < l.n; i++) {
                char kv[256], *eq;
                snprintf(kv, sizeof kv, "%.*s", (int)(l.t[i].len < 255 ? l.t[i].len : 255),
                         l.t[i].s);
                eq = strchr(kv, '=');
                if (!eq) {
                    lex_error(&l, l.t[i].col, e, "expected KEY=VALUE");
                    goto fail;
                }
                *eq = '\0';
                if (config_set(&st->cfg, kv, eq + 1, e)) {
                    err_prefix(e, "%s:%u:%u", st->file, l.line, l.t[i].col);
                    goto fail;
                }
            }
            if (config_check(&st->cfg, NULL, e)) {
                err_prefix(e, "%s:%u:%u", st->file, l.line, l.t[1].col);
                goto fail;
            }
            have_machine = true;
            continue;
        }
        if (!have_machine) {
            lex_error(&l, t0->col, e, "expected a machine line first (machine PRESET [KEY=VALUE]...)");
            goto fail;
        }
        if (tok_is(t0, "tlb"))
            rc = parse_tlb(st, &l, e);
        else if (tok_is(t0, "pte"))
            rc = parse_pte(st, &l, false, e);
        else if (tok_is(t0, "pde"))
            rc = parse_pte(st, &l, true, e);
        else if (tok_is(t0, "cache"))
            rc = parse_cache(st, &l, e);
        else if (tok_is(t0, "mem"))
            rc = parse_mem(st, &l, e);
        else
            rc = lex_error(&l, t0->col, e, "expected machine, tlb, pte, pde, cache or mem");
        if (rc || check_item(st, &st->items[st->n - 1], e) ||
            dup_check(&dups, &l, &st->items[st->n - 1], e))
            goto fail;
    }
    if (!have_machine) {
        err_set(e, VMS_EINVAL, "%s:%u:1: expected a machine line", st->file, l.line + 1);
        goto fail;
    }
    vms_free(dups.t);
    return st;
fail:
    vms_free(dups.t);
    vms_state_destroy(st);
    return NULL;
}

static struct vms_state *state_load(const char *path, struct vms_error *e)
{
    int fd = infile_open(path, INFILE_REGULAR, "state file", e); /* never hangs */
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0) {
            close(fd);
            err_set(e, VMS_ENOMEM, "%s: out of host memory", path);
        }
        return NULL;
    }
    char *buf;
    size_t n;
    int rc = slurp_file(f, path, "state file", (size_t)64 << 20, &buf, &n, e);
    fclose(f);
    if (rc)
        return NULL;
    struct vms_state *st = state_parse(buf, n, path, e);
    vms_free(buf);
    return st;
}

void vms_state_destroy(struct vms_state *st)
{
    if (!st)
        return;
    vms_free(st->items);
    vms_free(st);
}

/* Order lines of a structure: by age= when given, else as listed (first = oldest). */
static int by_age(const void *a, const void *b)
{
    const struct state_item *x = *(const struct state_item *const *)a;
    const struct state_item *y = *(const struct state_item *const *)b;
    uint64_t ax = x->has_age ? x->age : x->line, ay = y->has_age ? y->age : y->line;
    return ax < ay ? -1 : ax > ay;
}

/* Write the entry at `level` for page vpn, creating the tables above it. */
static int write_entry(struct vms_machine *vm, paddr_t root, const struct state_item *it,
                       unsigned level, const char *file, struct vms_error *e)
{
    struct mmu *m = &vm->mmu;
    vaddr_t va = it->vpn << m->cfg.page_shift;
    paddr_t table = root;
    for (unsigned lvl = 1;; lvl++) {
        uint64_t idx = bits_of(va, m->g.index_shift[lvl - 1], m->g.index_bits[lvl - 1]);
        paddr_t pte_pa = table + idx * m->fmt->size;
        if (lvl == level) {
            struct pte_info pi = {.present = it->valid, .pfn = it->ppn,
                                  .readable = (it->prot & 1) || m->cfg.pte_fmt != PTE_FMT_TEACH,
                                  .writable = it->prot & 2, .nx = !(it->prot & 4),
                                  .user = it->user, .accessed = it->accessed,
                                  .dirty = it->dirty, .global = it->global};
            if (level < m->cfg.levels) {
                pi.writable = pi.readable = true;
                pi.nx = false;
                pi.dirty = pi.global = false;
            }
            pte_t v = it->valid || it->has_ppn ? m->fmt->encode(&pi) : 0;
            if (pt_write(m, pte_pa, v))
                return err_set(e, VMS_ENOMEM, "out of host memory");
            return 0;
        }
        uint64_t old;
        struct pte_info pi;
        bool known = physmem_read(m->pm, pte_pa, m->fmt->size, &old);
        m->fmt->decode(old, &pi);
        if (known && !pi.present)
            return err_set(e, VMS_EINVAL,
                           "%s:%u:1: the level-%u entry above VPN 0x%llx is given as not present",
                           file, it->line, lvl, (unsigned long long)it->vpn);
        if (!known) {
            pfn_t t = vm->alloc.alloc(vm->alloc.ctx, 1); /* bytes stay unknown */
            pi = (struct pte_info){.present = true, .writable = true, .readable = true,
                                   .user = true, .pfn = t};
            if (pt_write(m, pte_pa, m->fmt->encode(&pi)))
                return err_set(e, VMS_ENOMEM, "out of host memory");
        }
        table = pi.pfn << m->cfg.page_shift;
    }
}

struct vms_machine *state_build(const struct vms_state *st, struct vms_error *e)
{
    struct vms_machine *vm = machine_create(&st->cfg, true, e);
    if (!vm)
        return NULL;
    struct mmu *m = &vm->mmu;
    if (caches_enable_data(&m->caches, m->pm))
        goto oom;
    /* The root table: its frames hold unknown bytes until entries are given. */
    vm->spaces = vms_calloc(1, sizeof *vm->spaces);
    if (!vm->spaces)
        goto oom;
    vm->cap = vm->nspaces = 1;
    vm->spaces[0].root = vm->alloc.alloc(vm->alloc.ctx, m->g.root_pages) << m->cfg.page_shift;
    vm->spaces[0].asid = 1;
    vm->cur = 0;
    mmu_load_cr3(m, vm->spaces[0].root, 1);
    vm->spaces[0].asid = m->asid; /* 0 unless PCIDs are on */

    const struct state_item **order = vms_calloc(st->n ? st->n : 1, sizeof *order);
    if (!order)
        goto oom;
    for (size_t i = 0; i < st->n; i++)
        order[i] = &st->items[i];
    qsort(order, st->n, sizeof *order, by_age);
    /* Upper-level entries first, then leaves, so a pde valid=0 is seen by the leaves. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < st->n; i++) {
            const struct state_item *it = &st->items[i];
            if ((pass == 0 && it->kind == ITEM_PDE) || (pass == 1 && it->kind == ITEM_PTE)) {
                if (write_entry(vm, vm->spaces[0].root, it,
                                it->kind == ITEM_PDE ? (unsigned)it->level : m->cfg.levels,
                                st->file, e)) {
                    vms_free(order);
                    vms_machine_destroy(vm);
                    return NULL;
                }
            }
        }
    for (size_t i = 0; i < st->n; i++) {
        const struct state_item *it = &st->items[i];
        if (it->kind == ITEM_MEM && physmem_write_bytes(m->pm, it->pa, it->bytes, it->nbytes)) {
            vms_free(order);
            goto oom;
        }
    }
    /* TLB and cache lines in age order: each placement is younger than the last. */
    for (size_t i = 0; i < st->n; i++) {
        const struct state_item *it = order[i];
        if (it->kind == ITEM_TLB) {
            struct tlb *t = &m->tlb[it->which];
            const struct tlb_array *a = &t->arr[it->psz];
            unsigned flags = TLBF_U | TLBF_D | TLBF_R;
            flags |= (it->prot & 2) ? TLBF_W : 0;
            flags |= (it->prot & 4) ? 0 : TLBF_NX;
            flags |= it->global ? TLBF_G : 0;
            uint64_t vpn = (it->tag << log2u(a->sets)) | it->set;
            pfn_t pfn = it->ppn << (a->shift - m->cfg.page_shift);
            tlb_set_entry(t, it->psz, (uint32_t)it->set, (uint32_t)it->way, vpn, pfn, flags,
                          m->asid, it->valid);
        } else if (it->kind == ITEM_CACHE) {
            cache_set_line(&m->caches.lvl[it->which], (uint32_t)it->set, (uint32_t)it->way,
                           it->tag, it->valid, it->dirty, it->has_bytes ? it->bytes : NULL);
        }
    }
    vms_free(order);
    return vm;
oom:
    vms_machine_destroy(vm);
    err_set(e, VMS_ENOMEM, "out of host memory building the machine state");
    return NULL;
}

/* A constructor's result as the public shape: 0 and *out, or the code in e. */
static int state_result(struct vms_state *st, struct vms_state **out, struct vms_error *e)
{
    *out = st;
    return st ? 0 : -(e->code ? e->code : VMS_EINVAL);
}

int vms_state_parse(const char *text, size_t len, const char *filename, struct vms_state **out,
                    struct vms_error *e)
{
    struct vms_error le;
    if (!e)
        e = &le;
    e->code = 0;
    return state_result(state_parse(text, len, filename, e), out, e);
}

int vms_state_load(const char *path, struct vms_state **out, struct vms_error *e)
{
    struct vms_error le;
    if (!e)
        e = &le;
    e->code = 0;
    return state_result(state_load(path, e), out, e);
}
