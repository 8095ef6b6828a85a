/* vmsim ostep paging-policy [FLAGS]: OSTEP's homework simulator of the same name (chapter
 * "Beyond Physical Memory: Policies"), the same flags and, for the same flags and seed,
 * the same output byte for byte: Python's random module (MT19937 seeded as random.seed
 * seeds it) is reproduced here (docs/teaching.md). */
#include "cli/cli.h"
#include "cli/ostep.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The most references a run may have (-n, -a, -f). */
#define OSTEP_MAX_REFS 10000000L

/* ---------------------------------------------------------------- paging-policy */

static void paging_policy_help(FILE *f)
{
    fprintf(f,
            "usage: vmsim ostep paging-policy [-a LIST | -f FILE] [-n N] [-m MAXPAGE] [-s SEED]\n"
            "                                 [-p POLICY] [-C SIZE] [-b BITS] [-N] [-c]\n"
            "\n"
            "OSTEP's homework program paging-policy.py: the same flags, the same problems and\n"
            "the same -c answers, byte for byte, for the same seed (its random page numbers\n"
            "come from Python's random module, reproduced here).\n"
            "\n"
            "  -a, --addresses LIST   comma-separated pages to access; -1 (default): random\n"
            "  -f, --addressfile FILE the pages to access, one a line\n"
            "  -n, --numaddrs N       with -a -1: how many pages to generate (default 10)\n"
            "  -m, --maxpage MAXPAGE  with -a -1: pages are 0 to MAXPAGE-1 (default 10)\n"
            "  -s, --seed SEED        random seed (default 0)\n"
            "  -p, --policy POLICY    FIFO (default), LRU, MRU, OPT, UNOPT, RAND, CLOCK\n"
            "  -C, --cachesize SIZE   pages of memory (default 3)\n"
            "  -b, --clockbits BITS   CLOCK: the largest reference count (default 2)\n"
            "  -N, --notrace          with -c: only the final statistics\n"
            "  -c, --compute          print the answers\n");
}

/* Python's str() of the list pages[0..n) ("[1, 8, 7]") into buf (at least 24 n + 3). */
static void py_list(char *buf, const int64_t *pages, size_t n)
{
    char *p = buf;
    *p++ = '[';
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%" PRId64, i ? ", " : "", pages[i]);
    *p++ = ']';
    *p = '\0';
}

/* Where page is next used after reference at of refs[0..n), or n. */
static size_t next_use(const int64_t *refs, size_t n, size_t at, int64_t page)
{
    for (size_t k = at + 1; k < n; k++)
        if (refs[k] == page)
            return k;
    return n;
}

/* The references of a -f file, as the program reads them (int() of each line). */
static int64_t *read_addrfile(const char *path, size_t *count)
{
    struct vms_error e = {0};
    size_t len;
    char *text = cli_read_file(path, &len, &e);
    if (!text) {
        cli_fail(&e);
        return NULL;
    }
    int64_t *refs = NULL;
    size_t n = 0, cap = 0;
    unsigned line = 1;
    for (size_t at = 0; at < len; line++) {
        size_t end = at;
        while (end < len && text[end] != '\n' && text[end] != '\r')
            end++;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            int64_t *nr = cap > (size_t)OSTEP_MAX_REFS ? NULL : realloc(refs, cap * sizeof *nr);
            if (!nr) {
                cli_usage_error("%s:%u:1: at most %ld references", path, line, OSTEP_MAX_REFS);
                goto fail;
            }
            refs = nr;
        }
        if (!py_int(text + at, end - at, 10, &refs[n])) {
            size_t col = 1;
            while (at + col - 1 < end && py_space(text[at + col - 1]))
                col++;
            cli_usage_error("%s:%u:%zu: expected a page number (an integer of 64 bits)", path, line,
                            col);
            goto fail;
        }
        n++;
        /* Python's text mode: \n, \r\n and \r end a line */
        at = end < len && text[end] == '\r' && end + 1 < len && text[end + 1] == '\n' ? end + 2
                                                                                      : end + 1;
    }
    vms_read_file_free(text);
    *count = n;
    return refs ? refs : malloc(sizeof *refs);
