/* The three PTE formats behind one ops table each (see pte.h for the layouts). */
#include "hw/pte.h"

#include <stdio.h>

static pte_t x86_encode_common(const struct pte_info *pi)
{
    pte_t v = 0;
    v |= pi->present ? X86_P : 0;
    v |= pi->writable ? X86_RW : 0;
    v |= pi->user ? X86_US : 0;
    v |= pi->pwt ? X86_PWT : 0;
    v |= pi->pcd ? X86_PCD : 0;
    v |= pi->accessed ? X86_A : 0;
    v |= pi->dirty ? X86_D : 0;
    v |= pi->huge ? X86_PS : 0;
    v |= pi->global ? X86_G : 0;
    return v;
}

static void x86_decode_common(pte_t v, struct pte_info *pi)
{
    pi->present = v & X86_P;
    pi->writable = v & X86_RW;
    pi->user = v & X86_US;
    pi->pwt = v & X86_PWT;
    pi->pcd = v & X86_PCD;
    pi->accessed = v & X86_A;
    pi->dirty = v & X86_D;
    pi->huge = v & X86_PS;
    pi->global = v & X86_G;
    pi->readable = pi->present;
}

static pte_t x64_encode(const struct pte_info *pi)
{
    return x86_encode_common(pi) | ((pi->pfn & mask_bits(40)) << 12) | (pi->nx ? X86_XD : 0);
}

static void x64_decode(pte_t v, struct pte_info *pi)
{
    x86_decode_common(v, pi);
    pi->nx = v & X86_XD;
    pi->pfn = bits_of(v, 12, 40);
}

static pte_t x32_encode(const struct pte_info *pi)
{
    return (x86_encode_common(pi) | ((pi->pfn & mask_bits(20)) << 12)) & mask_bits(32);
}

static void x32_decode(pte_t v, struct pte_info *pi)
{
    x86_decode_common(v, pi);
    pi->nx = false;
    pi->pfn = bits_of(v, 12, 20);
}

static pte_t teach_encode(const struct pte_info *pi)
{
    pte_t v = 0;
    v |= pi->present ? TEACH_V : 0;
    v |= pi->readable ? TEACH_READ : 0;
    v |= pi->writable ? TEACH_WRITE : 0;
    v |= pi->nx ? 0 : TEACH_EXEC;
    v |= pi->user ? 0 : TEACH_SUP;
    v |= pi->accessed ? TEACH_A : 0;
    v |= pi->dirty ? TEACH_D : 0;
    return v | (pi->pfn & mask_bits(24)) << TEACH_PPN_SHIFT;
}

static void teach_decode(pte_t v, struct pte_info *pi)
{
    *pi = (struct pte_info){0};
    pi->present = v & TEACH_V;
    pi->readable = v & TEACH_READ;
    pi->writable = v & TEACH_WRITE;
    pi->nx = !(v & TEACH_EXEC);
    pi->user = !(v & TEACH_SUP);
    pi->accessed = v & TEACH_A;
    pi->dirty = v & TEACH_D;
    pi->pfn = bits_of(v, TEACH_PPN_SHIFT, 24);
}

static const struct pte_format fmt_x64 = {"x86-64", 8, 40, X86_A, X86_D, x64_encode, x64_decode};
static const struct pte_format fmt_x32 = {"x86-32", 4, 20, X86_A, X86_D, x32_encode, x32_decode};
static const struct pte_format fmt_teach = {"teach", 4, 24, TEACH_A, TEACH_D, teach_encode,
                                            teach_decode};

const struct pte_format *pte_format_get(enum pte_fmt f)
{
    switch (f) {
    case PTE_FMT_X86_64: return &fmt_x64;
    case PTE_FMT_X86_32: return &fmt_x32;
    case PTE_FMT_TEACH: break;
    }
    return &fmt_teach;
}

void pte_describe(const struct pte_format *f, pte_t pte, bool leaf, char *buf, size_t n)
{
    struct pte_info pi;
    f->decode(pte, &pi);
    if (f->encode == teach_encode) {
        snprintf(buf, n, "valid=%d READ=%d WRITE=%d EXEC=%d SUP=%d A=%d D=%d PPN=0x%llx",
                 pi.present, pi.readable, pi.writable, !pi.nx, !pi.user, pi.accessed, pi.dirty,
                 (unsigned long long)pi.pfn);
        return;
    }
    int w = snprintf(buf, n, "P=%d R/W=%d U/S=%d PWT=%d PCD=%d A=%d", pi.present, pi.writable,
                     pi.user, pi.pwt, pi.pcd, pi.accessed);
    if (w < 0 || (size_t)w >= n)
        return;
    /* D and G mean something only in a leaf; PS only above the last level. */
    w += snprintf(buf + w, n - (size_t)w, " D=%d PS=%d G=%d", pi.dirty, pi.huge, pi.global);
    if (w < 0 || (size_t)w >= n)
        return;
    if (f->size == 8)
        w += snprintf(buf + w, n - (size_t)w, " XD=%d", pi.nx);
    if (w < 0 || (size_t)w >= n)
        return;
    snprintf(buf + w, n - (size_t)w, " %s=0x%llx", leaf ? "PFN" : "next-table PFN",
             (unsigned long long)pi.pfn);
}
