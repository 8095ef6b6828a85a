/* The public machine API (vmsim.h "machine" and "stats" sections): configs, a machine
 * with explicit address spaces and mappings, accesses with values. The kernel, when
 * present, drives the same MMU; this file is the bare-hardware entry point. */
#include "api/machine.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

/* ---- configs ---- */

int vms_config_create(const char *preset, struct vms_config **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_config *c = vms_malloc(sizeof *c);
    if (!c)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    int rc = config_preset(c, preset ? preset : VMS_DEFAULT_MACHINE, e);
    if (rc) {
        vms_free(c);
        return rc < 0 ? rc : -VMS_EINVAL;
    }
    *out = c;
    return 0;
}

void vms_config_destroy(struct vms_config *c)
{
    vms_free(c);
}

int vms_config_clone(const struct vms_config *c, struct vms_config **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_config *n = vms_malloc(sizeof *n);
    if (!n)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    *n = *c;
    *out = n;
    return 0;
}

int vms_config_set(struct vms_config *c, const char *key, const char *value, struct vms_error *e)
{
    return config_set(c, key, value, e);
}

int vms_config_set_kv(struct vms_config *c, const char *kv, struct vms_error *e)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv)
        return err_set(e, VMS_EINVAL, "'%s': expected KEY=VALUE", kv);
    char key[128];
    size_t n = (size_t)(eq - kv);
    if (n >= sizeof key)
        return err_set(e, VMS_EINVAL, "'%s': key too long", kv);
    memcpy(key, kv, n);
    key[n] = '\0';
    return config_set(c, key, eq + 1, e);
}

int vms_config_check(const struct vms_config *c, struct vms_error *e)
{
    return config_check(c, NULL, e);
}

const char *vms_config_name(const struct vms_config *c)
{
    return c->name;
}

uint64_t vms_config_page_size(const struct vms_config *c)
{
    return UINT64_C(1) << c->page_shift;
}

unsigned vms_config_va_bits(const struct vms_config *c)
{
    return c->va_bits;
}

int vms_config_get(const struct vms_config *c, const char *key, char *buf, size_t n,
                   struct vms_error *e)
{
    if (n)
        buf[0] = '\0';
    bool known = false;
    for (size_t i = 0; i < config_key_count() && !known; i++)
        known = !strcmp(config_key(i)->key, key);
    if (!known)
        return err_set(e, VMS_EINVAL,
                       "unknown machine key '%s' (see `vmsim machines --keys`)", key);
    if (n)
        config_get(c, key, buf, n);
    return 0;
}

size_t vms_config_key_count(void)
{
    return config_key_count();
}

const char *vms_config_key_name(size_t i)
{
    const struct config_key_info *k = config_key(i);
    return k ? k->key : NULL;
}

const char *vms_config_key_meaning(size_t i)
{
    const struct config_key_info *k = config_key(i);
    return k ? k->meaning : NULL;
}

/* ---- machines ---- */

/* Page-table frames: from the top of physical memory downwards; on machines whose
 * physical memory is too small to spare them (the book's 4 KiB system), from just
 * above it, so tables never collide with the frames the exercises use. */
static pfn_t pt_alloc_default(void *ctx, unsigned npages)
{
    struct vms_machine *vm = ctx;
    const struct vms_config *c = &vm->mmu.cfg;
    pfn_t nframes = (pfn_t)1 << (c->pa_bits - c->page_shift);
    if (nframes <= 4096) {
        pfn_t p = nframes + vm->pt_used;
        vm->pt_used += npages;
        return p;
    }
    if (vm->pt_used + npages > nframes / 2)
        return (pfn_t)-1;
    vm->pt_used += npages;
    return nframes - vm->pt_used;
}

struct vms_machine *machine_create(const struct vms_config *c, bool unknown_mem,
                                   struct vms_error *e)
{
    struct vms_machine *vm = vms_calloc(1, sizeof *vm);
    if (!vm) {
        err_set(e, VMS_ENOMEM, "out of host memory");
        return NULL;
    }
    if (mmu_init(&vm->mmu, c, unknown_mem, e)) {
        vms_free(vm);
        return NULL;
    }
    vm->alloc = (struct pt_alloc){pt_alloc_default, vm};
    vm->cur = -1;
    return vm;
}