fail:
    free(refs);
    vms_read_file_free(text);
    return NULL;
}

static int paging_policy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"addresses", required_argument, NULL, 'a'},
        {"addressfile", required_argument, NULL, 'f'},
        {"numaddrs", required_argument, NULL, 'n'},
        {"policy", required_argument, NULL, 'p'},
        {"clockbits", required_argument, NULL, 'b'},
        {"cachesize", required_argument, NULL, 'C'},
        {"maxpage", required_argument, NULL, 'm'},
        {"seed", required_argument, NULL, 's'},
        {"notrace", no_argument, NULL, 'N'},
        {"compute", no_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *addresses = "-1", *addrfile = "", *numaddrs_s = "10", *policy = "FIFO",
               *cachesize_s = "3", *maxpage_s = "10", *seed_s = "0";
    int64_t clockbits = 2, numaddrs, cachesize, maxpage, seed;
    bool notrace = false, solve = false;
    int ch, rc;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":ha:f:n:p:b:C:m:s:Nc", opts, NULL)) != -1) {
        switch (ch) {
        case 'a':
            addresses = optarg;
            break;
        case 'f':
            addrfile = optarg;
            break;
        case 'n':
            numaddrs_s = optarg;
            break;
        case 'p':
            policy = optarg;
            break;
        case 'b':
            if (!optparse_int(optarg, &clockbits))
                return cli_usage_error("-b: expected an integer, found '%s'", optarg);
            break;
        case 'C':
            cachesize_s = optarg;
            break;
        case 'm':
            maxpage_s = optarg;
            break;
        case 's':
            seed_s = optarg;
            break;
        case 'N':
            notrace = true;
            break;
        case 'c':
            solve = true;
            break;
        case 'h':
            paging_policy_help(stdout);
            return 0;
        default:
            return cli_option_error(ch, argv, opts);
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if ((rc = ostep_int("-n", numaddrs_s, &numaddrs)) ||
        (rc = ostep_int("-C", cachesize_s, &cachesize)) || (rc = ostep_int("-s", seed_s, &seed)) ||
        (rc = ostep_int("-m", maxpage_s, &maxpage)))
        return rc;

    /* The references, before anything is printed: each -a element is an integer. */
    int64_t *refs = NULL;
    size_t n = 0;
    if (addrfile[0]) {
        if (!(refs = read_addrfile(addrfile, &n)))
            return 2;
    } else if (strcmp(addresses, "-1")) {
        size_t cap = 1;
        for (const char *p = addresses; *p; p++)
            cap += *p == ',';
        if (cap > (size_t)OSTEP_MAX_REFS)
            return cli_usage_error("-a: at most %ld references", OSTEP_MAX_REFS);
        if (!(refs = malloc(cap * sizeof *refs)))
            return cli_usage_error("out of host memory");
        for (const char *p = addresses;; n++) {
            size_t len = strcspn(p, ",");
            if (!py_int(p, len, 10, &refs[n])) {
                free(refs);
                return cli_usage_error("-a: expected comma-separated integers, found '%.*s' "
                                       "(element %zu)",
                                       (int)len, p, n + 1);
            }
            if (!p[len])
                break;
            p += len + 1;
        }
        n++;
    } else {
        if (numaddrs > OSTEP_MAX_REFS)
            return cli_usage_error("-n: at most %ld references, found %" PRId64, OSTEP_MAX_REFS,
                                   numaddrs);
        n = numaddrs > 0 ? (size_t)numaddrs : 0;
        if (!(refs = malloc((n ? n : 1) * sizeof *refs)))
            return cli_usage_error("out of host memory");
    }
    /* Where the program would fail with a Python exception, after its first lines: a hit
     * rate of no references, and the first miss of a cache of 0 pages (popping an empty
     * list). Said here, before anything is printed. */
    bool known = !strcmp(policy, "FIFO") || !strcmp(policy, "LRU") || !strcmp(policy, "MRU") ||
                 !strcmp(policy, "OPT") || !strcmp(policy, "UNOPT") || !strcmp(policy, "RAND") ||
                 !strcmp(policy, "CLOCK");
    if (solve && known && (n == 0 || cachesize == 0)) {
        free(refs);
        return n == 0 ? cli_usage_error("no references to compute a hit rate of")
                      : cli_usage_error("-C 0: no page fits in a cache of 0 pages");
    }
    struct pyrand r;
    pyrand_seed(&r, seed);
    if (!addrfile[0] && !strcmp(addresses, "-1"))
        for (size_t i = 0; i < n; i++)
            refs[i] = (int64_t)((double)maxpage * pyrand_random(&r));

    printf("ARG addresses %s\nARG addressfile %s\nARG numaddrs %s\nARG policy %s\n"
           "ARG clockbits %" PRId64 "\nARG cachesize %s\nARG maxpage %s\nARG seed %s\n"
           "ARG notrace %s\n\n",
           addresses, addrfile, numaddrs_s, policy, clockbits, cachesize_s, maxpage_s, seed_s,
           notrace ? "True" : "False");
    if (!solve) {
        printf("Assuming a replacement policy of %s, and a cache of size %" PRId64 " pages,\n"
               "figure out whether each of the following page references hit or miss\n"
               "in the page cache.\n\n",
               policy, cachesize);
        for (size_t i = 0; i < n; i++)
            printf("Access: %" PRId64 "  Hit/Miss?  State of Memory?\n", refs[i]);
        printf("\n");
        free(refs);
        return 0;
    }
    if (!notrace)
        printf("Solving...\n\n");
    const char *left, *right;
    if (!strcmp(policy, "FIFO"))
        left = "FirstIn", right = "Lastin ";
    else if (!strcmp(policy, "LRU") || !strcmp(policy, "MRU"))
        left = "LRU", right = "MRU";
    else if (!strcmp(policy, "OPT") || !strcmp(policy, "RAND") || !strcmp(policy, "UNOPT") ||
             !strcmp(policy, "CLOCK"))
        left = "Left ", right = "Right";
    else {
        printf("Policy %s is not yet implemented\n", policy);
        free(refs);
        return 1;
    }
    /* memory (in the program's list order) and each page's CLOCK reference count */
    int64_t *mem = malloc(n * sizeof *mem), *ref = malloc(n * sizeof *ref);
    char *list = malloc(n * 24 + 3);
    if (!mem || !ref || !list) {
        free(mem), free(ref), free(list), free(refs);
        return cli_usage_error("out of host memory");
    }
    size_t count = 0; /* == entries of mem */
    uint64_t hits = 0, miss = 0;
    bool lru = !strcmp(policy, "LRU") || !strcmp(policy, "MRU");
    for (size_t at = 0; at < n; at++) {
        int64_t page = refs[at], victim = -1;
        bool victim_set = false;
        size_t idx = 0;
        while (idx < count && mem[idx] != page)
            idx++;
        bool hit = idx < count;
        if (hit) {
            hits++;
            if (lru) { /* to the MRU end */
                int64_t rf = ref[idx];
                memmove(mem + idx, mem + idx + 1, (count - idx - 1) * sizeof *mem);
                memmove(ref + idx, ref + idx + 1, (count - idx - 1) * sizeof *ref);
                mem[count - 1] = page, ref[count - 1] = rf;
                idx = count - 1;
            }
        } else {
            miss++;
            if (cachesize >= 0 && count == (uint64_t)cachesize) {
                size_t out = 0;
                if (!strcmp(policy, "FIFO") || !strcmp(policy, "LRU")) {
                    out = 0;
                } else if (!strcmp(policy, "MRU")) {
                    out = count - 1;
                } else if (!strcmp(policy, "RAND")) {
                    out = (size_t)(pyrand_random(&r) * (double)count);
                } else if (!strcmp(policy, "CLOCK")) {
                    for (;;) {
                        out = (size_t)(pyrand_random(&r) * (double)count);
                        if (ref[out] < 1)
                            break;
                        ref[out]--;
                    }
                } else if (!strcmp(policy, "OPT")) { /* the farthest; the last of a tie */
                    size_t best = 0;
                    for (size_t k = 0; k < count; k++) {
                        size_t w = next_use(refs, n, at, mem[k]);
                        if (k == 0 || w >= best)
                            best = w, out = k;
                    }
                } else { /* UNOPT: the nearest; the first of a tie */
                    size_t best = n + 1;
                    for (size_t k = 0; k < count; k++) {
                        size_t w = next_use(refs, n, at, mem[k]);
                        if (w < best)
                            best = w, out = k;
                    }
                }
                victim = mem[out];
                victim_set = true;
                memmove(mem + out, mem + out + 1, (count - out - 1) * sizeof *mem);
                memmove(ref + out, ref + out + 1, (count - out - 1) * sizeof *ref);
                count--;
            }
            mem[count] = page;
            ref[count] = 0; /* a page's count starts anew when it comes in */
            idx = count++;
        }
        /* the reference count: 1 on first use, then up by one to at most clockbits */
        if (ref[idx] == 0) {
            ref[idx] = 1;
        } else {
            ref[idx]++;
            if (ref[idx] > clockbits)
                ref[idx] = clockbits;
        }
        if (!notrace) {
            py_list(list, mem, count);
            printf("Access: %" PRId64 "  %s %s -> %12s <- %s Replaced:", page,
                   hit ? "HIT " : "MISS", left, list, right);
            /* the program prints '-' for "no victim", also for an evicted page -1 */
            if (victim_set && victim != -1)
                printf("%" PRId64, victim);
            else
                putchar('-');
            printf(" [Hits:%" PRIu64 " Misses:%" PRIu64 "]\n", hits, miss);
        }
    }
    printf("\nFINALSTATS hits %" PRIu64 "   misses %" PRIu64 "   hitrate %.2f\n\n", hits, miss,
           (100.0 * (double)hits) / ((double)hits + (double)miss));
    free(mem), free(ref), free(list), free(refs);
    return 0;
}

/* ---------------------------------------------------------------- the command */

static void help(FILE *f)
{
    fprintf(f, "usage: vmsim ostep PROGRAM [FLAGS]\n"
               "\n"
               "OSTEP's homework simulators, flag for flag and byte for byte (docs/teaching.md).\n"
               "PROGRAM: paging-linear-translate, paging-multilevel-translate, paging-policy\n"
               "(`vmsim ostep PROGRAM --help` lists its flags).\n"
               "\n");
    ostep_linear_translate_help(f);
    fprintf(f, "\n");
    ostep_multilevel_translate_help(f);
    fprintf(f, "\n");
    paging_policy_help(f);
}

#define PROGRAMS "paging-linear-translate, paging-multilevel-translate or paging-policy"

int cmd_ostep(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("expected a program name: " PROGRAMS " (try 'vmsim help ostep')");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        help(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "paging-policy"))
        return paging_policy(argc - 1, argv + 1);
    if (!strcmp(argv[1], "paging-linear-translate"))
        return ostep_linear_translate(argc - 1, argv + 1);
    if (!strcmp(argv[1], "paging-multilevel-translate"))
        return ostep_multilevel_translate(argc - 1, argv + 1);
    if (argv[1][0] == '-')
        return cli_unknown_option(argv[1]);
    return cli_usage_error("unknown program '%s': expected " PROGRAMS " (try 'vmsim help ostep')",
                           argv[1]);
}
