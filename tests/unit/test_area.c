/* Unit tests for src/kernel/area.c: the area tree, split/merge, Linux's munmap, mprotect and
 * mmap placement, the /proc/PID/maps line (against this host's kernel) and a randomized
 * comparison with a page-granular model. Diagrams: one character per page, as Linux's
 * tools/testing/vma does; `a`..`z` are areas, `.` is a hole, `|` marks a range operated on. */
#include "harness.h"

#include "base/alloc.h"
#include "kernel/area.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG 0x1000u
#define RW (AREA_READ | AREA_WRITE)
#define PRIV_ANON (AREA_PRIVATE | AREA_ANON)
#define PRIV_FILE (AREA_PRIVATE | AREA_FILE)

static void set_up(struct area_set *s)
{
    struct area_layout l = area_layout_x86_64();
    area_set_init(s, &l);
}

/* Adds [p0, p1) pages as one area, checking success. */
static struct area *add(struct area_set *s, unsigned p0, unsigned p1, unsigned prot,
                        unsigned flags, struct area_file *f, uint64_t pgoff)
{
    struct area *a = area_alloc((vaddr_t)p0 * PG, (vaddr_t)p1 * PG, prot, flags, f,
                                f ? pgoff : p0, NULL);
    CHECK(a != NULL);
    if (a && area_insert(s, a, NULL) < 0) {
        harness_fail(__FILE__, __LINE__, "insert [%u,%u) failed", p0, p1);
        area_free(a);
        return NULL;
    }
    return a;
}

/* The set as "[p0,p1)prot ..." in page numbers, for compact expectations. */
static const char *layout_str(const struct area_set *s)
{
    static char buf[2048];
    size_t n = 0;
    buf[0] = '\0';
    for (const struct area *a = area_first(s); a && n < sizeof buf - 64; a = area_next(a))
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s[%" PRIx64 ",%" PRIx64 ")%c%c%c", n ? " " : "",
                              a->start / PG, a->end / PG, (a->prot & AREA_READ) ? 'r' : '-',
                              (a->prot & AREA_WRITE) ? 'w' : '-', (a->prot & AREA_EXEC) ? 'x' : '-');
    return buf;
}

static void check_ok(const struct area_set *s)
{
    struct vms_error e = {0};
    if (area_set_check(s, &e) < 0)
        harness_fail(__FILE__, __LINE__, "audit: %s", e.msg);
}

/*  0 1 2 3 4 5 6 7 8 9
 *  . a a . b b b . c .     find/find_next/overlap rejection */
TEST(area_insert_find)
{
    struct area_set s;
    set_up(&s);
    struct area *a = add(&s, 1, 3, RW, PRIV_ANON, NULL, 0);
    struct area *c = add(&s, 8, 9, AREA_READ, PRIV_ANON, NULL, 0);
    struct area *b = add(&s, 4, 7, AREA_READ, PRIV_ANON, NULL, 0);
    CHECK(area_find(&s, 0) == NULL);
    CHECK(area_find(&s, 1 * PG) == a);
    CHECK(area_find(&s, 3 * PG - 1) == a);
    CHECK(area_find(&s, 3 * PG) == NULL);
    CHECK(area_find(&s, 6 * PG + 5) == b);
    CHECK(area_find_next(&s, 3 * PG) == b);
    CHECK(area_find_next(&s, 7 * PG) == c);
    CHECK(area_find_next(&s, 9 * PG) == NULL);
    CHECK(area_first(&s) == a && area_last(&s) == c);
    CHECK(area_next(a) == b && area_prev(c) == b && area_prev(a) == NULL);
    /* overlaps: [2,4) touches a; [6,8) touches b; [0,10) covers all */
    unsigned bad[][2] = {{2, 4}, {6, 8}, {0, 10}, {3, 5}, {5, 6}};
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        struct area *x = area_alloc(bad[i][0] * PG, bad[i][1] * PG, RW, PRIV_ANON, NULL, 0, NULL);
        struct vms_error e = {0};
        CHECK(area_insert(&s, x, &e) == -VMS_EINVAL);
        CHECK_CONTAINS(e.msg, "overlaps");
        area_free(x);
    }
    struct area *odd = area_alloc(PG + 1, 2 * PG, RW, PRIV_ANON, NULL, 0, NULL);
    CHECK(area_insert(&s, odd, NULL) == -VMS_EINVAL);
    area_free(odd);
    CHECK_EQ(s.count, 3);
    check_ok(&s);
    area_set_fini(&s);
}

/* Many inserts in increasing and then random order stay balanced and sorted. */
TEST(area_tree_balance)
{
    struct area_set s;
    set_up(&s);
    for (unsigned i = 0; i < 1000; i++)
        add(&s, 2 * i, 2 * i + 1, RW, PRIV_ANON, NULL, 0);
    check_ok(&s);
    CHECK(s.root->height <= 15); /* 1.44 log2(1002) ~ 14.4 */
    /* remove every third, from the middle outwards */
    for (unsigned i = 0; i < 1000; i += 3) {
        struct area *a = area_find(&s, (vaddr_t)(2 * i) * PG);
        CHECK(a != NULL);
        if (a) {
            area_remove(&s, a);
            area_free(a);
        }
    }
    check_ok(&s);
    CHECK_EQ(s.count, 1000 - 334);
    unsigned n = 0;
    vaddr_t last = 0;
    for (struct area *a = area_first(&s); a; a = area_next(a), n++) {
        CHECK(n == 0 || a->start > last);
        last = a->start;
    }
    CHECK_EQ(n, s.count);
    area_set_fini(&s);
}

