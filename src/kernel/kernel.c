/* The simulated kernel's memory manager: user frames with refcounts, mapcounts and reverse
 * maps; the kernel pool for page tables; PTE encoding (present, swap entries); the swap
 * device (a real file) with its swap map and swap cache; the page cache of files and shmem
 * objects; reclaim through the policy ops table (realistic policies read and clear A bits
 * through the reverse map, with a TLB invalidation for every PTE they clear); and the
 * out-of-memory killer. */
#include "kernel/kern.h"

#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

const char *kern_sig_name(enum kern_sig s)
{
    switch (s) {
    case KSIG_NONE: return "ok";
    case KSIG_SEGV_MAPERR: return "SIGSEGV maperr";
    case KSIG_SEGV_ACCERR: return "SIGSEGV accerr";
    case KSIG_BUS: return "SIGBUS";
    case KSIG_KILLED: return "killed";
    }
    return "?";
}

/* ------------------------------------------------------------------ kernel pool */

pfn_t kern_pool_alloc(struct kernel *k)
{
    pfn_t p;
    if (k->npool_free) {
        p = k->pool_free[--k->npool_free];
    } else if (k->pool_up) {
        p = k->pool_next++;
    } else {
        if (k->pool_next <= (pfn_t)k->nframes)
            return (pfn_t)-1;
        p = --k->pool_next;
    }
    k->pt_pages++;
    return p;
}

void kern_pool_free(struct kernel *k, pfn_t pfn)
{
    physmem_clear(k->mmu.pm, pfn);
    k->pt_pages--;
    if (k->npool_free == k->cap_pool_free) {
        size_t n = k->cap_pool_free ? 2 * k->cap_pool_free : 64;
        pfn_t *np = vms_realloc(k->pool_free, n * sizeof *np);
        if (!np)
            return; /* the frame is leaked from the pool, nothing else */
        k->pool_free = np;
        k->cap_pool_free = n;
    }
    k->pool_free[k->npool_free++] = pfn;
}

static pfn_t pool_alloc_cb(void *ctx, unsigned npages)
{
    struct kernel *k = ctx;
    if (npages == 1)
        return kern_pool_alloc(k);
    /* multi-page roots (1-level machines): contiguous, from the bump pointer */
    pfn_t first;
    if (k->pool_up) {
        first = k->pool_next;
        k->pool_next += npages;
    } else {
        if (k->pool_next < (pfn_t)k->nframes + npages)
            return (pfn_t)-1;
        k->pool_next -= npages;
        first = k->pool_next;
    }
    k->pt_pages += npages;
    return first;
}

/* ------------------------------------------------------------------ frames */

uint8_t *kern_frame_bytes(struct kernel *k, uint32_t f)
{
    return physmem_frame(k->mmu.pm, f);
}

static void frame_free(struct kernel *k, uint32_t f)
{
    struct frame *fr = &k->frames[f];
    VMS_INVARIANT(fr->mapcount == 0 && fr->nrmap == 0, "freeing a mapped frame");
    if (policy_slot_used(k->pol, f))
        policy_remove(k->pol, f);
    physmem_clear(k->mmu.pm, f);
    fr->flags = 0;
    fr->file = NULL;
    fr->slot = KNONE;
    fr->refcount = 0;
    fr->next_free = k->free_head;
    k->free_head = f;
    k->nfree++;
}

void kern_frame_put(struct kernel *k, uint32_t f)
{
    struct frame *fr = &k->frames[f];
    VMS_INVARIANT(fr->refcount > 0, "frame refcount underflow");
    if (--fr->refcount == 0)
        frame_free(k, f);
}

