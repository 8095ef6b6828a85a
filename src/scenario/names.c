/* The name table (names.h). */
#include "scenario/names.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

/* FNV-1a over the bytes, then a final mix (the low bits pick the slot). */
static uint64_t names_hash(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

/* The slot holding key, or the empty slot where it would go. cap > 0, never full. */
static size_t names_slot_of(const struct names *t, const char *key, uint64_t h)
{
    size_t mask = t->cap - 1, i = (size_t)h & mask;
    while (t->slots[i].key &&
           (t->slots[i].hash != h || strcmp(t->slots[i].key, key) != 0))
        i = (i + 1) & mask;
    return i;
}

size_t *names_get(const struct names *t, const char *key)
{
    if (!t->n)
        return NULL;
    size_t i = names_slot_of(t, key, names_hash(key));
    return t->slots[i].key ? &t->slots[i].value : NULL;
}

static int names_grow(struct names *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 16;
    struct names_slot *ns = vms_calloc(ncap, sizeof *ns);
    if (!ns)
        return -VMS_ENOMEM;
    struct names old = *t;
    t->slots = ns;
    t->cap = ncap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i].key)
            t->slots[names_slot_of(t, old.slots[i].key, old.slots[i].hash)] = old.slots[i];
    vms_free(old.slots);
    return 0;
}

int names_put(struct names *t, const char *key, size_t value)
{
    uint64_t h = names_hash(key);
    if (t->cap) {
        size_t i = names_slot_of(t, key, h);
        if (t->slots[i].key) {
            t->slots[i].value = value;
            return 0;
        }
    }
    if ((t->n + 1) * 4 > t->cap * 3 && names_grow(t) < 0) /* at most 3/4 full */
        return -VMS_ENOMEM;
    t->slots[names_slot_of(t, key, h)] = (struct names_slot){key, h, value};
    t->n++;
    return 0;
}

void names_remove(struct names *t, const char *key)
{
    if (!t->n)
        return;
    size_t mask = t->cap - 1, i = names_slot_of(t, key, names_hash(key));
    if (!t->slots[i].key)
        return;
    /* backward-shift: move later entries of the probe run into the hole when their home
     * slot is not between the hole and them */
    for (size_t j = (i + 1) & mask; t->slots[j].key; j = (j + 1) & mask) {
        size_t home = (size_t)t->slots[j].hash & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            t->slots[i] = t->slots[j];
            i = j;
        }
    }
    t->slots[i].key = NULL;
    t->n--;
}

void names_clear(struct names *t)
{
    if (t->n)
        memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->n = 0;
}

void names_fini(struct names *t)
{
    vms_free(t->slots);
    *t = (struct names){0};
}
