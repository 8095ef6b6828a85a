/* A complete program over libvmsim's public API (docs/api.md walks through it).
 *
 * Part 1 drives the bare machine: one address space, a mapping installed by hand, a store,
 * a load, a page fault, statistics. Part 2 runs the simulated kernel: a process with an
 * anonymous area and a shared file mapping, fork and a copy-on-write store, the signals
 * (SIGSEGV, SIGBUS), msync and a read of the file, munmap, the maps and statistics; then a small
 * machine whose out-of-memory killer ends a process.
 *
 *   cc -Iinclude examples/api/example.c build/libvmsim.a -lz -llzma -lpthread -lm
 *   ./a.out [DIR]      DIR: where the example's data file goes (default ".")
 *
 * It prints only what the simulation decides, so its output is the same on every host. */
#include <vmsim.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Print the error of a failed call and give the exit status. */
static int fail(const char *what, const struct vms_error *e)
{
    fprintf(stderr, "example: %s: %s\n", what, e->msg);
    return 1;
}

/* ---- part 1: the machine */

static int machine_part(void)
{
    struct vms_error e = {0};
    struct vms_config *c = NULL;
    struct vms_machine *m = NULL;
    int status = 1;
    if (vms_config_create("core-i7", &c, &e) || vms_config_set(c, "pcid", "on", &e) ||
        vms_config_check(c, &e) || vms_machine_create(c, &m, &e)) {
        status = fail("machine", &e);
        goto out;
    }
    char page[32];
    vms_config_get(c, "page_size", page, sizeof page, &e);
    printf("machine %s: %u-bit virtual addresses, %s pages\n", vms_config_name(c),
           vms_config_va_bits(c), page);

    /* One address space; map the page at 0x400000 to the physical page at 0x200000. */
    int space = vms_space_create(m, &e);
    if (space < 0 ||
        vms_map(m, space, 0x400000, 0x200000, 4096, VMS_PROT_READ | VMS_PROT_WRITE, 0, &e)) {
        status = fail("map", &e);
        goto out;
    }
    struct vms_fault f;
    uint64_t v = 0;
    if (vms_store(m, 0x400010, 8, 0xfeedface, &f, &e) != 0 ||
        vms_load(m, 0x400010, 8, &v, &f, &e) != 0) {
        status = fail("access", &e);
        goto out;
    }
    printf("load 0x400010 = 0x%" PRIx64 "\n", v);
    /* Nothing maps 0x800000: the walk finds a PTE with P = 0 and the access faults. */
    int rc = vms_load(m, 0x800000, 8, &v, &f, &e);
    if (rc < 0) {
        status = fail("load", &e);
        goto out;
    }
    printf("load 0x800000: %s at level %u\n",
           rc == 1 && f.kind == VMS_FAULT_NOT_PRESENT ? "page fault, not present" : "?",
           f.level);
    double hits, misses, walks;
    if (vms_machine_stat(m, "tlb.l1d.hits", &hits, &e) ||
        vms_machine_stat(m, "tlb.l1d.misses", &misses, &e) ||
        vms_machine_stat(m, "walks.count", &walks, &e)) {
        status = fail("stat", &e);
        goto out;
    }
    printf("TLB hits %.0f, misses %.0f, page walks %.0f\n", hits, misses, walks);
    status = 0;
out:
    vms_machine_destroy(m); /* NULL-safe, as every destroy */
    vms_config_destroy(c);
    return status;
}

/* ---- part 2: the kernel */

static void on_kill(void *ctx, int pid)
{
    (void)ctx;
    printf("pid %d killed: out of memory\n", pid);
}

/* An access and what it ended in. */
static int show(const char *who, const char *what, uint64_t va, int sig, const uint64_t *value,
                const struct vms_error *e)
{
    if (sig < 0)
        return fail(what, e);
    printf("%-6s %-5s 0x%" PRIx64 ": ", who, what, va);
    if (sig == VMS_SIG_NONE && value)
        printf("0x%" PRIx64 "\n", *value);
    else
        printf("%s\n", vms_signal_name(sig));
    return 0;
}

