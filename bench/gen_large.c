/* Benchmark input: writes a deterministic large-footprint trace in the vmsim binary format
 * (through vms_trace_writer_*) without running any program, in the shapes of issue 13:
 *   random  random 8-byte increments over a 1 GiB table, then a pointer chase over
 *           256 MiB (its ring built first): about 94.5 M references over about 328 K pages;
 *   graph   a pull-style pass over a power-law graph in CSR form (1 Mi vertices,
 *           about 7 M edges): per vertex its two offsets, per edge its neighbour's id and
 *           the neighbour's 8-byte value, per vertex one store of the sum.
 * Every data access sits among the instruction fetches of the loop that makes it (a code
 * footprint of a few hundred bytes); a few stack slots are touched at the start and end.
 * Usage: gen_large [--scale PERCENT] random|graph OUT.vt: PERCENT (default 100) scales
 * the increments and the chase's steps of random (not its footprint) or the vertices that
 * graph's pass visits. Prints what it wrote. */
#include "base/alloc.h"
#include "vmsim.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE 0x401000ull      /* the loops' code */
#define STACK 0x7ffd4a3f1e00ull /* the loops' stack slots */
#define TABLE 0x7f3a80000000ull /* random: the 1 GiB table */
#define RING 0x7f3a40000000ull  /* random: the 256 MiB pointer-chase ring */
#define OFFS 0x7f2c00000000ull  /* graph: CSR offsets, 8 bytes per vertex + 1 */
#define EDGES 0x7f2c40000000ull /* graph: CSR neighbour ids, 4 bytes per edge */
#define VALS 0x7f2d00000000ull  /* graph: the values read, 8 bytes per vertex */
#define SUMS 0x7f2d40000000ull  /* graph: the sums written, 8 bytes per vertex */

struct gen {
    struct vms_trace_writer *w;
    struct vms_trace_rec buf[8192];
    size_t n;
    uint64_t refs;
    struct vms_error e;
    int failed;
};

/* Distinct pages, counted exactly through an open-addressing set of page numbers. */
struct pageset {
    uint64_t *slot;
    size_t mask, used;
};

static struct pageset ps;

static void page_note(uint64_t page)
{
    uint64_t key = page + 1, h = page * 0x9e3779b97f4a7c15ull;
    for (size_t i = (size_t)(h >> 40) & ps.mask;; i = (i + 1) & ps.mask) {
        if (ps.slot[i] == key)
            return;
        if (!ps.slot[i]) {
            ps.slot[i] = key;
            ps.used++;
            return;
        }
    }
}

static void flush(struct gen *g)
{
    if (g->n && !g->failed && vms_trace_write(g->w, g->buf, g->n, &g->e) < 0)
        g->failed = 1;
    g->n = 0;
}

/* One record; the page set sees every page it touches (records never straddle here). */
static inline void rec(struct gen *g, unsigned kind, uint64_t addr, uint32_t size)
{
    static uint64_t last_page = ~0ull;
    uint64_t page = addr >> 12;
    if (page != last_page) {
        page_note(page);
        last_page = page;
    }
    g->buf[g->n++] = (struct vms_trace_rec){.addr = addr, .size = size, .kind = (uint8_t)kind};
    g->refs += kind == VMS_TRACE_M ? 2 : 1;
    if (g->n == sizeof g->buf / sizeof g->buf[0])
        flush(g);
}

/* The fetches of n consecutive instructions starting at pc, of the lengths in len. */
static inline void fetch(struct gen *g, uint64_t pc, const uint8_t *len, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        rec(g, VMS_TRACE_I, pc, len[i]);
        pc += len[i];
    }
}

static uint64_t rng_state;

