/* The simulated kernel's internal header: its data structures and the functions its files
 * share, for src/kernel only (and the kernel's unit tests). */
#ifndef VMS_KERNEL_INTERNAL_H
#define VMS_KERNEL_INTERNAL_H

#include "hw/mmu.h"
#include "kernel/kernel.h"
#include "policy/policy.h"

#define KNONE UINT32_MAX

/* Frame flags. */
#define FR_ANON 0x01u      /* a private anonymous page (rmap lists its PTEs) */
#define FR_FILE 0x02u      /* a page-cache page of a file or shmem object */
#define FR_DIRTY 0x04u     /* differs from its backing store (beyond the PTEs' D bits) */
#define FR_LOCKED 0x08u    /* in use by the access being made: reclaim skips it */
#define FR_REFERENCED 0x10u /* read(2) touched it (page cache pages without mappers) */

struct rmap_ent {
    struct task *t;
    vaddr_t va;
};

struct frame {
    uint32_t refcount;  /* 0 = free: mapcount + page-cache ref + swap-cache ref */
    uint32_t mapcount;  /* PTEs mapping it */
    uint32_t flags;     /* FR_* */
    uint32_t slot;      /* swap slot while in the swap cache, else KNONE */
    struct kfile *file; /* FR_FILE: the object and page index */
    uint64_t index;
    uint32_t nrmap, caprmap;
    struct rmap_ent *rmap; /* the PTEs that map it: (task, va) */
    uint32_t next_free;
};

/* A page-cache object: a host file (found by dev/ino) or a shmem object (shared anon). */
struct kfile {
    bool shmem;
    char *path; /* host path (NULL for shmem) */
    int fd;     /* -1 for shmem; read-only until the first write-back (fd_rw) */
    bool writable, fd_rw;
    unsigned dev_major, dev_minor;
    uint64_t ino;
    uint64_t size;   /* bytes */
    uint64_t npages; /* pages the object spans */
    /* per page: 0 = not cached; > 0: frame + 1; < 0 (shmem only): -(swap slot + 1) */
    int64_t *pages;
    uint8_t *tail;   /* bytes past EOF of the last page, saved when it was dropped */
    struct kfile *next;
};

struct task {
    int pid;
    uint16_t asid;
    bool killed;
    bool dead; /* torn down (kept for the caller until kern_exit) */
    paddr_t root;
    struct area_set areas;
    vaddr_t start_brk, brk;
    uint64_t rss;
    struct stats st;    /* references, faults (kernel-counted) */
    struct stats hw0;   /* hardware counters when it was last switched in */
    struct stats hw;    /* hardware counters accumulated while current */
    struct task *next;
};

struct kernel {
    struct mmu mmu;
    struct pt_alloc ptal;
    unsigned pshift;
    uint64_t psize;
    unsigned block_shift[2]; /* split accesses at these (data, instruction) boundaries */
    /* user frames */
    struct frame *frames;
    uint32_t nframes, nfree, free_head;
    /* kernel pool for page tables (and the zero page) */
    pfn_t pool_top, pool_next; /* bump allocation from pool_top downwards (or upwards) */
    bool pool_up;
    pfn_t *pool_free;
    size_t npool_free, cap_pool_free;
    uint64_t pt_pages; /* page-table pages in use */
    pfn_t zero_pfn;
    /* swap */
    int swap_fd;
    uint32_t nslots, slot_cursor, slots_used;
    uint32_t *swap_map;   /* PTE/shmem references per slot */
    uint32_t *swap_cache; /* frame in the swap cache per slot, KNONE */
    uint8_t *slot_zero;   /* the slot's page is all zero (not written to the file) */
    uint64_t *slot_stamp; /* evictions so far when the slot's page was written (shadow) */
    uint64_t evictions;   /* pages reclaimed so far */
    uint64_t refaults, ws_refaults; /* swap-ins; those evicted within nframes evictions */
    /* policy */
    struct policy *pol;
    struct policy_env env;
    bool idealized;
    uint32_t tick_period, tick_count;
    uint32_t *trim_buf;
    /* objects */
    struct kfile *files;
    uint64_t shmem_ino;
    /* tasks */
    struct task *tasks;
    struct task *cur;
    int next_pid;
    struct kern_options opt;
    struct stats st; /* kernel-side counters (faults, swap, references) */
    uint64_t now;    /* references so far (policy virtual time) */
    /* kern_access's last hit per access kind (struct mmu_last): kept for the current task
     * only, forgotten at every switch and whenever an access takes the general path */
    struct mmu_last last[3];
    /* the access in progress: frames locked against reclaim */
    uint32_t locked[8];
    unsigned nlocked;
    struct task *faulting; /* task whose access is being resolved */
    /* The task whose access or system call the kernel is serving (set at every entry that
     * takes a task): swap and write-back I/O is counted to it, or to `faulting`. */
    struct task *actor;
    bool faulting_killed;
};

/* The kernel's functions, file by file from the lowest layer up: each file calls only the
 * files above it in this list (docs/hacking.md, "src/kernel"). */

/* pgtable.c: the page-table pool and PTE encoding */
pfn_t kern_pool_alloc(struct kernel *k);
void kern_pool_free(struct kernel *k, pfn_t pfn);
pfn_t kern_pool_alloc_cb(void *ctx, unsigned npages); /* struct pt_alloc's callback */
int kern_pte_slot(struct kernel *k, struct task *t, vaddr_t va, paddr_t *pte_pa,
                  struct vms_error *e); /* creating tables */
