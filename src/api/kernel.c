/* The public kernel API (vmsim.h "kernel" section): the simulated operating system of
 * src/kernel/kernel.h behind pids. Every call checks its pid against the table of live
 * processes here, so a pid that exited is refused instead of reaching freed memory. */
#include "base/alloc.h"
#include "base/err.h"
#include "hw/config.h"
#include "kernel/kernel.h"
#include "report/stats.h"

#include <string.h>

_Static_assert(VMS_PROT_READ == AREA_READ && VMS_PROT_WRITE == AREA_WRITE &&
                   VMS_PROT_EXEC == AREA_EXEC,
               "public and kernel protection bits agree");
_Static_assert(VMS_MMAP_SHARED == KMAP_SHARED && VMS_MMAP_ANON == KMAP_ANON &&
                   VMS_MMAP_FIXED == KMAP_FIXED,
               "public and kernel mmap flags agree");
_Static_assert((int)VMS_SIG_NONE == (int)KSIG_NONE &&
                   (int)VMS_SIG_SEGV_MAPERR == (int)KSIG_SEGV_MAPERR &&
                   (int)VMS_SIG_SEGV_ACCERR == (int)KSIG_SEGV_ACCERR &&
                   (int)VMS_SIG_BUS == (int)KSIG_BUS && (int)VMS_SIG_KILLED == (int)KSIG_KILLED,
               "public and kernel signals agree");

/* One process: pids only grow (the kernel never reuses one), so the table is sorted. */
struct kapi_proc {
    int pid;
    struct task *t;
};

struct vms_kernel {
    struct vms_config cfg;
    struct kernel *k;
    struct kapi_proc *procs;
    size_t n, cap;
    /* The process the last access named (accesses come in runs of one process): its pid and
     * task, last_task NULL when none. Exit forgets it. */
    int last_pid;
    struct task *last_task;
    void (*on_kill)(void *ctx, int pid);
    void *ctx;
};

/* The index of pid in the table, or n. */
static size_t kapi_index(const struct vms_kernel *vk, int pid)
{
    size_t lo = 0, hi = vk->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vk->procs[mid].pid < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < vk->n && vk->procs[lo].pid == pid ? lo : vk->n;
}

/* The task of pid; NULL with -VMS_EINVAL in e when there is none, or (live) when the
 * out-of-memory killer ended it. */
static struct task *kapi_task(const struct vms_kernel *vk, int pid, bool live, struct vms_error *e)
{
    size_t i = kapi_index(vk, pid);
    if (i == vk->n) {
        err_set(e, VMS_EINVAL, "no process %d", pid);
        return NULL;
    }
    if (live && kern_task_killed(vk->procs[i].t)) {
        err_set(e, VMS_EINVAL, "process %d was killed (out of memory)", pid);
        return NULL;
    }
    return vk->procs[i].t;
}

/* Room for one more process (before the kernel creates it, so that adding cannot fail). */
static int kapi_reserve(struct vms_kernel *vk, struct vms_error *e)
{
    if (vk->n < vk->cap)
        return 0;
    size_t ncap = vk->cap ? 2 * vk->cap : 8;
    struct kapi_proc *np = vms_realloc(vk->procs, ncap * sizeof *np);
    if (!np)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    vk->procs = np;
    vk->cap = ncap;
    return 0;
}

static int kapi_add(struct vms_kernel *vk, struct task *t)
{
    int pid = kern_pid(t);
    VMS_INVARIANT(vk->n < vk->cap, "room reserved");
    VMS_INVARIANT(vk->n == 0 || vk->procs[vk->n - 1].pid < pid, "pids grow");
    vk->procs[vk->n++] = (struct kapi_proc){pid, t};
    return pid;
}

static void kapi_on_kill(void *ctx, struct task *t)
{
    struct vms_kernel *vk = ctx;
    if (vk->on_kill)
        vk->on_kill(vk->ctx, kern_pid(t));
}

/* After printing: a write error on the caller's stream is an error. */
static int kapi_written(FILE *out, struct vms_error *e)
{
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}

const char *vms_signal_name(int sig)
{
    if (sig < VMS_SIG_NONE || sig > VMS_SIG_KILLED)
        return "?";
    return kern_sig_name((enum kern_sig)sig);
}

/* ---- the kernel */

