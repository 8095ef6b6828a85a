/* The simulated kernel's internal header: its data structures and the functions its files
 * share, for src/kernel only (and the kernel's unit tests). */
#ifndef VMS_KERNEL_INTERNAL_H
#define VMS_KERNEL_INTERNAL_H

#include "hw/mmu.h"
#include "kernel/kernel.h"
#include "policy/policy.h"

#define KNONE UINT32_MAX /* no frame, no swap slot */

/*
** Frames: states and lifetimes.
**
** User memory is frames 0 .. nframes-1, and frame i is slot i of the replacement policy.
** Page-table pages and the zero page come from a separate pool (pgtable.c) and are never
** frames: they have no struct frame, no refcount and are never reclaimed.
**
** A frame is free or in use. A free frame has refcount 0, no flags, no file, slot KNONE and
** is unknown to the policy; nfree counts it. Frames are handed out lowest first and their
** metadata (struct frame, kern_frame) exists only from then on: frames frames_hw ..
** nframes-1 were never used, are free without a struct frame, and the next one is taken
** when the freed list is empty; a frame freed after use goes on the freed list (free_head,
** next_free, last freed first out). This is the order of one free list 0, 1, 2, ... with
** freed frames pushed on its head. The policy's occupied flags exist likewise only for the
** frames below frames_hw (policy_reserve, as each leaf is made). A frame in use is known to
** the policy, is anonymous (FR_ANON) or a page-cache page (FR_FILE), and its refcount counts
** exactly its holders:
**
**   refcount = mapcount (the PTEs that map it, each listed in its reverse map)
**            + 1 if it is in the page cache (FR_FILE)
**            + 1 if it is in the swap cache (slot != KNONE).
**
** kern_frame_alloc hands out a frame with refcount 1, the caller's reference, which the caller
** either gives to a cache (the page or swap cache keeps it) or drops with kern_frame_put once
** kern_rmap_add has added the first mapping's. The frame is freed when the last holder goes:
** kern_frame_put at 0 takes it out of the policy, clears its bytes and puts it on the free
** list. Eviction (reclaim.c) removes every holder: each PTE through the reverse map (with
** its TLB invalidation), then the cache's reference.
**
** An anonymous frame is a private page. When it is in the swap cache (after a swap-in, or
** while it is being evicted) its slot still holds its bytes, and the slot's cache names the
** frame; it leaves the swap cache when the slot loses its last reference (it becomes dirty:
** only the frame holds the bytes now), when a store makes it exclusive to one PTE (copy-on-
** write reuse), or when it is evicted. A private PTE is writable only when its frame is
** anonymous, mapped once and not in the swap cache; otherwise a store copies (do_wp).
**
** A page-cache frame is page `index` of `file` (file->pages[index] = frame + 1): a host
** file's page, or a shmem object's. Shared areas map it writable; private ones read-only, a
** store copying it into an anonymous frame. It leaves the page cache only when it is evicted
** (written back if dirty; a shmem page goes to a swap slot, which pages[index] then names as
** -(slot + 1)) or when its shmem object is released.
**
** Dirty means the bytes differ from the backing store: a D bit in some PTE mapping the frame,
** or FR_DIRTY, which keeps the D bits of PTEs that are gone (zapped) and marks pages whose
** only copy is the frame (a swap-cache page whose slot was freed, a swapped-in shmem page).
** kern_frame_dirty reads both and, with clear, clears both.
**
** Locked frames (FR_LOCKED) are the frames the access in progress has translated or its
** fault has mapped or copied from, at most 8 (locked[], nlocked): reclaim for a later piece
** of the same access skips them, and a write-back leaves them dirty (the access may already
** hold a write translation). kern_unlock_all ends the access; no frame is locked between two
** calls into the kernel (kern_audit checks it).
**
** The zero page (zero_pfn, from the pool) backs every read of untouched private anonymous
** memory (unless opt.frame_per_page, the trace driver's model): mapped read-only, never counted, never in a reverse map; a store to it takes a
** zeroed frame of its own (do_wp). Walks that count frames skip it.
**
** Swap slots (struct swap_slot, kern_slot(k, s)): count is the swap PTEs and shmem entries
** that name slot s; cache is its frame in the swap cache or KNONE. A slot is in use
** (slots_used) while either is set; zero notes an all-zero page that was never written. The
** allocator's cursor walks the slots in order, wrapping at nslots; slots it has not reached
** yet (slots_hw ..) are free and have no struct swap_slot.
*/