/*  file f, pages 0..5 at offset 10:   a a a a a a   split at 2 and 4:  a a|b b|c c */
TEST(area_split_pgoff)
{
    struct area_set s;
    set_up(&s);
    struct area_file *f = area_file_create("/x", 8, 1, 42, 1 << 20, NULL);
    struct area *a = add(&s, 0x10, 0x16, AREA_READ, PRIV_FILE, f, 10);
    struct area *b = area_split(&s, a, 0x12 * PG, NULL);
    CHECK(b != NULL);
    struct area *c = b ? area_split(&s, b, 0x14 * PG, NULL) : NULL;
    CHECK(c != NULL);
    CHECK_STR(layout_str(&s), "[10,12)r-- [12,14)r-- [14,16)r--");
    CHECK_EQ(a->pgoff, 10);
    if (b && c) {
        CHECK_EQ(b->pgoff, 12);
        CHECK_EQ(c->pgoff, 14);
        CHECK(b->file == f && c->file == f);
    }
    CHECK_EQ(f->refs, 4);
    struct vms_error e = {0};
    CHECK(area_split(&s, a, 0x10 * PG, &e) == NULL); /* at the start: nothing to split */
    CHECK(area_split(&s, a, 0x11 * PG + 8, &e) == NULL);
    /* allocation failure changes nothing */
    alloc_fail_after(0);
    CHECK(area_split(&s, a, 0x11 * PG, &e) == NULL);
    alloc_fail_after(-1);
    CHECK_EQ(e.code, VMS_ENOMEM);
    CHECK_EQ(s.count, 3);
    /* the three pieces merge back into one (contiguous pgoff) */
    struct area *m = area_merge_around(&s, b);
    CHECK_STR(layout_str(&s), "[10,16)r--");
    CHECK(m == a);
    CHECK_EQ(f->refs, 2);
    check_ok(&s);
    area_set_fini(&s);
    CHECK_EQ(f->refs, 1);
    area_file_put(f);
}

/* Merge rules, each pair adjacent (x|y):
 *   same file, contiguous offsets      merge      same file, offset gap        no
 *   different prot                     no         different file               no
 *   anon + anon contiguous pgoff       merge      anon + file                  no
 *   private + shared                   no         [stack] growsdown + anon     no
 *   anon pointers differ               no         one anon pointer NULL        merge */
TEST(area_merge_rules)
{
    struct area_file *f = area_file_create("/f", 8, 1, 1, 1 << 20, NULL);
    struct area_file *g = area_file_create("/g", 8, 1, 2, 1 << 20, NULL);
    struct area_set s;
    set_up(&s);
    struct {
        unsigned prot1, flags1, prot2, flags2;
        struct area_file *f1, *f2;
        uint64_t off1, off2;
        void *anon1, *anon2;
        bool merge;
    } cases[] = {
        {AREA_READ, PRIV_FILE, AREA_READ, PRIV_FILE, f, f, 0, 2, NULL, NULL, true},
        {AREA_READ, PRIV_FILE, AREA_READ, PRIV_FILE, f, f, 0, 3, NULL, NULL, false},
        {AREA_READ, PRIV_FILE, RW, PRIV_FILE, f, f, 0, 2, NULL, NULL, false},
        {AREA_READ, PRIV_FILE, AREA_READ, PRIV_FILE, f, g, 0, 2, NULL, NULL, false},
        {RW, PRIV_ANON, RW, PRIV_ANON, NULL, NULL, 0, 0, NULL, NULL, true},
        {RW, PRIV_ANON, RW, PRIV_FILE, NULL, f, 0, 0, NULL, NULL, false},
        {RW, PRIV_ANON, RW, AREA_SHARED | AREA_ANON, NULL, NULL, 0, 0, NULL, NULL, false},
        {RW, PRIV_ANON, RW, PRIV_ANON | AREA_GROWSDOWN | AREA_STACK, NULL, NULL, 0, 0, NULL, NULL,
         false},
        {RW, PRIV_ANON, RW, PRIV_ANON, NULL, NULL, 0, 0, &s, &f, false},
        {RW, PRIV_ANON, RW, PRIV_ANON, NULL, NULL, 0, 0, &s, NULL, true},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct area *x = add(&s, 0x100, 0x102, cases[i].prot1, cases[i].flags1, cases[i].f1,
                             cases[i].off1);
        struct area *y = add(&s, 0x102, 0x104, cases[i].prot2, cases[i].flags2, cases[i].f2,
                             cases[i].off2);
        if (!x || !y)
            continue;
        x->anon = cases[i].anon1;
        y->anon = cases[i].anon2;
        if (area_can_merge(&s, x, y) != cases[i].merge)
            harness_fail(__FILE__, __LINE__, "merge case %zu", i);
        struct area *m = area_merge_around(&s, y);
        CHECK_EQ(s.count, cases[i].merge ? 1 : 2);
        if (cases[i].merge) {
            CHECK(m == x && m->end == 0x104 * PG);
            CHECK(m->anon == (cases[i].anon1 ? cases[i].anon1 : cases[i].anon2));
        }
        area_set_fini(&s);
    }
    area_file_put(f);
    area_file_put(g);
}