int kern_rmap_add(struct kernel *k, uint32_t f, struct task *t, vaddr_t va)
{
    struct frame *fr = &k->frames[f];
    if (fr->nrmap == fr->caprmap) {
        uint32_t n = fr->caprmap ? 2 * fr->caprmap : 2;
        struct rmap_ent *nr = vms_realloc(fr->rmap, n * sizeof *nr);
        if (!nr)
            return -VMS_ENOMEM;
        fr->rmap = nr;
        fr->caprmap = n;
    }
    fr->rmap[fr->nrmap++] = (struct rmap_ent){t, va};
    fr->mapcount++;
    fr->refcount++;
    t->rss++;
    return 0;
}

void kern_rmap_del(struct kernel *k, uint32_t f, struct task *t, vaddr_t va)
{
    struct frame *fr = &k->frames[f];
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        if (fr->rmap[i].t == t && fr->rmap[i].va == va) {
            fr->rmap[i] = fr->rmap[--fr->nrmap];
            fr->mapcount--;
            t->rss--;
            if (fr->nrmap == 0) {
                vms_free(fr->rmap);
                fr->rmap = NULL;
                fr->caprmap = 0;
            }
            kern_frame_put(k, f);
            return;
        }
    }
    VMS_INVARIANT(0, "reverse map entry missing");
}

/* ------------------------------------------------------------------ PTEs */

paddr_t kern_pte_pa(struct kernel *k, struct task *t, vaddr_t va)
{
    int psz;
    return pt_lookup(&k->mmu, t->root, va, &psz);
}

int kern_pte_slot(struct kernel *k, struct task *t, vaddr_t va, paddr_t *pte_pa,
                  struct vms_error *e)
{
    paddr_t p = kern_pte_pa(k, t, va);
    if (!p) {
        /* create the tables by mapping a placeholder, then clear it */
        struct pte_info pi = {.present = true, .user = true, .readable = true};
        int rc = pt_map(&k->mmu, &k->ptal, t->root, va, PSZ_BASE, 0, &pi, e);
        if (rc)
            return rc == -VMS_ENOMEM ? err_set(e, VMS_ENOMEM, "out of memory for page tables")
                                     : rc;
        p = kern_pte_pa(k, t, va);
        VMS_INVARIANT(p != 0, "pt_map made no leaf");
        pt_write(&k->mmu, p, 0);
    }
    *pte_pa = p;
    return 0;
}

pte_t kern_pte_make(struct kernel *k, pfn_t pfn, const struct area *a, bool writable)
{
    struct pte_info pi = {
        .present = true,
        .writable = writable && (a->prot & AREA_WRITE),
        .user = a->prot != 0, /* PROT_NONE: a supervisor page, so every user access faults */
        .readable = (a->prot & AREA_READ) || k->mmu.cfg.pte_fmt != PTE_FMT_TEACH,
        .nx = !(a->prot & AREA_EXEC),
        .pfn = pfn,
    };
    return k->mmu.fmt->encode(&pi);
}

/* Swap entries live in non-present PTEs: bit 0 (P / valid) clear, slot + 1 above it. */
pte_t kern_pte_swap(uint32_t slot)
{
    return ((pte_t)slot + 1) << 1;
}

bool kern_pte_is_swap(pte_t v, uint32_t *slot)
{
    if (v == 0 || (v & 1))
        return false;
    *slot = (uint32_t)((v >> 1) - 1);
    return true;
}

void kern_pte_set(struct kernel *k, struct task *t, vaddr_t va, paddr_t pte_pa, pte_t v)
{
    pt_write(&k->mmu, pte_pa, v);
    mmu_invlpg(&k->mmu, va, t->asid);
}

/* ------------------------------------------------------------------ A and D bits */

/* Whether any PTE mapping frame f (through the reverse map) has a bit of mask set; with
 * clear, those bits are cleared and each changed PTE's TLB entry invalidated. */
