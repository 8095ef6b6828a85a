/* The input hash (trace/input.h, docs/trace-formats.md "The input hash"): independent of
 * how the stream is cut, equal to a byte-at-a-time computation from the specification,
 * and what input_read reports for plain and compressed input. */
#include "harness.h"
#include "trace/input.h"

#include <stdlib.h>

static uint64_t spec_rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t spec_mix(uint64_t v, uint64_t w)
{
    return spec_rotl(v ^ (w * UINT64_C(0x9e3779b185ebca87)), 29) * UINT64_C(0xc2b2ae3d27d4eb4f);
}

/* The specification, read literally: stripes of 32 bytes into four lanes, the lanes
 * combined, the remaining words (the last one zero-padded), the length, the finalizer. */
static uint64_t spec_hash(const unsigned char *b, size_t len)
{
    const uint64_t k2 = UINT64_C(0xc2b2ae3d27d4eb4f);
    uint64_t lane[4] = {k2, 2 * k2, 3 * k2, 4 * k2};
    size_t off = 0;
    for (; off + 32 <= len; off += 32)
        for (int i = 0; i < 4; i++) {
            uint64_t w = 0;
            for (int j = 7; j >= 0; j--)
                w = (w << 8) | b[off + 8 * (size_t)i + (size_t)j];
            lane[i] = spec_mix(lane[i], w);
        }
    uint64_t h = spec_rotl(lane[0], 1) + spec_rotl(lane[1], 7) + spec_rotl(lane[2], 12) +
                 spec_rotl(lane[3], 18);
    while (off < len) {
        size_t n = len - off < 8 ? len - off : 8;
        uint64_t w = 0;
        for (size_t j = n; j-- > 0;)
            w = (w << 8) | b[off + j];
        h = spec_mix(h, w);
        off += n;
    }
    h ^= (uint64_t)len;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

TEST(input_hash_pieces_and_spec)
{
    enum { N = 1000 };
    static unsigned char b[N];
    uint64_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        b[i] = (unsigned char)(x >> 56);
    }
    /* every length 0..N against the specification, fed whole */
    for (size_t len = 0; len <= N; len += len < 80 ? 1 : 37) {
        struct input_hash h;
        input_hash_init(&h);
        input_hash_update(&h, b, len);
        CHECK_EQ(input_hash_final(&h), spec_hash(b, len));
    }
    /* fed in pieces of every size 1..40: the same value */
    uint64_t want = spec_hash(b, N);
    for (size_t piece = 1; piece <= 40; piece++) {
        struct input_hash h;
        input_hash_init(&h);
        for (size_t off = 0; off < N; off += piece)
            input_hash_update(&h, b + off, N - off < piece ? N - off : piece);
        CHECK_EQ(input_hash_final(&h), want);
        CHECK_EQ(h.len, (uint64_t)N);
    }
    /* one changed byte changes it */
    b[N / 2] ^= 1;
    CHECK(spec_hash(b, N) != want);
    /* the empty stream has a fixed value */
    struct input_hash h;
    input_hash_init(&h);
    CHECK_EQ(input_hash_final(&h), spec_hash(b, 0));
}

TEST(input_identity_while_reading)
{
    const char text[] = "I  00401000,3\n L 10000000,8\n S 10000008,8\n";
    struct vms_error e = {0};
    struct trace_input *in = input_open_mem(text, sizeof text - 1, "mem", &e);
    CHECK(in != NULL);
    if (!in)
        return;
    char buf[7];
    long n;
    bool complete = true;
    uint64_t bytes, hash;
    input_identity(in, &bytes, &hash, &complete);
    CHECK(!complete);
    while ((n = input_read(in, buf, sizeof buf, &e)) > 0)
        ;
    CHECK_EQ(n, 0);
    input_identity(in, &bytes, &hash, &complete);
    CHECK(complete);
    CHECK_EQ(bytes, (uint64_t)(sizeof text - 1));
    CHECK_EQ(hash, spec_hash((const unsigned char *)text, sizeof text - 1));
    input_close(in);
}
