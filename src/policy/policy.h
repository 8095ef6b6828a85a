/* Page-replacement policies behind one ops table, shared by the kernel's reclaim and by the
 * `pages`/`mrc` drivers. A policy manages frame *slots* 0..nframes-1; it never sees memory.
 *
 * Protocol (the driver is the kernel, or the pages/mrc emulator in sim.c):
 *  - a page loaded into free slot s:           policy_insert(p, s, page, write)
 *  - slot s freed for another reason (munmap): policy_remove(p, s)
 *  - no free slot and a page must come in:     s = policy_victim(p, env); the policy forgets
 *    the page in s (as if removed); the driver evicts it and usually inserts into s.
 *  - every tick_period references:             policy_tick(p, env)   (0 = never), after the
 *    reference is handled; then n = policy_trim(p, env, slots, max): the driver frees the
 *    n slots the policy dropped (only ws does), as if each were a victim.
 * Realistic policies learn about references ONLY through the hardware bits, read through
 * struct policy_env (the kernel reads/clears the A bit through the reverse map and
 * invalidates the TLB entry). Idealized policies (POLICY_IDEALIZED) additionally observe
 * every reference: policy_access(p, slot, page, write) is called for each reference BEFORE
 * anything else, with slot = the resident slot on a hit or POLICY_NO_SLOT on a miss (then
 * victim/insert follow). OPT (POLICY_NEEDS_FUTURE) is handed the whole reference sequence
 * with policy_set_future and reads the position of the current reference from env->now.
 *
 * Invariant kept by the wrappers (policy.c): the policy's view of which slots are occupied
 * equals the driver's; victim only returns an occupied slot. */
#ifndef VMS_POLICY_POLICY_H
#define VMS_POLICY_POLICY_H

#include "base/err.h"
#include "base/ser.h"
#include "base/types.h"

#include <stdio.h>
#include <string.h>

#define POLICY_NO_SLOT UINT32_MAX

enum policy_flags {
    POLICY_IDEALIZED = 1u << 0,    /* needs policy_access on every reference */
    POLICY_NEEDS_FUTURE = 1u << 1, /* needs policy_set_future before the first reference */
    POLICY_STACK = 1u << 2,        /* a stack algorithm: mrc computes it in one pass */
    POLICY_NO_FRAMES = 1u << 3,    /* sizes itself (ws: --tau instead of --frames) */
};

/* What a kernel has: the hardware bits of the page in a slot, and virtual time. */
struct policy_env {
    void *ctx;
    /* Read and clear the A (accessed/young) bit of the page in slot. */
    bool (*test_and_clear_young)(void *ctx, uint32_t slot);
    /* Read the A bit without clearing it. */
    bool (*test_young)(void *ctx, uint32_t slot);
    /* Read the D (dirty) bit. */
    bool (*is_dirty)(void *ctx, uint32_t slot);
    /* Virtual time: references so far, counting the current one (so >= 1 while a
     * reference is being handled); position of the current reference = now - 1. */
    uint64_t (*now)(void *ctx);
};

/* Per-instance parameters; a policy reads the ones it understands (0 = its default). */
struct policy_params {
    uint32_t nframes;   /* slots 0..nframes-1, >= 1 */
    uint64_t seed;      /* random */
    uint64_t tau;       /* ws, wsclock: window in references */
    unsigned bits;      /* aging: counter width (1..32, default 8) */
    bool grow;          /* the occupied flags are made as slots are reserved (policy_reserve),
                         * not for all nframes at create: the kernel's, whose memory may be
                         * far larger than what is used */
};

struct policy;

/* Where a policy describes its own state for display (`vmsim pages --state`): the driver's
 * callbacks. A description is a sequence of rows, each a label, an index and a short cell
 * (at most POLICY_CELL_MAX - 1 characters); a driver showing the state after every
 * reference lines the rows up by (label, index), so a policy emits its rows in the same
 * order at every call (a list emits only the entries it holds; a row not emitted is an
 * empty cell). */
