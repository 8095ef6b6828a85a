/* Open-addressing page-id map (see pmap.h). */
#include "policy/pmap.h"

#include "base/alloc.h"

static bool pmap_alloc(struct pmap *m, size_t cap)
{
    m->slots = vms_calloc(cap, sizeof *m->slots);
    if (!m->slots)
        return false;
    m->cap = cap;
    m->len = 0;
    return true;
}

bool pmap_init(struct pmap *m, size_t hint)
{
    size_t cap = 16;
    while (cap < hint * 2)
        cap *= 2;
    return pmap_alloc(m, cap);
}

void pmap_fini(struct pmap *m)
{
    vms_free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}

static void pmap_place(struct pmap *m, uint64_t key, uint32_t val)
{
    size_t mask = m->cap - 1, i = pmap_hash(key) & mask;
    while (m->slots[i].used) {
        if (m->slots[i].key == key) {
            m->slots[i].val = val;
            return;
        }
        i = (i + 1) & mask;
    }
    m->slots[i] = (struct pmap_slot){key, val, 1};
    m->len++;
}

bool pmap_put(struct pmap *m, uint64_t key, uint32_t val)
{
    uint32_t *v = pmap_get(m, key);
    if (v) {
        *v = val;
        return true;
    }
    if ((m->len + 1) * 4 > m->cap * 3) {
        struct pmap old = *m;
        if (!pmap_alloc(m, old.cap * 2)) {
            *m = old;
            return false;
        }
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].used)
                pmap_place(m, old.slots[i].key, old.slots[i].val);
        pmap_fini(&old);
    }
    pmap_place(m, key, val);
    return true;
}

bool pmap_del(struct pmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = pmap_hash(key) & mask;
    while (m->slots[i].used && m->slots[i].key != key)
        i = (i + 1) & mask;
    if (!m->slots[i].used)
        return false;
    /* Backward-shift: pull later members of the probe run into the hole. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->slots[j].used)
            break;
        size_t home = pmap_hash(m->slots[j].key) & mask;
        /* Move j into i unless its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].used = 0;
    m->len--;
    return true;
}
