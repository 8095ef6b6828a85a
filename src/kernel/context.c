/* The MMU context of the current task: the switch (CR3 and PCID load, which also ends the
 * MMU's last-hit shortcut for the old address space: src/hw/mmu.h, "the epoch") and the
 * hardware counters accumulated while each task was current. */
#include "kernel/internal.h"

#include <string.h>

void kern_hw_stats(struct kernel *k, struct stats *s)
{
    memset(s, 0, sizeof *s);
    stats_from_mmu(s, &k->mmu);
}

bool kern_charge_begin(struct kernel *k, struct stats *before)
{
    if (k->cur)
        return false;
    kern_hw_stats(k, before);
    return true;
}

void kern_charge_end(struct kernel *k, struct task *t, const struct stats *before)
{
    struct stats now;
    kern_hw_stats(k, &now);
    stats_accumulate(&t->hw, &now, before);
}

void kern_switch(struct kernel *k, struct task *t)
{
    if (k->cur == t)
        return;
    struct stats now;
    kern_hw_stats(k, &now);
    if (k->cur)
        stats_accumulate(&k->cur->hw, &now, &k->cur->hw0);
    k->cur = t;
    if (t) {
        t->hw0 = now;
        mmu_load_cr3(&k->mmu, t->root, t->asid);
    }
}

