/* vmsim — the public API of libvmsim, version 1.0 (docs/api.md).
 *
 * Everything the command-line tool does goes through this header and nothing else.
 * Library functions never print (except to a FILE * the caller hands them), never
 * exit and never abort on bad input: they return a negative VMS_E* code and fill a
 * struct vms_error with a message.
 *
 * One shape for every object X: `int vms_X_create(..., struct vms_X **out, struct
 * vms_error *e)` returns 0 and sets *out, or returns a negative VMS_E* code and sets *out
 * to NULL; `void vms_X_destroy(struct vms_X *)` accepts NULL. One shape for every printer:
 * `int vms_X_print(const struct vms_X *, FILE *, enum vms_format, struct vms_error *)`
 * (plus arguments saying what to print) returns 0, or -VMS_EIO when the FILE reports a
 * write error (ferror) after printing, or -VMS_EINVAL for a format it does not print.
 */
#ifndef VMSIM_H
#define VMSIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- version */

/* The API version this header declares (semantic versioning: docs/api.md says what stays
 * compatible). */
#define VMS_VERSION_MAJOR 1
#define VMS_VERSION_MINOR 0
#define VMS_VERSION_PATCH 0

/* The version of the library linked in, "MAJOR.MINOR.PATCH" ("1.0.0"). */
const char *vms_version(void);
/* What this build can read: the compression libraries compiled in, comma-separated
 * ("zlib,liblzma" or "zlib,liblzma,libzstd"). */
const char *vms_build(void);

/* ---------------------------------------------------------------- errors */

enum vms_code {
    VMS_OK = 0,
    VMS_EINVAL = 1,      /* bad input: the message says where and what was expected */
    VMS_ENOMEM = 2,      /* host out of memory */
    VMS_EIO = 3,         /* host i/o error */
    VMS_EUNSUPPORTED = 4 /* feature not available in this build or on this host */
};

struct vms_error {
    int code;       /* enum vms_code */
    char msg[1024]; /* "FILE:LINE:COL: what was expected" or "--option: ..." */
};

/* A short name of a code, positive or negative ("invalid input", ...). */
const char *vms_strerror(int code);

/* A size as every option takes it: a number (decimal or 0x-hex) with an optional K/KiB,
 * M/MiB or G/GiB suffix (powers of two). false when malformed or too large. */
bool vms_parse_size(const char *s, uint64_t *out);

/* Result files (every output file the CLI writes goes through these): written to a
 * temporary file beside the target and renamed over it by commit, after fsync, so a failed
 * or abandoned run leaves an old result as it was and never a half-written file; a target
 * that exists and is not a regular file (/dev/null, a terminal, a FIFO) is written in
 * place, "-" is standard output. A new file gets mode 0666 less the umask, a replaced one
 * keeps its mode; a symlink is kept and the file it points to replaced (a hard link to the
 * old file keeps the old contents). open refuses an output that is an existing file which
 * is also one of the n inputs — compared by device and inode, so links and other spellings
 * count; input "-" is standard input — with -VMS_EINVAL "OUT: is also an input (IN)". */
struct vms_output;
int vms_output_open(const char *path, const char *const *inputs, size_t n,
                    struct vms_output **out, struct vms_error *e);
/* The same check alone: 0, or -VMS_EINVAL "OUT: is also an input (IN)". */
int vms_output_check(const char *path, const char *const *inputs, size_t n,
                     struct vms_error *e);
FILE *vms_output_stream(struct vms_output *o); /* NULL when out of host memory */
/* The file another program should write (the temporary file, or the target written in
 * place): a gnuplot script's "set output", say. */
const char *vms_output_path(const struct vms_output *o);
/* Flush, fsync, rename over the target; on failure remove the temporary file (-VMS_EIO
 * "OUT: write error (why)"). Frees o either way (NULL: 0). */
int vms_output_commit(struct vms_output *o, struct vms_error *e);
/* Discard: remove the temporary file, leave the target as it was; frees o (NULL-safe). */
void vms_output_abort(struct vms_output *o);
/* Remove the temporary file of every output still open, without freeing anything:
 * async-signal-safe, for a handler of a fatal signal. */
void vms_output_abort_all(void);

/* Whole input files: path ("-" = standard input) into *buf, NUL-terminated (*len bytes,
 * the NUL not counted; release with vms_read_file_free). More than max bytes is -VMS_EINVAL
 * "PATH: WHAT larger than N MiB", so an endless input (a pipe from /dev/zero) fails instead
 * of growing the process; the open never blocks (a FIFO without a writer reads as empty).
 * regular: a path that is not a regular file (a device, FIFO, directory) is -VMS_EINVAL
 * "PATH: not a regular file (...)" (standard input may still be a pipe). */
int vms_read_file(const char *path, const char *what, size_t max, bool regular, char **buf,
                  size_t *len, struct vms_error *e);
void vms_read_file_free(char *buf); /* NULL-safe */

/* Output formats shared by every printer. */
enum vms_format { VMS_TEXT = 0, VMS_JSON = 1, VMS_CSV = 2 };

/* Plots (miss-ratio curves, working-set size over time, --interval time series): how an
 * axis is scaled, and what every plotting function takes. AUTO makes an axis
 * logarithmic (decade ticks) where its positive values span more than two decades, else
 * linear; on a logarithmic axis points <= 0 are left out. */
enum vms_plot_scale { VMS_PLOT_AUTO = 0, VMS_PLOT_LINEAR = 1, VMS_PLOT_LOG = 2 };
struct vms_plot_opts {
    const char *title;    /* first line; NULL = the plot's own ("Miss-ratio curve", ...) */
    const char *subtitle; /* second line, what was measured (trace, page size, machine);
                           * NULL = none */
    enum vms_plot_scale x, y;
    const char *png;      /* NULL: write an SVG document; else write a gnuplot script that
                           * draws the same plot into the PNG file png (feed it to gnuplot
                           * on standard input) */
};

/* Parameters of a replacement policy, the same for every option struct that names a policy
 * (pages, mrc, tracesim, kernel). A policy reads the ones it understands; 0 = its default. */
struct vms_policy_params {
    uint64_t seed; /* random, nru (0 = 1) */
    uint64_t tau;  /* ws, wsclock: window in references (pages' ws requires one) */
    unsigned bits; /* aging: counter width 1..32 (0 = 8); pages and mrc only */
    uint32_t tick; /* references between policy ticks (0 = the policy's); pages and mrc only */
};

/* ---------------------------------------------------------------- machines (hw) */
/* section: machine — config presets, keys, the machine itself */

/* The preset a machine starts from when none is named (vms_config_create(NULL), `vmsim
 * run` scenarios without a `machine` line, the CLI's --machine default). */
#define VMS_DEFAULT_MACHINE "core-i7"

/* A machine configuration: a preset plus KEY=VALUE overrides (`vmsim machines --keys`). */
struct vms_config;
/* The preset named `preset` (NULL = "core-i7"); -VMS_EINVAL for an unknown preset. */
int vms_config_create(const char *preset, struct vms_config **out, struct vms_error *e);
void vms_config_destroy(struct vms_config *c);
/* An independent copy of c; -VMS_ENOMEM. */
int vms_config_clone(const struct vms_config *c, struct vms_config **out, struct vms_error *e);
/* Set KEY to VALUE; -VMS_EINVAL naming the key for an unknown key or a malformed value.
 * Values are checked one by one; the whole geometry by vms_config_check. */
int vms_config_set(struct vms_config *c, const char *key, const char *value, struct vms_error *e);
/* "KEY=VALUE" in one string. */
int vms_config_set_kv(struct vms_config *c, const char *kv, struct vms_error *e);
/* 0 when the geometry can exist, else -VMS_EINVAL naming the key. */
int vms_config_check(const struct vms_config *c, struct vms_error *e);
const char *vms_config_name(const struct vms_config *c);
uint64_t vms_config_page_size(const struct vms_config *c);
unsigned vms_config_va_bits(const struct vms_config *c);
/* Current value of KEY into buf (n bytes, truncated, NUL-terminated when n > 0), as the
 * key's syntax writes it; -VMS_EINVAL (buf "") for an unknown key. */
