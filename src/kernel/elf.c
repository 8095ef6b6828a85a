/* ELF64 parsing and the execve layout of Linux x86-64 with ASLR off (fs/binfmt_elf.c
 * load_elf_binary, elf_load, load_elf_interp, create_elf_tables; fs/exec.c setup_arg_pages).
 * See docs/exec.md for what was checked against the host kernel and how. */
#include "kernel/elf.h"

#include "base/alloc.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define EM_X86_64 62
#define MAX_FILE (UINT64_C(1) << 30)

/* auxv tags (include/uapi/linux/auxvec.h, arch/x86/include/uapi/asm/auxvec.h) */
enum {
    AUX_NULL = 0, AUX_PHDR = 3, AUX_PHENT = 4, AUX_PHNUM = 5, AUX_PAGESZ = 6, AUX_BASE = 7,
    AUX_FLAGS = 8, AUX_ENTRY = 9, AUX_UID = 11, AUX_EUID = 12, AUX_GID = 13, AUX_EGID = 14,
    AUX_PLATFORM = 15, AUX_HWCAP = 16, AUX_CLKTCK = 17, AUX_SECURE = 23, AUX_RANDOM = 25,
    AUX_HWCAP2 = 26, AUX_RSEQ_FEATURE_SIZE = 27, AUX_RSEQ_ALIGN = 28, AUX_EXECFN = 31,
    AUX_MINSIGSTKSZ = 51,
};

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}
static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* ------------------------------------------------------------------ parsing */

void elf_file_fini(struct elf_file *f)
{
    if (!f)
        return;
    vms_free(f->ph);
    vms_free(f->interp);
    f->ph = NULL;
    f->interp = NULL;
}

static int parse(const uint8_t *buf, size_t len, const char *name, struct elf_file *out,
                 struct vms_error *e)
{
    if (len < EHDR_SIZE || memcmp(buf, "\177ELF", 4) != 0)
        return err_set(e, VMS_EINVAL, "%s: expected an ELF file (\\177ELF magic)", name);
    if (buf[4] != 2)
        return err_set(e, VMS_EINVAL, "%s: expected a 64-bit ELF file (ELFCLASS64)", name);
    if (buf[5] != 1)
        return err_set(e, VMS_EINVAL, "%s: expected a little-endian ELF file", name);
    if (buf[6] != 1 || rd32(buf + 20) != 1)
        return err_set(e, VMS_EINVAL, "%s: expected ELF version 1", name);
    unsigned type = rd16(buf + 16);
    if (type != ELF_ET_EXEC && type != ELF_ET_DYN)
        return err_set(e, VMS_EINVAL, "%s: expected an executable (ET_EXEC or ET_DYN), got type %u",
                       name, type);
    if (rd16(buf + 18) != EM_X86_64)
        return err_set(e, VMS_EINVAL, "%s: expected an x86-64 program (machine %u)", name,
                       rd16(buf + 18));
    uint64_t phoff = rd64(buf + 32);
    unsigned phentsize = rd16(buf + 54), phnum = rd16(buf + 56);
    if (phentsize != PHDR_SIZE)
        return err_set(e, VMS_EINVAL, "%s: expected program headers of %d bytes, got %u", name,
                       PHDR_SIZE, phentsize);
    if (phnum < 1 || phnum > 65536 / PHDR_SIZE)
        return err_set(e, VMS_EINVAL, "%s: expected 1 to %d program headers, got %u", name,
                       65536 / PHDR_SIZE, phnum);
    if (phoff > len || (uint64_t)phnum * PHDR_SIZE > len - phoff)
        return err_set(e, VMS_EINVAL, "%s: program headers at 0x%" PRIx64 " lie past the end", name,
                       phoff);
    out->type = type;
    out->entry = rd64(buf + 24);
    out->phoff = phoff;
    out->phnum = phnum;
    out->ph = vms_calloc(phnum, sizeof *out->ph);
    if (!out->ph)
        return err_set(e, VMS_ENOMEM, "%s: out of memory", name);
    uint64_t min_va = UINT64_MAX, max_va = 0;
    bool any_load = false;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *p = buf + phoff + (uint64_t)i * PHDR_SIZE;
        struct elf_phdr *ph = &out->ph[i];
        ph->type = rd32(p);
        ph->flags = rd32(p + 4);
        ph->offset = rd64(p + 8);
        ph->vaddr = rd64(p + 16);
        ph->filesz = rd64(p + 32);
        ph->memsz = rd64(p + 40);
        ph->align = rd64(p + 48);
        if (ph->type == ELF_PT_LOAD) {
            /* elf_load's checks: filesz <= memsz, within user space, mmap-able offset */
            if (ph->filesz > ph->memsz)
                goto bad_seg;
            if (ph->vaddr >= UINT64_C(0x7ffffffff000) ||
                ph->memsz > UINT64_C(0x7ffffffff000) - ph->vaddr)
                goto bad_seg;
            if (ph->offset > UINT64_MAX - ph->filesz - 0x1000)
                goto bad_seg;
            if ((ph->vaddr & 0xfff) != (ph->offset & 0xfff))
                return err_set(e, VMS_EINVAL,
                               "%s: program header %u: expected p_vaddr and p_offset congruent "
                               "modulo the page size",
                               name, i);
            any_load = true;
            if ((ph->vaddr & ~UINT64_C(0xfff)) < min_va)
                min_va = ph->vaddr & ~UINT64_C(0xfff);
            if (ph->vaddr + ph->memsz > max_va)
                max_va = ph->vaddr + ph->memsz;
        } else if (ph->type == ELF_PT_INTERP && !out->interp) {
            if (ph->filesz < 2 || ph->filesz > PATH_MAX || ph->offset > len ||
                ph->filesz > len - ph->offset)
                return err_set(e, VMS_EINVAL,
                               "%s: expected PT_INTERP to hold a path inside the file", name);
            /* load_elf_binary demands only that the last byte be NUL; the path ends at the
             * first NUL (a padded PT_INTERP runs) */
            const char *s = (const char *)buf + ph->offset;
            if (s[ph->filesz - 1] != '\0')
                return err_set(e, VMS_EINVAL,
                               "%s: expected PT_INTERP to be a NUL-terminated path", name);
            out->interp = vms_strdup(s);
            if (!out->interp)
                return err_set(e, VMS_ENOMEM, "%s: out of memory", name);
        } else if (ph->type == ELF_PT_GNU_STACK) {
            out->exec_stack = (ph->flags & ELF_PF_X) != 0;
        }
        continue;
    bad_seg:
        return err_set(e, VMS_EINVAL,
                       "%s: program header %u: expected a PT_LOAD with filesz <= memsz inside user "
                       "space",
                       name, i);
    }
    if (!any_load)
        return err_set(e, VMS_EINVAL, "%s: expected at least one PT_LOAD segment", name);
    out->min_vaddr = min_va;
    out->total_size = max_va - min_va;
    return 0;
}