struct piece_log {
    char text[512];
    size_t n;
};

static void log_piece(void *ctx, const struct area *p)
{
    struct piece_log *l = ctx;
    l->n += (size_t)snprintf(l->text + l->n, sizeof l->text - l->n, "%s[%" PRIx64 ",%" PRIx64 ")@%" PRIx64,
                             l->n ? " " : "", p->start / PG, p->end / PG, p->pgoff);
}

/*  file, pgoff 0:   a a a a a a a a      (pages 0x10..0x17)
 *  munmap           . . | x x x | . .    -> a a . . . . a a, the right part at pgoff 5 */
TEST(area_unmap_middle)
{
    struct area_set s;
    set_up(&s);
    struct area_file *f = area_file_create("/f", 8, 1, 1, 1 << 20, NULL);
    add(&s, 0x10, 0x18, AREA_READ, PRIV_FILE, f, 0);
    struct piece_log log = {0};
    CHECK_EQ(area_unmap_range(&s, 0x12 * PG, 3 * PG, log_piece, &log, NULL), 0);
    CHECK_STR(layout_str(&s), "[10,12)r-- [15,18)r--");
    CHECK_STR(log.text, "[12,15)@2");
    CHECK_EQ(area_find(&s, 0x15 * PG)->pgoff, 5);
    check_ok(&s);
    area_set_fini(&s);
    area_file_put(f);
}

/*  a a . b b . c c c        munmap |. a b b . c|c c  (from page 1 to 7, len not page-rounded)
 *  -> a . . . . . . c c     callback sees [1,2) [3,5) [6,7) in order */
TEST(area_unmap_several)
{
    struct area_set s;
    set_up(&s);
    add(&s, 0, 2, RW, PRIV_ANON, NULL, 0);
    add(&s, 3, 5, AREA_READ, PRIV_ANON, NULL, 0);
    add(&s, 6, 9, RW | AREA_EXEC, PRIV_ANON, NULL, 0);
    struct piece_log log = {0};
    CHECK_EQ(area_unmap_range(&s, 1 * PG, 6 * PG - 100, log_piece, &log, NULL), 0);
    CHECK_STR(layout_str(&s), "[0,1)rw- [7,9)rwx");
    CHECK_STR(log.text, "[1,2)@1 [3,5)@3 [6,7)@6");
    check_ok(&s);
    /* errors: unaligned start, zero length, beyond user space */
    struct vms_error e = {0};
    CHECK_EQ(area_unmap_range(&s, 1, PG, NULL, NULL, &e), -VMS_EINVAL);
    CHECK_EQ(area_unmap_range(&s, 0, 0, NULL, NULL, &e), -VMS_EINVAL);
    CHECK_EQ(area_unmap_range(&s, s.layout.task_size - PG, 2 * PG, NULL, NULL, &e), -VMS_EINVAL);
    area_set_fini(&s);
}

/*  a . . . b     munmap of the hole |. . .| succeeds and changes nothing */
TEST(area_unmap_hole)
{
    struct area_set s;
    set_up(&s);
    add(&s, 0, 1, RW, PRIV_ANON, NULL, 0);
    add(&s, 4, 5, RW, PRIV_ANON, NULL, 0);
    struct piece_log log = {0};
    CHECK_EQ(area_unmap_range(&s, 1 * PG, 3 * PG, log_piece, &log, NULL), 0);
    CHECK_STR(layout_str(&s), "[0,1)rw- [4,5)rw-");
    CHECK_EQ(log.n, 0);
    area_set_fini(&s);
}

/*  a a a a a a rw-     mprotect . .|r r|. .  -> rw- rw- | r-- r-- | rw- rw- (three areas)
 *  mprotect back to rw- over the middle -> one area again (merge) */
