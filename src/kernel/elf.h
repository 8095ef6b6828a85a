/* ELF64 exec layout: what Linux x86-64's execve (fs/binfmt_elf.c, fs/exec.c) builds for a
 * program with address randomisation off: the areas (PT_LOAD file mappings, bss, the
 * interpreter, [stack]), brk start, entry point and the initial stack image. No memory is
 * touched: the kernel copies the image into simulated memory later. vdso/vvar are left out.
 *
 * The parser (elf_parse) works on bytes and validates everything the layout needs: malformed
 * input is an error "NAME: what was expected", never a crash (fuzz/fuzz_elf.c). */
#ifndef VMS_KERNEL_ELF_H
#define VMS_KERNEL_ELF_H

#include "base/types.h"
#include "kernel/area.h"
#include "vmsim.h"

#define ELF_ET_EXEC 2
#define ELF_ET_DYN 3
#define ELF_PT_LOAD 1
#define ELF_PT_INTERP 3
#define ELF_PT_PHDR 6
#define ELF_PT_GNU_STACK 0x6474e551u
#define ELF_PF_X 1u
#define ELF_PF_W 2u
#define ELF_PF_R 4u

struct elf_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

/* What the parser extracts from one ELF64 file. */
struct elf_file {
    unsigned type;         /* ELF_ET_EXEC or ELF_ET_DYN */
    uint64_t entry;        /* e_entry (unrelocated) */
    uint64_t phoff;        /* e_phoff */
    unsigned phnum;        /* e_phnum, >= 1 */
    struct elf_phdr *ph;   /* phnum entries (owned) */
    char *interp;          /* PT_INTERP path or NULL (owned) */
    bool exec_stack;       /* PT_GNU_STACK with PF_X */
    uint64_t min_vaddr;    /* lowest page start of a PT_LOAD */
    uint64_t total_size;   /* Linux total_mapping_size: max(vaddr+memsz) - min_vaddr */
};

/* Parses and validates buf[0, len) (the whole file). name prefixes messages. */
int elf_parse(const uint8_t *buf, size_t len, const char *name, struct elf_file *out,
              struct vms_error *e);
void elf_file_fini(struct elf_file *f); /* NULL-safe, idempotent */

/* What the auxiliary vector reports about the machine and the user (AT_HWCAP, ...). */
struct elf_host {
    uint64_t hwcap, hwcap2;  /* AT_HWCAP, AT_HWCAP2 (hwcap2 entry always present, as on x86) */
    uint64_t minsigstksz;    /* AT_MINSIGSTKSZ; 0 omits it */
    uint64_t clktck;         /* AT_CLKTCK: 100 */
    uint64_t uid, euid, gid, egid;
    uint64_t rseq_feature_size, rseq_align; /* AT_RSEQ_*; 0 omits both */
    const char *platform;    /* AT_PLATFORM string: "x86_64" */
    uint8_t random[16];      /* the AT_RANDOM bytes */
    uint64_t stack_rlimit;   /* RLIMIT_STACK soft limit: 8 MiB */
};

/* Fixed, documented values (deterministic runs): those of a typical x86-64 host as root,
 * random bytes 0..15. */
struct elf_host elf_host_default(void);
/* The values of the running process (getauxval, getuid, getrlimit), for comparisons with the
 * host kernel; random bytes still 0..15. */
struct elf_host elf_host_current(void);

/* A byte range inside file-backed pages that execve zero-fills (Linux padzero: the rest of
 * the last file page of a segment whose memsz exceeds filesz). */
struct elf_zero_range {
    vaddr_t start, end;
};

struct elf_exec {
    vaddr_t entry;          /* where execution starts: the interpreter's entry or the program's */
    vaddr_t prog_entry;     /* AT_ENTRY */
    vaddr_t load_bias;      /* 0 for ET_EXEC; 0x555555554000 for a PIE with PT_INTERP */
    vaddr_t interp_base;    /* AT_BASE (0 without interpreter) */
    vaddr_t phdr;           /* AT_PHDR */
    unsigned phnum;         /* AT_PHNUM */
    vaddr_t start_brk;      /* the program break: no [heap] area until brk grows it */
    vaddr_t start_code, end_code, start_data, end_data; /* as /proc/PID/stat reports them */
    vaddr_t stack_top;      /* 0x7ffffffff000 */
    vaddr_t stack_start;    /* the [stack] area is [stack_start, stack_top) */
    vaddr_t sp;             /* initial stack pointer = address of stack_image[0] */
    uint8_t *stack_image;   /* the bytes of [sp, stack_top) (owned) */
    size_t stack_len;
    vaddr_t arg_start, arg_end, env_start, env_end; /* the strings, as /proc/PID/stat */
    vaddr_t execfn, platform, random;               /* AT_EXECFN, AT_PLATFORM, AT_RANDOM */
    struct elf_zero_range zero[4]; /* padzero ranges (program and interpreter segments) */
    size_t nzero;
    char *interp_path;      /* resolved path of the interpreter, or NULL (owned) */
};

/* execve(path, argv, envp): fills `set` (initialised, empty) with the areas Linux creates and
 * *out with the rest. argv[0] is conventionally path; AT_EXECFN is `path` as given; area
 * paths are resolved (realpath). On error the set is emptied and *out holds nothing. */
int elf_exec_layout(struct area_set *set, const char *path, const char *const *argv,
                    size_t argc, const char *const *envp, size_t envc,
                    const struct elf_host *host, struct elf_exec *out, struct vms_error *e);
void elf_exec_fini(struct elf_exec *x); /* NULL-safe */

#endif
