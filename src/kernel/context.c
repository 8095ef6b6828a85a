/* The MMU context of the current task: the switch (CR3 and PCID load, the hardware counters
 * accumulated while each task was current, the last hits forgotten) and the flush of one
 * PCID from every TLB and paging-structure cache. */
#include "kernel/internal.h"

#include <string.h>

void kern_hw_stats(struct kernel *k, struct stats *s)
{
    memset(s, 0, sizeof *s);
    stats_from_mmu(s, &k->mmu);
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
    kern_last_forget(k->last);
    if (t) {
        t->hw0 = now;
        mmu_load_cr3(&k->mmu, t->root, t->asid);
    }
}

void kern_flush_asid(struct kernel *k, uint16_t asid)
{
    struct mmu *m = &k->mmu;
    for (int i = 0; i < TLB_N; i++)
        if (m->tlb[i].present)
            tlb_flush_nonglobal(&m->tlb[i], asid);
    for (int l = 0; l < MAX_LEVELS; l++)
        for (uint32_t i = 0; i < m->psc[l].n; i++)
            if (m->psc[l].e[i].asid == asid)
                m->psc[l].e[i].key = 0;
}
