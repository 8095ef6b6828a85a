/* The kernel as a whole: creating it (frames, the page-table pool and the zero page, the
 * swap file, the policy) and destroying it; the machine's statistics and the thrashing
 * verdict. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ create / destroy */

int kern_create(const struct vms_config *cfg, const struct kern_options *o, struct kernel **out,
                struct vms_error *e)
{
    *out = NULL;
    struct kernel *k = vms_calloc(1, sizeof *k);
    if (!k)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    k->swap_fd = -1;
    if (o)
        k->opt = *o;
    int rc = mmu_init(&k->mmu, cfg, false, e);
    if (rc) {
        vms_free(k);
        return rc;
    }
    k->pshift = cfg->page_shift;
    k->psize = UINT64_C(1) << k->pshift;
    k->block_shift[0] = mmu_piece_shift(&k->mmu, ACCESS_LOAD);
    k->block_shift[1] = mmu_piece_shift(&k->mmu, ACCESS_FETCH);
    uint64_t mem = k->opt.memory ? k->opt.memory : UINT64_C(256) << 20;
    uint64_t nf = mem >> k->pshift;
    pfn_t phys = cfg->pa_bits - cfg->page_shift >= 63 ? (pfn_t)1 << 62
                                                      : (pfn_t)1 << (cfg->pa_bits - cfg->page_shift);
    if (phys <= 4096) { /* tiny teaching machines: tables live just above physical memory */
        if (nf > phys)
            nf = phys;
        k->pool_up = true;
        k->pool_next = phys;
    } else {
        if (nf > phys / 2)
            nf = phys / 2;
        k->pool_next = phys;
    }
    if (nf < 4) {
        mmu_fini(&k->mmu);
        vms_free(k);
        return err_set(e, VMS_EINVAL, "memory %llu bytes: at least 4 pages are needed",
                       (unsigned long long)mem);
    }
    if (nf > UINT32_MAX - 1)
        nf = UINT32_MAX - 1;
    k->nframes = (uint32_t)nf;
    /* Every frame is free and none has metadata yet: frame.c makes it as they are used. */
    k->free_head = KNONE;
    k->nfree = k->nframes;
    k->ptal = (struct pt_alloc){kern_pool_alloc_cb, k};
    k->mmu.kernel_tables = true;
    k->zero_pfn = kern_pool_alloc(k);
    if (k->zero_pfn == (pfn_t)-1 || !physmem_frame(k->mmu.pm, k->zero_pfn))
        goto oom;
    k->pt_pages--; /* the zero page is not a page table */

    /* swap */
    uint64_t ns = k->opt.swap >> k->pshift;
    if (ns > UINT32_MAX - 2)
        ns = UINT32_MAX - 2;
    k->nslots = (uint32_t)ns;
    if (ns) { /* the slots' table grows as the allocator reaches them (swap.c) */
        const char *dir = k->opt.workdir ? k->opt.workdir : getenv("TMPDIR");
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/vmsim-swap-XXXXXX", dir && *dir ? dir : "/tmp");
        k->swap_fd = mkstemp(path);
        if (k->swap_fd < 0) {
            err_set(e, VMS_EIO, "swap file %s: %s", path, strerror(errno));
            goto fail;
        }
        unlink(path);
    }

    /* policy */
    const char *pname = k->opt.policy ? k->opt.policy : "clock";
    const struct policy_ops *ops = policy_find(pname);
    if (!ops) {
        err_set(e, VMS_EINVAL, "unknown policy '%s' (see `vmsim pages --help`)", pname);
        goto fail;
    }
    if (ops->flags & POLICY_NEEDS_FUTURE) {
        err_set(e, VMS_EINVAL, "policy '%s' needs the future: it exists only for `pages` and "
                               "`mrc` on a file",
                pname);
        goto fail;
    }
    struct policy_params pp = {
        .nframes = k->nframes, .seed = k->opt.seed, .tau = k->opt.tau, .grow = true};
    if ((ops->flags & POLICY_NO_FRAMES) && !pp.tau)
        pp.tau = 100000;
    if (policy_create(ops, &pp, &k->pol, e))
        goto fail;
    k->env = kern_policy_env(k);
    k->idealized = policy_is_idealized(k->pol);
    k->tick_period = ops->tick_period;
    k->trim_buf = vms_malloc(64 * sizeof *k->trim_buf);
    if (!k->trim_buf)
        goto oom;
    k->next_pid = 1;
    *out = k;
    return 0;
oom:
    err_set(e, VMS_ENOMEM, "out of host memory");
fail:
    kern_destroy(k);
    return -(e->code ? e->code : VMS_ENOMEM);
}

void kern_destroy(struct kernel *k)
{
    if (!k)
        return;
    while (k->tasks)
        kern_exit(k, k->tasks);
    /* dirty shared pages still cached reach their file (kern_sync, which a caller that
     * reports failures calls first; here nobody is left to tell) */
    struct vms_error ignore = {0};
    kern_sync(k, true, NULL, &ignore);
    while (k->files) {
        struct kfile *kf = k->files;
        k->files = kf->next;
        if (!kf->shmem) {
            if (kf->fd >= 0)
                close(kf->fd);
            vms_free(kf->path);
            vms_free(kf->tail);
        }
        vms_free(kf->pages);
        vms_free(kf);
    }
    kern_frame_table_free(k);
    vms_free(k->pool_free);
    kern_swap_table_free(k);
    vms_free(k->trim_buf);
    if (k->swap_fd >= 0)
        close(k->swap_fd);
    policy_destroy(k->pol);
    mmu_fini(&k->mmu);
    vms_free(k);
}

/* ------------------------------------------------------------------ statistics */

