/* The public kernel API (vmsim.h "kernel"): every vms_kernel_* call through vmsim.h alone,
 * its results and its error paths — no such pid, a killed process, bad arguments
 * (-VMS_EINVAL with the message), write errors, and host out-of-memory at every allocation. */
#include "harness.h"

#include "base/alloc.h"
#include "vmsim.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PG UINT64_C(4096)
#define RW (VMS_PROT_READ | VMS_PROT_WRITE)

/* A kernel on core-i7 with mem_pages frames and swap_pages of swap. */
static struct vms_kernel *mkkernel(uint64_t mem_pages, uint64_t swap_pages,
                                   void (*on_kill)(void *, int), void *ctx)
{
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create("core-i7", &c, &e)) {
        harness_fail(__FILE__, __LINE__, "%s", e.msg);
        return NULL;
    }
    struct vms_kernel_opts o = {.memory = mem_pages * PG,
                                .swap = swap_pages * PG,
                                .on_kill = on_kill,
                                .ctx = ctx};
    struct vms_kernel *k;
    if (vms_kernel_create(c, &o, &k, &e))
        harness_fail(__FILE__, __LINE__, "%s", e.msg);
    vms_config_destroy(c);
    return k;
}

/* A scratch file of n bytes, byte i = i & 0xff; path receives its name. */
static void scratch_file(char *path, size_t len, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(path, len, "%s/vmsim-api-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)i;
        if (write(fd, &b, 1) != 1)
            break;
    }
    close(fd);
}

TEST(api_version)
{
    CHECK_STR(vms_version(), "1.0.0");
    CHECK_EQ(VMS_VERSION_MAJOR, 1);
    CHECK_EQ(VMS_VERSION_MINOR, 0);
    CHECK_EQ(VMS_VERSION_PATCH, 0);
}