int vms_config_get(const struct vms_config *c, const char *key, char *buf, size_t n,
                   struct vms_error *e);
/* The address-bit breakdown, as the textbook draws it (`vmsim machines NAME`); -VMS_EINVAL
 * when the geometry cannot exist, -VMS_EIO on a write error. */
int vms_config_describe(const struct vms_config *c, FILE *out, struct vms_error *e);

/* Presets and keys by index (0-based); NULL past the end. */
size_t vms_preset_count(void);
const char *vms_preset_name(size_t i);
const char *vms_preset_summary(size_t i);
size_t vms_config_key_count(void);
const char *vms_config_key_name(size_t i);
const char *vms_config_key_meaning(size_t i);

/* A machine: physical memory, MMU, TLBs, caches; address spaces with page tables in
 * that memory. Without a kernel, mappings are installed explicitly with vms_map. */
struct vms_machine;
/* c must pass vms_config_check (it is copied). */
int vms_machine_create(const struct vms_config *c, struct vms_machine **out,
                       struct vms_error *e);
void vms_machine_destroy(struct vms_machine *m);

/* A new address space (its own root table and ASID); returns its id (>= 0), or
 * -VMS_ENOMEM. The first space made becomes the current one. */
int vms_space_create(struct vms_machine *m, struct vms_error *e);
/* Make a space current (a CR3 load); -VMS_EINVAL for an id never returned. */
int vms_space_switch(struct vms_machine *m, int space, struct vms_error *e);

#define VMS_PROT_READ 1u
#define VMS_PROT_WRITE 2u
#define VMS_PROT_EXEC 4u
#define VMS_MAP_GLOBAL 1u     /* G bit: the translation survives CR3 loads */
#define VMS_MAP_SUPERVISOR 2u /* U/S = 0 */

/* Map the page of `page_size` bytes (the base page, or a large page the machine
 * supports) at va to physical address pa, in `space`; prot VMS_PROT_*, flags VMS_MAP_*.
 * -VMS_EINVAL for an unsupported page size, unaligned or too-wide addresses. */
int vms_map(struct vms_machine *m, int space, uint64_t va, uint64_t pa, uint64_t page_size,
            unsigned prot, unsigned flags, struct vms_error *e);
/* Remove the mapping of the page containing va and invalidate its TLB entries. */
int vms_unmap(struct vms_machine *m, int space, uint64_t va, struct vms_error *e);

enum vms_fault_kind {
    VMS_FAULT_NONE = 0,
    VMS_FAULT_NOT_PRESENT, /* level: the page-table level (1 = root) with P = 0 */
    VMS_FAULT_PROTECTION,  /* why: VMS_WHY_* bits */
    VMS_FAULT_RESERVED,    /* a PS bit where no large page can be */
    VMS_FAULT_BAD_ADDRESS, /* wider than the machine's virtual address */
};
#define VMS_WHY_WRITE 1u
#define VMS_WHY_USER 2u
#define VMS_WHY_EXEC 4u
#define VMS_WHY_READ 8u

struct vms_fault {
    enum vms_fault_kind kind;
    unsigned level;
    unsigned why;
    uint64_t va; /* the first address that faulted */
};

/* Accesses in the current space. size 1, 2, 4 or 8; an access may straddle a page or
 * a cache block (then it is split as hardware splits it; if either page faults,
 * nothing is accessed). Return 0 done, 1 a fault (described in *f), < 0 an error. */
int vms_load(struct vms_machine *m, uint64_t va, unsigned size, uint64_t *value,
             struct vms_fault *f, struct vms_error *e);
int vms_store(struct vms_machine *m, uint64_t va, unsigned size, uint64_t value,
              struct vms_fault *f, struct vms_error *e);
int vms_fetch(struct vms_machine *m, uint64_t va, struct vms_fault *f, struct vms_error *e);

/* ---------------------------------------------------------------- translate */
/* section: translate — state files and explained translations */

/* A machine state as the textbook gives one (docs/state-format.md): machine, TLB,
 * page-table and cache contents, optional memory bytes. */
struct vms_state;
/* Read and parse a state file: -VMS_EIO when it cannot be read, -VMS_EINVAL with
 * "FILE:LINE:COL: expected ..." for bad input. */
int vms_state_load(const char *path, struct vms_state **out, struct vms_error *e);
/* Parse [text, text+len); filename names it in messages. */
int vms_state_parse(const char *text, size_t len, const char *filename, struct vms_state **out,
                    struct vms_error *e);
void vms_state_destroy(struct vms_state *st);

/* Explains translations step by step. Independent mode rebuilds the state for every
 * VA (the textbook's questions are independent); sequential mode lets it evolve. */
struct vms_translator;
enum vms_access { VMS_LOAD = 0, VMS_STORE = 1, VMS_FETCH = 2 };
/* st must outlive the translator. */
int vms_translator_create(const struct vms_state *st, bool sequential, enum vms_access access,
                          struct vms_translator **out, struct vms_error *e);
void vms_translator_destroy(struct vms_translator *t);
/* What the text of vms_translate shows (docs/teaching.md):
 *   BOOK    the textbook's layout (CS:APP 3e 9.6.4), the default: the VA's bit strip with
 *           the field brackets under it (VPN | VPO, TLBT | TLBI, VPN1..VPNk), the PA's
 *           (PPN | PPO, CT | CI | CO), then every question the book asks, answered;
 *   ANSWER  the key only: the questions and their answers;
 *   HINTS   the VA's bit strip and one hint per step, without the answers;
 *   STEPS   the bit strips, then every step with its reasoning (which table, set, tag,
 *           PTE address and bits), then the key;
 *   LIST    the step list printed before the textbook layout (`--layout list`). */
enum vms_explain {
    VMS_EXPLAIN_BOOK = 0,
    VMS_EXPLAIN_ANSWER = 1,
    VMS_EXPLAIN_HINTS = 2,
    VMS_EXPLAIN_STEPS = 3,
    VMS_EXPLAIN_LIST = 4
};
void vms_translator_set_explain(struct vms_translator *t, enum vms_explain how);
/* Translate the VA written in va_text ("0x03d4"), printing every step (text) or one
 * JSON object on one line (VMS_JSON). -VMS_EINVAL for a malformed or too-wide VA.
 * With out == NULL only the VA is checked. -VMS_EIO on a write error. */
int vms_translate(struct vms_translator *t, const char *va_text, FILE *out, enum vms_format fmt,
                  struct vms_error *e);
/* The provenance of n translations by t as one JSON object on one line (the first line of
 * `vmsim translate --json`, docs/state-format.md): "vmsim" (version, build), "run" (machine,
 * config with every key, access, sequential), "inputs" (the state: path, format "state",
 * bytes, hash) and "translations": n. -VMS_EIO on a write error. */
int vms_translate_provenance(const struct vms_translator *t, size_t n, FILE *out,
                             struct vms_error *e);

/* ---------------------------------------------------------------- statistics */
/* section: stats */

/* Statistics have one schema (docs/statistics.md): dotted keys such as
 * "tlb.l1d.hits", printed as text, nested JSON or flat CSV (a header row, then the values). */
int vms_machine_stats_print(const struct vms_machine *m, FILE *out, enum vms_format fmt,
                            struct vms_error *e);
/* One statistic by its dotted key; -VMS_EINVAL when no such key. */
int vms_machine_stat(const struct vms_machine *m, const char *key, double *value,
                     struct vms_error *e);

/* Join CSV files with header rows (sweep results: `vmsim merge`) into one CSV on out: the
 * union of their columns — columns that are not statistics keys first, in the order first
 * seen, then statistics keys in schema order — and every row in file order (empty cells
 * where a file lacks a column). Errors name FILE:LINE. Rows of different vmsim versions
 * (their vmsim.version cells differ) are refused with -VMS_EINVAL before anything is
 * written. */