/* Frame flags. */
#define FR_ANON 0x01u       /* a private anonymous page (rmap lists its PTEs) */
#define FR_FILE 0x02u       /* a page-cache page of a file or shmem object */
#define FR_DIRTY 0x04u      /* differs from its backing store (beyond the PTEs' D bits) */
#define FR_LOCKED 0x08u     /* in use by the access being made: reclaim skips it */
#define FR_REFERENCED 0x10u /* read(2) touched it (page cache pages without mappers) */

struct rmap_ent {
    struct task *t; /* the task whose page table holds the PTE */
    vaddr_t va;     /* the page it maps */
};

struct frame {
    uint32_t refcount;     /* 0 = free; else mapcount + page-cache ref + swap-cache ref */
    uint32_t mapcount;     /* PTEs mapping it (= nrmap) */
    uint32_t flags;        /* FR_* */
    uint32_t slot;         /* swap slot while in the swap cache, else KNONE */
    struct kfile *file;    /* FR_FILE: the object it caches a page of, else NULL */
    uint64_t index;        /* FR_FILE: the page's index in file */
    uint32_t nrmap;        /* entries in rmap */
    uint32_t caprmap;      /* entries allocated */
    struct rmap_ent *rmap; /* the PTEs that map it: (task, va); NULL when none */
    uint32_t next_free;    /* freed: the next frame of the freed list */
};

/* One swap slot (the slot map, the swap cache and the shadow of the refault distance). */
struct swap_slot {
    uint64_t stamp; /* evictions so far when the slot's page was written (shadow) */
    uint32_t count; /* the swap PTEs and shmem entries that name it */
    uint32_t cache; /* its frame in the swap cache, or KNONE */
    bool zero;      /* the page is all zero (not written to the file) */
};

/* The frame and slot tables are two-level: a directory of leaves of KERN_LEAF entries each,
 * a leaf allocated when its first entry is first used, so host memory follows the frames
 * and slots touched, not the memory and swap configured (docs/performance.md). */
#define KERN_LEAF_SHIFT 10
#define KERN_LEAF (UINT32_C(1) << KERN_LEAF_SHIFT)

/* A page-cache object: a host file (found by dev/ino) or a shmem object (shared anon). */
struct kfile {
    bool shmem;                    /* a shmem object (MAP_SHARED|MAP_ANONYMOUS) */
    char *path;                    /* host path; shmem: the kernel (shmem_release's) */
    int fd;                        /* -1 for shmem; read-only until fd_rw */
    bool writable;                 /* the host file may be written (shmem: true) */
    bool fd_rw;                    /* fd was reopened for writing (first write-back) */
    int wb_error;                  /* errno of a failed write-back msync has not reported */
    unsigned dev_major, dev_minor; /* the host file's device */
    uint64_t ino;                  /* its inode (shmem: a counter) */
    uint64_t size;                 /* bytes */
    uint64_t npages;               /* pages the object spans */
    int64_t *pages;                /* per page: 0 = not cached; > 0: frame + 1;
                                    * < 0 (shmem only): -(swap slot + 1) */
    uint8_t *tail;                 /* bytes past EOF of the last page, saved when it went */
    struct kfile *next;            /* the kernel's list of objects */
};

