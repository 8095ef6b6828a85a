/* A table from names (strings the caller keeps alive) to small values: open addressing with
 * linear probing and backward-shift deletion, so lookups by process and mapping name stay
 * O(1) for scenarios of 10^5 spawns or mmaps (the parser's and the model's tables). */
#ifndef VMS_SCENARIO_NAMES_H
#define VMS_SCENARIO_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct names_slot {
    const char *key; /* NULL: empty */
    uint64_t hash;
    size_t value;
};

struct names {
    struct names_slot *slots; /* cap slots, cap a power of two (or 0) */
    size_t cap, n;
};

/* The value of key, or NULL when key is not in t. The pointer stays valid until the next
 * names_put or names_remove. */
size_t *names_get(const struct names *t, const char *key);
/* Set key's value (added or replaced). 0, or -VMS_ENOMEM (t unchanged). */
int names_put(struct names *t, const char *key, size_t value);
/* Remove key (nothing when it is not there). */
void names_remove(struct names *t, const char *key);
/* Remove every key, keeping the slots. */
void names_clear(struct names *t);
void names_fini(struct names *t);

#endif