int vms_stats_merge_csv(const char *const *paths, size_t n, FILE *out, struct vms_error *e);
/* The same with flags: VMS_MERGE_ANY_VERSION joins rows of different versions too. */
#define VMS_MERGE_ANY_VERSION 1u
int vms_stats_merge(const char *const *paths, size_t n, unsigned flags, FILE *out,
                    struct vms_error *e);

/* ---------------------------------------------------------------- policies */
/* section: policy — replacement policies, pages, mrc */

/* Page-replacement policies (src/policy/, one file each). Realistic policies learn about
 * references only from A/D bits; idealized ones observe every reference; OPT also needs
 * the future. */
struct vms_policy_info {
    const char *name;    /* CLI name: opt, fifo, lru, clock, ... */
    const char *summary; /* one line */
    const char *source;  /* the paper or book it follows */
    bool idealized;      /* observes every reference (no hardware provides that) */
    bool needs_future;   /* OPT: only where the whole reference string is known */
    bool stack;          /* a stack algorithm: mrc computes every size in one pass */
    bool uses_tau;       /* ws: sized by --tau instead of --frames */
    unsigned tick_period;/* references between ticks by default (0: no tick) */
};
/* The i-th policy (0-based) in registry order; false past the end. */
bool vms_policy_info(size_t i, struct vms_policy_info *out);
/* By name; false if unknown. */
bool vms_policy_lookup(const char *name, struct vms_policy_info *out);

/* A page reference string: pages (any 64-bit numbers) and which references write. */
struct vms_refs {
    uint64_t *page;
    bool *write;
    size_t n, cap;
};
/* Parse text [s, s+len) and append to r. Pages are decimal or 0x-hex numbers separated
 * by spaces, tabs, commas or newlines, each optionally followed by w (write) or r (read);
 * '#' starts a comment to the end of the line. Errors name the token and its place as
 * NAME:LINE:COL. */
int vms_refs_parse(struct vms_refs *r, const char *s, size_t len, const char *name,
                   struct vms_error *e);
/* Free the arrays; r is an empty string again ({0} is one to start with). */
void vms_refs_fini(struct vms_refs *r);

/* `vmsim pages`: one policy over a reference string, frame by frame. */
struct vms_pages_opts {
    const char *policy;              /* CLI name */
    uint32_t frames;                 /* >= 1; ignored by ws (sized by params.tau) */
    struct vms_policy_params params; /* ws: params.tau required */
    bool table;                      /* vms_pages_print's text has the textbook table */
    bool state;    /* keep the policy's own state after every reference (its rows are
                    * printed under the table and in every JSON step) */
    unsigned width;/* the text table in blocks of columns at most this wide (0: one block) */
};
/* Run the policy over the whole string (the result keeps every step). -VMS_EINVAL naming
 * the option for an unknown policy, frames 0, ws without tau, or an empty string. */
struct vms_pages;
int vms_pages_run(const struct vms_pages_opts *o, const struct vms_refs *r,
                  struct vms_pages **out, struct vms_error *e);
void vms_pages_destroy(struct vms_pages *p);
/* The totals of the run: references that faulted, references that hit. */
uint64_t vms_pages_faults(const struct vms_pages *p);
uint64_t vms_pages_hits(const struct vms_pages *p);
/* Print the result: VMS_TEXT (the textbook table when the options asked for it, then
 * totals) or VMS_JSON (one object with policy, frames, references, faults, hits, steps);
 * -VMS_EINVAL for VMS_CSV. */
int vms_pages_print(const struct vms_pages *p, FILE *out, enum vms_format fmt,
                    struct vms_error *e);

/* Belady's sweep: the policy of o (o->frames ignored) over r at every frame count 1..max
 * (max_frames, or 0 for the number of distinct pages); -VMS_EINVAL for ws (sized by tau),
 * an unknown policy, an empty string or a sweep too large for it (use mrc). */
struct vms_pages_sweep;
int vms_pages_sweep(const struct vms_pages_opts *o, const struct vms_refs *r,
                    uint32_t max_frames, struct vms_pages_sweep **out, struct vms_error *e);
void vms_pages_sweep_destroy(struct vms_pages_sweep *s);
/* The largest frame count swept, and the faults with k frames (1 <= k <= that). */
uint32_t vms_pages_sweep_max(const struct vms_pages_sweep *s);
uint64_t vms_pages_sweep_faults(const struct vms_pages_sweep *s, uint32_t k);
/* VMS_TEXT: a row per frame count, those with more faults than one frame fewer marked, and
 * a line naming the anomalies; VMS_JSON: one object (policy, references, distinct, sweep,
 * anomalies); -VMS_EINVAL for VMS_CSV. */
int vms_pages_sweep_print(const struct vms_pages_sweep *s, FILE *out, enum vms_format fmt,
                          struct vms_error *e);

/* Working-set size |W(t, tau)| after each reference t: the number of distinct pages among
 * the last tau references (Denning 1968). out has r->n entries. */
int vms_ws_series(const struct vms_refs *r, uint64_t tau, uint32_t *out, struct vms_error *e);
/* Print the series (text/CSV: "t,page,ws_size" rows; JSON: one object) and its mean;
 * with svg != NULL also draw it there. -VMS_EIO on a write error to either. */
int vms_ws_print(const struct vms_refs *r, uint64_t tau, FILE *out, enum vms_format fmt,
                 FILE *svg, struct vms_error *e);
/* A plot of |W(t, tau)| against t, one line per window taus[0..ntaus-1] (each >= 1;
 * ntaus 0 = windows of 10, 100, 1000, ... below the number of references, at most five).
 * o NULL = defaults (time axis linear unless o says otherwise). -VMS_EINVAL for an empty
 * string or a window of 0, -VMS_EIO on a write error. */
int vms_ws_plot(const struct vms_refs *r, const uint64_t *taus, size_t ntaus,
                const struct vms_plot_opts *o, FILE *out, struct vms_error *e);
/* Append the page touches of n trace records to r, by the rule of vms_mrc_touch_records
 * (page = address / page_size, every page a record's bytes span; M twice, then as a
 * write). -VMS_EINVAL when page_size is not a power of two, -VMS_ENOMEM. */
struct vms_trace_rec;
int vms_refs_add_records(struct vms_refs *r, const struct vms_trace_rec *recs, size_t n,
                         uint64_t page_size, struct vms_error *e);

/* `vmsim mrc`: miss-ratio curves. Feed a stream of page touches (begin / touch / finish);
 * stack policies (lru, opt, lfu) are computed in one pass over the stream (Mattson et al.
 * 1970; LRU in O(log n) per touch), others simulated at every size in parallel. */
struct vms_mrc_opts {
    const char *policies;  /* comma-separated CLI names; NULL or "" = "lru" */
    const uint32_t *sizes; /* frame counts to report; NULL = every size 1..footprint */
    size_t nsizes;
    struct vms_policy_params params; /* tau: wsclock (ws is not fixed-size: refused) */
    unsigned threads;      /* 0 = one per online CPU */
    bool simulate;         /* simulate stack policies per size too (to check one-pass) */
    double shards_rate;    /* > 0: add an "lru-shards" curve from spatial sampling at this
                            * rate (Waldspurger et al., FAST 2015), error vs exact reported */
    /* Optional: called in vms_mrc_finish after each (curve, size) simulated per size, done
     * of total; from the worker threads, one call at a time (under a lock). */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
};
struct vms_mrc;
/* -VMS_EINVAL naming --policy for an unknown policy or one that cannot be sized by frames. */
int vms_mrc_create(const struct vms_mrc_opts *o, struct vms_mrc **out, struct vms_error *e);
void vms_mrc_destroy(struct vms_mrc *m);
/* One page touch (a load, or a store when write). Returns < 0 only when out of memory. */
int vms_mrc_touch(struct vms_mrc *m, uint64_t page, bool write);
/* The page touches of n trace records (section trace) with pages of page_size bytes (a
 * power of two): a record touches every page its bytes [addr, addr + size) span (size 0
 * as 1), I and L as loads, S as stores, M as loads and then as stores. Returns 0,
 * -VMS_ENOMEM, or -VMS_EINVAL when page_size is not a power of two. */
