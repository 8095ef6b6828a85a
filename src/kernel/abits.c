/* The hardware's accessed and dirty bits as the kernel reads them: through the reverse map,
 * over every PTE of a frame, clearing them with a TLB invalidation per changed PTE; and the
 * environment the replacement policy calls (young, dirty, the virtual clock). */
#include "kernel/internal.h"

/* Whether any PTE mapping frame f (through the reverse map) has a bit of mask set; with
 * clear, those bits are cleared and each changed PTE's TLB entry invalidated. */
static bool rmap_test_bits(struct kernel *k, uint32_t f, pte_t mask, bool clear)
{
    struct frame *fr = kern_frame(k, f);
    bool any = false;
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        struct task *t = fr->rmap[i].t;
        paddr_t p = kern_pte_pa(k, t, fr->rmap[i].va);
        if (!p)
            continue;
        pte_t v = kern_pte_get(k, p);
        if (v & mask) {
            any = true;
            if (clear)
                kern_pte_set(k, t, fr->rmap[i].va, p, v & ~mask);
        }
    }
    return any;
}

bool kern_frame_dirty(struct kernel *k, uint32_t f, bool clear)
{
    struct frame *fr = kern_frame(k, f);
    bool d = (fr->flags & FR_DIRTY) | rmap_test_bits(k, f, k->mmu.fmt->d_mask, clear);
    if (clear) {
        /* A locked frame is in use by the access in progress, which may already hold a write
         * translation of it (its D bit was set then) and writes its bytes after this write-back
         * (an OOM kill during that access tears another mapper down): it stays dirty. */
        if (fr->flags & FR_LOCKED)
            fr->flags |= FR_DIRTY;
        else
            fr->flags &= ~FR_DIRTY;
    }
    return d;
}

static bool env_young(void *ctx, uint32_t f, bool clear)
{
    struct kernel *k = ctx;
    struct frame *fr = kern_frame(k, f);
    bool y = fr->flags & FR_REFERENCED;
    if (clear)
        fr->flags &= ~FR_REFERENCED;
    /* clearing A shoots the TLB entry down, so the next use sets A again */
    y |= rmap_test_bits(k, f, k->mmu.fmt->a_mask, clear);
    return y;
}

static bool env_test_and_clear_young(void *ctx, uint32_t slot)
{
    return env_young(ctx, slot, true);
}

static bool env_test_young(void *ctx, uint32_t slot)
{
    return env_young(ctx, slot, false);
}

static bool env_is_dirty(void *ctx, uint32_t slot)
{
    return kern_frame_dirty(ctx, slot, false);
}

static uint64_t env_now(void *ctx)
{
    struct kernel *k = ctx;
    return k->now ? k->now : 1;
}

struct policy_env kern_policy_env(struct kernel *k)
{
    return (struct policy_env){k, env_test_and_clear_young, env_test_young, env_is_dirty, env_now};
}