static bool rmap_test_bits(struct kernel *k, uint32_t f, pte_t mask, bool clear)
{
    struct frame *fr = &k->frames[f];
    bool any = false;
    for (uint32_t i = 0; i < fr->nrmap; i++) {
        struct task *t = fr->rmap[i].t;
        paddr_t p = kern_pte_pa(k, t, fr->rmap[i].va);
        if (!p)
            continue;
        pte_t v = pt_read(&k->mmu, p);
        if (v & mask) {
            any = true;
            if (clear)
                kern_pte_set(k, t, fr->rmap[i].va, p, v & ~mask);
        }
    }
    return any;
}

bool kern_frame_dirty(struct kernel *k, uint32_t f, bool clear)
{
    struct frame *fr = &k->frames[f];
    bool d = (fr->flags & FR_DIRTY) | rmap_test_bits(k, f, k->mmu.fmt->d_mask, clear);
    if (clear) {
        /* A locked frame is in use by the access in progress, which may already hold a write
         * translation of it (its D bit was set then) and writes its bytes after this write-back
         * (an OOM kill during that access tears another mapper down): it stays dirty. */
        if (fr->flags & FR_LOCKED)
            fr->flags |= FR_DIRTY;
        else
            fr->flags &= ~FR_DIRTY;
    }
    return d;
}

static bool env_young(void *ctx, uint32_t f, bool clear)
{
    struct kernel *k = ctx;
    struct frame *fr = &k->frames[f];
    bool y = fr->flags & FR_REFERENCED;
    if (clear)
        fr->flags &= ~FR_REFERENCED;
    /* clearing A shoots the TLB entry down, so the next use sets A again */
    y |= rmap_test_bits(k, f, k->mmu.fmt->a_mask, clear);
    return y;
}

static bool env_test_and_clear_young(void *ctx, uint32_t slot)
{
    return env_young(ctx, slot, true);
}

static bool env_test_young(void *ctx, uint32_t slot)
{
    return env_young(ctx, slot, false);
}

static bool env_is_dirty(void *ctx, uint32_t slot)
{
    return kern_frame_dirty(ctx, slot, false);
}

static uint64_t env_now(void *ctx)
{
    struct kernel *k = ctx;
    return k->now ? k->now : 1;
}

/* ------------------------------------------------------------------ swap */

static int swap_alloc(struct kernel *k, uint32_t *out)
{
    if (k->slots_used >= k->nslots)
        return -1;
    for (uint32_t n = 0; n < k->nslots; n++) {
        uint32_t s = k->slot_cursor;
        k->slot_cursor = (k->slot_cursor + 1) % k->nslots;
        if (k->swap_map[s] == 0 && k->swap_cache[s] == KNONE) {
            k->slots_used++;
            *out = s;
            return 0;
        }
    }
    return -1;
}

static void swap_free_slot(struct kernel *k, uint32_t s)
{
    k->slot_zero[s] = 0;
    k->slots_used--;
}

/* Drops the swap-cache link of slot s (the frame keeps its data). */
static void swap_cache_del(struct kernel *k, uint32_t s)
{
    uint32_t f = k->swap_cache[s];
    if (f == KNONE)
        return;
    k->swap_cache[s] = KNONE;
    k->frames[f].slot = KNONE;
    if (k->swap_map[s] == 0)
        swap_free_slot(k, s);
    kern_frame_put(k, f);
}

void kern_swap_put(struct kernel *k, uint32_t s)
{
    VMS_INVARIANT(s < k->nslots && k->swap_map[s] > 0, "swap slot reference underflow");
    if (--k->swap_map[s] > 0)
        return;
    uint32_t f = k->swap_cache[s];
    if (f == KNONE) {
        swap_free_slot(k, s);
        return;
    }
    /* nobody refers to the slot any more: the swap-cache page loses its backing */
    k->swap_cache[s] = KNONE;
    k->frames[f].slot = KNONE;
    k->frames[f].flags |= FR_DIRTY;
    swap_free_slot(k, s);
    kern_frame_put(k, f);
}

