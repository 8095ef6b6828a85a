/* The MMU and the machine around it: TLB hierarchy → page walker (+ paging-structure
 * caches) → cache hierarchy → physical memory. A fault is returned as a value (struct
 * xlate) for the caller — the kernel — to resolve; the MMU never decides policy.
 *
 * Permission rules follow Intel SDM vol. 3 §4.6 with CR0.WP=1 and EFER.NXE=1: R/W and
 * U/S are ANDed over every level of the walk, XD is ORed; a present x86 page is always
 * readable; the teaching format adds a READ bit. The walker sets A in every entry it
 * uses and, for a permitted write, D in the leaf (§4.8). On a fault the TLB entries
 * for the address are dropped (§4.10.4.1), so a kernel fix is seen by the retry. */
#ifndef VMS_HW_MMU_H
#define VMS_HW_MMU_H

#include "base/types.h"
#include "hw/cache.h"
#include "hw/config.h"
#include "hw/physmem.h"
#include "hw/pte.h"
#include "hw/tlb.h"

#define TLBF_R 32u /* readable (teaching READ bit; always set on x86) */

enum xlate_status {
    XL_OK = 0,
    XL_NOT_PRESENT, /* a PTE on the walk has P=0 (level in xlate.level) */
    XL_PROTECTION,  /* present, but the access is not allowed (why in xlate.why) */
    XL_RESERVED,    /* PS set where the format does not allow a large page */
    XL_UNKNOWN,     /* a PTE the machine state does not give (textbook states) */
    XL_BAD_ADDRESS, /* va wider than the machine's VA */
};

/* Protection-fault reasons (bit set). */
#define WHY_WRITE 1u
#define WHY_USER 2u
#define WHY_EXEC 4u
#define WHY_READ 8u

/* One PTE read by a walk. Levels are numbered as in the textbook: 1 is the root. */
struct walk_step {
    unsigned level;
    uint64_t index;    /* the VPN field for this level */
    paddr_t pte_pa;    /* where the PTE was read */
    pte_t pte;         /* its value as read (before A/D updates) */
    bool known;        /* false: the state does not give this PTE */
    int cache_level;   /* cache level that served the read, CACHE_N = DRAM, -1 = not cached */
};

struct walk {
    unsigned nsteps;
    struct walk_step steps[MAX_LEVELS];
    unsigned psc_level; /* walk started below this level thanks to a PSC hit (0 = none) */
    unsigned memrefs;   /* PTE reads */
};

/* The outcome of translating one virtual address. */
struct xlate {
    enum xlate_status status;
    unsigned level;    /* XL_NOT_PRESENT / XL_RESERVED: textbook level of the PTE */
    unsigned why;      /* XL_PROTECTION: WHY_* bits; 0 otherwise */
    unsigned flags;    /* XL_OK: the translation's TLB flags (TLBF_*, TLBF_R); 0 otherwise */
    paddr_t pa;        /* XL_OK */
    int psz;           /* XL_OK: page size class (PSZ_*) */
    int tlb_level;     /* 0 = L1 TLB hit, 1 = L2 TLB hit, -1 = walked */
    bool walked;
    struct walk walk;  /* when walked */
};

struct psc_entry {
    uint64_t key; /* va >> index_shift of the level, 0 = empty (stored + 1) */
    pfn_t next;   /* next-level table frame */
    uint64_t stamp;
    uint16_t asid;
    uint8_t flags; /* accumulated TLBF_W/TLBF_U/TLBF_NX */
};

struct psc {
    uint32_t n;
    struct psc_entry *e;
};

struct mmu_stats {
    uint64_t tlb_hits[TLB_N], tlb_misses[TLB_N];
    uint64_t walks, walk_refs, walk_refs_level[MAX_LEVELS];
    uint64_t psc_hits[MAX_LEVELS], psc_misses[MAX_LEVELS];
    uint64_t ad_updates; /* A/D bits set in memory by the walker */
    uint64_t faults_not_present, faults_protection, faults_other;
    uint64_t accesses;   /* pieces sent through translation */
    uint64_t cycles;
};

