/* Machine configuration: presets and the one key list (docs/machines.md).
 * A config is plain data; vms_config_check() decides whether the geometry can exist.
 * Every parameter is reachable by a key (`tlb.l1d=64:4`), the same everywhere. */
#ifndef VMS_HW_CONFIG_H
#define VMS_HW_CONFIG_H

#include "base/types.h"
#include "vmsim.h"

#define MAX_LEVELS 5 /* page-table levels (x86-64 LA57) */

enum pte_fmt {
    PTE_FMT_TEACH = 0, /* CSAPP teaching PTE: valid, PPN, SUP/READ/WRITE/EXEC (+A/D) */
    PTE_FMT_X86_32,    /* 4-byte x86-32 (non-PAE) PTE: no XD */
    PTE_FMT_X86_64,    /* 8-byte x86-64 PTE */
};

enum repl {
    REPL_LRU = 0,
    REPL_FIFO,
    REPL_RANDOM, /* seeded */
};

/* TLB structures: split L1 (data, instruction) and a unified L2 (STLB).
 * A machine without an L1 I-TLB translates fetches through the L1 D-TLB. */
enum { TLB_L1D = 0, TLB_L1I, TLB_L2, TLB_N };
/* Page sizes a TLB array holds: the base page, a leaf one level up (2 MiB on
 * x86-64, 4 MiB on x86-32), a leaf two levels up (1 GiB on x86-64). */
enum { PSZ_BASE = 0, PSZ_MID, PSZ_BIG, PSZ_N };
/* Cache levels. A machine without an L1i sends fetches to the L1d. */
enum { CACHE_L1D = 0, CACHE_L1I, CACHE_L2, CACHE_L3, CACHE_N };

struct tlb_cfg {
    uint32_t entries; /* 0: absent */
    uint32_t ways;
};

struct cache_cfg {
    uint64_t size;  /* bytes; 0: absent */
    uint32_t ways;  /* associativity */
    uint32_t block; /* block (line) size in bytes */
};

struct latency_cfg {
    uint32_t tlb_l1, tlb_l2;   /* cycles for a TLB lookup at that level */
    uint32_t cache[CACHE_N];   /* cycles for a hit at each cache level */
    uint32_t dram;             /* cycles for a DRAM access */
    uint64_t minor_fault;      /* cycles the kernel spends on a minor fault */
    uint64_t major_fault;      /* cycles for a major fault (disk) */
};

struct vms_config {
    char name[32];       /* preset it started from */
    unsigned va_bits;    /* virtual address width */
    unsigned pa_bits;    /* physical address width */
    unsigned page_shift; /* log2 of the base page size */
    unsigned levels;     /* page-table levels */
    enum pte_fmt pte_fmt;
    struct tlb_cfg tlb[TLB_N][PSZ_N];
    enum repl tlb_repl;
    struct cache_cfg cache[CACHE_N];
    enum repl cache_repl;
    bool walk_through_cache; /* page-walk PTE reads go through the data caches */
    bool kernel_traffic;     /* the kernel's memory work goes through the caches (mmu.h) */
    bool psc;                /* paging-structure caches on */
    uint32_t psc_entries[MAX_LEVELS]; /* per non-leaf level, counted from the leaf: [1]=PDE ... */
    bool pcid;               /* TLB entries survive a CR3 load (tagged by ASID/PCID) */
    bool large_pages;        /* PS leaves allowed above the last level */
    struct latency_cfg lat;
    uint64_t seed; /* for random replacement */
};

/* Derived geometry, computed by config_geometry() from a checked config. */
struct geometry {
    unsigned pte_size;                 /* bytes per PTE */
    unsigned index_bits[MAX_LEVELS];   /* VPN field width per level, [0] = level 1 (root) */
    unsigned index_shift[MAX_LEVELS];  /* lowest VA bit of each level's field */
    unsigned entries_per_page;         /* PTEs in one table page */
    unsigned root_pages;               /* pages the root table occupies (> 1 on 1-level machines) */
    unsigned psz_shift[PSZ_N];         /* log2 size of base / mid / big pages (0 = unsupported) */
};

int config_preset(struct vms_config *c, const char *name, struct vms_error *e);
/* Apply KEY=VALUE (or key and value separately); errors name the key and what was expected. */
int config_set(struct vms_config *c, const char *key, const char *value, struct vms_error *e);
/* Check that the geometry can exist; fills g when non-NULL. */
int config_check(const struct vms_config *c, struct geometry *g, struct vms_error *e);

/* The key list, for `vmsim machines --keys`. */
struct config_key_info {
    const char *key;
    const char *meaning;
};
size_t config_key_count(void);
const struct config_key_info *config_key(size_t i);
/* Current value of a key in c, formatted as the key's syntax. */
void config_get(const struct vms_config *c, const char *key, char *buf, size_t n);

const char *tlb_name(int which);
const char *cache_name(int which);

#endif
