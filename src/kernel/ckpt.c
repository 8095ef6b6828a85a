/* Checkpoints of the whole kernel (kern_save, kern_load): the machine, the page-table pool,
 * the tasks, the frames, swap with its contents, the policy and the counters, each saved
 * by the file that owns it; a loaded kernel is checked with kern_audit. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

struct task *kern_task_by_pid(const struct kernel *k, int pid)
{
    for (struct task *t = k->tasks; t; t = t->next)
        if (t->pid == pid)
            return t;
    return NULL;
}

struct task *kern_current(const struct kernel *k)
{
    return k->cur;
}

int kern_save(const struct kernel *k, struct ser *s, struct vms_error *e)
{
    VMS_INVARIANT(!k->nlocked && !k->faulting, "checkpoint during an access");
    if (k->files)
        return err_set(e, VMS_EUNSUPPORTED,
                       "a checkpoint cannot hold page-cache objects (mapped files, shared "
                       "memory)");
    ser_u32(s, k->nframes);
    ser_u32(s, k->pshift);
    if (mmu_save(&k->mmu, s) < 0)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    kern_pool_save(k, s);
    int rc = kern_tasks_save(k, s, e);
    if (rc == 0)
        rc = kern_frames_save(k, s, e);
    if (rc == 0)
        rc = kern_swap_save(k, s, e);
    if (rc < 0)
        return rc;
    rc = policy_save(k->pol, s);
    if (rc < 0)
        return err_set(e, -rc, "policy %s: %s", k->pol->ops->name,
                       rc == -VMS_EUNSUPPORTED ? "cannot be checkpointed" : "out of host memory");
    ser_u32(s, k->tick_count);
    ser_u64(s, k->shmem_ino);
    stats_save(&k->st, s);
    ser_u8(s, k->have_last_res);
    stats_save(&k->last_res, s);
    ser_u64(s, k->now);
    ser_u32(s, k->cur ? (uint32_t)k->cur->pid : 0);
    ser_u32(s, k->actor ? (uint32_t)k->actor->pid : 0); /* set at every entry; kept as is */
    ser_u8(s, k->faulting_killed);
    return s->oom ? err_set(e, VMS_ENOMEM, "out of host memory") : 0;
}

/* A load that failed leaves tasks whose page tables may name anything: they are freed
 * without the teardown (which would follow them), so kern_destroy only frees tables. */
static void load_abandon(struct kernel *k)
{
    while (k->tasks) {
        struct task *t = k->tasks;
        k->tasks = t->next;
        area_set_fini(&t->areas);
        vms_free(t);
    }
    k->cur = k->actor = NULL;
    for (uint32_t f = 0; f < k->frames_hw; f++) {
        struct frame *fr = kern_frame(k, f);
        fr->nrmap = fr->mapcount = 0;
    }
}

static int load_body(struct kernel *k, struct deser *d, struct vms_error *e)
{
    if (deser_u32(d) != k->nframes)
        deser_fail(d, "the checkpoint's memory has another size");
    if (deser_u32(d) != k->pshift)
        deser_fail(d, "the checkpoint's pages have another size");
    struct task **bypid = NULL;
    int npid = 0, rc = 0;
    if (!d->bad && (rc = mmu_load(&k->mmu, d)) < 0)
        goto oom;
    pfn_t max_pfn = k->mmu.cfg.pa_bits - k->pshift >= 62
                        ? ((pfn_t)1 << 62)
                        : ((pfn_t)1 << (k->mmu.cfg.pa_bits - k->pshift)) - 1;
    if (!d->bad && (rc = kern_pool_load(k, d, max_pfn)) < 0)
        goto oom;
    if (!d->bad && (rc = kern_tasks_load(k, d, &bypid, &npid, e)) < 0)
        goto fail;
    if (!d->bad && (rc = kern_frames_load(k, d, bypid, npid)) < 0)
        goto oom;
    if (!d->bad && (rc = kern_swap_load(k, d, e)) < 0)
        goto fail;
    if (!d->bad && (rc = policy_load(k->pol, d)) < 0) {
        if (rc == -VMS_ENOMEM)
            goto oom;
        err_set(e, -rc, "policy %s cannot be checkpointed", k->pol->ops->name);
        goto fail;
    }
    k->tick_count = deser_id(d, k->tick_period ? k->tick_period : 1, false, "tick count");
    k->shmem_ino = deser_u64(d);
    stats_load(&k->st, d);
    k->have_last_res = deser_bool(d);
    stats_load(&k->last_res, d);
    k->now = deser_u64(d);
    uint32_t cur = deser_id(d, (uint64_t)(npid ? npid : 1), false, "current pid");
    k->cur = cur && bypid ? bypid[cur] : NULL;
    uint32_t actor = deser_id(d, (uint64_t)(npid ? npid : 1), false, "pid");
    k->actor = actor && bypid ? bypid[actor] : NULL;
    k->faulting_killed = deser_bool(d);
    if (!d->bad && d->pos != d->len)
        deser_fail(d, "corrupt checkpoint: %zu bytes after the end", d->len - d->pos);
    vms_free(bypid);
    bypid = NULL;
    if (!d->bad) {
        struct vms_error ae = {0};
        if (kern_audit(k, &ae) < 0)
            deser_fail(d, "corrupt checkpoint: the kernel's state is inconsistent (%s)", ae.msg);
    }
    if (d->bad) {
        load_abandon(k);
        return deser_error(d, e);
    }
    return 0;
oom:
    err_set(e, VMS_ENOMEM, "out of host memory");
fail:
    vms_free(bypid);
    load_abandon(k);
    return rc < 0 ? rc : -VMS_ENOMEM;
}

/* Rebuilding the tables and tasks is no part of the simulated run: it makes no kernel
 * memory traffic (the caches, loaded first, stay as they were saved). */
int kern_load(struct kernel *k, struct deser *d, struct vms_error *e)
{
    bool traffic = k->mmu.cfg.kernel_traffic;
    k->mmu.cfg.kernel_traffic = false;
    int rc = load_body(k, d, e);
    k->mmu.cfg.kernel_traffic = traffic;
    return rc;
}