int vms_kernel_create(const struct vms_config *c, const struct vms_kernel_opts *o,
                      struct vms_kernel **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_kernel_opts def = {0};
    if (!o)
        o = &def;
    if (o->params.bits || o->params.tick)
        return err_set(e, VMS_EINVAL, "policy parameters: the kernel takes no %s",
                       o->params.bits ? "bits" : "tick");
    if (config_check(c, NULL, e))
        return -VMS_EINVAL;
    struct vms_kernel *vk = vms_calloc(1, sizeof *vk);
    if (!vk)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    vk->cfg = *c;
    vk->on_kill = o->on_kill;
    vk->ctx = o->ctx;
    struct kern_options ko = {.memory = o->memory,
                              .swap = o->swap,
                              .policy = o->policy,
                              .seed = o->params.seed ? o->params.seed : c->seed,
                              .tau = o->params.tau,
                              .workdir = o->workdir,
                              .on_kill = kapi_on_kill,
                              .ctx = vk};
    int rc = kern_create(&vk->cfg, &ko, &vk->k, e);
    if (rc < 0) {
        vms_free(vk);
        return rc;
    }
    *out = vk;
    return 0;
}

void vms_kernel_destroy(struct vms_kernel *vk)
{
    if (!vk)
        return;
    kern_destroy(vk->k); /* frees every task */
    vms_free(vk->procs);
    vms_free(vk);
}

int vms_kernel_sync(struct vms_kernel *vk, uint64_t *lost, struct vms_error *e)
{
    return kern_sync(vk->k, true, lost, e);
}

uint64_t vms_kernel_page_size(const struct vms_kernel *vk)
{
    return kern_page_size(vk->k);
}

/* ---- processes */

/* A new process: kern_spawn (parent NULL) or kern_fork of parent, its pid into *pid. */
static int kapi_new(struct vms_kernel *vk, struct task *parent, int *pid, struct vms_error *e)
{
    int rc = kapi_reserve(vk, e);
    if (rc)
        return rc;
    struct vms_error le;
    if (!e)
        e = &le;
    e->code = 0;
    struct task *t = parent ? kern_fork(vk->k, parent, e) : kern_spawn(vk->k, e);
    if (!t)
        return -(e->code ? e->code : VMS_ENOMEM);
    *pid = kapi_add(vk, t);
    return 0;
}

int vms_kernel_spawn(struct vms_kernel *vk, int *pid, struct vms_error *e)
{
    *pid = -1;
    return kapi_new(vk, NULL, pid, e);
}

int vms_kernel_fork(struct vms_kernel *vk, int parent, int *child, struct vms_error *e)
{
    *child = -1;
    struct task *p = kapi_task(vk, parent, true, e);
    if (!p)
        return -VMS_EINVAL;
    return kapi_new(vk, p, child, e);
}

int vms_kernel_exec(struct vms_kernel *vk, int pid, const char *path, const char *const *argv,
                    struct vms_error *e)
{
    struct task *t = kapi_task(vk, pid, true, e);
    if (!t)
        return -VMS_EINVAL;
    if (!path)
        return err_set(e, VMS_EINVAL, "exec: no program path");
    return kern_exec(vk->k, t, path, argv, e);
}

int vms_kernel_exit(struct vms_kernel *vk, int pid, struct vms_error *e)
{
    size_t i = kapi_index(vk, pid);
    if (i == vk->n)
        return err_set(e, VMS_EINVAL, "no process %d", pid);
    if (vk->last_task == vk->procs[i].t)
        vk->last_task = NULL;
    kern_exit(vk->k, vk->procs[i].t);
    memmove(&vk->procs[i], &vk->procs[i + 1], (vk->n - i - 1) * sizeof *vk->procs);
    vk->n--;
    return 0;
}

int vms_kernel_switch(struct vms_kernel *vk, int pid, struct vms_error *e)
{
    struct task *t = kapi_task(vk, pid, true, e);
    if (!t)
        return -VMS_EINVAL;
    kern_switch(vk->k, t);
    return 0;
}

int vms_kernel_killed(const struct vms_kernel *vk, int pid, struct vms_error *e)
{
    struct task *t = kapi_task(vk, pid, false, e);
    if (!t)
        return -VMS_EINVAL;
    return kern_task_killed(t) ? 1 : 0;
}

size_t vms_kernel_pids(const struct vms_kernel *vk, int *pids, size_t n)
{
    for (size_t i = 0; i < n && i < vk->n; i++)
        pids[i] = vk->procs[i].pid;
    return vk->n;
}