/* The last hit-path access of one kind (see "the epoch" below), for callers that run
 * many accesses (mmu_access_last, mmu_last_hit): an access of the same kind within the
 * same `lshift` granule of virtual addresses, while m->epoch is unchanged and the line
 * still holds the block, hits the same TLB entry and the same line: only their LRU stamps
 * and the counters move. It needs no clearing: kept across calls, task switches and
 * faults, it is a repeat exactly when it should be. One per kind per MMU is enough
 * (m->last, shared by every caller); a caller may keep its own. A zeroed one is empty
 * (epoch 0 never matches: m->epoch starts at 1); so is one whose vblk a caller set to 0. */
struct mmu_last {
    uint64_t vblk;  /* (va >> lshift) + 1; 0 = empty */
    uint64_t epoch; /* m->epoch when recorded */
    struct tlb *t;
    struct tlb_entry *e;
    struct cache_level *l;
    struct cache_line *ln;
    uint64_t tag;    /* the block ln held (ln->tag) when recorded */
    uint64_t pdelta; /* pa - va on the page (mod 2^64) */
};

struct mmu {
    struct vms_config cfg;
    struct geometry g;
    const struct pte_format *fmt;
    struct physmem *pm;
    struct tlb tlb[TLB_N];
    int itlb; /* TLB_L1I, or TLB_L1D when there is no I-TLB */
    struct caches caches;
    struct psc psc[MAX_LEVELS]; /* indexed by textbook level - 1 of the entry cached */
    paddr_t root;               /* CR3: physical address of the root table */
    uint16_t asid;              /* current PCID/ASID */
    bool user;                  /* accesses are user-mode (U/S enforced): see mmu_set_user */
    /* The page tables are a simulated kernel's: pt_create_root and pt_map count the
     * zeroing of each new table page, the reads of the entries above the leaf and the
     * writes of the entries that link new tables as kernel traffic (mmu_kernel_touch,
     * mmu_kernel_pte); not the leaf, which their caller writes. False after mmu_init. */
    bool kernel_tables;
    struct mmu_stats st;
    uint64_t psc_clock;
    uint64_t va_hi; /* VA bits above va_bits (0 when va_bits = 64), set by mmu_init */
    /* The translation epoch (see "the epoch" below): 1 after mmu_init, never 0. */
    uint64_t epoch;
    /* The hit path's constants per access kind (load, store, fetch), set by mmu_init. */
    struct mmu_kind {
        /* Not char-sized: a char load must be redone after every store. 16 bytes. */
        uint16_t tlb;         /* the L1 TLB: TLB_L1D, or itlb for fetches */
        int16_t cache;        /* the first cache level (caches_first), -1 = none */
        uint16_t need, check; /* flags compared (need + forbidden) must equal need; U apart */
        uint32_t hit_cycles;  /* lat.tlb_l1 + lat.cache[cache] */
        uint32_t lshift;      /* the piece granule: min(first block, base page) (mmu_piece_shift) */
    } kind[3];
    /* The last hit of each access kind, for the callers of mmu_access_last and
     * mmu_last_hit (zeroed by mmu_init: empty). */
    struct mmu_last last[3];
};

/* ---- the epoch, and the last-hit shortcut it validates ----
 *
 * m->epoch is a counter that advances whenever a translation the hit path could use may
 * have changed: which L1 TLB entry a lookup finds for (va, m->asid), that entry's frame
 * and flags, and the permission check (m->user). It advances at:
 *   - mmu_load_cr3 (root and ASID: which entries match), mmu_set_user;
 *   - mmu_invlpg, mmu_flush_asid, mmu_flush_all (entries dropped);
 *   - every TLB change in mmu_translate: a fill from the L2 TLB or a walk (or an entry
 *     replaced in place after a re-walk), entries dropped after a fault (mmu_invlpg); so
 *     also in mmu_access_slow and the hit path's fallback to it;
 *   - mmu_epoch_advance, which code that changes an MMU's TLBs through tlb.h directly
 *     must call (textbook state loading, before any access, may skip it: nothing has
 *     been recorded yet).
 * tlb.c changes entries only in tlb_fill, tlb_set_entry, tlb_invalidate_page,
 * tlb_flush_nonglobal, tlb_flush_all and tlb_fini, and the MMU calls them only from the
 * functions above; so every event that changes an L1 TLB's gen also advances the epoch,
 * and one epoch compare replaces the compare of the TLB generation. It also covers what
 * that generation did not: a CR3 load with PCID changes which entries match (the ASID)
 * without touching the TLB.
 *
 * The cache side needs no epoch: the caches hold no translation, and whether a line still
 * holds its block is checked exactly, by its tag (struct mmu_last.tag). Lines are
 * replaced only by installs (a miss fills the levels on its path; write-backs go outwards;
 * outer levels are non-inclusive), which give the line a new tag, and invalidated only by
 * DMA (caches_dma_write), which gives it a tag no block has; a block is installed
 * only where no way holds it, so a line that kept its tag is still the one (lowest) way
 * the lookup would find. Only cache_set_line (textbook states) can invalidate a line in
 * place or place a duplicate: its callers advance the epoch (or load a state before any
 * access). Comparing the first level's generation instead (bumped by every replacement
 * of a valid line, of any block) forgot the last hits of the other kinds on every miss.
 *
 * What the hit path itself changes does not matter to a repeat: LRU stamps, dirty bits,
 * counters and the lookup memos.
 *
 * What does not advance the epoch: writing PTEs into memory (pt_write, or any physmem
 * write). As on x86 (SDM vol. 3 §4.10.4), the TLB is not coherent with page-table
 * writes: an entry stays usable after its PTE changed until INVLPG or a CR3 load drops
 * it, so the hit path keeps hitting it, and a repeat of the last hit, which stands for
 * exactly that TLB hit, gives the same result (tests/unit/test_tlb.c: a remap without
 * INVLPG keeps translating to the old frame, on every path). The kernel writes a PTE
 * without INVLPG only where no TLB entry can hold the old value (a fork child's PTEs,
 * under its own ASID before it ever ran; a placeholder leaf cleared before any access);
 * every other PTE write goes through kern_pte_set, which pairs it with mmu_invlpg, and
 * so with an epoch advance. */

