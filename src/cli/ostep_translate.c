/* vmsim ostep paging-linear-translate and paging-multilevel-translate: OSTEP's homework
 * simulators of the chapters "Paging: Introduction" (a linear page table) and "Paging:
 * Smaller Tables" (a two-level table in a 4 KB memory), the same flags and, for the same
 * flags and seed, the same output byte for byte (docs/teaching.md). Where the Python
 * program would stop with an exception, vmsim says why before printing anything and
 * exits with status 2; where it prints "Error..." and exits with status 1, so does vmsim. */
#include "cli/cli.h"
#include "cli/ostep.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Python's '%08x' % v: a negative v is '-' and its magnitude, zero-padded to 8 in all. */
static void py_hex08(int64_t v)
{
    if (v < 0)
        printf("-%07" PRIx64, 0 - (uint64_t)v);
    else
        printf("%08" PRIx64, (uint64_t)v);
}

/* ---------------------------------------------------------------- paging-linear-translate */

void ostep_linear_translate_help(FILE *f)
{
    fprintf(f,
            "usage: vmsim ostep paging-linear-translate [-A LIST] [-s SEED] [-a ASIZE] [-p PSIZE]\n"
            "                                           [-P PAGESIZE] [-n N] [-u USED] [-v] [-c]\n"
            "\n"
            "OSTEP's homework program paging-linear-translate.py: a random linear page table and\n"
            "virtual addresses to translate; the same flags, the same problems and the same -c\n"
            "answers, byte for byte, for the same seed.\n"
            "\n"
            "  -A, --addresses LIST   comma-separated virtual addresses; -1 (default): random\n"
            "  -s, --seed SEED        random seed (default 0)\n"
            "  -a, --asize ASIZE      address space size, bytes or with k, m, g (default 16k)\n"
            "  -p, --physmem PSIZE    physical memory size (default 64k)\n"
            "  -P, --pagesize SIZE    page size (default 4k)\n"
            "  -n, --numaddrs N       how many virtual addresses to generate (default 5)\n"
            "  -u, --used USED        percent of the address space that is mapped (default 50)\n"
            "  -v                     print the VPN by each page table entry\n"
            "  -c                     print the answers\n");
}

/* The program's convert(): an integer, or one with a k, m or g suffix (times 2^10, 2^20,
 * 2^30). False where Python's int() refuses it (or beyond 64 bits). */
static bool py_convert(const char *s, int64_t *out)
{
    size_t n = strlen(s);
    if (!n)
        return false;
    int64_t m = 1;
    char last = s[n - 1];
    if (last == 'k' || last == 'K')
        m = 1024;
    else if (last == 'm' || last == 'M')
        m = 1024 * 1024;
    else if (last == 'g' || last == 'G')
        m = 1024 * 1024 * 1024;
    int64_t v;
    if (!py_int(s, m == 1 ? n : n - 1, 10, &v))
        return false;
    if (v > INT64_MAX / m || v < INT64_MIN / m)
        return false;
    *out = v * m;
    return true;
}

