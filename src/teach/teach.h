/* Generated exercises (src/teach): the problems of `vmsim gen` with their keys and hints,
 * and the answers files and grading of `vmsim check` (docs/teaching.md). */
#ifndef VMS_TEACH_TEACH_H
#define VMS_TEACH_TEACH_H

#include "teach/rng.h"
#include "vmsim.h"

#define TEACH_MAX_FIELDS 16
#define TEACH_MAX_COUNT 64

/* How an answer is compared with the key. */
enum teach_type {
    TEACH_HEX,  /* a number in hex, 0x optional; "-" when the access never gets there */
    TEACH_BOOL, /* Y or N (also yes/no, case-insensitive); "-" likewise */
    TEACH_LIST, /* comma-separated decimal numbers or "-" (pages: the frames) */
    TEACH_WORD  /* a word, case-insensitive (run: a signal name, "ok") */
};

struct teach_field {
    const char *name;   /* as the answers file writes it: vpn, tlbi, ... */
    const char *label;  /* as a report writes it: VPN, TLBI, ... */
    enum teach_type type;
    char key[256];      /* the right answer in canonical form ("0x0F", "Y", "-", "7,0,-") */
    char hint[384];     /* the hint for this step when it is the first one wrong */
};

struct teach_problem {
    char given_name[16]; /* "va", "ref", "question": what the problem gives */
    char given[128];     /* its value as printed ("0x03d4") */
    uint64_t given_num;  /* translate, pages: the VA or page as a number */
    size_t nfields;
    struct teach_field f[TEACH_MAX_FIELDS];
    char *answer_json;   /* translate: the object `translate --json` prints (vms_malloc'd) */
};

struct vms_exercise {
    enum vms_exercise_kind kind;
    uint64_t seed;
    char machine[32];   /* translate */
    char want[256];     /* as given ("" = random) */
    unsigned count;
    char *state;        /* translate: the state-file text; run: the scenario text */
    /* pages */
    char policy[16];
    unsigned frames;
    char intro[512];    /* one sentence saying what to do */
    size_t nproblems;
    struct teach_problem *p;
};

/* The generators (gen_translate.c, gen_pages.c, gen_run.c): fill x (kind, seed, want,
 * count and machine set, count 0 = the kind's default) with its problems. */
int teach_gen_translate(struct vms_exercise *x, struct vms_error *e);
int teach_gen_pages(struct vms_exercise *x, struct vms_error *e);
int teach_gen_run(struct vms_exercise *x, struct vms_error *e);

/* The name of a kind as the CLI and the answers file write it. */
const char *teach_kind_name(enum vms_exercise_kind k);

/* Growing text (vms_malloc'd): append printf-style; false on out of memory (then the
 * buffer is freed and stays NULL). */
struct teach_buf {
    char *s;
    size_t len, cap;
    bool failed;
};
void teach_buf_printf(struct teach_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* In a one-line JSON object, the value of key as text (a number, true, false, null or a
 * "string" with its quotes) into buf; false when the key is not there. */
bool teach_json_value(const char *json, const char *key, char *buf, size_t n);

/* An answer's normal form for comparing with a key of type t (keys are in it already):
 * false when it cannot be one (then it is wrong, not an error). */
bool teach_normalize(enum teach_type t, const char *in, char *out, size_t n);

#endif
