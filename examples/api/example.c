/* A program using libvmsim through its public header only: a Core i7 machine, one
 * address space, one page mapped, a store and a load through the MMU, a page fault, and
 * statistics read back. Every call's result is checked; any failure exits with status 1.
 * Build against an installed copy:
 *     cc example.c $(pkg-config --cflags --libs --static vmsim) -o example */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <vmsim.h>

static void die(const char *what, const struct vms_error *e)
{
    fprintf(stderr, "example: %s: %s\n", what, e->msg[0] ? e->msg : vms_strerror(e->code));
    exit(1);
}

int main(void)
{
    struct vms_error e = {0};
    struct vms_config *c = vms_config_create("core-i7", &e);
    if (!c)
        die("core-i7", &e);
    if (vms_config_check(c, &e) != 0)
        die("config", &e);
    printf("machine %s, %" PRIu64 "-byte pages, %u-bit virtual addresses\n",
           vms_config_name(c), vms_config_page_size(c), vms_config_va_bits(c));

    struct vms_machine *m = vms_machine_create(c, &e);
    vms_config_destroy(c);
    if (!m)
        die("machine", &e);
    int space = vms_space_create(m, &e);
    if (space < 0)
        die("address space", &e);
    if (vms_space_switch(m, space, &e) != 0)
        die("switch", &e);

    /* One read/write page at virtual 0x400000, backed by the frame at physical 0x5000. */
    const uint64_t va = 0x400000;
    if (vms_map(m, space, va, 0x5000, 4096, VMS_PROT_READ | VMS_PROT_WRITE, 0, &e) != 0)
        die("map", &e);

    struct vms_fault f;
    uint64_t v = 0;
    if (vms_store(m, va + 0x10, 8, 0x1122334455667788u, &f, &e) != 0)
        die("store", &e);
    if (vms_load(m, va + 0x10, 8, &v, &f, &e) != 0)
        die("load", &e);
    printf("load 0x%" PRIx64 ": 0x%" PRIx64 "\n", va + 0x10, v);
    if (v != 0x1122334455667788u) {
        fprintf(stderr, "example: loaded a different value\n");
        return 1;
    }

    /* The next page is not mapped: a fault, reported, not an error. */
    int rc = vms_load(m, va + 4096, 8, &v, &f, &e);
    if (rc < 0)
        die("load", &e);
    if (rc != 1 || f.kind != VMS_FAULT_NOT_PRESENT) {
        fprintf(stderr, "example: expected a not-present fault\n");
        return 1;
    }
    printf("load 0x%" PRIx64 ": not-present fault at level %u\n", f.va, f.level);

    const char *keys[] = {"references", "tlb.l1d.misses", "walks.count"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        double d;
        if (vms_machine_stat(m, keys[i], &d, &e) != 0)
            die(keys[i], &e);
        printf("%s = %.0f\n", keys[i], d);
    }
    vms_machine_destroy(m);
    return 0;
}