int elf_parse(const uint8_t *buf, size_t len, const char *name, struct elf_file *out,
              struct vms_error *e)
{
    memset(out, 0, sizeof *out);
    int rc = parse(buf, len, name, out, e);
    if (rc < 0)
        elf_file_fini(out);
    return rc;
}

/* ------------------------------------------------------------------ host values */

struct elf_host elf_host_default(void)
{
    struct elf_host h = {
        .hwcap = 0x178bfbff,
        .hwcap2 = 2,
        .minsigstksz = 0x6f0,
        .clktck = 100,
        .rseq_feature_size = 0x1c,
        .rseq_align = 0x20,
        .platform = "x86_64",
        .stack_rlimit = UINT64_C(8) << 20,
    };
    for (int i = 0; i < 16; i++)
        h.random[i] = (uint8_t)i;
    return h;
}

/* The kernel's auxv value for tag t: from /proc/self/auxv (glibc's getauxval rewrites
 * AT_HWCAP on x86), else getauxval. */
static uint64_t kernel_auxval(unsigned long t)
{
    uint64_t v = getauxval(t), pair[2];
    int fd = open("/proc/self/auxv", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return v;
    while (read(fd, pair, sizeof pair) == (ssize_t)sizeof pair && pair[0] != AUX_NULL)
        if (pair[0] == t) {
            v = pair[1];
            break;
        }
    close(fd);
    return v;
}

struct elf_host elf_host_current(void)
{
    struct elf_host h = elf_host_default();
    h.hwcap = kernel_auxval(AUX_HWCAP);
    h.hwcap2 = kernel_auxval(AUX_HWCAP2);
    h.minsigstksz = kernel_auxval(AUX_MINSIGSTKSZ);
    h.clktck = kernel_auxval(AUX_CLKTCK);
    h.rseq_feature_size = kernel_auxval(AUX_RSEQ_FEATURE_SIZE);
    h.rseq_align = kernel_auxval(AUX_RSEQ_ALIGN);
    h.uid = getuid();
    h.euid = geteuid();
    h.gid = getgid();
    h.egid = getegid();
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0)
        h.stack_rlimit = rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX : (uint64_t)rl.rlim_cur;
    return h;
}