/* Advance the epoch: after changing this MMU's TLBs other than through the mmu_*
 * functions, or its cache lines with cache_set_line (see "the epoch"). */
static inline void mmu_epoch_advance(struct mmu *m)
{
    m->epoch++;
}

/* Switch between user-mode (U/S enforced) and supervisor-mode accesses. */
static inline void mmu_set_user(struct mmu *m, bool user)
{
    m->user = user;
    mmu_epoch_advance(m);
}

/* Create from a config that config_check() accepted. unknown_mem: physical memory
 * bytes never written are unknown (textbook states). 0 or -VMS_ENOMEM. */
int mmu_init(struct mmu *m, const struct vms_config *c, bool unknown_mem, struct vms_error *e);
void mmu_fini(struct mmu *m);

/* CR3 load: switch to the space rooted at root with this ASID. Without PCID every
 * non-global TLB entry and all PSC entries are flushed (and the ASID used is 0). Always
 * advances the epoch, even to the same root and ASID. */
void mmu_load_cr3(struct mmu *m, paddr_t root, uint16_t asid);

/* Translate va for an access of kind k: TLBs, then a walk (which may set A/D bits).
 * Does not touch the data caches. Returns x->status. Advances the epoch when it fills,
 * replaces or drops a TLB entry (not on a plain hit). */
enum xlate_status mmu_translate(struct mmu *m, vaddr_t va, enum access_kind k, struct xlate *x);

/* The page walk alone (no TLB), from root. Sets A/D as hardware does when `update`.
 * Changes no TLB entry (the epoch stays). */
enum xlate_status mmu_walk(struct mmu *m, paddr_t root, vaddr_t va, enum access_kind k,
                           bool update, struct xlate *x);

/* Invalidate one page's translations (INVLPG) in the TLBs and PSCs for asid (0 without
 * PCID). Advances the epoch. */
void mmu_invlpg(struct mmu *m, vaddr_t va, uint16_t asid);
/* Drop every non-global TLB entry and every PSC entry tagged `asid`, in every TLB: an
 * address space that goes away or is rebuilt (exit, exec). The tag is taken as given:
 * without PCID every entry is tagged 0 (mmu_load_cr3), so a nonzero asid drops nothing
 * there, and the current space's entries stay. Global entries stay. Advances the epoch. */
void mmu_flush_asid(struct mmu *m, uint16_t asid);
/* Flush all TLBs and PSCs, global entries too. Advances the epoch. */
void mmu_flush_all(struct mmu *m);

/* A data access of `size` bytes at va within one cache block: translate, then the
 * caches. On success *pa is set. Counts cycles. The epoch: as mmu_translate. */
enum xlate_status mmu_access_slow(struct mmu *m, vaddr_t va, enum access_kind k, paddr_t *pa,
                                  struct xlate *x);