struct task {
    int pid;               /* 1, 2, ... */
    uint16_t asid;         /* its PCID: (pid - 1) % 4095 + 1 */
    bool killed;           /* by the out-of-memory killer (or SIGBUS: sigbus_io) */
    bool sigbus_io;        /* killed by SIGBUS: a swap-in of its page failed (I/O error) */
    bool dead;             /* torn down (kept for the caller until kern_exit) */
    paddr_t root;          /* its top-level page table (CR3); 0 once dead */
    struct area_set areas; /* its address space's areas */
    vaddr_t start_brk;     /* the heap's start */
    vaddr_t brk;           /* the heap's end (program break) */
    uint64_t rss;          /* resident pages: the PTEs of it that map frames */
    uint64_t pss_acc;      /* scratch of kern_stats: PSS in 2^-KERN_PSS_SHIFT bytes */
    struct stats st;       /* references, faults (kernel-counted) */
    struct stats hw0;      /* hardware counters when it was last switched in */
    struct stats hw;       /* hardware counters accumulated while current */
    struct task *next;     /* the kernel's list of tasks */
    struct task **pprev;   /* the pointer to it in that list (kern_exit in O(1)) */
};

struct kernel {
    struct mmu mmu;          /* the machine */
    struct pt_alloc ptal;    /* page-table pages for the MMU's pt_* (kern_pool_alloc_cb) */
    unsigned pshift;         /* log2 of the page size */
    uint64_t psize;          /* page size */
    unsigned block_shift[2]; /* mmu_piece_shift of (data, instruction) accesses, kept here */
    /* user frames: a two-level table (kern_frame), leaves made as frames are first used */
    struct frame **frame_dir; /* leaf i: frames i * KERN_LEAF .. ; below frames_hw only */
    uint32_t frame_dir_cap;   /* leaves frame_dir has room for */
    uint32_t frames_hw;       /* frames 0 .. frames_hw-1 have been handed out (have leaves) */
    uint32_t nframes;         /* = memory / page size */
    uint32_t nfree;           /* free frames: the freed list + the never used */
    uint32_t free_head;       /* the freed list (LIFO, through next_free); KNONE = empty */
    /* kernel pool for page tables (and the zero page) */
    pfn_t pool_next;      /* bump allocation from the top downwards (or upwards) */
    bool pool_up;         /* tiny machines: the pool grows up from the top of memory */
    pfn_t *pool_free;     /* pool pages freed, reused first */
    size_t npool_free;    /* entries in pool_free */
    size_t cap_pool_free; /* entries allocated */
    uint64_t pt_pages;    /* page-table pages in use */
    pfn_t zero_pfn;       /* the shared zero page */
    /* swap */
    int swap_fd;                 /* the swap file (unlinked), -1 without swap */
    uint32_t nslots;             /* slots: swap size / page size */
    uint32_t slot_cursor;        /* where the next slot search starts */
    uint32_t slots_used;         /* slots referenced or in the swap cache */
    struct swap_slot **slot_dir; /* the slots' two-level table (kern_slot), as frames */
    uint32_t slot_dir_cap;       /* leaves slot_dir has room for */
    uint32_t slots_hw;           /* slots 0 .. slots_hw-1 have leaves (the cursor got there) */
    uint64_t evictions;          /* pages reclaimed so far */
    uint64_t refaults;           /* swap-ins */
    uint64_t ws_refaults;        /* swap-ins of pages evicted within nframes evictions */
    /* policy */
    struct policy *pol;    /* the replacement policy */
    struct policy_env env; /* its view of the kernel (abits.c) */
    bool idealized;        /* it observes every access (policy_access) */
    uint32_t tick_period;  /* references between its ticks (0 = none) */
    uint32_t tick_count;   /* references since the last tick */
    uint32_t *trim_buf;    /* frames a working-set trim returns (64) */
    /* objects */
    struct kfile *files; /* every page-cache object */
    uint64_t shmem_ino;  /* the last shmem object's number */
    /* tasks */
    struct task *tasks;      /* every task, dead ones too until kern_exit */
    struct task *cur;        /* the current task (its CR3 is loaded), or NULL */
    int next_pid;            /* the next task's pid */
    struct kern_options opt; /* as given to kern_create */
    struct stats st;         /* kernel-side counters (faults, swap, references) */
    /* the machine's residency (kern_frames_residency) as the last live task exited; the
     * total reports it while only dead tasks remain (docs/statistics.md, "Residency") */
    bool have_last_res;
    struct stats last_res;
    uint64_t now;            /* references so far (policy virtual time) */
    /* the access in progress */
    uint32_t locked[8];    /* frames locked against reclaim */
    unsigned nlocked;      /* entries in locked */
    struct task *faulting; /* task whose access is being resolved */
    /* The task whose access or system call the kernel is serving (set at every entry that
     * takes a task): swap and write-back I/O is counted to it, or to `faulting`. */
    struct task *actor;
    bool faulting_killed; /* the out-of-memory killer ended `faulting` */
};

