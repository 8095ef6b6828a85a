/* Unit tests for the public machine API (src/api/machine.c): mappings, loads, stores
 * and fetches with values, page- and block-straddling accesses, faults, statistics in
 * the one schema (text, JSON, CSV and by key). */
#include "hwtest.h"

#include "api/machine.h"

static struct vms_machine *mkvm(const char *preset, const char *const *kvs)
{
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create(preset, &c, &e))
        return NULL;
    for (; kvs && *kvs; kvs++)
        if (vms_config_set_kv(c, *kvs, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            vms_config_destroy(c);
            return NULL;
        }
    struct vms_machine *vm;
    vms_machine_create(c, &vm, &e);
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

TEST(machine_values_straddles_and_stats)
{
    struct vms_machine *vm = mkvm("core-i7", NULL);
    CHECK(vm != NULL);
    if (!vm)
        return;
    struct vms_error e = {0};
    struct vms_fault f;
    uint64_t v = 0;
    CHECK_EQ(vms_map(vm, 0, 0x1000, 0x5000, 4096, VMS_PROT_READ | VMS_PROT_WRITE, 0, &e), 0);
    CHECK_EQ(vms_map(vm, 0, 0x3000, 0x9000, 4096, VMS_PROT_READ | VMS_PROT_EXEC, 0, &e), 0);
    CHECK_EQ(vms_store(vm, 0x1010, 4, 0xcafebabe, &f, &e), 0);
    CHECK_EQ(f.kind, VMS_FAULT_NONE);
    CHECK_EQ(vms_load(vm, 0x1010, 2, &v, &f, &e), 0);
    CHECK_EQ(v, 0xbabe);
    CHECK_EQ(vms_fetch(vm, 0x3000, &f, &e), 0);
    CHECK_EQ(vms_fetch(vm, 0x1000, &f, &e), 1); /* mapped without exec */
    CHECK_EQ(f.kind, VMS_FAULT_PROTECTION);
    CHECK_EQ(f.why, VMS_WHY_EXEC);
    CHECK_EQ(vms_store(vm, 0x3000, 1, 1, &f, &e), 1);
    CHECK_EQ(f.why, VMS_WHY_WRITE);
    /* Straddling a cache block inside a page: split, value intact. */
    CHECK_EQ(vms_store(vm, 0x103c, 8, 0x0102030405060708ull, &f, &e), 0);
    CHECK_EQ(vms_load(vm, 0x103c, 8, &v, &f, &e), 0);
    CHECK_EQ(v, 0x0102030405060708ull);
    double d = 0;
    CHECK_EQ(vms_machine_stat(vm, "split", &d, &e), 0);
    CHECK_EQ((uint64_t)d, 2);
    /* Straddling into an unmapped page: a fault at the second page, nothing written. */
    CHECK_EQ(vms_store(vm, 0x1ffc, 8, 0xffffffffffffffffull, &f, &e), 1);
    CHECK_EQ(f.kind, VMS_FAULT_NOT_PRESENT);
    CHECK_EQ(f.va, 0x2000);
    CHECK_EQ(vms_load(vm, 0x1ffc, 4, &v, &f, &e), 0);
    CHECK_EQ(v, 0);
    /* Bad input is an error, not a fault. */
    CHECK(vms_load(vm, 0x1000, 3, &v, &f, &e) < 0);
    CHECK(vms_store(vm, 0x1000, 1, 0x100, &f, &e) < 0);
    CHECK(vms_map(vm, 0, 0x1001, 0x5000, 4096, 3, 0, &e) < 0);
    CHECK(vms_map(vm, 0, 0x200000, 0x400000, 1 << 21, 3, 0, &e) == 0);
    CHECK(vms_map(vm, 0, 0x1000, 0x5000, 8192, 3, 0, &e) < 0);
    CHECK_EQ(vms_load(vm, 1ull << 48, 1, &v, &f, &e), 1);
    CHECK_EQ(f.kind, VMS_FAULT_BAD_ADDRESS);
    /* Statistics by key and as one JSON object. */
    const char *keys[] = {"references", "loads", "stores", "ifetches", "tlb.l1d.hits",
                          "tlb.l1d.misses", "tlb.l2.hits", "walks.count", "walks.refs_level4",
                          "walks.psc.level3.hits", "cache.l1d.hits", "cache.l3.writebacks",
                          "cache.dram.reads", "faults.mmu_not_present", "cycles", "amat"};
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        if (vms_machine_stat(vm, keys[i], &d, &e))
            harness_fail(__FILE__, __LINE__, "no statistic %s", keys[i]);
    }
    CHECK(vms_machine_stat(vm, "tlb.l3.hits", &d, &e) < 0);
    CHECK_EQ(vms_machine_stat(vm, "faults.mmu_not_present", &d, &e), 0);
    CHECK(d >= 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    CHECK_EQ(vms_machine_stats_print(vm, out, VMS_JSON, &e), 0);
    fclose(out);
    CHECK(len > 2 && buf[0] == '{' && buf[len - 2] == '}' && buf[len - 1] == '\n');
    int depth = 0, min_depth = 1, objects = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '{') {
            depth++;
            objects++;
        } else if (buf[i] == '}') {
            depth--;
            if (i + 2 < len && depth < min_depth)
                min_depth = depth;
        }
    }
    CHECK_EQ(depth, 0);
    CHECK_EQ(min_depth, 1); /* one top-level object */
    CHECK(objects > 5);
    CHECK_CONTAINS(buf, "\"tlb\":{\"l1d\":{\"hits\":");
    CHECK_CONTAINS(buf, "\"references\":");
    CHECK_CONTAINS(buf, "\"cache\":{\"l1d\":");
    CHECK(!strstr(buf, ",,") && !strstr(buf, "{,") && !strstr(buf, ",}"));
    free(buf);
    vms_machine_destroy(vm);
}