static int print_stats(struct vms_kernel *k, int pid, const char *who)
{
    static const char *const keys[] = {"references", "faults.minor", "faults.zero_fill",
                                       "faults.cow", "faults.file_read", "faults.segv_maperr",
                                       "faults.segv_accerr", "faults.sigbus"};
    struct vms_error e = {0};
    printf("%s:", who);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        double v;
        if (vms_kernel_stat(k, pid, keys[i], &v, &e))
            return fail("stat", &e);
        printf(" %s %.0f", keys[i], v);
    }
    printf("\n");
    return 0;
}

static int kernel_part(const struct vms_config *c, const char *dir)
{
    struct vms_error e = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s/example.dat", dir);
    FILE *df = fopen(path, "w");
    if (!df || fputs("hello, page cache\n", df) == EOF || fclose(df) != 0) {
        fprintf(stderr, "example: cannot write %s\n", path);
        return 1;
    }

    /* 16 frames of memory, 64 pages of swap, the clock policy. */
    struct vms_kernel_opts o = {.memory = 16 * 4096,
                                .swap = 64 * 4096,
                                .policy = "clock",
                                .workdir = dir,
                                .on_kill = on_kill};
    struct vms_kernel *k;
    if (vms_kernel_create(c, &o, &k, &e))
        return fail("kernel", &e);
    int status = 1, parent, child;
    uint64_t anon, file, v;
    const unsigned rw = VMS_PROT_READ | VMS_PROT_WRITE;
    if (vms_kernel_spawn(k, &parent, &e) ||
        vms_kernel_mmap(k, parent, 0, 4 * 4096, rw, VMS_MMAP_ANON, NULL, 0, &anon, &e) ||
        vms_kernel_mmap(k, parent, 0, 2 * 4096, rw, VMS_MMAP_SHARED, path, 0, &file, &e)) {
        status = fail("setup", &e);
        goto out;
    }
    printf("parent pid %d: anonymous area at 0x%" PRIx64 ", example.dat at 0x%" PRIx64 "\n",
           parent, anon, file);

    /* The first touch of each page is a minor fault: zero-fill, or a read of the file. */
    if (show("parent", "store", anon, vms_kernel_store(k, parent, anon, 8, 1, &e), NULL, &e) ||
        show("parent", "load", file, vms_kernel_load(k, parent, file, 8, &v, &e), &v, &e))
        goto out;

    /* fork: private pages become copy-on-write; the shared file page stays shared. */
    if (vms_kernel_fork(k, parent, &child, &e)) {
        status = fail("fork", &e);
        goto out;
    }
    printf("fork: child pid %d\n", child);
    if (show("child", "load", anon, vms_kernel_load(k, child, anon, 8, &v, &e), &v, &e) ||
        show("child", "store", anon, vms_kernel_store(k, child, anon, 8, 2, &e), NULL, &e) ||
        show("child", "load", anon, vms_kernel_load(k, child, anon, 8, &v, &e), &v, &e) ||
        show("parent", "load", anon, vms_kernel_load(k, parent, anon, 8, &v, &e), &v, &e) ||
        show("child", "store", file, vms_kernel_store(k, child, file, 1, 'J', &e), NULL, &e) ||
        show("parent", "load", file, vms_kernel_load(k, parent, file, 1, &v, &e), &v, &e))
        goto out;

    /* Signals: no area; an area that forbids the access; a file page past end of file. */
    if (vms_kernel_mprotect(k, child, anon + 4096, 4096, VMS_PROT_READ, &e)) {
        status = fail("mprotect", &e);
        goto out;
    }
    if (show("child", "load", 0x1000, vms_kernel_load(k, child, 0x1000, 8, &v, &e), &v, &e) ||
        show("child", "store", anon + 4096,
             vms_kernel_store(k, child, anon + 4096, 8, 3, &e), NULL, &e) ||
        show("child", "fetch", anon, vms_kernel_fetch(k, child, anon, &e), NULL, &e) ||
        show("child", "load", file + 4096,
             vms_kernel_load(k, child, file + 4096, 1, &v, &e), &v, &e))
        goto out;

    /* msync writes the shared page back; the file now starts "Jello". */
    unsigned char buf[6] = {0};
    size_t got;
    if (vms_kernel_msync(k, child, file, 4096, &e) ||
        vms_kernel_file_read(k, path, 0, buf, 5, &got, &e)) {
        status = fail("msync", &e);
        goto out;
    }
    printf("example.dat after msync: \"%s\" (%zu bytes read)\n", (const char *)buf, got);

    /* The child unmaps the file (the parent keeps it); its maps, as /proc/PID/maps. */
    if (vms_kernel_munmap(k, child, file, 2 * 4096, &e)) {
        status = fail("munmap", &e);
        goto out;
    }
    printf("child's maps after munmap of example.dat:\n");
    if (vms_kernel_maps_print(k, child, stdout, VMS_TEXT, &e)) {
        status = fail("maps", &e);
        goto out;
    }
    if (print_stats(k, parent, "parent") || print_stats(k, child, "child"))
        goto out;
    if (vms_kernel_exit(k, child, &e) || vms_kernel_exit(k, parent, &e)) {
        status = fail("exit", &e);
        goto out;
    }
    if (vms_kernel_audit(k, &e)) {
        status = fail("audit", &e);
        goto out;
    }
    status = 0;
out:
    vms_kernel_destroy(k);
    remove(path);
    return status;
}