/* The kernel's functions, file by file from the lowest layer up: each file calls only
 * functions of the files listed before it (docs/hacking.md, "src/kernel"). The inline ones
 * call only the hardware. */

/* pgtable.c: the page-table pool and PTE encoding */
pfn_t kern_pool_alloc(struct kernel *k);
void kern_pool_free(struct kernel *k, pfn_t pfn);
pfn_t kern_pool_alloc_cb(void *ctx, unsigned npages); /* struct pt_alloc's callback */
int kern_pte_slot(struct kernel *k, struct task *t, vaddr_t va, paddr_t *pte_pa,
                  struct vms_error *e); /* creating tables */
pte_t kern_pte_make(struct kernel *k, pfn_t pfn, const struct area *a, bool writable);
/* Checkpoints (kern_save): the pool's allocator state (its pages' bytes are physical
 * memory's). load: 0 or -VMS_ENOMEM; bad input marks d bad. */
void kern_pool_save(const struct kernel *k, struct ser *s);
int kern_pool_load(struct kernel *k, struct deser *d, pfn_t max_pfn);

/* The small PTE helpers are inline: reclaim and the reverse-map walks call them per PTE. */

/* The leaf PTE slot of va in t's tables; 0 if no table holds it. The entries read on the
 * way are the kernel's memory traffic (pt_lookup_kernel); the audit and the dumps, which
 * are no part of the simulated system, use pt_lookup. */
static inline paddr_t kern_pte_pa(struct kernel *k, struct task *t, vaddr_t va)
{
    int psz;
    return pt_lookup_kernel(&k->mmu, t->root, va, &psz);
}

/* The kernel reads the PTE at pte_pa (a kernel load through the caches, mmu_kernel_pte). */
static inline pte_t kern_pte_get(struct kernel *k, paddr_t pte_pa)
{
    mmu_kernel_pte(&k->mmu, pte_pa, false);
    return pt_read(&k->mmu, pte_pa);
}

/* The kernel writes v at pte_pa with no INVLPG (a PTE no TLB entry can hold yet): a
 * kernel store through the caches. */
static inline void kern_pte_put(struct kernel *k, paddr_t pte_pa, pte_t v)
{
    pt_write(&k->mmu, pte_pa, v);
    mmu_kernel_pte(&k->mmu, pte_pa, true);
}

/* Swap entries live in non-present PTEs: bit 0 (P / valid) clear, slot + 1 above it. */
static inline pte_t kern_pte_swap(uint32_t slot)
{
    return ((pte_t)slot + 1) << 1;
}

static inline bool kern_pte_is_swap(pte_t v, uint32_t *slot)
{
    if (v == 0 || (v & 1))
        return false;
    *slot = (uint32_t)((v >> 1) - 1);
    return true;
}

