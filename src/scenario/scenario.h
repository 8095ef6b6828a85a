/* The .vms scenario language (docs/scenario-contract.md, docs/scenario.md): the AST that the
 * parser builds and the backends (simulated kernel, real Linux) interpret.
 *
 * A scenario is a flat list of commands in file order. Everything is validated when it is
 * parsed: arity, numbers, sizes, PROT strings, names, setup lines before the first process,
 * and the static bindings (a process is used only while it exists, a mapping name only where
 * it is bound, a mapped file only once declared). A backend may therefore trust every field.
 * Sizes are resolved to bytes with the page size of the machine in effect (the last `machine`
 * line, else VMS_DEFAULT_MACHINE; the presets' page sizes are src/hw/config.c's); the text of
 * P, ADDR and OFFSET is kept as written, because the output echoes it. All strings live in
 * the scenario's arena and die with it. */
#ifndef VMS_SCENARIO_SCENARIO_H
#define VMS_SCENARIO_SCENARIO_H

#include "vmsim.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum scn_kind {
    /* setup (before the first process) */
    SCN_MACHINE,  /* machine PRESET [KEY=VALUE...]: name, argv/argc = overrides */
    SCN_MEMORY,   /* memory SIZE: size */
    SCN_SWAP,     /* swap SIZE: size */
    SCN_POLICY,   /* policy NAME: name */
    SCN_FILE,     /* file NAME SIZE fill BYTE|random SEED|zero: name, size, fill, value/seed */
    /* processes */
    SCN_SPAWN,    /* spawn P */
    SCN_EXEC,     /* exec P PROG [ARGS]: argv[0] = PROG, argv[1..] = ARGS */
    SCN_FORK,     /* fork P Q: proc = P, proc2 = Q */
    SCN_EXIT,     /* exit P */
    SCN_SWITCH,   /* switch P */
    /* memory commands: P VERB ... */
    SCN_MMAP,     /* P mmap A LENGTH PROT private|shared anon|file F [offset OFF] [at ADDR [fixed]] */
    SCN_MUNMAP,   /* P munmap ADDR LENGTH */
    SCN_MPROTECT, /* P mprotect ADDR LENGTH PROT */
    SCN_MSYNC,    /* P msync ADDR LENGTH */
    SCN_BRK,      /* P brk +SIZE|-SIZE: size, brk_shrink */
    SCN_LOAD,     /* P load ADDR SIZE */
    SCN_STORE,    /* P store ADDR SIZE VALUE */
    SCN_FETCH,    /* P fetch ADDR */
    SCN_EXPECT,   /* P expect ADDR SIZE VALUE */
    SCN_FILL,     /* P fill ADDR LENGTH SEED */
    SCN_CHECK,    /* P check ADDR LENGTH SEED */
    SCN_TOUCH,    /* P touch ADDR LENGTH [read|write] */
    SCN_MAPS,     /* P maps */
    SCN_PAGETABLE,/* P pagetable [ADDR]: has_addr */
    SCN_PSTATS,   /* P stats: the process's statistics */
    /* anywhere */
    SCN_EXPECT_FILE, /* expect file NAME OFFSET SIZE VALUE */
    SCN_STATS,       /* stats */
};

/* PROT bits as written (r, w, x); not the host's PROT_* values. */
#define SCN_PROT_R 1u
#define SCN_PROT_W 2u
#define SCN_PROT_X 4u

enum scn_fill { SCN_FILL_BYTE, SCN_FILL_RANDOM, SCN_FILL_ZERO };

/* An address operand: NAME, NAME+OFF or a number. */
struct scn_addr {
    const char *text; /* as written; echoed in output */
    const char *name; /* the mapping name, or NULL for a plain number */
    uint64_t off;     /* NAME+OFF: OFF in bytes (0 for NAME); a number: the address */
};

/* One command. Only the fields named in enum scn_kind's comment are meaningful. */
struct scn_cmd {
    enum scn_kind kind;
    unsigned line, col;     /* where the command's first token is (1-based) */
    const char *proc;       /* P: the process named (process and memory commands) */
    const char *proc2;      /* fork P Q: Q */
    const char *name;       /* mmap: the mapping name A; file/expect file: the file name;
                               machine: the preset; policy: the policy name */
    const char *file;       /* mmap ... file F: F (NULL for anon) */
    struct scn_addr addr;   /* ADDR of memory commands other than mmap */
    struct scn_addr at;     /* mmap ... at ADDR */
    uint64_t size;          /* SIZE (1, 2, 4, 8) or LENGTH or a setup size, in bytes */
    uint64_t value;         /* store/expect/expect file VALUE; file ... fill BYTE */
    uint64_t seed;          /* fill/check SEED; file ... random SEED */
    uint64_t offset;        /* mmap offset OFF; expect file OFFSET */
    const char *offset_text;/* expect file OFFSET as written */
    unsigned prot;          /* SCN_PROT_* */
    enum scn_fill fill;     /* file: how the file is filled */
    bool shared;            /* mmap: shared (else private) */
    bool has_offset;        /* mmap: offset OFF given */
    bool has_at;            /* mmap: at ADDR given */
    bool fixed;             /* mmap: at ADDR fixed (MAP_FIXED) */
    bool write;             /* touch: write accesses (else read) */
    bool brk_shrink;        /* brk: -SIZE (else +SIZE) */
    bool has_addr;          /* pagetable: ADDR given (else the whole tree) */
    const char **argv;      /* exec: PROG, ARGS...; machine: KEY=VALUE overrides */
    size_t argc;
};

struct scn_arena; /* private to scenario.c */

struct vms_scenario {
    const char *filename;    /* as given to scenario_parse; used in messages */
    struct scn_cmd *cmds;    /* in file order */
    size_t ncmds;
    const char *machine;     /* the machine preset in effect (VMS_DEFAULT_MACHINE by default) */
    uint64_t page_size;      /* its page size in bytes (with a page_size= override) */
    uint64_t bytes, hash;    /* the source's identity: its length and vms_input_hash */
    char *text;              /* private: the source, tokens NUL-terminated in place */
    struct scn_arena *arena; /* private: strings and arrays */
};

/* Parse and validate a whole scenario (parser.c). On success *out owns a new scenario (free it with
 * scenario_destroy) and 0 is returned; on bad input *out is NULL, e holds
 * "FILE:LINE:COL: expected ..." and -VMS_EINVAL is returned (-VMS_ENOMEM on host OOM). */
int scenario_parse(const char *text, size_t len, const char *filename, struct vms_scenario **out,
                   struct vms_error *e);
void scenario_destroy(struct vms_scenario *sc);

/* Arena allocation for the parser: n bytes, 8-aligned, freed with the scenario. */
void *scenario_alloc(struct vms_scenario *sc, size_t n);
/* A NUL-terminated copy of [s, s+n) in the arena. */
const char *scenario_strndup(struct vms_scenario *sc, const char *s, size_t n);


#endif
