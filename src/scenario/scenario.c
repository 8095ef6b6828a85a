/* Scenario lifetime: the arena that owns the AST's strings, destruction, and the public
 * vms_scenario_destroy/length (parsing is parser.c's). */
#include "scenario/scenario.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

struct scn_arena {
    struct scn_arena *next;
    size_t used, cap;
    _Alignas(8) char data[];
};

void *scenario_alloc(struct vms_scenario *sc, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct scn_arena *a = sc->arena;
    if (!a || a->cap - a->used < n) {
        size_t cap = n > 4000 ? n : 4000;
        a = vms_malloc(sizeof *a + cap);
        if (!a)
            return NULL;
        a->next = sc->arena;
        a->used = 0;
        a->cap = cap;
        sc->arena = a;
    }
    void *p = a->data + a->used;
    a->used += n;
    return p;
}

const char *scenario_strndup(struct vms_scenario *sc, const char *s, size_t n)
{
    char *p = scenario_alloc(sc, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void scenario_destroy(struct vms_scenario *sc)
{
    if (!sc)
        return;
    while (sc->arena) {
        struct scn_arena *next = sc->arena->next;
        vms_free(sc->arena);
        sc->arena = next;
    }
    vms_free(sc->cmds);
    vms_free(sc->text);
    vms_free(sc);
}

/* ---------------------------------------------------------------- public API */

void vms_scenario_destroy(struct vms_scenario *sc)
{
    scenario_destroy(sc);
}

size_t vms_scenario_length(const struct vms_scenario *sc)
{
    return sc ? sc->ncmds : 0;
}
