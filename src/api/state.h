/* Machine-state files (docs/state-format.md) — internal representation. */
#ifndef VMS_API_STATE_H
#define VMS_API_STATE_H

#include "api/machine.h"

enum item_kind { ITEM_TLB, ITEM_PTE, ITEM_PDE, ITEM_CACHE, ITEM_MEM };

struct state_item {
    enum item_kind kind;
    unsigned line;
    int which;            /* TLB_* or CACHE_* */
    int psz;              /* TLB page-size class */
    uint64_t set, way, tag, ppn, vpn, level, pa, age;
    bool has_ppn, has_bytes, has_age;
    uint64_t valid, dirty, user, accessed, global;
    unsigned prot;        /* 1 r, 2 w, 4 x */
    unsigned nbytes;
    uint8_t bytes[64];
};

struct vms_state {
    char file[256];
    uint64_t bytes, hash; /* the input's identity: its length and vms_input_hash */
    struct vms_config cfg;
    struct state_item *items;
    size_t n, cap;
};

/* A fresh machine holding exactly the state; memory not given is unknown. */
struct vms_machine *state_build(const struct vms_state *st, struct vms_error *e);

#endif
