/* The large-footprint program of `make bench`'s record timings (bench/run.sh): the shape of
 * bench/gen_large.c's "random" trace as a real program, run under Valgrind: 8.25 M
 * increments of random 8-byte words of a 1 GiB table, a ring of 1 Mi 256-byte nodes over
 * 256 MiB linked in a random order, then 7.6 M steps along it. Usage: large [PERCENT]
 * (default 100) scales the increments and the steps, not the footprint. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TABLE_WORDS (1u << 27) /* 1 GiB of 8-byte words */
#define NODES (1u << 20)       /* 256 MiB of 256-byte nodes */

struct node {
    struct node *next;
    char pad[248];
};

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv)
{
    unsigned scale = argc > 1 ? (unsigned)atoi(argv[1]) : 100;
    uint64_t *table = calloc(TABLE_WORDS, sizeof *table);
    struct node *ring = malloc((size_t)NODES * sizeof *ring);
    uint32_t *perm = malloc(NODES * sizeof *perm);
    if (!table || !ring || !perm)
        return 1;
    uint64_t incs = 8250000ull * scale / 100, steps = 7600000ull * scale / 100;
    for (uint64_t i = 0; i < incs; i++)
        table[next_rand() & (TABLE_WORDS - 1)]++;
    for (uint32_t i = 0; i < NODES; i++)
        perm[i] = i;
    for (uint32_t i = NODES - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(next_rand() % (i + 1)), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (uint32_t i = 0; i < NODES; i++)
        ring[perm[i]].next = &ring[perm[(i + 1) % NODES]];
    struct node *p = &ring[perm[0]];
    for (uint64_t i = 0; i < steps; i++)
        p = p->next;
    printf("%p %llu\n", (void *)(p == ring ? 0 : p), (unsigned long long)table[12345]);
    return 0;
}
