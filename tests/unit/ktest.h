/* Helpers shared by the kernel unit tests (test_kernel*.c): a kernel on a preset machine with
 * a few pages of memory and swap in a private temporary directory, scratch files there,
 * accesses that check for host errors, PTE inspection and the invariant audit as a CHECK.
 * Header-only, static functions; the tests use internal.h internals on purpose. */
#ifndef VMS_TESTS_KTEST_H
#define VMS_TESTS_KTEST_H

#include "harness.h"

#include "base/alloc.h"
#include "base/err.h"
#include "hw/config.h"
#include "kernel/internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define KT_MAX_FILES 16
#define KT_MAX_KILLS 16

struct kt {
    struct kernel *k;
    uint64_t ps; /* page size */
    char dir[256];
    char files[KT_MAX_FILES][320];
    unsigned nfiles;
    /* out-of-memory kills seen by the on_kill callback */
    struct task *killed[KT_MAX_KILLS];
    unsigned nkilled;
    bool kill_not_largest; /* a victim whose RSS was below another live task's */
};

static inline void kt_on_kill(void *ctx, struct task *t)
{
    struct kt *x = ctx;
    if (x->nkilled < KT_MAX_KILLS)
        x->killed[x->nkilled] = t;
    x->nkilled++;
    for (struct task *o = x->k->tasks; o; o = o->next)
        if (!o->dead && o != t && o->rss > t->rss)
            x->kill_not_largest = true;
}

/* A kernel on `machine` (NULL = core-i7) with mem_pages of memory and swap_pages of swap,
 * policy (NULL = clock) and seed. false (with a test failure) if anything goes wrong. */
static inline bool kt_init_on(struct kt *x, const char *machine, uint64_t mem_pages,
                              uint64_t swap_pages, const char *policy, uint64_t seed)
{
    memset(x, 0, sizeof *x);
    const char *tmp = getenv("TMPDIR");
    snprintf(x->dir, sizeof x->dir, "%s/vmsim-kt-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(x->dir)) {
        harness_fail(__FILE__, __LINE__, "mkdtemp %s failed", x->dir);
        return false;
    }
    struct vms_config c;
    struct geometry g;
    struct vms_error e = {0};
    if (config_preset(&c, machine ? machine : "core-i7", &e) || config_check(&c, &g, &e)) {
        harness_fail(__FILE__, __LINE__, "config: %s", e.msg);
        rmdir(x->dir);
        return false;
    }
    x->ps = UINT64_C(1) << c.page_shift;
    struct kern_options o = {.memory = mem_pages * x->ps,
                             .swap = swap_pages * x->ps,
                             .policy = policy,
                             .seed = seed,
                             .tau = 64,
                             .workdir = x->dir,
                             .on_kill = kt_on_kill,
                             .ctx = x};
    if (kern_create(&c, &o, &x->k, &e)) {
        harness_fail(__FILE__, __LINE__, "kern_create: %s", e.msg);
        rmdir(x->dir);
        return false;
    }
    return true;
}

static inline bool kt_init(struct kt *x, uint64_t mem_pages, uint64_t swap_pages,
                           const char *policy)
{
    return kt_init_on(x, NULL, mem_pages, swap_pages, policy, 1);
}

/* Destroys the kernel (if still there) and removes the scratch files and directory. */
static inline void kt_fini(struct kt *x)
{
    kern_destroy(x->k);
    x->k = NULL;
    for (unsigned i = 0; i < x->nfiles; i++)
        unlink(x->files[i]);
    x->nfiles = 0;
    if (x->dir[0])
        rmdir(x->dir);
    x->dir[0] = '\0';
}

/* A scratch file NAME of n bytes, byte i = pat(i); returns its path (static per kt). */
static inline uint8_t kt_pat(uint64_t i, unsigned salt)
{
    return (uint8_t)((i * 131 + (i >> 8) * 7 + salt * 29 + 1) & 0xff);
}

static inline const char *kt_file(struct kt *x, const char *name, uint64_t n, unsigned salt)
{
    if (x->nfiles == KT_MAX_FILES)
        return NULL;
    char *p = x->files[x->nfiles++];
    snprintf(p, sizeof x->files[0], "%s/%s", x->dir, name);
    int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        harness_fail(__FILE__, __LINE__, "create %s failed", p);
        return p;
    }
    uint8_t buf[4096];
    for (uint64_t done = 0; done < n;) {
        size_t c = n - done > sizeof buf ? sizeof buf : (size_t)(n - done);
        for (size_t i = 0; i < c; i++)
            buf[i] = kt_pat(done + i, salt);
        if (write(fd, buf, c) != (ssize_t)c) {
            harness_fail(__FILE__, __LINE__, "write %s failed", p);
            break;
        }
        done += c;
    }
    close(fd);
    return p;
}

/* The file's bytes on disk (not through the page cache): n at off; returns bytes read. */
static inline size_t kt_disk(const char *path, uint64_t off, uint8_t *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t r = pread(fd, buf, n, (off_t)off);
    close(fd);
    return r < 0 ? 0 : (size_t)r;
}

static inline uint64_t kt_disk_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : UINT64_MAX;
}