/* Required TLB flags per access kind, for the hit path: R for a load; W, D and R for a
 * store; nothing for a fetch; U in user mode. */
static inline unsigned mmu_need(const struct mmu *m, enum access_kind k)
{
    /* One byte per kind (load, store, fetch), so no branch on the kind. */
    _Static_assert(TLBF_R == 0x20 && (TLBF_W | TLBF_D | TLBF_R) == 0x31 && ACCESS_LOAD == 0 &&
                       ACCESS_STORE == 1 && ACCESS_FETCH == 2,
                   "mmu_need's table");
    unsigned need = (0x3120u >> (8 * (unsigned)k)) & 0xffu;
    return need | (m->user ? TLBF_U : 0);
}

/* The rest of mmu_access after an L1 TLB hit (already counted) whose first-level cache
 * missed (or when there is no cache): the hierarchy and the cycles. Changes no TLB entry
 * (the epoch stays; a struct mmu_last checks its line's tag). */
void mmu_access_miss(struct mmu *m, paddr_t pa, enum access_kind k);

/* ---- the accounting of a hit ----
 * Everything the machine counts for an access of kind k that hits entry e of its L1 TLB
 * t: e's LRU stamp (tlb_entry_hit), the TLB's hit counter and the access counter. Both
 * the hit path and a repeat of the last hit (mmu_last_hit) count through this. */
HOT_INLINE void mmu_count_tlb_hit(struct mmu *m, enum access_kind k, struct tlb *t,
                                  struct tlb_entry *e)
{
    tlb_entry_hit(t, e);
    m->st.tlb_hits[m->kind[k].tlb]++;
    m->st.accesses++;
}

/* ... then, when the first cache level l hits too (line ln): the line's LRU stamp and
 * dirty bit (cache_line_hit) and the cycles of the whole hit. */
HOT_INLINE void mmu_count_line_hit(struct mmu *m, enum access_kind k, struct cache_level *l,
                                   struct cache_line *ln)
{
    cache_line_hit(l, ln, k == ACCESS_STORE);
    m->st.cycles += m->kind[k].hit_cycles;
}

/* Both: an access that hits the L1 TLB (entry e of t) and the first cache level (line ln
 * of l). */
HOT_INLINE void mmu_count_hit(struct mmu *m, enum access_kind k, struct tlb *t,
                              struct tlb_entry *e, struct cache_level *l, struct cache_line *ln)
{
    mmu_count_tlb_hit(m, k, t, e);
    mmu_count_line_hit(m, k, l, ln);
}

/* The hit path: an L1 TLB hit on a base page with sufficient permissions, then the
 * first-level cache. Falls back to mmu_access_slow for everything else. No indirect
 * calls, no allocation. With `last`, a hit of both is recorded there (see struct
 * mmu_last); anything else leaves it as it was, still valid for its own granule while
 * the epoch and its line's tag hold; a NULL `last` folds away. */
HOT_INLINE enum xlate_status mmu_access_hit_(struct mmu *m, vaddr_t va, enum access_kind k,
                                             paddr_t *pa, struct xlate *x, struct mmu_last *last)
{
    const struct mmu_kind *mk = &m->kind[k];
    struct tlb *t = &m->tlb[mk->tlb];
    struct tlb_array *a = &t->arr[PSZ_BASE];
    unsigned u = m->user ? TLBF_U : 0, shift = a->shift;
    uint64_t vpn = va >> shift;
    struct tlb_memo *mo = &t->memo[vpn % TLB_MEMO_N];
    struct tlb_entry *e = NULL;
    /* Same page, same space, no TLB change since: the lookup would find the same entry
     * (and the page passed the width check then). */
    if (mo->key == vpn + 1 && mo->gen == t->gen && mo->asid == m->asid) {
        e = mo->e;
    } else if (LIKELY(!(va & m->va_hi)) && (e = tlb_array_find(a, vpn, m->asid))) {
        /* (The width check also keeps va_bits = 64 free of a shift by 64.) */
        *mo = (struct tlb_memo){vpn + 1, t->gen, e, m->asid};
    }
    if (LIKELY(e && (e->flags & (mk->check | u)) == (mk->need | u))) {
        paddr_t p = (e->pfn << shift) | (va & ((UINT64_C(1) << shift) - 1));
        mmu_count_tlb_hit(m, k, t, e);
        *pa = p;
        struct cache_level *l = &m->caches.lvl[mk->cache < 0 ? 0 : mk->cache];
        struct cache_line *ln = NULL;
        if (LIKELY(mk->cache >= 0))
            ln = cache_l1_line(l, p);
        if (LIKELY(ln)) {
            mmu_count_line_hit(m, k, l, ln);
            if (last)
                *last = (struct mmu_last){(va >> mk->lshift) + 1, m->epoch, t, e, l, ln,
                                          ln->tag, p - va};
        } else {
            mmu_access_miss(m, p, k);
        }
        return XL_OK;
    }
    return mmu_access_slow(m, va, k, pa, x);
}

