/* Tasks: spawn, fork (copy-on-write), exit, and execve of ELF files (the image laid out by
 * elf.c, the stack and the padzero ranges written through the fault handler). */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"
#include "kernel/elf.h"

#include <string.h>

/* ------------------------------------------------------------------ tasks */

static struct area_layout layout_for(const struct kernel *k)
{
    const struct vms_config *c = &k->mmu.cfg;
    struct area_layout l = area_layout_x86_64();
    l.page_shift = c->page_shift;
    if (c->va_bits >= 57 && c->page_shift == 12) {
        /* x86-64 LA57: user space is 56 bits (TASK_SIZE_MAX), placement keeps to the
         * 47-bit DEFAULT_MAP_WINDOW unless a hint lies above it */
        l.map_window = l.task_size;
        l.task_size = (UINT64_C(1) << 56) - k->psize;
        return l;
    }
    if (c->va_bits >= 48 && c->page_shift == 12)
        return l; /* x86-64 */
    if (c->va_bits == 32) {
        l.task_size = UINT64_C(0xc0000000);
        l.mmap_base = UINT64_C(0xb8000000);
    } else {
        l.task_size = c->va_bits >= 64 ? UINT64_MAX & ~(k->psize - 1)
                                       : (UINT64_C(1) << c->va_bits);
        l.mmap_base = (l.task_size - l.task_size / 8) & ~(k->psize - 1);
    }
    l.mmap_min_addr = k->psize;
    l.stack_guard_gap = k->psize;
    l.thp_size = 0;
    return l;
}

static struct task *task_new(struct kernel *k, struct vms_error *e)
{
    struct task *t = vms_calloc(1, sizeof *t);
    if (!t) {
        err_set(e, VMS_ENOMEM, "out of host memory");
        return NULL;
    }
    struct stats before; /* the root's zeroing is t's */
    bool charge = kern_charge_begin(k, &before);
    if (pt_create_root(&k->mmu, &k->ptal, &t->root)) {
        vms_free(t);
        err_set(e, VMS_ENOMEM, "out of memory for a root page table");
        return NULL;
    }
    if (charge)
        kern_charge_end(k, t, &before);
    t->pid = k->next_pid++;
    t->asid = (uint16_t)((t->pid - 1) % 4095 + 1);
    struct area_layout l = layout_for(k);
    area_set_init(&t->areas, &l);
    vaddr_t heap = UINT64_C(0x10000000);
    if (heap >= l.mmap_base / 2)
        heap = (l.mmap_base / 4) & ~(k->psize - 1);
    t->start_brk = t->brk = heap;
    t->next = k->tasks;
    t->pprev = &k->tasks;
    if (k->tasks)
        k->tasks->pprev = &t->next;
    k->tasks = t;
    return t;
}

struct task *kern_spawn(struct kernel *k, struct vms_error *e)
{
    return task_new(k, e);
}

int kern_pid(const struct task *t)
{
    return t->pid;
}

bool kern_task_killed(const struct task *t)
{
    return t->killed;
}

bool kern_task_dead(const struct task *t)
{
    return t->dead;
}

uint64_t kern_task_rss(const struct task *t)
{
    return t->rss;
}

const struct area_set *kern_task_areas(const struct task *t)
{
    return &t->areas;
}

struct fork_ctx {
    struct task *child;
    struct vms_error *e;
    int rc;
};

static int fork_one(struct kernel *k, struct task *p, vaddr_t va, paddr_t pa, pte_t v, void *ctx)
{
    struct fork_ctx *fc = ctx;
    const struct area *a = area_find(&p->areas, va);
    if (!a || (a->flags & AREA_SHARED))
        return 0; /* shared areas are refaulted from the page cache, as Linux does */
    paddr_t cpa;
    int rc = kern_pte_slot(k, fc->child, va, &cpa, fc->e);
    if (rc)
        return fc->rc = rc;
    uint32_t slot;
    if (kern_pte_is_swap(v, &slot)) {
        kern_slot(k, slot)->count++;
        kern_pte_put(k, cpa, v);
        return 0;
    }
    struct pte_info pi;
    k->mmu.fmt->decode(v, &pi);
    if (!pi.present)
        return 0;
    pte_t pv = v;
    if (pi.writable) { /* private: copy-on-write in both */
        struct pte_info wp = pi;
        wp.writable = false;
        pv = k->mmu.fmt->encode(&wp);
        kern_pte_set(k, p, va, pa, pv);
    }
    pte_t cv = pv & ~k->mmu.fmt->a_mask;
    kern_pte_put(k, cpa, cv);
    if (pi.pfn != k->zero_pfn && pi.pfn < k->nframes) {
        if (kern_rmap_add(k, (uint32_t)pi.pfn, fc->child, va))
            return fc->rc = err_set(fc->e, VMS_ENOMEM, "out of host memory");
    }
    return 0;
}

