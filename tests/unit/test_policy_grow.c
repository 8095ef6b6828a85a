/* params.grow (the kernel's way: state made as slots are reserved) must not change what any
 * policy decides: every policy, created whole and created growing, is driven through the
 * same kernel-style sequence (new slots taken lowest first and reserved in leaves of 8,
 * victims when full, removes) and must pick the same victims; arc and lirs of 2^28 slots
 * start small (they allocated 2-3 entries per slot at create: out of memory at 1 TiB). */
#include "harness.h"

#include "base/alloc.h"
#include "policy/policy.h"

#include <string.h>

#define NF 64

struct ghw {
    uint8_t a[NF], d[NF];
    uint64_t now;
};
static bool g_tcy(void *c, uint32_t s)
{
    struct ghw *h = c;
    bool y = h->a[s];
    h->a[s] = 0;
    return y;
}
static bool g_ty(void *c, uint32_t s)
{
    return ((struct ghw *)c)->a[s];
}
static bool g_dirty(void *c, uint32_t s)
{
    return ((struct ghw *)c)->d[s];
}
static uint64_t g_now(void *c)
{
    return ((struct ghw *)c)->now;
}

static uint64_t g_rng;
static uint64_t g_rnd(uint64_t n)
{
    g_rng = g_rng * UINT64_C(6364136223846793005) + 1442695040888963407u;
    return (g_rng >> 33) % n;
}

/* One driver: its policy, the page in each slot, the slots' high-water mark. */
struct gdrv {
    struct policy *p;
    struct ghw hw;
    struct policy_env env;
    uint64_t page[NF];
    uint32_t hw_slot;
};

/* A reference to page: returns the slot it ends in, and the victim (POLICY_NO_SLOT if none). */
static uint32_t gdrv_ref(struct gdrv *g, uint64_t page, bool write, uint64_t now,
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

TEST(policy_grow_decides_as_whole)
{
    const struct policy_ops *ops;
    for (size_t i = 0; (ops = policy_at(i)); i++) {
        struct gdrv g[2];
        memset(g, 0, sizeof g);
        uint64_t future[3000];
        g_rng = 7 + i;
        for (size_t k = 0; k < 3000; k++) /* a working set that moves: hits, misses, ghosts */
            future[k] = g_rnd(4) ? (k / 500) * 20 + g_rnd(90) : g_rnd(400);
        for (int v = 0; v < 2; v++) {
            struct policy_params pp = {.nframes = NF, .tau = 200, .seed = 3, .grow = v == 1};
            g[v].env = (struct policy_env){&g[v].hw, g_tcy, g_ty, g_dirty, g_now};
            CHECK(policy_create(ops, &pp, &g[v].p, NULL) == 0);
            if (!g[v].p)
                return;
            CHECK(policy_set_future(g[v].p, future, 3000, NULL) == 0);
        }
        unsigned victims = 0;
        bool same = true;
        for (size_t k = 0; k < 3000 && same; k++) {
            bool w = k % 3 == 0;
            uint32_t vic[2], slot[2];
            for (int v = 0; v < 2; v++)
                slot[v] = gdrv_ref(&g[v], future[k], w, k + 1, &vic[v]);
            same = slot[0] == slot[1] && vic[0] == vic[1];
            victims += vic[0] != POLICY_NO_SLOT;
            if (k % 7 == 0) { /* munmap of one resident page, the same in both */
                uint32_t s = (uint32_t)g_rnd(NF);
                for (int v = 0; v < 2; v++)
                    if (policy_slot_used(g[v].p, s))
                        policy_remove(g[v].p, s);
            }
            if (k % 5 == 0)
                for (int v = 0; v < 2; v++) {
                    uint32_t out[NF];
                    policy_tick(g[v].p, &g[v].env);
                    (void)policy_trim(g[v].p, &g[v].env, out, NF);
                }
        }
        if (!same)
            harness_fail(__FILE__, __LINE__, "policy %s: grown and whole decide apart",
                         ops->name);
        if (victims <= 500)
            harness_fail(__FILE__, __LINE__, "policy %s: only %u victims", ops->name, victims);
        for (int v = 0; v < 2; v++)
            policy_destroy(g[v].p);
    }
}

/* 2^28 slots (1 TiB of 4 KiB frames), growing: created and used at once, and a reserve that
 * fails leaves the policy working on the slots it had. */
TEST(policy_grow_arc_lirs_huge)
{
    static const char *const names[] = {"arc", "lirs"};
    for (size_t i = 0; i < 2; i++) {
        struct gdrv g;
        memset(&g, 0, sizeof g);
        g.env = (struct policy_env){&g.hw, g_tcy, g_ty, g_dirty, g_now};
        struct policy_params pp = {.nframes = UINT32_C(1) << 28, .grow = true};
        struct vms_error e = {0};
        CHECK_EQ(policy_create(policy_find(names[i]), &pp, &g.p, &e), 0);
        if (!g.p)
            return;
        CHECK_EQ(policy_reserve(g.p, 8), 0);
        alloc_fail_after(0);
        int rc = policy_reserve(g.p, 1u << 20);
        alloc_fail_after(-1);
        CHECK_EQ(rc, -VMS_ENOMEM);
        for (uint32_t s = 0; s < 8; s++)
            policy_insert(g.p, s, 1000 + s, false);
        for (uint32_t s = 0; s < 8; s++)
            policy_access(g.p, s, 1000 + s, true);
        policy_remove(g.p, 3);
        CHECK_EQ(g.p->nused, 7);
        policy_destroy(g.p);
    }
}