TEST(area_protect_three)
{
    struct area_set s;
    set_up(&s);
    add(&s, 0x20, 0x26, RW, PRIV_ANON, NULL, 0);
    CHECK_EQ(area_protect_range(&s, 0x22 * PG, 2 * PG, AREA_READ, NULL), 0);
    CHECK_STR(layout_str(&s), "[20,22)rw- [22,24)r-- [24,26)rw-");
    CHECK_EQ(area_find(&s, 0x24 * PG)->pgoff, 0x24);
    check_ok(&s);
    CHECK_EQ(area_protect_range(&s, 0x22 * PG, 2 * PG, RW, NULL), 0);
    CHECK_STR(layout_str(&s), "[20,26)rw-");
    /* over a hole: refused, nothing changed */
    add(&s, 0x27, 0x28, RW, PRIV_ANON, NULL, 0);
    struct vms_error e = {0};
    CHECK_EQ(area_protect_range(&s, 0x25 * PG, 3 * PG, AREA_READ, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "not mapped at 0x26000");
    CHECK_STR(layout_str(&s), "[20,26)rw- [27,28)rw-");
    /* across two areas: both change, and since they are not adjacent nothing merges */
    CHECK_EQ(area_protect_range(&s, 0x20 * PG, 6 * PG, AREA_EXEC, NULL), 0);
    CHECK_STR(layout_str(&s), "[20,26)--x [27,28)rw-");
    check_ok(&s);
    area_set_fini(&s);
}

static vaddr_t map_anon(struct area_set *s, vaddr_t hint, uint64_t len, unsigned prot,
                        unsigned mapflags)
{
    vaddr_t at = 0;
    struct vms_error e = {0};
    if (area_map(s, hint, len, prot, PRIV_ANON, NULL, 0, NULL, mapflags, NULL, NULL, &at, NULL,
                 &e) < 0)
        harness_fail(__FILE__, __LINE__, "map: %s", e.msg);
    return at;
}

/* Top-down below mmap_base 0x7ffff7fff000; anonymous neighbours with the same prot merge
 * (as the host shows: two rw- mmaps become one area). */
TEST(area_place_topdown)
{
    struct area_set s;
    set_up(&s);
    CHECK_EQ(map_anon(&s, 0, 8192, RW, 0), 0x7ffff7ffd000);
    CHECK_EQ(map_anon(&s, 0, 4096, AREA_READ, 0), 0x7ffff7ffc000);
    CHECK_EQ(map_anon(&s, 0, 100, AREA_READ, 0), 0x7ffff7ffb000);
    CHECK_EQ(s.count, 2); /* the two r-- areas merged */
    CHECK_EQ(area_find(&s, 0x7ffff7ffb000)->end, 0x7ffff7ffd000);
    check_ok(&s);
    area_set_fini(&s);
}

/* Holes left by munmap are reused: the highest hole that fits wins.
 *   top:  A(1) B(4) C(1) D(2) E(1)   munmap B and D
 *   a 3-page mapping goes in B's hole (at its top), a 2-page one in D's. */
TEST(area_place_hole_reuse)
{
    struct area_set s;
    set_up(&s);
    vaddr_t base = s.layout.mmap_base;
    unsigned prots[] = {AREA_READ, RW, AREA_READ, RW, AREA_READ};
    uint64_t lens[] = {1, 4, 1, 2, 1};
    vaddr_t at[5];
    for (int i = 0; i < 5; i++)
        at[i] = map_anon(&s, 0, lens[i] * PG, prots[i], 0);
    CHECK_EQ(at[0], base - PG);
    CHECK_EQ(at[4], base - 9 * PG);
    CHECK_EQ(area_unmap_range(&s, at[1], 4 * PG, NULL, NULL, NULL), 0);
    CHECK_EQ(area_unmap_range(&s, at[3], 2 * PG, NULL, NULL, NULL), 0);
    /* a 5-page mapping fits no hole: below E */
    CHECK_EQ(map_anon(&s, 0, 5 * PG, AREA_EXEC, 0), base - 14 * PG);
    CHECK_EQ(map_anon(&s, 0, 2 * PG, AREA_EXEC, 0), at[1] + 2 * PG); /* top of B's hole */
    CHECK_EQ(map_anon(&s, 0, 2 * PG, AREA_EXEC, 0), at[1]);          /* rest of B's hole */
    CHECK_EQ(map_anon(&s, 0, 2 * PG, AREA_EXEC, 0), at[3]);          /* D's hole */
    check_ok(&s);
    area_set_fini(&s);
}

/* Hints: used when free (rounded down to a page; raised to mmap_min_addr), otherwise
 * top-down; a hint inside the stack guard gap is refused (as observed on this host:
 * a hint just below [stack] lands top-down instead). */
TEST(area_place_hint)
{
    struct area_set s;
    set_up(&s);
    struct area *st = area_alloc(0x7ffffffde000, 0x7ffffffff000, RW,
                                 PRIV_ANON | AREA_GROWSDOWN | AREA_STACK, NULL, 0, NULL);
    CHECK(area_insert(&s, st, NULL) == 0);
    CHECK_EQ(map_anon(&s, 0x10000001, PG, AREA_READ, 0), 0x10000000);
    CHECK_EQ(map_anon(&s, 0x10000000, PG, RW, 0), 0x7ffff7ffe000); /* taken: top-down */
    CHECK_EQ(map_anon(&s, 0x7ffffff00000, PG, AREA_READ, 0), 0x7ffff7ffd000); /* guard gap */
    CHECK_EQ(map_anon(&s, 0x7ffffeede000 - PG, PG, AREA_READ, 0), 0x7ffffeedd000); /* just fits */
    CHECK_EQ(map_anon(&s, 5, PG, AREA_READ, 0), 0x1000); /* below mmap_min_addr: raised */
    /* a hint whose range would overlap the next area is refused */
    CHECK_EQ(map_anon(&s, 0x10000000 - PG, 2 * PG, AREA_EXEC, 0), 0x7ffff7ffb000);
    check_ok(&s);
    area_set_fini(&s);
}

/*  a a a a a (rw-)  MAP_FIXED r-x over . |x x| . .  -> a . . a a with the old pages reported */
TEST(area_place_fixed)
{
    struct area_set s;
    set_up(&s);
    vaddr_t a = map_anon(&s, 0, 5 * PG, RW, 0);
    struct piece_log log = {0};
    vaddr_t at = 0;
    CHECK_EQ(area_map(&s, a + PG, 2 * PG, AREA_READ | AREA_EXEC, PRIV_ANON, NULL, 0, NULL,
                      AREA_MAP_FIXED, log_piece, &log, &at, NULL, NULL),
             0);
    CHECK_EQ(at, a + PG);
    CHECK_EQ(s.count, 3);
    CHECK_EQ(area_find(&s, a + PG)->prot, AREA_READ | AREA_EXEC);
    CHECK_EQ(log.n > 0, 1);
    /* fixed with the same prot again: replaced and merged back into one area */
    CHECK_EQ(area_map(&s, a + PG, 2 * PG, RW, PRIV_ANON, NULL, 0, NULL, AREA_MAP_FIXED, NULL,
                      NULL, &at, NULL, NULL),
             0);
    CHECK_EQ(s.count, 1);
    struct vms_error e = {0};
    CHECK_EQ(area_map(&s, a + 1, PG, RW, PRIV_ANON, NULL, 0, NULL, AREA_MAP_FIXED, NULL, NULL, &at,
                      NULL, &e),
             -VMS_EINVAL);
    check_ok(&s);
    area_set_fini(&s);
}

/* Private anonymous mappings whose length is a multiple of 2 MiB are 2 MiB aligned (observed
 * on this host: 2 MiB -> 0x7ffff7c00000 below the vdso, 4 MiB -> 0x7ffff7800000, then 3 MiB
 * unaligned right below and merged). Here with nothing mapped: */
TEST(area_place_thp)
{
    struct area_set s;
    set_up(&s);
    CHECK_EQ(map_anon(&s, 0, 2 << 20, AREA_READ, AREA_MAP_THP), 0x7ffff7c00000);
    CHECK_EQ(map_anon(&s, 0, 4096, AREA_READ, AREA_MAP_THP), 0x7ffff7ffe000);
    CHECK_EQ(map_anon(&s, 0, 4 << 20, RW, AREA_MAP_THP), 0x7ffff7800000);
    CHECK_EQ(map_anon(&s, 0, 3 << 20, RW, AREA_MAP_THP), 0x7ffff7500000);
    CHECK_EQ(s.count, 3);
    area_set_fini(&s);
}

TEST(area_clone)
{
    struct area_set s, c;
    set_up(&s);
    struct area_file *f = area_file_create("/f", 8, 1, 1, 1 << 20, NULL);
    add(&s, 1, 3, AREA_READ, PRIV_FILE, f, 7);
    add(&s, 5, 6, RW, PRIV_ANON, NULL, 0);
    CHECK_EQ(area_set_clone(&c, &s, NULL), 0);
    CHECK_STR(layout_str(&c), "[1,3)r-- [5,6)rw-");
    CHECK_EQ(f->refs, 3);
    CHECK(area_find(&c, PG) != area_find(&s, PG));
    CHECK_EQ(area_find(&c, PG)->pgoff, 7);
    check_ok(&c);
    area_set_fini(&c);
    alloc_fail_after(1);
    CHECK_EQ(area_set_clone(&c, &s, NULL), -VMS_ENOMEM);
    alloc_fail_after(-1);
    CHECK_EQ(c.count, 0);
    CHECK_EQ(f->refs, 2);
    area_set_fini(&s);
    area_file_put(f);
}

/* The maps line, byte for byte against this host's /proc/self/maps for a file mapping and an
 * anonymous one created here; and the fixed forms for [heap]/[stack]. */
static int host_maps_line(void *addr, char *out, size_t n)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    char want[32];
    snprintf(want, sizeof want, "%08lx-", (unsigned long)addr);
    int found = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, want, strlen(want)) == 0) {
            line[strcspn(line, "\n")] = '\0';
            snprintf(out, n, "%s", line);
            found = 1;
            break;
        }
    }
    if (f)
        fclose(f);
    return found;
}

