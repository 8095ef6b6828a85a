/* Unit tests for the public machine API (src/api/machine.c): mappings, loads, stores
 * and fetches with values, page- and block-straddling accesses, faults, statistics in
 * the one schema (text, JSON, CSV and by key). */
#include "hwtest.h"

#include "api/machine.h"

static struct vms_machine *mkvm(const char *preset, const char *const *kvs)
{
    struct vms_error e = {0};
    struct vms_config *c = vms_config_create(preset, &e);
    if (!c)
        return NULL;
    for (; kvs && *kvs; kvs++)
        if (vms_config_set_kv(c, *kvs, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            vms_config_destroy(c);
            return NULL;
        }
    struct vms_machine *vm = vms_machine_create(c, &e);
    vms_config_destroy(c);
    if (vm && vms_space_create(vm, &e) != 0) {
        vms_machine_destroy(vm);
        return NULL;
    }
    return vm;
}

TEST(machine_full_width_va)
{
    /* va_bits=64 is a legal geometry (5 levels); the hit path must not shift by 64. */
    const char *kv[] = {"va_bits=64", "levels=5", NULL};
    struct vms_machine *vm = mkvm("x86-64-5level", kv);
    CHECK(vm != NULL);
    if (!vm)
        return;
    struct vms_error e = {0};
    struct vms_fault f;
    uint64_t v = 0;
    const uint64_t va = 0xfedc000000001000ull;
    CHECK_EQ(vms_map(vm, 0, va, 0x5000, 4096, VMS_PROT_READ | VMS_PROT_WRITE, 0, &e), 0);
    CHECK_EQ(vms_store(vm, va + 8, 8, 0x1122334455667788ull, &f, &e), 0);
    CHECK_EQ(vms_load(vm, va + 8, 8, &v, &f, &e), 0);
    CHECK_EQ(v, 0x1122334455667788ull);
    CHECK_EQ(vms_load(vm, va + 0x1000, 8, &v, &f, &e), 1);
    CHECK_EQ(f.kind, VMS_FAULT_NOT_PRESENT);
    vms_machine_destroy(vm);
}