/* Writes a PTE of t (kern_pte_put) and invalidates its TLB entry (INVLPG in t's PCID). */
static inline void kern_pte_set(struct kernel *k, struct task *t, vaddr_t va, paddr_t pte_pa,
                                pte_t v)
{
    kern_pte_put(k, pte_pa, v);
    mmu_invlpg(&k->mmu, va, t->asid);
}

/* context.c: the MMU context (kern_switch is in kernel.h) */
void kern_hw_stats(struct kernel *k, struct stats *s); /* the MMU's counters now */
/* Work done for task t while no task is current (its root made, its teardown): between
 * kern_charge_begin, true when no task is current (the counters then in *before), and
 * kern_charge_end, the hardware counters' change is added to t's. While a task is
 * current its counters take everything, so begin returns false and end must not run. */
bool kern_charge_begin(struct kernel *k, struct stats *before);
void kern_charge_end(struct kernel *k, struct task *t, const struct stats *before);

/* frame.c: frames and reverse maps */
/* Frame f's metadata: two loads. f must be below k->frames_hw (handed out at least once:
 * every frame a PTE, a cache or the policy holds is). */
static inline struct frame *kern_frame(const struct kernel *k, uint32_t f)
{
    return &k->frame_dir[f >> KERN_LEAF_SHIFT][f & (KERN_LEAF - 1)];
}

uint8_t *kern_frame_bytes(struct kernel *k, uint32_t f); /* allocating; NULL = OOM */

/* The physical address of frame (or pool page) f. */
static inline paddr_t kern_frame_pa(const struct kernel *k, pfn_t f)
{
    return (paddr_t)f << k->pshift;
}

/* The kernel zero-fills frame f: its bytes cleared, and a store to every block of it
 * through the caches (kernel traffic, src/hw/mmu.h). */
static inline void kern_frame_zero(struct kernel *k, uint32_t f)
{
    physmem_clear(k->mmu.pm, f);
    mmu_kernel_touch(&k->mmu, kern_frame_pa(k, f), k->psize, true);
}
/* Frees an unmapped frame: out of the policy, bytes cleared, onto the freed list. */
void kern_frame_free(struct kernel *k, uint32_t f);
/* A free frame (refcount 1, inserted into the policy), without reclaim: 1, 0 when none is
 * free, -VMS_ENOMEM when the host has no memory for its metadata. kern_frame_alloc (oom.c)
 * reclaims. */
int kern_frame_get_free(struct kernel *k, uint32_t *out);
/* Frees the frame table (kern_destroy). */
void kern_frame_table_free(struct kernel *k);
void kern_frame_put(struct kernel *k, uint32_t f); /* refcount-- and free at 0 */
int kern_rmap_add(struct kernel *k, uint32_t f, struct task *t, vaddr_t va);
void kern_rmap_del(struct kernel *k, uint32_t f, struct task *t, vaddr_t va);
/* PSS is summed in units of 2^-KERN_PSS_SHIFT bytes, as Linux's smaps does (PSS_SHIFT). */
#define KERN_PSS_SHIFT 12
/* t's residency now (docs/statistics.md, "Residency"), from the reverse maps (no memory
 * traffic): sets s->residency and s->mem_* (frames t maps, those another task maps too,
 * the page-cache ones among them; RSS and PSS in bytes). The zero page and swapped pages
 * are in no reverse map, so in none of them, as on Linux. One pass over the frames used. */
void kern_task_residency(const struct kernel *k, const struct task *t, struct stats *s);
/* The machine's frames now: in use (s->mem_resident), mapped by two or more tasks
 * (mem_shared), in the page cache (mem_page_cache); sets s->residency. When sum_pss, each
 * live task's t->pss_acc is set to its PSS in 2^-KERN_PSS_SHIFT bytes. One pass. */