static inline uint64_t rng(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t hash64(uint64_t z)
{
    z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdull;
    z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ull;
    return z ^ (z >> 33);
}

/* random: 8.25 M increments of random 8-byte words of the 1 GiB table (a loop of 5
 * instructions and an M), a ring of 1 Mi 256-byte nodes over 256 MiB linked in a random
 * order (a store per node), then 7.6 M steps along it (a load per step). */
static void gen_random(struct gen *g, unsigned scale)
{
    static const uint8_t inc_len[] = {4, 3, 4, 3, 2}, link_len[] = {3, 4, 4, 3, 2},
                         chase_len[] = {3, 4, 2};
    uint64_t n_inc = 8250000ull * scale / 100, n_chase = 7600000ull * scale / 100;
    const uint64_t words = (1ull << 30) / 8, nodes = (256ull << 20) / 256;
    rng_state = 1;
    rec(g, VMS_TRACE_S, STACK, 8); /* the loop's saved registers */
    rec(g, VMS_TRACE_S, STACK + 8, 8);
    for (uint64_t i = 0; i < n_inc; i++) {
        fetch(g, CODE + 0x100, inc_len, 2); /* the generator step, the index */
        rec(g, VMS_TRACE_M, TABLE + (rng() % words) * 8, 8);
        fetch(g, CODE + 0x107, inc_len + 2, 3); /* the count, compare, branch back */
    }
    /* The ring: node k's successor is perm[k+1] for a random permutation perm; walked
     * once to link it (each node's next pointer stored), the permutation itself is not
     * traced (a generator of the ring's order, as a shuffled index would be). */
    uint32_t *perm = vms_malloc(nodes * sizeof *perm);
    if (!perm) {
        g->failed = 1;
        snprintf(g->e.msg, sizeof g->e.msg, "out of memory");
        return;
    }
    for (uint64_t k = 0; k < nodes; k++)
        perm[k] = (uint32_t)k;
    for (uint64_t k = nodes - 1; k > 0; k--) {
        uint64_t j = rng() % (k + 1);
        uint32_t t = perm[k];
        perm[k] = perm[j];
        perm[j] = t;
    }
    for (uint64_t k = 0; k < nodes; k++) {
        fetch(g, CODE + 0x200, link_len, 3);
        rec(g, VMS_TRACE_S, RING + (uint64_t)perm[k] * 256, 8);
        fetch(g, CODE + 0x20b, link_len + 3, 2);
    }
    /* Chasing: the node after perm[k] is perm[k+1] (the last links to the first). */
    uint64_t at = 0;
    for (uint64_t i = 0; i < n_chase; i++) {
        fetch(g, CODE + 0x300, chase_len, 1);
        rec(g, VMS_TRACE_L, RING + (uint64_t)perm[at] * 256, 8);
        fetch(g, CODE + 0x303, chase_len + 1, 2);
        at = at + 1 == nodes ? 0 : at + 1;
    }
    vms_free(perm);
    rec(g, VMS_TRACE_L, STACK, 8);
    rec(g, VMS_TRACE_L, STACK + 8, 8);
}

/* graph: 1 Mi vertices with Pareto-distributed out-degrees (minimum 2, shape 1.4,
 * at most 20,000) and neighbours drawn with a cubed uniform, so that low ids, scattered
 * over the vertex range by an odd multiplier, are the popular ones (a power-law in-degree).
 * The graph is regenerated from its seed for each pass: the same edges every time. */
static void gen_graph(struct gen *g, unsigned scale, uint64_t *edges_out)
{
    static const uint8_t vtx_len[] = {4, 4, 3, 3}, edge_len[] = {3, 4, 5, 4, 3, 2},
                         end_len[] = {5, 4, 3, 2};
    const uint64_t nv = 1ull << 20;
    unsigned passes = 1;
    uint64_t nv_run = nv * scale / 100; /* vertices visited per pass */
    uint64_t e_total = 0;
    rec(g, VMS_TRACE_S, STACK, 8);
    for (unsigned p = 0; p < passes; p++) {
        uint64_t e = 0;
        for (uint64_t v = 0; v < nv_run; v++) {
            double u = (double)(hash64(v * 2 + 1) >> 11) * 0x1p-53;
            double d = 2.0 / pow(1.0 - u, 1.0 / 1.4);
            uint64_t deg = d > 20000 ? 20000 : (uint64_t)d;
            fetch(g, CODE + 0x400, vtx_len, 2);
            rec(g, VMS_TRACE_L, OFFS + v * 8, 8);
            rec(g, VMS_TRACE_L, OFFS + v * 8 + 8, 8);
            fetch(g, CODE + 0x408, vtx_len + 2, 2);
            for (uint64_t k = 0; k < deg; k++, e++) {
                double r = (double)(hash64((v << 20 ^ k) * 0x9e3779b97f4a7c15ull + 7) >> 11) *
                           0x1p-53;
                uint64_t nb = ((uint64_t)(r * r * r * (double)nv) * 0x2545f491ull) & (nv - 1);
                fetch(g, CODE + 0x420, edge_len, 2);
                rec(g, VMS_TRACE_L, EDGES + e * 4, 4);
                fetch(g, CODE + 0x427, edge_len + 2, 1);
                rec(g, VMS_TRACE_L, VALS + nb * 8, 8);
                fetch(g, CODE + 0x42c, edge_len + 3, 3);
            }
            fetch(g, CODE + 0x440, end_len, 2);
            rec(g, VMS_TRACE_S, SUMS + v * 8, 8);
            fetch(g, CODE + 0x449, end_len + 2, 2);
        }
        e_total = e;
    }
    rec(g, VMS_TRACE_L, STACK, 8);
    *edges_out = e_total;
}

int main(int argc, char **argv)
{
    unsigned scale = 100;
    int a = 1;
    if (a + 1 < argc && !strcmp(argv[a], "--scale")) {
        char *end;
        unsigned long s = strtoul(argv[a + 1], &end, 10);
        if (*end || s < 1 || s > 1000) {
            fprintf(stderr, "gen_large: --scale: expected a percentage from 1 to 1000\n");
            return 2;
        }
        scale = (unsigned)s;
        a += 2;
    }
    if (argc - a != 2 || (strcmp(argv[a], "random") && strcmp(argv[a], "graph"))) {
        fprintf(stderr, "usage: gen_large [--scale PERCENT] random|graph OUT.vt\n");
        return 2;
    }
    static struct gen g;
    ps.mask = (1u << 21) - 1;
    ps.slot = vms_calloc(ps.mask + 1, sizeof *ps.slot);
    char source[128];
    snprintf(source, sizeof source, "bench/gen_large %s, scale %u%%", argv[a], scale);
    if (!ps.slot || vms_trace_writer_open(argv[a + 1], VMS_TRACE_VMSIM, source, &g.w, &g.e) < 0) {
        fprintf(stderr, "gen_large: %s\n", ps.slot ? g.e.msg : "out of memory");
        return 2;
    }
    uint64_t edges = 0;
    if (!strcmp(argv[a], "random"))
        gen_random(&g, scale);
    else
        gen_graph(&g, scale, &edges);
    flush(&g);
    uint64_t records = vms_trace_writer_count(g.w);
    struct vms_error ce = {0};
    if (vms_trace_writer_close(g.w, &ce) < 0 && !g.failed) {
        g.e = ce;
        g.failed = 1;
    }
    vms_free(ps.slot);
    if (g.failed) {
        fprintf(stderr, "gen_large: %s\n", g.e.msg);
        return 2;
    }
    printf("gen_large %s (scale %u%%): %llu records, %llu references, %zu distinct pages",
           argv[a], scale, (unsigned long long)records, (unsigned long long)g.refs, ps.used);
    if (edges)
        printf(", %llu edges per pass", (unsigned long long)edges);
    printf(" -> %s\n", argv[a + 1]);
    return 0;
}
