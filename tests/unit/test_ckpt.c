/* Checkpoints below the CLI: the serializer's bounds checks, and every policy's save/load
 * (a policy restored from a checkpoint taken halfway decides as the original goes on to;
 * every truncation of its checkpoint is refused without harm). */
#include "harness.h"

#include "base/alloc.h"
#include "base/ser.h"
#include "policy/policy.h"

#include <string.h>

TEST(ser_roundtrip)
{
    struct ser s;
    ser_init(&s);
    ser_u8(&s, 0xab);
    ser_u32(&s, 0x01020304);
    ser_u64(&s, UINT64_C(0x1122334455667788));
    ser_str(&s, "hello");
    ser_str(&s, NULL);
    ser_u8(&s, 1);
    uint32_t ids[3] = {0, 4, UINT32_MAX};
    ser_u32s(&s, ids, 3);
    CHECK(!s.oom);
    CHECK_EQ(s.buf[1], 0x04); /* little-endian */
    struct deser d;
    deser_init(&d, s.buf, s.len, "x.ckpt");
    CHECK_EQ(deser_u8(&d), 0xab);
    CHECK_EQ(deser_u32(&d), 0x01020304);
    CHECK_EQ(deser_u64(&d), UINT64_C(0x1122334455667788));
    char *str = NULL;
    CHECK(deser_str(&d, 16, &str));
    CHECK_STR(str, "hello");
    vms_free(str);
    CHECK(deser_str(&d, 16, &str));
    CHECK(str == NULL);
    CHECK(deser_bool(&d));
    uint32_t back[3];
    deser_ids(&d, back, 3, 5, "id");
    CHECK(!d.bad);
    CHECK_EQ(back[1], 4);
    CHECK_EQ(back[2], UINT32_MAX);
    CHECK_EQ(d.pos, d.len);
    CHECK_EQ(deser_error(&d, NULL), 0);
    /* past the end: zeros, bad, one message naming the file */
    CHECK_EQ(deser_u64(&d), 0);
    CHECK(d.bad);
    struct vms_error e = {0};
    CHECK_EQ(deser_error(&d, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "x.ckpt: truncated checkpoint (8 bytes needed at byte 39 of 39)");
    ser_fini(&s);
}

TEST(ser_bounds)
{
    struct ser s;
    ser_init(&s);
    ser_u64(&s, 10);
    ser_u8(&s, 2);
    ser_u32(&s, 7);
    ser_u32(&s, 100); /* a string longer than what follows */
    struct deser d;
    deser_init(&d, s.buf, s.len, "b");
    CHECK_EQ(deser_max(&d, 9, "count"), 0);
    CHECK(d.bad);
    struct vms_error e = {0};
    deser_error(&d, &e);
    CHECK_STR(e.msg, "b: corrupt checkpoint: count 10 at byte 0 is out of range (at most 9)");
    deser_init(&d, s.buf, s.len, "b");
    CHECK_EQ(deser_max(&d, 10, "count"), 10);
    CHECK(!deser_bool(&d)); /* 2 is no flag */
    CHECK(d.bad);
    deser_init(&d, s.buf + 9, s.len - 9, "b");
    CHECK_EQ(deser_id(&d, 7, false, "slot"), 0);
    CHECK(d.bad);
    deser_init(&d, s.buf + 13, s.len - 13, "b");
    char *str = (char *)1;
    CHECK(!deser_str(&d, 1000, &str));
    CHECK(str == NULL);
    CHECK(d.bad);
    /* an append that cannot grow the buffer keeps it as it was */
    alloc_fail_after(0);
    struct ser t;
    ser_init(&t);
    ser_u64(&t, 1);
    alloc_fail_after(-1);
    CHECK(t.oom);
    CHECK_EQ(t.len, 0);
    ser_fini(&t);
    ser_fini(&s);
}

#define NF 48

struct chw {
    uint8_t a[NF], d[NF];
    uint64_t now;
};
static bool c_tcy(void *c, uint32_t s)
{
    struct chw *h = c;
    bool y = h->a[s];
    h->a[s] = 0;
    return y;
}
static bool c_ty(void *c, uint32_t s)
{
    return ((struct chw *)c)->a[s];
}
static bool c_dirty(void *c, uint32_t s)
{
    return ((struct chw *)c)->d[s];
}
static uint64_t c_now(void *c)
{
    return ((struct chw *)c)->now;
}

/* A kernel-style driver: its policy, the hardware bits, the page in each slot. */
struct cdrv {
    struct policy *p;
    struct chw hw;
    struct policy_env env;
    uint64_t page[NF];
    uint32_t hw_slot;
};

/* A reference: the slot the page ends in; *victim the slot evicted (or POLICY_NO_SLOT). */
static uint32_t cdrv_ref(struct cdrv *g, uint64_t page, bool write, uint64_t now,
                         uint32_t *victim)
{
    g->hw.now = now;
    *victim = POLICY_NO_SLOT;
    uint32_t slot = POLICY_NO_SLOT;
    for (uint32_t s = 0; s < g->hw_slot; s++)
        if (policy_slot_used(g->p, s) && g->page[s] == page)
            slot = s;
    if (policy_is_idealized(g->p))
        policy_access(g->p, slot, page, write);
    if (slot != POLICY_NO_SLOT) {
        g->hw.a[slot] = 1;
        g->hw.d[slot] |= write;
        return slot;
    }
    for (uint32_t s = 0; s < g->hw_slot && slot == POLICY_NO_SLOT; s++)
        if (!policy_slot_used(g->p, s))
            slot = s;
    if (slot == POLICY_NO_SLOT && g->hw_slot < NF) {
        if (g->hw_slot % 8 == 0 && policy_reserve(g->p, g->hw_slot + 8) != 0)
            return POLICY_NO_SLOT;
        slot = g->hw_slot++;
    }
    if (slot == POLICY_NO_SLOT)
        slot = *victim = policy_victim(g->p, &g->env);
    g->page[slot] = page;
    g->hw.a[slot] = 1;
    g->hw.d[slot] = write;
    policy_insert(g->p, slot, page, write);
    return slot;
}

static uint64_t c_rng;
static uint64_t c_rnd(uint64_t n)
{
    c_rng = c_rng * UINT64_C(6364136223846793005) + 1442695040888963407u;
    return (c_rng >> 33) % n;
}

/* Steps k .. k+n of the sequence on g (removes and ticks as the kernel makes them). */
static void cdrv_steps(struct cdrv *g, const uint64_t *refs, size_t k, size_t n, uint32_t *slots,
                       uint32_t *victims)
{
    for (size_t i = k; i < k + n; i++) {
        slots[i] = cdrv_ref(g, refs[i], i % 3 == 0, i + 1, &victims[i]);
        if (i % 7 == 0 && policy_slot_used(g->p, (uint32_t)(refs[i] * 5 % NF)))
            policy_remove(g->p, (uint32_t)(refs[i] * 5 % NF));
        if (i % 5 == 0) {
            uint32_t out[NF];
            policy_tick(g->p, &g->env);
            (void)policy_trim(g->p, &g->env, out, NF);
        }
    }
}

TEST(policy_checkpoint_every_policy)
{
    enum { N = 4000, HALF = 1700 };
    static uint64_t refs[N];
    static uint32_t s0[N], v0[N], s1[N], v1[N];
    const struct policy_ops *ops;
    unsigned tested = 0;
    for (size_t i = 0; (ops = policy_at(i)); i++) {
        c_rng = 11 + i;
        for (size_t k = 0; k < N; k++)
            refs[k] = c_rnd(4) ? (k / 400) * 15 + c_rnd(70) : c_rnd(300);
        for (int grow = 0; grow < 2; grow++) {
            struct policy_params pp = {.nframes = NF, .tau = 150, .seed = 5, .grow = grow};
            struct cdrv a, b;
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            a.env = (struct policy_env){&a.hw, c_tcy, c_ty, c_dirty, c_now};
            b.env = (struct policy_env){&b.hw, c_tcy, c_ty, c_dirty, c_now};
            CHECK_EQ(policy_create(ops, &pp, &a.p, NULL), 0);
            CHECK_EQ(policy_create(ops, &pp, &b.p, NULL), 0);
            if (!a.p || !b.p)
                return;
            CHECK_EQ(policy_set_future(a.p, refs, N, NULL), 0);
            CHECK_EQ(policy_set_future(b.p, refs, N, NULL), 0);
            cdrv_steps(&a, refs, 0, HALF, s0, v0);
            struct ser s;
            ser_init(&s);
            int rc = policy_save(a.p, &s);
            if (ops->flags & POLICY_NEEDS_FUTURE) { /* opt: the kernel never runs it */
                CHECK_EQ(rc, -VMS_EUNSUPPORTED);
            } else {
                CHECK_EQ(rc, 0);
                CHECK(!s.oom);
                /* b takes the checkpoint (the driver's copy of the hardware as well) */
                struct deser d;
                deser_init(&d, s.buf, s.len, "p");
                CHECK_EQ(policy_load(b.p, &d), 0);
                CHECK(!d.bad);
                CHECK_EQ(d.pos, d.len);
                b.hw = a.hw;
                memcpy(b.page, a.page, sizeof a.page);
                b.hw_slot = a.hw_slot;
                /* both go on: the same slots, the same victims */
                cdrv_steps(&a, refs, HALF, N - HALF, s0, v0);
                cdrv_steps(&b, refs, HALF, N - HALF, s1, v1);
                size_t diff = N, victims = 0;
                for (size_t k = HALF; k < N; k++) {
                    if ((s0[k] != s1[k] || v0[k] != v1[k]) && diff == N)
                        diff = k;
                    victims += v0[k] != POLICY_NO_SLOT;
                }
                if (diff != N)
                    harness_fail(__FILE__, __LINE__, "policy %s (grow %d): restored decides "
                                 "apart at reference %zu", ops->name, grow, diff);
                if (victims < 500)
                    harness_fail(__FILE__, __LINE__, "policy %s: only %zu victims", ops->name,
                                 victims);
                /* every truncation is refused, and the instance can still be destroyed */
                for (size_t cut = 0; cut < s.len; cut += 1 + cut / 16) {
                    struct policy *c = NULL;
                    CHECK_EQ(policy_create(ops, &pp, &c, NULL), 0);
                    if (!c)
                        break;
                    deser_init(&d, s.buf, cut, "p");
                    int lrc = policy_load(c, &d);
                    CHECK(lrc == 0 || lrc == -VMS_ENOMEM);
                    if (!d.bad)
                        harness_fail(__FILE__, __LINE__, "policy %s: %zu of %zu bytes taken",
                                     ops->name, cut, s.len);
                    policy_destroy(c);
                }
                tested++;
            }
            ser_fini(&s);
            policy_destroy(a.p);
            policy_destroy(b.p);
        }
    }
    CHECK(tested >= 2 * 15);
}

/* A checkpoint of one policy is refused by another, and one of another size. */
TEST(policy_checkpoint_refuses_other)
{
    struct policy_params pp = {.nframes = 16};
    struct policy *a, *b, *c;
    CHECK_EQ(policy_create(policy_find("lru"), &pp, &a, NULL), 0);
    CHECK_EQ(policy_create(policy_find("fifo"), &pp, &b, NULL), 0);
    pp.nframes = 17;
    CHECK_EQ(policy_create(policy_find("lru"), &pp, &c, NULL), 0);
    if (!a || !b || !c)
        return;
    struct ser s;
    ser_init(&s);
    CHECK_EQ(policy_save(a, &s), 0);
    struct deser d;
    deser_init(&d, s.buf, s.len, "p.ckpt");
    policy_load(b, &d);
    struct vms_error e = {0};
    CHECK_EQ(deser_error(&d, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "p.ckpt: the checkpoint's policy is lru, not fifo");
    deser_init(&d, s.buf, s.len, "p.ckpt");
    policy_load(c, &d);
    CHECK(d.bad);
    ser_fini(&s);
    policy_destroy(a);
    policy_destroy(b);
    policy_destroy(c);
}