struct task *kern_fork(struct kernel *k, struct task *parent, struct vms_error *e)
{
    k->actor = parent;
    if (parent->killed || parent->dead) {
        err_set(e, VMS_EINVAL, "fork: the process was killed");
        return NULL;
    }
    struct task *c = task_new(k, e);
    if (!c)
        return NULL;
    area_set_fini(&c->areas);
    if (area_set_clone(&c->areas, &parent->areas, e)) {
        kern_exit(k, c);
        return NULL;
    }
    c->start_brk = parent->start_brk;
    c->brk = parent->brk;
    struct fork_ctx fc = {c, e, 0};
    kern_walk_range(k, parent, 0, parent->areas.layout.task_size, fork_one, &fc);
    if (fc.rc) {
        kern_exit(k, c);
        return NULL;
    }
    return c;
}

void kern_task_end(struct kernel *k, struct task *t)
{
    k->actor = t;
    kern_task_teardown(k, t);
    k->actor = NULL;
}

void kern_exit(struct kernel *k, struct task *t)
{
    k->actor = t;
    kern_task_teardown(k, t);
    k->actor = NULL;
    *t->pprev = t->next;
    if (t->next)
        t->next->pprev = t->pprev;
    vms_free(t);
}

/* Kernel-mode write into t's memory (execve building the stack, padzero): faults the pages
 * in as a store would, then writes the bytes. Not counted as user references. */
static int kwrite(struct kernel *k, struct task *t, vaddr_t va, const uint8_t *buf, size_t n,
                  struct vms_error *e)
{
    while (n) {
        vaddr_t vp = va & ~(k->psize - 1);
        size_t chunk = k->psize - (va - vp);
        if (chunk > n)
            chunk = n;
        for (int tries = 0;; tries++) {
            paddr_t pa = kern_pte_pa(k, t, vp);
            if (pa) {
                struct pte_info pi;
                k->mmu.fmt->decode(kern_pte_get(k, pa), &pi);
                if (pi.present && pi.writable) {
                    paddr_t dst = (pi.pfn << k->pshift) + (va - vp);
                    if (physmem_write_bytes(k->mmu.pm, dst, buf, chunk))
                        return err_set(e, VMS_ENOMEM, "out of host memory");
                    mmu_kernel_touch(&k->mmu, dst, chunk, true); /* kernel stores */
                    break;
                }
            }
            if (tries > 3)
                return err_set(e, VMS_EINVAL, "exec: cannot write 0x%llx",
                               (unsigned long long)va);
            k->faulting = t;
            k->faulting_killed = false;
            enum fault_result r = kern_fault(k, t, vp, ACCESS_STORE, e);
            k->faulting = NULL;
            kern_unlock_all(k);
            if (r == FAULT_ERROR)
                return -e->code;
            if (r != FAULT_DONE)
                return err_set(e, VMS_EINVAL, "exec: %s writing 0x%llx",
                               kern_sig_name(fault_sig(r)), (unsigned long long)va);
        }
        va += chunk;
        buf += chunk;
        n -= chunk;
    }
    return 0;
}

int kern_exec(struct kernel *k, struct task *t, const char *path, const char *const *argv,
              struct vms_error *e)
{
    k->actor = t;
    if (t->killed || t->dead)
        return err_set(e, VMS_EINVAL, "exec: the process was killed");
    /* an x86-64 program needs x86-64's user space (its stack top is 0x7ffffffff000): other
     * machines refuse it, as a kernel without x86-64 support does (ENOEXEC) */
    if (k->mmu.cfg.va_bits < 48 || k->mmu.cfg.page_shift != 12)
        return err_set(e, VMS_EINVAL,
                       "exec: %s: an x86-64 program needs a machine with 4 KiB pages and at "
                       "least 48-bit addresses (Linux: ENOEXEC)",
                       path ? path : "(null)");
    struct area_set ns;
    struct area_layout l = layout_for(k);
    area_set_init(&ns, &l);
    size_t argc = 0;
    while (argv && argv[argc])
        argc++;
    struct elf_host host = elf_host_current();
    struct elf_exec x;
    int rc = elf_exec_layout(&ns, path, argv, argc, NULL, 0, &host, &x, e);
    if (rc)
        return rc;
    if (k->cur == t)
        kern_switch(k, NULL);
    kern_drop_image(k, t);
    t->areas = ns;
    t->start_brk = t->brk = x.start_brk;
    rc = kwrite(k, t, x.sp, x.stack_image, x.stack_len, e);
    static const uint8_t zeros[4096];
    for (size_t i = 0; rc == 0 && i < x.nzero; i++) {
        vaddr_t s = x.zero[i].start;
        while (rc == 0 && s < x.zero[i].end) {
            size_t n = x.zero[i].end - s > sizeof zeros ? sizeof zeros : x.zero[i].end - s;
            rc = kwrite(k, t, s, zeros, n, e);
            s += n;
        }
    }
    kern_unlock_all(k);
    elf_exec_fini(&x);
    return rc;
}