/* ------------------------------------------------------------------ loading */

#define PAGE UINT64_C(0x1000)
#define PAGESTART(x) ((x) & ~(PAGE - 1))
#define PAGEOFF(x) ((x) & (PAGE - 1))
#define PAGEALIGN(x) (((x) + PAGE - 1) & ~(PAGE - 1))

static int read_file(const char *path, uint8_t **buf, size_t *len, struct vms_error *e)
{
    /* non-blocking: a FIFO opens at once (and is refused below) instead of waiting */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return err_set(e, VMS_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MAX_FILE) {
        close(fd);
        return err_set(e, VMS_EINVAL, "%s: expected a regular file of at most 1 GiB", path);
    }
    size_t n = (size_t)st.st_size, got = 0;
    uint8_t *b = vms_malloc(n);
    if (!b) {
        close(fd);
        return err_set(e, VMS_ENOMEM, "%s: out of memory", path);
    }
    while (got < n) {
        ssize_t r = read(fd, b + got, n - got);
        if (r <= 0) {
            vms_free(b);
            close(fd);
            return err_set(e, VMS_EIO, "%s: read failed", path);
        }
        got += (size_t)r;
    }
    close(fd);
    *buf = b;
    *len = n;
    return 0;
}

static unsigned seg_prot(const struct elf_phdr *ph)
{
    return ((ph->flags & ELF_PF_R) ? AREA_READ : 0) | ((ph->flags & ELF_PF_W) ? AREA_WRITE : 0) |
           ((ph->flags & ELF_PF_X) ? AREA_EXEC : 0);
}

/* The largest power-of-two p_align of the PT_LOADs, at least a page (maximum_alignment). */
static uint64_t max_alignment(const struct elf_file *f)
{
    uint64_t a = 0;
    for (unsigned i = 0; i < f->phnum; i++)
        if (f->ph[i].type == ELF_PT_LOAD && is_pow2(f->ph[i].align) && f->ph[i].align > a)
            a = f->ph[i].align;
    return a > PAGE ? PAGEALIGN(a) : PAGE;
}

/* Linux elf_load(): maps one PT_LOAD at `addr` (the relocated p_vaddr). The first mapping of
 * an image reserves total_size (then trims to the segment), so that top-down placement finds
 * room for the whole image. Returns the page address the file part went to. */
