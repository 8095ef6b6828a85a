/* Fuzz target: random sequences of public vms_kernel_* calls (spawn, fork, exec, exit,
 * switch, mmap, munmap, mprotect, msync, brk, loads, stores, fetches) on a machine of a few
 * frames and a little swap, so reclaim, swap and the out-of-memory killer run. After every
 * step the kernel's audit must pass, and every byte a load reads back from a private
 * mapping must be the byte last stored there (a shadow copy kept here); else it traps. */
#include "vmsim.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PROCS 12
#define MAX_AREAS 32
#define MAX_SHADOW 1024
#define MAX_STEPS 400

struct input {
    const uint8_t *p;
    size_t n;
};

static uint8_t in_u8(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

static uint64_t in_u64(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)in_u8(in) << (8 * i);
    return v;
}

/* The private mappings this target made in one process (where stored bytes must stay). */
struct area {
    uint64_t start, end;
    bool private_;
};

struct proc {
    int pid;
    struct area a[MAX_AREAS];
    int na;
    int64_t brk_moved; /* the sum of the deltas of the successful brk calls since exec */
};

struct shadow {
    int pid;
    uint64_t va;
    uint8_t byte;
};

struct world {
    struct vms_kernel *k;
    uint64_t pg;
    struct proc procs[MAX_PROCS];
    int nprocs;
    struct shadow sh[MAX_SHADOW];
    int nsh;
};

/* A shared scratch file for file mappings, rewritten to the same bytes before each input. */
static char file_path[64];
static int file_fd = -1;

static void file_cleanup(void)
{
    if (file_path[0])
        unlink(file_path);
}

static const char *file_reset(uint64_t pg)
{
    if (file_fd < 0) {
        const char *tmp = getenv("TMPDIR");
        if (!tmp || !*tmp || strlen(tmp) > 40)
            tmp = "/tmp";
        strcpy(file_path, tmp);
        strcat(file_path, "/vmsim-fuzz-XXXXXX");
        file_fd = mkstemp(file_path);
        if (file_fd < 0) {
            file_path[0] = 0;
            return NULL;
        }
        atexit(file_cleanup);
    }
    /* two and a half pages: the last page is partly past end of file */
    size_t len = (size_t)(pg * 5 / 2);
    uint8_t buf[4096];
    if (ftruncate(file_fd, 0) != 0)
        return NULL;
    for (size_t off = 0; off < len; off += sizeof buf) {
        size_t n = len - off < sizeof buf ? len - off : sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)((off + i) * 7 + 1);
        if (pwrite(file_fd, buf, n, (off_t)off) != (ssize_t)n)
            return NULL;
    }
    return file_path;
}

static void shadow_drop(struct world *w, int pid, uint64_t lo, uint64_t hi)
{
    for (int i = 0; i < w->nsh;)
        if (w->sh[i].pid == pid && w->sh[i].va >= lo && w->sh[i].va < hi)
            w->sh[i] = w->sh[--w->nsh];
        else
            i++;
}

static struct shadow *shadow_find(struct world *w, int pid, uint64_t va)
{
    for (int i = 0; i < w->nsh; i++)
        if (w->sh[i].pid == pid && w->sh[i].va == va)
            return &w->sh[i];
    return NULL;
}

/* Forget [lo, hi) of p: areas are cut, shadow bytes dropped. */
static void proc_cut(struct world *w, struct proc *p, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        hi = UINT64_MAX;
    shadow_drop(w, p->pid, lo, hi);
    for (int i = 0; i < p->na;) {
        struct area *a = &p->a[i];
        if (a->end <= lo || a->start >= hi) {
            i++;
            continue;
        }
        struct area left = {a->start, lo, a->private_}, right = {hi, a->end, a->private_};
        p->a[i] = p->a[--p->na];
        if (left.start < left.end && p->na < MAX_AREAS)
            p->a[p->na++] = left;
        if (right.start < right.end && p->na < MAX_AREAS)
            p->a[p->na++] = right;
    }
}

static void proc_forget(struct world *w, struct proc *p)
{
    shadow_drop(w, p->pid, 0, UINT64_MAX);
    *p = w->procs[--w->nprocs];
}

static bool in_private(const struct proc *p, uint64_t va)
{
    for (int i = 0; i < p->na; i++)
        if (va >= p->a[i].start && va < p->a[i].end)
            return p->a[i].private_;
    return false;
}

static uint64_t pick_addr(struct world *w, struct proc *p, struct input *in)
{
    uint8_t r = in_u8(in);
    if (p && p->na && r < 224) {
        const struct area *a = &p->a[r % p->na];
        uint64_t off = in_u64(in, 3) % (a->end - a->start + w->pg);
        return a->start + off - (r & 0x10 ? w->pg / 2 : 0); /* a little outside too */
    }
    if (r < 240)
        return 0x10000000 + in_u64(in, 3);
    return in_u64(in, 8);
}

