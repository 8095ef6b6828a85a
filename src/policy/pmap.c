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

void pmap_save(const struct pmap *m, struct ser *s)
{
    ser_u64(s, m->cap);
    ser_u64(s, m->len);
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].used) {
            ser_u64(s, i);
            ser_u64(s, m->slots[i].key);
            ser_u32(s, m->slots[i].val);
        }
}

bool pmap_load(struct pmap *m, struct deser *d, uint64_t val_lim)
{
    uint64_t cap = deser_u64(d);
    if (d->bad)
        return true;
    if (cap < 16 || cap > (UINT64_C(1) << 34) || (cap & (cap - 1)) ||
        cap > (d->len - d->pos) * 16 + 64) {
        deser_fail(d, "corrupt checkpoint: a page map of %llu slots", (unsigned long long)cap);
        return true;
    }
    uint64_t len = deser_max(d, cap - 1, "page map length");
    if (d->bad)
        return true;
    struct pmap n;
    if (!pmap_alloc(&n, (size_t)cap))
        return false;
    uint64_t last = 0;
    for (uint64_t j = 0; j < len && !d->bad; j++) {
        uint64_t i = deser_max(d, cap - 1, "page map slot");
        if (j && i <= last)
            deser_fail(d, "corrupt checkpoint: page map slots out of order");
        last = i;
        n.slots[i].key = deser_u64(d);
        n.slots[i].val = deser_id(d, val_lim, false, "page map value");
        n.slots[i].used = 1;
    }
    n.len = (size_t)len;
    pmap_fini(m);
    *m = n;
    return true;
}
