/* Host allocation failures in the simulated kernel: each path (kern_create, spawn and mmap,
 * every kind of fault, fork, eviction and swap-in, execve) runs with the Nth host allocation
 * failing for N = 0, 1, ... until it succeeds. Each failure must be -VMS_ENOMEM and leave the
 * kernel consistent (kern_audit) and usable; ASan checks that nothing leaks. */
#include "ktest.h"

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)
#define PRIV_ANON KMAP_ANON
#define SHARED_ANON (KMAP_ANON | KMAP_SHARED)

/* Runs op with the nth host allocation failing, for n = 0, 1, ... until it succeeds: each
 * failure must be -VMS_ENOMEM, leave the kernel consistent (audit) and leak nothing. */
typedef int (*kt_op)(struct kt *x, void *ctx);

struct inj_ctx {
    struct task *t;
    vaddr_t a;
    const char *path;
};

static unsigned inject(const char *what, kt_op setup, kt_op op, kt_op verify, void *ctx)
{
    unsigned failures = 0;
    for (long n = 0; n < 400; n++) {
        struct kt x;
        if (!kt_init(&x, 8, 8, NULL))
            return failures;
        if (setup && setup(&x, ctx)) {
            harness_fail(__FILE__, __LINE__, "%s: setup failed", what);
            kt_fini(&x);
            return failures;
        }
        alloc_fail_after(n);
        int rc = op(&x, ctx);
        alloc_fail_after(-1);
        struct vms_error ae = {0};
        if (kern_audit(x.k, &ae))
            harness_fail(__FILE__, __LINE__, "%s: fail after %ld: %s", what, n, ae.msg);
        if (rc == 0) {
            if (verify && verify(&x, ctx))
                harness_fail(__FILE__, __LINE__, "%s: wrong result after success", what);
            kt_fini(&x);
            return failures;
        }
        if (rc != -VMS_ENOMEM)
            harness_fail(__FILE__, __LINE__, "%s: fail after %ld: rc %d", what, n, rc);
        failures++;
        /* the kernel keeps working after the failure */
        if (verify && verify(&x, ctx))
            harness_fail(__FILE__, __LINE__, "%s: broken after failure at %ld", what, n);
        kt_fini(&x);
    }
    harness_fail(__FILE__, __LINE__, "%s: never succeeded", what);
    return failures;
}

static int op_create(struct kt *x, void *ctx)
{
    (void)ctx;
    struct vms_config c;
    struct geometry g;
    struct vms_error e = {0};
    config_preset(&c, "core-i7", &e);
    config_check(&c, &g, &e);
    struct kern_options o = {.memory = 8 * x->ps, .swap = 8 * x->ps, .workdir = x->dir};
    struct kernel *k = NULL;
    int rc = kern_create(&c, &o, &k, &e);
    CHECK(rc == 0 || k == NULL);
    kern_destroy(k);
    return rc;
}

TEST(kernel_host_oom_create)
{
    CHECK(inject("create", NULL, op_create, NULL, NULL) > 0);
}

static int op_spawn_mmap_file(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    struct vms_error e = {0};
    ic->t = kern_spawn(x->k, &e);
    if (!ic->t)
        return -e.code;
    int rc = kern_mmap(x->k, ic->t, 0, 2 * PG, RW, KMAP_SHARED, ic->path, 0, &ic->a, &e);
    if (rc)
        return rc;
    vaddr_t b;
    return kern_mmap(x->k, ic->t, 0, 2 * PG, RW, SHARED_ANON, NULL, 0, &b, &e);
}

static int setup_file(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    ic->path = kt_file(x, "inj.bin", 2 * PG, 3);
    return ic->path ? 0 : -1;
}

static int verify_usable(struct kt *x, void *ctx)
{
    (void)ctx;
    struct task *t = kern_spawn(x->k, NULL);
    if (!t)
        return -1;
    vaddr_t a = KMMAP(x->k, t, 0, 2 * PG, RW, PRIV_ANON, NULL, 0);
    KSTORE(x->k, t, a, 8, 77);
    int bad = KLOAD(x->k, t, a, 8) != 77;
    KT_AUDIT(x->k);
    return bad;
}

TEST(kernel_host_oom_spawn_and_mmap)
{
    struct inj_ctx ic = {0};
    CHECK(inject("spawn+mmap", setup_file, op_spawn_mmap_file, verify_usable, &ic) > 0);
}