static void add_kernel_counts(struct stats *s, const struct stats *ks)
{
    s->references += ks->references;
    s->ifetches += ks->ifetches;
    s->loads += ks->loads;
    s->stores += ks->stores;
    s->split += ks->split;
    s->faults_minor += ks->faults_minor;
    s->faults_major += ks->faults_major;
    s->faults_cow += ks->faults_cow;
    s->faults_zero_fill += ks->faults_zero_fill;
    s->faults_swap_in += ks->faults_swap_in;
    s->faults_file_read += ks->faults_file_read;
    s->faults_segv_maperr += ks->faults_segv_maperr;
    s->faults_segv_accerr += ks->faults_segv_accerr;
    s->faults_sigbus += ks->faults_sigbus;
    s->swap_ins += ks->swap_ins;
    s->swap_outs += ks->swap_outs;
    s->file_writebacks += ks->file_writebacks;
    s->swap_out_errors += ks->swap_out_errors;
    s->swap_in_errors += ks->swap_in_errors;
    s->writeback_errors += ks->writeback_errors;
}

/* The machine's residency (docs/statistics.md, "Residency"): its frames now, or, when no
 * live task is left but dead ones are kept (a trace run at its end), as the last live one
 * exited; RSS and PSS: the sums of every task's (a live task's now, a dead one's as it
 * exited), so that the processes add up to the total. */
static void machine_residency(struct kernel *k, struct stats *s)
{
    bool live = false, kept = false;
    for (const struct task *t = k->tasks; t; t = t->next) {
        live |= !t->dead;
        kept |= t->dead;
    }
    kern_frames_residency(k, s, true);
    if (!live && kept && k->have_last_res) {
        s->mem_resident = k->last_res.mem_resident;
        s->mem_shared = k->last_res.mem_shared;
        s->mem_page_cache = k->last_res.mem_page_cache;
    }
    uint64_t rss = 0, pss = 0;
    for (const struct task *t = k->tasks; t; t = t->next) {
        if (t->dead) {
            rss += t->st.mem_rss;
            pss += t->st.mem_pss;
        } else {
            rss += t->rss * k->psize;
            pss += t->pss_acc >> KERN_PSS_SHIFT;
        }
    }
    s->mem_rss = rss;
    s->mem_pss = pss;
}

void kern_stats(struct kernel *k, struct stats *s)
{
    kern_hw_stats(k, s);
    add_kernel_counts(s, &k->st);
    machine_residency(k, s);
}

void kern_task_stats(struct kernel *k, struct task *t, struct stats *s)
{
    memset(s, 0, sizeof *s);
    stats_accumulate(s, &t->hw, NULL);
    if (k->cur == t) {
        struct stats now;
        kern_hw_stats(k, &now);
        stats_accumulate(s, &now, &t->hw0);
    } else {
        struct stats now;
        kern_hw_stats(k, &now); /* presence flags */
        for (int i = 0; i < TLB_N; i++)
            s->tlb_present[i] = now.tlb_present[i];
        for (int i = 0; i < CACHE_N; i++)
            s->cache_present[i] = now.cache_present[i];
        s->levels = now.levels;
        s->psc = now.psc;
        s->kernel_traffic = now.kernel_traffic;
    }
    struct stats ks = t->st;
    /* the kernel-side counters of t: only those fields are set in t->st */
    s->references += ks.references;
    s->ifetches += ks.ifetches;
    s->loads += ks.loads;
    s->stores += ks.stores;
    s->split += ks.split;
    s->faults_minor += ks.faults_minor;
    s->faults_major += ks.faults_major;
    s->faults_cow += ks.faults_cow;
    s->faults_zero_fill += ks.faults_zero_fill;
    s->faults_swap_in += ks.faults_swap_in;
    s->faults_file_read += ks.faults_file_read;
    s->faults_segv_maperr += ks.faults_segv_maperr;
    s->faults_segv_accerr += ks.faults_segv_accerr;
    s->faults_sigbus += ks.faults_sigbus;
    s->swap_ins += ks.swap_ins;
    s->swap_outs += ks.swap_outs;
    s->file_writebacks += ks.file_writebacks;
    s->swap_out_errors += ks.swap_out_errors;
    s->swap_in_errors += ks.swap_in_errors;
    s->writeback_errors += ks.writeback_errors;
    if (t->dead) { /* the snapshot kern_task_teardown took */
        s->residency = true;
        s->mem_resident = ks.mem_resident;
        s->mem_shared = ks.mem_shared;
        s->mem_page_cache = ks.mem_page_cache;
        s->mem_rss = ks.mem_rss;
        s->mem_pss = ks.mem_pss;
    } else {
        kern_task_residency(k, t, s);
    }
}

bool kern_thrashing(const struct kernel *k, char *msg, size_t n)
{
    if (k->refaults < 64)
        return false;
    /* Denning: thrashing is spending most of the time paging. */
    double paging = (double)k->refaults * (double)k->mmu.cfg.lat.major_fault;
    double total = (double)k->mmu.st.cycles;
    double share = total > 0 ? paging / total : 0;
    bool ws = 2 * k->ws_refaults >= k->refaults;
    if (share < 0.9 && !ws)
        return false;
    snprintf(msg, n,
             "thrashing: %.0f%% of the simulated time went to %llu swap-ins (%llu of them "
             "refaults of pages evicted within the last %u evictions): the working sets do "
             "not fit in %u frames",
             100 * share, (unsigned long long)k->refaults, (unsigned long long)k->ws_refaults,
             k->nframes, k->nframes);
    return true;
}

struct mmu *kern_mmu(struct kernel *k)
{
    return &k->mmu;
}

uint64_t kern_page_size(const struct kernel *k)
{
    return k->psize;
}
