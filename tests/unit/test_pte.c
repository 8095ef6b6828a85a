/* Unit tests for src/hw/pte: every bit of the x86-64, x86-32 and teaching formats,
 * encoded and decoded one at a time, and pte_describe's bit-by-bit text. */
#include "harness.h"

#include "hw/pte.h"

/* Set one field of a pte_info by name. */
enum field { F_P, F_RW, F_US, F_PWT, F_PCD, F_A, F_D, F_PS, F_G, F_XD, F_N };

static struct pte_info only(enum field f)
{
    struct pte_info pi = {0};
    switch (f) {
    case F_P: pi.present = true; break;
    case F_RW: pi.writable = true; break;
    case F_US: pi.user = true; break;
    case F_PWT: pi.pwt = true; break;
    case F_PCD: pi.pcd = true; break;
    case F_A: pi.accessed = true; break;
    case F_D: pi.dirty = true; break;
    case F_PS: pi.huge = true; break;
    case F_G: pi.global = true; break;
    case F_XD: pi.nx = true; break;
    case F_N: break;
    }
    return pi;
}

static bool field_of(const struct pte_info *pi, enum field f)
{
    switch (f) {
    case F_P: return pi->present;
    case F_RW: return pi->writable;
    case F_US: return pi->user;
    case F_PWT: return pi->pwt;
    case F_PCD: return pi->pcd;
    case F_A: return pi->accessed;
    case F_D: return pi->dirty;
    case F_PS: return pi->huge;
    case F_G: return pi->global;
    case F_XD: return pi->nx;
    case F_N: break;
    }
    return false;
}

static const pte_t x86_bit[F_N] = {X86_P,  X86_RW, X86_US, X86_PWT, X86_PCD,
                                   X86_A,  X86_D,  X86_PS, X86_G,   X86_XD};

TEST(pte_x86_64_bit_positions)
{
    /* The architectural positions (Intel SDM vol. 3 Table 4-19). */
    CHECK_EQ(X86_P, 1);
    CHECK_EQ(X86_RW, 2);
    CHECK_EQ(X86_US, 4);
    CHECK_EQ(X86_PWT, 8);
    CHECK_EQ(X86_PCD, 0x10);
    CHECK_EQ(X86_A, 0x20);
    CHECK_EQ(X86_D, 0x40);
    CHECK_EQ(X86_PS, 0x80);
    CHECK_EQ(X86_G, 0x100);
    CHECK_EQ(X86_XD, UINT64_C(1) << 63);
}

TEST(pte_x86_64_each_bit)
{
    const struct pte_format *f = pte_format_get(PTE_FMT_X86_64);
    CHECK_EQ(f->size, 8);
    CHECK_EQ(f->pfn_bits, 40);
    CHECK_EQ(f->a_mask, X86_A);
    CHECK_EQ(f->d_mask, X86_D);
    for (int b = 0; b < F_N; b++) {
        struct pte_info pi = only((enum field)b);
        CHECK_EQ(f->encode(&pi), x86_bit[b]);
        struct pte_info d;
        f->decode(x86_bit[b], &d);
        for (int o = 0; o < F_N; o++)
            CHECK_EQ(field_of(&d, (enum field)o), o == b);
        CHECK_EQ(d.pfn, 0);
    }
    struct pte_info z = {0}, d;
    CHECK_EQ(f->encode(&z), 0);
    f->decode(0, &d);
    CHECK(!d.present && !d.readable);
}

