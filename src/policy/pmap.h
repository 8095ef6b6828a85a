/* A small open-addressing hash map from 64-bit page ids to 32-bit values (linear probing,
 * backward-shift deletion), for policies that remember pages by id (ghost lists,
 * frequencies, OPT's future) and for the drivers' dense renumbering. */
#ifndef VMS_POLICY_PMAP_H
#define VMS_POLICY_PMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/ser.h"

struct pmap_slot {
    uint64_t key;
    uint32_t val;
    uint32_t used; /* one cache access per probe: key, value and flag together */
};

struct pmap {
    struct pmap_slot *slots;
    size_t cap; /* power of two */
    size_t len;
};

/* init reserves room for about `hint` keys; returns false when out of memory. */
bool pmap_init(struct pmap *m, size_t hint);
void pmap_fini(struct pmap *m);
/* Pointer to the value of key, or NULL. Valid until the next put/del. */
static inline uint32_t *pmap_get(const struct pmap *m, uint64_t key);
/* Insert or overwrite; false when out of memory (map unchanged). */
bool pmap_put(struct pmap *m, uint64_t key, uint32_t val);
/* Remove key if present; returns whether it was. */
bool pmap_del(struct pmap *m, uint64_t key);

/* Checkpoints: the map slot by slot (a loaded map probes as the saved one did). load
 * replaces *m (values below val_lim); false when out of host memory (m as it was); bad
 * input marks d bad. */
void pmap_save(const struct pmap *m, struct ser *s);
bool pmap_load(struct pmap *m, struct deser *d, uint64_t val_lim);

static inline uint64_t pmap_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= UINT64_C(0xff51afd7ed558ccd);
    k ^= k >> 33;
    return k;
}

static inline uint32_t *pmap_get(const struct pmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = pmap_hash(key) & mask;
    while (m->slots[i].used) {
        if (m->slots[i].key == key)
            return &m->slots[i].val;
        i = (i + 1) & mask;
    }
    return NULL;
}

#endif
