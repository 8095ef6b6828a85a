/* Open-addressing page-id map (see pmap.h). */
#include "policy/pmap.h"

#include "base/alloc.h"

static bool pmap_alloc(struct pmap *m, size_t cap)
{
    m->keys = vms_malloc(cap * sizeof *m->keys);
    m->vals = vms_malloc(cap * sizeof *m->vals);
    m->used = vms_calloc(cap, 1);
    if (!m->keys || !m->vals || !m->used) {
        vms_free(m->keys);
        vms_free(m->vals);
        vms_free(m->used);
        m->keys = NULL;
        m->vals = NULL;
        m->used = NULL;
        return false;
    }
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
    vms_free(m->keys);
    vms_free(m->vals);
    vms_free(m->used);
    m->keys = NULL;
    m->vals = NULL;
    m->used = NULL;
    m->cap = m->len = 0;
}

uint32_t *pmap_get(const struct pmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = pmap_hash(key) & mask;
    while (m->used[i]) {
        if (m->keys[i] == key)
            return &m->vals[i];
        i = (i + 1) & mask;
    }
    return NULL;
}

static void pmap_place(struct pmap *m, uint64_t key, uint32_t val)
{
    size_t mask = m->cap - 1, i = pmap_hash(key) & mask;
    while (m->used[i]) {
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return;
        }
        i = (i + 1) & mask;
    }
    m->used[i] = 1;
    m->keys[i] = key;
    m->vals[i] = val;
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
            if (old.used[i])
                pmap_place(m, old.keys[i], old.vals[i]);
        pmap_fini(&old);
    }
    pmap_place(m, key, val);
    return true;
}

bool pmap_del(struct pmap *m, uint64_t key)
{
    size_t mask = m->cap - 1, i = pmap_hash(key) & mask;
    while (m->used[i] && m->keys[i] != key)
        i = (i + 1) & mask;
    if (!m->used[i])
        return false;
    /* Backward-shift: pull later members of the probe run into the hole. */
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->used[j])
            break;
        size_t home = pmap_hash(m->keys[j]) & mask;
        /* Move j into i unless its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            m->keys[i] = m->keys[j];
            m->vals[i] = m->vals[j];
            i = j;
        }
    }
    m->used[i] = 0;
    m->len--;
    return true;
}