struct vms_trace_rec;
int vms_mrc_touch_records(struct vms_mrc *m, const struct vms_trace_rec *recs, size_t n,
                          uint64_t page_size);
/* End of stream: compute every curve. Call it once, after the last touch. */
int vms_mrc_finish(struct vms_mrc *m, struct vms_error *e);
/* Page touches so far; distinct pages touched; the curves and their names (c <
 * vms_mrc_ncurves, NULL otherwise), in the order of the options' policies. */
uint64_t vms_mrc_references(const struct vms_mrc *m);
uint64_t vms_mrc_footprint(const struct vms_mrc *m);
size_t vms_mrc_ncurves(const struct vms_mrc *m);
const char *vms_mrc_curve_name(const struct vms_mrc *m, size_t c);
/* Faults of curve c at `frames` (one of the reported sizes); UINT64_MAX if not reported. */
uint64_t vms_mrc_faults(const struct vms_mrc *m, size_t c, uint32_t frames);
/* After vms_mrc_finish (else -VMS_EINVAL): VMS_TEXT table, VMS_CSV
 * (policy,frames,faults,miss_ratio) or VMS_JSON. */
int vms_mrc_print(const struct vms_mrc *m, FILE *out, enum vms_format fmt, struct vms_error *e);
/* An SVG plot: miss ratio against frames, one line per curve, axes labelled (title NULL =
 * "Miss-ratio curve"). */
int vms_mrc_svg(const struct vms_mrc *m, const char *title, FILE *out, struct vms_error *e);
/* A gnuplot script drawing the same plot into the PNG file png_path (pngcairo when the
 * gnuplot has it, else png), the data inline: feed it to gnuplot on standard input.
 * Both after vms_mrc_finish (else -VMS_EINVAL); -VMS_EIO on a write error. */
int vms_mrc_gnuplot(const struct vms_mrc *m, const char *title, const char *png_path, FILE *out,
                    struct vms_error *e);
/* The plot of vms_mrc_svg / vms_mrc_gnuplot with every option (o NULL = defaults: axes
 * AUTO, so a curve over sizes spanning more than two decades gets a logarithmic frames
 * axis). After vms_mrc_finish (else -VMS_EINVAL); -VMS_EIO on a write error. */
int vms_mrc_plot(const struct vms_mrc *m, const struct vms_plot_opts *o, FILE *out,
                 struct vms_error *e);

/* ---------------------------------------------------------------- traces */
/* section: trace — trace readers and writers */
/* Memory traces: Valgrind lackey text, Dinero din text and the vmsim binary format
 * (docs/trace-formats.md), plain or gzip/xz/zstd-compressed, detected on open. Readers
 * stream with constant memory; "-" is standard input (readers) or output (writers). */

enum vms_trace_kind { VMS_TRACE_I = 0, VMS_TRACE_L = 1, VMS_TRACE_S = 2, VMS_TRACE_M = 3 };

/* One record. M (modify) is a load then a store of the same bytes: two references. */
struct vms_trace_rec {
    uint64_t addr; /* virtual address of the first byte */
    uint32_t size; /* bytes (instruction length for I) */
    uint8_t kind;  /* enum vms_trace_kind */
};

enum vms_trace_format { VMS_TRACE_LACKEY = 0, VMS_TRACE_DIN = 1, VMS_TRACE_VMSIM = 2 };

#define VMS_TRACE_SKIP_BAD 1u /* skip and count malformed text lines instead of failing */
/* Deliver OS events and process switches (vms_trace_next_event). Without it they are
 * checked and counted (vms_trace_counts) but not delivered, and the records of every
 * process come out as one stream. */
#define VMS_TRACE_EVENTS 2u

/* OS events (docs/trace-formats.md, "OS events": vmsim format 1.1, lackey '!' lines),
 * numbered as in the binary format; VMS_TRACE_EV_PROCESS is a process switch. */
enum vms_trace_event_type {
    VMS_TRACE_EV_PROCESS = 0, VMS_TRACE_EV_IMAGE, VMS_TRACE_EV_STACK, VMS_TRACE_EV_BRK_START,
    VMS_TRACE_EV_MMAP, VMS_TRACE_EV_MUNMAP, VMS_TRACE_EV_MPROTECT, VMS_TRACE_EV_MREMAP,
    VMS_TRACE_EV_BRK, VMS_TRACE_EV_MADVISE, VMS_TRACE_EV_MSYNC, VMS_TRACE_EV_OPENAT,
    VMS_TRACE_EV_CLOSE, VMS_TRACE_EV_READ, VMS_TRACE_EV_PREAD64, VMS_TRACE_EV_READV,
    VMS_TRACE_EV_WRITE, VMS_TRACE_EV_PWRITE64, VMS_TRACE_EV_WRITEV, VMS_TRACE_EV_FORK,
    VMS_TRACE_EV_CLONE, VMS_TRACE_EV_VFORK, VMS_TRACE_EV_EXIT, VMS_TRACE_EV_EXIT_GROUP,
    VMS_TRACE_EV_WAIT4, VMS_TRACE_EV_EXECVE
};
#define VMS_TRACE_EV_TYPES 26

/* One event. arg[] holds its numeric fields in the order of docs/trace-formats.md's
 * table (readv/writev: fd, n, result, the n pieces in iov); signed fields (fds, results,
 * statuses) as their two's-complement bits: (int64_t)arg[i]. str: the str field
 * (NUL-terminated, str_len bytes) or NULL. A reader's str and iov stay valid until its
 * next vms_trace_read or vms_trace_next_event. */
struct vms_trace_event {
    unsigned type;  /* enum vms_trace_event_type */
    unsigned nargs; /* fields in arg[] */
    uint64_t pid;   /* the process it belongs to (for a switch: the new one) */
    uint64_t arg[8];
    const char *str;
    size_t str_len;
    const uint64_t *iov; /* readv/writev: base and length of piece i at iov[2i], iov[2i+1]
                          * (NULL when n is 0) */
};

struct vms_trace_counts {
    uint64_t records;        /* records read */
    uint64_t kind[4];        /* by enum vms_trace_kind */
    uint64_t valgrind_lines; /* "==PID==" lines skipped */
    uint64_t bad_lines;      /* malformed lines skipped (VMS_TRACE_SKIP_BAD) */
    uint64_t ignored;        /* din escape records (labels 3, 4) */
    uint64_t events;         /* OS events of known types (not counted in records) */
    uint64_t event[VMS_TRACE_EV_TYPES]; /* by type; [0]: process switches */
    uint64_t unknown_events; /* binary events of types this vmsim does not know (skipped) */
    uint64_t processes;      /* processes with records or events, or named by a switch */
};

struct vms_trace;        /* a reader */
struct vms_trace_writer; /* a writer */

/* Open a trace file ("-" = stdin) or a descriptor (closed by vms_trace_close); the format
 * and compression are detected now. */
int vms_trace_open(const char *path, unsigned flags, struct vms_trace **out,
                   struct vms_error *e);
int vms_trace_open_fd(int fd, const char *name, unsigned flags, struct vms_trace **out,
                      struct vms_error *e);
/* Up to n records: the count, 0 at the end, or -VMS_E* with "FILE:LINE:COL: expected ...". */
long vms_trace_read(struct vms_trace *t, struct vms_trace_rec *buf, size_t n,
                    struct vms_error *e);
void vms_trace_close(struct vms_trace *t); /* NULL-safe */
/* With VMS_TRACE_EVENTS a batch of vms_trace_read ends before each event or process
 * switch and vms_trace_read returns 0 while one waits: then this gives it (1), or says
 * the trace has ended (0). Without the flag: 0. */