int vms_machine_create(const struct vms_config *c, struct vms_machine **out,
                       struct vms_error *e)
{
    struct vms_error le;
    if (!e)
        e = &le;
    e->code = 0;
    *out = machine_create(c, false, e);
    return *out ? 0 : -(e->code ? e->code : VMS_EINVAL);
}

void vms_machine_destroy(struct vms_machine *vm)
{
    if (!vm)
        return;
    mmu_fini(&vm->mmu);
    vms_free(vm->spaces);
    vms_free(vm);
}

int vms_space_create(struct vms_machine *vm, struct vms_error *e)
{
    if (vm->nspaces == vm->cap) {
        size_t ncap = vm->cap ? vm->cap * 2 : 4;
        struct space *ns = vms_realloc(vm->spaces, ncap * sizeof *ns);
        if (!ns)
            return err_set(e, VMS_ENOMEM, "out of host memory");
        vm->spaces = ns;
        vm->cap = ncap;
    }
    struct space *sp = &vm->spaces[vm->nspaces];
    if (pt_create_root(&vm->mmu, &vm->alloc, &sp->root))
        return err_set(e, VMS_ENOMEM, "out of memory for a root page table");
    sp->asid = (uint16_t)(vm->nspaces + 1);
    int id = (int)vm->nspaces++;
    if (vm->cur < 0)
        vms_space_switch(vm, id, e);
    return id;
}

int vms_space_switch(struct vms_machine *vm, int space, struct vms_error *e)
{
    if (space < 0 || (size_t)space >= vm->nspaces)
        return err_set(e, VMS_EINVAL, "no address space %d", space);
    vm->cur = space;
    mmu_load_cr3(&vm->mmu, vm->spaces[space].root, vm->spaces[space].asid);
    return 0;
}

int vms_map(struct vms_machine *vm, int space, uint64_t va, uint64_t pa, uint64_t page_size,
            unsigned prot, unsigned flags, struct vms_error *e)
{
    struct mmu *m = &vm->mmu;
    if (space < 0 || (size_t)space >= vm->nspaces)
        return err_set(e, VMS_EINVAL, "no address space %d", space);
    int psz = -1;
    for (int s = 0; s < PSZ_N; s++)
        if (m->g.psz_shift[s] && (UINT64_C(1) << m->g.psz_shift[s]) == page_size)
            psz = s;
    if (psz < 0)
        return err_set(e, VMS_EINVAL, "page size %llu not supported by %s",
                       (unsigned long long)page_size, m->cfg.name);
    if ((va | pa) & (page_size - 1))
        return err_set(e, VMS_EINVAL, "va 0x%llx / pa 0x%llx not aligned to the page size",
                       (unsigned long long)va, (unsigned long long)pa);
    if (m->cfg.va_bits < 64 && va >> m->cfg.va_bits)
        return err_set(e, VMS_EINVAL, "va 0x%llx wider than %u bits", (unsigned long long)va,
                       m->cfg.va_bits);
    if (pa >> m->cfg.pa_bits)
        return err_set(e, VMS_EINVAL, "pa 0x%llx wider than %u bits", (unsigned long long)pa,
                       m->cfg.pa_bits);
    struct pte_info leaf = {.writable = prot & VMS_PROT_WRITE,
                            .readable = prot & VMS_PROT_READ || m->cfg.pte_fmt != PTE_FMT_TEACH,
                            .nx = !(prot & VMS_PROT_EXEC),
                            .user = !(flags & VMS_MAP_SUPERVISOR),
                            .global = flags & VMS_MAP_GLOBAL};
    int rc = pt_map(m, &vm->alloc, vm->spaces[space].root, va, psz,
                    pa >> m->cfg.page_shift, &leaf, e);
    if (rc)
        return rc;
    mmu_invlpg(m, va, vm->spaces[space].asid);
    return 0;
}

int vms_unmap(struct vms_machine *vm, int space, uint64_t va, struct vms_error *e)
{
    if (space < 0 || (size_t)space >= vm->nspaces)
        return err_set(e, VMS_EINVAL, "no address space %d", space);
    int psz;
    paddr_t pte_pa = pt_lookup(&vm->mmu, vm->spaces[space].root, va, &psz);
    if (pte_pa)
        pt_write(&vm->mmu, pte_pa, 0);
    mmu_invlpg(&vm->mmu, va, vm->spaces[space].asid);
    return 0;
}