HOT_INLINE enum xlate_status mmu_access(struct mmu *m, vaddr_t va, enum access_kind k,
                                       paddr_t *pa, struct xlate *x)
{
    return mmu_access_hit_(m, va, k, pa, x, NULL);
}

/* A repeat of the last hit of kind k (see struct mmu_last) at va, whose access lies
 * within one `lshift` granule (mmu_piece_shift): true after counting what the hit path
 * counts for that TLB entry and line (mmu_count_hit); false (nothing done) when it is
 * not a repeat: another granule or kind, the epoch moved on, or the line was replaced.
 * Three compares: the granule, the epoch, the line's tag. */
HOT_INLINE bool mmu_last_hit(struct mmu *m, const struct mmu_last *last, vaddr_t va,
                             enum access_kind k)
{
    if (last->vblk != (va >> m->kind[k].lshift) + 1 || last->epoch != m->epoch ||
        last->ln->tag != last->tag)
        return false;
    mmu_count_hit(m, k, last->t, last->e, last->l, last->ln);
    return true;
}

/* The physical address of va on the page of a repeat of *last. */
static inline paddr_t mmu_last_pa(const struct mmu_last *last, vaddr_t va)
{
    return va + last->pdelta;
}

/* mmu_access for a caller that keeps the last hit of kind k in *last (see struct
 * mmu_last): a repeat of it skips both lookups; any other access goes through the hit
 * path, which records its hits in *last. */
HOT_INLINE enum xlate_status mmu_access_last(struct mmu *m, vaddr_t va, enum access_kind k,
                                             paddr_t *pa, struct xlate *x, struct mmu_last *last)
{
    if (mmu_last_hit(m, last, va, k)) {
        *pa = mmu_last_pa(last, va);
        return XL_OK;
    }
    return mmu_access_hit_(m, va, k, pa, x, last);
}

/* ---- the kernel's own memory traffic (docs/machines.md, "Kernel memory traffic") ----
 * What the kernel does to memory besides the program's references: zeroing and copying
 * frames, reading and writing PTEs, and the DMA of swap and file I/O. The kernel reaches
 * memory through its direct map, modelled as physical addressing: no TLB lookup, no walk,
 * no cycles (the fault latencies stand for the kernel's time). The caches count it in
 * their kernel columns (struct caches kst, kdram_*). Every function here does nothing when
 * cfg.kernel_traffic is off; none is on the hit path. None advances the epoch: lines they
 * replace or invalidate change their tags, which a struct mmu_last checks. */

/* Kernel loads (write false) or stores of [pa, pa + len): one access per block of the
 * first data cache level. */
void mmu_kernel_touch(struct mmu *m, paddr_t pa, uint64_t len, bool write);
/* A kernel copy of len bytes from src to dst, block by block: a load of each source
 * block, then a store of the destination's. */
void mmu_kernel_copy(struct mmu *m, paddr_t dst, paddr_t src, uint64_t len);
/* A PTE the kernel reads or writes: through the caches only on machines whose walks go
 * through them (walk_through_cache), as the walker's reads do. */
void mmu_kernel_pte(struct mmu *m, paddr_t pte_pa, bool write);
/* The kernel zeroes page-table memory [pa, pa + len) (a new table, a cleared root): stores
 * as mmu_kernel_touch, on the machines where mmu_kernel_pte goes through the caches. */
void mmu_kernel_table_zero(struct mmu *m, paddr_t pa, uint64_t len);
/* Coherent DMA (caches_dma_write, caches_dma_read): a device writes [pa, pa + len) into
 * memory (swap-in, a file read) or reads it from memory (swap-out, a file write-back). */
void mmu_dma_to_memory(struct mmu *m, paddr_t pa, uint64_t len);
void mmu_dma_from_memory(struct mmu *m, paddr_t pa, uint64_t len);
/* Lines of [pa, pa + len) invalidated with nothing counted: a frame given content the
 * model does not move (a frame-per-page first touch, docs/kernel.md). */
