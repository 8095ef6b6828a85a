/* The one statistics schema (docs/statistics.md). Every command that prints
 * statistics fills a struct stats and prints it through stats_print, so text, JSON and
 * CSV always carry the same dotted keys ("tlb.l1d.hits"). Absent parts of a machine
 * (no L2 TLB, no L3) are left out. */
#ifndef VMS_REPORT_STATS_H
#define VMS_REPORT_STATS_H

#include "base/ser.h"
#include "hw/config.h"
#include "vmsim.h"

#include <stdio.h>

struct stats {
    /* references by kind, per trace record / program access, before splitting */
    uint64_t references, ifetches, loads, stores, split;
    /* runs of several processes (vmsim trace): CR3 loads that changed the running
     * process (per process: the times it was switched to); printed only when set */
    bool has_switches;
    uint64_t context_switches;
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
    /* The kernel's own memory traffic (docs/machines.md, "Kernel memory traffic"), apart
     * from the program's above: cache.LEVEL.kernel.* and cache.dram.kernel.*, printed when
     * the machine has it (kernel_traffic on). */
    bool kernel_traffic;
    uint64_t kcache_hits[CACHE_N], kcache_misses[CACHE_N], kcache_writebacks[CACHE_N];
    uint64_t kdram_reads, kdram_writes;
    uint64_t swap_ins, swap_outs, file_writebacks;
    /* I/O errors survived (docs/kernel.md "I/O errors"): swap-outs and file write-backs
     * that failed (the page stayed resident and dirty), swap-ins that failed (SIGBUS) */
    uint64_t swap_out_errors, swap_in_errors, writeback_errors;
    /* Residency (docs/statistics.md, "Residency"): memory.*, printed when `residency` is set
     * (a kernel filled them). A snapshot, not a counter: stats_accumulate leaves them alone.
     * Frames (pages): resident, shared with another process, page-cache pages; bytes: RSS
     * and PSS as Linux's /proc/PID/smaps defines them. */
    bool residency;
    uint64_t mem_resident, mem_shared, mem_page_cache, mem_rss, mem_pss;
    uint64_t cycles;
};

/* Checkpoints: the whole struct (load checks its flags; bad input marks d bad). */
void stats_save(const struct stats *st, struct ser *s);
void stats_load(struct stats *st, struct deser *d);

/* Print in one format. csv_header: print the header row first (CSV only). */
void stats_print(const struct stats *s, FILE *out, enum vms_format fmt, bool csv_header);
/* Look a dotted key up; false when there is no such key. */
bool stats_get(const struct stats *s, const char *key, double *value);
struct mmu;
/* Sets every hardware counter of s (TLBs, walks, PSCs, faults the MMU raised, caches,
 * DRAM, cycles) and the presence flags from the machine m; other fields are left alone. */
void stats_from_mmu(struct stats *s, const struct mmu *m);
/* dst += now - then for every counter (presence flags and levels are taken from now).
 * With then == NULL: dst += now. Used to attribute hardware counters to processes. */
void stats_accumulate(struct stats *dst, const struct stats *now, const struct stats *then);
/* Average memory access time in cycles per reference. */
double stats_amat(const struct stats *s);

/* Every key of s in schema order with its value (integer: printed without decimals). */
typedef void (*stats_visit_fn)(void *ctx, const char *key, double value, bool integer);
void stats_visit(const struct stats *s, stats_visit_fn fn, void *ctx);
/* Every key the schema can have (a machine with every TLB, cache, PSC and MAX_LEVELS
 * levels), in schema order: the canonical column order when CSV files of different
 * machines are merged. */
void stats_all_keys(stats_visit_fn fn, void *ctx);
/* Whether key is one the schema can have. */
bool stats_is_key(const char *key);

/* ---- runs of several processes (vmsim trace) */

/* One process of a run: its trace file and statistics. */
struct stats_proc {
    int pid;
    const char *trace;  /* file name as given ("-" = standard input) */
    bool killed;        /* ended by the out-of-memory killer */
    const struct stats *s;
};

/* One input of a run: its identity (docs/statistics.md, "Provenance"). */
struct stats_input {
    const char *path, *format, *compression;
    uint64_t bytes, hash; /* decompressed bytes read, their hash (trace/input.h) */
    bool complete;        /* the whole stream was read */
    bool pending;         /* still being read (a time-series row): bytes and hash unknown,
                             empty CSV cells */
};