#define POLICY_NO_INDEX UINT32_MAX
#define POLICY_CELL_MAX 24
struct policy_describer {
    void *ctx;
    /* One row: label (a string literal), index (POLICY_NO_INDEX: none), cell text. */
    void (*row)(void *ctx, const char *label, uint32_t index, const char *text);
    /* One line on how to read the rows, or why there are none: the same at every call. */
    void (*note)(void *ctx, const char *text);
    /* The driver's name for a page, as the driver passed it to insert or access. */
    void (*page_name)(void *ctx, uint64_t page, char *buf, size_t n);
    /* The page in an occupied slot, as the driver passed it to insert. */
    uint64_t (*slot_page)(void *ctx, uint32_t slot);
};

struct policy_ops {
    const char *name;      /* CLI name */
    const char *summary;   /* one line for `vmsim pages --help` */
    const char *source;    /* paper or book it follows */
    unsigned flags;        /* enum policy_flags */
    uint32_t tick_period;  /* references between ticks by default; 0 = no tick */
    size_t state_size;     /* bytes of private state allocated (zeroed) before create */
    /* Set up private state (p->state); p->nframes and p->params are valid. */
    int (*create)(struct policy *p, struct vms_error *e);
    void (*destroy)(struct policy *p); /* may be NULL */
    void (*insert)(struct policy *p, uint32_t slot, uint64_t page, bool write);
    void (*remove)(struct policy *p, uint32_t slot);
    uint32_t (*victim)(struct policy *p, const struct policy_env *env);
    void (*access)(struct policy *p, uint32_t slot, uint64_t page, bool write); /* idealized */
    void (*tick)(struct policy *p, const struct policy_env *env);               /* may be NULL */
    int (*set_future)(struct policy *p, const uint64_t *pages, size_t n, struct vms_error *e);
    /* With params.grow: make per-slot state for slots 0 .. n-1 (n <= nframes), called by
     * policy_reserve before those slots are used; 0, or -VMS_ENOMEM with the state as it
     * was. NULL when the policy's state does not depend on nframes. */
    int (*reserve)(struct policy *p, uint32_t n);
    /* Slots the policy wants freed now (ws: pages that left the window); may be NULL. */
    uint32_t (*trim)(struct policy *p, const struct policy_env *env, uint32_t *slots,
                     uint32_t max);
    /* Describe the state between references through d (policy_describe); it changes
     * nothing: of env it calls only test_young, is_dirty and now. NULL: says it has none. */
    void (*describe)(const struct policy *p, const struct policy_env *env,
                     const struct policy_describer *d);
    /* Checkpoints (policy_save, policy_load): the private state. load is given an instance
     * made by create with the same parameters, reserved as the saved one was, and the common
     * state already loaded; 0 or -VMS_ENOMEM; bad input marks d bad (the instance is then
     * only fit for destroy). NULL: the policy cannot be checkpointed. */
    void (*save)(const struct policy *p, struct ser *s);
    int (*load)(struct policy *p, struct deser *d);
};

/* One instance. Drivers treat it as opaque and go through the wrappers below. */
struct policy {
    const struct policy_ops *ops;
    uint32_t nframes;
    uint32_t nused;          /* occupied slots */
    uint32_t hw;             /* slots hw .. nframes-1 have never been occupied */
    uint8_t *occupied;       /* ocap flags, kept by the wrappers */
    uint32_t ocap;           /* slots that have a flag: nframes, or those reserved */
    struct policy_params params;
    void *state;             /* ops->state_size bytes, zeroed */
};

/* Registry: ops by CLI name (NULL if unknown), and iteration (NULL past the end). */
const struct policy_ops *policy_find(const char *name);
const struct policy_ops *policy_at(size_t i);

/* Create an instance; *out is NULL on failure. params->nframes must be >= 1. */
int policy_create(const struct policy_ops *ops, const struct policy_params *params,
                  struct policy **out, struct vms_error *e);
void policy_destroy(struct policy *p);
/* Makes slots 0 .. n-1 (n <= nframes) usable when params.grow was set (a no-op otherwise):
 * 0, or -VMS_ENOMEM with nothing changed. */
