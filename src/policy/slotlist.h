/* Intrusive doubly linked lists over small integer ids (frame slots or entry ids), the
 * building block of FIFO, LRU, 2Q, ARC, LIRS and the active/inactive lists. Several lists
 * may share one pair of link arrays as long as an id is on at most one of them.
 * Head = most recently pushed, tail = oldest. */
#ifndef VMS_POLICY_SLOTLIST_H
#define VMS_POLICY_SLOTLIST_H

#include <stdint.h>

#define SLOTLIST_NIL UINT32_MAX

struct slotlinks {
    uint32_t *prev; /* toward the head */
    uint32_t *next; /* toward the tail */
};

struct slotlist {
    uint32_t head, tail, len;
};

static inline void slotlist_init(struct slotlist *l)
{
    l->head = l->tail = SLOTLIST_NIL;
    l->len = 0;
}

static inline void slotlist_push_head(struct slotlinks *k, struct slotlist *l, uint32_t id)
{
    k->prev[id] = SLOTLIST_NIL;
    k->next[id] = l->head;
    if (l->head != SLOTLIST_NIL)
        k->prev[l->head] = id;
    else
        l->tail = id;
    l->head = id;
    l->len++;
}

static inline void slotlist_push_tail(struct slotlinks *k, struct slotlist *l, uint32_t id)
{
    k->next[id] = SLOTLIST_NIL;
    k->prev[id] = l->tail;
    if (l->tail != SLOTLIST_NIL)
        k->next[l->tail] = id;
    else
        l->head = id;
    l->tail = id;
    l->len++;
}

/* id must be on l. */
static inline void slotlist_unlink(struct slotlinks *k, struct slotlist *l, uint32_t id)
{
    uint32_t p = k->prev[id], n = k->next[id];
    if (p != SLOTLIST_NIL)
        k->next[p] = n;
    else
        l->head = n;
    if (n != SLOTLIST_NIL)
        k->prev[n] = p;
    else
        l->tail = p;
    l->len--;
}

static inline uint32_t slotlist_pop_tail(struct slotlinks *k, struct slotlist *l)
{
    uint32_t id = l->tail;
    if (id != SLOTLIST_NIL)
        slotlist_unlink(k, l, id);
    return id;
}

static inline void slotlist_move_head(struct slotlinks *k, struct slotlist *l, uint32_t id)
{
    if (l->head == id)
        return;
    slotlist_unlink(k, l, id);
    slotlist_push_head(k, l, id);
}

#endif
