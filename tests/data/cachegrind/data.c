/* A big data footprint read before it is written, for tests/cli/cases/trace-vs-cachegrind.sh:
 * a 2 MiB .bss array and a 1 MiB malloc'd block (an anonymous mapping) are read, one load
 * per 64-byte line, before anything is stored to them; then the array is written and read
 * again. On Linux such reads map the zero page; cachegrind, tagging by virtual address,
 * sees 49,152 distinct lines, as vmsim does with a frame per page. */
#include <stdio.h>
#include <stdlib.h>

#define N (1u << 18) /* longs: 2 MiB */
#define H (1u << 20) /* heap bytes */

static long big[N];

int main(void)
{
    volatile const long *b = big;
    volatile const char *h = malloc(H);
    if (!h)
        return 1;
    long s = 0;
    for (unsigned i = 0; i < N; i += 8)
        s += b[i];
    for (unsigned i = 0; i < H; i += 64)
        s += h[i];
    for (unsigned i = 0; i < N; i += 8)
        big[i] = s + i;
    for (unsigned i = 0; i < N; i += 8)
        s += b[i];
    printf("%ld\n", s);
    free((void *)h);
    return 0;
}