static uint64_t pick_hint(struct world *w, struct input *in)
{
    uint8_t r = in_u8(in);
    switch (r % 6) {
    case 0:
        return 0;
    case 1:
        return 0x20000000 + (uint64_t)(in_u8(in) % 64) * w->pg;
    case 2:
        return UINT64_C(0x7fffffffe000) - (uint64_t)(in_u8(in) % 16) * w->pg;
    case 3:
        return UINT64_C(0xfffffffffe000) - (uint64_t)(in_u8(in) % 16) * w->pg;
    case 4:
        return in_u64(in, 8);
    default:
        return 0x10000000 + (uint64_t)(in_u8(in) % 64) * w->pg;
    }
}

static uint64_t pick_len(struct world *w, struct input *in)
{
    uint8_t r = in_u8(in);
    if (r == 255)
        return in_u64(in, 8);
    return (uint64_t)(r % 8 + 1) * w->pg - (r & 0x80 ? w->pg / 3 : 0);
}

/* Reports a broken invariant or a lost byte the way a sanitizer would: a trap. */
static void audit(struct world *w)
{
    struct vms_error e = {0};
    if (vms_kernel_audit(w->k, &e) != 0) {
        fprintf(stderr, "fuzz_kernel: audit: %s\n", e.msg);
        __builtin_trap();
    }
}