static void to_fault(const struct xlate *x, uint64_t va, struct vms_fault *f)
{
    if (!f)
        return;
    f->va = va;
    f->level = x->level;
    f->why = 0;
    switch (x->status) {
    case XL_OK: f->kind = VMS_FAULT_NONE; break;
    case XL_NOT_PRESENT:
    case XL_UNKNOWN: f->kind = VMS_FAULT_NOT_PRESENT; break;
    case XL_PROTECTION:
        f->kind = VMS_FAULT_PROTECTION;
        f->why = x->why;
        break;
    case XL_RESERVED: f->kind = VMS_FAULT_RESERVED; break;
    case XL_BAD_ADDRESS: f->kind = VMS_FAULT_BAD_ADDRESS; break;
    }
}

int machine_access(struct vms_machine *vm, uint64_t va, unsigned size, enum access_kind k,
                   uint64_t *value, struct vms_fault *f, struct vms_error *e)
{
    struct mmu *m = &vm->mmu;
    if (vm->cur < 0)
        return err_set(e, VMS_EINVAL, "no address space: create one first");
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return err_set(e, VMS_EINVAL, "access size %u: expected 1, 2, 4 or 8", size);
    if (k == ACCESS_FETCH)
        vm->st.ifetches++;
    else if (k == ACCESS_LOAD)
        vm->st.loads++;
    else
        vm->st.stores++;
    vm->st.references++;
    /* One piece per cache block (at most 8: size <= 8). */
    paddr_t pas[8];
    unsigned lens[8], np = 0;
    struct mmu_pieces pc = mmu_pieces(m, k, va, size);
    vaddr_t cur;
    unsigned len;
    while (mmu_piece_next(&pc, &cur, &len)) {
        struct xlate x;
        enum xlate_status st = mmu_access(m, cur, k, &pas[np], &x);
        if (st != XL_OK) {
            to_fault(&x, cur, f);
            return 1;
        }
        lens[np++] = len;
    }
    if (np > 1)
        vm->st.split++;
    if (f)
        f->kind = VMS_FAULT_NONE;
    if (k == ACCESS_FETCH)
        return 0;
    if (k == ACCESS_LOAD)
        physmem_read_pieces(m->pm, pas, lens, np, value);
    else if (physmem_write_pieces(m->pm, pas, lens, np, *value))
        return err_set(e, VMS_ENOMEM, "out of host memory");
    return 0;
}

int vms_load(struct vms_machine *vm, uint64_t va, unsigned size, uint64_t *value,
             struct vms_fault *f, struct vms_error *e)
{
    return machine_access(vm, va, size, ACCESS_LOAD, value, f, e);
}

int vms_store(struct vms_machine *vm, uint64_t va, unsigned size, uint64_t value,
              struct vms_fault *f, struct vms_error *e)
{
    if (size < 8 && value >> (8 * size))
        return err_set(e, VMS_EINVAL, "value 0x%llx does not fit in %u bytes",
                       (unsigned long long)value, size);
    return machine_access(vm, va, size, ACCESS_STORE, &value, f, e);
}

int vms_fetch(struct vms_machine *vm, uint64_t va, struct vms_fault *f, struct vms_error *e)
{
    uint64_t v = 0;
    return machine_access(vm, va, 1, ACCESS_FETCH, &v, f, e);
}

/* ---- statistics ---- */

void machine_fill_stats(const struct vms_machine *vm, struct stats *s)
{
    *s = vm->st;
    stats_from_mmu(s, &vm->mmu);
}

int vms_machine_stats_print(const struct vms_machine *vm, FILE *out, enum vms_format fmt,
                            struct vms_error *e)
{
    if (fmt != VMS_TEXT && fmt != VMS_JSON && fmt != VMS_CSV)
        return err_set(e, VMS_EINVAL, "statistics: unknown format %d", (int)fmt);
    struct stats s;
    machine_fill_stats(vm, &s);
    stats_print(&s, out, fmt, true);
    return ferror(out) ? err_set(e, VMS_EIO, "write error") : 0;
}

int vms_machine_stat(const struct vms_machine *vm, const char *key, double *value,
                     struct vms_error *e)
{
    *value = 0;
    struct stats s;
    machine_fill_stats(vm, &s);
    if (!stats_get(&s, key, value))
        return err_set(e, VMS_EINVAL, "no statistic '%s'", key);
    return 0;
}