/* ---- system calls */

static int kapi_prot(unsigned prot, struct vms_error *e)
{
    if (prot & ~(VMS_PROT_READ | VMS_PROT_WRITE | VMS_PROT_EXEC))
        return err_set(e, VMS_EINVAL, "prot 0x%x: expected VMS_PROT_READ, _WRITE, _EXEC bits",
                       prot);
    return 0;
}

int vms_kernel_mmap(struct vms_kernel *vk, int pid, uint64_t hint, uint64_t len, unsigned prot,
                    unsigned flags, const char *file, uint64_t off, uint64_t *addr,
                    struct vms_error *e)
{
    *addr = 0;
    struct task *t = kapi_task(vk, pid, true, e);
    if (!t)
        return -VMS_EINVAL;
    int rc = kapi_prot(prot, e);
    if (rc)
        return rc;
    if (flags & ~(VMS_MMAP_SHARED | VMS_MMAP_ANON | VMS_MMAP_FIXED))
        return err_set(e, VMS_EINVAL, "mmap: flags 0x%x: expected VMS_MMAP_* bits", flags);
    if (!(flags & VMS_MMAP_ANON) != (file != NULL))
        return err_set(e, VMS_EINVAL, "mmap: %s", file ? "an anonymous mapping has no file"
                                                       : "a file mapping needs a file");
    vaddr_t va = 0;
    rc = kern_mmap(vk->k, t, hint, len, prot, flags, file, off, &va, e);
    if (rc == 0)
        *addr = va;
    return rc;
}

int vms_kernel_munmap(struct vms_kernel *vk, int pid, uint64_t va, uint64_t len,
                      struct vms_error *e)
{
    struct task *t = kapi_task(vk, pid, true, e);
    return t ? kern_munmap(vk->k, t, va, len, e) : -VMS_EINVAL;
}

int vms_kernel_mprotect(struct vms_kernel *vk, int pid, uint64_t va, uint64_t len, unsigned prot,
                        struct vms_error *e)
{
    struct task *t = kapi_task(vk, pid, true, e);
    if (!t)
        return -VMS_EINVAL;
    int rc = kapi_prot(prot, e);
    return rc ? rc : kern_mprotect(vk->k, t, va, len, prot, e);
}

int vms_kernel_msync(struct vms_kernel *vk, int pid, uint64_t va, uint64_t len,
                     struct vms_error *e)
{
    struct task *t = kapi_task(vk, pid, true, e);
    return t ? kern_msync(vk->k, t, va, len, e) : -VMS_EINVAL;
}

int vms_kernel_brk(struct vms_kernel *vk, int pid, bool shrink, uint64_t size,
                   uint64_t *heap_start, struct vms_error *e)
{
    if (heap_start)
        *heap_start = 0;
    struct task *t = kapi_task(vk, pid, true, e);
    if (!t)
        return -VMS_EINVAL;
    vaddr_t start = 0;
    int rc = kern_brk_by(vk->k, t, shrink, size, &start, e);
    if (rc == 0 && heap_start)
        *heap_start = start;
    return rc;
}

/* ---- accesses */

/* One access; the signal (>= 0) or a negative error. A killed process is not refused: its
 * accesses report VMS_SIG_KILLED, as the kernel says. Inline in each access call, with the
 * last process remembered: it runs once per access (a scenario's fill or check makes
 * millions), where the calls and the pid's lookup would cost a quarter of the run. */
static inline __attribute__((always_inline)) int
kapi_access(struct vms_kernel *vk, int pid, uint64_t va, unsigned size, enum access_kind kind,
            uint64_t *value, struct vms_error *e)
{
    struct task *t = vk->last_task;
    if (!t || vk->last_pid != pid) {
        if (!(t = kapi_task(vk, pid, false, e)))
            return -VMS_EINVAL;
        vk->last_pid = pid;
        vk->last_task = t;
    }
    struct vms_error le; /* not zeroed: filled on error only */
    if (!e)
        e = &le;
    enum kern_sig sig = KSIG_NONE;
    int rc = kern_access(vk->k, t, va, size, kind, value, &sig, e);
    return rc < 0 ? rc : (int)sig;
}

