/* The scenario's process table (see model.h). */
#include "scenario/model.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

struct model_proc *model_find(const struct model *m, const char *name)
{
    const size_t *i = names_get(&m->index, name);
    return i ? m->procs[*i] : NULL;
}

struct model_proc *model_add(struct model *m, const char *name)
{
    if (m->n == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 8;
        struct model_proc **np = vms_realloc(m->procs, ncap * sizeof *np);
        if (!np)
            return NULL;
        m->procs = np;
        m->cap = ncap;
    }
    struct model_proc *p = vms_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    if (names_put(&m->index, name, m->n) < 0) {
        vms_free(p);
        return NULL;
    }
    p->name = name;
    p->state = MODEL_LIVE;
    m->procs[m->n++] = p;
    return p;
}

static void model_free(struct model_proc *p)
{
    names_fini(&p->bind_index);
    vms_free(p->binds);
    vms_free(p);
}

void model_remove(struct model *m, struct model_proc *p)
{
    if (m->release)
        m->release(m->ctx, p);
    size_t *ip = names_get(&m->index, p->name);
    if (ip && m->procs[*ip] == p) {
        size_t i = *ip;
        names_remove(&m->index, p->name);
        m->procs[i] = m->procs[--m->n];
        if (i < m->n) /* the last one moved into the hole: index it there (cannot grow) */
            *names_get(&m->index, m->procs[i]->name) = i;
    }
    model_free(p);
}

void model_fini(struct model *m)
{
    for (size_t i = 0; i < m->n; i++)
        model_free(m->procs[i]);
    vms_free(m->procs);
    names_fini(&m->index);
    m->procs = NULL;
    m->n = m->cap = 0;
}

int model_bind(struct model_proc *p, const char *name, uint64_t va)
{
    size_t *i = names_get(&p->bind_index, name);
    if (i) {
        p->binds[*i].va = va;
        return 0;
    }
    if (p->nbinds == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 8;
        struct model_bind *nb = vms_realloc(p->binds, ncap * sizeof *nb);
        if (!nb)
            return -VMS_ENOMEM;
        p->binds = nb;
        p->cap = ncap;
    }
    if (names_put(&p->bind_index, name, p->nbinds) < 0)
        return -VMS_ENOMEM;
    p->binds[p->nbinds++] = (struct model_bind){name, va};
    return 0;
}

int model_inherit(struct model_proc *child, const struct model_proc *parent)
{
    for (size_t i = 0; i < parent->nbinds; i++)
        if (model_bind(child, parent->binds[i].name, parent->binds[i].va) < 0)
            return -VMS_ENOMEM;
    return 0;
}

void model_unbind_all(struct model_proc *p)
{
    p->nbinds = 0;
    names_clear(&p->bind_index);
}

uint64_t model_addr(const struct model_proc *p, const struct scn_addr *a)
{
    if (!a->name)
        return a->off;
    const size_t *i = names_get(&p->bind_index, a->name);
    return i ? p->binds[*i].va + a->off
             : a->off; /* unreachable: the parser checked the binding */
}

void model_kill(struct model_proc *p, const char *why, FILE *out)
{
    if (p->state == MODEL_KILLED)
        return;
    p->state = MODEL_KILLED;
    fprintf(out, "%s killed: %s\n", p->name, why);
}

struct model_proc *model_target(struct model *m, const struct scn_cmd *c, FILE *out)
{
    struct model_proc *p = model_find(m, c->proc);
    if (p && p->state != MODEL_KILLED)
        return p;
    fprintf(out, "%s: no such process\n", c->proc);
    if (p && c->kind == SCN_EXIT)
        model_remove(m, p);
    return NULL;
}
