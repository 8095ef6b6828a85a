/* The simulated operating system: frames with reverse maps, tasks and their mm, the
 * page-fault handler, a page cache shared by every mapper of a file, swap, reclaim through
 * the policy ops table, mmap/munmap/mprotect/msync/brk, fork, exit and execve of ELF
 * programs. It drives the hardware (src/hw) only as a real kernel does: by writing PTEs
 * into simulated physical memory, loading CR3 and invalidating TLB entries.
 *
 * Physical memory. User pages (anonymous, file and page-cache pages) live in frames
 * 0..nframes-1, nframes = memory / page size; frame i is slot i of the replacement
 * policy. Page-table pages come from a separate pool at the top of the physical address
 * space: counted, never limited, never evicted.
 *
 * Faults follow CSAPP 9.3.4/9.7.2 in order: no area → SIGSEGV maperr; access the area
 * forbids → SIGSEGV accerr; else resolve (swap-in, page-cache page, zero-fill, COW, SIGBUS
 * past EOF) and restart the access. A signal is a value (enum kern_sig), never an error.
 *
 * Errors (negative VMS_E* with e filled) are for bad requests (an unaligned munmap, a
 * missing file) and host trouble (out of host memory, swap-file I/O). */
#ifndef VMS_KERNEL_KERNEL_H
#define VMS_KERNEL_KERNEL_H

#include "base/types.h"
#include "hw/config.h"
#include "kernel/area.h"
#include "report/stats.h"
#include "vmsim.h"

#include <stdio.h>

struct kernel;
struct task;

struct kern_options {
    uint64_t memory;     /* bytes of physical memory for user pages; 0 = 256 MiB */
    uint64_t swap;       /* bytes of swap; 0 = none */
    const char *policy;  /* replacement policy name (src/policy); NULL = "clock" */
    uint64_t seed;       /* for seeded policies (random) */
    uint64_t tau;        /* ws/wsclock window in references; 0 = policy default */
    const char *workdir; /* where the swap file is created; NULL = $TMPDIR or /tmp */
    /* The page model of private anonymous memory (fault.c, do_anonymous_page). false:
     * Linux's demand-zero rule (a read of an untouched page maps the shared zero page).
     * true: any first touch gets a frame of its own, not zero-filled (traces without OS
     * events: docs/trace.md, "The page model"). */
    bool frame_per_page;
    /* Called when the out-of-memory killer ends a task (before it is freed). */
    void (*on_kill)(void *ctx, struct task *t);
    void *ctx;
};

/* Signals an access can raise. */
enum kern_sig {
    KSIG_NONE = 0,
    KSIG_SEGV_MAPERR, /* no area contains the address */
    KSIG_SEGV_ACCERR, /* the area forbids the access */
    KSIG_BUS,         /* a file page wholly past end of file */
    KSIG_KILLED,      /* the task was killed (out of memory) while the access ran */
};

const char *kern_sig_name(enum kern_sig s); /* "SIGSEGV maperr", ... */

/* ---- the kernel */

/* cfg must have passed config_check. The swap file (if any) is created unlinked. */
int kern_create(const struct vms_config *cfg, const struct kern_options *o, struct kernel **out,
                struct vms_error *e);
void kern_destroy(struct kernel *k); /* NULL-safe; frees every task */
/* Writes every dirty page of the file cache back to its file, as sync(2) does, or with
 * `last` as a shutdown does: a page that cannot be written is then given up (marked clean:
 * its stores are lost; kern_destroy does this once the tasks are gone, and would retry
 * any page a last sync has not given up). Returns 0, or -VMS_EIO when a page could not be
 * written (without `last` it stays dirty; counted in writeback_errors either way) or when
 * an earlier write-back (munmap, exit, eviction) failed and no msync reported it; e says
 * which, the file and the error, and *lost (may be NULL) counts the pages not written. */
int kern_sync(struct kernel *k, bool last, uint64_t *lost, struct vms_error *e);

/* ---- tasks */

/* A new task with an empty address space (no areas; brk base 0x10000000 or lower on
 * small machines). NULL with e filled on failure. */
struct task *kern_spawn(struct kernel *k, struct vms_error *e);
/* fork: the child gets copies of the areas and page tables; private pages become
 * read-only copy-on-write in both, shared pages stay shared, swapped pages share slots. */
struct task *kern_fork(struct kernel *k, struct task *parent, struct vms_error *e);
/* exit: unmaps everything (dirty shared file pages are written to their files), frees the
 * page tables, and frees t. */