int vms_trace_next_event(struct vms_trace *t, struct vms_trace_event *ev);
/* With VMS_TRACE_EVENTS: the process of the records read last (0 until a switch: "the
 * trace's process"; after vms_trace_next_event gave a switch, the new one). */
uint64_t vms_trace_pid(const struct vms_trace *t);
/* The processes so far in order of appearance, each with its records and events. */
size_t vms_trace_processes(const struct vms_trace *t);
void vms_trace_process(const struct vms_trace *t, size_t i, uint64_t *pid, uint64_t *records,
                       uint64_t *events);
const char *vms_trace_event_name(unsigned type); /* "process", "image", ...; NULL if unknown */
void vms_trace_get_counts(const struct vms_trace *t, struct vms_trace_counts *out);
const char *vms_trace_format_name(const struct vms_trace *t); /* "lackey", "din", "vmsim" */
const char *vms_trace_compression(const struct vms_trace *t); /* "none", "gzip", "xz", "zstd" */
const char *vms_trace_source(const struct vms_trace *t);      /* binary header text or NULL */
/* The trace's identity so far: decompressed bytes read and their 64-bit hash
 * (docs/trace-formats.md, "The input hash"); at the end of the trace, of the whole stream. */
void vms_trace_identity(const struct vms_trace *t, uint64_t *bytes, uint64_t *hash);
/* The same hash of the n bytes at data (a reference string's file, say). */
uint64_t vms_input_hash(const void *data, size_t n);

/* "lackey" | "din" | "vmsim"; false otherwise. */
bool vms_trace_format_parse(const char *name, enum vms_trace_format *out);
const char *vms_trace_kind_name(unsigned kind); /* "I", "L", "S", "M" */

/* Writers; source is stored in a binary trace's header (NULL = ""). A path's trace goes to
 * a temporary file beside it (vms_output_open), renamed over path by a close that wrote
 * everything. close writes the end marker and flushes; it frees w even on failure (NULL:
 * 0). abort discards the trace (path is left as it was) and frees w (NULL-safe). */
int vms_trace_writer_open(const char *path, enum vms_trace_format fmt, const char *source,
                          struct vms_trace_writer **out, struct vms_error *e);
int vms_trace_write(struct vms_trace_writer *w, const struct vms_trace_rec *recs, size_t n,
                    struct vms_error *e);
/* An event (VMS_TRACE_EV_PROCESS: a process switch to ev->pid; otherwise ev->pid is not
 * used) or a process switch. A vmsim trace holding any says version 1.1: the header is
 * marked while still buffered, else patched in the file; on a pipe, declare the events
 * first (docs/trace-formats.md, "Writing 1.1"). din cannot hold them: -VMS_EINVAL. */
int vms_trace_write_event(struct vms_trace_writer *w, const struct vms_trace_event *ev,
                          struct vms_error *e);
int vms_trace_write_process(struct vms_trace_writer *w, uint64_t pid, struct vms_error *e);
int vms_trace_writer_declare_events(struct vms_trace_writer *w, struct vms_error *e);
/* Records and events written so far. */
uint64_t vms_trace_writer_count(const struct vms_trace_writer *w);
int vms_trace_writer_close(struct vms_trace_writer *w, struct vms_error *e);
void vms_trace_writer_abort(struct vms_trace_writer *w);

/* Convert a trace (any input format/compression) to fmt, its OS events and process
 * switches too (din cannot hold them: -VMS_EINVAL at the first). source NULL = keep the
 * input's binary source description or write "converted from IN". counts may be NULL. An out that
 * is the input file itself (vms_output_check) is refused before anything is read; on error
 * an old out is left as it was (nothing half-written replaces it). */
int vms_trace_convert(const char *in, const char *out, enum vms_trace_format fmt,
                      unsigned flags, const char *source, struct vms_trace_counts *counts,
                      struct vms_error *e);

/* Trace-driven simulation (`vmsim trace FILE...`, docs/trace.md): every trace is one
 * process of the simulated kernel whose whole user address space is one private anonymous
 * read/write/execute area, so each page a trace touches is demand-zero (first touch = a
 * minor fault; under memory pressure, swap-outs and major faults). Several traces run
 * round-robin, `quantum` references per time slice, each switch a CR3 load (the machine
 * key pcid decides flush or PCID-tagged entries kept). Records become accesses: I a fetch,
 * L a load, S a store, M a load then a store of the same bytes; an access spanning two
 * cache blocks or pages is split as hardware does. Counting is per record, before
 * splitting: ifetches = I, loads = L + M, stores = S + M, references = their sum, split =
 * references that spanned two blocks or pages. Memory use is constant per trace. */
struct vms_tracesim_progress {
    uint64_t references;  /* so far, all processes */
    uint64_t bytes;       /* input bytes consumed (compressed bytes for compressed input) */
    uint64_t bytes_total; /* sum of the input sizes; 0 when one is unknown (a pipe) */
    size_t running;       /* processes not yet at their trace's end */
};

/* Read (decompress, parse) the traces in the simulating thread. Default: one reader thread
 * per trace, a few batches ahead, so that reading overlaps the simulation (the results are
 * the same either way). */
#define VMS_TRACESIM_SEQUENTIAL 0x100u
/* The page model (docs/trace.md, "The page model"). Default: a frame per page — the first
 * touch of any page, read or write, gets a frame of its own, as file-backed text and data
 * and read(2)-filled buffers have on Linux. With this flag, Linux's rule for anonymous
 * memory: a read of an untouched page maps the one shared zero page (`--zero-page`). */
#define VMS_TRACESIM_ZERO_PAGE 0x200u

struct vms_tracesim_opts {
    uint64_t memory;     /* bytes of physical memory for user pages; 0 = 256 MiB */
    uint64_t swap;       /* bytes of swap; 0 = none */
    const char *policy;  /* replacement policy (vmsim pages --help); NULL = clock */
    struct vms_policy_params params; /* seed, tau (bits and tick must be 0) */
    uint64_t quantum;    /* references per time slice; 0 = 10000 */
    unsigned flags;      /* VMS_TRACE_SKIP_BAD, VMS_TRACESIM_SEQUENTIAL, VMS_TRACESIM_ZERO_PAGE */
    const char *workdir; /* where the swap file goes; NULL = $TMPDIR or /tmp */
    /* Time series: every `interval` references (and once at the end) a CSV row of the
     * running totals goes to interval_out (header first). 0 = off. */
    uint64_t interval;
    FILE *interval_out;
    /* Called about every 2^20 references and once at the end (NULL = never). */
    void (*progress)(void *ctx, const struct vms_tracesim_progress *p);
    void *progress_ctx;
    /* Interruption: when stop is not NULL and *stop becomes non-zero (a signal handler
     * sets it), vms_tracesim_run stops after the batch of records it is running and
     * returns 0 with the statistics so far, marked VMS_MARK_INTERRUPTED. NULL = never. */
    const volatile sig_atomic_t *stop;
    /* Checkpoints (docs/trace.md, "Checkpoints"): every checkpoint_every references (at the
     * first batch boundary after) and when stopped, the whole simulated state is written to
     * the file `checkpoint` (a temporary file, fsync, rename). checkpoint NULL = none;
     * checkpoint_every 0 = only when stopped. */
    const char *checkpoint;
    uint64_t checkpoint_every;
    /* OS events (docs/trace.md, "OS events"): what the replay says once per trace (files
     * not on this machine) and every event that contradicts the simulated state, one line
     * each ("TRACE: event N (NAME, after record R): ..."); NULL = not said (still counted). */
    FILE *notes;
    /* Each process's /proc/PID/maps lines at its exit (its exit event or the end of its
     * trace), after a line "TRACE: maps at exit (pid N):"; NULL = none (vmsim trace --maps). */
    FILE *maps_out;
};