int policy_reserve(struct policy *p, uint32_t n);

/* The only way to call the ops; contract checks live here. */
void policy_insert(struct policy *p, uint32_t slot, uint64_t page, bool write);
void policy_remove(struct policy *p, uint32_t slot);
uint32_t policy_victim(struct policy *p, const struct policy_env *env);
void policy_access(struct policy *p, uint32_t slot, uint64_t page, bool write);
void policy_tick(struct policy *p, const struct policy_env *env);
int policy_set_future(struct policy *p, const uint64_t *pages, size_t n, struct vms_error *e);
uint32_t policy_trim(struct policy *p, const struct policy_env *env, uint32_t *slots,
                     uint32_t max);

/* Checkpoints: the whole instance (its name, the occupied slots, the private state).
 * policy_load restores it into an instance policy_create made with the same parameters:
 * 0, -VMS_EUNSUPPORTED (no save/load), -VMS_ENOMEM; a checkpoint of another policy or
 * size, or bad input, marks d bad. */
int policy_save(const struct policy *p, struct ser *s);
int policy_load(struct policy *p, struct deser *d);
/* Slot lists and link arrays of slotlist.h, for the policies' save/load: links and list
 * ends must be below lim (or SLOTLIST_NIL). */
struct slotlist;
struct slotlinks;
void policy_save_list(struct ser *s, const struct slotlist *l);
void policy_load_list(struct deser *d, struct slotlist *l, uint64_t lim);
void policy_save_links(struct ser *s, const struct slotlinks *k, size_t n);
void policy_load_links(struct deser *d, struct slotlinks *k, size_t n, uint64_t lim);

static inline bool policy_is_idealized(const struct policy *p)
{
    return p->ops->flags & POLICY_IDEALIZED;
}
static inline bool policy_slot_used(const struct policy *p, uint32_t slot)
{
    return slot < p->ocap && p->occupied[slot] != 0;
}

/* The policy's state, as rows through d (see struct policy_describer). */
static inline void policy_describe(const struct policy *p, const struct policy_env *env,
                                   const struct policy_describer *d)
{
    if (p->ops->describe)
        p->ops->describe(p, env, d);
    else
        d->note(d->ctx, "this policy keeps no per-reference state to show");
}

/* For describe: row (label, index) naming page with suffix appended (a mark such as "*");
 * an empty cell when page is UINT64_MAX. */
static inline void policy_describe_page(const struct policy_describer *d, const char *label,
                                        uint32_t index, uint64_t page, const char *suffix)
{
    char buf[POLICY_CELL_MAX] = "";
    if (page != UINT64_MAX) {
        d->page_name(d->ctx, page, buf, sizeof buf);
        size_t n = strlen(buf);
        snprintf(buf + n, sizeof buf - n, "%s", suffix ? suffix : "");
    }
    d->row(d->ctx, label, index, buf);
}

/* For describe: row (label, index) naming the page in slot (none: POLICY_NO_SLOT). */
static inline void policy_describe_slot(const struct policy_describer *d, const char *label,
                                        uint32_t index, uint32_t slot, const char *suffix)
{
    policy_describe_page(d, label, index,
                         slot == POLICY_NO_SLOT ? UINT64_MAX : d->slot_page(d->ctx, slot),
                         suffix);
}

/* For describe: a list named label begins (its entries follow as rows label 1, 2, ...). An
 * empty row that no driver shows: it keeps the order of the lists while one is empty. */
static inline void policy_describe_list(const struct policy_describer *d, const char *label)
{
    d->row(d->ctx, label, POLICY_NO_INDEX, "");
}

/* For describe: row (label, index) holding a number. */
static inline void policy_describe_num(const struct policy_describer *d, const char *label,
                                       uint32_t index, uint64_t v)
{
    char buf[POLICY_CELL_MAX];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    d->row(d->ctx, label, index, buf);
}

/* splitmix64: the seeded generator policies and tests share. */
static inline uint64_t policy_rand_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

#endif
