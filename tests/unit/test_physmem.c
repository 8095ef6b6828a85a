/* Unit tests for src/hw/physmem: lazy frames, reads and writes of every size, unknown
 * mode, clear (hash deletion checked against a naive map), copy. */
#include "hwtest.h"

#include "base/alloc.h"
#include "hw/physmem.h"

TEST(physmem_lazy_frames)
{
    struct physmem *pm = physmem_create(12, false);
    CHECK(pm != NULL);
    uint64_t v = 1;
    /* Reads of never-written memory are zero and allocate nothing. */
    CHECK(physmem_read(pm, 0x123456789000ull, 8, &v));
    CHECK_EQ(v, 0);
    CHECK(physmem_known(pm, 0x5000));
    CHECK_EQ(physmem_resident(pm), 0);
    CHECK_EQ(physmem_write(pm, 0x5008, 4, 0xdeadbeef), 0);
    CHECK_EQ(physmem_resident(pm), 1);
    CHECK_EQ(physmem_write(pm, 0x5ff8, 8, 1), 0);
    CHECK_EQ(physmem_resident(pm), 1);
    CHECK(physmem_frame(pm, 7) != NULL);
    CHECK_EQ(physmem_resident(pm), 2);
    CHECK(physmem_frame(pm, 7) == physmem_frame(pm, 7));
    physmem_destroy(pm);
    physmem_destroy(NULL);
}

TEST(physmem_sizes_little_endian)
{
    struct physmem *pm = physmem_create(12, false);
    uint64_t v;
    CHECK_EQ(physmem_write(pm, 0x1000, 8, 0x0807060504030201ull), 0);
    CHECK(physmem_read(pm, 0x1000, 1, &v) && v == 0x01);
    CHECK(physmem_read(pm, 0x1000, 2, &v) && v == 0x0201);
    CHECK(physmem_read(pm, 0x1000, 4, &v) && v == 0x04030201);
    CHECK(physmem_read(pm, 0x1000, 8, &v) && v == 0x0807060504030201ull);
    CHECK(physmem_read(pm, 0x1003, 2, &v) && v == 0x0504);
    CHECK(physmem_read(pm, 0x1005, 3, &v) && v == 0x080706);
    /* A narrower write changes only its bytes. */
    CHECK_EQ(physmem_write(pm, 0x1002, 2, 0xaabb), 0);
    CHECK(physmem_read(pm, 0x1000, 8, &v) && v == 0x08070605aabb0201ull);
    CHECK_EQ(physmem_write(pm, 0x1007, 1, 0xff), 0);
    CHECK(physmem_read(pm, 0x1000, 8, &v) && v == 0xff070605aabb0201ull);
    /* Last bytes of a frame. */
    CHECK_EQ(physmem_write(pm, 0x1ff8, 8, 0x1122334455667788ull), 0);
    CHECK(physmem_read(pm, 0x1ffc, 4, &v) && v == 0x11223344);
    CHECK(physmem_read(pm, 0x2000, 8, &v) && v == 0);
    /* Byte ranges across frames. */
    uint8_t buf[300], back[300];
    for (int i = 0; i < 300; i++)
        buf[i] = (uint8_t)(i * 7 + 1);
    CHECK_EQ(physmem_write_bytes(pm, 0x2f80, buf, sizeof buf), 0);
    CHECK(physmem_read_bytes(pm, 0x2f80, back, sizeof back));
    CHECK(!memcmp(buf, back, sizeof buf));
    CHECK(physmem_read(pm, 0x3000, 1, &v) && v == buf[0x80]);
    CHECK_EQ(physmem_resident(pm), 3);
    physmem_destroy(pm);
}

