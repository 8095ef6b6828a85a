/* Unit tests for src/kernel/elf.c. The judge is the host kernel: each program is run with
 * ASLR off, stopped right after execve (host_exec.c), and its /proc/PID/maps (minus
 * vdso/vvar/vsyscall), entry point, brk, argument addresses and initial stack bytes are
 * compared with what elf_exec_layout computed. Where ptrace is forbidden: SKIP, loudly. */
#include "harness.h"

#include "base/alloc.h"
#include "host_exec.h"
#include "kernel/elf.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A scratch directory for programs built at test time (removed by cleanup_dir). */
static char tmpdir[64];

static const char *scratch(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/vmsim-elf-XXXXXX");
        if (!mkdtemp(tmpdir))
            tmpdir[0] = '\0';
    }
    return tmpdir;
}

/* Compiles `src` with `flags` into the scratch directory; returns the path or NULL. */
static const char *build(const char *name, const char *src, const char *flags)
{
    static char out[8][256];
    static int slot;
    const char *d = scratch();
    if (!*d)
        return NULL;
    char c[256], cmd[1024];
    snprintf(c, sizeof c, "%s/%s.c", d, name);
    FILE *f = fopen(c, "w");
    if (!f)
        return NULL;
    fputs(src, f);
    fclose(f);
    char *o = out[slot++ % 8];
    snprintf(o, 256, "%s/%s", d, name);
    snprintf(cmd, sizeof cmd, "cc %s -o %s %s >/dev/null 2>&1", flags, o, c);
    int rc = system(cmd);
    return rc == 0 ? o : NULL;
}

static void cleanup_dir(void)
{
    if (tmpdir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "note: could not remove %s\n", tmpdir);
        tmpdir[0] = '\0';
    }
}

