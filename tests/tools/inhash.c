/* inhash: prints the input hash of standard input (docs/trace-formats.md, "The input
 * hash") as 16 hex digits, computed from the specification byte by byte, independently of
 * src/trace/input.c, so that the CLI tests can check the hash vmsim reports. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static const uint64_t k1 = 0x9e3779b185ebca87u, k2 = 0xc2b2ae3d27d4eb4fu;

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t mix(uint64_t v, uint64_t w)
{
    return rotl(v ^ (w * k1), 29) * k2;
}

/* The little-endian word of bytes p[0, n), n <= 8, missing high bytes zero. */
static uint64_t word(const unsigned char *p, size_t n)
{
    uint64_t w = 0;
    for (size_t i = n; i-- > 0;)
        w = (w << 8) | p[i];
    return w;
}

int main(void)
{
    size_t cap = 1 << 16, len = 0;
    unsigned char *b = malloc(cap);
    for (size_t got; b && (got = fread(b + len, 1, cap - len, stdin)) > 0;) {
        len += got;
        if (len == cap) {
            unsigned char *nb = realloc(b, cap *= 2);
            if (!nb)
                free(b);
            b = nb;
        }
    }
    if (!b || ferror(stdin)) {
        fprintf(stderr, "inhash: cannot read standard input\n");
        return 2;
    }
    uint64_t lane[4] = {k2, 2 * k2, 3 * k2, 4 * k2};
    size_t stripes = len / 32, off = 0;
    for (size_t s = 0; s < stripes; s++)
        for (int i = 0; i < 4; i++, off += 8)
            lane[i] = mix(lane[i], word(b + off, 8));
    uint64_t h = rotl(lane[0], 1) + rotl(lane[1], 7) + rotl(lane[2], 12) + rotl(lane[3], 18);
    while (off < len) {
        size_t n = len - off < 8 ? len - off : 8;
        h = mix(h, word(b + off, n));
        off += n;
    }
    h ^= (uint64_t)len;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    printf("%016" PRIx64 "\n", h);
    free(b);
    return 0;
}