/* One step; false when the kernel returned a host error (only destroy is then safe). */
static bool step(struct world *w, struct input *in, const char *file)
{
    struct vms_error e = {0};
    uint8_t op = in_u8(in);
    struct proc *p = w->nprocs ? &w->procs[in_u8(in) % w->nprocs] : NULL;
    int rc = 0;
    if (!p)
        op = 0;
    switch (op % 16) {
    case 0: { /* spawn */
        int pid;
        rc = vms_kernel_spawn(w->k, &pid, &e);
        if (rc == 0 && w->nprocs < MAX_PROCS)
            w->procs[w->nprocs++] = (struct proc){.pid = pid};
        else if (rc == 0)
            rc = vms_kernel_exit(w->k, pid, &e);
        break;
    }
    case 1: { /* fork */
        int child;
        rc = vms_kernel_fork(w->k, p->pid, &child, &e);
        if (rc == 0 && w->nprocs < MAX_PROCS) {
            struct proc *c = &w->procs[w->nprocs++];
            *c = *p;
            c->pid = child;
            int n = w->nsh;
            bool full = false;
            for (int i = 0; i < n; i++)
                if (w->sh[i].pid == p->pid && !(full = w->nsh == MAX_SHADOW))
                    w->sh[w->nsh++] = (struct shadow){child, w->sh[i].va, w->sh[i].byte};
            if (full) { /* the child's bytes cannot all be followed: follow none */
                shadow_drop(w, child, 0, UINT64_MAX);
                c->na = 0;
            }
        } else if (rc == 0) {
            rc = vms_kernel_exit(w->k, child, &e);
        }
        break;
    }
    case 2: /* exit */
        rc = vms_kernel_exit(w->k, p->pid, &e);
        if (rc == 0)
            proc_forget(w, p);
        break;
    case 3: /* switch */
        rc = vms_kernel_switch(w->k, p->pid, &e);
        break;
    case 4: { /* exec */
        static const char *const prog = "/bin/true";
        if (access(prog, R_OK) != 0)
            break;
        const char *argv[] = {prog, "fuzz", NULL};
        rc = vms_kernel_exec(w->k, p->pid, prog, in_u8(in) & 1 ? argv : NULL, &e);
        if (rc == 0) {
            proc_cut(w, p, 0, UINT64_MAX);
            p->brk_moved = 0;
        }
        break;
    }
    case 5:
    case 6: { /* mmap */
        uint64_t hint = pick_hint(w, in), len = pick_len(w, in), addr = 0;
        unsigned prot = in_u8(in) & 7, flags = in_u8(in) & 7;
        uint64_t off = (uint64_t)(in_u8(in) % 4) * w->pg;
        bool anon = flags & VMS_MMAP_ANON;
        if (!anon && !file)
            flags |= VMS_MMAP_ANON, anon = true;
        rc = vms_kernel_mmap(w->k, p->pid, hint, len, prot, flags, anon ? NULL : file, off,
                             &addr, &e);
        uint64_t alen = (len + w->pg - 1) / w->pg * w->pg;
        if (flags & VMS_MMAP_FIXED)
            proc_cut(w, p, hint, hint + alen);
        if (rc == 0) {
            proc_cut(w, p, addr, addr + alen);
            if (p->na < MAX_AREAS)
                p->a[p->na++] =
                    (struct area){addr, addr + alen, !(flags & VMS_MMAP_SHARED)};
        }
        break;
    }
    case 7: { /* munmap */
        uint64_t va = pick_addr(w, p, in) & ~(w->pg - 1), len = pick_len(w, in);
        rc = vms_kernel_munmap(w->k, p->pid, va, len, &e);
        proc_cut(w, p, va, va + (len + w->pg - 1) / w->pg * w->pg);
        break;
    }
    case 8: { /* mprotect */
        uint64_t va = pick_addr(w, p, in) & ~(w->pg - 1), len = pick_len(w, in);
        rc = vms_kernel_mprotect(w->k, p->pid, va, len, in_u8(in) & 7, &e);
        break;
    }
    case 9: { /* msync */
        uint64_t va = pick_addr(w, p, in) & ~(w->pg - 1), len = pick_len(w, in);
        rc = vms_kernel_msync(w->k, p->pid, va, len, &e);
        break;
    }
    case 10: { /* brk: the heap is not followed, so its bytes are never checked */
        int64_t delta = (int8_t)in_u8(in) * (int64_t)w->pg / 2;
        if (in_u8(in) == 0xff)
            delta = (int64_t)in_u64(in, 8);
        uint64_t start = 0;
        bool shrink = delta < 0;
        uint64_t size = shrink ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta;
        rc = vms_kernel_brk(w->k, p->pid, shrink, size, &start, &e);
        if (rc == 0 && delta) { /* what the break moved over is the heap's now, or nothing */
            uint64_t from = start + (uint64_t)p->brk_moved, to = from + (uint64_t)delta;
            uint64_t lo = from < to ? from : to, hi = from < to ? to : from;
            proc_cut(w, p, lo & ~(w->pg - 1), (hi + w->pg - 1) & ~(w->pg - 1));
            p->brk_moved += delta;
        }
        break;
    }
    case 11:
    case 12: { /* store */
        static const unsigned sizes[] = {1, 2, 4, 8};
        uint64_t va = pick_addr(w, p, in);
        unsigned sz = sizes[in_u8(in) % 4];
        uint64_t v = in_u64(in, sz);
        rc = vms_kernel_store(w->k, p->pid, va, sz, v, &e);
        if (rc == VMS_SIG_NONE) {
            for (unsigned i = 0; i < sz; i++) {
                uint64_t b = va + i;
                struct shadow *s = shadow_find(w, p->pid, b);
                if (in_private(p, b) && (s || w->nsh < MAX_SHADOW)) {
                    if (!s)
                        s = &w->sh[w->nsh++];
                    *s = (struct shadow){p->pid, b, (uint8_t)(v >> (8 * i))};
                } else if (s) {
                    shadow_drop(w, p->pid, b, b + 1);
                }
            }
        }
        break;
    }
    case 13:
    case 14: { /* load, checked against the shadow */
        static const unsigned sizes[] = {1, 2, 4, 8};
        uint64_t va = pick_addr(w, p, in), v = 0;
        unsigned sz = sizes[in_u8(in) % 4];
        rc = vms_kernel_load(w->k, p->pid, va, sz, &v, &e);
        if (rc == VMS_SIG_NONE)
            for (unsigned i = 0; i < sz; i++) {
                const struct shadow *s = shadow_find(w, p->pid, va + i);
                if (s && s->byte != (uint8_t)(v >> (8 * i)))
                    __builtin_trap(); /* a stored byte was lost */
            }
        break;
    }
    default: /* fetch or touch */
        if (in_u8(in) & 1)
            rc = vms_kernel_fetch(w->k, p->pid, pick_addr(w, p, in), &e);
        else
            rc = vms_kernel_touch(w->k, p->pid, pick_addr(w, p, in), in_u8(in) & 1, &e);
        break;
    }
#ifdef FUZZ_KERNEL_VERBOSE
    fprintf(stderr, "op %u pid %d -> %d %s\n", op % 16u, p ? p->pid : 0, rc, rc ? e.msg : "");
#endif
    if (rc < 0 && rc != -VMS_EINVAL)
        return false; /* host trouble (out of host memory, swap i/o) */
    if (rc < 0 && e.msg[0] == 0)
        __builtin_trap(); /* every refusal says why */
    audit(w);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const policies[] = {
        "clock", "fifo", "lru", "eclock", "nru", "lfu", "aging", "random",
        "ws", "wsclock", "arc", "2q", "lirs", "clockpro", "lru2", "clock"};
    struct input in = {data, size};
    uint8_t h0 = in_u8(&in), h1 = in_u8(&in), h2 = in_u8(&in);
    struct vms_error e = {0};
    struct vms_config *c;
    size_t np = vms_preset_count();
    const char *preset = np && (h2 & 0x80) ? vms_preset_name(h2 % np) : NULL;
    if (vms_config_create(preset, &c, &e) != 0)
        return 0;
    struct world *w = calloc(1, sizeof *w);
    if (!w) {
        vms_config_destroy(c);
        return 0;
    }
    w->pg = vms_config_page_size(c);
    struct vms_kernel_opts o = {
        .memory = (uint64_t)(h0 % 16 + 1) * w->pg,
        .swap = (uint64_t)(h1 % 17) * w->pg,
        .policy = policies[(h1 >> 5) | ((h0 >> 4) & 8)],
        .params = {.seed = 1 + (h2 & 3), .tau = 8 + (h2 & 0x70)},
    };
    if (vms_kernel_create(c, &o, &w->k, &e) == 0) {
        const char *file = file_reset(w->pg);
        audit(w);
        for (int i = 0; i < MAX_STEPS && in.n && step(w, &in, file); i++)
            ;
        vms_kernel_destroy(w->k);
    }
    free(w);
    vms_config_destroy(c);
    return 0;
}