static uint64_t word(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Runs `path argv...` on the host and compares everything with our layout. */
static void judge(const char *path, const char *const argv[])
{
    size_t argc = 0;
    while (argv[argc])
        argc++;
    struct host_exec h;
    char why[512];
    int hr = host_exec_run(path, argv, &h, why, sizeof why);
    if (hr == 1) {
        harness_skip("%s: %s — the exec layout was NOT checked against the kernel", path, why);
        host_exec_fini(&h);
        return;
    }
    if (hr < 0) {
        harness_fail(__FILE__, __LINE__, "%s: host run failed: %s", path, why);
        host_exec_fini(&h);
        return;
    }
    struct area_set set;
    area_set_init(&set, NULL);
    struct elf_exec x;
    struct vms_error e = {0};
    struct elf_host host = elf_host_current();
    int rc = elf_exec_layout(&set, path, argv, argc, NULL, 0, &host, &x, &e);
    if (rc < 0) {
        harness_fail(__FILE__, __LINE__, "%s: %s", path, e.msg);
        host_exec_fini(&h);
        return;
    }
    /* 1. /proc/PID/maps, line for line (start, end, perms, offset, dev, inode, path) */
    char *mine = vms_malloc(1 << 16);
    size_t n = 0;
    for (const struct area *a = area_first(&set); a && mine; a = area_next(a)) {
        n += (size_t)area_format_maps_line(a, 12, mine + n, (1 << 16) - n - 2);
        mine[n++] = '\n';
        mine[n] = '\0';
    }
    if (mine && strcmp(mine, h.maps) != 0)
        harness_fail(__FILE__, __LINE__, "%s: maps differ\n--- kernel\n%s--- vmsim\n%s", path,
                     h.maps, mine);
    vms_free(mine);
    /* 2. entry point, brk, /proc/PID/stat mm fields */
    CHECK_EQ(x.entry, h.rip);
    CHECK_EQ(x.start_brk, h.start_brk);
    CHECK_EQ(x.arg_start, h.arg_start);
    CHECK_EQ(x.arg_end, h.arg_end);
    CHECK_EQ(x.env_start, h.env_start);
    CHECK_EQ(x.env_end, h.env_end);
    CHECK_EQ(x.start_data, h.start_data);
    CHECK_EQ(x.end_data, h.end_data);
    /* 3. the stack image: the kernel's has AT_SYSINFO_EHDR (2 words) more, so its sp is 16
     * bytes lower; everything else sits at the same addresses */
    CHECK_EQ(x.sp, h.rsp + 16);
    size_t words = 1 + argc + 1 + 1; /* argc, argv, NULL, (no envp) NULL */
    if (x.sp == h.rsp + 16 && x.stack_len + 16 == h.stack_len) {
        CHECK(memcmp(x.stack_image, h.stack, 8 * words) == 0);
        /* auxv: the kernel's minus AT_SYSINFO_EHDR (33) equals ours, in order */
        const uint8_t *ka = h.stack + 8 * words, *ma = x.stack_image + 8 * words;
        for (;;) {
            if (word(ka) == 33) {
                ka += 16;
                continue;
            }
            if (word(ka) != word(ma) || word(ka + 8) != word(ma + 8))
                harness_fail(__FILE__, __LINE__, "%s: auxv entry %" PRIu64 "=0x%" PRIx64
                             ", vmsim %" PRIu64 "=0x%" PRIx64, path, word(ka), word(ka + 8),
                             word(ma), word(ma + 8));
            if (word(ka) == 0 || word(ka) != word(ma))
                break;
            ka += 16;
            ma += 16;
        }
        /* from the end of auxv to the top, byte for byte except the 16 random bytes */
        size_t from = (size_t)(ma + 16 - x.stack_image);
        size_t rnd = (size_t)(x.random - x.sp);
        for (size_t i = from; i < x.stack_len; i++)
            if ((i < rnd || i >= rnd + 16) && x.stack_image[i] != h.stack[i + 16]) {
                harness_fail(__FILE__, __LINE__, "%s: stack byte at 0x%" PRIx64 " differs", path,
                             x.sp + i);
                break;
            }
    } else {
        harness_fail(__FILE__, __LINE__, "%s: stack sizes differ", path);
    }
    elf_exec_fini(&x);
    area_set_fini(&set);
    host_exec_fini(&h);
}

static const char big_bss_src[] = "char big[1 << 20];\nint x = 5;\n"
                                  "int main(void) { return big[5] + x; }\n";
static const char tiny_src[] = "void _start(void) { for (;;) __asm__ volatile(\"\"); }\n";

TEST(elf_host_pie_dynamic)
{
    const char *const a1[] = {"/bin/true", NULL};
    judge("/bin/true", a1);
    const char *const a2[] = {"/usr/bin/cat", "-n", "some file", NULL};
    judge("/usr/bin/cat", a2);
}

TEST(elf_host_nonpie_big_bss)
{
    const char *p = build("nopie", big_bss_src, "-no-pie -O1");
    if (!p) {
        harness_skip("cc -no-pie failed: non-PIE layout not checked");
        return;
    }
    const char *const a[] = {p, "a", "bb", "ccc", NULL};
    judge(p, a);
}

TEST(elf_host_static_pie)
{
    const char *p = build("spie", big_bss_src, "-static-pie -O1");
    if (!p) {
        harness_skip("cc -static-pie is not supported here: static-pie layout not checked");
        return;
    }
    const char *const a[] = {p, NULL};
    judge(p, a);
}

TEST(elf_host_static)
{
    const char *p = build("static", big_bss_src, "-static -O1");
    if (!p) {
        harness_skip("cc -static failed (no static libc?): static layout not checked");
        return;
    }
    const char *const a[] = {p, "x", NULL};
    judge(p, a);
    const char *t = build("tiny", tiny_src, "-static -nostdlib -O1 -Wl,--build-id=none");
    if (t) {
        const char *const b[] = {t, NULL};
        judge(t, b);
    }
    /* a long argument list: the strings take more than one page, the stack grows */
    const char *longa[300];
    static char s[300][48];
    longa[0] = p;
    for (int i = 1; i < 299; i++) {
        snprintf(s[i], sizeof s[i], "argument-number-%d-padding-padding", i);
        longa[i] = s[i];
    }
    longa[299] = NULL;
    judge(p, longa);
    cleanup_dir();
}

/* The layout without the host: fixed expectations for /bin/true as observed on this machine
 * are covered above; here the parts that do not depend on the host's files. */
TEST(elf_stack_image_shape)
{
    const char *p = build("spie2", big_bss_src, "-static -O1");
    if (!p) {
        harness_skip("cc -static failed");
        return;
    }
    struct area_set set;
    area_set_init(&set, NULL);
    struct elf_exec x;
    const char *argv[] = {"prog", "arg1"};
    const char *envp[] = {"A=1"};
    struct elf_host h = elf_host_default();
    CHECK_EQ(elf_exec_layout(&set, p, argv, 2, envp, 1, &h, &x, NULL), 0);
    CHECK_EQ(x.sp % 16, 0);
    CHECK_EQ(word(x.stack_image), 2);
    CHECK_EQ(word(x.stack_image + 8), x.arg_start);
    CHECK_STR((const char *)x.stack_image + (x.arg_start - x.sp), "prog");
    CHECK_STR((const char *)x.stack_image + (word(x.stack_image + 16) - x.sp), "arg1");
    CHECK_EQ(word(x.stack_image + 24), 0);
    CHECK_STR((const char *)x.stack_image + (word(x.stack_image + 32) - x.sp), "A=1");
    CHECK_STR((const char *)x.stack_image + (x.execfn - x.sp), p);
    CHECK_STR((const char *)x.stack_image + (x.platform - x.sp), "x86_64");
    CHECK_EQ(x.stack_image[x.random - x.sp + 15], 15);
    CHECK_EQ(x.stack_top, 0x7ffffffff000);
    CHECK_EQ(x.stack_start, 0x7ffffffde000);
    const struct area *st = area_find(&set, x.sp);
    CHECK(st && (st->flags & AREA_STACK) && (st->flags & AREA_GROWSDOWN));
    CHECK(area_find(&set, x.start_brk) == NULL); /* no [heap] until brk is used */
    CHECK(x.nzero >= 1);                         /* the data segment's last page tail */
    elf_exec_fini(&x);
    area_set_fini(&set);
    /* allocation failures anywhere leave nothing behind */
    for (long k = 0; k < 40; k++) {
        area_set_init(&set, NULL);
        alloc_fail_after(k);
        int rc = elf_exec_layout(&set, p, argv, 2, envp, 1, &h, &x, NULL);
        alloc_fail_after(-1);
        if (rc == 0)
            elf_exec_fini(&x);
        else
            CHECK_EQ(set.count, 0);
        area_set_fini(&set);
    }
    cleanup_dir();
}

/* Malformed input: a message naming the file and what was expected, never a crash. */
TEST(elf_parse_errors)
{
    uint8_t b[64 + 56 * 2];
    memset(b, 0, sizeof b);
    memcpy(b, "\177ELF", 4);
    b[4] = 2, b[5] = 1, b[6] = 1, b[20] = 1;
    b[16] = 2;         /* ET_EXEC */
    b[18] = 62;        /* x86-64 */
    b[32] = 64;        /* phoff */
    b[54] = 56;        /* phentsize */
    b[56] = 1;         /* phnum */
    b[64] = 1;         /* PT_LOAD */
    b[64 + 4] = 5;     /* R X */
    b[64 + 17] = 0x10; /* vaddr 0x1000 */
    b[64 + 32] = 0x10; /* filesz 0x10 */
    b[64 + 40] = 0x20; /* memsz 0x20 */
    struct elf_file f;
    struct vms_error e = {0};
    CHECK_EQ(elf_parse(b, 64 + 56, "ok", &f, &e), 0);
    CHECK_EQ(f.total_size, 0x20);
    elf_file_fini(&f);
    struct {
        size_t at;
        uint8_t v;
        const char *msg;
    } bad[] = {
        {0, 'X', "ok: expected an ELF file"},
        {4, 1, "expected a 64-bit"},
        {5, 2, "little-endian"},
        {16, 1, "expected an executable"},
        {18, 3, "x86-64"},
        {54, 55, "program headers of 56 bytes"},
        {56, 0, "expected 1 to 1170"},
        {32, 200, "lie past the end"},
        {64 + 32, 0x30, "filesz <= memsz"},
        {64 + 8, 0x11, "congruent"},
        {64, 0, "at least one PT_LOAD"},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        uint8_t c[sizeof b];
        memcpy(c, b, sizeof b);
        c[bad[i].at] = bad[i].v;
        CHECK(elf_parse(c, 64 + 56, "ok", &f, &e) == -VMS_EINVAL);
        CHECK_CONTAINS(e.msg, bad[i].msg);
    }
    CHECK(elf_parse(b, 10, "short", &f, &e) == -VMS_EINVAL);
    /* an interpreter path that is not NUL-terminated */
    b[56] = 2;
    b[120] = 3; /* PT_INTERP */
    b[120 + 8] = 64;
    b[120 + 32] = 4;
    memcpy(b + 64, "abcd", 4); /* overwrites the first phdr's type: no longer a PT_LOAD */
    CHECK(elf_parse(b, sizeof b, "interp", &f, &e) == -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "PT_INTERP");
    /* missing files and non-ELF files for exec */
    struct area_set set;
    area_set_init(&set, NULL);
    struct elf_exec x;
    const char *argv[] = {"x"};
    CHECK(elf_exec_layout(&set, "/nonexistent/prog", argv, 1, NULL, 0, NULL, &x, &e) < 0);
    CHECK_CONTAINS(e.msg, "/nonexistent/prog");
    CHECK(elf_exec_layout(&set, "/etc/hostname", argv, 1, NULL, 0, NULL, &x, &e) < 0);
    CHECK(elf_exec_layout(&set, "/tmp", argv, 1, NULL, 0, NULL, &x, &e) < 0);
    area_set_fini(&set);
}

/* A PT_INTERP padded with extra NULs names the path up to the first NUL: Linux's
 * load_elf_binary only demands that the last byte be NUL (it runs such programs). */
TEST(elf_interp_padded_with_nuls)
{
    uint8_t b[64 + 56 * 2 + 16];
    memset(b, 0, sizeof b);
    memcpy(b, "\177ELF", 4);
    b[4] = 2, b[5] = 1, b[6] = 1, b[20] = 1;
    b[16] = 2;          /* ET_EXEC */
    b[18] = 62;         /* x86-64 */
    b[32] = 64;         /* phoff */
    b[54] = 56;         /* phentsize */
    b[56] = 2;          /* phnum */
    b[64] = 1;          /* PT_LOAD */
    b[64 + 4] = 5;      /* R X */
    b[64 + 17] = 0x10;  /* vaddr 0x1000 */
    b[64 + 32] = 0x10;  /* filesz 0x10 */
    b[64 + 40] = 0x20;  /* memsz 0x20 */
    b[120] = 3;         /* PT_INTERP */
    b[120 + 8] = 176;   /* offset */
    b[120 + 32] = 12;   /* filesz: "/lib/ld.so" and two NULs */
    memcpy(b + 176, "/lib/ld.so\0\0", 12);
    struct elf_file f;
    struct vms_error e = {0};
    CHECK_EQ(elf_parse(b, sizeof b, "padded", &f, &e), 0);
    CHECK(f.interp && !strcmp(f.interp, "/lib/ld.so"));
    elf_file_fini(&f);
    b[176 + 11] = 'x'; /* the last byte not NUL: refused, as Linux does (ENOEXEC) */
    CHECK_EQ(elf_parse(b, sizeof b, "padded", &f, &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "PT_INTERP");
}

/* exec of a FIFO, and of a program whose PT_INTERP names one, fails at once ("expected a
 * regular file") instead of blocking forever in open(2) for a writer. alarm(10): a
 * regression ends the test run with SIGALRM rather than hanging it. */
TEST(elf_exec_fifo_refused)
{
    char dir[] = "/tmp/vmsim-elf-fifo-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char fifo[96], prog[96];
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(prog, sizeof prog, "%s/prog", dir);
    CHECK_EQ(mkfifo(fifo, 0600), 0);
    /* the program of elf_interp_padded_with_nuls, its interpreter the FIFO */
    uint8_t b[64 + 56 * 2 + 96];
    memset(b, 0, sizeof b);
    memcpy(b, "\177ELF", 4);
    b[4] = 2, b[5] = 1, b[6] = 1, b[20] = 1;
    b[16] = 2, b[18] = 62, b[32] = 64, b[54] = 56, b[56] = 2;
    b[64] = 1, b[64 + 4] = 5, b[64 + 17] = 0x10, b[64 + 32] = 0x10, b[64 + 40] = 0x20;
    b[120] = 3, b[120 + 8] = 176;
    b[120 + 32] = (uint8_t)(strlen(fifo) + 1);
    memcpy(b + 176, fifo, strlen(fifo) + 1);
    FILE *f = fopen(prog, "wb");
    CHECK(f && fwrite(b, 1, sizeof b, f) == sizeof b);
    if (f)
        fclose(f);
    struct area_set set;
    area_set_init(&set, NULL);
    struct elf_exec x;
    struct vms_error e = {0};
    const char *argv[] = {"x"};
    alarm(10);
    CHECK(elf_exec_layout(&set, fifo, argv, 1, NULL, 0, NULL, &x, &e) < 0);
    CHECK_CONTAINS(e.msg, "regular file");
    CHECK(elf_exec_layout(&set, prog, argv, 1, NULL, 0, NULL, &x, &e) < 0);
    CHECK_CONTAINS(e.msg, fifo);
    CHECK_CONTAINS(e.msg, "regular file");
    alarm(0);
    area_set_fini(&set);
    unlink(prog);
    unlink(fifo);
    rmdir(dir);
}
