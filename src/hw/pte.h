/* Page-table entry formats: the real bit layouts the walker reads from memory.
 *
 * x86-64 (Intel SDM vol. 3 §4.5, 8 bytes):  bit 0 P, 1 R/W, 2 U/S, 3 PWT, 4 PCD, 5 A,
 *   6 D (leaf), 7 PS (leaf above the last level), 8 G (leaf), 12..51 frame address,
 *   63 XD. x86-32 (§4.3, 4 bytes): the same low bits, address bits 12..31, no XD.
 * Teaching format (CSAPP 9.5 protection figure, 4 bytes): bit 0 valid, 1 READ, 2 WRITE,
 *   3 EXEC, 4 SUP, 5 A, 6 D, PPN in bits 8..31. It has a READ bit; x86 has none
 *   (any present page is readable).
 * Formats are reached through one ops table each; the walker works on the decoded form. */
#ifndef VMS_HW_PTE_H
#define VMS_HW_PTE_H

#include "base/types.h"
#include "hw/config.h"

/* The decoded meaning of one entry, whatever the format. */
struct pte_info {
    bool present;  /* P / valid */
    bool writable; /* R/W / WRITE */
    bool user;     /* U/S=1: user may access (teaching: !SUP) */
    bool readable; /* teaching READ; always true on x86 when present */
    bool nx;       /* XD (x86-64) / !EXEC (teaching) */
    bool pwt, pcd; /* cache control, kept and printed, not modelled */
    bool accessed; /* A */
    bool dirty;    /* D */
    bool huge;     /* PS: this non-last-level entry maps a large page */
    bool global;   /* G */
    pfn_t pfn;     /* frame of the page or of the next-level table */
};

struct pte_format {
    const char *name;
    unsigned size;     /* bytes per entry */
    unsigned pfn_bits; /* width of the frame-number field */
    pte_t a_mask, d_mask;
    pte_t (*encode)(const struct pte_info *pi);
    void (*decode)(pte_t pte, struct pte_info *pi);
};

const struct pte_format *pte_format_get(enum pte_fmt f);

/* Write a bit-by-bit decoding of pte ("P=1 R/W=1 U/S=1 ... PFN=0x1234") into buf. */
void pte_describe(const struct pte_format *f, pte_t pte, bool leaf, char *buf, size_t n);

/* x86 bit positions, for code that must name them. */
#define X86_P BIT(0)
#define X86_RW BIT(1)
#define X86_US BIT(2)
#define X86_PWT BIT(3)
#define X86_PCD BIT(4)
#define X86_A BIT(5)
#define X86_D BIT(6)
#define X86_PS BIT(7)
#define X86_G BIT(8)
#define X86_XD BIT(63)

#define TEACH_V BIT(0)
#define TEACH_READ BIT(1)
#define TEACH_WRITE BIT(2)
#define TEACH_EXEC BIT(3)
#define TEACH_SUP BIT(4)
#define TEACH_A BIT(5)
#define TEACH_D BIT(6)
#define TEACH_PPN_SHIFT 8

#endif