static int setup_task(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    if (setup_file(x, ctx))
        return -1;
    ic->t = kern_spawn(x->k, NULL);
    struct vms_error e = {0};
    if (!ic->t || kern_mmap(x->k, ic->t, 0, 4 * PG, RW, PRIV_ANON, NULL, 0, &ic->a, &e))
        return -1;
    vaddr_t b;
    return kern_mmap(x->k, ic->t, ic->a - 2 * PG, 2 * PG, RW, 0, ic->path, 0, &b, &e);
}

/* Faults of every kind: demand-zero, file read, COW of a file page, page tables. */
static int op_faults(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    struct vms_error e = {0};
    enum kern_sig s;
    uint64_t v = 0x1234;
    int rc = kern_access(x->k, ic->t, ic->a, 8, ACCESS_STORE, &v, &s, &e);
    if (rc)
        return rc;
    rc = kern_access(x->k, ic->t, ic->a + PG, 8, ACCESS_LOAD, &v, &s, &e);
    if (rc)
        return rc;
    rc = kern_access(x->k, ic->t, ic->a - PG, 8, ACCESS_LOAD, &v, &s, &e);
    if (rc)
        return rc;
    v = 0x55;
    return kern_access(x->k, ic->t, ic->a - 2 * PG + 4, 1, ACCESS_STORE, &v, &s, &e);
}

static int verify_faults(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    KSTORE(x->k, ic->t, ic->a + 8, 8, 5);
    int bad = KLOAD(x->k, ic->t, ic->a + 8, 8) != 5;
    bad |= KLOAD(x->k, ic->t, ic->a - PG + 3, 1) != kt_pat(PG + 3, 3);
    KT_AUDIT(x->k);
    return bad;
}

TEST(kernel_host_oom_faults)
{
    struct inj_ctx ic = {0};
    CHECK(inject("faults", setup_task, op_faults, verify_faults, &ic) > 0);
}

static int setup_task_written(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    if (setup_task(x, ctx))
        return -1;
    for (unsigned i = 0; i < 4; i++)
        KSTORE(x->k, ic->t, ic->a + i * PG, 8, i + 1);
    return 0;
}

static int op_fork_only(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    struct vms_error e = {0};
    struct task *c = kern_fork(x->k, ic->t, &e);
    if (!c)
        return -e.code;
    enum kern_sig s;
    uint64_t v = 9;
    return kern_access(x->k, c, ic->a, 8, ACCESS_STORE, &v, &s, &e);
}

static int verify_parent(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    int bad = 0;
    for (unsigned i = 0; i < 4; i++)
        bad |= KLOAD(x->k, ic->t, ic->a + i * PG, 8) != i + 1;
    KSTORE(x->k, ic->t, ic->a, 8, 1);
    KT_AUDIT(x->k);
    return bad;
}

TEST(kernel_host_oom_fork)
{
    struct inj_ctx ic = {0};
    CHECK(inject("fork", setup_task_written, op_fork_only, verify_parent, &ic) > 0);
}

/* Eviction and swap-in under injected failures. */
static int op_swap(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    struct vms_error e = {0};
    vaddr_t a;
    int rc = kern_mmap(x->k, ic->t, 0, 12 * PG, RW, PRIV_ANON, NULL, 0, &a, &e);
    if (rc)
        return rc;
    for (unsigned i = 0; i < 12; i++) {
        enum kern_sig s;
        uint64_t v = i + 1;
        if ((rc = kern_access(x->k, ic->t, a + i * PG, 8, ACCESS_STORE, &v, &s, &e)) != 0)
            return rc;
    }
    for (unsigned i = 0; i < 12; i++) {
        enum kern_sig s;
        uint64_t v = 0;
        if ((rc = kern_access(x->k, ic->t, a + i * PG, 8, ACCESS_LOAD, &v, &s, &e)) != 0)
            return rc;
        if (v != i + 1 || s != KSIG_NONE)
            return -1000;
    }
    return 0;
}

TEST(kernel_host_oom_swap)
{
    struct inj_ctx ic = {0};
    CHECK(inject("swap", setup_task, op_swap, verify_faults, &ic) > 0);
}

static int op_exec(struct kt *x, void *ctx)
{
    struct inj_ctx *ic = ctx;
    const char *argv[] = {"/bin/true", NULL};
    struct vms_error e = {0};
    return kern_exec(x->k, ic->t, "/bin/true", argv, &e);
}

TEST(kernel_host_oom_exec)
{
    if (access("/bin/true", R_OK) != 0) {
        harness_skip("/bin/true not readable");
        return;
    }
    struct inj_ctx ic = {0};
    CHECK(inject("exec", setup_task, op_exec, NULL, &ic) > 0);
}
