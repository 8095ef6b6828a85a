/* Areas: the vm_area_struct set of one address space, with Linux's mmap/munmap/mprotect
 * range semantics and its top-down placement (address randomisation off). Pages and
 * page tables are not touched here: callers learn about removed pieces through callbacks.
 *
 * Structure. The areas of a set live in an AVL tree keyed by start address, with parent
 * pointers so that in-order iteration (area_next/area_prev) needs no stack. Invariants,
 * checked by area_set_check():
 *   - every area is non-empty and page-aligned: start < end, both multiples of the page;
 *   - areas never overlap, and in-order traversal gives strictly increasing starts;
 *   - every node's height is 1 + max(children's heights) and the heights of its two
 *     subtrees differ by at most one (so depth <= 1.44 log2(n+2));
 *   - count equals the number of nodes.
 *   - every node's sub_lo, sub_hi and sub_gap describe its subtree (see struct area).
 * Keys change only in ways that keep the order (split, merge, trimming), so the tree is
 * never re-sorted. As Linux's maple tree does, every subtree knows its largest gap, so
 * top-down placement descends only into subtrees with a gap that fits (O(log n) typically;
 * the legacy bottom-up fallback walks the areas).
 *
 * Ownership: a set owns its areas; an area owns one reference to its area_file. The
 * `anon` pointer is opaque and never freed here: split copies it to both halves, merge
 * keeps the non-NULL one (Linux's anon_vma is shared the same way). */
#ifndef VMS_KERNEL_AREA_H
#define VMS_KERNEL_AREA_H

#include "base/types.h"
#include "vmsim.h"

#include <stdio.h>

/* Protection bits (PROT_READ/WRITE/EXEC). */
#define AREA_READ 0x1u
#define AREA_WRITE 0x2u
#define AREA_EXEC 0x4u

/* Area flags. Exactly one of SHARED/PRIVATE and one of ANON/FILE is set. */
#define AREA_SHARED 0x01u
#define AREA_PRIVATE 0x02u
#define AREA_ANON 0x04u
#define AREA_FILE 0x08u
#define AREA_GROWSDOWN 0x10u /* the stack: placement keeps a guard gap below it */
#define AREA_STACK 0x20u     /* printed as [stack] */
#define AREA_HEAP 0x40u      /* printed as [heap] (the brk area) */

/* Flags for area_map(). */
#define AREA_MAP_FIXED 0x1u /* MAP_FIXED: place exactly at the hint, replacing what is there */
#define AREA_MAP_THP 0x2u   /* align like Linux's THP path (private anon, len multiple of 2 MiB) */

/* The identity of a mapped file, shared (refcounted) by every area that maps it and, later,
 * by the page cache. path is the resolved path the kernel prints; dev/ino from stat. */
struct area_file {
    unsigned refs;      /* areas and other holders; freed when it drops to zero */
    char *path;         /* realpath, as /proc/PID/maps prints it */
    unsigned dev_major; /* st_dev split with major()/minor() */
    unsigned dev_minor;
    uint64_t ino;  /* st_ino */
    uint64_t size; /* st_size when opened */
    bool shmem;    /* a shared anonymous object ("/dev/zero (deleted)"): swap-backed */
    void *priv;    /* the kernel's object for this identity (page cache), opaque here */
    /* Called when the last reference goes, before the identity is freed (may be NULL). */
    void (*release)(struct area_file *f);
};

struct area {
    vaddr_t start, end;       /* [start, end), page-aligned */
    unsigned prot;            /* AREA_READ | AREA_WRITE | AREA_EXEC */
    unsigned flags;           /* AREA_SHARED ... AREA_HEAP */
    struct area_file *file;   /* NULL for anonymous areas (one reference held) */
    uint64_t pgoff;           /* file offset in pages; for anon, start >> page_shift at mmap */
    const char *name;         /* "[heap]", "[stack]" or NULL; must be a static string */
    void *anon;               /* opaque, for the kernel (anon_vma-like); never freed here */
    struct area *left, *right, *parent; /* AVL links (private to area.c) */
    int height;                         /* AVL height, leaf = 1 (private) */
    /* The subtree's span and largest gap, for placement in O(log n) (private): the lowest
     * address a mapping may reach below its first area (start_gap), the end of its last
     * area, and the largest free gap between two of its consecutive areas. */
    vaddr_t sub_lo, sub_hi;
    uint64_t sub_gap;
};