struct vms_tracesim;
/* c must pass vms_config_check (it is copied); o NULL = every default. */
int vms_tracesim_create(const struct vms_config *c, const struct vms_tracesim_opts *o,
                        struct vms_tracesim **out, struct vms_error *e);
void vms_tracesim_destroy(struct vms_tracesim *s);
/* One trace = one process ("-" = standard input, at most once). The trace is opened (its
 * format and compression detected) and its process created now. */
int vms_tracesim_add(struct vms_tracesim *s, const char *path, struct vms_error *e);
/* The same over a descriptor (taken over, closed by vms_tracesim_destroy). */
int vms_tracesim_add_fd(struct vms_tracesim *s, int fd, const char *name, struct vms_error *e);
/* Run every trace to its end (once). Malformed input stops the run with
 * "FILE:LINE:COL: expected ..."; statistics up to that point stay readable. */
int vms_tracesim_run(struct vms_tracesim *s, struct vms_error *e);
/* Continue from the checkpoint in file `path`, written by a run with the same machine,
 * options and traces (added before this call, in the same order): after it,
 * vms_tracesim_run gives the statistics (and time-series rows, written again from the
 * first) the run that wrote it would have given. A checkpoint of another version of vmsim,
 * machine, option or input is refused, as is a damaged one: -VMS_EINVAL "PATH: what
 * differs"; then s may only be destroyed. */
int vms_tracesim_resume(struct vms_tracesim *s, const char *path, struct vms_error *e);
/* Checkpoints this run has written. */
uint64_t vms_tracesim_checkpoints(const struct vms_tracesim *s);
size_t vms_tracesim_processes(const struct vms_tracesim *s);
/* One statistic by dotted key (docs/statistics.md): proc 0 = the total, 1..n = process n
 * (in the order added). -VMS_EINVAL for an unknown key or process. */
int vms_tracesim_stat(const struct vms_tracesim *s, size_t proc, const char *key,
                      double *value, struct vms_error *e);
/* What process proc's reader saw (records, skipped lines). */
void vms_tracesim_trace_counts(const struct vms_tracesim *s, size_t proc,
                               struct vms_trace_counts *out);
const char *vms_tracesim_trace_name(const struct vms_tracesim *s, size_t proc);
/* Whether the out-of-memory killer ended process proc (its trace was not read further). */
bool vms_tracesim_killed(const struct vms_tracesim *s, size_t proc);
/* Marks of a run that completed but must not be taken at face value (docs/statistics.md,
 * "status"); the CLI exits 1 for a completed run with any mark but PARTIAL. */
#define VMS_MARK_KILLED 0x1u  /* the out-of-memory killer ended the process */
#define VMS_MARK_SEGV 0x2u    /* every access of the process raised SIGSEGV */
#define VMS_MARK_SKIPPED 0x4u /* malformed input lines were skipped (VMS_TRACE_SKIP_BAD) */
#define VMS_MARK_EMPTY 0x8u   /* the trace held no records */
#define VMS_MARK_PARTIAL 0x10u /* the run stopped at an error (the statistics are partial) */
#define VMS_MARK_INTERRUPTED 0x20u /* the run was stopped (opts.stop): partial statistics */
/* The marks of process proc, or of the whole run (proc 0: every process's, and PARTIAL). */
unsigned vms_tracesim_marks(const struct vms_tracesim *s, size_t proc);
/* The status word of marks into buf (n bytes): "ok", or the marks' names joined by '+' in
 * the order above ("killed+skipped"); returns buf. */
const char *vms_status_name(unsigned marks, char *buf, size_t n);
/* Whether the run thrashes (most of its simulated time went to swap-ins; docs/kernel.md):
 * true with a sentence in msg. */
bool vms_tracesim_thrashing(const struct vms_tracesim *s, char *msg, size_t n);
/* The statistics of the run: text table, one JSON object with "processes", or CSV (a total
 * row, then one row per process), with the run's and each process's status (marks). */
int vms_tracesim_print(const struct vms_tracesim *s, FILE *out, enum vms_format fmt,
                       struct vms_error *e);
/* One CSV row of the totals after leading columns names[i] = values[i] (a sweep run's
 * result) and the columns status and killed; header: the header row first. */
int vms_tracesim_print_row(const struct vms_tracesim *s, const char *const *names,
                           const char *const *values, size_t n, bool header, FILE *out,
                           struct vms_error *e);
/* A plot of the rows vms_tracesim_opts.interval wrote (the CSV of running totals, read
 * from csv; name is its name in messages): against references, the miss ratio in each
 * interval of the L1d, L2 and L3 caches and of the L1 data TLB (those the rows have) and
 * the page faults (minor + major) per reference. o NULL = defaults (references axis
 * linear, the ratios' axis AUTO). -VMS_EINVAL naming name:LINE for rows it cannot read,
 * -VMS_EIO on a read or write error. */
int vms_interval_plot(FILE *csv, const char *name, const struct vms_plot_opts *o, FILE *out,
                      struct vms_error *e);

/* ---------------------------------------------------------------- scenarios */
/* section: scenario — parse and run .vms files */

/* A parsed and fully validated scenario (the .vms language of docs/scenario.md, whose output
 * lines docs/scenario-contract.md fixes). Opaque; parsing it runs nothing. */
struct vms_scenario;

/* Parse [text, text+len); filename names it in messages (NULL: "<scenario>"). 0 with *out
 * the scenario; on failure *out is NULL and -VMS_EINVAL is returned with e->msg
 * "FILE:LINE:COL: expected ..." (-VMS_ENOMEM on host out of memory). */
int vms_scenario_parse(const char *text, size_t len, const char *filename,
                       struct vms_scenario **out, struct vms_error *e);
/* Read and parse a file ("-" reads standard input, named "<stdin>" in messages); -VMS_EIO
 * "PATH: why" when it cannot be read, else as vms_scenario_parse. */
int vms_scenario_load(const char *path, struct vms_scenario **out, struct vms_error *e);
void vms_scenario_destroy(struct vms_scenario *sc);
/* Number of commands (non-blank, non-comment lines); 0 for NULL. */
size_t vms_scenario_length(const struct vms_scenario *sc);

/* The runs. Both print the contract lines of docs/scenario-contract.md on out, and failed
 * expectations as "FILE:LINE: ..." on diag, and return 0, 1 when an expect or check failed,
 * or a negative VMS_E* code (e->msg "FILE:LINE: why" when a line failed while running:
 * the run stops there). A write error on out or diag does not change the result: the
 * streams are the caller's to check (ferror). o NULL = every default. */

/* Options of a simulated run (vms_scenario_run). */
struct vms_run_opts {
    const char *workdir; /* run directory for the scenario's files and swap; NULL: a fresh one */
    bool keep;           /* keep the fresh temporary directory */
    bool audit;          /* check every kernel invariant after each command (slow) */
    /* Called before the command on each line runs (may be NULL): narration, tracing. */
    void (*before_line)(void *ctx, unsigned line, FILE *out);
    void *ctx;
    /* Interruption: when stop is not NULL and *stop becomes non-zero (a signal handler
     * sets it), the run ends before its next command and returns 2, with "FILE:LINE:
     * interrupted before this line" in e; the working directory is cleaned up as after
     * any run. NULL = never. */
    const volatile sig_atomic_t *stop;
};

/* Run the scenario on the simulated machine and kernel (vms_config_* and vms_kernel_*). Its
 * other output (maps, page tables, statistics) goes on out on lines that are not contract
 * lines; fmt is how `stats` prints the statistics: VMS_TEXT (indented under "  statistics:")
 * or VMS_JSON (one object on one line); -VMS_EINVAL for VMS_CSV. */
int vms_scenario_run(const struct vms_scenario *sc, const struct vms_run_opts *o, FILE *out,
                     enum vms_format fmt, FILE *diag, struct vms_error *e);