static int load_segment(struct area_set *set, struct area_file *file, const struct elf_phdr *ph,
                        vaddr_t addr, unsigned mapflags, uint64_t total_size,
                        struct elf_exec *x, vaddr_t *map_addr, struct vms_error *e)
{
    unsigned prot = seg_prot(ph);
    vaddr_t zero_start, zero_end, at = PAGESTART(addr);
    if (ph->filesz) {
        uint64_t size = PAGEALIGN(ph->filesz + PAGEOFF(ph->vaddr));
        uint64_t off = ph->offset - PAGEOFF(ph->vaddr);
        uint64_t len = total_size ? PAGEALIGN(total_size) : size;
        if (len < size)
            len = size;
        int rc = area_map(set, at, len, prot, AREA_PRIVATE | AREA_FILE, file, off >> 12, NULL,
                          mapflags, NULL, NULL, &at, NULL, e);
        if (rc < 0)
            return rc;
        if (len > size) {
            rc = area_unmap_range(set, at + size, len - size, NULL, NULL, e);
            if (rc < 0)
                return rc;
        }
        zero_start = at + PAGEOFF(ph->vaddr) + ph->filesz;
        zero_end = at + PAGEOFF(ph->vaddr) + ph->memsz;
        if (ph->memsz > ph->filesz && PAGEOFF(zero_start) &&
            x->nzero < ARRAY_LEN(x->zero)) /* padzero */
            x->zero[x->nzero++] = (struct elf_zero_range){zero_start, PAGEALIGN(zero_start)};
    } else {
        if (!(mapflags & AREA_MAP_FIXED))
            return err_set(e, VMS_EINVAL, "%s: expected the first PT_LOAD to have file contents",
                           file->path);
        zero_start = at;
        zero_end = at + PAGEOFF(ph->vaddr) + ph->memsz;
    }
    *map_addr = at;
    if (ph->memsz > ph->filesz) {
        /* vm_brk_flags: anonymous rw- (plus x if the segment is executable) */
        zero_start = PAGEALIGN(zero_start);
        zero_end = PAGEALIGN(zero_end);
        if (zero_end > zero_start) {
            vaddr_t got;
            int rc = area_map(set, zero_start, zero_end - zero_start,
                              AREA_READ | AREA_WRITE | (prot & AREA_EXEC),
                              AREA_PRIVATE | AREA_ANON, NULL, 0, NULL, AREA_MAP_FIXED, NULL, NULL,
                              &got, NULL, e);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

/* Maps every PT_LOAD of f. For the main program `bias_fixed` says the load bias is known
 * (ET_EXEC, or a PIE with an interpreter at ELF_ET_DYN_BASE); otherwise (static PIE, the
 * interpreter) the first segment is placed top-down and fixes the bias. */
static int load_image(struct area_set *set, struct area_file *file, const struct elf_file *f,
                      vaddr_t bias, bool bias_fixed, struct elf_exec *x, vaddr_t *bias_out,
                      struct vms_error *e)
{
    bool first = true;
    for (unsigned i = 0; i < f->phnum; i++) {
        const struct elf_phdr *ph = &f->ph[i];
        if (ph->type != ELF_PT_LOAD)
            continue;
        unsigned mapflags = (bias_fixed || !first) ? AREA_MAP_FIXED : 0;
        vaddr_t map_addr = 0;
        int rc = load_segment(set, file, ph, bias + ph->vaddr, mapflags,
                              first ? f->total_size : 0, x, &map_addr, e);
        if (rc < 0)
            return rc;
        if (first && !bias_fixed)
            bias = map_addr - PAGESTART(ph->vaddr);
        first = false;
    }
    *bias_out = bias;
    return 0;
}

void elf_exec_fini(struct elf_exec *x)
{
    if (!x)
        return;
    vms_free(x->stack_image);
    vms_free(x->interp_path);
    x->stack_image = NULL;
    x->interp_path = NULL;
}

static void put64(uint8_t *img, vaddr_t base, vaddr_t at, uint64_t v)
{
    uint8_t *p = img + (at - base);
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* setup_arg_pages + create_elf_tables: the strings at the top, then the platform string,
 * AUX_RANDOM bytes, auxv, envp, argv, argc, 16-byte aligned. */
static int build_stack(struct area_set *set, const char *path, const char *const *argv,
                       size_t argc, const char *const *envp, size_t envc,
                       const struct elf_host *h, const struct elf_file *f, struct elf_exec *x,
                       bool exec_stack, struct vms_error *e)
{
    vaddr_t top = UINT64_C(0x7ffffffff000);
    uint64_t strings = 8 + strlen(path) + 1;
    for (size_t i = 0; i < argc; i++)
        strings += strlen(argv[i]) + 1;
    for (size_t i = 0; i < envc; i++)
        strings += strlen(envp[i]) + 1;
    if (strings > (UINT64_C(1) << 28))
        return err_set(e, VMS_EINVAL, "%s: argument list too long", path);
    vaddr_t p = top - strings; /* lowest string byte: argv[0] */
    x->arg_start = p;
    x->stack_top = top;

    /* the auxiliary vector (AT_SYSINFO_EHDR left out: no vdso) */
    uint64_t aux[64];
    size_t na = 0;
#define AUX(t, v) (aux[na++] = (uint64_t)(t), aux[na++] = (uint64_t)(v))
    vaddr_t q = p & ~UINT64_C(15);
    size_t plen = h->platform ? strlen(h->platform) + 1 : 0;
    q -= plen;
    x->platform = h->platform ? q : 0;
    q -= 16;
    x->random = q;
    if (h->minsigstksz)
        AUX(AUX_MINSIGSTKSZ, h->minsigstksz);
    AUX(AUX_HWCAP, h->hwcap);
    AUX(AUX_PAGESZ, PAGE);
    AUX(AUX_CLKTCK, h->clktck);
    AUX(AUX_PHDR, x->phdr);
    AUX(AUX_PHENT, PHDR_SIZE);
    AUX(AUX_PHNUM, f->phnum);
    AUX(AUX_BASE, x->interp_base);
    AUX(AUX_FLAGS, 0);
    AUX(AUX_ENTRY, x->prog_entry);
    AUX(AUX_UID, h->uid);
    AUX(AUX_EUID, h->euid);
    AUX(AUX_GID, h->gid);
    AUX(AUX_EGID, h->egid);
    AUX(AUX_SECURE, 0);
    AUX(AUX_RANDOM, x->random);
    AUX(AUX_HWCAP2, h->hwcap2);
    x->execfn = top - 8 - (strlen(path) + 1);
    AUX(AUX_EXECFN, x->execfn);
    if (h->platform)
        AUX(AUX_PLATFORM, x->platform);
    if (h->rseq_feature_size) {
        AUX(AUX_RSEQ_FEATURE_SIZE, h->rseq_feature_size);
        AUX(AUX_RSEQ_ALIGN, h->rseq_align);
    }
    AUX(AUX_NULL, 0);
#undef AUX
    uint64_t items = (argc + 1) + (envc + 1) + 1;
    vaddr_t sp = (q - 8 * (na + items)) & ~UINT64_C(15);
    x->sp = sp;
    x->stack_len = top - sp;
    x->stack_image = vms_calloc(1, x->stack_len);
    if (!x->stack_image)
        return err_set(e, VMS_ENOMEM, "%s: out of memory", path);
    uint8_t *img = x->stack_image;

    /* strings: argv, envp (in order, lowest first), the file name, 8 zero bytes */
    vaddr_t s = p;
    vaddr_t a = sp;
    put64(img, sp, a, argc);
    a += 8;
    for (size_t i = 0; i < argc; i++, a += 8) {
        size_t n = strlen(argv[i]) + 1;
        memcpy(img + (s - sp), argv[i], n);
        put64(img, sp, a, s);
        s += n;
    }
    a += 8; /* NULL */
    x->arg_end = x->env_start = s;
    for (size_t i = 0; i < envc; i++, a += 8) {
        size_t n = strlen(envp[i]) + 1;
        memcpy(img + (s - sp), envp[i], n);
        put64(img, sp, a, s);
        s += n;
    }
    a += 8;
    x->env_end = s;
    memcpy(img + (s - sp), path, strlen(path) + 1);
    for (size_t i = 0; i < na; i++, a += 8)
        put64(img, sp, a, aux[i]);
    if (h->platform)
        memcpy(img + (x->platform - sp), h->platform, plen);
    memcpy(img + (x->random - sp), h->random, 16);

    /* the [stack] area: the pages the strings use plus 128 KiB (setup_arg_pages), at most
     * the stack rlimit */
    uint64_t size = top - PAGESTART(p);
    uint64_t expand = size + (UINT64_C(128) << 10);
    uint64_t rlim = h->stack_rlimit & ~(PAGE - 1);
    if (rlim < expand)
        expand = rlim;
    if (expand < size)
        expand = size;
    x->stack_start = top - expand;
    if (sp < x->stack_start) /* find_extend_vma in create_elf_tables */
        x->stack_start = PAGESTART(sp);
    struct area *st = area_alloc(x->stack_start, top,
                                 AREA_READ | AREA_WRITE | (exec_stack ? AREA_EXEC : 0),
                                 AREA_PRIVATE | AREA_ANON | AREA_GROWSDOWN | AREA_STACK, NULL,
                                 x->stack_start >> 12, NULL);
    if (!st)
        return err_set(e, VMS_ENOMEM, "%s: out of memory", path);
    int rc = area_insert(set, st, e);
    if (rc < 0)
        area_free(st);
    return rc;
}

int elf_exec_layout(struct area_set *set, const char *path, const char *const *argv,
                    size_t argc, const char *const *envp, size_t envc,
                    const struct elf_host *host, struct elf_exec *x, struct vms_error *e)
{
    struct elf_host def = elf_host_default();
    const struct elf_host *h = host ? host : &def;
    struct vms_error local;
    if (!e)
        e = &local;
    memset(x, 0, sizeof *x);
    struct elf_file prog = {0}, interp = {0};
    struct area_file *pf = NULL, *inf = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = read_file(path, &buf, &len, e);
    if (rc < 0)
        return rc;
    rc = elf_parse(buf, len, path, &prog, e);
    vms_free(buf);
    buf = NULL;
    if (rc < 0)
        return rc;
    if (prog.interp) {
        rc = read_file(prog.interp, &buf, &len, e);
        if (rc == 0) {
            rc = elf_parse(buf, len, prog.interp, &interp, e);
            vms_free(buf);
        }
        if (rc < 0)
            goto fail;
    }
    pf = area_file_open(path, e);
    if (!pf) {
        rc = -e->code;
        goto fail;
    }
    if (prog.interp) {
        inf = area_file_open(prog.interp, e);
        if (!inf) {
            rc = -e->code;
            goto fail;
        }
        x->interp_path = vms_strdup(inf->path);
        if (!x->interp_path) {
            rc = err_set(e, VMS_ENOMEM, "out of memory");
            goto fail;
        }
    }

    /* The stack comes first (bprm_mm_init); its final size needs the entry points, so the
     * area is added by build_stack at the end: nothing placed here can reach it, since
     * mmap_base is 128 MiB below. */
    vaddr_t bias = 0;
    bool fixed = true;
    if (prog.type == ELF_ET_DYN) {
        if (prog.interp) { /* ELF_ET_DYN_BASE = 2/3 of the 47-bit space, aligned */
            uint64_t align = max_alignment(&prog);
            bias = (area_window(&set->layout) / 3 * 2) & ~(align - 1);
            bias = PAGESTART(bias - prog.min_vaddr);
        } else {
            /* a static PIE or a loader run directly: no hint, so placed top-down */
            fixed = false;
            bias = PAGESTART(0 - prog.min_vaddr);
        }
    }
    rc = load_image(set, pf, &prog, bias, fixed, x, &bias, e);
    if (rc < 0)
        goto fail;
    x->load_bias = bias;
    x->prog_entry = prog.entry + bias;
    x->entry = x->prog_entry;
    x->phnum = prog.phnum;
    vaddr_t brk = 0;
    x->start_code = UINT64_MAX;
    for (unsigned i = 0; i < prog.phnum; i++) {
        const struct elf_phdr *ph = &prog.ph[i];
        if (ph->type != ELF_PT_LOAD)
            continue;
        if (ph->offset <= prog.phoff && prog.phoff - ph->offset < ph->filesz)
            x->phdr = prog.phoff - ph->offset + ph->vaddr + bias;
        if (ph->vaddr + ph->memsz + bias > brk)
            brk = ph->vaddr + ph->memsz + bias;
        if ((ph->flags & ELF_PF_X) && ph->vaddr + bias < x->start_code)
            x->start_code = ph->vaddr + bias;
        if ((ph->flags & ELF_PF_X) && ph->vaddr + ph->filesz + bias > x->end_code)
            x->end_code = ph->vaddr + ph->filesz + bias;
        if (ph->vaddr + ph->filesz + bias > x->end_data)
            x->end_data = ph->vaddr + ph->filesz + bias;
        if (ph->vaddr + bias > x->start_data)
            x->start_data = ph->vaddr + bias;
    }
    if (x->start_code == UINT64_MAX)
        x->start_code = 0;
    /* Linux 6.x moves the brk of a static PIE (ET_DYN without interpreter) to
     * ELF_ET_DYN_BASE even without randomisation (observed: 0x555555555000) */
    if (prog.type == ELF_ET_DYN && !prog.interp)
        brk = area_window(&set->layout) / 3 * 2;
    x->start_brk = PAGEALIGN(brk);
    if (prog.interp) {
        /* load_elf_interp: an ET_DYN interpreter gets no address hint when the program was
         * relocated (no_base), else its own first p_vaddr as the hint */
        vaddr_t ibias = 0;
        if (interp.type == ELF_ET_DYN && bias)
            ibias = 0 - interp.min_vaddr;
        rc = load_image(set, inf, &interp, ibias, interp.type == ELF_ET_EXEC, x, &ibias, e);
        if (rc < 0)
            goto fail;
        x->interp_base = ibias;
        x->entry = interp.entry + ibias;
    }
    rc = build_stack(set, path, argv, argc, envp, envc, h, &prog, x, prog.exec_stack, e);
    if (rc < 0)
        goto fail;
    elf_file_fini(&prog);
    elf_file_fini(&interp);
    area_file_put(pf);
    area_file_put(inf);
    return 0;
fail:
    elf_file_fini(&prog);
    elf_file_fini(&interp);
    area_file_put(pf);
    area_file_put(inf);
    elf_exec_fini(x);
    area_set_fini(set);
    return rc;
}
