/* `make soak`: a long run through the public API (kernel and hardware), not part of CI.
 * Eight processes of 6 MiB each (48 MiB) share 16 MiB of memory and 64 MiB of swap, so the
 * run swaps all the time; references move through a drifting hot window (256 pages a
 * process, 8 MiB in all) with one in 1024 uniform over the whole area; 30% are 8-byte
 * stores of a value that depends only on the word, so every load checks its value (the
 * word's value if it was ever stored, else 0): no byte may be lost. Every 10^7 references
 * a process forks a child that reads (checked) and writes copy-on-write, then exits. Every
 * SAMPLE references the kernel audit runs and the host's resident memory is printed; it
 * must not grow after the first sample. Usage: soak [REFERENCES [SAMPLE]]. */
#include "vmsim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NPROC 8
#define AREA (UINT64_C(6) << 20)
#define WORDS (AREA / 8)
#define QUANTUM 10000
#define HOT_PAGES 256 /* per process: 8 MiB of the 16 hot in all */

static uint64_t rng = 88172645463325252u;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t word_value(int proc, uint64_t w)
{
    uint64_t x = ((uint64_t)proc << 40) ^ (w * UINT64_C(0x9e3779b97f4a7c15));
    x ^= x >> 29;
    return x | 1; /* never 0, the value of a word never stored */
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = -1;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &res) != 2)
            res = -1;
        fclose(f);
    }
    return res < 0 ? -1 : res * (sysconf(_SC_PAGESIZE) / 1024);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct vms_error *e)
{
    fprintf(stderr, "soak: %s: %s\n", what, e ? e->msg : "");
    exit(1);
}

int main(int argc, char **argv)
{
    uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 0) : UINT64_C(1000000000);
    uint64_t sample = argc > 2 ? strtoull(argv[2], NULL, 0) : UINT64_C(100000000);
    if (!total || !sample)
        die("usage: soak [REFERENCES [SAMPLE]]", NULL);
    struct vms_error e = {0};
    struct vms_config *c;
    if (vms_config_create(NULL, &c, &e))
        die("config", &e);
    struct vms_kernel_opts o = {.memory = 16 << 20, .swap = 64 << 20};
    struct vms_kernel *k;
    if (vms_kernel_create(c, &o, &k, &e))
        die("kernel", &e);
    vms_config_destroy(c);
    int pid[NPROC];
    uint64_t base[NPROC];
    uint8_t *stored[NPROC]; /* one bit per word: stored at least once */
    for (int i = 0; i < NPROC; i++) {
        if (vms_kernel_spawn(k, &pid[i], &e) ||
            vms_kernel_mmap(k, pid[i], 0, AREA, VMS_PROT_READ | VMS_PROT_WRITE, VMS_MMAP_ANON,
                            NULL, 0, &base[i], &e))
            die("setup", &e);
        stored[i] = calloc(WORDS / 8, 1);
        if (!stored[i])
            die("out of host memory", NULL);
    }
    printf("soak: %" PRIu64 " references, %d processes x 6 MiB, 16 MiB memory, 64 MiB swap\n",
           total, NPROC);
    printf("%14s %9s %10s %12s %12s %6s %s\n", "references", "seconds", "rss_kib", "swap.ins",
           "swap.outs", "forks", "audit");
    double t0 = now_s();
    long rss_first = -1, rss_max = 0;
    uint64_t hot = 0, forks = 0, checked = 0;
    for (uint64_t r = 0; r < total;) {
        int i = (int)((r / QUANTUM) % NPROC);
        uint64_t end = r + QUANTUM < total ? r + QUANTUM : total;
        for (; r < end; r++) {
            uint64_t x = next();
            uint64_t w = (x & 1023) == 0 ? (x >> 8) % WORDS /* uniform: mostly a miss */
                                         : (hot + (x >> 8) % (HOT_PAGES * 512)) % WORDS;
            uint64_t va = base[i] + w * 8;
            int rc;
            if ((x >> 4) % 10 < 3) {
                rc = vms_kernel_store(k, pid[i], va, 8, word_value(i, w), &e);
                stored[i][w / 8] |= (uint8_t)(1u << (w % 8));
            } else {
                uint64_t v = 0;
                rc = vms_kernel_load(k, pid[i], va, 8, &v, &e);
                uint64_t want = stored[i][w / 8] >> (w % 8) & 1 ? word_value(i, w) : 0;
                if (rc == VMS_SIG_NONE && v != want) {
                    fprintf(stderr, "soak: data lost: process %d word %" PRIu64 " read %#" PRIx64
                                    ", expected %#" PRIx64 " (reference %" PRIu64 ")\n",
                            i, w, v, want, r);
                    return 1;
                }
                checked++;
            }
            if (rc != VMS_SIG_NONE)
                die(rc < 0 ? "access" : vms_signal_name(rc), &e);
        }
        hot = (hot + 512) % WORDS; /* the hot window drifts a page per quantum */
        if (r % (10 * UINT64_C(1000000)) == 0) { /* a short-lived child, copy-on-write */
            int child, f = (int)(forks % NPROC); /* each process in turn */
            if (vms_kernel_fork(k, pid[f], &child, &e))
                die("fork", &e);
            for (int j = 0; j < 2000; j++) { /* 1500 checked loads, then 500 stores */
                uint64_t w = next() % WORDS, v = 0;
                uint64_t want = stored[f][w / 8] >> (w % 8) & 1 ? word_value(f, w) : 0;
                if (j >= 1500) {
                    if (vms_kernel_store(k, child, base[f] + w * 8, 8, ~want, &e) != VMS_SIG_NONE)
                        die("child store", &e);
                    continue;
                }
                if (vms_kernel_load(k, child, base[f] + w * 8, 8, &v, &e) != VMS_SIG_NONE)
                    die("child load", &e);
                if (v != want) {
                    fprintf(stderr, "soak: data lost: the child of process %d read word %" PRIu64
                                    " as %#" PRIx64 ", expected %#" PRIx64 " (reference %" PRIu64
                                    ")\n", f, w, v, want, r);
                    return 1;
                }
            }
            if (vms_kernel_exit(k, child, &e))
                die("exit", &e);
            forks++;
        }
        if (r % sample == 0 || r == total) {
            int a = vms_kernel_audit(k, &e);
            double ins = 0, outs = 0;
            vms_kernel_stat(k, 0, "swap.ins", &ins, &e);
            vms_kernel_stat(k, 0, "swap.outs", &outs, &e);
            long rss = rss_kib();
            printf("%14" PRIu64 " %9.1f %10ld %12.0f %12.0f %6" PRIu64 " %s\n", r, now_s() - t0,
                   rss, ins, outs, forks, a ? e.msg : "ok");
            fflush(stdout);
            if (a)
                return 1;
            if (rss_first < 0)
                rss_first = rss;
            else if (rss > rss_max)
                rss_max = rss;
        }
    }
    for (int i = 0; i < NPROC; i++)
        free(stored[i]);
    vms_kernel_destroy(k);
    long growth = rss_max > rss_first ? rss_max - rss_first : 0;
    printf("soak: %" PRIu64 " references in %.1f s, %" PRIu64 " loads checked, no data lost; "
           "host RSS %ld KiB at the first sample, at most %ld KiB after (growth %ld KiB)\n",
           total, now_s() - t0, checked, rss_first, rss_max > rss_first ? rss_max : rss_first,
           growth);
    if (growth > 1024) {
        printf("soak: FAIL: host memory grew by more than 1 MiB after the first sample\n");
        return 1;
    }
    return 0;
}