/* Options of a run on Linux (vms_scenario_run_on_linux). */
struct vms_linux_opts {
    const char *workdir; /* run directory for the scenario's files; NULL: a fresh one */
    bool keep;           /* keep the fresh temporary directory (a given workdir is kept) */
    unsigned timeout_s;  /* seconds a worker may take over one command; 0: 60 */
    const volatile sig_atomic_t *stop; /* as vms_run_opts.stop: the workers are ended */
};

/* Run the scenario on the host's kernel: each scenario process is a real process, faults are
 * real signals. What Linux does not apply or cannot answer (the setup lines, stats, maps,
 * page tables, exec) goes on out as notes on lines starting "# "; nothing has a format.
 * Linux only (-VMS_EUNSUPPORTED elsewhere). */
int vms_scenario_run_on_linux(const struct vms_scenario *sc, const struct vms_linux_opts *o,
                              FILE *out, FILE *diag, struct vms_error *e);

/* ---------------------------------------------------------------- kernel */
/* section: kernel — the simulated operating system (docs/kernel.md)
 *
 * A kernel runs on its own machine (made from a config): user pages live in `memory`
 * bytes of frames, evicted by the replacement policy to `swap` bytes of swap; page tables
 * are real page tables in simulated memory, walked by the simulated MMU. Processes are
 * named by their pid (> 0, never reused within one kernel): a pid that was never spawned
 * or has exited is refused with -VMS_EINVAL "no process PID". A process the
 * out-of-memory killer ended stays valid until vms_kernel_exit or vms_kernel_destroy:
 * its accesses return VMS_SIG_KILLED and its system calls -VMS_EINVAL.
 *
 * System calls follow Linux: unaligned or empty ranges and bad flags are -VMS_EINVAL with a
 * message (naming the errno Linux would return); a file that cannot be opened or read is
 * -VMS_EIO.
 * Accesses never fail for simulated reasons: a fault the kernel resolves (demand paging,
 * copy-on-write, swap-in) is invisible but counted; one it cannot resolve is a signal,
 * returned as a value. Host trouble (out of host memory, swap-file i/o) is a negative
 * code; the kernel may then be partly updated, and only vms_kernel_destroy is safe. */

struct vms_kernel;

/* What an access can end in (the result of vms_kernel_load/store/fetch/touch). */
enum vms_signal {
    VMS_SIG_NONE = 0,
    VMS_SIG_SEGV_MAPERR = 1, /* SIGSEGV, no area contains the address */
    VMS_SIG_SEGV_ACCERR = 2, /* SIGSEGV, the area forbids the access */
    VMS_SIG_BUS = 3,         /* SIGBUS, a file page wholly past end of file */
    VMS_SIG_KILLED = 4,      /* the process was killed (out of memory), now or before */
};
/* "ok", "SIGSEGV maperr", "SIGSEGV accerr", "SIGBUS", "killed"; "?" for other values. */
const char *vms_signal_name(int sig);

struct vms_kernel_opts {
    uint64_t memory;     /* bytes of physical memory for user pages; 0 = 256 MiB */
    uint64_t swap;       /* bytes of swap; 0 = none */
    const char *policy;  /* replacement policy (`vmsim pages --help`); NULL = clock */
    /* seed (0 = the config's `seed` key), tau; bits and tick must be 0 */
    struct vms_policy_params params;
    const char *workdir; /* directory of the (unlinked) swap file; NULL = $TMPDIR or /tmp */
    /* Called when the out-of-memory killer ends process pid, during the access or system
     * call that needed the memory (NULL = not told). The callback may use the kernel only
     * to read (vms_kernel_killed, vms_kernel_stat, printers). */
    void (*on_kill)(void *ctx, int pid);
    void *ctx;
};

/* A kernel on a fresh machine of configuration c (which must pass vms_config_check; it is
 * copied); o NULL = every default. -VMS_EINVAL for bad options (an unknown policy, bits or
 * tick set, ...); -VMS_EIO when the swap file cannot be created. */
int vms_kernel_create(const struct vms_config *c, const struct vms_kernel_opts *o,
                      struct vms_kernel **out, struct vms_error *e);
/* Ends every process and frees everything. */
void vms_kernel_destroy(struct vms_kernel *k);
/* The page size of the kernel's machine. */
uint64_t vms_kernel_page_size(const struct vms_kernel *k);

/* ---- processes */

/* A new process with an empty address space (no areas; the heap's start is 0x10000000, or
 * lower on small machines); *pid receives its pid (-1 on failure). */
int vms_kernel_spawn(struct vms_kernel *k, int *pid, struct vms_error *e);
/* fork(2): the child gets copies of the parent's areas and page tables; private pages
 * become read-only copy-on-write in both, shared pages stay shared. *child receives its
 * pid (-1 on failure). */
int vms_kernel_fork(struct vms_kernel *k, int parent, int *child, struct vms_error *e);
/* execve(2) of the ELF64 file at host path `path` with arguments argv (NULL-terminated;
 * NULL = no arguments): the old image is dropped, areas built as Linux x86-64 builds them
 * without randomisation, the stack holds argv, an empty environment and the auxiliary
 * vector. A missing or bad file fails before anything changes. */
int vms_kernel_exec(struct vms_kernel *k, int pid, const char *path, const char *const *argv,
                    struct vms_error *e);
/* exit(2): unmap everything (dirty shared file pages are written to their files) and end
 * the process, also a killed one; its pid is then unknown. */
int vms_kernel_exit(struct vms_kernel *k, int pid, struct vms_error *e);
/* Make pid the current process (a CR3 load). Accesses switch implicitly too. */
int vms_kernel_switch(struct vms_kernel *k, int pid, struct vms_error *e);
/* 1 when the out-of-memory killer ended pid, 0 when it runs, -VMS_EINVAL if no process. */
int vms_kernel_killed(const struct vms_kernel *k, int pid, struct vms_error *e);
/* The pids of the processes that exist (killed ones included), in spawn order: up to n into
 * pids; returns how many exist. */
size_t vms_kernel_pids(const struct vms_kernel *k, int *pids, size_t n);

/* ---- system calls (prot: VMS_PROT_READ | VMS_PROT_WRITE | VMS_PROT_EXEC) */

#define VMS_MMAP_SHARED 0x1u /* MAP_SHARED (else MAP_PRIVATE) */
#define VMS_MMAP_ANON 0x2u   /* MAP_ANONYMOUS: no file */
#define VMS_MMAP_FIXED 0x4u  /* MAP_FIXED: at hint exactly, replacing what is there */

/* mmap(2) of len bytes: file (a host path) at page-aligned offset off, or anonymous
 * (VMS_MMAP_ANON, file NULL). hint 0 = the kernel's choice. *addr receives the address
 * (0 on failure). */
int vms_kernel_mmap(struct vms_kernel *k, int pid, uint64_t hint, uint64_t len, unsigned prot,
                    unsigned flags, const char *file, uint64_t off, uint64_t *addr,
                    struct vms_error *e);
/* munmap(2), mprotect(2), msync(2) of [va, va+len); va page-aligned. msync writes dirty
 * shared file pages of the range to their files. */
int vms_kernel_munmap(struct vms_kernel *k, int pid, uint64_t va, uint64_t len,
                      struct vms_error *e);
int vms_kernel_mprotect(struct vms_kernel *k, int pid, uint64_t va, uint64_t len, unsigned prot,
                        struct vms_error *e);
int vms_kernel_msync(struct vms_kernel *k, int pid, uint64_t va, uint64_t len,
                     struct vms_error *e);
/* Move the break by size bytes, up or (shrink) down; size is any 64-bit size (0 just
 * asks). *heap_start (may be NULL) receives the heap's start (start_brk), so the break is
 * heap_start + the growths - the shrinks. A shrink below the heap's start, a growth past
 * user space or into a mapping fails as Linux's brk does: -VMS_EINVAL "brk: ... (ENOMEM)",
 * the break unchanged. */
int vms_kernel_brk(struct vms_kernel *k, int pid, bool shrink, uint64_t size,
                   uint64_t *heap_start, struct vms_error *e);