/* A machine with 4 frames and no swap: the process that needs a fifth page is killed; it
 * stays a valid pid until it exits. */
static int oom_part(const struct vms_config *c, const char *dir)
{
    struct vms_error e = {0};
    struct vms_kernel_opts o = {.memory = 4 * 4096, .workdir = dir, .on_kill = on_kill};
    struct vms_kernel *k;
    if (vms_kernel_create(c, &o, &k, &e))
        return fail("kernel", &e);
    int status = 1, pid;
    uint64_t a;
    if (vms_kernel_spawn(k, &pid, &e) ||
        vms_kernel_mmap(k, pid, 0, 8 * 4096, VMS_PROT_READ | VMS_PROT_WRITE, VMS_MMAP_ANON, NULL,
                        0, &a, &e)) {
        status = fail("setup", &e);
        goto out;
    }
    int sig = VMS_SIG_NONE;
    unsigned i;
    for (i = 0; i < 8 && sig == VMS_SIG_NONE; i++)
        if ((sig = vms_kernel_store(k, pid, a + i * 4096, 8, i, &e)) < 0) {
            status = fail("store", &e);
            goto out;
        }
    printf("store to page %u: %s; killed: %d\n", i - 1, vms_signal_name(sig),
           vms_kernel_killed(k, pid, &e));
    if (vms_kernel_brk(k, pid, false, 4096, NULL, &e) < 0)
        printf("brk: %s\n", e.msg);
    if (vms_kernel_exit(k, pid, &e) || vms_kernel_killed(k, pid, &e) != -VMS_EINVAL) {
        status = fail("exit", &e);
        goto out;
    }
    printf("after exit: %s\n", e.msg);
    status = 0;
out:
    vms_kernel_destroy(k);
    return status;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    printf("libvmsim %s (header %d.%d.%d)\n\n", vms_version(), VMS_VERSION_MAJOR,
           VMS_VERSION_MINOR, VMS_VERSION_PATCH);
    if (machine_part())
        return 1;
    printf("\n");
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create("core-i7", &c, &e))
        return fail("config", &e);
    int status = kernel_part(c, dir);
    if (status == 0) {
        printf("\n");
        status = oom_part(c, dir);
    }
    vms_config_destroy(c);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "example: write error\n");
        status = 1;
    }
    return status;
}