/* One machine key and its value, as the key's syntax writes it. */
struct stats_kv {
    const char *key;
    char value[64];
};

/* Everything that determines a run's result. */
struct stats_prov {
    const char *machine;           /* the preset */
    const struct stats_kv *config; /* every machine key */
    size_t nconfig;
    const char *changed;           /* "KEY=VALUE ..." that differ from the preset, or "" */
    uint64_t memory, swap, seed, tau, quantum;
    const char *policy, *page_model;
    bool pcid;
    const struct stats_input *inputs; /* inputs[i]: process i + 1's */
    size_t ninputs;
    /* A machine without a kernel (vmsim translate): "run" holds machine and config only,
     * not memory, swap, policy, params, page_model, quantum, pcid. */
    bool machine_only;
    const char *run_extra; /* JSON members appended to "run" ("\"k\":v,..."), or NULL */
};

/* The machine part of a provenance: every key of cfg with its value (*config, *n of them)
 * and the "KEY=VALUE ..." that differ from its preset (*changed, "" if none); the caller
 * frees *config and *changed with vms_free. -VMS_ENOMEM on host OOM (nothing to free). */
int stats_prov_machine(const struct vms_config *cfg, struct stats_kv **config, size_t *n,
                       char **changed, struct vms_error *e);
/* The provenance as JSON members: "vmsim":{...},"run":{...},"inputs":[...], each followed by
 * a comma (the caller continues the object). */
void stats_prov_json(const struct stats_prov *p, FILE *out);
/* The provenance CSV columns: their names, and the values with inputs [first, first + n)
 * (each field of several inputs joined by commas), each preceded by a comma. */
void stats_prov_csv_head(const struct stats_prov *p, FILE *out);
void stats_prov_csv_values(const struct stats_prov *p, size_t first, size_t n, FILE *out);

/* What a run's output says besides the statistics: how it ended (docs/statistics.md,
 * "Status") and, with prov, where it came from. */
struct stats_meta {
    unsigned marks; /* VMS_MARK_* of the whole run */
    size_t killed;  /* processes the out-of-memory killer ended */
    const unsigned *proc_marks;    /* proc_marks[i]: VMS_MARK_* of procs[i] */
    const struct stats_prov *prov; /* NULL: none printed */
};

/* A run: the total and its processes, in one format.
 *  - text: a table, one key per line, columns total and each process (one column when
 *    there is one process);
 *  - JSON: one object, the total's keys, then "processes": [{"pid", "trace", "killed",
 *    the same keys}, ...];
 *  - CSV: columns process,trace then the keys; a row "total" (trace: every file, joined
 *    by commas), then one row per process (process = its pid).
 * partial: the run stopped early (an error); JSON then starts with "partial": true and
 * text with a line saying so (CSV has no place for it: the caller says it on stderr).
 * csv_header: print the CSV header row first. */
void stats_print_run(const struct stats *total, const struct stats_proc *procs, size_t n,
                     bool partial, FILE *out, enum vms_format fmt, bool csv_header);
/* The same with the run's status (meta != NULL; partial = VMS_MARK_PARTIAL in its marks):
 *  - JSON: "status" (the word of vms_status_name) and "killed" (a count) after "partial",
 *    and in each process "status" after "killed";
 *  - CSV: columns status and killed after trace (killed: 0 or 1 in a process's row);
 *  - text: a first line "status: WORD" when the run is not ok. */
void stats_print_result(const struct stats *total, const struct stats_proc *procs, size_t n,
                        const struct stats_meta *meta, FILE *out, enum vms_format fmt,
                        bool csv_header);

/* One CSV row of the total preceded by leading columns (names[i] = values[i]): the row
 * of a sweep run. header: print the header row first. */
void stats_print_row(const struct stats *s, const char *const *names,
                     const char *const *values, size_t n, FILE *out, bool header);
/* The same with the run's status, killed count and provenance columns after the leading
 * ones (the inputs' fields joined by commas). */
void stats_print_result_row(const struct stats *s, const char *const *names,
                            const char *const *values, size_t n, const struct stats_meta *meta,
                            FILE *out, bool header);

/* Output helpers: a JSON string literal (quoted, escaped), a CSV field (quoted when it
 * holds a comma, quote, CR or LF, RFC 4180). */
void stats_json_string(FILE *out, const char *s);
void stats_csv_field(FILE *out, const char *s);

#endif