int vms_kernel_load(struct vms_kernel *vk, int pid, uint64_t va, unsigned size, uint64_t *value,
                    struct vms_error *e)
{
    uint64_t v = 0;
    int rc = kapi_access(vk, pid, va, size, ACCESS_LOAD, &v, e);
    if (value)
        *value = rc == VMS_SIG_NONE ? v : 0;
    return rc;
}

int vms_kernel_store(struct vms_kernel *vk, int pid, uint64_t va, unsigned size, uint64_t value,
                     struct vms_error *e)
{
    if (size < 8 && value >> (8 * size))
        return err_set(e, VMS_EINVAL, "value 0x%llx does not fit in %u bytes",
                       (unsigned long long)value, size);
    return kapi_access(vk, pid, va, size, ACCESS_STORE, &value, e);
}

int vms_kernel_fetch(struct vms_kernel *vk, int pid, uint64_t va, struct vms_error *e)
{
    uint64_t v = 0;
    return kapi_access(vk, pid, va, 1, ACCESS_FETCH, &v, e);
}

int vms_kernel_touch(struct vms_kernel *vk, int pid, uint64_t va, bool write,
                     struct vms_error *e)
{
    uint64_t v = 0;
    /* no data: a store with a NULL value leaves the byte as it was */
    return kapi_access(vk, pid, va, 1, write ? ACCESS_STORE : ACCESS_LOAD, write ? NULL : &v, e);
}

int vms_kernel_file_read(struct vms_kernel *vk, const char *path, uint64_t off, void *buf,
                         size_t n, size_t *got, struct vms_error *e)
{
    *got = 0;
    if (!path)
        return err_set(e, VMS_EINVAL, "read: no file path");
    return kern_file_read(vk->k, path, off, buf, n, got, e);
}

/* ---- statistics and output */

static int kapi_stats(struct vms_kernel *vk, int pid, struct stats *s, struct vms_error *e)
{
    memset(s, 0, sizeof *s);
    if (pid == 0) {
        kern_stats(vk->k, s);
        return 0;
    }
    struct task *t = kapi_task(vk, pid, false, e);
    if (!t)
        return -VMS_EINVAL;
    kern_task_stats(vk->k, t, s);
    return 0;
}

int vms_kernel_stats_print(struct vms_kernel *vk, int pid, FILE *out, enum vms_format fmt,
                           struct vms_error *e)
{
    if (fmt != VMS_TEXT && fmt != VMS_JSON && fmt != VMS_CSV)
        return err_set(e, VMS_EINVAL, "statistics: unknown format %d", (int)fmt);
    struct stats s;
    int rc = kapi_stats(vk, pid, &s, e);
    if (rc)
        return rc;
    stats_print(&s, out, fmt, true);
    return kapi_written(out, e);
}

int vms_kernel_stat(struct vms_kernel *vk, int pid, const char *key, double *value,
                    struct vms_error *e)
{
    *value = 0;
    struct stats s;
    int rc = kapi_stats(vk, pid, &s, e);
    if (rc)
        return rc;
    if (!stats_get(&s, key, value))
        return err_set(e, VMS_EINVAL, "no statistic '%s'", key);
    return 0;
}

int vms_kernel_maps_print(struct vms_kernel *vk, int pid, FILE *out, enum vms_format fmt,
                          struct vms_error *e)
{
    if (fmt != VMS_TEXT)
        return err_set(e, VMS_EINVAL, "maps: only text output");
    struct task *t = kapi_task(vk, pid, true, e);
    if (!t)
        return -VMS_EINVAL;
    kern_print_maps(vk->k, t, out);
    return kapi_written(out, e);
}

int vms_kernel_pagetable_print(struct vms_kernel *vk, int pid, bool has_va, uint64_t va,
                               FILE *out, enum vms_format fmt, struct vms_error *e)
{
    if (fmt != VMS_TEXT)
        return err_set(e, VMS_EINVAL, "page table: only text output");
    struct task *t = kapi_task(vk, pid, true, e);
    if (!t)
        return -VMS_EINVAL;
    kern_print_pagetable(vk->k, t, has_va, va, out);
    return kapi_written(out, e);
}

bool vms_kernel_thrashing(const struct vms_kernel *vk, char *msg, size_t n)
{
    return kern_thrashing(vk->k, msg, n);
}

int vms_kernel_audit(struct vms_kernel *vk, struct vms_error *e)
{
    return kern_audit(vk->k, e);
}