static int swap_write(struct kernel *k, uint32_t s, uint32_t f, struct vms_error *e)
{
    const uint8_t *b = physmem_peek(k->mmu.pm, f);
    bool zero = true;
    if (b)
        for (uint64_t i = 0; i < k->psize && zero; i++)
            zero = b[i] == 0;
    k->slot_zero[s] = zero;
    k->slot_stamp[s] = k->evictions;
    k->st.swap_outs++;
    struct task *a = kern_actor(k);
    if (a)
        a->st.swap_outs++;
    if (zero)
        return 0;
    ssize_t n = pwrite(k->swap_fd, b, k->psize, (off_t)(s * k->psize));
    if (n != (ssize_t)k->psize)
        return err_set(e, VMS_EIO, "swap file: write failed: %s",
                       n < 0 ? strerror(errno) : "short write");
    return 0;
}

int kern_swap_read(struct kernel *k, uint32_t s, uint32_t f, struct vms_error *e)
{
    k->st.swap_ins++;
    struct task *a = kern_actor(k);
    if (a)
        a->st.swap_ins++;
    /* Refault distance (Linux mm/workingset.c): had memory been larger by the evictions
     * since this page left, it would still be resident. Within nframes: the working set
     * does not fit. */
    k->refaults++;
    if (k->evictions - k->slot_stamp[s] <= k->nframes)
        k->ws_refaults++;
    if (k->slot_zero[s]) {
        physmem_clear(k->mmu.pm, f);
        return 0;
    }
    uint8_t *b = kern_frame_bytes(k, f);
    if (!b)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    ssize_t n = pread(k->swap_fd, b, k->psize, (off_t)(s * k->psize));
    if (n != (ssize_t)k->psize)
        return err_set(e, VMS_EIO, "swap file: read failed: %s",
                       n < 0 ? strerror(errno) : "short read");
    return 0;
}

/* ------------------------------------------------------------------ files */

static struct kfile *kfile_new(struct kernel *k, uint64_t npages, struct vms_error *e)
{
    struct kfile *kf = vms_calloc(1, sizeof *kf);
    int64_t *pages = vms_calloc(npages ? npages : 1, sizeof *pages);
    if (!kf || !pages) {
        vms_free(kf);
        vms_free(pages);
        err_set(e, VMS_ENOMEM, "out of host memory");
        return NULL;
    }
    kf->pages = pages;
    kf->npages = npages;
    kf->fd = -1;
    (void)k;
    return kf;
}