int ostep_linear_translate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"addresses", required_argument, NULL, 'A'},
        {"seed", required_argument, NULL, 's'},
        {"asize", required_argument, NULL, 'a'},
        {"physmem", required_argument, NULL, 'p'},
        {"pagesize", required_argument, NULL, 'P'},
        {"numaddrs", required_argument, NULL, 'n'},
        {"used", required_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *addresses = "-1", *asize_s = "16k", *psize_s = "64k", *pagesize_s = "4k";
    int64_t seed = 0, num = 5, usedpct = 50;
    bool verbose = false, solve = false;
    int ch, rc;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hA:s:a:p:P:n:u:vc", opts, NULL)) != -1) {
        switch (ch) {
        case 'A':
            addresses = optarg;
            break;
        case 's':
            if ((rc = ostep_optparse_int("-s", optarg, &seed)))
                return rc;
            break;
        case 'a':
            asize_s = optarg;
            break;
        case 'p':
            psize_s = optarg;
            break;
        case 'P':
            pagesize_s = optarg;
            break;
        case 'n':
            if ((rc = ostep_optparse_int("-n", optarg, &num)))
                return rc;
            break;
        case 'u':
            if ((rc = ostep_optparse_int("-u", optarg, &usedpct)))
                return rc;
            break;
        case 'v':
            verbose = true;
            break;
        case 'c':
            solve = true;
            break;
        case 'h':
            ostep_linear_translate_help(stdout);
            return 0;
        default:
            return cli_option_error(ch, argv, opts);
        }
    }
    /* the program ignores arguments that are not options (optparse hands them over) */

    /* Everything that can stop the program with a Python exception, before printing. */
    int64_t asize, psize, pagesize;
    if (!py_convert(asize_s, &asize))
        return cli_usage_error("-a: expected a size (an integer with an optional k, m or g), "
                               "found '%s'",
                               asize_s);
    if (!py_convert(psize_s, &psize))
        return cli_usage_error("-p: expected a size (an integer with an optional k, m or g), "
                               "found '%s'",
                               psize_s);
    if (!py_convert(pagesize_s, &pagesize))
        return cli_usage_error("-P: expected a size (an integer with an optional k, m or g), "
                               "found '%s'",
                               pagesize_s);
    const int64_t giga = 1024 * 1024 * 1024;
    const char *error = NULL; /* the program's own "Error..." line, then status 1 */
    int pagebits = 0;
    if (psize <= 1)
        error = "Error: must specify a non-zero physical memory size.";
    else if (asize < 1)
        error = "Error: must specify a non-zero address-space size.";
    else if (psize <= asize)
        error = "Error: physical memory size must be GREATER than address space size (for "
                "this simulation)";
    else if (psize >= giga || asize >= giga)
        error = "Error: must use smaller sizes (less than 1 GB) for this simulation.";
    else if (pagesize == 0)
        return cli_usage_error("-P 0: a page size of 0 divides by zero");
    else if (asize % pagesize)
        error = "Error in argument: address space must be a multiple of the pagesize";
    else if (psize % pagesize)
        error = "Error in argument: physical memory must be a multiple of the pagesize";
    else {
        /* the program's own arithmetic, in doubles with the C library's log() */
        int vabits = (int)(log((double)asize) / log(2.0));
        if (ldexp(1.0, vabits) != (double)asize)
            error = "Error in argument: address space must be a power of 2";
        else if (pagesize < 0)
            return cli_usage_error("-P %s: the logarithm of a negative page size", pagesize_s);
        else {
            pagebits = (int)(log((double)pagesize) / log(2.0));
            if (ldexp(1.0, pagebits) != (double)pagesize)
                error = "Error in argument: page size must be a power of 2";
        }
    }
    int64_t pages = error ? 0 : psize / pagesize, vpages = error ? 0 : asize / pagesize;
    uint64_t pagemask = ((uint64_t)1 << pagebits) - 1, vpnmask = 0xFFFFFFFFu & ~pagemask;

    /* -A: each element as int() reads it; with -c each one's VPN must be in the table */
    int64_t *list = NULL;
    size_t nlist = 0;
    if (strcmp(addresses, "-1") && !error) {
        size_t cap = 1;
        for (const char *p = addresses; *p; p++)
            cap += *p == ',';
        if (!(list = malloc(cap * sizeof *list)))
            return cli_usage_error("out of host memory");
        for (const char *p = addresses;; nlist++) {
            size_t len = strcspn(p, ",");
            if (!py_int(p, len, 10, &list[nlist])) {
                free(list);
                return cli_usage_error("-A: expected comma-separated integers, found '%.*s' "
                                       "(element %zu)",
                                       (int)len, p, nlist + 1);
            }
            uint64_t vpn = ((uint64_t)list[nlist] & vpnmask) >> pagebits;
            if (solve && vpn >= (uint64_t)vpages) {
                int64_t va = list[nlist];
                free(list);
                return cli_usage_error("-A: address %" PRId64 " (element %zu) is in page %" PRIu64
                                       ", beyond the page table's %" PRId64 " entries",
                                       va, nlist + 1, vpn, vpages);
            }
            if (!p[len])
                break;
            p += len + 1;
        }
        nlist++;
    }
    unsigned char *used = NULL;
    int32_t *pt = NULL;
    if (!error && (!(used = calloc((size_t)pages, 1)) ||
                   !(pt = malloc((size_t)(vpages ? vpages : 1) * sizeof *pt)))) {
        free(used), free(list);
        return cli_usage_error("out of host memory");
    }

    printf("ARG seed %" PRId64 "\nARG address space size %s\nARG phys mem size %s\n"
           "ARG page size %s\nARG verbose %s\nARG addresses %s\n\n",
           seed, asize_s, psize_s, pagesize_s, verbose ? "True" : "False", addresses);
    if (error) {
        printf("%s\n", error);
        return 1;
    }
    struct pyrand r;
    pyrand_seed(&r, seed);
    printf("\nThe format of the page table is simple:\n"
           "The high-order (left-most) bit is the VALID bit.\n"
           "  If the bit is 1, the rest of the entry is the PFN.\n"
           "  If the bit is 0, the page is not valid.\n"
           "Use verbose mode (-v) if you want to print the VPN # by\n"
           "each entry of the page table.\n\n"
           "Page Table (from entry 0 down to the max size)\n");
    for (int64_t v = 0; v < vpages; v++) {
        for (;;) {
            if (pyrand_random(&r) * 100.0 > 100.0 - (double)usedpct) {
                int64_t u = (int64_t)((double)pages * pyrand_random(&r));
                if (used[u])
                    continue;
                used[u] = 1;
                pt[v] = (int32_t)u;
            } else {
                pt[v] = -1;
            }
            break;
        }
        if (verbose)
            printf("  [%8" PRId64 "]  ", v);
        else
            printf("  ");
        printf("0x%08" PRIx32 "\n", pt[v] < 0 ? 0 : 0x80000000u | (uint32_t)pt[v]);
    }
    printf("\nVirtual Address Trace\n");
    bool generate = !strcmp(addresses, "-1");
    for (int64_t i = 0; generate ? i < num : i < (int64_t)nlist; i++) {
        int64_t vaddr = generate ? (int64_t)((double)asize * pyrand_random(&r)) : list[i];
        printf("  VA 0x");
        py_hex08(vaddr);
        printf(" (decimal: %8" PRId64 ") --> ", vaddr);
        if (!solve) {
            printf("PA or invalid address?\n");
            continue;
        }
        uint64_t vpn = ((uint64_t)vaddr & vpnmask) >> pagebits;
        if (pt[vpn] < 0) {
            printf(" Invalid (VPN %" PRIu64 " not valid)\n", vpn);
        } else {
            int64_t paddr = ((int64_t)pt[vpn] << pagebits) | (int64_t)((uint64_t)vaddr & pagemask);
            printf("%08" PRIx64 " (decimal %8" PRId64 ") [VPN %" PRIu64 "]\n", (uint64_t)paddr,
                   paddr, vpn);
        }
    }
    printf("\n");
    if (!solve)
        printf("For each virtual address, write down the physical address it translates to\n"
               "OR write down that it is an out-of-bounds address (e.g., segfault).\n\n");
    free(used), free(pt), free(list);
    return 0;
}