/* ------------------------------------------------------------------ checkpoints */

int kern_tasks_save(const struct kernel *k, struct ser *s, struct vms_error *e)
{
    uint64_t n = 0;
    for (const struct task *t = k->tasks; t; t = t->next)
        n++;
    ser_u64(s, n);
    ser_u32(s, (uint32_t)k->next_pid);
    for (const struct task *t = k->tasks; t; t = t->next) {
        ser_u32(s, (uint32_t)t->pid);
        ser_u32(s, t->asid);
        ser_u8(s, t->killed);
        ser_u8(s, t->sigbus_io);
        ser_u8(s, t->dead);
        ser_u64(s, t->root);
        ser_u64(s, t->start_brk);
        ser_u64(s, t->brk);
        ser_u64(s, t->rss);
        stats_save(&t->st, s);
        stats_save(&t->hw0, s);
        stats_save(&t->hw, s);
        ser_u64(s, t->areas.count);
        for (const struct area *a = area_first(&t->areas); a; a = area_next(a)) {
            if (a->file)
                return err_set(e, VMS_EUNSUPPORTED,
                               "a checkpoint cannot hold file mappings or shared memory");
            ser_u64(s, a->start);
            ser_u64(s, a->end);
            ser_u32(s, a->prot);
            ser_u32(s, a->flags);
            ser_u64(s, a->pgoff);
            ser_u8(s, !a->name ? 0 : !strcmp(a->name, "[heap]") ? 1 : 2);
        }
    }
    return 0;
}

int kern_tasks_load(struct kernel *k, struct deser *d, struct task ***bypid, int *npid,
                    struct vms_error *e)
{
    *bypid = NULL;
    *npid = 0;
    VMS_INVARIANT(!k->tasks, "tasks loaded into a kernel that has some");
    uint64_t n = deser_max(d, (d->len - d->pos) / 64, "process count");
    uint32_t next_pid = deser_id(d, INT32_MAX, false, "next pid");
    if (d->bad)
        return 0;
    if (n >= next_pid) {
        deser_fail(d, "corrupt checkpoint: more processes than pids");
        return 0;
    }
    k->next_pid = (int)next_pid;
    struct task **by = vms_calloc(next_pid, sizeof *by);
    if (!by)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    *bypid = by;
    *npid = (int)next_pid;
    struct task **tail = &k->tasks;
    struct area_layout l = layout_for(k);
    for (uint64_t i = 0; i < n && !d->bad; i++) {
        struct task *t = vms_calloc(1, sizeof *t);
        if (!t)
            return err_set(e, VMS_ENOMEM, "out of host memory");
        area_set_init(&t->areas, &l);
        t->pprev = tail;
        *tail = t;
        tail = &t->next;
        uint32_t pid = deser_id(d, next_pid, false, "pid");
        if (!d->bad && (pid == 0 || by[pid]))
            deser_fail(d, "corrupt checkpoint: pid %u twice or zero", pid);
        t->pid = (int)pid;
        if (!d->bad)
            by[pid] = t;
        t->asid = (uint16_t)deser_id(d, 4096, false, "PCID");
        t->killed = deser_bool(d);
        t->sigbus_io = deser_bool(d);
        t->dead = deser_bool(d);
        t->root = deser_u64(d);
        t->start_brk = deser_u64(d);
        t->brk = deser_u64(d);
        t->rss = deser_u64(d);
        stats_load(&t->st, d);
        stats_load(&t->hw0, d);
        stats_load(&t->hw, d);
        uint64_t na = deser_max(d, (d->len - d->pos) / 33, "area count");
        for (uint64_t j = 0; j < na && !d->bad; j++) {
            vaddr_t start = deser_u64(d), end = deser_u64(d);
            unsigned prot = deser_u32(d), flags = deser_u32(d);
            uint64_t pgoff = deser_u64(d);
            uint8_t nm = deser_u8(d);
            if (d->bad)
                break;
            if (nm > 2 || start >= end || ((start | end) & (k->psize - 1)) || end > l.task_size ||
                prot & ~(AREA_READ | AREA_WRITE | AREA_EXEC) || (flags & (AREA_FILE | AREA_SHARED)) ||
                flags & ~UINT32_C(0x7f)) {
                deser_fail(d, "corrupt checkpoint: an area of process %u", pid);
                break;
            }
            struct area *a = area_alloc(start, end, prot, flags, NULL, pgoff,
                                        nm == 1 ? "[heap]" : nm == 2 ? "[stack]" : NULL);
            if (!a)
                return err_set(e, VMS_ENOMEM, "out of host memory");
            struct vms_error ae = {0};
            int rc = area_insert(&t->areas, a, &ae);
            if (rc < 0) {
                area_free(a);
                if (rc == -VMS_ENOMEM)
                    return err_set(e, VMS_ENOMEM, "out of host memory");
                deser_fail(d, "corrupt checkpoint: overlapping areas of process %u", pid);
            }
        }
    }
    return 0;
}