TEST(physmem_unknown_mode)
{
    struct physmem *pm = physmem_create(6, true); /* 64-byte frames, as csapp-small */
    uint64_t v = 99;
    CHECK(!physmem_read(pm, 0x100, 1, &v));
    CHECK_EQ(v, 0);
    CHECK(!physmem_known(pm, 0x100));
    CHECK_EQ(physmem_write(pm, 0x101, 1, 0x36), 0);
    CHECK(physmem_known(pm, 0x101));
    CHECK(!physmem_known(pm, 0x100));
    CHECK(physmem_read(pm, 0x101, 1, &v) && v == 0x36);
    CHECK(!physmem_read(pm, 0x100, 2, &v)); /* one byte of two unknown */
    CHECK_EQ(v, 0x3600);
    uint8_t b[2] = {1, 2}, r[4];
    CHECK_EQ(physmem_write_bytes(pm, 0x13f, b, 2), 0); /* crosses into frame 5 */
    CHECK(physmem_read_bytes(pm, 0x13f, r, 2));
    CHECK(!physmem_read_bytes(pm, 0x13e, r, 4));
    /* A page-table frame is entirely known (zero). */
    CHECK(physmem_frame(pm, 9) != NULL);
    CHECK(physmem_read(pm, 9 << 6, 8, &v) && v == 0);
    /* Cleared frames become unknown again; copying carries the known map. */
    CHECK_EQ(physmem_copy(pm, 11, 4), 0);
    CHECK(physmem_read(pm, (11 << 6) + 1, 1, &v) && v == 0x36);
    CHECK(!physmem_known(pm, 11 << 6));
    physmem_clear(pm, 4);
    CHECK(!physmem_known(pm, 0x101));
    CHECK_EQ(physmem_copy(pm, 11, 4), 0); /* from a frame without bytes: dst cleared */
    CHECK(!physmem_known(pm, (11 << 6) + 1));
    physmem_destroy(pm);
}

TEST(physmem_copy_and_clear)
{
    struct physmem *pm = physmem_create(12, false);
    uint64_t v;
    for (unsigned i = 0; i < 512; i++)
        physmem_write(pm, 0x7000 + 8 * i, 8, i * 0x0101010101ull);
    CHECK_EQ(physmem_copy(pm, 0x99, 7), 0);
    for (unsigned i = 0; i < 512; i++)
        CHECK(physmem_read(pm, 0x99000 + 8 * i, 8, &v) && v == i * 0x0101010101ull);
    /* The copy is independent of its source. */
    physmem_write(pm, 0x7000, 8, 5);
    CHECK(physmem_read(pm, 0x99000, 8, &v) && v == 0);
    CHECK_EQ(physmem_copy(pm, 7, 7), 0); /* self-copy keeps the bytes */
    CHECK(physmem_read(pm, 0x7000, 8, &v) && v == 5);
    physmem_clear(pm, 7);
    CHECK(physmem_read(pm, 0x7008, 8, &v) && v == 0);
    CHECK_EQ(physmem_resident(pm), 1);
    physmem_clear(pm, 7);     /* clearing an absent frame is harmless */
    physmem_clear(pm, 12345); /* never allocated */
    CHECK_EQ(physmem_resident(pm), 1);
    CHECK_EQ(physmem_copy(pm, 0x99, 7), 0); /* absent source: destination reads zero */
    CHECK(physmem_read(pm, 0x99008, 8, &v) && v == 0);
    CHECK_EQ(physmem_resident(pm), 0);
    physmem_destroy(pm);
}

/* The hash map against a naive array: many inserts and deletes on colliding keys, with
 * every frame's marker checked. Deletion must keep every probe chain intact. */
TEST(physmem_hash_against_naive_map)
{
    enum { NFRAMES = 3000, OPS = 200000 };
    static uint64_t naive[NFRAMES]; /* 0 = absent, else the marker stored at offset 8 */
    memset(naive, 0, sizeof naive);
    struct physmem *pm = physmem_create(12, false);
    uint64_t s = 42, resident = 0;
    for (int op = 0; op < OPS; op++) {
        /* Frames spread over a wide range so that they collide after hashing. */
        uint64_t i = rng_below(&s, NFRAMES);
        pfn_t pfn = i * 4099 + (i & 1 ? 0x100000000ull : 0);
        uint64_t r = rng_below(&s, 10);
        uint64_t v;
        if (r < 5) {
            uint64_t marker = rng_next(&s) | 1;
            if (!naive[i])
                resident++;
            naive[i] = marker;
            CHECK_EQ(physmem_write(pm, (pfn << 12) + 8, 8, marker), 0);
        } else if (r < 8) {
            if (naive[i])
                resident--;
            naive[i] = 0;
            physmem_clear(pm, pfn);
        } else {
            CHECK(physmem_read(pm, (pfn << 12) + 8, 8, &v));
            CHECK_EQ(v, naive[i]);
        }
        if (op % 20000 == 0 || op == OPS - 1) {
            for (uint64_t j = 0; j < NFRAMES; j++) {
                pfn_t pj = j * 4099 + (j & 1 ? 0x100000000ull : 0);
                physmem_read(pm, (pj << 12) + 8, 8, &v);
                if (v != naive[j]) {
                    CHECK_EQ(v, naive[j]);
                    break;
                }
            }
            CHECK_EQ(physmem_resident(pm), resident);
        }
    }
    physmem_destroy(pm);
}