TEST(area_maps_line_host)
{
    char path[] = "/tmp/vmsim-area-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    char buf[3 * 4096];
    memset(buf, 0x5a, sizeof buf);
    CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
    void *m = mmap(NULL, 2 * 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
    void *z = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED && z != MAP_FAILED);
    char real[4096], mine[4096];
    struct vms_error e = {0};
    struct area_file *af = area_file_open(path, &e);
    CHECK(af != NULL);
    if (m != MAP_FAILED && af && host_maps_line(m, real, sizeof real)) {
        struct area *a = area_alloc((vaddr_t)(uintptr_t)m, (vaddr_t)(uintptr_t)m + 8192, AREA_READ,
                                    PRIV_FILE, af, 1, NULL);
        area_format_maps_line(a, 12, mine, sizeof mine);
        CHECK_STR(mine, real);
        area_free(a);
    } else {
        harness_fail(__FILE__, __LINE__, "mapping not found in /proc/self/maps");
    }
    /* A shared anonymous mapping is shown by Linux as /dev/zero (deleted): compare only the
     * fixed columns of ours for an unnamed private anon area with a private one. */
    void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED && host_maps_line(p, real, sizeof real)) {
        struct area *a = area_alloc((vaddr_t)(uintptr_t)p, (vaddr_t)(uintptr_t)p + 4096,
                                    AREA_READ, PRIV_ANON, NULL, 0, NULL);
        area_format_maps_line(a, 12, mine, sizeof mine);
        /* the host may have merged p with a neighbour; compare from the permissions on */
        CHECK_STR(strchr(mine, ' '), strchr(real, ' '));
        area_free(a);
        munmap(p, 4096);
    }
    area_file_put(af);
    if (m != MAP_FAILED)
        munmap(m, 8192);
    if (z != MAP_FAILED)
        munmap(z, 4096);
    close(fd);
    unlink(path);

    struct area *h = area_alloc(0x555555559000, 0x55555557a000, RW, PRIV_ANON | AREA_HEAP, NULL,
                                0, NULL);
    area_format_maps_line(h, 12, mine, sizeof mine);
    CHECK_STR(mine, "555555559000-55555557a000 rw-p 00000000 00:00 0                          [heap]");
    area_free(h);
    struct area *st = area_alloc(0x7ffffffde000, 0x7ffffffff000, RW,
                                 PRIV_ANON | AREA_STACK | AREA_GROWSDOWN, NULL, 0, NULL);
    area_format_maps_line(st, 12, mine, sizeof mine);
    CHECK_STR(mine, "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]");
    CHECK_EQ(area_format_maps_line(st, 12, mine, 10), 80);
    CHECK_EQ(strlen(mine), 9);
    area_free(st);
    struct area *low = area_alloc(0x400000, 0x401000, AREA_READ, PRIV_ANON, NULL, 0, NULL);
    area_format_maps_line(low, 12, mine, sizeof mine);
    CHECK_STR(mine, "00400000-00401000 r--p 00000000 00:00 0 ");
    area_free(low);
}