pte_t kern_pte_make(struct kernel *k, pfn_t pfn, const struct area *a, bool writable);

/* The small PTE helpers are inline: reclaim and the reverse-map walks call them per PTE. */

/* The leaf PTE slot of va in t's tables; 0 if no table holds it. */
static inline paddr_t kern_pte_pa(struct kernel *k, struct task *t, vaddr_t va)
{
    int psz;
    return pt_lookup(&k->mmu, t->root, va, &psz);
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

/* Writes a PTE of t and invalidates its TLB entry (INVLPG in t's PCID). */
static inline void kern_pte_set(struct kernel *k, struct task *t, vaddr_t va, paddr_t pte_pa,
                                pte_t v)
{
    pt_write(&k->mmu, pte_pa, v);
    mmu_invlpg(&k->mmu, va, t->asid);
}

/* context.c: the MMU context (kern_switch is in kernel.h) */
void kern_hw_stats(struct kernel *k, struct stats *s);
void kern_flush_asid(struct kernel *k, uint16_t asid);

/* frame.c: frames and reverse maps */
uint8_t *kern_frame_bytes(struct kernel *k, uint32_t f);          /* allocating; NULL = OOM */
void kern_frame_free(struct kernel *k, uint32_t f);
/* A frame off the free list (refcount 1, inserted into the policy), without reclaim:
 * false when none is free. kern_frame_alloc (oom.c) reclaims. */
bool kern_frame_get_free(struct kernel *k, uint32_t *out);
void kern_frame_put(struct kernel *k, uint32_t f);                /* refcount-- and free at 0 */
int kern_rmap_add(struct kernel *k, uint32_t f, struct task *t, vaddr_t va);
void kern_rmap_del(struct kernel *k, uint32_t f, struct task *t, vaddr_t va);

static inline void kern_frame_lock(struct kernel *k, uint32_t f)
{
    if (f >= k->nframes || (k->frames[f].flags & FR_LOCKED))
        return;
    if (k->nlocked < sizeof k->locked / sizeof k->locked[0]) {
        k->frames[f].flags |= FR_LOCKED;
        k->locked[k->nlocked++] = f;
    }
}

static inline void kern_unlock_all(struct kernel *k) /* ends the access in progress */
{
    for (unsigned i = 0; i < k->nlocked; i++)
        k->frames[k->locked[i]].flags &= ~FR_LOCKED;
    k->nlocked = 0;
}

/* Forgets the last hit of each access kind (struct mmu_last, kern_access's and a
 * kern_access_recs batch's shortcut): at every task switch (context.c) and whenever an access
 * takes the general path (access.c), since a fault may change anything. The kernel's only
 * manual invalidation of mmu_last. */
static inline void kern_last_forget(struct mmu_last last[3])
{
    last[0].vblk = last[1].vblk = last[2].vblk = 0;
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
void kern_swap_free_slot(struct kernel *k, uint32_t s);
void kern_swap_cache_del(struct kernel *k, uint32_t s);
void kern_swap_put(struct kernel *k, uint32_t slot); /* one reference dropped */
int kern_swap_write(struct kernel *k, uint32_t s, uint32_t f, struct vms_error *e);
int kern_swap_read(struct kernel *k, uint32_t slot, uint32_t f, struct vms_error *e);
int kern_swap_out_new(struct kernel *k, uint32_t f, uint32_t *s, struct vms_error *e);

/* filemap.c: the page cache and shmem */
struct kfile *kern_file_get(struct kernel *k, struct area_file *af, struct vms_error *e);
struct kfile *kern_file_by_path(struct kernel *k, const char *path, struct vms_error *e);
int kern_file_fill(struct kernel *k, struct kfile *kf, uint64_t index, uint32_t f,
                   struct vms_error *e);
int kern_file_writeback(struct kernel *k, struct kfile *kf, uint32_t f, struct vms_error *e);
int kern_file_save_tail(struct kernel *k, struct kfile *kf, uint32_t f);
struct area_file *kern_shmem_create(struct kernel *k, uint64_t len, struct vms_error *e);

/* pagewalk.c */
/* Visit every leaf PTE slot holding a nonzero value in [start, end). */
typedef int (*kern_pte_fn)(struct kernel *k, struct task *t, vaddr_t va, paddr_t pte_pa, pte_t v,
                           void *ctx);
int kern_walk_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end, kern_pte_fn fn,
                    void *ctx);
/* Removes every PTE in [start, end) of t (writing back dirty shared file pages). */
int kern_zap_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end,
                   struct vms_error *e);
/* Recomputes the permission bits of the present PTEs in [start, end) from their areas. */
void kern_reprotect_range(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end);
void kern_drop_image(struct kernel *k, struct task *t);
void kern_task_teardown(struct kernel *k, struct task *t);

/* reclaim.c */
/* Evicts frame f (writes it to swap or its file, unmaps it everywhere). 1 = done,
 * 0 = cannot (no swap space), negative on host errors. */
int kern_evict(struct kernel *k, uint32_t f, struct vms_error *e);
int kern_reclaim_one(struct kernel *k, struct vms_error *e);

/* oom.c */
int kern_frame_alloc(struct kernel *k, uint32_t *out, struct vms_error *e);
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

#endif
