/* The scenario's adapter to the simulated kernel (see simkern.h): src/kernel/kernel.h's
 * kern_* calls, and the translation of the scenario's terms to the kernel's (the per-access
 * call is inline in simkern.h). */
#include "scenario/simkern.h"

#include "base/alloc.h"
#include "base/err.h"
#include "kernel/kernel.h"
#include "scenario/scenario.h"

/* A struct simk_task is the kernel's struct task under another name. */
static struct task *simk_t(struct simk_task *t)
{
    return (struct task *)(void *)t;
}

static struct simk_task *simk_task_of(struct task *t)
{
    return (struct simk_task *)(void *)t;
}

static void simk_on_kill(void *ctx, struct task *t)
{
    struct simk *k = ctx;
    if (k->on_kill)
        k->on_kill(k->ctx, simk_task_of(t));
}

int simk_create(const struct vms_config *cfg, const struct simk_setup *s, struct simk **out,
                struct vms_error *e)
{
    *out = NULL;
    struct simk *k = vms_calloc(1, sizeof *k);
    if (!k)
        return err_set(e, VMS_ENOMEM, "out of memory");
    k->on_kill = s->on_kill;
    k->ctx = s->ctx;
    struct kern_options ko = {.memory = s->memory,
                              .swap = s->swap,
                              .policy = s->policy,
                              .seed = s->seed,
                              .workdir = s->workdir,
                              .on_kill = simk_on_kill,
                              .ctx = k};
    int rc = kern_create(cfg, &ko, &k->k, e);
    if (rc) {
        vms_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

void simk_destroy(struct simk *k)
{
    if (!k)
        return;
    kern_destroy(k->k);
    vms_free(k);
}

uint64_t simk_page_size(const struct simk *k)
{
    return kern_page_size(k->k);
}

/* ---------------------------------------------------------------- processes */

int simk_spawn(struct simk *k, struct simk_task **out, struct vms_error *e)
{
    struct task *t = kern_spawn(k->k, e);
    *out = simk_task_of(t);
    return t ? 0 : -VMS_ENOMEM;
}

int simk_fork(struct simk *k, struct simk_task *parent, struct simk_task **out, struct vms_error *e)
{
    struct task *t = kern_fork(k->k, simk_t(parent), e);
    *out = simk_task_of(t);
    return t ? 0 : -(e->code ? e->code : VMS_ENOMEM);
}

void simk_exit(struct simk *k, struct simk_task *t)
{
    kern_exit(k->k, simk_t(t));
}

int simk_exec(struct simk *k, struct simk_task *t, const char *path, const char *const *argv,
              struct vms_error *e)
{
    return kern_exec(k->k, simk_t(t), path, argv, e);
}

void simk_switch(struct simk *k, struct simk_task *t)
{
    kern_switch(k->k, simk_t(t));
}

/* ---------------------------------------------------------------- system calls */

static unsigned simk_prot(unsigned scn_prot)
{
    return ((scn_prot & SCN_PROT_R) ? AREA_READ : 0) | ((scn_prot & SCN_PROT_W) ? AREA_WRITE : 0) |
           ((scn_prot & SCN_PROT_X) ? AREA_EXEC : 0);
}

int simk_mmap(struct simk *k, struct simk_task *t, uint64_t hint, uint64_t len, unsigned prot,
              bool shared, bool fixed, const char *path, uint64_t offset, uint64_t *out,
              struct vms_error *e)
{
    unsigned fl = (shared ? KMAP_SHARED : 0) | (path ? 0 : KMAP_ANON) | (fixed ? KMAP_FIXED : 0);
    vaddr_t va = 0;
    int rc = kern_mmap(k->k, simk_t(t), hint, len, simk_prot(prot), fl, path, offset, &va, e);
    *out = va;
    return rc;
}

int simk_munmap(struct simk *k, struct simk_task *t, uint64_t va, uint64_t len, struct vms_error *e)
{
    return kern_munmap(k->k, simk_t(t), va, len, e);
}

int simk_mprotect(struct simk *k, struct simk_task *t, uint64_t va, uint64_t len, unsigned prot,
                  struct vms_error *e)
{
    return kern_mprotect(k->k, simk_t(t), va, len, simk_prot(prot), e);
}

int simk_msync(struct simk *k, struct simk_task *t, uint64_t va, uint64_t len, struct vms_error *e)
{
    return kern_msync(k->k, simk_t(t), va, len, e);
}

int simk_brk(struct simk *k, struct simk_task *t, int64_t delta, uint64_t *heap_start,
             struct vms_error *e)
{
    vaddr_t heap = 0;
    int rc = kern_brk(k->k, simk_t(t), delta, &heap, e);
    *heap_start = heap;
    return rc;
}

/* ---------------------------------------------------------------- accesses */

/* simk_access (inline, in simkern.h) returns a fault as SIMK_KILLED + 1 + its kern_sig. */
const char *simk_fault_name(int fault)
{
    return kern_sig_name((enum kern_sig)(fault - SIMK_KILLED - 1));
}

int simk_file_read(struct simk *k, const char *path, uint64_t off, uint8_t *buf, size_t n,
                   size_t *got, struct vms_error *e)
{
    return kern_file_read(k->k, path, off, buf, n, got, e);
}

/* ---------------------------------------------------------------- output and checks */

void simk_print_maps(struct simk *k, struct simk_task *t, FILE *f)
{
    kern_print_maps(k->k, simk_t(t), f);
}

void simk_print_pagetable(struct simk *k, struct simk_task *t, bool has_va, uint64_t va, FILE *f)
{
    kern_print_pagetable(k->k, simk_t(t), has_va, va, f);
}

void simk_stats(struct simk *k, struct stats *s)
{
    kern_stats(k->k, s);
}

bool simk_thrashing(const struct simk *k, char *msg, size_t n)
{
    return kern_thrashing(k->k, msg, n);
}

int simk_audit(struct simk *k, struct vms_error *e)
{
    return kern_audit(k->k, e);
}