/* ---------------------------------------------------------------- randomized vs a model */

/* The model: one cell per page of a small address space, with what must be mapped there.
 * Layout: pages [0, 256); the stack (grows down) at [240, 256); mmap_base page 224;
 * guard gap 4 pages; mmap_min_addr page 16. */
#define M_PAGES 256
#define M_STACK 240
#define M_BASE 224
#define M_GUARD 4
#define M_MIN 16

struct cell {
    bool mapped;
    unsigned prot, flags;
    int file; /* 0 anon, 1..2 files */
    uint64_t pgoff;
};

static struct cell model[M_PAGES];

static uint64_t rng_state;
static uint64_t rnd(uint64_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng_state >> 33) % n;
}

static bool m_free(unsigned p, unsigned n)
{
    for (unsigned i = p; i < p + n; i++)
        if (model[i].mapped)
            return false;
    return true;
}

/* The lowest page of the grows-down area at or above page q, or M_PAGES. */
static unsigned m_stack_start_above(unsigned q)
{
    for (unsigned i = q; i < M_PAGES; i++)
        if (model[i].mapped && (model[i].flags & AREA_GROWSDOWN)) {
            unsigned s = i;
            return s;
        } else if (model[i].mapped) {
            return M_PAGES; /* a non-stack area comes first */
        }
    return M_PAGES;
}

/* Whether [p, p+n) is acceptable for a non-fixed placement. */
static bool m_fits(unsigned p, unsigned n)
{
    if (p < M_MIN || p + n > M_PAGES || !m_free(p, n))
        return false;
    unsigned s = m_stack_start_above(p + n);
    return s == M_PAGES || p + n + M_GUARD <= s;
}

static unsigned m_place(unsigned hint, unsigned n)
{
    if (hint && m_fits(hint < M_MIN ? M_MIN : hint, n))
        return hint < M_MIN ? M_MIN : hint;
    for (unsigned p = M_BASE - n + 1; p-- > M_MIN;)
        if (m_fits(p, n))
            return p;
    /* Linux's fallback: bottom-up from task_size / 3 (page 86 here) */
    for (unsigned p = 86; p + n <= M_PAGES; p++)
        if (m_fits(p, n))
            return p;
    return 0;
}

static bool m_same_area(const struct cell *a, const struct cell *b)
{
    return a->mapped && b->mapped && a->prot == b->prot && a->flags == b->flags &&
           a->file == b->file && a->pgoff + 1 == b->pgoff;
}

