/* Load held by the kernel through its public API: 10^5 mappings in one process (each one
 * page, alternately read-only and read-write so that none merge), every 1000th written and
 * read back, the audit passing with all of them and after they are all unmapped. If a
 * vm.max_map_count limit refuses some, it must do so no earlier than Linux's 65530. */
#include "harness.h"

#include "vmsim.h"

#include <string.h>

#define NMAPS 100000

TEST(kernel_stress_1e5_mappings)
{
    struct vms_error e = {0};
    struct vms_config *c;
    CHECK_EQ(vms_config_create(NULL, &c, &e), 0);
    struct vms_kernel_opts o = {.memory = 64 << 20};
    struct vms_kernel *k = NULL;
    CHECK_EQ(vms_kernel_create(c, &o, &k, &e), 0);
    vms_config_destroy(c);
    if (!k)
        return;
    uint64_t pg = vms_kernel_page_size(k);
    int p;
    CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
    static uint64_t addr[NMAPS];
    size_t n = 0;
    for (; n < NMAPS; n++) {
        unsigned prot = VMS_PROT_READ | (n % 2 ? VMS_PROT_WRITE : 0);
        int rc = vms_kernel_mmap(k, p, 0, pg, prot, VMS_MMAP_ANON, NULL, 0, &addr[n], &e);
        if (rc != 0) {
            CHECK(strstr(e.msg, "max_map_count") != NULL);
            break;
        }
    }
    CHECK(n >= 65530);
    for (size_t i = 1; i < n; i += 1000) {
        CHECK_EQ(vms_kernel_store(k, p, addr[i], 8, i * 3 + 1, &e), VMS_SIG_NONE);
        uint64_t v = 0;
        CHECK_EQ(vms_kernel_load(k, p, addr[i - 1], 8, &v, &e), VMS_SIG_NONE);
        CHECK_EQ(v, 0);
    }
    for (size_t i = 1; i < n; i += 1000) {
        uint64_t v = 0;
        CHECK_EQ(vms_kernel_load(k, p, addr[i], 8, &v, &e), VMS_SIG_NONE);
        CHECK_EQ(v, i * 3 + 1);
    }
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    for (size_t i = n; i-- > 0;)
        if (vms_kernel_munmap(k, p, addr[i], pg, &e) != 0) {
            CHECK_EQ(-1, (int)i); /* every munmap succeeds */
            break;
        }
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    vms_kernel_destroy(k);
}