/* The address-space limits placement works within (x86-64 4-level defaults below). */
struct area_layout {
    unsigned page_shift;     /* 12 */
    vaddr_t task_size;       /* 0x7ffffffff000: user space is [0, task_size) */
    vaddr_t mmap_base;       /* 0x7ffff7fff000: top-down placement starts below this */
    vaddr_t mmap_min_addr;   /* 0x1000 (vm.mmap_min_addr on this host: 4096) */
    uint64_t stack_guard_gap; /* 256 pages: no placement within this below a GROWSDOWN area */
    uint64_t thp_size;       /* 2 MiB: alignment for AREA_MAP_THP; 0 disables */
    uint64_t max_map_count;  /* vm.max_map_count (Linux's default 65530); 0 = no limit */
    /* DEFAULT_MAP_WINDOW when user space reaches above it (x86-64 LA57: task_size is
     * 2^56 - 4096, the window 2^47 - 4096): placement stays below it unless the hint is
     * above it; 0 = the window is all of user space. */
    vaddr_t map_window;
};

/* The end of the default placement window: map_window, or task_size without one. */
static inline vaddr_t area_window(const struct area_layout *l)
{
    return l->map_window ? l->map_window : l->task_size;
}

struct area_set {
    struct area *root;
    size_t count;
    struct area_layout layout;
};

/* Called for each piece removed by area_unmap_range / area_map(FIXED): `piece` is a
 * temporary copy describing the removed range with its prot/flags/file/pgoff/anon as they
 * were. It must not be kept. */
typedef void (*area_piece_fn)(void *ctx, const struct area *piece);

/* ---- files */

/* A file identity from a host path: realpath + stat. NULL with e filled on error. */
struct area_file *area_file_open(const char *path, struct vms_error *e);
/* A file identity from given values (tests, scenario files already stat'ed). */
struct area_file *area_file_create(const char *path, unsigned major, unsigned minor, uint64_t ino,
                                   uint64_t size, struct vms_error *e);
struct area_file *area_file_get(struct area_file *f);
void area_file_put(struct area_file *f); /* NULL is a no-op */

/* ---- the set */

/* The layout Linux x86-64 uses with 48-bit addresses, 4 KiB pages, an 8 MiB stack rlimit. */
struct area_layout area_layout_x86_64(void);
void area_set_init(struct area_set *s, const struct area_layout *layout);
/* Frees every area (putting their files); the set is empty and reusable afterwards. */
void area_set_fini(struct area_set *s);

/* A new unlinked area [start, end) holding a new reference to file (may be NULL). */
struct area *area_alloc(vaddr_t start, vaddr_t end, unsigned prot, unsigned flags,
                        struct area_file *file, uint64_t pgoff, const char *name);
void area_free(struct area *a); /* an unlinked area; NULL is a no-op */

/* Links a (from area_alloc) into s. -VMS_EINVAL if it is empty, unaligned or overlaps an
 * existing area (a is then still owned by the caller). */
int area_insert(struct area_set *s, struct area *a, struct vms_error *e);
/* Unlinks a from s; the caller then owns it (area_free). */
void area_remove(struct area_set *s, struct area *a);

struct area *area_find(const struct area_set *s, vaddr_t va);      /* containing va, or NULL */
struct area *area_find_next(const struct area_set *s, vaddr_t va); /* first with end > va */
struct area *area_first(const struct area_set *s);
struct area *area_last(const struct area_set *s);
struct area *area_next(const struct area *a);
struct area *area_prev(const struct area *a);

/* Splits a at `at` (page-aligned, start < at < end): a keeps [start, at), a new area
 * [at, end) with pgoff advanced is inserted and returned. NULL on allocation failure
 * (nothing changed) or a bad address. */