static void m_compare(const struct area_set *s, struct area_file *files[3], int step)
{
    struct vms_error e = {0};
    if (area_set_check(s, &e) < 0) {
        harness_fail(__FILE__, __LINE__, "step %d: audit: %s", step, e.msg);
        return;
    }
    size_t areas = 0;
    for (unsigned p = 0; p < M_PAGES; p++) {
        const struct area *a = area_find(s, (vaddr_t)p * PG);
        const struct cell *c = &model[p];
        if (!c->mapped) {
            if (a)
                harness_fail(__FILE__, __LINE__, "step %d: page %u mapped, model says hole", step,
                             p);
            continue;
        }
        if (p == 0 || !m_same_area(&model[p - 1], c))
            areas++;
        if (!a) {
            harness_fail(__FILE__, __LINE__, "step %d: page %u is a hole", step, p);
            continue;
        }
        uint64_t pgoff = a->pgoff + (p - a->start / PG);
        if (a->prot != c->prot || a->flags != c->flags || a->file != files[c->file] ||
            pgoff != c->pgoff)
            harness_fail(__FILE__, __LINE__, "step %d: page %u differs", step, p);
        /* area boundaries are exactly where the model says pages cannot merge */
        bool first = a->start == (vaddr_t)p * PG;
        if (first != (p == 0 || !m_same_area(&model[p - 1], c)))
            harness_fail(__FILE__, __LINE__, "step %d: page %u: boundary differs (%s)", step, p,
                         first ? "split too much" : "not split");
    }
    if (areas != s->count)
        harness_fail(__FILE__, __LINE__, "step %d: %zu areas, model %zu", step, s->count, areas);
}

TEST(area_random_vs_model)
{
    struct area_layout l = {
        .page_shift = 12,
        .task_size = (vaddr_t)M_PAGES * PG,
        .mmap_base = (vaddr_t)M_BASE * PG,
        .mmap_min_addr = (vaddr_t)M_MIN * PG,
        .stack_guard_gap = (uint64_t)M_GUARD * PG,
        .thp_size = 0,
    };
    struct area_file *files[3] = {NULL, area_file_create("/one", 1, 2, 3, 1 << 20, NULL),
                                  area_file_create("/two", 1, 2, 4, 1 << 20, NULL)};
    for (uint64_t seed = 1; seed <= 40; seed++) {
        rng_state = seed;
        memset(model, 0, sizeof model);
        struct area_set s;
        area_set_init(&s, &l);
        struct area *st = area_alloc((vaddr_t)M_STACK * PG, (vaddr_t)M_PAGES * PG, RW,
                                     PRIV_ANON | AREA_GROWSDOWN, NULL, M_STACK, NULL);
        area_insert(&s, st, NULL);
        for (unsigned p = M_STACK; p < M_PAGES; p++)
            model[p] = (struct cell){true, RW, PRIV_ANON | AREA_GROWSDOWN, 0, p};
        for (int step = 0; step < 300; step++) {
            unsigned op = (unsigned)rnd(10);
            unsigned n = 1 + (unsigned)rnd(12);
            unsigned p = (unsigned)rnd(M_STACK - n); /* ops stay below the stack */
            unsigned prot = (unsigned)rnd(8);
            struct vms_error e = {0};
            if (op < 4) { /* mmap, hinted or not */
                int file = (int)rnd(3);
                unsigned flags = (file ? AREA_FILE : AREA_ANON) |
                                 (rnd(4) == 0 ? AREA_SHARED : AREA_PRIVATE);
                uint64_t off = rnd(4);
                unsigned hint = rnd(2) ? p : 0;
                unsigned want = m_place(hint, n);
                vaddr_t at = 0;
                int rc = area_map(&s, (vaddr_t)hint * PG, (uint64_t)n * PG, prot, flags,
                                  files[file], off, NULL, 0, NULL, NULL, &at, NULL, &e);
                if (!want) {
                    CHECK(rc < 0);
                } else {
                    CHECK_EQ(rc, 0);
                    CHECK_EQ(at, (vaddr_t)want * PG);
                    for (unsigned i = 0; i < n; i++)
                        model[want + i] = (struct cell){true, prot, flags, file,
                                                        (file ? off : want) + i};
                }
            } else if (op < 5) { /* MAP_FIXED */
                int file = (int)rnd(3);
                unsigned flags = (file ? AREA_FILE : AREA_ANON) | AREA_PRIVATE;
                vaddr_t at = 0;
                CHECK_EQ(area_map(&s, (vaddr_t)p * PG, (uint64_t)n * PG, prot, flags, files[file],
                                  3, NULL, AREA_MAP_FIXED, NULL, NULL, &at, NULL, &e),
                         0);
                for (unsigned i = 0; i < n; i++)
                    model[p + i] = (struct cell){true, prot, flags, file, (file ? 3 : p) + i};
            } else if (op < 7) {
                CHECK_EQ(area_unmap_range(&s, (vaddr_t)p * PG, (uint64_t)n * PG, NULL, NULL, &e), 0);
                for (unsigned i = 0; i < n; i++)
                    model[p + i].mapped = false;
            } else {
                bool hole = false;
                for (unsigned i = 0; i < n; i++)
                    hole |= !model[p + i].mapped;
                int rc = area_protect_range(&s, (vaddr_t)p * PG, (uint64_t)n * PG, prot, &e);
                CHECK_EQ(rc, hole ? -VMS_EINVAL : 0);
                if (!hole)
                    for (unsigned i = 0; i < n; i++)
                        model[p + i].prot = prot;
            }
            m_compare(&s, files, step);
        }
        area_set_fini(&s);
    }
    area_file_put(files[1]);
    area_file_put(files[2]);
}

