/* Areas of one address space: an AVL tree of vm_area_struct-like ranges and Linux's
 * munmap/mprotect/mmap-placement semantics on it (mm/mmap.c, mm/vma.c, with ASLR off).
 * See area.h for the invariants and what is left out. */
#include "kernel/area.h"

#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* ------------------------------------------------------------------ files */

struct area_file *area_file_create(const char *path, unsigned major, unsigned minor, uint64_t ino,
                                   uint64_t size, struct vms_error *e)
{
    struct area_file *f = vms_calloc(1, sizeof *f);
    char *p = vms_strdup(path);
    if (!f || !p) {
        vms_free(f);
        vms_free(p);
        err_set(e, VMS_ENOMEM, "%s: out of memory", path);
        return NULL;
    }
    f->refs = 1;
    f->path = p;
    f->dev_major = major;
    f->dev_minor = minor;
    f->ino = ino;
    f->size = size;
    return f;
}

struct area_file *area_file_open(const char *path, struct vms_error *e)
{
    char resolved[PATH_MAX];
    struct stat st;
    if (!realpath(path, resolved)) {
        err_set(e, errno == ENOMEM ? VMS_ENOMEM : VMS_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (stat(resolved, &st) != 0) {
        err_set(e, VMS_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    return area_file_create(resolved, major(st.st_dev), minor(st.st_dev), (uint64_t)st.st_ino,
                            (uint64_t)st.st_size, e);
}

struct area_file *area_file_get(struct area_file *f)
{
    if (f)
        f->refs++;
    return f;
}

void area_file_put(struct area_file *f)
{
    if (!f)
        return;
    VMS_INVARIANT(f->refs > 0, "area_file reference count underflow");
    if (--f->refs == 0) {
        if (f->release)
            f->release(f);
        vms_free(f->path);
        vms_free(f);
    }
}

/* ------------------------------------------------------------------ set basics */

struct area_layout area_layout_x86_64(void)
{
    struct area_layout l = {
        .page_shift = 12,
        .task_size = UINT64_C(0x7ffffffff000),
        .mmap_base = UINT64_C(0x7ffff7fff000),
        .mmap_min_addr = 0x1000,
        .stack_guard_gap = UINT64_C(256) << 12,
        .thp_size = UINT64_C(2) << 20,
        .max_map_count = 65530,
    };
    return l;
}

void area_set_init(struct area_set *s, const struct area_layout *layout)
{
    s->root = NULL;
    s->count = 0;
    s->layout = layout ? *layout : area_layout_x86_64();
}

static void free_subtree(struct area *a)
{
    while (a) {
        free_subtree(a->left);
        struct area *r = a->right;
        area_free(a);
        a = r;
    }
}

void area_set_fini(struct area_set *s)
{
    free_subtree(s->root);
    s->root = NULL;
    s->count = 0;
}

struct area *area_alloc(vaddr_t start, vaddr_t end, unsigned prot, unsigned flags,
                        struct area_file *file, uint64_t pgoff, const char *name)
{
    struct area *a = vms_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->start = start;
    a->end = end;
    a->prot = prot;
    a->flags = flags;
    a->file = area_file_get(file);
    a->pgoff = pgoff;
    a->name = name;
    a->height = 1;
    return a;
}

void area_free(struct area *a)
{
    if (!a)
        return;
    area_file_put(a->file);
    vms_free(a);
}

/* ------------------------------------------------------------------ AVL tree */

static int height(const struct area *a)
{
    return a ? a->height : 0;
}

/* Lowest address a mapping may reach below `a` (Linux vm_start_gap). */
static vaddr_t start_gap(const struct area_set *s, const struct area *a)
{
    if (!(a->flags & AREA_GROWSDOWN))
        return a->start;
    return a->start > s->layout.stack_guard_gap ? a->start - s->layout.stack_guard_gap : 0;
}

/* The free bytes of [lo, hi), 0 when the guard gap reaches below lo. */
static uint64_t gap_len(vaddr_t lo, vaddr_t hi)
{
    return hi > lo ? hi - lo : 0;
}

/* Height and the subtree's span and largest gap, from the children's. */
static void update_height(const struct area_set *s, struct area *a)
{
    int l = height(a->left), r = height(a->right);
    a->height = 1 + (l > r ? l : r);
    uint64_t g = 0, x;
    a->sub_lo = start_gap(s, a);
    a->sub_hi = a->end;
    if (a->left) {
        a->sub_lo = a->left->sub_lo;
        x = gap_len(a->left->sub_hi, start_gap(s, a));
        g = a->left->sub_gap > x ? a->left->sub_gap : x;
    }
    if (a->right) {
        a->sub_hi = a->right->sub_hi;
        x = gap_len(a->end, a->right->sub_lo);
        x = a->right->sub_gap > x ? a->right->sub_gap : x;
        g = g > x ? g : x;
    }
    a->sub_gap = g;
}

/* After a's end changed: its subtree's values and every ancestor's. */
static void refresh_up(const struct area_set *s, struct area *a)
{
    for (; a; a = a->parent)
        update_height(s, a);
}

/* Makes `v` take u's place under u's parent (v may be NULL). */
static void transplant(struct area_set *s, struct area *u, struct area *v)
{
    if (!u->parent)
        s->root = v;
    else if (u->parent->left == u)
        u->parent->left = v;
    else
        u->parent->right = v;
    if (v)
        v->parent = u->parent;
}

static struct area *rotate_left(struct area_set *s, struct area *x)
{
    struct area *y = x->right;
    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    transplant(s, x, y);
    y->left = x;
    x->parent = y;
    update_height(s, x);
    update_height(s, y);
    return y;
}

static struct area *rotate_right(struct area_set *s, struct area *x)
{
    struct area *y = x->left;
    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    transplant(s, x, y);
    y->right = x;
    x->parent = y;
    update_height(s, x);
    update_height(s, y);
    return y;
}

/* Restores heights and balance from n up to the root. */
static void rebalance_up(struct area_set *s, struct area *n)
{
    while (n) {
        update_height(s, n);
        int bf = height(n->left) - height(n->right);
        if (bf > 1) {
            if (height(n->left->left) < height(n->left->right))
                rotate_left(s, n->left);
            n = rotate_right(s, n);
        } else if (bf < -1) {
            if (height(n->right->right) < height(n->right->left))
                rotate_right(s, n->right);
            n = rotate_left(s, n);
        }
        n = n->parent;
    }
}

static struct area *leftmost(struct area *a)
{
    while (a && a->left)
        a = a->left;
    return a;
}

static struct area *rightmost(struct area *a)
{
    while (a && a->right)
        a = a->right;
    return a;
}

struct area *area_first(const struct area_set *s)
{
    return leftmost(s->root);
}

struct area *area_last(const struct area_set *s)
{
    return rightmost(s->root);
}

struct area *area_next(const struct area *a)
{
    if (a->right)
        return leftmost(a->right);
    while (a->parent && a->parent->right == a)
        a = a->parent;
    return a->parent;
}

struct area *area_prev(const struct area *a)
{
    if (a->left)
        return rightmost(a->left);
    while (a->parent && a->parent->left == a)
        a = a->parent;
    return a->parent;
}

struct area *area_find_next(const struct area_set *s, vaddr_t va)
{
    struct area *n = s->root, *best = NULL;
    while (n) {
        if (n->end > va) {
            best = n;
            n = n->left;
        } else {
            n = n->right;
        }
    }
    return best;
}

struct area *area_find(const struct area_set *s, vaddr_t va)
{
    struct area *a = area_find_next(s, va);
    return a && a->start <= va ? a : NULL;
}

/* Links a without checks (the caller knows it does not overlap). */
static void link_area(struct area_set *s, struct area *a)
{
    struct area **slot = &s->root, *parent = NULL;
    while (*slot) {
        parent = *slot;
        slot = a->start < parent->start ? &parent->left : &parent->right;
    }
    a->left = a->right = NULL;
    a->parent = parent;
    a->height = 1;
    update_height(s, a);
    *slot = a;
    s->count++;
    rebalance_up(s, parent);
}

static bool page_aligned(const struct area_set *s, uint64_t x)
{
    return (x & mask_bits(s->layout.page_shift)) == 0;
}

int area_insert(struct area_set *s, struct area *a, struct vms_error *e)
{
    if (a->start >= a->end || !page_aligned(s, a->start) || !page_aligned(s, a->end))
        return err_set(e, VMS_EINVAL, "area [0x%" PRIx64 ", 0x%" PRIx64 ") is empty or unaligned",
                       a->start, a->end);
    struct area *n = area_find_next(s, a->start);
    if (n && n->start < a->end)
        return err_set(e, VMS_EINVAL,
                       "area [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps [0x%" PRIx64 ", 0x%" PRIx64
                       ")",
                       a->start, a->end, n->start, n->end);
    link_area(s, a);
    return 0;
}

void area_remove(struct area_set *s, struct area *z)
{
    struct area *fix;
    if (z->left && z->right) {
        struct area *y = leftmost(z->right);
        if (y->parent == z) {
            fix = y;
        } else {
            fix = y->parent;
            transplant(s, y, y->right);
            y->right = z->right;
            y->right->parent = y;
        }
        transplant(s, z, y);
        y->left = z->left;
        y->left->parent = y;
        y->height = z->height;
    } else {
        fix = z->parent;
        transplant(s, z, z->left ? z->left : z->right);
    }
    z->left = z->right = z->parent = NULL;
    z->height = 1;
    s->count--;
    rebalance_up(s, fix);
}

/* ------------------------------------------------------------------ split and merge */

static uint64_t pages(const struct area_set *s, uint64_t bytes)
{
    return bytes >> s->layout.page_shift;
}

/* Splits a at `at` using the preallocated `spare`, which becomes [at, end). */
static struct area *split_with(struct area_set *s, struct area *a, vaddr_t at, struct area *spare)
{
    struct area_file *f = spare->file;
    *spare = *a;
    spare->file = area_file_get(a->file);
    area_file_put(f);
    spare->start = at;
    spare->pgoff = a->pgoff + pages(s, at - a->start);
    a->end = at;
    refresh_up(s, a);
    link_area(s, spare);
    return spare;
}

struct area *area_split(struct area_set *s, struct area *a, vaddr_t at, struct vms_error *e)
{
    if (at <= a->start || at >= a->end || !page_aligned(s, at)) {
        err_set(e, VMS_EINVAL, "split at 0x%" PRIx64 " outside [0x%" PRIx64 ", 0x%" PRIx64 ")",
                at, a->start, a->end);
        return NULL;
    }
    struct area *spare = area_alloc(0, 0, 0, 0, NULL, 0, NULL);
    if (!spare) {
        err_set(e, VMS_ENOMEM, "out of memory splitting an area");
        return NULL;
    }
    return split_with(s, a, at, spare);
}

bool area_can_merge(const struct area_set *s, const struct area *a, const struct area *b)
{
    if (a->end != b->start || a->prot != b->prot || a->flags != b->flags || a->file != b->file)
        return false;
    if ((a->name == NULL) != (b->name == NULL) || (a->name && strcmp(a->name, b->name) != 0))
        return false;
    if (a->anon && b->anon && a->anon != b->anon)
        return false;
    /* Contiguous offsets, for anonymous areas too (their pgoff is the address they were
     * created at, so areas mapped next to each other stay mergeable; Linux does the same). */
    return a->pgoff + pages(s, a->end - a->start) == b->pgoff;
}

/* b (following a) is absorbed into a. */
static void absorb_next(struct area_set *s, struct area *a, struct area *b)
{
    a->end = b->end;
    if (!a->anon)
        a->anon = b->anon;
    refresh_up(s, a);
    area_remove(s, b);
    area_free(b);
}

struct area *area_merge_around(struct area_set *s, struct area *a)
{
    struct area *p = area_prev(a);
    if (p && area_can_merge(s, p, a)) {
        absorb_next(s, p, a);
        a = p;
    }
    struct area *n = area_next(a);
    if (n && area_can_merge(s, a, n))
        absorb_next(s, a, n);
    return a;
}

/* ------------------------------------------------------------------ clone */

static int clone_subtree(struct area_set *dst, const struct area *a, struct vms_error *e)
{
    for (; a; a = a->right) {
        int rc = clone_subtree(dst, a->left, e);
        if (rc < 0)
            return rc;
        struct area *c = area_alloc(a->start, a->end, a->prot, a->flags, a->file, a->pgoff,
                                    a->name);
        if (!c)
            return err_set(e, VMS_ENOMEM, "out of memory copying areas");
        c->anon = a->anon;
        link_area(dst, c);
    }
    return 0;
}

int area_set_clone(struct area_set *dst, const struct area_set *src, struct vms_error *e)
{
    area_set_init(dst, &src->layout);
    int rc = clone_subtree(dst, src->root, e);
    if (rc < 0)
        area_set_fini(dst);
    return rc;
}

/* ------------------------------------------------------------------ range operations */

static int check_range(const struct area_set *s, vaddr_t start, uint64_t *len, const char *what,
                       struct vms_error *e)
{
    uint64_t pg = mask_bits(s->layout.page_shift);
    if (!page_aligned(s, start))
        return err_set(e, VMS_EINVAL, "%s: address 0x%" PRIx64 " is not page-aligned", what,
                       start);
    if (*len == 0 || *len > UINT64_MAX - pg)
        return err_set(e, VMS_EINVAL, "%s: bad length %" PRIu64, what, *len);
    *len = (*len + pg) & ~pg;
    if (start > s->layout.task_size || *len > s->layout.task_size - start)
        return err_set(e, VMS_EINVAL,
                       "%s: [0x%" PRIx64 ", +0x%" PRIx64 ") is outside user space", what, start,
                       *len);
    return 0;
}

/* Splits so that no area straddles `start` or `end`; both splits preallocated so that a
 * failure changes nothing. */
static int split_edges(struct area_set *s, vaddr_t start, vaddr_t end, struct vms_error *e)
{
    struct area *a = area_find(s, start);
    struct area *b = area_find(s, end);
    bool split_a = a && a->start < start;
    bool split_b = b && b->start < end;
    struct area *sa = split_a ? area_alloc(0, 0, 0, 0, NULL, 0, NULL) : NULL;
    struct area *sb = split_b ? area_alloc(0, 0, 0, 0, NULL, 0, NULL) : NULL;
    if ((split_a && !sa) || (split_b && !sb)) {
        area_free(sa);
        area_free(sb);
        return err_set(e, VMS_ENOMEM, "out of memory splitting areas");
    }
    if (split_a) {
        struct area *hi = split_with(s, a, start, sa);
        if (split_b && b == a)
            b = hi;
    }
    if (split_b)
        split_with(s, b, end, sb);
    return 0;
}

int area_unmap_range(struct area_set *s, vaddr_t start, uint64_t len, area_piece_fn fn, void *ctx,
                     struct vms_error *e)
{
    int rc = check_range(s, start, &len, "munmap", e);
    if (rc < 0)
        return rc;
    vaddr_t end = start + len;
    /* Linux lets munmap take the count just past the limit, except when it splits one area
     * in two (both ends inside it). */
    const struct area *in = area_find(s, start);
    if (in && in->start < start && end < in->end && s->layout.max_map_count &&
        s->count >= s->layout.max_map_count)
        return err_set(e, VMS_EINVAL, "munmap: %zu areas, vm.max_map_count is %" PRIu64
                       " (ENOMEM)", s->count, s->layout.max_map_count);
    rc = split_edges(s, start, end, e);
    if (rc < 0)
        return rc;
    struct area *a = area_find_next(s, start);
    while (a && a->start < end) {
        struct area *next = area_next(a);
        area_remove(s, a);
        if (fn)
            fn(ctx, a);
        area_free(a);
        a = next;
    }
    return 0;
}

int area_protect_range(struct area_set *s, vaddr_t start, uint64_t len, unsigned prot,
                       struct vms_error *e)
{
    int rc = check_range(s, start, &len, "mprotect", e);
    if (rc < 0)
        return rc;
    vaddr_t end = start + len;
    /* The whole range must be mapped (Linux: ENOMEM). */
    vaddr_t at = start;
    for (struct area *a = area_find_next(s, start); at < end; a = area_next(a)) {
        if (!a || a->start > at)
            return err_set(e, VMS_EINVAL,
                           "mprotect: [0x%" PRIx64 ", 0x%" PRIx64 ") is not mapped at 0x%" PRIx64,
                           start, end, at);
        at = a->end;
    }
    if (s->layout.max_map_count) {
        const struct area *a0 = area_find(s, start), *a1 = area_find(s, end);
        size_t splits = (a0 && a0->start < start) + (a1 && a1->start < end);
        if (splits && s->count + splits > s->layout.max_map_count)
            return err_set(e, VMS_EINVAL, "mprotect: %zu areas, vm.max_map_count is %" PRIu64
                           " (ENOMEM)", s->count, s->layout.max_map_count);
    }
    rc = split_edges(s, start, end, e);
    if (rc < 0)
        return rc;
    struct area *a = area_find(s, start);
    struct area *first = a, *last = a;
    for (; a && a->start < end; a = area_next(a)) {
        a->prot = prot & (AREA_READ | AREA_WRITE | AREA_EXEC);
        last = a;
    }
    /* Merge back: walk from the area before the range to the one after it. */
    struct area *m = area_prev(first);
    m = m ? m : first;
    vaddr_t stop = area_next(last) ? area_next(last)->end : last->end;
    while (m && m->start < stop) {
        struct area *n = area_next(m);
        if (n && n->start < stop && area_can_merge(s, m, n))
            absorb_next(s, m, n);
        else
            m = n;
    }
    return 0;
}

/* ------------------------------------------------------------------ placement */

/* The highest start for len bytes in the gap [lo, hi) clipped to [low, high); 0 = none. */
static vaddr_t fit_top(vaddr_t lo, vaddr_t hi, uint64_t len, vaddr_t low, vaddr_t high)
{
    if (hi > high)
        hi = high;
    if (lo < low)
        lo = low;
    return hi > lo && hi - lo >= len ? hi - len : 0;
}

/* The highest fit among the gaps between consecutive areas of n's subtree. */
static vaddr_t topdown_in(const struct area_set *s, const struct area *n, uint64_t len,
                          vaddr_t low, vaddr_t high)
{
    if (!n || n->sub_gap < len || n->sub_lo >= high || n->sub_hi <= low)
        return 0;
    vaddr_t r = topdown_in(s, n->right, len, low, high);
    if (!r && n->right)
        r = fit_top(n->end, n->right->sub_lo, len, low, high);
    if (!r && n->left)
        r = fit_top(n->left->sub_hi, start_gap(s, n), len, low, high);
    if (!r)
        r = topdown_in(s, n->left, len, low, high);
    return r;
}

/* Highest start for len bytes in [low, high), in the highest gap that fits; 0 = none. */
static vaddr_t topdown(const struct area_set *s, uint64_t len, vaddr_t low, vaddr_t high)
{
    if (high < low || high - low < len)
        return 0;
    const struct area *root = s->root;
    if (!root)
        return fit_top(0, s->layout.task_size, len, low, high);
    vaddr_t r = fit_top(root->sub_hi, s->layout.task_size, len, low, high);
    if (!r)
        r = topdown_in(s, root, len, low, high);
    if (!r)
        r = fit_top(0, root->sub_lo, len, low, high);
    return r;
}

/* Lowest start for len bytes in [low, high); 0 = none (Linux unmapped_area). */
static vaddr_t bottomup(const struct area_set *s, uint64_t len, vaddr_t low, vaddr_t high)
{
    vaddr_t gap_start = low;
    struct area *a = area_find_next(s, low);
    for (;;) {
        vaddr_t gap_end = a ? start_gap(s, a) : high;
        if (gap_end > high)
            gap_end = high;
        if (gap_end > gap_start && gap_end - gap_start >= len)
            return gap_start;
        if (!a || a->end >= high)
            return 0;
        if (a->end > gap_start)
            gap_start = a->end;
        a = area_next(a);
    }
}

int area_get_unmapped(const struct area_set *s, vaddr_t hint, uint64_t len, unsigned mapflags,
                      vaddr_t *out, struct vms_error *e)
{
    const struct area_layout *l = &s->layout;
    uint64_t pg = mask_bits(l->page_shift);
    if (len == 0 || len > l->task_size)
        return err_set(e, VMS_EINVAL, "mmap: bad length %" PRIu64, len);
    len = (len + pg) & ~pg;
    if (mapflags & AREA_MAP_FIXED) {
        if (!page_aligned(s, hint))
            return err_set(e, VMS_EINVAL, "mmap: fixed address 0x%" PRIx64 " is not page-aligned",
                           hint);
        if (hint > l->task_size - len)
            return err_set(e, VMS_EINVAL, "mmap: fixed address 0x%" PRIx64 " is outside user space",
                           hint);
        *out = hint;
        return 0;
    }
    if (hint) { /* round_hint_to_min, then the x86 hint check */
        hint &= ~pg;
        if (hint < l->mmap_min_addr)
            hint = (l->mmap_min_addr + pg) & ~pg;
        /* mmap_address_hint_valid: not across the window's end */
        bool across = l->map_window && (hint > l->map_window) != (hint + len > l->map_window);
        if (hint <= l->task_size - len && !across) {
            struct area *a = area_find_next(s, hint);
            if (!a || hint + len <= start_gap(s, a)) {
                *out = hint;
                return 0;
            }
        }
    }
    vaddr_t low = l->mmap_min_addr > pg + 1 ? l->mmap_min_addr : pg + 1;
    low = (low + pg) & ~pg;
    vaddr_t high = l->mmap_base; /* a hint above the window opens the whole space */
    if (l->map_window && hint > l->map_window)
        high += l->task_size - l->map_window;
    vaddr_t addr = 0;
    if ((mapflags & AREA_MAP_THP) && !hint && l->thp_size && len % l->thp_size == 0 &&
        len <= UINT64_MAX - l->thp_size) {
        /* thp_get_unmapped_area: search len + thp, then align inside the padding. */
        vaddr_t r = topdown(s, len + l->thp_size, low, high);
        if (r) {
            uint64_t sub = (0 - r) & (l->thp_size - 1);
            addr = sub ? r + sub : r + l->thp_size;
        }
    }
    if (!addr)
        addr = topdown(s, len, low, high);
    if (!addr) { /* the legacy bottom-up fallback, from a third of the window */
        vaddr_t top = l->map_window && hint <= l->map_window ? l->map_window : l->task_size;
        vaddr_t legacy = (area_window(l) / 3 + pg) & ~pg;
        addr = bottomup(s, len, legacy, top);
    }
    if (!addr)
        return err_set(e, VMS_ENOMEM, "mmap: no gap of %" PRIu64 " bytes", len);
    *out = addr;
    return 0;
}

int area_map(struct area_set *s, vaddr_t hint, uint64_t len, unsigned prot, unsigned flags,
             struct area_file *file, uint64_t pgoff, const char *name, unsigned mapflags,
             area_piece_fn fn, void *ctx, vaddr_t *out, struct area **out_area,
             struct vms_error *e)
{
    if (s->layout.max_map_count && s->count > s->layout.max_map_count)
        return err_set(e, VMS_EINVAL, "mmap: %zu areas, vm.max_map_count is %" PRIu64 " (ENOMEM)",
                       s->count, s->layout.max_map_count);
    vaddr_t addr;
    int rc = area_get_unmapped(s, hint, len, mapflags, &addr, e);
    if (rc < 0)
        return rc;
    uint64_t pg = mask_bits(s->layout.page_shift);
    len = (len + pg) & ~pg;
    if (!file)
        pgoff = addr >> s->layout.page_shift;
    struct area *a = area_alloc(addr, addr + len, prot & 7u, flags, file, pgoff, name);
    if (!a)
        return err_set(e, VMS_ENOMEM, "mmap: out of memory");
    if (mapflags & AREA_MAP_FIXED) {
        rc = area_unmap_range(s, addr, len, fn, ctx, e);
        if (rc < 0) {
            area_free(a);
            return rc;
        }
    }
    rc = area_insert(s, a, e);
    if (rc < 0) {
        area_free(a);
        return rc;
    }
    a = area_merge_around(s, a);
    *out = addr;
    if (out_area)
        *out_area = a;
    return 0;
}

/* ------------------------------------------------------------------ audit */

static int check_node(const struct area_set *s, const struct area *a, size_t *n,
                      struct vms_error *e)
{
    if (!a)
        return 0;
    int hl = check_node(s, a->left, n, e);
    if (hl < 0)
        return hl;
    int hr = check_node(s, a->right, n, e);
    if (hr < 0)
        return hr;
    if ((a->left && a->left->parent != a) || (a->right && a->right->parent != a))
        return err_set(e, VMS_EINVAL, "area 0x%" PRIx64 ": bad parent link", a->start);
    if (a->height != 1 + (hl > hr ? hl : hr))
        return err_set(e, VMS_EINVAL, "area 0x%" PRIx64 ": stale height", a->start);
    if (hl - hr > 1 || hr - hl > 1)
        return err_set(e, VMS_EINVAL, "area 0x%" PRIx64 ": unbalanced", a->start);
    if (a->start >= a->end || !page_aligned(s, a->start) || !page_aligned(s, a->end))
        return err_set(e, VMS_EINVAL, "area 0x%" PRIx64 ": empty or unaligned", a->start);
    struct area c = *a;
    update_height(s, &c);
    if (c.sub_lo != a->sub_lo || c.sub_hi != a->sub_hi || c.sub_gap != a->sub_gap)
        return err_set(e, VMS_EINVAL, "area 0x%" PRIx64 ": stale subtree gap", a->start);
    (*n)++;
    return a->height;
}

int area_set_check(const struct area_set *s, struct vms_error *e)
{
    size_t n = 0;
    if (s->root && s->root->parent)
        return err_set(e, VMS_EINVAL, "root has a parent");
    int rc = check_node(s, s->root, &n, e);
    if (rc < 0)
        return rc;
    if (n != s->count)
        return err_set(e, VMS_EINVAL, "count %zu but %zu nodes", s->count, n);
    const struct area *prev = NULL;
    for (const struct area *a = area_first(s); a; a = area_next(a)) {
        if (prev && prev->end > a->start)
            return err_set(e, VMS_EINVAL, "areas 0x%" PRIx64 " and 0x%" PRIx64 " overlap",
                           prev->start, a->start);
        prev = a;
    }
    return 0;
}

/* ------------------------------------------------------------------ /proc/PID/maps */

/* Linux's show_map_vma: the fixed columns, a space, then (if there is a name) padding to
 * column 72, a space and the name: the name starts at column 73 unless the columns are
 * longer. An unnamed anonymous area ends with the space ("... 00:00 0 "). */
int area_format_maps_line(const struct area *a, unsigned page_shift, char *buf, size_t n)
{
    const char *name = a->file ? a->file->path
                       : (a->flags & AREA_STACK) ? "[stack]"
                       : (a->flags & AREA_HEAP)  ? "[heap]"
                                                 : a->name;
    unsigned long long off = a->file ? (unsigned long long)a->pgoff << page_shift : 0;
    char head[160];
    int len = snprintf(head, sizeof head, "%08" PRIx64 "-%08" PRIx64 " %c%c%c%c %08llx %02x:%02x %" PRIu64 " ",
                       a->start, a->end, (a->prot & AREA_READ) ? 'r' : '-',
                       (a->prot & AREA_WRITE) ? 'w' : '-', (a->prot & AREA_EXEC) ? 'x' : '-',
                       (a->flags & AREA_SHARED) ? 's' : 'p', off,
                       a->file ? a->file->dev_major : 0, a->file ? a->file->dev_minor : 0,
                       a->file ? a->file->ino : 0);
    if (!name)
        return snprintf(buf, n, "%s", head);
    int pad = len < 72 ? 72 - len : 0;
    return snprintf(buf, n, "%s%*s %s", head, pad, "", name);
}

void area_print_maps(const struct area_set *s, FILE *f)
{
    char line[4096 + 200];
    for (const struct area *a = area_first(s); a; a = area_next(a)) {
        area_format_maps_line(a, s->layout.page_shift, line, sizeof line);
        fprintf(f, "%s\n", line);
    }
}