void kern_frames_residency(struct kernel *k, struct stats *s, bool sum_pss);
/* Checkpoints: every frame's metadata and reverse map (tasks by pid). save refuses
 * page-cache frames (-VMS_EUNSUPPORTED); load (into a kernel that used no frame): 0 or
 * -VMS_ENOMEM, bad input marks d bad. */
int kern_frames_save(const struct kernel *k, struct ser *s, struct vms_error *e);
int kern_frames_load(struct kernel *k, struct deser *d, struct task *const *bypid, int npid);

static inline void kern_frame_lock(struct kernel *k, uint32_t f)
{
    if (f >= k->frames_hw || (kern_frame(k, f)->flags & FR_LOCKED))
        return;
    if (k->nlocked < sizeof k->locked / sizeof k->locked[0]) {
        kern_frame(k, f)->flags |= FR_LOCKED;
        k->locked[k->nlocked++] = f;
    }
}

static inline void kern_unlock_all(struct kernel *k) /* ends the access in progress */
{
    for (unsigned i = 0; i < k->nlocked; i++)
        kern_frame(k, k->locked[i])->flags &= ~FR_LOCKED;
    k->nlocked = 0;
}

/* The task that caused the kernel's work now (the faulting one, else the actor), or NULL. */
static inline struct task *kern_actor(const struct kernel *k)
{
    return k->faulting ? k->faulting : k->actor;
}

/* abits.c: A and D bits, the policy environment */
bool kern_frame_dirty(struct kernel *k, uint32_t f, bool clear); /* D bits (and FR_DIRTY) */
struct policy_env kern_policy_env(struct kernel *k);

/* swap.c */
/* Swap slot s; s must be below k->slots_hw (every slot a PTE or a cache names is). */
static inline struct swap_slot *kern_slot(const struct kernel *k, uint32_t s)
{
    return &k->slot_dir[s >> KERN_LEAF_SHIFT][s & (KERN_LEAF - 1)];
}
/* The I/O errors of swap-outs and file write-backs so far (reclaim survives those). */
static inline uint64_t kern_io_errors(const struct kernel *k)
{
    return k->st.swap_out_errors + k->st.writeback_errors;
}

void kern_swap_table_free(struct kernel *k);            /* frees the slot table (kern_destroy) */
void kern_swap_free_slot(struct kernel *k, uint32_t s); /* a slot no one uses any more */
void kern_swap_cache_del(struct kernel *k, uint32_t s); /* s's frame leaves the swap cache */
void kern_swap_put(struct kernel *k, uint32_t slot);    /* one reference dropped */
/* Writes frame f to slot s (an all-zero page is only noted). 0 or < 0 (an I/O error is
 * counted in swap_out_errors; the slot keeps what it held). */
int kern_swap_write(struct kernel *k, uint32_t s, uint32_t f, struct vms_error *e);
/* Reads slot into frame f: 0, or < 0 (-VMS_EIO counted in swap_in_errors: the caller sends
 * SIGBUS). */
int kern_swap_read(struct kernel *k, uint32_t slot, uint32_t f, struct vms_error *e);
/* Writes frame f to a newly allocated slot *s: 1, 0 when swap is full, or < 0. */
int kern_swap_out_new(struct kernel *k, uint32_t f, uint32_t *s, struct vms_error *e);
/* Checkpoints: the slot map, the refault counters and the bytes of every slot that holds a
 * page. 0 or < 0 (e); load marks d bad on bad input. */
int kern_swap_save(const struct kernel *k, struct ser *s, struct vms_error *e);
int kern_swap_load(struct kernel *k, struct deser *d, struct vms_error *e);

/* filemap.c: the page cache and shmem */
struct kfile *kern_file_get(struct kernel *k, struct area_file *af, struct vms_error *e);
struct kfile *kern_file_by_path(struct kernel *k, const char *path, struct vms_error *e);
int kern_file_fill(struct kernel *k, struct kfile *kf, uint64_t index, uint32_t f,
                   struct vms_error *e);