#define KT_AUDIT(k)                                                                                \
    do {                                                                                           \
        struct vms_error ae_ = {0};                                                                \
        if (kern_audit((k), &ae_))                                                                 \
            harness_fail(__FILE__, __LINE__, "%s", ae_.msg);                                       \
    } while (0)

/* One access; a host error fails the test. Returns the signal. */
static inline enum kern_sig kt_acc(struct kernel *k, struct task *t, vaddr_t va, unsigned size,
                                   enum access_kind kind, uint64_t *val, const char *file, int line)
{
    enum kern_sig s = KSIG_NONE;
    struct vms_error e = {0};
    uint64_t dummy = 0;
    if (kern_access(k, t, va, size, kind, val ? val : &dummy, &s, &e))
        harness_fail(file, line, "kern_access(0x%" PRIx64 "): %s", (uint64_t)va, e.msg);
    return s;
}

/* load: the value read, or ~0 (with *sig) on a fault. */
static inline uint64_t kt_load_at(struct kernel *k, struct task *t, vaddr_t va, unsigned size,
                                  enum kern_sig *sig, const char *file, int line)
{
    uint64_t v = 0;
    enum kern_sig s = kt_acc(k, t, va, size, ACCESS_LOAD, &v, file, line);
    if (sig)
        *sig = s;
    else if (s != KSIG_NONE)
        harness_fail(file, line, "load 0x%" PRIx64 ": %s", (uint64_t)va, kern_sig_name(s));
    return s == KSIG_NONE ? v : ~UINT64_C(0);
}

static inline enum kern_sig kt_store_at(struct kernel *k, struct task *t, vaddr_t va, unsigned size,
                                        uint64_t v, bool must, const char *file, int line)
{
    enum kern_sig s = kt_acc(k, t, va, size, ACCESS_STORE, &v, file, line);
    if (must && s != KSIG_NONE)
        harness_fail(file, line, "store 0x%" PRIx64 ": %s", (uint64_t)va, kern_sig_name(s));
    return s;
}

#define KLOAD(k, t, va, size) kt_load_at((k), (t), (va), (size), NULL, __FILE__, __LINE__)
#define KLOADS(k, t, va, size, sig) kt_load_at((k), (t), (va), (size), (sig), __FILE__, __LINE__)
#define KSTORE(k, t, va, size, v) kt_store_at((k), (t), (va), (size), (v), true, __FILE__, __LINE__)
#define KSTORES(k, t, va, size, v)                                                                 \
    kt_store_at((k), (t), (va), (size), (v), false, __FILE__, __LINE__)
#define KFETCH(k, t, va) kt_acc((k), (t), (va), 1, ACCESS_FETCH, NULL, __FILE__, __LINE__)

/* mmap that must succeed; returns the address (0 on failure, with a test failure). */
static inline vaddr_t kt_mmap_at(struct kernel *k, struct task *t, vaddr_t hint, uint64_t len,
                                 unsigned prot, unsigned flags, const char *file, uint64_t off,
                                 const char *f, int line)
{
    vaddr_t a = 0;
    struct vms_error e = {0};
    if (kern_mmap(k, t, hint, len, prot, flags, file, off, &a, &e)) {
        harness_fail(f, line, "mmap: %s", e.msg);
        return 0;
    }
    return a;
}
#define KMMAP(k, t, hint, len, prot, flags, file, off)                                             \
    kt_mmap_at((k), (t), (hint), (len), (prot), (flags), (file), (off), __FILE__, __LINE__)

#define KOK(call)                                                                                  \
    do {                                                                                           \
        struct vms_error ce_ = {0};                                                                \
        struct vms_error *E = &ce_;                                                                \
        int rc_ = (call);                                                                          \
        if (rc_)                                                                                   \
            harness_fail(__FILE__, __LINE__, "%s: %d %s", #call, rc_, ce_.msg);                    \
        (void)E;                                                                                   \
    } while (0)

/* The leaf PTE of va in t, decoded; false when there is no leaf slot. An inspection: no
 * kernel memory traffic (pt_lookup, not kern_pte_pa). */
static inline bool kt_pte(struct kernel *k, struct task *t, vaddr_t va, struct pte_info *pi,
                          pte_t *raw)
{
    memset(pi, 0, sizeof *pi);
    int psz;
    paddr_t p = pt_lookup(&k->mmu, t->root, va & ~(k->psize - 1), &psz);
    if (!p)
        return false;
    pte_t v = pt_read(&k->mmu, p);
    if (raw)
        *raw = v;
    k->mmu.fmt->decode(v, pi);
    return true;
}

/* The user frame va maps in t, or KNONE (not present, the zero page or no table). */
static inline uint32_t kt_frame(struct kernel *k, struct task *t, vaddr_t va)
{
    struct pte_info pi;
    if (!kt_pte(k, t, va, &pi, NULL) || !pi.present || pi.pfn >= k->nframes)
        return KNONE;
    return (uint32_t)pi.pfn;
}

static inline bool kt_maps_zero_page(struct kernel *k, struct task *t, vaddr_t va)
{
    struct pte_info pi;
    return kt_pte(k, t, va, &pi, NULL) && pi.present && pi.pfn == k->zero_pfn;
}

static inline size_t kt_nareas(struct task *t)
{
    return kern_task_areas(t)->count;
}

#endif
