/* vmsim — the public API of libvmsim.
 *
 * Everything the command-line tool does goes through this header and nothing else.
 * Library functions never print (except to a FILE * the caller hands them), never
 * exit and never abort on bad input: they return a negative VMS_E* code and fill a
 * struct vms_error with a message. Objects are opaque; every *_destroy(NULL) is a no-op.
 */
#ifndef VMSIM_H
#define VMSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

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

const char *vms_strerror(int code);

/* Output formats shared by every printer. */
enum vms_format { VMS_TEXT = 0, VMS_JSON = 1, VMS_CSV = 2 };

/* ---------------------------------------------------------------- machines (hw) */
/* section: machine — config presets, keys, the machine itself */

/* ---------------------------------------------------------------- translate */
/* section: translate — state files and explained translations */

/* ---------------------------------------------------------------- statistics */
/* section: stats */

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
void vms_refs_fini(struct vms_refs *r);

/* `vmsim pages`: one policy over a reference string, frame by frame. */
struct vms_pages_opts {
    const char *policy; /* CLI name */
    uint32_t frames;    /* >= 1; ignored by ws (sized by tau) */
    uint64_t tau;       /* ws, wsclock window in references (ws: required) */
    uint64_t seed;      /* random, nru (default 1) */
    unsigned bits;      /* aging counter width (default 8) */
    uint32_t tick;      /* references between policy ticks; 0 = the policy's default */
};
struct vms_pages;
int vms_pages_run(const struct vms_pages_opts *o, const struct vms_refs *r,
                  struct vms_pages **out, struct vms_error *e);
void vms_pages_destroy(struct vms_pages *p);
uint64_t vms_pages_faults(const struct vms_pages *p);
uint64_t vms_pages_hits(const struct vms_pages *p);
/* Print the result: VMS_TEXT (the textbook table when table is true, then totals) or
 * VMS_JSON (one object with policy, frames, references, faults, hits, steps). */
void vms_pages_print(FILE *f, const struct vms_pages *p, enum vms_format fmt, bool table);

/* Working-set size |W(t, tau)| after each reference t: the number of distinct pages among
 * the last tau references (Denning 1968). out has r->n entries. */
int vms_ws_series(const struct vms_refs *r, uint64_t tau, uint32_t *out, struct vms_error *e);
/* Print the series (text/CSV: "t,page,ws_size" rows; JSON: one object) and its mean;
 * with svg != NULL also draw it there. */
int vms_ws_print(FILE *f, FILE *svg, const struct vms_refs *r, uint64_t tau,
                 enum vms_format fmt, struct vms_error *e);

/* `vmsim mrc`: miss-ratio curves. Feed a stream of page touches (begin / touch / finish);
 * stack policies (lru, opt, lfu) are computed in one pass over the stream (Mattson et al.
 * 1970; LRU in O(log n) per touch), others simulated at every size in parallel. */
struct vms_mrc_opts {
    const char *policies;  /* comma-separated CLI names */
    const uint32_t *sizes; /* frame counts to report; NULL = every size 1..footprint */
    size_t nsizes;
    uint64_t seed;         /* random, nru */
    uint64_t tau;          /* wsclock (ws is not a fixed-size policy: refused) */
    unsigned bits;         /* aging */
    uint32_t tick;         /* policy tick period override */
    unsigned threads;      /* 0 = one per online CPU */
    bool simulate;         /* simulate stack policies per size too (to check one-pass) */
    double shards_rate;    /* > 0: add an "lru-shards" curve from spatial sampling at this
                            * rate (Waldspurger et al., FAST 2015), error vs exact reported */
};
struct vms_mrc;
int vms_mrc_create(const struct vms_mrc_opts *o, struct vms_mrc **out, struct vms_error *e);
void vms_mrc_destroy(struct vms_mrc *m);
/* One page touch (a load, or a store when write). Returns < 0 only when out of memory. */
int vms_mrc_touch(struct vms_mrc *m, uint64_t page, bool write);
/* End of stream: compute every curve. */
int vms_mrc_finish(struct vms_mrc *m, struct vms_error *e);
uint64_t vms_mrc_references(const struct vms_mrc *m);
uint64_t vms_mrc_footprint(const struct vms_mrc *m);
size_t vms_mrc_ncurves(const struct vms_mrc *m);
const char *vms_mrc_curve_name(const struct vms_mrc *m, size_t c);
/* Faults of curve c at `frames` (one of the reported sizes); UINT64_MAX if not reported. */
uint64_t vms_mrc_faults(const struct vms_mrc *m, size_t c, uint32_t frames);
/* VMS_TEXT table, VMS_CSV (policy,frames,faults,miss_ratio) or VMS_JSON. */
void vms_mrc_print(FILE *f, const struct vms_mrc *m, enum vms_format fmt);
/* An SVG plot: miss ratio against frames, one line per curve, axes labelled. */
void vms_mrc_svg(FILE *f, const struct vms_mrc *m, const char *title);

/* ---------------------------------------------------------------- traces */
/* section: trace — trace readers and writers */

/* ---------------------------------------------------------------- scenarios */
/* section: scenario — parse and run .vms files */

/* ---------------------------------------------------------------- kernel */
/* section: kernel */

#ifdef __cplusplus
}
#endif
#endif