TEST(api_kernel_create_and_its_errors)
{
    struct vms_error e = {0};
    struct vms_config *c;
    CHECK_EQ(vms_config_create("core-i7", &c, &e), 0);
    struct vms_kernel *k = (struct vms_kernel *)&e; /* must be overwritten */
    CHECK_EQ(vms_kernel_create(c, NULL, &k, &e), 0);
    CHECK(k != NULL);
    CHECK_EQ(vms_kernel_page_size(k), PG);
    CHECK_EQ(vms_kernel_pids(k, NULL, 0), 0);
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    char msg[128];
    CHECK(!vms_kernel_thrashing(k, msg, sizeof msg));
    vms_kernel_destroy(k);
    vms_kernel_destroy(NULL);

    struct vms_kernel_opts o = {.policy = "nosuch"};
    k = (struct vms_kernel *)&e;
    CHECK_EQ(vms_kernel_create(c, &o, &k, &e), -VMS_EINVAL);
    CHECK(k == NULL);
    CHECK_CONTAINS(e.msg, "nosuch");
    o = (struct vms_kernel_opts){.params = {.bits = 4}};
    CHECK_EQ(vms_kernel_create(c, &o, &k, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "policy parameters: the kernel takes no bits");
    o = (struct vms_kernel_opts){.params = {.tick = 4}};
    CHECK_EQ(vms_kernel_create(c, &o, &k, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "policy parameters: the kernel takes no tick");
    o = (struct vms_kernel_opts){.memory = PG};
    CHECK_EQ(vms_kernel_create(c, &o, &k, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "at least 4 pages");
    CHECK(k == NULL);
    o = (struct vms_kernel_opts){.policy = "lru", .params = {.seed = 3, .tau = 9}};
    CHECK_EQ(vms_kernel_create(c, &o, &k, &e), 0);
    vms_kernel_destroy(k);
    /* a geometry that cannot exist */
    CHECK_EQ(vms_config_set(c, "va_bits", "8", &e), 0);
    CHECK_EQ(vms_kernel_create(c, NULL, &k, &e), -VMS_EINVAL);
    CHECK(k == NULL);
    vms_config_destroy(c);
}

/* Accesses remember the last process they named: a pid that exits right after its accesses is
 * refused at once, and other pids (never spawned, 0, -1) are looked up, not taken for it. */
TEST(api_kernel_access_after_exit)
{
    struct vms_kernel *k = mkkernel(64, 0, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int a, b;
    uint64_t va, vb, v = 0;
    CHECK_EQ(vms_kernel_spawn(k, &a, &e), 0);
    CHECK_EQ(vms_kernel_spawn(k, &b, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, a, 0, PG, RW, VMS_MMAP_ANON, NULL, 0, &va, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, b, 0, PG, RW, VMS_MMAP_ANON, NULL, 0, &vb, &e), 0);
    CHECK_EQ(vms_kernel_store(k, a, va, 8, 5, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_store(k, b, vb, 8, 6, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_load(k, a, va, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 5);
    CHECK_EQ(vms_kernel_load(k, 0, va, 8, &v, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "no process 0");
    CHECK_EQ(vms_kernel_load(k, -1, va, 8, &v, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_touch(k, b + 1, va, false, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_load(k, a, va, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_exit(k, a, &e), 0);
    char want[64];
    snprintf(want, sizeof want, "no process %d", a);
    CHECK_EQ(vms_kernel_load(k, a, va, 8, &v, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, want);
    CHECK_EQ(vms_kernel_store(k, a, va, 8, 1, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_fetch(k, a, va, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_touch(k, a, va, true, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_load(k, b, vb, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 6);
    CHECK_EQ(vms_kernel_exit(k, b, &e), 0);
    CHECK_EQ(vms_kernel_load(k, b, vb, 8, &v, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    vms_kernel_destroy(k);
}

TEST(api_kernel_pids_spawn_exit)
{
    struct vms_kernel *k = mkkernel(64, 0, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int a, b, pids[4] = {0};
    CHECK_EQ(vms_kernel_spawn(k, &a, &e), 0);
    CHECK_EQ(vms_kernel_spawn(k, &b, &e), 0);
    CHECK(a > 0 && b > a);
    CHECK_EQ(vms_kernel_pids(k, pids, 4), 2);
    CHECK_EQ(pids[0], a);
    CHECK_EQ(pids[1], b);
    CHECK_EQ(vms_kernel_killed(k, a, &e), 0);
    CHECK_EQ(vms_kernel_switch(k, b, &e), 0);
    CHECK_EQ(vms_kernel_exit(k, a, &e), 0);
    CHECK_EQ(vms_kernel_pids(k, pids, 4), 1);
    CHECK_EQ(pids[0], b);
    /* an exited pid is refused by every call, never reused */
    char want[64];
    snprintf(want, sizeof want, "no process %d", a);
    uint64_t addr = 1, v = 1;
    int child = 0;
    CHECK_EQ(vms_kernel_exit(k, a, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, want);
    e.msg[0] = '\0';
    CHECK_EQ(vms_kernel_mmap(k, a, 0, PG, RW, VMS_MMAP_ANON, NULL, 0, &addr, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, want);
    CHECK_EQ(addr, 0);
    CHECK_EQ(vms_kernel_fork(k, a, &child, &e), -VMS_EINVAL);
    CHECK_EQ(child, -1);
    CHECK_EQ(vms_kernel_load(k, a, 0x1000, 8, &v, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_store(k, a, 0x1000, 8, 1, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_fetch(k, a, 0x1000, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_touch(k, a, 0x1000, true, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_munmap(k, a, 0, PG, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_mprotect(k, a, 0, PG, RW, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_msync(k, a, 0, PG, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_brk(k, a, false, 0, &addr, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_exec(k, a, "/bin/true", NULL, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_switch(k, a, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_killed(k, a, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_killed(k, 0, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_killed(k, -7, &e), -VMS_EINVAL);
    double d = 5;
    CHECK_EQ(vms_kernel_stat(k, a, "references", &d, &e), -VMS_EINVAL);
    CHECK_EQ(d, 0);
    CHECK_EQ(vms_kernel_maps_print(k, a, stdout, VMS_TEXT, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_pagetable_print(k, a, false, 0, stdout, VMS_TEXT, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_stats_print(k, a, stdout, VMS_TEXT, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, want);
    int c;
    CHECK_EQ(vms_kernel_spawn(k, &c, &e), 0);
    CHECK(c > b);
    vms_kernel_destroy(k); /* frees the processes still there */
}

TEST(api_kernel_accesses_and_signals)
{
    struct vms_kernel *k = mkkernel(64, 0, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int p;
    CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
    uint64_t a = 0, v = 0;
    CHECK_EQ(vms_kernel_mmap(k, p, 0, 2 * PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e), 0);
    CHECK(a != 0 && a % PG == 0);
    /* demand-zero, then what was stored; an access may straddle the two pages */
    CHECK_EQ(vms_kernel_load(k, p, a + 8, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 0);
    CHECK_EQ(vms_kernel_store(k, p, a + PG - 4, 8, 0x1122334455667788, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_load(k, p, a + PG - 4, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 0x1122334455667788);
    CHECK_EQ(vms_kernel_load(k, p, a + PG, 4, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 0x11223344);
    CHECK_EQ(vms_kernel_touch(k, p, a + PG, true, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_load(k, p, a + PG, 4, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 0x11223344); /* a touch moves no data */
    /* the signals */
    CHECK_EQ(vms_kernel_load(k, p, a + 2 * PG, 1, &v, &e), VMS_SIG_SEGV_MAPERR);
    CHECK_EQ(v, 0);
    CHECK_EQ(vms_kernel_fetch(k, p, a, &e), VMS_SIG_SEGV_ACCERR); /* not executable */
    CHECK_EQ(vms_kernel_mprotect(k, p, a, PG, VMS_PROT_READ, &e), 0);
    CHECK_EQ(vms_kernel_store(k, p, a, 1, 1, &e), VMS_SIG_SEGV_ACCERR);
    CHECK_EQ(vms_kernel_load(k, p, a, 1, NULL, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_mprotect(k, p, a, PG, VMS_PROT_READ | VMS_PROT_EXEC, &e), 0);
    CHECK_EQ(vms_kernel_fetch(k, p, a, &e), VMS_SIG_NONE);
    double d;
    CHECK_EQ(vms_kernel_stat(k, p, "faults.segv_accerr", &d, &e), 0);
    CHECK_EQ(d, 2);
    CHECK_EQ(vms_kernel_stat(k, 0, "faults.segv_maperr", &d, &e), 0);
    CHECK_EQ(d, 1);
    CHECK_STR(vms_signal_name(VMS_SIG_NONE), "ok");
    CHECK_STR(vms_signal_name(VMS_SIG_SEGV_MAPERR), "SIGSEGV maperr");
    CHECK_STR(vms_signal_name(VMS_SIG_SEGV_ACCERR), "SIGSEGV accerr");
    CHECK_STR(vms_signal_name(VMS_SIG_BUS), "SIGBUS");
    CHECK_STR(vms_signal_name(VMS_SIG_KILLED), "killed");
    CHECK_STR(vms_signal_name(5), "?");
    CHECK_STR(vms_signal_name(-1), "?");
    /* bad arguments: -VMS_EINVAL with the message */
    CHECK_EQ(vms_kernel_load(k, p, a, 3, &v, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "access size 3: expected 1, 2, 4 or 8");
    CHECK_EQ(vms_kernel_store(k, p, a, 1, 0x100, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "value 0x100 does not fit in 1 bytes");
    CHECK_EQ(vms_kernel_mprotect(k, p, a, PG, 8, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "prot 0x8: expected VMS_PROT_READ, _WRITE, _EXEC bits");
    uint64_t b = 7;
    CHECK_EQ(vms_kernel_mmap(k, p, 0, PG, 8, VMS_MMAP_ANON, NULL, 0, &b, &e), -VMS_EINVAL);
    CHECK_EQ(b, 0);
    CHECK_EQ(vms_kernel_mmap(k, p, 0, PG, RW, 0x10, NULL, 0, &b, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "mmap: flags 0x10: expected VMS_MMAP_* bits");
    CHECK_EQ(vms_kernel_mmap(k, p, 0, PG, RW, VMS_MMAP_ANON, "/etc/passwd", 0, &b, &e),
             -VMS_EINVAL);
    CHECK_STR(e.msg, "mmap: an anonymous mapping has no file");
    CHECK_EQ(vms_kernel_mmap(k, p, 0, PG, RW, 0, NULL, 0, &b, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "mmap: a file mapping needs a file");
    CHECK_EQ(vms_kernel_mmap(k, p, 0, 0, RW, VMS_MMAP_ANON, NULL, 0, &b, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "mmap: length 0 (EINVAL)");
    CHECK_EQ(vms_kernel_mmap(k, p, a + 1, PG, RW, VMS_MMAP_ANON | VMS_MMAP_FIXED, NULL, 0, &b, &e),
             -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "not page aligned");
    CHECK_EQ(vms_kernel_munmap(k, p, a + 1, PG, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_msync(k, p, a + 1, PG, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "msync: address");
    CHECK_EQ(vms_kernel_exec(k, p, NULL, NULL, &e), -VMS_EINVAL);
    size_t got = 9;
    char buf[4];
    CHECK_EQ(vms_kernel_file_read(k, NULL, 0, buf, 4, &got, &e), -VMS_EINVAL);
    CHECK_EQ(got, 0);
    /* errors without a struct vms_error */
    CHECK_EQ(vms_kernel_load(k, p, a, 3, &v, NULL), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_load(k, 99, a, 1, &v, NULL), -VMS_EINVAL);
    /* munmap: the area is gone */
    CHECK_EQ(vms_kernel_munmap(k, p, a, 2 * PG, &e), 0);
    CHECK_EQ(vms_kernel_load(k, p, a, 1, &v, &e), VMS_SIG_SEGV_MAPERR);
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    vms_kernel_destroy(k);
}

TEST(api_kernel_fork_copy_on_write)
{
    struct vms_kernel *k = mkkernel(64, 0, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int parent, child;
    uint64_t a, v;
    CHECK_EQ(vms_kernel_spawn(k, &parent, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, parent, 0, PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e), 0);
    CHECK_EQ(vms_kernel_store(k, parent, a, 8, 1, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_fork(k, parent, &child, &e), 0);
    CHECK(child > parent);
    CHECK_EQ(vms_kernel_load(k, child, a, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 1);
    CHECK_EQ(vms_kernel_store(k, child, a, 8, 2, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_load(k, parent, a, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 1);
    CHECK_EQ(vms_kernel_load(k, child, a, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 2);
    double cow;
    CHECK_EQ(vms_kernel_stat(k, child, "faults.cow", &cow, &e), 0);
    CHECK_EQ(cow, 1);
    CHECK_EQ(vms_kernel_stat(k, parent, "faults.cow", &cow, &e), 0);
    CHECK_EQ(cow, 0);
    CHECK_EQ(vms_kernel_stat(k, 0, "no.such.key", &cow, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "no statistic 'no.such.key'");
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    CHECK_EQ(vms_kernel_exit(k, child, &e), 0);
    CHECK_EQ(vms_kernel_load(k, parent, a, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 1);
    vms_kernel_destroy(k);
}

TEST(api_kernel_shared_file_msync_file_read_sigbus)
{
    char path[256];
    scratch_file(path, sizeof path, 5000); /* one page and a part of the next */
    struct vms_kernel *k = mkkernel(64, 0, NULL, NULL);
    if (!k) {
        unlink(path);
        return;
    }
    struct vms_error e = {0};
    int p;
    uint64_t a, v;
    CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, p, 0, 3 * PG, RW, VMS_MMAP_SHARED, path, 0, &a, &e), 0);
    CHECK_EQ(vms_kernel_load(k, p, a + 1, 1, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 1);
    CHECK_EQ(vms_kernel_store(k, p, a, 2, 0xbeef, &e), VMS_SIG_NONE);
    /* the page cache has it before msync; the file after */
    unsigned char buf[4] = {0};
    size_t got;
    CHECK_EQ(vms_kernel_file_read(k, path, 0, buf, 4, &got, &e), 0);
    CHECK_EQ(got, 4);
    CHECK_EQ(buf[0], 0xef);
    CHECK_EQ(buf[1], 0xbe);
    CHECK_EQ(buf[2], 2);
    CHECK_EQ(vms_kernel_msync(k, p, a, PG, &e), 0);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (f) {
        CHECK_EQ(fread(buf, 1, 2, f), 2);
        CHECK_EQ(buf[0], 0xef);
        fclose(f);
    }
    /* reading past the end of file: fewer bytes */
    CHECK_EQ(vms_kernel_file_read(k, path, 4998, buf, 4, &got, &e), 0);
    CHECK_EQ(got, 2);
    /* the third page is wholly past end of file */
    CHECK_EQ(vms_kernel_load(k, p, a + 2 * PG, 1, &v, &e), VMS_SIG_BUS);
    CHECK_EQ(vms_kernel_load(k, p, a + PG + 903, 1, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, (PG + 903) & 0xff);
    /* a missing file */
    CHECK_EQ(vms_kernel_mmap(k, p, 0, PG, RW, 0, "/nonexistent/file", 0, &a, &e), -VMS_EIO);
    CHECK_CONTAINS(e.msg, "/nonexistent/file");
    CHECK(vms_kernel_file_read(k, "/nonexistent/file", 0, buf, 1, &got, &e) < 0);
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    vms_kernel_destroy(k);
    unlink(path);
}

TEST(api_kernel_brk)
{
    struct vms_kernel *k = mkkernel(64, 0, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int p;
    uint64_t heap = 0, h2 = 0, v;
    CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
    CHECK_EQ(vms_kernel_brk(k, p, false, 0, &heap, &e), 0);
    CHECK_EQ(heap, 0x10000000);
    CHECK_EQ(vms_kernel_load(k, p, heap, 1, &v, &e), VMS_SIG_SEGV_MAPERR);
    CHECK_EQ(vms_kernel_brk(k, p, false, PG, &h2, &e), 0);
    CHECK_EQ(h2, heap);
    CHECK_EQ(vms_kernel_store(k, p, heap, 8, 42, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_brk(k, p, true, PG, NULL, &e), 0);
    CHECK_EQ(vms_kernel_load(k, p, heap, 1, &v, &e), VMS_SIG_SEGV_MAPERR);
    CHECK_EQ(vms_kernel_brk(k, p, true, PG, &h2, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "brk: below the start of the heap (ENOMEM)");
    CHECK_EQ(h2, 0);
    /* sizes past INT64_MAX (a shrink by 2^64 - 1 used to be taken as a growth by 1): ENOMEM
     * both ways, the heap as it was */
    CHECK_EQ(vms_kernel_brk(k, p, false, PG, NULL, &e), 0);
    CHECK_EQ(vms_kernel_brk(k, p, true, UINT64_MAX, NULL, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "brk: below the start of the heap (ENOMEM)");
    CHECK_EQ(vms_kernel_brk(k, p, false, UINT64_MAX, NULL, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "brk: out of address space (ENOMEM)");
    CHECK_EQ(vms_kernel_brk(k, p, false, UINT64_C(1) << 63, NULL, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_store(k, p, heap + PG - 1, 1, 7, &e), VMS_SIG_NONE);
    CHECK_EQ(vms_kernel_load(k, p, heap + PG, 1, &v, &e), VMS_SIG_SEGV_MAPERR);
    vms_kernel_destroy(k);
}

struct kills {
    int n, pid;
    struct vms_kernel **k;
    int killed_then; /* vms_kernel_killed inside the callback */
};

static void on_kill(void *ctx, int pid)
{
    struct kills *ks = ctx;
    ks->n++;
    ks->pid = pid;
    ks->killed_then = vms_kernel_killed(*ks->k, pid, NULL);
}

TEST(api_kernel_oom_kill_keeps_the_pid_until_exit)
{
    struct kills ks = {0};
    struct vms_kernel *k = NULL;
    ks.k = &k;
    k = mkkernel(4, 0, on_kill, &ks);
    if (!k)
        return;
    struct vms_error e = {0};
    int big, small;
    uint64_t a, b, v;
    CHECK_EQ(vms_kernel_spawn(k, &big, &e), 0);
    CHECK_EQ(vms_kernel_spawn(k, &small, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, big, 0, 16 * PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, small, 0, PG, RW, VMS_MMAP_ANON, NULL, 0, &b, &e), 0);
    CHECK_EQ(vms_kernel_store(k, small, b, 8, 0x5a, &e), VMS_SIG_NONE);
    int sig = VMS_SIG_NONE;
    unsigned i = 0;
    for (; i < 16 && sig == VMS_SIG_NONE; i++)
        sig = vms_kernel_store(k, big, a + i * PG, 8, i + 1, &e);
    CHECK_EQ(sig, VMS_SIG_KILLED);
    CHECK_EQ(i, 4); /* three pages fit next to small's one */
    CHECK_EQ(ks.n, 1);
    CHECK_EQ(ks.pid, big);
    CHECK_EQ(ks.killed_then, 1);
    CHECK_EQ(vms_kernel_killed(k, big, &e), 1);
    CHECK_EQ(vms_kernel_killed(k, small, &e), 0);
    /* the killed process: accesses report it, system calls are refused with a message */
    CHECK_EQ(vms_kernel_load(k, big, a, 8, &v, &e), VMS_SIG_KILLED);
    CHECK_EQ(vms_kernel_fetch(k, big, a, &e), VMS_SIG_KILLED);
    char want[64];
    snprintf(want, sizeof want, "process %d was killed (out of memory)", big);
    CHECK_EQ(vms_kernel_mmap(k, big, 0, PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, want);
    int child;
    CHECK_EQ(vms_kernel_fork(k, big, &child, &e), -VMS_EINVAL);
    CHECK_EQ(child, -1);
    CHECK_EQ(vms_kernel_brk(k, big, false, 0, NULL, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_switch(k, big, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_maps_print(k, big, stdout, VMS_TEXT, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, want);
    /* its statistics stay readable; the machine's count the kill */
    double d;
    CHECK_EQ(vms_kernel_stat(k, big, "stores", &d, &e), 0);
    CHECK_EQ(d, 4);
    CHECK_EQ(vms_kernel_stat(k, 0, "stores", &d, &e), 0);
    CHECK_EQ(d, 5);
    int pids[3];
    CHECK_EQ(vms_kernel_pids(k, pids, 3), 2);
    /* the other process goes on */
    CHECK_EQ(vms_kernel_load(k, small, b, 8, &v, &e), VMS_SIG_NONE);
    CHECK_EQ(v, 0x5a);
    CHECK_EQ(vms_kernel_exit(k, big, &e), 0);
    CHECK_EQ(vms_kernel_killed(k, big, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    vms_kernel_destroy(k);
}

/* The whole printed output of one printer call. */
static char *capture(int (*print)(struct vms_kernel *, int, FILE *, struct vms_error *),
                     struct vms_kernel *k, int pid, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    struct vms_error e = {0};
    *rc = print(k, pid, f, &e);
    fclose(f);
    return buf;
}

static int maps_text(struct vms_kernel *k, int pid, FILE *f, struct vms_error *e)
{
    return vms_kernel_maps_print(k, pid, f, VMS_TEXT, e);
}

static int pt_text(struct vms_kernel *k, int pid, FILE *f, struct vms_error *e)
{
    return vms_kernel_pagetable_print(k, pid, false, 0, f, VMS_TEXT, e);
}

static int stats_json(struct vms_kernel *k, int pid, FILE *f, struct vms_error *e)
{
    return vms_kernel_stats_print(k, pid, f, VMS_JSON, e);
}

TEST(api_kernel_printers)
{
    struct vms_kernel *k = mkkernel(64, 0, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int p, rc = -1;
    uint64_t a;
    CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, p, 0, 2 * PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e), 0);
    CHECK_EQ(vms_kernel_store(k, p, a, 8, 7, &e), VMS_SIG_NONE);
    char *s = capture(maps_text, k, p, &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "rw-p");
    free(s);
    s = capture(pt_text, k, p, &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "page table of pid");
    free(s);
    s = capture(stats_json, k, p, &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "\"stores\":1,");
    free(s);
    s = capture(stats_json, k, 0, &rc);
    CHECK_EQ(rc, 0);
    CHECK_CONTAINS(s, "\"references\":1,");
    free(s);
    /* the walk of one address */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        CHECK_EQ(vms_kernel_pagetable_print(k, p, true, a, f, VMS_TEXT, &e), 0);
        CHECK_EQ(vms_kernel_stats_print(k, 0, f, VMS_CSV, &e), 0);
        fclose(f);
        CHECK(len > 0);
        CHECK_CONTAINS(buf, "references");
        free(buf);
    }
    /* formats they do not print; write errors */
    CHECK_EQ(vms_kernel_maps_print(k, p, stdout, VMS_JSON, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "maps: only text output");
    CHECK_EQ(vms_kernel_pagetable_print(k, p, false, 0, stdout, VMS_CSV, &e), -VMS_EINVAL);
    CHECK_EQ(vms_kernel_stats_print(k, p, stdout, (enum vms_format)9, &e), -VMS_EINVAL);
    FILE *ro = fopen("/dev/null", "r");
    CHECK(ro != NULL);
    if (ro) {
        CHECK_EQ(vms_kernel_maps_print(k, p, ro, VMS_TEXT, &e), -VMS_EIO);
        CHECK_STR(e.msg, "write error");
        CHECK_EQ(vms_kernel_pagetable_print(k, p, true, a, ro, VMS_TEXT, &e), -VMS_EIO);
        CHECK_EQ(vms_kernel_stats_print(k, 0, ro, VMS_TEXT, &e), -VMS_EIO);
        fclose(ro);
    }
    vms_kernel_destroy(k);
}

TEST(api_kernel_exec)
{
    const char *prog = "/bin/true";
    if (access(prog, R_OK) != 0) {
        harness_skip("%s not readable", prog);
        return;
    }
    struct vms_kernel *k = mkkernel(256, 0, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int p;
    uint64_t a, v;
    CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, p, 0x20000000, PG, RW, VMS_MMAP_ANON | VMS_MMAP_FIXED, NULL, 0,
                             &a, &e),
             0);
    CHECK_EQ(a, 0x20000000);
    /* a missing or bad file changes nothing */
    CHECK_EQ(vms_kernel_exec(k, p, "/nonexistent/prog", NULL, &e), -VMS_EIO);
    CHECK_CONTAINS(e.msg, "/nonexistent/prog");
    char path[256];
    scratch_file(path, sizeof path, 100);
    CHECK_EQ(vms_kernel_exec(k, p, path, NULL, &e), -VMS_EINVAL);
    unlink(path);
    CHECK_EQ(vms_kernel_store(k, p, a, 1, 1, &e), VMS_SIG_NONE);
    const char *argv[] = {prog, "hello", NULL};
    CHECK_EQ(vms_kernel_exec(k, p, prog, argv, &e), 0);
    /* the old image is gone */
    CHECK_EQ(vms_kernel_load(k, p, a, 1, &v, &e), VMS_SIG_SEGV_MAPERR);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        CHECK_EQ(vms_kernel_maps_print(k, p, f, VMS_TEXT, &e), 0);
        fclose(f);
        CHECK_CONTAINS(buf, "[stack]");
        free(buf);
    }
    CHECK_EQ(vms_kernel_exec(k, p, prog, NULL, &e), 0); /* no arguments at all */
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    vms_kernel_destroy(k);
}

/* One run of everything that allocates: create, spawn, mmap, a store, fork, a COW store,
 * a file mapping, exit, a print. */
static int api_kernel_workload(const struct vms_config *c, const char *file)
{
    struct vms_error e = {0};
    struct vms_kernel *k = NULL;
    struct vms_kernel_opts o = {.memory = 8 * PG, .swap = 8 * PG};
    int rc = vms_kernel_create(c, &o, &k, &e);
    if (rc) {
        if (k != NULL)
            return 1;
        return rc;
    }
    int p = 0, q = 0;
    uint64_t a = 0, b = 0;
    if ((rc = vms_kernel_spawn(k, &p, &e)) < 0 && p != -1)
        rc = 1;
    if (rc == 0)
        rc = vms_kernel_mmap(k, p, 0, 12 * PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e);
    for (unsigned i = 0; rc == 0 && i < 12; i++)
        rc = vms_kernel_store(k, p, a + i * PG, 8, i, &e); /* swaps: 8 frames */
    if (rc == 0 && (rc = vms_kernel_fork(k, p, &q, &e)) < 0 && q != -1)
        rc = 1;
    if (rc == 0)
        rc = vms_kernel_store(k, q, a, 8, 99, &e);
    if (rc == 0)
        rc = vms_kernel_mmap(k, q, 0, PG, RW, VMS_MMAP_SHARED, file, 0, &b, &e);
    if (rc == 0)
        rc = vms_kernel_store(k, q, b, 1, 3, &e);
    if (rc == 0)
        rc = vms_kernel_exit(k, q, &e);
    FILE *f = fopen("/dev/null", "w");
    if (rc == 0 && f)
        rc = vms_kernel_stats_print(k, p, f, VMS_JSON, &e);
    if (f)
        fclose(f);
    if (rc > 0) /* a signal: this workload raises none */
        rc = 1;
    vms_kernel_destroy(k);
    return rc;
}

TEST(api_kernel_host_out_of_memory)
{
    char path[256];
    scratch_file(path, sizeof path, 4096);
    struct vms_config *c;
    CHECK_EQ(vms_config_create("core-i7", &c, NULL), 0);
    if (!c)
        return;
    bool finished = false;
    unsigned failures = 0;
    for (long n = 0; n < 2000 && !finished; n++) {
        alloc_fail_after(n);
        int rc = api_kernel_workload(c, path);
        alloc_fail_after(-1);
        if (rc == 0)
            finished = true;
        else if (rc != -VMS_ENOMEM)
            harness_fail(__FILE__, __LINE__, "failing after %ld allocations: rc %d", n, rc);
        else
            failures++;
    }
    CHECK(finished);
    CHECK(failures > 10);
    vms_config_destroy(c);
    unlink(path);
}

/* The statistics (JSON) after a random-policy workload on a kernel whose config has seed
 * cfg_seed and whose options seed opt_seed. */
static char *random_run(const char *cfg_seed, uint64_t opt_seed)
{
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create("core-i7", &c, &e) || vms_config_set(c, "seed", cfg_seed, &e))
        return NULL;
    struct vms_kernel_opts o = {.memory = 4 * PG, .swap = 64 * PG, .policy = "random",
                                .params = {.seed = opt_seed}};
    struct vms_kernel *k;
    int rc = vms_kernel_create(c, &o, &k, &e);
    vms_config_destroy(c);
    if (rc)
        return NULL;
    int p;
    uint64_t a;
    char *buf = NULL;
    size_t len = 0;
    if (vms_kernel_spawn(k, &p, &e) == 0 &&
        vms_kernel_mmap(k, p, 0, 16 * PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e) == 0) {
        uint64_t x = 1;
        for (unsigned i = 0; i < 300; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            vms_kernel_store(k, p, a + (x >> 60) * PG, 1, 1, &e);
        }
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            vms_kernel_stats_print(k, 0, f, VMS_JSON, &e);
            fclose(f);
        }
    }
    vms_kernel_destroy(k);
    return buf;
}

TEST(api_kernel_policy_seed_defaults_to_the_config_seed)
{
    char *cfg5 = random_run("5", 0), *opt5 = random_run("1", 5), *one = random_run("1", 0);
    CHECK(cfg5 && opt5 && one);
    if (cfg5 && opt5 && one) {
        CHECK_STR(cfg5, opt5);
        CHECK(strcmp(cfg5, one) != 0);
    }
    free(cfg5);
    free(opt5);
    free(one);
}

TEST(api_kernel_thrashing)
{
    /* 8 pages cycled through 4 frames: every access after the first round is a swap-in of a
     * page evicted moments ago. */
    struct vms_kernel *k = mkkernel(4, 64, NULL, NULL);
    if (!k)
        return;
    struct vms_error e = {0};
    int p;
    uint64_t a;
    char msg[256] = "";
    CHECK_EQ(vms_kernel_spawn(k, &p, &e), 0);
    CHECK_EQ(vms_kernel_mmap(k, p, 0, 8 * PG, RW, VMS_MMAP_ANON, NULL, 0, &a, &e), 0);
    CHECK(!vms_kernel_thrashing(k, msg, sizeof msg));
    for (unsigned i = 0; i < 8 * 20; i++)
        CHECK_EQ(vms_kernel_store(k, p, a + (i % 8) * PG, 1, 1, &e), VMS_SIG_NONE);
    CHECK(vms_kernel_thrashing(k, msg, sizeof msg));
    CHECK(msg[0] != '\0');
    double ins;
    CHECK_EQ(vms_kernel_stat(k, p, "swap.ins", &ins, &e), 0);
    CHECK(ins >= 64);
    CHECK_EQ(vms_kernel_audit(k, &e), 0);
    vms_kernel_destroy(k);
}
