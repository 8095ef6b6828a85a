/* Fuzz target: the checkpoint loader of `vmsim trace --resume` (docs/trace.md,
 * "Checkpoints"). The first byte picks the policy, the rest is the checkpoint, loaded into
 * a simulator made as the seeds' were (two traces of fixed content, fuzz-a.din and
 * fuzz-b.din; 128 KiB of memory, 1 MiB of swap; a core-i7 without L2 and L3), with the
 * payload's length and hash checks off so that every section is reached. Nothing may
 * crash, hang or leak, and a checkpoint that loads must be one kern_audit accepts (the
 * simulator is then destroyed, tearing every task down). The seeds are real checkpoints of
 * every policy (the FUZZ_CKPT_SEED program at the end writes them). */
#include "api/tracesim.h"
#include "policy/policy.h"
#include "vmsim.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The policy of index i among those the kernel takes (all but those that need the
 * future), or NULL past the end. */
static const char *fz_policy(size_t i)
{
    const struct policy_ops *ops;
    for (size_t k = 0; (ops = policy_at(k)); k++)
        if (!(ops->flags & POLICY_NEEDS_FUTURE) && i-- == 0)
            return ops->name;
    return NULL;
}

static size_t fz_npolicies(void)
{
    size_t n = 0;
    while (fz_policy(n))
        n++;
    return n;
}

/* A din trace of 3000 records in an unlinked temporary file: its descriptor, or -1. */
static int fz_trace_fd(unsigned seed)
{
    FILE *f = tmpfile();
    if (!f)
        return -1;
    uint64_t x = seed * 7919u;
    for (int n = 0; n < 3000; n++) {
        x = (x * 1103515245 + 12345) % 2147483648u;
        uint64_t p = n % 3 == 0 ? (uint64_t)(n / 40) % 50 : x % (40 + 30 * seed);
        fprintf(f, "%d %llx\n", (int)(x % 3), (unsigned long long)(4096 * (16 + p) + x % 4000));
    }
    int fd = fflush(f) == 0 ? dup(fileno(f)) : -1;
    fclose(f);
    if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* The simulator of policy pol (checkpointing to ckpt every `every` references when ckpt is
 * not NULL), with its two traces added; NULL on failure. *c is its machine (destroy it
 * after the simulator). */
static struct vms_tracesim *fz_sim(size_t pol, const char *ckpt, uint64_t every,
                                   struct vms_config **c)
{
    struct vms_error e = {0};
    struct vms_tracesim *s = NULL;
    if (vms_config_create(NULL, c, &e) < 0)
        return NULL;
    vms_config_set(*c, "cache.l2", "0", &e);
    vms_config_set(*c, "cache.l3", "0", &e);
    struct vms_tracesim_opts o = {
        .memory = 128 << 10,
        .swap = 1 << 20,
        .policy = fz_policy(pol),
        .flags = VMS_TRACESIM_SEQUENTIAL,
        .checkpoint = ckpt,
        .checkpoint_every = every,
    };
    if (vms_tracesim_create(*c, &o, &s, &e) < 0)
        return NULL;
    static const char *const names[] = {"fuzz-a.din", "fuzz-b.din"};
    for (unsigned i = 0; i < 2; i++) {
        int fd = fz_trace_fd(i + 1);
        if (fd < 0 || vms_tracesim_add_fd(s, fd, names[i], &e) < 0) {
            if (fd >= 0)
                close(fd);
            vms_tracesim_destroy(s);
            return NULL;
        }
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct vms_config *c = NULL;
    struct vms_tracesim *s = fz_sim(data[0] % fz_npolicies(), NULL, 0, &c);
    if (s) {
        struct vms_error e = {0};
        (void)tracesim_resume_mem(s, data + 1, size - 1, "fuzz", false, &e);
        vms_tracesim_destroy(s);
    }
    vms_config_destroy(c);
    return 0;
}

#ifdef FUZZ_CKPT_SEED
/* cc -DFUZZ_CKPT_SEED -Iinclude -Isrc fuzz/fuzz_checkpoint.c build/libvmsim-internal.a ...
 * writes seed-POLICY-N: policy byte + a real checkpoint after about N references. */
int main(void)
{
    static const uint64_t at[] = {500, 2500, 4500};
    for (size_t p = 0; p < fz_npolicies(); p++)
        for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
            char path[64], seed[96];
            snprintf(path, sizeof path, "ckpt.tmp");
            struct vms_config *c = NULL;
            struct vms_tracesim *s = fz_sim(p, path, at[k], &c);
            struct vms_error e = {0};
            if (!s || vms_tracesim_run(s, &e) < 0) {
                fprintf(stderr, "%s: %s\n", fz_policy(p), e.msg);
                return 1;
            }
            vms_tracesim_destroy(s);
            vms_config_destroy(c);
            snprintf(seed, sizeof seed, "seed-%s-%llu", fz_policy(p), (unsigned long long)at[k]);
            FILE *in = fopen(path, "rb"), *out = fopen(seed, "wb");
            if (!in || !out)
                return 1;
            fputc((int)p, out);
            int ch;
            while ((ch = fgetc(in)) != EOF)
                fputc(ch, out);
            fclose(in);
            fclose(out);
        }
    return 0;
}
#endif