TEST(pte_x86_64_address_bits)
{
    const struct pte_format *f = pte_format_get(PTE_FMT_X86_64);
    /* Every address bit 12..51, one at a time. */
    for (unsigned b = 0; b < 40; b++) {
        struct pte_info pi = {.pfn = UINT64_C(1) << b};
        CHECK_EQ(f->encode(&pi), UINT64_C(1) << (12 + b));
        struct pte_info d;
        f->decode(UINT64_C(1) << (12 + b), &d);
        CHECK_EQ(d.pfn, UINT64_C(1) << b);
        CHECK(!d.present && !d.nx);
    }
    /* Frame bits beyond 40 are dropped; bits 52..62 and 9..11 are not frame bits. */
    struct pte_info big = {.pfn = mask_bits(44)};
    CHECK_EQ(f->encode(&big), mask_bits(40) << 12);
    struct pte_info d;
    f->decode(mask_bits(63) & ~mask_bits(52) & ~(pte_t)0 /* bits 52..62 */, &d);
    CHECK_EQ(d.pfn, 0);
    f->decode(0xe00, &d);
    CHECK_EQ(d.pfn, 0);
    /* All together round-trips. */
    struct pte_info all = {.present = true, .writable = true, .user = true, .pwt = true,
                           .pcd = true, .accessed = true, .dirty = true, .huge = true,
                           .global = true, .nx = true, .pfn = 0xabcdef1234ull};
    pte_t v = f->encode(&all);
    CHECK_EQ(v, X86_XD | (0xabcdef1234ull << 12) | 0x1ff);
    f->decode(v, &d);
    CHECK(d.present && d.writable && d.user && d.pwt && d.pcd && d.accessed && d.dirty &&
          d.huge && d.global && d.nx && d.readable);
    CHECK_EQ(d.pfn, 0xabcdef1234ull);
}

TEST(pte_x86_32_each_bit)
{
    const struct pte_format *f = pte_format_get(PTE_FMT_X86_32);
    CHECK_EQ(f->size, 4);
    CHECK_EQ(f->pfn_bits, 20);
    for (int b = 0; b < F_XD; b++) {
        struct pte_info pi = only((enum field)b);
        CHECK_EQ(f->encode(&pi), x86_bit[b]);
        struct pte_info d;
        f->decode(x86_bit[b], &d);
        for (int o = 0; o < F_N; o++)
            CHECK_EQ(field_of(&d, (enum field)o), o == b);
    }
    /* No XD: encoding ignores it, decoding never reports it. */
    struct pte_info nx = only(F_XD);
    CHECK_EQ(f->encode(&nx), 0);
    struct pte_info d;
    f->decode(UINT64_C(1) << 63 | UINT64_C(1) << 31, &d);
    CHECK(!d.nx);
    CHECK_EQ(d.pfn, 1u << 19);
    for (unsigned b = 0; b < 20; b++) {
        struct pte_info pi = {.pfn = UINT64_C(1) << b};
        CHECK_EQ(f->encode(&pi), UINT64_C(1) << (12 + b));
        f->decode(UINT64_C(1) << (12 + b), &d);
        CHECK_EQ(d.pfn, UINT64_C(1) << b);
    }
    /* A frame number wider than 20 bits cannot leak above bit 31. */
    struct pte_info wide = {.present = true, .pfn = mask_bits(30)};
    CHECK_EQ(f->encode(&wide), 0xfffff001u);
}