struct kfile *kern_file_by_path(struct kernel *k, const char *path, struct vms_error *e)
{
    struct stat st;
    char resolved[PATH_MAX];
    if (!realpath(path, resolved) || stat(resolved, &st) != 0) {
        err_set(e, VMS_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    for (struct kfile *f = k->files; f; f = f->next)
        if (!f->shmem && f->dev_major == major(st.st_dev) && f->dev_minor == minor(st.st_dev) &&
            f->ino == (uint64_t)st.st_ino)
            return f;
    if (!S_ISREG(st.st_mode)) {
        err_set(e, VMS_EINVAL, "%s: not a regular file", path);
        return NULL;
    }
    uint64_t size = (uint64_t)st.st_size;
    struct kfile *kf = kfile_new(k, (size + k->psize - 1) >> k->pshift, e);
    if (!kf)
        return NULL;
    /* Read-only until a page is written back: a host file held open for writing cannot be
     * executed meanwhile (ETXTBSY), and programs the scenarios exec are such files. */
    kf->fd = open(resolved, O_RDONLY | O_CLOEXEC);
    kf->writable = kf->fd >= 0 && access(resolved, W_OK) == 0;
    kf->path = vms_strdup(resolved);
    if (kf->fd < 0 || !kf->path) {
        err_set(e, kf->path ? VMS_EIO : VMS_ENOMEM, "%s: %s", path,
                kf->path ? strerror(errno) : "out of host memory");
        if (kf->fd >= 0)
            close(kf->fd);
        vms_free(kf->path);
        vms_free(kf->pages);
        vms_free(kf);
        return NULL;
    }
    kf->dev_major = major(st.st_dev);
    kf->dev_minor = minor(st.st_dev);
    kf->ino = (uint64_t)st.st_ino;
    kf->size = size;
    kf->next = k->files;
    k->files = kf;
    return kf;
}

struct kfile *kern_file_get(struct kernel *k, struct area_file *af, struct vms_error *e)
{
    if (af->priv)
        return af->priv;
    struct kfile *kf = kern_file_by_path(k, af->path, e);
    if (kf)
        af->priv = kf;
    return kf;
}

/* Fills frame f with page `index` of kf: the file's bytes, zero past EOF (or the bytes a
 * mapper stored there before the page was dropped). */
int kern_file_fill(struct kernel *k, struct kfile *kf, uint64_t index, uint32_t f,
                   struct vms_error *e)
{
    uint64_t off = index << k->pshift;
    uint64_t n = off < kf->size ? kf->size - off : 0;
    if (n > k->psize)
        n = k->psize;
    physmem_clear(k->mmu.pm, f);
    if (n == 0 && !(kf->tail && index == kf->npages - 1))
        return 0;
    uint8_t *b = kern_frame_bytes(k, f);
    if (!b)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    k->st.faults_file_read++;
    ssize_t got = pread(kf->fd, b, n, (off_t)off);
    if (got < 0)
        return err_set(e, VMS_EIO, "%s: read failed: %s", kf->path, strerror(errno));
    if ((uint64_t)got < n)
        memset(b + got, 0, n - (uint64_t)got);
    if (kf->tail && index == kf->npages - 1)
        memcpy(b + n, kf->tail, k->psize - n);
    return 0;
}

/* Writes the file's part of frame f back to kf (never past EOF). Keeps the bytes past EOF
 * of a last page in kf->tail when the frame is about to go, so mappers still see them. */
int kern_file_writeback(struct kernel *k, struct kfile *kf, uint32_t f, struct vms_error *e)
{
    uint64_t index = k->frames[f].index;
    uint64_t off = index << k->pshift;
    uint64_t n = off < kf->size ? kf->size - off : 0;
    if (n > k->psize)
        n = k->psize;
    const uint8_t *b = physmem_peek(k->mmu.pm, f);
    static const uint8_t zeros[4096];
    k->st.file_writebacks++;
    struct task *a = kern_actor(k);
    if (a)
        a->st.file_writebacks++;
    if (!kf->writable)
        return err_set(e, VMS_EIO, "%s: not writable, cannot write a shared page back",
                       kf->path);
    if (!kf->fd_rw) { /* the first write-back: reopen for writing */
        int fd = open(kf->path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return err_set(e, VMS_EIO, "%s: cannot open for writing: %s", kf->path,
                           strerror(errno));
        close(kf->fd);
        kf->fd = fd;
        kf->fd_rw = true;
    }
    for (uint64_t done = 0; done < n;) {
        const uint8_t *src = b ? b + done : zeros;
        uint64_t chunk = n - done;
        if (!b && chunk > sizeof zeros)
            chunk = sizeof zeros;
        ssize_t w = pwrite(kf->fd, src, chunk, (off_t)(off + done));
        if (w <= 0)
            return err_set(e, VMS_EIO, "%s: write failed: %s", kf->path,
                           w < 0 ? strerror(errno) : "short write");
        done += (uint64_t)w;
    }
    return 0;
}

/* Saves the bytes past EOF of frame f (the object's last page) before it is dropped. */
static int file_save_tail(struct kernel *k, struct kfile *kf, uint32_t f)
{
    uint64_t index = k->frames[f].index;
    if (kf->shmem || index != kf->npages - 1 || (kf->size & (k->psize - 1)) == 0)
        return 0;
    uint64_t n = kf->size - (index << k->pshift);
    const uint8_t *b = physmem_peek(k->mmu.pm, f);
    bool any = false;
    for (uint64_t i = n; b && i < k->psize; i++)
        any |= b[i] != 0;
    if (!any) {
        vms_free(kf->tail);
        kf->tail = NULL;
        return 0;
    }
    if (!kf->tail && !(kf->tail = vms_malloc(k->psize - n)))
        return -VMS_ENOMEM;
    memcpy(kf->tail, b + n, k->psize - n);
    return 0;
}

static void shmem_release(struct area_file *af)
{
    struct kfile *kf = af->priv;
    struct kernel *k = kf ? (struct kernel *)kf->path : NULL; /* shmem: path holds the kernel */
    if (!kf)
        return;
    for (uint64_t i = 0; i < kf->npages; i++) {
        int64_t v = kf->pages[i];
        if (v > 0) {
            uint32_t f = (uint32_t)(v - 1);
            k->frames[f].flags &= ~FR_FILE;
            k->frames[f].file = NULL;
            kern_frame_put(k, f);
        } else if (v < 0) {
            kern_swap_put(k, (uint32_t)(-v - 1));
        }
    }
    for (struct kfile **pp = &k->files; *pp; pp = &(*pp)->next)
        if (*pp == kf) {
            *pp = kf->next;
            break;
        }
    vms_free(kf->pages);
    vms_free(kf);
}

struct area_file *kern_shmem_create(struct kernel *k, uint64_t len, struct vms_error *e)
{
    struct kfile *kf = kfile_new(k, len >> k->pshift, e);
    if (!kf)
        return NULL;
    kf->shmem = true;
    kf->writable = true;
    kf->size = len;
    kf->ino = ++k->shmem_ino;
    kf->path = (char *)k; /* back pointer for the release hook (never printed) */
    struct area_file *af = area_file_create("/dev/zero (deleted)", 0, 1, kf->ino, len, e);
    if (!af) {
        vms_free(kf->pages);
        vms_free(kf);
        return NULL;
    }
    af->shmem = true;
    af->priv = kf;
    af->release = shmem_release;
    kf->next = k->files;
    k->files = kf;
    return af;
}

/* ------------------------------------------------------------------ reclaim */

/* Unmaps every PTE of frame f, replacing each with `repl` (a swap entry or none). */
static void unmap_all(struct kernel *k, uint32_t f, pte_t repl, uint32_t slot)
{
    struct frame *fr = &k->frames[f];
    while (fr->nrmap) {
        struct rmap_ent r = fr->rmap[fr->nrmap - 1];
        paddr_t p = kern_pte_pa(k, r.t, r.va);
        if (p)
            kern_pte_set(k, r.t, r.va, p, repl);
        if (repl)
            k->swap_map[slot]++;
        fr->refcount++; /* keep it while the last mapping goes */
        kern_rmap_del(k, f, r.t, r.va);
        fr->refcount--;
    }
}

/* Writes frame f to a newly allocated slot *s: 1, 0 when swap is full, or negative. */
static int swap_out_new(struct kernel *k, uint32_t f, uint32_t *s, struct vms_error *e)
{
    if (swap_alloc(k, s) != 0)
        return 0;
    int rc = swap_write(k, *s, f, e);
    if (rc) {
        swap_free_slot(k, *s);
        return rc;
    }
    return 1;
}

/* Evicts frame f. 1 = evicted, 0 = cannot (no swap space), negative on host errors. */
int kern_evict(struct kernel *k, uint32_t f, struct vms_error *e)
{
    struct frame *fr = &k->frames[f];
    bool dirty = kern_frame_dirty(k, f, false);
    if (fr->flags & FR_FILE) {
        struct kfile *kf = fr->file;
        if (kf->shmem) {
            uint32_t s;
            int rc = swap_out_new(k, f, &s, e);
            if (rc != 1)
                return rc;
            unmap_all(k, f, 0, 0);
            kf->pages[fr->index] = -(int64_t)s - 1;
            k->swap_map[s] = 1;
        } else {
            if (dirty) {
                int rc = kern_file_writeback(k, kf, f, e);
                if (rc)
                    return rc;
            }
            if (file_save_tail(k, kf, f))
                return err_set(e, VMS_ENOMEM, "out of host memory");
            unmap_all(k, f, 0, 0);
            kf->pages[fr->index] = 0;
        }
        fr->flags &= ~FR_FILE;
        fr->file = NULL;
        kern_frame_put(k, f); /* the page cache's reference */
        return 1;
    }
    /* anonymous */
    uint32_t s = fr->slot;
    if (s == KNONE) {
        int rc = swap_out_new(k, f, &s, e);
        if (rc != 1)
            return rc;
    } else if (dirty) {
        int rc = swap_write(k, s, f, e);
        if (rc)
            return rc;
    }
    fr->refcount++; /* hold it while the mappings and the swap-cache link go */
    unmap_all(k, f, kern_pte_swap(s), s);
    if (fr->slot != KNONE)
        swap_cache_del(k, s);
    else if (k->swap_map[s] == 0)
        swap_free_slot(k, s);
    fr->refcount--;
    VMS_INVARIANT(fr->refcount == 0, "evicted anonymous frame still referenced");
    frame_free(k, f);
    return 1;
}

static uint64_t page_id(struct kernel *k, uint32_t f)
{
    struct frame *fr = &k->frames[f];
    if (fr->nrmap)
        return fr->rmap[0].va >> k->pshift;
    return f;
}

/* Finds a victim and evicts it. 1 = a frame was freed, 0 = nothing evictable. */
static int reclaim_one(struct kernel *k, struct vms_error *e)
{
    uint32_t tries = 0, limit = 2 * k->nframes + 16;
    while (tries++ < limit) {
        uint32_t v = policy_victim(k->pol, &k->env);
        if (k->frames[v].refcount == 0) { /* the policy thought it occupied: drop it */
            continue;
        }
        if (k->frames[v].flags & FR_LOCKED) {
            policy_insert(k->pol, v, page_id(k, v), false);
            continue;
        }
        int rc = kern_evict(k, v, e);
        if (rc == 1)
            k->evictions++;
        if (rc < 0) {
            if (!policy_slot_used(k->pol, v))
                policy_insert(k->pol, v, page_id(k, v), false);
            return rc;
        }
        if (rc == 1)
            return 1;
        policy_insert(k->pol, v, page_id(k, v), false); /* could not swap it out */
    }
    /* The policy kept offering frames that cannot go (locked, or anonymous with no swap slot
     * left; a re-inserted frame may look the oldest again, as with aging): an evictable frame
     * may still exist. Look at every frame before the out-of-memory killer runs. */
    for (uint32_t f = 0; f < k->nframes; f++) {
        if (k->frames[f].refcount == 0 || (k->frames[f].flags & FR_LOCKED))
            continue;
        int rc = kern_evict(k, f, e); /* a freed frame leaves the policy in frame_free */
        if (rc == 1)
            k->evictions++;
        if (rc != 0)
            return rc;
    }
    return 0;
}

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

int kern_frame_alloc(struct kernel *k, uint32_t *out, struct vms_error *e)
{
    for (;;) {
        if (k->nfree) {
            uint32_t f = k->free_head;
            k->free_head = k->frames[f].next_free;
            k->nfree--;
            struct frame *fr = &k->frames[f];
            fr->refcount = 1;
            fr->mapcount = 0;
            fr->flags = 0;
            fr->slot = KNONE;
            fr->file = NULL;
            policy_insert(k->pol, f, f, false);
            *out = f;
            return 0;
        }
        int rc = reclaim_one(k, e);
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
    k->mmu.user = true;
    k->pshift = cfg->page_shift;
    k->psize = UINT64_C(1) << k->pshift;
    for (int i = 0; i < 2; i++) {
        int first = caches_first(&k->mmu.caches, i == 1);
        unsigned b = first >= 0 ? k->mmu.caches.lvl[first].block_shift : k->pshift;
        k->block_shift[i] = b < k->pshift ? b : k->pshift;
    }
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
    k->frames = vms_calloc(nf, sizeof *k->frames);
    if (!k->frames)
        goto oom;
    for (uint32_t i = k->nframes; i-- > 0;) {
        k->frames[i].slot = KNONE;
        k->frames[i].next_free = k->free_head;
        k->free_head = i;
    }
    k->nfree = k->nframes;
    k->ptal = (struct pt_alloc){pool_alloc_cb, k};
    k->zero_pfn = kern_pool_alloc(k);
    if (k->zero_pfn == (pfn_t)-1 || !physmem_frame(k->mmu.pm, k->zero_pfn))
        goto oom;
    k->pt_pages--; /* the zero page is not a page table */

    /* swap */
    uint64_t ns = k->opt.swap >> k->pshift;
    if (ns > UINT32_MAX - 2)
        ns = UINT32_MAX - 2;
    k->nslots = (uint32_t)ns;
    if (ns) {
        k->swap_map = vms_calloc(ns, sizeof *k->swap_map);
        k->swap_cache = vms_malloc(ns * sizeof *k->swap_cache);
        k->slot_zero = vms_calloc(ns, 1);
        k->slot_stamp = vms_calloc(ns, sizeof *k->slot_stamp);
        if (!k->swap_map || !k->swap_cache || !k->slot_zero || !k->slot_stamp)
            goto oom;
        memset(k->swap_cache, 0xff, ns * sizeof *k->swap_cache);
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
    struct policy_params pp = {.nframes = k->nframes, .seed = k->opt.seed, .tau = k->opt.tau};
    if ((ops->flags & POLICY_NO_FRAMES) && !pp.tau)
        pp.tau = 100000;
    if (policy_create(ops, &pp, &k->pol, e))
        goto fail;
    k->env = (struct policy_env){k, env_test_and_clear_young, env_test_young, env_is_dirty,
                                 env_now};
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
    while (k->files) {
        struct kfile *kf = k->files;
        k->files = kf->next;
        if (!kf->shmem) {
            /* dirty shared pages still cached reach their file */
            for (uint64_t i = 0; i < kf->npages; i++) {
                if (kf->pages[i] > 0) {
                    uint32_t f = (uint32_t)(kf->pages[i] - 1);
                    struct vms_error ignore;
                    if (k->frames[f].flags & FR_DIRTY)
                        kern_file_writeback(k, kf, f, &ignore);
                }
            }
            if (kf->fd >= 0)
                close(kf->fd);
            vms_free(kf->path);
            vms_free(kf->tail);
        }
        vms_free(kf->pages);
        vms_free(kf);
    }
    if (k->frames)
        for (uint32_t i = 0; i < k->nframes; i++)
            vms_free(k->frames[i].rmap);
    vms_free(k->frames);
    vms_free(k->pool_free);
    vms_free(k->swap_map);
    vms_free(k->swap_cache);
    vms_free(k->slot_zero);
    vms_free(k->slot_stamp);
    vms_free(k->trim_buf);
    if (k->swap_fd >= 0)
        close(k->swap_fd);
    policy_destroy(k->pol);
    mmu_fini(&k->mmu);
    vms_free(k);
}

/* ------------------------------------------------------------------ statistics */

void kern_hw_stats(struct kernel *k, struct stats *s)
{
    memset(s, 0, sizeof *s);
    stats_from_mmu(s, &k->mmu);
}

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
}

void kern_stats(struct kernel *k, struct stats *s)
{
    kern_hw_stats(k, s);
    add_kernel_counts(s, &k->st);
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