struct area *area_split(struct area_set *s, struct area *a, vaddr_t at, struct vms_error *e);

/* Whether b can be merged onto the end of a (a->end == b->start): same prot, flags, file
 * and name, contiguous pgoff, and compatible anon (equal, or either NULL). */
bool area_can_merge(const struct area_set *s, const struct area *a, const struct area *b);
/* Merges a with its neighbours where area_can_merge allows; returns the surviving area
 * (which covers a's range). */
struct area *area_merge_around(struct area_set *s, struct area *a);

/* Copies every area of src into dst (initialised, empty), with new file references and the
 * same anon pointers (the caller fixes those up for fork). */
int area_set_clone(struct area_set *dst, const struct area_set *src, struct vms_error *e);

/* munmap: removes [start, start+len) (len rounded up to pages), splitting areas that straddle
 * the ends; fn (may be NULL) sees each removed piece in address order. A range without areas
 * succeeds. -VMS_EINVAL for unaligned start, len 0 or a range outside user space, or (Linux's
 * ENOMEM) when the range lies strictly inside one area and the set already holds
 * max_map_count areas; -VMS_ENOMEM if a split cannot allocate (nothing changed). */
int area_unmap_range(struct area_set *s, vaddr_t start, uint64_t len, area_piece_fn fn, void *ctx,
                     struct vms_error *e);

/* mprotect: sets prot on [start, start+len), splitting at the ends and merging afterwards.
 * Unlike Linux (which changes the areas before the first hole and then fails), a range
 * holding a hole fails with -VMS_EINVAL before anything changes. So does a range whose
 * splits would take the set past max_map_count (Linux: each split needs fewer than
 * max_map_count areas, else ENOMEM). */
int area_protect_range(struct area_set *s, vaddr_t start, uint64_t len, unsigned prot,
                       struct vms_error *e);

/* get_unmapped_area: where a mapping of len bytes would go. With AREA_MAP_FIXED the hint
 * (page-aligned) is the answer; else a nonzero hint (rounded down to a page, raised to
 * mmap_min_addr) is used if [hint, hint+len) is free, including the guard gap below a
 * grows-down area, and (with a map_window) lies wholly below or wholly above the window;
 * else top-down first fit: the highest gap below mmap_base that fits, or below
 * mmap_base + (task_size - map_window) for a hint above the window, as x86-64 does
 * (falling back to bottom-up from task_size/3 like Linux). AREA_MAP_THP (no hint, len a
 * multiple of thp_size) aligns as Linux's thp_get_unmapped_area. */
int area_get_unmapped(const struct area_set *s, vaddr_t hint, uint64_t len, unsigned mapflags,
                      vaddr_t *out, struct vms_error *e);

/* mmap: places [addr, addr+len) (area_get_unmapped), removes what was there for FIXED
 * (fn sees the pieces), inserts the area and merges it with compatible neighbours. With more
 * than max_map_count areas already it fails with -VMS_EINVAL (Linux's do_mmap: ENOMEM), so
 * the count reaches at most max_map_count + 1 as on Linux.
 * For anonymous areas pgoff is ignored and set to addr >> page_shift, as Linux does.
 * On success *out is the address and, if out_area is not NULL, *out_area the area now
 * covering it. */
int area_map(struct area_set *s, vaddr_t hint, uint64_t len, unsigned prot, unsigned flags,
             struct area_file *file, uint64_t pgoff, const char *name, unsigned mapflags,
             area_piece_fn fn, void *ctx, vaddr_t *out, struct area **out_area,
             struct vms_error *e);

/* Audits the invariants listed at the top; 0 or -VMS_EINVAL with a message. */
int area_set_check(const struct area_set *s, struct vms_error *e);

/* One /proc/PID/maps line for a (no newline): returns the length it needs (like snprintf),
 * so buf may be too small and truncated. */
int area_format_maps_line(const struct area *a, unsigned page_shift, char *buf, size_t n);
/* Every area's maps line, with newlines, to f. */
void area_print_maps(const struct area_set *s, FILE *f);

#endif