/* ---- accesses: the process's load, store or instruction fetch at va
 *
 * size 1, 2, 4 or 8 bytes; an access may span two pages and two cache blocks (split as
 * hardware splits it; if either page faults, nothing is accessed). Faults are resolved
 * and the access restarted as a kernel does. Each returns the signal (enum vms_signal,
 * >= 0; VMS_SIG_NONE when the access completed) or a negative error: -VMS_EINVAL for no
 * such process, a bad size, a value wider than size; -VMS_ENOMEM/-VMS_EIO host trouble. */
int vms_kernel_load(struct vms_kernel *k, int pid, uint64_t va, unsigned size, uint64_t *value,
                    struct vms_error *e);
int vms_kernel_store(struct vms_kernel *k, int pid, uint64_t va, unsigned size, uint64_t value,
                     struct vms_error *e);
int vms_kernel_fetch(struct vms_kernel *k, int pid, uint64_t va, struct vms_error *e);
/* A one-byte load or store that moves no data (a store leaves the byte as it was): the
 * faults, dirty bits and counts of the access only. */
int vms_kernel_touch(struct vms_kernel *k, int pid, uint64_t va, bool write,
                     struct vms_error *e);

/* read(2) of the host file at path through the kernel's page cache (so it sees what
 * shared mappings wrote and have not yet written back): up to n bytes at off into buf;
 * *got = bytes read (fewer at end of file). */
int vms_kernel_file_read(struct vms_kernel *k, const char *path, uint64_t off, void *buf,
                         size_t n, size_t *got, struct vms_error *e);

/* ---- statistics and output */

/* Statistics (docs/statistics.md): pid 0 = the whole machine, else one process (its
 * references, faults, the hardware counters accumulated while it was current, and the
 * swap traffic it caused). Printed as vms_machine_stats_print prints them. */
int vms_kernel_stats_print(struct vms_kernel *k, int pid, FILE *out, enum vms_format fmt,
                           struct vms_error *e);
/* One statistic by its dotted key; -VMS_EINVAL when no such key or process. */
int vms_kernel_stat(struct vms_kernel *k, int pid, const char *key, double *value,
                    struct vms_error *e);
/* The areas of pid as /proc/PID/maps lists them (VMS_TEXT only). */
int vms_kernel_maps_print(struct vms_kernel *k, int pid, FILE *out, enum vms_format fmt,
                          struct vms_error *e);
/* The page table of pid: the whole tree (has_va false), or the walk for va with every PTE
 * decoded bit by bit (VMS_TEXT only). */
int vms_kernel_pagetable_print(struct vms_kernel *k, int pid, bool has_va, uint64_t va,
                               FILE *out, enum vms_format fmt, struct vms_error *e);
/* Whether the run thrashes: most swap-ins (at least 64) refault pages evicted so recently
 * that the resident working sets exceed memory; true with a sentence in msg (n bytes). */
bool vms_kernel_thrashing(const struct vms_kernel *k, char *msg, size_t n);
/* Write every dirty page of the file cache back to its host file, as a shutdown does (and
 * vms_kernel_destroy, which cannot report a failure): 0, or -VMS_EIO when a page could not
 * be written (it is given up, its stores lost; *lost, which may be NULL, counts such
 * pages) or when an earlier write-back (munmap, exit, eviction) failed unreported by msync
 * (*lost 0); each failed write-back is counted in swap.writeback_errors. */
int vms_kernel_sync(struct vms_kernel *k, uint64_t *lost, struct vms_error *e);
/* Check every invariant of the kernel's state (page tables against frames, swap counts,
 * TLB against page tables, areas): 0, or -VMS_EINVAL naming the first violation. Slow. */
int vms_kernel_audit(struct vms_kernel *k, struct vms_error *e);

/* ---------------------------------------------------------------- teach */
/* section: teach — generated exercises and their grading (docs/teaching.md) */

/* What reference i of a pages run (i < the number of references) left: whether it hit,
 * and the page in each frame of the table after it (frame 0 first; VMS_PAGES_EMPTY for a
 * free frame), up to n of them. Returns the number of frames the table shows. */
#define VMS_PAGES_EMPTY UINT64_MAX
size_t vms_pages_step(const struct vms_pages *p, size_t i, bool *hit, uint64_t *frames,
                      size_t n);

/* An exercise of `vmsim gen`: problems drawn from vmsim's own generator (SplitMix64 from
 * the seed, docs/teaching.md), each with its key and a hint for every step. */
enum vms_exercise_kind {
    VMS_EXERCISE_TRANSLATE = 0, /* a machine state and virtual addresses to translate */
    VMS_EXERCISE_PAGES = 1,     /* a reference string, frames and a policy */
    VMS_EXERCISE_RUN = 2        /* a scenario story on the simulated kernel, with questions */
};
struct vms_exercise_opts {
    enum vms_exercise_kind kind;
    uint64_t seed;
    const char *machine; /* translate: a preset; NULL = csapp-small */
    const char *want;    /* comma-separated scenarios (docs/teaching.md); NULL = random */
    unsigned count;      /* problems (translate, run) or references (pages); 0 = default */
};
struct vms_exercise;
/* -VMS_EINVAL "--want: ..." for an unknown or impossible scenario, "--machine: ..." for
 * an unknown preset, "--count: ..." for a count out of range or more problems than the
 * machine's tables can hold. */
int vms_exercise_create(const struct vms_exercise_opts *o, struct vms_exercise **out,
                        struct vms_error *e);
void vms_exercise_destroy(struct vms_exercise *x);
/* Print the exercise: VMS_EXERCISE_TEXT, the answer sheet of docs/teaching.md (its
 * blanks `?`, or with answers the key: an answers file that scores full marks);
 * VMS_EXERCISE_MD, a Markdown handout; VMS_EXERCISE_JSON, one object (state, machine,
 * seed, problems[{va, answer}] for translate). -VMS_EIO on a write error. */
enum vms_exercise_format {
    VMS_EXERCISE_TEXT = 0,
    VMS_EXERCISE_MD = 1,
    VMS_EXERCISE_JSON = 2
};
int vms_exercise_print(const struct vms_exercise *x, FILE *out, enum vms_exercise_format fmt,
                       bool answers, struct vms_error *e);

/* Grading an answers file (docs/teaching.md): PER_FIELD one point per right field;
 * THROUGH_FIRST the points of the fields before the first wrong one of a problem (in the
 * order of the steps); ALL_OR_NOTHING a problem's points only when every field is right. */
enum vms_grade_mode {
    VMS_GRADE_PER_FIELD = 0,
    VMS_GRADE_THROUGH_FIRST = 1,
    VMS_GRADE_ALL_OR_NOTHING = 2
};
struct vms_grade;
/* Parse the answers file [text, text+len) (name names it in messages), regenerate its
 * exercise from seed and the options its `exercise` line records, and grade it.
 * -VMS_EINVAL "NAME:LINE:COL: expected ..." for a malformed file or one whose seed or
 * problems are not those of seed. */
int vms_grade(const char *text, size_t len, const char *name, uint64_t seed,
              enum vms_grade_mode mode, struct vms_grade **out, struct vms_error *e);
void vms_grade_destroy(struct vms_grade *g);
unsigned vms_grade_score(const struct vms_grade *g);
unsigned vms_grade_max_score(const struct vms_grade *g);
/* The report: VMS_TEXT (per problem its score, each field right, wrong, unanswered or
 * not graded, the hint of the first wrong step; the total) or VMS_JSON (one object). */
int vms_grade_print(const struct vms_grade *g, FILE *out, enum vms_format fmt,
                    struct vms_error *e);
/* Gradescope's results.json: score, max_score, tests[] (name, score, max_score, output). */
int vms_grade_gradescope(const struct vms_grade *g, FILE *out, struct vms_error *e);

#ifdef __cplusplus
}
#endif
#endif
