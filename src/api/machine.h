/* Internals of the public machine object, shared with other src/api files. */
#ifndef VMS_API_MACHINE_H
#define VMS_API_MACHINE_H

#include "hw/mmu.h"
#include "report/stats.h"
#include "vmsim.h"

struct space {
    paddr_t root;
    uint16_t asid;
};

struct vms_machine {
    struct mmu mmu;
    struct pt_alloc alloc;
    struct space *spaces;
    size_t nspaces, cap;
    int cur;            /* current space, -1 = none */
    uint64_t pt_used;   /* page-table frames handed out */
    struct stats st;    /* reference counts kept here; the rest comes from the MMU */
};

struct vms_machine *machine_create(const struct vms_config *c, bool unknown_mem,
                                   struct vms_error *e);
int machine_access(struct vms_machine *vm, uint64_t va, unsigned size, enum access_kind k,
                   uint64_t *value, struct vms_fault *f, struct vms_error *e);
void machine_fill_stats(const struct vms_machine *vm, struct stats *s);

#endif
