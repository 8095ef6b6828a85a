/* The one statistics schema (docs/statistics.md). Every command that prints
 * statistics fills a struct stats and prints it through stats_print, so text, JSON and
 * CSV always carry the same dotted keys ("tlb.l1d.hits"). Absent parts of a machine
 * (no L2 TLB, no L3) are left out. */
#ifndef VMS_REPORT_STATS_H
#define VMS_REPORT_STATS_H

#include "hw/config.h"
#include "vmsim.h"

#include <stdio.h>

struct stats {
    /* references by kind, per trace record / program access, before splitting */
    uint64_t references, ifetches, loads, stores, split;
    bool tlb_present[TLB_N];
    uint64_t tlb_hits[TLB_N], tlb_misses[TLB_N];
    unsigned levels;
    uint64_t walks, walk_refs, walk_refs_level[MAX_LEVELS];
    bool psc;
    uint64_t psc_hits[MAX_LEVELS], psc_misses[MAX_LEVELS];
    uint64_t ad_updates;
    /* faults as the kernel resolved them */
    uint64_t faults_minor, faults_major, faults_cow, faults_zero_fill, faults_swap_in,
        faults_file_read, faults_segv_maperr, faults_segv_accerr, faults_sigbus;
    /* faults as the MMU raised them */
    uint64_t hw_not_present, hw_protection;
    bool cache_present[CACHE_N];
    uint64_t cache_hits[CACHE_N], cache_misses[CACHE_N], cache_writebacks[CACHE_N];
    uint64_t dram_reads, dram_writes;
    uint64_t swap_ins, swap_outs, file_writebacks;
    uint64_t cycles;
};

/* Print in one format. csv_header: print the header row first (CSV only). */
void stats_print(const struct stats *s, FILE *out, enum vms_format fmt, bool csv_header);
/* Look a dotted key up; false when there is no such key. */
bool stats_get(const struct stats *s, const char *key, double *value);
/* dst += now - then for every counter (presence flags and levels are taken from now).
 * With then == NULL: dst += now. Used to attribute hardware counters to processes. */
void stats_accumulate(struct stats *dst, const struct stats *now, const struct stats *then);
/* Average memory access time in cycles per reference. */
double stats_amat(const struct stats *s);

#endif
