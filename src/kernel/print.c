/* What the kernel shows: /proc/PID/maps and page-table walks decoded bit by bit. */
#include "kernel/internal.h"

#include <inttypes.h>

void kern_print_maps(struct kernel *k, struct task *t, FILE *f)
{
    (void)k;
    area_print_maps(&t->areas, f);
}

static void describe(struct kernel *k, pte_t v, bool leaf, char *buf, size_t n)
{
    uint32_t slot;
    if (leaf && kern_pte_is_swap(v, &slot)) {
        snprintf(buf, n, "not present, swapped out: swap slot %u", slot);
        return;
    }
    pte_describe(k->mmu.fmt, v, leaf, buf, n);
}

static void print_walk(struct kernel *k, struct task *t, vaddr_t va, FILE *f)
{
    const struct geometry *g = &k->mmu.g;
    unsigned L = k->mmu.cfg.levels;
    fprintf(f, "  page walk for 0x%" PRIx64 " (CR3 = 0x%" PRIx64 ", PCID %u):\n", va, t->root,
            t->asid);
    paddr_t table = t->root;
    for (unsigned lvl = 1; lvl <= L; lvl++) {
        uint64_t idx = bits_of(va, g->index_shift[lvl - 1], g->index_bits[lvl - 1]);
        paddr_t pa = table + idx * k->mmu.fmt->size;
        pte_t v = pt_read(&k->mmu, pa);
        char d[256];
        describe(k, v, lvl == L, d, sizeof d);
        fprintf(f, "    L%u index 0x%" PRIx64 " PTE @ 0x%" PRIx64 " = 0x%0*" PRIx64 ": %s\n",
                lvl, idx, pa, (int)k->mmu.fmt->size * 2, (uint64_t)v, d);
        struct pte_info pi;
        k->mmu.fmt->decode(v, &pi);
        if (!pi.present) {
            fprintf(f, "    -> not present: an access faults\n");
            return;
        }
        if (lvl == L) {
            fprintf(f, "    -> PA 0x%" PRIx64 "%s\n",
                    (pi.pfn << k->pshift) | (va & (k->psize - 1)),
                    pi.pfn == k->zero_pfn ? " (the shared zero page)" : "");
            return;
        }
        table = pi.pfn << k->pshift;
    }
}

static void print_tree(struct kernel *k, paddr_t table, unsigned lvl, vaddr_t base, FILE *f)
{
    const struct geometry *g = &k->mmu.g;
    unsigned L = k->mmu.cfg.levels;
    uint64_t n = UINT64_C(1) << g->index_bits[lvl - 1];
    for (uint64_t i = 0; i < n; i++) {
        paddr_t pa = table + i * k->mmu.fmt->size;
        pte_t v = pt_read(&k->mmu, pa);
        if (!v)
            continue;
        vaddr_t va = base | (i << g->index_shift[lvl - 1]);
        char d[256];
        describe(k, v, lvl == L, d, sizeof d);
        fprintf(f, "%*sL%u[0x%" PRIx64 "] va 0x%" PRIx64 " = 0x%0*" PRIx64 ": %s\n",
                (int)(2 * lvl), "", lvl, i, va, (int)k->mmu.fmt->size * 2, (uint64_t)v, d);
        struct pte_info pi;
        k->mmu.fmt->decode(v, &pi);
        if (lvl < L && pi.present && !pi.huge)
            print_tree(k, pi.pfn << k->pshift, lvl + 1, va, f);
    }
}

void kern_print_pagetable(struct kernel *k, struct task *t, bool has_va, vaddr_t va, FILE *f)
{
    if (t->dead)
        return;
    if (has_va) {
        print_walk(k, t, va, f);
        return;
    }
    fprintf(f, "  page table of pid %d (CR3 = 0x%" PRIx64 ", PCID %u), nonzero entries:\n",
            t->pid, t->root, t->asid);
    print_tree(k, t->root, 1, 0, f);
}
