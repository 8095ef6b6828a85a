/* exec of an x86-64 program on machines without x86-64's user space (found by
 * fuzz/fuzz_kernel.c: the stack was written at 0x7ffffffff000 truncated to the machine's
 * addresses, outside every area): refused as Linux refuses a foreign ELF (ENOEXEC), with the
 * process left as it was. */
#include "harness.h"

#include "vmsim.h"

#include <unistd.h>

static struct vms_kernel *mk(const char *preset)
{
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create(preset, &c, &e)) {
        harness_fail(__FILE__, __LINE__, "%s", e.msg);
        return NULL;
    }
    struct vms_kernel_opts o = {.memory = 64 * vms_config_page_size(c)};
    struct vms_kernel *k = NULL;
    if (vms_kernel_create(c, &o, &k, &e))
        harness_fail(__FILE__, __LINE__, "%s", e.msg);
    vms_config_destroy(c);
    return k;
}

TEST(kernel_exec_needs_x86_64_user_space)
{
    const char *prog = "/bin/true";
    if (access(prog, R_OK) != 0) {
        harness_skip("%s not readable", prog);
        return;
    }
    static const char *const refused[] = {"csapp-2level", "csapp-small"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct vms_kernel *k = mk(refused[i]);
        if (!k)
            return;
        struct vms_error e = {0};
        int p;
        uint64_t a = 0;
        CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
        uint64_t pg = vms_kernel_page_size(k);
        CHECK_EQ(vms_kernel_mmap(k, p, 0, pg, VMS_PROT_READ | VMS_PROT_WRITE, VMS_MMAP_ANON,
                                 NULL, 0, &a, &e),
                 0);
        CHECK_EQ(vms_kernel_store(k, p, a, 1, 0x5a, &e), VMS_SIG_NONE);
        CHECK_EQ(vms_kernel_exec(k, p, prog, NULL, &e), -VMS_EINVAL);
        CHECK_CONTAINS(e.msg, "ENOEXEC");
        CHECK_CONTAINS(e.msg, prog);
        /* nothing changed: the old image is still there */
        uint64_t v = 0;
        CHECK_EQ(vms_kernel_load(k, p, a, 1, &v, &e), VMS_SIG_NONE);
        CHECK_EQ(v, 0x5a);
        CHECK_EQ(vms_kernel_audit(k, &e), 0);
        vms_kernel_destroy(k);
    }
    static const char *const runs[] = {"core-i7", "x86-64-5level"};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct vms_kernel *k = mk(runs[i]);
        if (!k)
            return;
        struct vms_error e = {0};
        int p;
        CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
        CHECK_EQ(vms_kernel_exec(k, p, prog, NULL, &e), 0);
        CHECK_EQ(vms_kernel_audit(k, &e), 0);
        vms_kernel_destroy(k);
    }
}