int kern_file_writeback(struct kernel *k, struct kfile *kf, uint32_t f, struct vms_error *e);
/* Saves the bytes past EOF of frame f (kf's last page) before it is dropped. 0 or < 0. */
int kern_file_save_tail(struct kernel *k, struct kfile *kf, uint32_t f);
struct area_file *kern_shmem_create(struct kernel *k, uint64_t len, struct vms_error *e);

/* pagewalk.c */
/* Visit every leaf PTE slot holding a nonzero value in [start, end). */
typedef int (*kern_pte_fn)(struct kernel *k, struct task *t, vaddr_t va, paddr_t pte_pa, pte_t v,
                           void *ctx);
int kern_walk_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end, kern_pte_fn fn,
                    void *ctx);
/* Removes every PTE in [start, end) of t, writing back dirty shared file pages; a failed
 * write-back leaves its page dirty in the page cache and fails nothing (0). */
int kern_zap_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end,
                   struct vms_error *e);
/* Recomputes the permission bits of the present PTEs in [start, end) from their areas. */
void kern_reprotect_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end);
/* Drops t's whole image: mappings, page tables below the (cleared) root, areas, its PCID. */
void kern_drop_image(struct kernel *k, struct task *t);
/* Ends t's address space (the image and the root; t becomes dead). Idempotent. */
void kern_task_teardown(struct kernel *k, struct task *t);

/* reclaim.c */
/* Evicts frame f (writes it to swap or its file, unmaps it everywhere). 1 = done,
 * 0 = cannot (no swap space), negative on host errors. */
int kern_evict(struct kernel *k, uint32_t f, struct vms_error *e);
/* Finds a victim and evicts it. 1 = a frame was freed, 0 = nothing evictable, < 0. */
int kern_reclaim_one(struct kernel *k, struct vms_error *e);

/* oom.c */
/* A frame (refcount 1), reclaiming and killing as needed. 0; 1 = the faulting task was
 * killed (k->faulting_killed set, no frame); < 0 on host errors or with no task to kill. */
int kern_frame_alloc(struct kernel *k, uint32_t *out, struct vms_error *e);
/* Kills t: on_kill, its locks dropped if it is faulting, its address space torn down. */
void kern_oom_kill(struct kernel *k, struct task *t);

/* fault.c: the fault handler */
/* What kern_fault did (its contract is above it in fault.c). The signals have the values of
 * enum kern_sig (fault_sig). */
enum fault_result {
    FAULT_DONE = KSIG_NONE,               /* resolved: retry the access */
    FAULT_SEGV_MAPERR = KSIG_SEGV_MAPERR, /* no area contains the address */
    FAULT_SEGV_ACCERR = KSIG_SEGV_ACCERR, /* the area forbids the access */
    FAULT_SIGBUS = KSIG_BUS,              /* a file page wholly past end of file */
    FAULT_KILLED = KSIG_KILLED,           /* the faulting task was killed (out of memory) */
    FAULT_ERROR,                          /* a host error: e filled, -e->code */
};
enum fault_result kern_fault(struct kernel *k, struct task *t, vaddr_t va, enum access_kind kind,
                             struct vms_error *e);
/* The signal of a result other than FAULT_ERROR. */
static inline enum kern_sig fault_sig(enum fault_result r)
{
    return (enum kern_sig)r;
}

/* task.c: checkpoints of the tasks (kern_save) */
/* Every task in list order with its areas; file and shared areas are refused
 * (-VMS_EUNSUPPORTED). */
int kern_tasks_save(const struct kernel *k, struct ser *s, struct vms_error *e);
/* Into a kernel without tasks: the tasks, and *bypid (vms_free'd by the caller) of *npid
 * entries naming each by pid. 0 or < 0 (e); bad input marks d bad. */
int kern_tasks_load(struct kernel *k, struct deser *d, struct task ***bypid, int *npid,
                    struct vms_error *e);

#endif