TEST(pte_teach_each_bit)
{
    const struct pte_format *f = pte_format_get(PTE_FMT_TEACH);
    CHECK_EQ(f->size, 4);
    CHECK_EQ(f->a_mask, TEACH_A);
    CHECK_EQ(f->d_mask, TEACH_D);
    /* The zero pte_info means: executable (nx=0) and supervisor (user=0). */
    struct pte_info z = {0};
    CHECK_EQ(f->encode(&z), TEACH_EXEC | TEACH_SUP);
    struct pte_info user_nx = {.user = true, .nx = true};
    CHECK_EQ(f->encode(&user_nx), 0);
    struct {
        pte_t bit;
        struct pte_info pi; /* with user = true, nx = true as the neutral base */
    } cases[] = {
        {TEACH_V, {.present = true, .user = true, .nx = true}},
        {TEACH_READ, {.readable = true, .user = true, .nx = true}},
        {TEACH_WRITE, {.writable = true, .user = true, .nx = true}},
        {TEACH_EXEC, {.user = true}},
        {TEACH_SUP, {.nx = true}},
        {TEACH_A, {.accessed = true, .user = true, .nx = true}},
        {TEACH_D, {.dirty = true, .user = true, .nx = true}},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        CHECK_EQ(f->encode(&cases[i].pi), cases[i].bit);
        struct pte_info d;
        f->decode(cases[i].bit, &d);
        CHECK_EQ(d.present, cases[i].pi.present);
        CHECK_EQ(d.readable, cases[i].pi.readable);
        CHECK_EQ(d.writable, cases[i].pi.writable);
        CHECK_EQ(d.nx, cases[i].pi.nx);
        CHECK_EQ(d.user, cases[i].pi.user);
        CHECK_EQ(d.accessed, cases[i].pi.accessed);
        CHECK_EQ(d.dirty, cases[i].pi.dirty);
        CHECK(!d.huge && !d.global && !d.pwt && !d.pcd);
    }
    for (unsigned b = 0; b < 24; b++) {
        struct pte_info pi = {.pfn = UINT64_C(1) << b, .user = true, .nx = true};
        CHECK_EQ(f->encode(&pi), UINT64_C(1) << (TEACH_PPN_SHIFT + b));
        struct pte_info d;
        f->decode(UINT64_C(1) << (TEACH_PPN_SHIFT + b), &d);
        CHECK_EQ(d.pfn, UINT64_C(1) << b);
    }
    /* Bit 7 is unused: it is neither a flag nor part of the PPN. */
    struct pte_info d;
    f->decode(0x80, &d);
    CHECK_EQ(d.pfn, 0);
    CHECK(!d.present);
}

TEST(pte_describe_text)
{
    char buf[256];
    const struct pte_format *x64 = pte_format_get(PTE_FMT_X86_64);
    pte_describe(x64, X86_P | X86_RW | X86_A | X86_XD | (0x1234ull << 12), true, buf, sizeof buf);
    CHECK_STR(buf, "P=1 R/W=1 U/S=0 PWT=0 PCD=0 A=1 D=0 PS=0 G=0 XD=1 PFN=0x1234");
    pte_describe(x64, X86_P | X86_US | X86_PS | X86_D | X86_G | X86_PWT | X86_PCD | (0x200ull << 12),
                 false, buf, sizeof buf);
    CHECK_STR(buf, "P=1 R/W=0 U/S=1 PWT=1 PCD=1 A=0 D=1 PS=1 G=1 XD=0 next-table PFN=0x200");

    const struct pte_format *x32 = pte_format_get(PTE_FMT_X86_32);
    pte_describe(x32, X86_P | X86_RW | (0xfffffull << 12), true, buf, sizeof buf);
    CHECK_STR(buf, "P=1 R/W=1 U/S=0 PWT=0 PCD=0 A=0 D=0 PS=0 G=0 PFN=0xfffff");

    const struct pte_format *t = pte_format_get(PTE_FMT_TEACH);
    pte_describe(t, TEACH_V | TEACH_READ | TEACH_EXEC | (0x0dull << TEACH_PPN_SHIFT), true, buf,
                 sizeof buf);
    CHECK_STR(buf, "valid=1 READ=1 WRITE=0 EXEC=1 SUP=0 A=0 D=0 PPN=0xd");
    pte_describe(t, TEACH_SUP | TEACH_WRITE | TEACH_A | TEACH_D, true, buf, sizeof buf);
    CHECK_STR(buf, "valid=0 READ=0 WRITE=1 EXEC=0 SUP=1 A=1 D=1 PPN=0x0");

    /* A short buffer is truncated, never overrun. */
    char small[12];
    memset(small, 'x', sizeof small);
    pte_describe(x64, ~(pte_t)0, true, small, 8);
    CHECK_EQ(strlen(small), 7);
    CHECK_EQ(small[8], 'x');
}