/* ---------------------------------------------------------------- paging-multilevel-translate */

void ostep_multilevel_translate_help(FILE *f)
{
    fprintf(f,
            "usage: vmsim ostep paging-multilevel-translate [-s SEED] [-a ALLOCATED] [-n N] [-c]\n"
            "\n"
            "OSTEP's homework program paging-multilevel-translate.py: a two-level page table in\n"
            "a memory of 128 pages of 32 bytes, and virtual addresses to translate (and the byte\n"
            "each fetches); the same flags, problems and -c answers, byte for byte, for the\n"
            "same seed.\n"
            "\n"
            "  -s, --seed SEED        random seed (default 0)\n"
            "  -a, --allocated N      how many virtual pages to map (default 64)\n"
            "  -n, --addresses N      how many virtual addresses to generate (default 10)\n"
            "  -c, --solve            print the answers\n");
}

/* The program's machine: 32-byte pages, 128 physical pages, 1024 virtual pages, one-byte
 * entries (bit 7 valid, bits 6..0 a page number; 0x7f in an unused entry). */
enum { ML_PAGE = 32, ML_PHYS = 128, ML_VPAGES = 1024 };

struct ml_os {
    unsigned char mem[ML_PAGE * ML_PHYS];
    bool used[ML_PHYS];
    unsigned nused;
    struct pyrand r;
};

/* findFree(): a random unused page; false where the program's assertion fails. */
static bool ml_find_free(struct ml_os *os, unsigned *page)
{
    if (os->nused >= ML_PHYS)
        return false;
    unsigned look;
    do
        look = (unsigned)(pyrand_random(&os->r) * ML_PHYS);
    while (os->used[look]);
    os->used[look] = true;
    os->nused++;
    *page = look;
    return true;
}

