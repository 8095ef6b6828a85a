/* `vmsim gen run`: a scenario story on the simulated kernel (fork and copy-on-write, a
 * shared file mapping, protection faults, swap) whose loads and stores are questions; the
 * key is what `vmsim run` prints for them (docs/teaching.md). */
#include "base/alloc.h"
#include "base/err.h"
#include "teach/teach.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CMDS 160

struct story {
    struct rng *r;
    struct teach_buf b;
    unsigned nmem;                 /* load and store commands so far */
    unsigned q_at[TEACH_MAX_COUNT]; /* the memory command of each question */
    char q_text[TEACH_MAX_COUNT][96];
    unsigned nq;
};

/* Every draw is a statement of its own: C leaves the order in which the operands of an
 * expression or the arguments of a call are evaluated open, and the draws must come in
 * one order on every compiler. */
static uint64_t value(struct rng *r)
{
    uint64_t v = rng_range(r, 1, 0xffff);
    unsigned shift = 8 * (unsigned)rng_below(r, 3);
    return v << shift;
}

/* A memory command (it prints one line); a question when q. */
static void mem_cmd(struct story *s, bool q, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void mem_cmd(struct story *s, bool q, const char *fmt, ...)
{
    char line[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (q && s->nq < TEACH_MAX_COUNT) {
        snprintf(s->q_text[s->nq], sizeof s->q_text[s->nq], "%s", line);
        s->q_at[s->nq++] = s->nmem;
        teach_buf_printf(&s->b, "%s    # question %u\n", line, s->nq);
    } else {
        teach_buf_printf(&s->b, "%s\n", line);
    }
    s->nmem++;
}

static const char *offs[] = {"", "+8", "+1page", "+0x1008"};

static const char *proc(struct story *s)
{
    return rng_below(s->r, 2) ? "P" : "C";
}

static void fork_cow(struct story *s, unsigned count)
{
    teach_buf_printf(&s->b, "# fork: private pages are shared copy-on-write until one side "
                     "stores\nspawn P\nP mmap A 2pages rw- private anon\n");
    mem_cmd(s, false, "P store A 8 0x%" PRIx64, value(s->r));
    mem_cmd(s, false, "P store A+1page 8 0x%" PRIx64, value(s->r));
    teach_buf_printf(&s->b, "fork P C\n");
    for (unsigned i = 0; i < count; i++) {
        if (rng_below(s->r, 3)) {
            const char *who = proc(s);
            const char *off = offs[rng_below(s->r, 4)];
            uint64_t v = value(s->r);
            mem_cmd(s, false, "%s store A%s 8 0x%" PRIx64, who, off, v);
        }
        const char *who = proc(s);
        const char *off = offs[rng_below(s->r, 4)];
        mem_cmd(s, true, "%s load A%s 8", who, off);
    }
}

static void shared(struct story *s, unsigned count)
{
    teach_buf_printf(&s->b, "# a file mapped shared (S) and private (Q) by two processes\n"
                     "file data.bin 2pages fill 0x%02" PRIx64 "\nspawn P\n"
                     "P mmap S 2pages rw- shared file data.bin\n"
                     "P mmap Q 2pages rw- private file data.bin\nfork P C\n",
                     rng_range(s->r, 1, 255));
    static const char *maps[] = {"S", "Q"};
    for (unsigned i = 0; i < count; i++) {
        if (rng_below(s->r, 3)) {
            const char *who = proc(s);
            const char *map = maps[rng_below(s->r, 2)];
            const char *off = offs[rng_below(s->r, 4)];
            uint64_t v = rng_range(s->r, 0, 255);
            mem_cmd(s, false, "%s store %s%s 1 0x%" PRIx64, who, map, off, v);
        }
        const char *who = proc(s);
        const char *map = maps[rng_below(s->r, 2)];
        const char *off = offs[rng_below(s->r, 4)];
        mem_cmd(s, true, "%s load %s%s 8", who, map, off);
    }
}

static void protection(struct story *s, unsigned count)
{
    teach_buf_printf(&s->b, "# protections: a store needs w, any access needs an area\n"
                     "spawn P\nP mmap A 2pages rw- private anon\nP mmap R 1page r-- private "
                     "anon\nP mmap G 1page rw- private anon\nP munmap G 1page\n");
    mem_cmd(s, false, "P store A 8 0x%" PRIx64, value(s->r));
    teach_buf_printf(&s->b, "P mprotect A+1page 1page r--\n");
    static const char *where[] = {"A", "A+8", "A+1page", "R", "R+8", "G"};
    for (unsigned i = 0; i < count; i++) {
        if (rng_below(s->r, 2)) {
            const char *at = where[rng_below(s->r, 6)];
            uint64_t v = value(s->r);
            mem_cmd(s, true, "P store %s 8 0x%" PRIx64, at, v);
        } else {
            mem_cmd(s, true, "P load %s 8", where[rng_below(s->r, 6)]);
        }
    }
}

static void swap(struct story *s, unsigned count)
{
    unsigned pages = 6 + (unsigned)rng_below(s->r, 4);
    teach_buf_printf(&s->b, "# swap: %u pages in a memory of 4; evicted pages go to swap\n"
                     "memory 4pages\nswap 64pages\npolicy %s\nspawn P\nP mmap A %upages rw- "
                     "private anon\n",
                     pages, rng_below(s->r, 2) ? "clock" : "lru", pages);
    for (unsigned i = 0; i < pages; i++)
        mem_cmd(s, false, "P store A+%upages 8 0x%" PRIx64, i, value(s->r));
    for (unsigned i = 0; i < count; i++) {
        unsigned page = (unsigned)rng_below(s->r, pages);
        unsigned word = rng_below(s->r, 2) ? 0u : 8u; /* a page's first word or the next */
        mem_cmd(s, true, "P load A+0x%x 8", page * 4096u + word);
    }
}

/* The answer of memory command k in the run's output: its contract line's outcome. */
static int outcome(const char *out, unsigned k, const char *cmd, char *key, size_t n,
                   struct vms_error *e)
{
    const char *line = out;
    for (unsigned i = 0; i < k && line; i++) {
        line = strchr(line, '\n');
        line = line ? line + 1 : NULL;
    }
    size_t len = line ? strcspn(line, "\n") : 0;
    if (!line || len < strlen(cmd) || strncmp(line, cmd, strlen(cmd)))
        return err_set(e, VMS_EINVAL, "gen run: no output line for '%s' (a bug: please report "
                       "the seed)", cmd);
    const char *eq = strstr(line, " = ");
    if (eq && eq < line + len)
        snprintf(key, n, "%.*s", (int)(line + len - eq - 3), eq + 3);
    else
        snprintf(key, n, "ok");
    return 0;
}

int teach_gen_run(struct vms_exercise *x, struct vms_error *e)
{
    static const char *const kinds[] = {"fork-cow", "shared", "protection", "swap"};
    struct rng r;
    rng_seed(&r, x->seed);
    size_t kind = 0;
    if (x->want[0]) {
        for (kind = 0; kind < 4; kind++)
            if (!strcmp(x->want, kinds[kind]))
                break;
        if (kind == 4)
            return err_set(e, VMS_EINVAL, "--want: unknown story '%s' for run (expected "
                           "fork-cow, shared, protection or swap)", x->want);
    } else {
        kind = (size_t)rng_below(&r, 4);
    }
    if (!x->count)
        x->count = 5;
    if (x->count > 32)
        return err_set(e, VMS_EINVAL, "--count: at most 32 questions for run, found %u",
                       x->count);
    struct story s = {.r = &r};
    if (kind == 0)
        fork_cow(&s, x->count);
    else if (kind == 1)
        shared(&s, x->count);
    else if (kind == 2)
        protection(&s, x->count);
    else
        swap(&s, x->count);
    if (s.b.failed)
        return err_set(e, VMS_ENOMEM, "out of memory");
    x->state = s.b.s;
    struct vms_scenario *sc = NULL;
    int rc = vms_scenario_parse(x->state, strlen(x->state), "generated story", &sc, e);
    char *out = NULL;
    size_t len = 0;
    FILE *mf = rc ? NULL : open_memstream(&out, &len);
    if (!rc && !mf)
        rc = err_set(e, VMS_ENOMEM, "out of memory");
    if (mf) {
        /* the diagnostics into memory and dropped (no /dev/null in the web build) */
        char *dbuf = NULL;
        size_t dlen = 0;
        FILE *diag = open_memstream(&dbuf, &dlen);
        rc = diag ? vms_scenario_run(sc, NULL, mf, VMS_TEXT, diag, e)
                  : err_set(e, VMS_ENOMEM, "out of memory");
        if (diag)
            fclose(diag);
        free(dbuf);
        if (fclose(mf) && rc == 0)
            rc = err_set(e, VMS_ENOMEM, "out of memory");
        if (rc > 0)
            rc = err_set(e, VMS_EINVAL, "gen run: the story failed (a bug: please report the "
                         "seed)");
    }
    vms_scenario_destroy(sc);
    if (rc == 0 && !(x->p = vms_calloc(s.nq, sizeof *x->p)))
        rc = err_set(e, VMS_ENOMEM, "out of memory");
    static const char *const hint[] = {
        "after fork both processes share each private page copy-on-write: a store gives the "
        "storing process its own copy, the other keeps the bytes it had",
        "MAP_SHARED stores are seen by every process mapping the file; a MAP_PRIVATE page "
        "shows the file until this process stores to it, then its own copy (fork copies it "
        "copy-on-write)",
        "a store to a page without w faults with SIGSEGV accerr (and stores nothing); an "
        "address in no area (an unmapped one too) faults with SIGSEGV maperr; r-- pages read "
        "fine, anonymous memory reads as 0 until written",
        "a page evicted to swap comes back with its bytes on the next access: no data is "
        "lost, whatever the policy evicted"};
    for (unsigned i = 0; rc == 0 && i < s.nq; i++) {
        struct teach_problem *p = &x->p[i];
        snprintf(p->given_name, sizeof p->given_name, "question");
        snprintf(p->given, sizeof p->given, "%s", s.q_text[i]);
        p->nfields = 1;
        p->f[0] = (struct teach_field){.name = "answer", .label = "answer", .type = TEACH_WORD};
        rc = outcome(out, s.q_at[i], s.q_text[i], p->f[0].key, sizeof p->f[0].key, e);
        snprintf(p->f[0].hint, sizeof p->f[0].hint, "%s", hint[kind]);
        x->nproblems = i + 1;
    }
    free(out);
    if (rc == 0) {
        snprintf(x->intro, sizeof x->intro,
                 "The story is a %s scenario (docs/scenario-contract.md). For each question "
                 "say what it prints after its command: a load's value (0x hex), 'ok' for a "
                 "store that completes, or the fault (SIGSEGV maperr, SIGSEGV accerr, SIGBUS).",
                 kinds[kind]);
    }
    return rc;
}