TEST(physmem_oom_is_reported)
{
    struct physmem *pm = physmem_create(12, false);
    alloc_fail_after(0);
    int rc = physmem_write(pm, 0x1000, 1, 1);
    uint8_t *fr = physmem_frame(pm, 3);
    alloc_fail_after(-1);
    CHECK_EQ(rc, -VMS_ENOMEM);
    CHECK(fr == NULL);
    CHECK_EQ(physmem_resident(pm), 0);
    physmem_destroy(pm);
}

/* The cache of recent frames in front of the hash map: frames that share a cache slot
 * (pfns a multiple of 1024 apart: 3, 1027 and 2^32 + 3; 4 and 2052), alternating accesses, and the invalidations — a cleared frame reads
 * zero and is allocated afresh, a copy from an absent frame clears the destination, a
 * copy into a cached frame is seen — checked against a naive map on a few frames so
 * that nearly every lookup goes through the cache. Unknown mode too. */
TEST(physmem_recent_frames_cache)
{
    for (int unknown = 0; unknown <= 1; unknown++) {
        enum { NF = 7, WORDS = 8 };
        static const pfn_t pfns[NF] = {3, 1027, 19, 4, 2052, 0x100000003ull, 35};
        uint64_t naive[NF][WORDS] = {{0}};
        bool present[NF] = {false};
        struct physmem *pm = physmem_create(12, unknown);
        uint64_t s = 7;
        for (int op = 0; op < 100000; op++) {
            unsigned i = (unsigned)rng_below(&s, NF), w = (unsigned)rng_below(&s, WORDS);
            paddr_t pa = (pfns[i] << 12) + 8 * w;
            uint64_t r = rng_below(&s, 100), v;
            if (r < 45) {
                v = rng_next(&s);
                CHECK_EQ(physmem_write(pm, pa, 8, v), 0);
                if (!present[i] && unknown) /* the rest of a new frame is unknown: zero it */
                    for (unsigned k = 0; k < WORDS; k++)
                        if (k != w)
                            CHECK_EQ(physmem_write(pm, (pfns[i] << 12) + 8 * k, 8, 0), 0);
                naive[i][w] = v;
                present[i] = true;
            } else if (r < 50) {
                physmem_clear(pm, pfns[i]);
                memset(naive[i], 0, sizeof naive[i]);
                present[i] = false;
            } else if (r < 55) {
                unsigned j = (unsigned)rng_below(&s, NF);
                CHECK_EQ(physmem_copy(pm, pfns[i], pfns[j]), 0);
                memmove(naive[i], naive[j], sizeof naive[i]);
                present[i] = present[j];
            } else {
                bool known = physmem_read(pm, pa, 8, &v);
                CHECK_EQ(known, present[i] || !unknown);
                if (v != naive[i][w]) {
                    harness_fail(__FILE__, __LINE__,
                                 "unknown %d op %d: frame 0x%llx word %u: "
                                 "0x%llx, naive 0x%llx",
                                 unknown, op, (unsigned long long)pfns[i], w, (unsigned long long)v,
                                 (unsigned long long)naive[i][w]);
                    break;
                }
            }
        }
        uint64_t resident = 0;
        for (unsigned i = 0; i < NF; i++)
            resident += present[i];
        CHECK_EQ(physmem_resident(pm), resident);
        physmem_destroy(pm);
    }
}

/* physmem_prefetch is a hint: it allocates nothing and changes no value, known or not,
 * for frames with bytes, frames without, and after the frame's bytes were dropped. */
TEST(physmem_prefetch_changes_nothing)
{
    for (int unknown = 0; unknown < 2; unknown++) {
        struct physmem *pm = physmem_create(12, unknown);
        CHECK(pm != NULL);
        CHECK_EQ(physmem_write(pm, 0x3010, 8, 0x1122334455667788ull), 0);
        physmem_prefetch(pm, 0x3010);
        physmem_prefetch(pm, 0x9000); /* no bytes */
        CHECK_EQ(physmem_resident(pm), 1);
        uint64_t v = 0;
        CHECK(physmem_read(pm, 0x3010, 8, &v) && v == 0x1122334455667788ull);
        CHECK_EQ(physmem_read(pm, 0x9000, 8, &v), !unknown);
        CHECK_EQ(physmem_read(pm, 0x3018, 1, &v), !unknown);
        physmem_clear(pm, 3);
        physmem_prefetch(pm, 0x3010);
        CHECK_EQ(physmem_resident(pm), 0);
        CHECK_EQ(physmem_read(pm, 0x3010, 8, &v), !unknown);
        CHECK_EQ(v, 0);
        physmem_destroy(pm);
    }
}