int ostep_multilevel_translate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"seed", required_argument, NULL, 's'},
        {"allocated", required_argument, NULL, 'a'},
        {"addresses", required_argument, NULL, 'n'},
        {"solve", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int64_t seed = 0, allocated = 64, num = 10;
    bool solve = false;
    int ch, rc;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":hs:a:n:c", opts, NULL)) != -1) {
        switch (ch) {
        case 's':
            if ((rc = ostep_optparse_int("-s", optarg, &seed)))
                return rc;
            break;
        case 'a':
            if ((rc = ostep_optparse_int("-a", optarg, &allocated)))
                return rc;
            break;
        case 'n':
            if ((rc = ostep_optparse_int("-n", optarg, &num)))
                return rc;
            break;
        case 'c':
            solve = true;
            break;
        case 'h':
            ostep_multilevel_translate_help(stdout);
            return 0;
        default:
            return cli_option_error(ch, argv, opts);
        }
    }
    /* the program ignores arguments that are not options (optparse hands them over) */

    struct ml_os *os = calloc(1, sizeof *os);
    if (!os)
        return cli_usage_error("out of host memory");
    pyrand_seed(&os->r, seed);
    /* procAlloc(): the page directory, then each virtual page (a random unused one), its
     * page of the table when the directory has none yet, its frame and its random bytes */
    unsigned pdbr, nvp = 0;
    unsigned vps[ML_VPAGES];
    bool vused[ML_VPAGES] = {0};
    if (!ml_find_free(os, &pdbr))
        goto full;
    memset(os->mem + pdbr * ML_PAGE, 0x7f, ML_PAGE);
    for (int64_t k = 0; k < allocated; k++) {
        if (nvp == ML_VPAGES)
            goto full; /* the program would look for an unused virtual page forever */
        unsigned vp;
        do
            vp = (unsigned)(pyrand_random(&os->r) * ML_VPAGES);
        while (vused[vp]);
        vused[vp] = true;
        vps[nvp++] = vp;
        unsigned pp, pt;
        if (!ml_find_free(os, &pp))
            goto full;
        unsigned char *pde = &os->mem[pdbr * ML_PAGE + (vp >> 5)];
        if (!(*pde & 0x80)) {
            if (!ml_find_free(os, &pt))
                goto full;
            *pde = (unsigned char)(0x80 | pt);
            memset(os->mem + pt * ML_PAGE, 0x7f, ML_PAGE);
        } else {
            pt = *pde & 0x7f;
        }
        os->mem[pt * ML_PAGE + (vp & 31)] = (unsigned char)(0x80 | pp);
        for (unsigned j = 0; j < ML_PAGE; j++)
            os->mem[pp * ML_PAGE + j] = (unsigned char)(pyrand_random(&os->r) * 31);
    }

    printf("ARG seed %" PRId64 "\nARG allocated %" PRId64 "\nARG num %" PRId64 "\n\n", seed,
           allocated, num);
    for (unsigned i = 0; i < ML_PHYS; i++) {
        printf("page %3u:", i);
        for (unsigned j = 0; j < ML_PAGE; j++)
            printf("%02x", os->mem[i * ML_PAGE + j]);
        printf("\n");
    }
    printf("\nPDBR: %u  (decimal) [This means the page directory is held in this page]\n\n", pdbr);
    for (int64_t i = 0; i < num; i++) {
        unsigned vaddr;
        /* the first draw is made also when i is past the allocated pages */
        if (pyrand_random(&os->r) * 100 > 50.0 || i >= (int64_t)nvp)
            vaddr = (unsigned)(pyrand_random(&os->r) * 1024 * 32);
        else
            vaddr = vps[i] << 5 | (unsigned)(pyrand_random(&os->r) * 32);
        if (!solve) {
            printf("Virtual Address %04x: Translates To What Physical Address (And Fetches what "
                   "Value)? Or Fault?\n",
                   vaddr);
            continue;
        }
        printf("Virtual Address %04x:\n", vaddr);
        unsigned pdi = (vaddr & 0x7c00) >> 10, pde = os->mem[pdbr * ML_PAGE + pdi];
        printf("  --> pde index:0x%x [decimal %u] pde contents:0x%x (valid %u, pfn 0x%02x "
               "[decimal %u])\n",
               pdi, pdi, pde, pde >> 7, pde & 0x7f, pde & 0x7f);
        if (!(pde & 0x80)) {
            printf("      --> Fault (page directory entry not valid)\n");
            continue;
        }
        unsigned pti = (vaddr & 0x03e0) >> 5, pte = os->mem[(pde & 0x7f) * ML_PAGE + pti];
        printf("    --> pte index:0x%x [decimal %u] pte contents:0x%x (valid %u, pfn 0x%02x "
               "[decimal %u])\n",
               pti, pti, pte, pte >> 7, pte & 0x7f, pte & 0x7f);
        if (!(pte & 0x80)) {
            printf("      --> Fault (page table entry not valid)\n");
            continue;
        }
        unsigned pa = (pte & 0x7f) << 5 | (vaddr & 0x1f);
        printf("      --> Translates to Physical Address 0x%03x --> Value: %02x\n", pa,
               os->mem[pa]);
    }
    printf("\n");
    free(os);
    return 0;
full:
    free(os);
    return cli_usage_error("-a %" PRId64 ": the %u pages of physical memory hold no more "
                           "(the program fails an assertion)",
                           allocated, ML_PHYS);
}