/* vm.max_map_count as Linux applies it (measured on Linux 6.18 with the default 65530):
 * mmap fails once the count is above the limit, so it reaches limit + 1; mprotect fails when
 * a split would need a count at or above the limit; munmap only when it splits one area in
 * two while at the limit. Failures change nothing. */
TEST(area_max_map_count)
{
    struct area_layout l = area_layout_x86_64();
    CHECK_EQ(l.max_map_count, 65530);
    l.max_map_count = 4;
    struct area_set s;
    area_set_init(&s, &l);
    struct vms_error e = {0};
    vaddr_t va[6];
    for (unsigned i = 0; i < 5; i++) /* alternating prot: no merging */
        CHECK_EQ(area_map(&s, 0, 3 * PG, i & 1 ? AREA_READ : RW, PRIV_ANON, NULL, 0, NULL, 0, NULL,
                          NULL, &va[i], NULL, &e), 0);
    CHECK_EQ(s.count, 5);
    CHECK_EQ(area_map(&s, 0, PG, AREA_EXEC, PRIV_ANON, NULL, 0, NULL, 0, NULL, NULL, &va[5], NULL,
                      &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "max_map_count");
    CHECK_EQ(area_protect_range(&s, va[4], PG, AREA_EXEC, &e), -VMS_EINVAL);
    CHECK_EQ(area_protect_range(&s, va[4] + PG, PG, AREA_EXEC, &e), -VMS_EINVAL);
    CHECK_EQ(area_protect_range(&s, va[4], 3 * PG, AREA_EXEC, &e), 0); /* no split */
    CHECK_EQ(area_unmap_range(&s, va[4] + PG, PG, NULL, NULL, &e), -VMS_EINVAL);
    CHECK_EQ(s.count, 5);
    CHECK_EQ(area_unmap_range(&s, va[4], PG, NULL, NULL, &e), 0); /* trims: allowed */
    CHECK_EQ(area_unmap_range(&s, va[4], 3 * PG, NULL, NULL, &e), 0);
    CHECK_EQ(s.count, 4);
    /* at the limit: one split in mprotect fails, munmap splitting one area fails, mmap works */
    CHECK_EQ(area_protect_range(&s, va[3], PG, AREA_EXEC, &e), -VMS_EINVAL);
    CHECK_EQ(area_unmap_range(&s, va[3] + PG, PG, NULL, NULL, &e), -VMS_EINVAL);
    CHECK_EQ(area_unmap_range(&s, va[3] + PG, 2 * PG, NULL, NULL, &e), 0);
    CHECK_EQ(s.count, 4);
    CHECK_EQ(area_map(&s, 0, PG, AREA_EXEC, PRIV_ANON, NULL, 0, NULL, 0, NULL, NULL, &va[5], NULL,
                      &e), 0);
    CHECK_EQ(s.count, 5);
    check_ok(&s);
    /* below the limit by one: an mprotect of a middle (two splits) fails, one split works */
    CHECK_EQ(area_unmap_range(&s, va[5], PG, NULL, NULL, &e), 0);
    CHECK_EQ(area_unmap_range(&s, va[3], PG, NULL, NULL, &e), 0);
    CHECK_EQ(s.count, 3);
    CHECK_EQ(area_protect_range(&s, va[2] + PG, PG, AREA_EXEC, &e), -VMS_EINVAL);
    CHECK_EQ(area_protect_range(&s, va[2], PG, AREA_EXEC, &e), 0);
    CHECK_EQ(s.count, 4);
    check_ok(&s);
    area_set_fini(&s);
}

/* Placement uses the subtree gaps: many areas, each placed below the last, each hole found
 * again after an unmap, and the audit (which checks every node's gap) holds throughout. */
TEST(area_place_many_gaps)
{
    struct area_set s;
    set_up(&s);
    struct vms_error e = {0};
    vaddr_t va = 0, prev = 0, hole = 0;
    for (unsigned i = 0; i < 3000; i++) {
        CHECK_EQ(area_map(&s, 0, PG, i & 1 ? AREA_READ : RW, PRIV_ANON, NULL, 0, NULL, 0, NULL,
                          NULL, &va, NULL, &e), 0);
        if (i)
            CHECK_EQ(va, prev - PG);
        if (i == 1000)
            hole = va;
        prev = va;
    }
    CHECK_EQ(s.count, 3000);
    CHECK_EQ(area_unmap_range(&s, hole, PG, NULL, NULL, &e), 0);
    check_ok(&s);
    CHECK_EQ(area_map(&s, 0, PG, AREA_EXEC, PRIV_ANON, NULL, 0, NULL, 0, NULL, NULL, &va, NULL,
                      &e), 0);
    CHECK_EQ(va, hole);
    CHECK_EQ(area_map(&s, 0, 2 * PG, AREA_EXEC, PRIV_ANON, NULL, 0, NULL, 0, NULL, NULL, &va,
                      NULL, &e), 0);
    CHECK_EQ(va, prev - 2 * PG);
    check_ok(&s);
    area_set_fini(&s);
}