void kern_exit(struct kernel *k, struct task *t);
/* exit of a task whose caller still reads it (the trace driver, at the end of a trace): its
 * memory goes as at kern_exit (frames, swap slots, page tables, its PCID's TLB entries) but
 * t itself stays, dead, with its pid and counters (kern_task_stats) until kern_exit or
 * kern_destroy. Idempotent; nothing to do for a task the out-of-memory killer ended. */
void kern_task_end(struct kernel *k, struct task *t);
/* execve of an ELF64 file: the old image is dropped and areas are built exactly as Linux
 * x86-64 does with address randomisation off (src/kernel/elf.c); the stack holds argv,
 * an empty environment and the auxiliary vector. A missing or bad file fails before anything
 * changes (the old image is kept); host out-of-memory while the new image is being written
 * leaves it partial. */
int kern_exec(struct kernel *k, struct task *t, const char *path, const char *const *argv,
              struct vms_error *e);
/* Make t current: CR3 (and ASID) load. Accesses switch implicitly too. */
void kern_switch(struct kernel *k, struct task *t);
int kern_pid(const struct task *t);
/* Whether the out-of-memory killer ended t (t stays valid until kern_exit/kern_destroy;
 * every access then reports KSIG_KILLED and other calls fail with -VMS_EINVAL). */
bool kern_task_killed(const struct task *t);
/* Whether t's address space is gone (killed, or kern_task_end). */
bool kern_task_dead(const struct task *t);
/* Resident pages mapped by t (its RSS). */
uint64_t kern_task_rss(const struct task *t);

/* ---- system calls (Linux semantics; prot = AREA_READ|AREA_WRITE|AREA_EXEC) */

#define KMAP_SHARED 0x1u
#define KMAP_ANON 0x2u
#define KMAP_FIXED 0x4u /* MAP_FIXED: replace what is at hint */

/* mmap: file is a host path for file mappings (NULL for anonymous); off page-aligned.
 * *out receives the address. */
int kern_mmap(struct kernel *k, struct task *t, vaddr_t hint, uint64_t len, unsigned prot,
              unsigned flags, const char *file, uint64_t off, vaddr_t *out, struct vms_error *e);
int kern_munmap(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, struct vms_error *e);
int kern_mprotect(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, unsigned prot,
                  struct vms_error *e);
int kern_msync(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, struct vms_error *e);
/* brk by delta bytes (may be negative); *heap_start receives the heap's start (start_brk). */
int kern_brk(struct kernel *k, struct task *t, int64_t delta, vaddr_t *heap_start,
             struct vms_error *e);
/* brk by len bytes up or (shrink) down, len any 64-bit size: a shrink below the heap's start
 * or a growth past user space fails (ENOMEM, as Linux's brk leaves the break). Callers whose
 * size does not fit int64_t (the scenario's `brk -SIZE`) use this instead of kern_brk. */
int kern_brk_by(struct kernel *k, struct task *t, bool shrink, uint64_t len, vaddr_t *heap_start,
                struct vms_error *e);

/* Trace replay (docs/trace.md, "OS events"): the initial stack as an area of its own
 * ([start, end), page-aligned, private anonymous rw-, printed [stack]; what was there is
 * unmapped), and the heap's start (start_brk and brk; only while the heap is empty; addr
 * page-aligned up as the heap area begins). 0 or < 0 (e). */
int kern_map_stack(struct kernel *k, struct task *t, vaddr_t start, vaddr_t end,
                   struct vms_error *e);
int kern_set_brk_start(struct kernel *k, struct task *t, vaddr_t addr, struct vms_error *e);

/* ---- accesses */

/* One access of size 1, 2, 4 or 8 bytes (it may span two pages and two cache blocks: it is
 * split as hardware does; if any piece faults, the whole access faults and a store writes
 * nothing). value: in for stores, out for loads; NULL = no data (trace mode: timing and
 * faults only). Faults are resolved and the access restarted; *sig reports a signal.
 * Counts the reference (ifetches/loads/stores, split). 0, or negative on host errors. */
int kern_access(struct kernel *k, struct task *t, vaddr_t va, unsigned size, enum access_kind kind,
                uint64_t *value, enum kern_sig *sig, struct vms_error *e);

/* What kern_access_recs did, counted per trace record as docs/statistics.md says: an M
 * record is one load and one store; `split` counts the references that spanned two
 * granules. */
struct kern_rec_counts {
    size_t done;  /* records consumed */
    uint64_t refs, ifetches, loads, stores, split;
    bool killed;  /* t was killed (by the OOM killer): it makes no more accesses */
};

