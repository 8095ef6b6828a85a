/* The hardware half for `pages` and `mrc`: frames as slots holding dense page ids, an A and
 * a D bit per slot set the way the MMU sets them, and virtual time. It drives a policy
 * exactly as the kernel's reclaim does (policy.h): the policy sees only the ops protocol. */
#ifndef VMS_POLICY_SIM_H
#define VMS_POLICY_SIM_H

#include "policy/policy.h"

#define SIM_NONE UINT32_MAX

struct sim {
    struct policy *pol;
    struct policy_env env;
    uint32_t nframes, npages, nused;
    uint32_t *slot_page;  /* dense page in each slot, SIM_NONE when free */
    uint32_t *page_slot;  /* slot of each dense page, SIM_NONE when not resident */
    uint8_t *abit, *dbit; /* per slot */
    uint32_t *trimmed;    /* pages dropped by the last trim */
    uint32_t ntrimmed;
    uint64_t now;         /* references so far, counting the one being handled */
    uint32_t free_hint;   /* no free slot below this one */
    uint32_t tick_period, tick_left;
    bool idealized;
    uint64_t faults, hits;
};

/* One reference's outcome. */
struct sim_step {
    bool hit;
    uint32_t slot;    /* where the page is now */
    uint32_t evicted; /* dense page evicted to make room, or SIM_NONE */
};

/* Create for dense pages 0..npages-1. tick_period 0 = the policy's default. */
int sim_create(const struct policy_ops *ops, const struct policy_params *params,
               uint32_t npages, uint32_t tick_period, struct sim **out, struct vms_error *e);
void sim_destroy(struct sim *s);
/* Give OPT the whole future (dense pages); a no-op for other policies. */
int sim_set_future(struct sim *s, const uint32_t *pages, size_t n, uint32_t mask,
                   struct vms_error *e);
/* One reference; page < npages. step may be NULL. After it, s->trimmed lists the
 * pages the policy dropped at this reference's tick (ws). */
void sim_ref(struct sim *s, uint32_t page, bool write, struct sim_step *step);

#endif