void mmu_kernel_forget(struct mmu *m, paddr_t pa, uint64_t len);

/* ---- splitting an access into block pieces ----
 * An access goes to the TLB and the caches in pieces, each within one block of its kind's
 * first cache level (within one base page when there is no cache: blocks are never larger
 * than pages), as hardware splits a misaligned access. */

/* The piece granule of kind k: pieces never cross a multiple of 2^mmu_piece_shift. */
static inline unsigned mmu_piece_shift(const struct mmu *m, enum access_kind k)
{
    return m->kind[k].lshift;
}

/* The pieces of one access, handed out in address order by mmu_piece_next. */
struct mmu_pieces {
    vaddr_t va;    /* the next piece's address */
    uint64_t left; /* bytes not yet handed out */
    uint64_t mask; /* 2^mmu_piece_shift - 1 */
};

/* Start splitting an access of kind k of `size` bytes at va (size 0 touches one byte,
 * as a trace record of size 0 does). */
static inline struct mmu_pieces mmu_pieces(const struct mmu *m, enum access_kind k, vaddr_t va,
                                           uint64_t size)
{
    return (struct mmu_pieces){va, size ? size : 1, (UINT64_C(1) << mmu_piece_shift(m, k)) - 1};
}

/* The next piece of *p: its address in *va and its length in *len (at least 1, at most
 * one block, never crossing a block boundary); false when none is left. An access that
 * runs past the top of the address space wraps: the piece after one ending at 2^64 - 1
 * starts at 0 (the MMU then translates it, or refuses it if wider than the VA). */
static inline bool mmu_piece_next(struct mmu_pieces *p, vaddr_t *va, unsigned *len)
{
    if (!p->left)
        return false;
    uint64_t room = (~p->va & p->mask) + 1; /* to the end of the block */
    unsigned n = (unsigned)(room < p->left ? room : p->left); /* <= a page: <= 2^30 */
    *va = p->va;
    *len = n;
    p->va += n;
    p->left -= n;
    return true;
}

/* ---- page-table editing, as a kernel does it: by writing PTEs into memory ---- */

/* Allocator for page-table pages. The default hands out frames from the top of the
 * physical address space downwards (or, on machines too small to hold their tables,
 * from just above it: the book's 4 KiB machine does not say where its table lives). */
struct pt_alloc {
    pfn_t (*alloc)(void *ctx, unsigned npages); /* returns first pfn, or (pfn_t)-1 */
    void *ctx;
};

/* A fresh, zeroed root table; returns its physical address, or -VMS_ENOMEM. */
int pt_create_root(struct mmu *m, const struct pt_alloc *al, paddr_t *root);
/* Map the page (class psz) containing va to frame pfn with the given leaf info
 * (present is implied), creating intermediate tables (writable, user, executable:
 * permissions live in the leaf). 0, -VMS_ENOMEM, or -VMS_EINVAL (a larger leaf is in
 * the way, or psz unsupported). */
int pt_map(struct mmu *m, const struct pt_alloc *al, paddr_t root, vaddr_t va, int psz,
           pfn_t pfn, const struct pte_info *leaf, struct vms_error *e);
/* The physical address of the leaf PTE mapping va (0 when a table on the way is
 * missing), and its size class. No A/D side effects, no cache traffic. */
paddr_t pt_lookup(struct mmu *m, paddr_t root, vaddr_t va, int *psz);
/* pt_lookup as the kernel's software walk: every entry above the leaf that it reads is a
 * kernel load (mmu_kernel_pte); the leaf is not read. */
paddr_t pt_lookup_kernel(struct mmu *m, paddr_t root, vaddr_t va, int *psz);
/* Read/write a PTE at a physical address in the machine's format. */
pte_t pt_read(struct mmu *m, paddr_t pte_pa);
int pt_write(struct mmu *m, paddr_t pte_pa, pte_t v);

/* Checkpoints: the machine's whole state (CR3 and PCID, counters, TLBs, caches, PSCs,
 * physical memory). load expects an MMU made by mmu_init from the same configuration; 0,
 * or -VMS_ENOMEM; bad input marks d bad (the MMU is then only fit for mmu_fini). */
int mmu_save(const struct mmu *m, struct ser *s);
int mmu_load(struct mmu *m, struct deser *d);

#endif