/* The batch entry for traces: records recs[0..n) of t in order, each as kern_access makes
 * it with no data (an I record a fetch, L a load, S a store, M a load then a store of the
 * same bytes); a record spanning two granules of gran[fetch] (1 << shift bytes) is split:
 * sizes 1, 2, 4, 8 as kern_access splits them, other sizes into one 1-byte piece per
 * granule. Signals other than a kill are counted by the kernel and otherwise ignored.
 * Stops after n records, after the record that brings the references made to `budget`
 * (a record is never cut), or when t is killed. The hit path is inline here: no call and
 * no indirect call per reference. Adds to *c, also on error. 0, or < 0 on host errors. */
int kern_access_recs(struct kernel *k, struct task *t, const struct trace_rec *recs, size_t n,
                     uint64_t budget, const unsigned gran[2], struct kern_rec_counts *c,
                     struct vms_error *e);

/* The kernel copies len bytes into (to_user: read(2) storing into its buffer) or out of
 * t's memory at va, as copy_to_user / copy_from_user: page by page, each translated at the
 * user address by the MMU (TLBs, walk, A and D bits) with a fault resolved as the user's
 * access would be (zero-fill, COW, a file page, swap-in), then the bytes as kernel loads
 * or stores through the caches (mmu_kernel_touch: the kernel columns). No user reference
 * is counted. A fault that cannot be resolved stops the copy (Linux's EFAULT): *sig says
 * which, *done the bytes copied before it. 0, or < 0 on host errors. */
int kern_user_copy(struct kernel *k, struct task *t, vaddr_t va, uint64_t len, bool to_user,
                   uint64_t *done, enum kern_sig *sig, struct vms_error *e);

/* read(2) of a file through the page cache: up to n bytes at off; *got = bytes read
 * (fewer at end of file). */
int kern_file_read(struct kernel *k, const char *path, uint64_t off, uint8_t *buf, size_t n,
                   size_t *got, struct vms_error *e);

/* ---- output */

/* /proc/PID/maps lines. */
void kern_print_maps(struct kernel *k, struct task *t, FILE *f);
/* The walk for va, every PTE decoded bit by bit (has_va), or the whole tree of t. */
void kern_print_pagetable(struct kernel *k, struct task *t, bool has_va, vaddr_t va, FILE *f);
/* Statistics: the whole machine, or one task (references, faults, the hardware counters
 * accumulated while it was current, and the swap-ins, swap-outs and file write-backs its
 * accesses or system calls caused). */
void kern_stats(struct kernel *k, struct stats *s);
void kern_task_stats(struct kernel *k, struct task *t, struct stats *s);

/* Whether the run is thrashing: most swap-ins (at least 64) refault pages evicted so
 * recently (refault distance within the number of frames, as Linux's workingset code
 * measures it) that the resident working sets exceed memory. msg gets a sentence. */
bool kern_thrashing(const struct kernel *k, char *msg, size_t n);

/* ---- checking */

/* Audits every invariant: each present user PTE maps an allocated frame; a frame's
 * mapcount equals the PTEs that map it; swap-slot counts equal the swapped-out PTEs and
 * swap-cache/shmem references; no valid TLB entry disagrees with the page tables; areas
 * are well formed. 0 or -VMS_EINVAL with the first violation in e. */
int kern_audit(struct kernel *k, struct vms_error *e);
/* Checkpoints: the kernel's whole state (the machine, frames, page tables, tasks and
 * areas, swap with its contents, the policy, counters), between two calls into it. A
 * kernel with page-cache objects (mapped files, shared memory) is refused:
 * -VMS_EUNSUPPORTED. kern_load restores it into a kernel kern_create just made with the
 * same configuration and options, checks it with kern_audit, and on bad input returns
 * -VMS_EINVAL with "NAME: what is wrong" (d's name) and a kernel fit only for
 * kern_destroy. */
int kern_save(const struct kernel *k, struct ser *s, struct vms_error *e);
int kern_load(struct kernel *k, struct deser *d, struct vms_error *e);
/* The task of pid (NULL when none). */
struct task *kern_task_by_pid(const struct kernel *k, int pid);
/* The current task (its CR3 is loaded), or NULL. */
struct task *kern_current(const struct kernel *k);

/* The machine underneath (for the machine-level API and printing). */
struct mmu *kern_mmu(struct kernel *k);
uint64_t kern_page_size(const struct kernel *k);
/* The area set of t (read-only use). */
const struct area_set *kern_task_areas(const struct task *t);

#endif
