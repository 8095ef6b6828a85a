/* Frame allocation that reclaims when no frame is free, and the out-of-memory killer when
 * nothing can be reclaimed. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

/* The out-of-memory victim: the live task with the largest RSS. Memory may be full of pages
 * no PTE maps (shared anonymous pages left in their object by a partial munmap or a fork,
 * with no swap to put them in), so a task with RSS 0 is still a candidate: its exit may
 * release them (Linux's badness also counts page tables, so it never runs out of victims). */
static struct task *largest_task(struct kernel *k)
{
    struct task *best = NULL;
    for (struct task *t = k->tasks; t; t = t->next)
        if (!t->dead && (!best || t->rss > best->rss))
            best = t;
    return best;
}

/* A frame for the kernel's use (refcount 1): a free one, else one reclaim frees, else the
 * out-of-memory killer ends the largest task and reclaim goes on. 0, 1 when the victim was
 * the faulting task (k->faulting_killed is set; *out is not), or < 0 on host errors or when
 * no task is left to kill. */
int kern_frame_alloc(struct kernel *k, uint32_t *out, struct vms_error *e)
{
    for (;;) {
        int got = kern_frame_get_free(k, out);
        if (got < 0)
            return err_set(e, VMS_ENOMEM, "out of host memory");
        if (got)
            return 0;
        int rc = kern_reclaim_one(k, e);
        if (rc < 0)
            return rc;
        if (rc == 1)
            continue;
        /* memory and swap are exhausted: the out-of-memory killer */
        struct task *victim = largest_task(k);
        if (!victim)
            return err_set(e, VMS_ENOMEM,
                           "out of memory: no frame can be freed and no process to kill");
        kern_oom_kill(k, victim);
        if (victim == k->faulting) {
            k->faulting_killed = true;
            return 1;
        }
    }
}

void kern_oom_kill(struct kernel *k, struct task *t)
{
    t->killed = true;
    if (k->opt.on_kill)
        k->opt.on_kill(k->opt.ctx, t);
    /* its locked frames stay locked only for the access in progress; unlock them */
    if (t == k->faulting)
        kern_unlock_all(k);
    kern_task_teardown(k, t);
}
