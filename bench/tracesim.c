/* Benchmark: `vmsim trace` end to end through the public API (vms_tracesim_*): the full
 * core-i7 model (I/D TLBs, L2 TLB, walks through the PSCs and the caches, L1i/L1d/L2/L3)
 * under the simulated kernel (demand-zero faults, the replacement policy), reading the
 * trace from a file as lackey text and as the vmsim binary format.
 * Usage: tracesim [RUNS] [TRACE...]: the rate of each TRACE; without TRACEs, every .lackey.xz
 * file in bench/traces (or $VMSIM_TRACES) decompressed and converted to
 * the binary format once into a temporary directory, both measured (a message and exit
 * status 0 when there are none). Prints the best of RUNS (default 3). */
#include "vmsim.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned flags; /* VMS_TRACESIM_SEQUENTIAL or 0 */
static double last_cpu; /* CPU seconds of the best run (all threads) */

/* One simulation of path on core-i7; seconds, or < 0 on error. */
static double run_once(const char *path, double *refs)
{
    struct vms_error e = {0};
    struct vms_config *c;
    vms_config_create("core-i7", &c, &e);
    struct vms_tracesim *s = NULL;
    struct vms_tracesim_opts o = {.flags = flags};
    double t0 = now(), c0 = cpu_now();
    if (!c || vms_tracesim_create(c, &o, &s, &e) < 0 || vms_tracesim_add(s, path, &e) < 0 ||
        vms_tracesim_run(s, &e) < 0 || vms_tracesim_stat(s, 0, "references", refs, &e) < 0) {
        fprintf(stderr, "tracesim: %s\n", e.msg);
        vms_tracesim_destroy(s);
        vms_config_destroy(c);
        return -1;
    }
    double dt = now() - t0;
    last_cpu = cpu_now() - c0;
    vms_tracesim_destroy(s);
    vms_config_destroy(c);
    return dt;
}

static double best_of(const char *path, int runs, double *refs)
{
    double best = -1, cpu = 0;
    for (int i = 0; i < runs; i++) {
        double t = run_once(path, refs);
        if (t < 0)
            return -1;
        if (best < 0 || t < best) {
            best = t;
            cpu = last_cpu;
        }
    }
    last_cpu = cpu;
    return best;
}

/* The traces' directory: $VMSIM_TRACES, else bench/traces (bench/traces/README.md). */
static const char *find_traces_dir(void)
{
    const char *env = getenv("VMSIM_TRACES");
    const char *dir = env && *env ? env : "bench/traces";
    struct stat st;
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? dir : NULL;
}

static void machine_line(void)
{
    char model[256] = "unknown CPU";
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "model name", 10)) {
            char *colon = strchr(line, ':');
            if (colon) {
                snprintf(model, sizeof model, "%s", colon + 2);
                model[strcspn(model, "\n")] = '\0';
            }
            break;
        }
    if (f)
        fclose(f);
    double load[3] = {0, 0, 0};
    f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = -1;
        fclose(f);
    }
    printf("machine: %s, %ld online CPUs, load average %.2f\n", model,
           sysconf(_SC_NPROCESSORS_ONLN), load[0]);
}

/* Bench one trace given as text and as binary (paths may be equal when only one exists). */
static int bench_pair(const char *label, const char *text, const char *bin, int runs)
{
    double refs = 0;
    double tt = best_of(text, runs, &refs);
    if (tt < 0)
        return 1;
    double tb = best_of(bin, runs, &refs);
    if (tb < 0)
        return 1;
    printf("%-12s %12.0f refs  lackey text %6.2f s %6.1f M refs/s   binary %6.2f s %6.1f M "
           "refs/s  (binary/text %.2fx)\n",
           label, refs, tt, refs / tt / 1e6, tb, refs / tb / 1e6, tt / tb);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    int runs = 3, first = 1;
    if (argc > 1 && atoi(argv[1]) > 0 && strspn(argv[1], "0123456789") == strlen(argv[1])) {
        runs = atoi(argv[1]);
        first = 2;
    }
    machine_line();
    printf("vmsim trace end to end, core-i7, default memory (256 MiB), clock, best of %d\n",
           runs);
    int rc = 0;
    if (first < argc) {
        for (int i = first; i < argc; i++) {
            for (int mode = 0; mode < 2; mode++) {
                flags = mode ? VMS_TRACESIM_SEQUENTIAL : 0;
                double refs = 0, t = best_of(argv[i], runs, &refs);
                if (t < 0) {
                    rc = 1;
                    break;
                }
                printf("%-32s %-17s %11.0f refs %6.2f s %5.1f M refs/s (CPU %.2f s)\n",
                       argv[i], mode ? "one thread" : "reader thread", refs, t,
                       refs / t / 1e6, last_cpu);
                fflush(stdout);
            }
        }
    } else {
        const char *dir = find_traces_dir();
        if (!dir) {
            printf("tracesim: no bench/traces (or $VMSIM_TRACES) here: nothing to measure\n");
            return 0;
        }
        char tmp[] = "/tmp/vmsim-bench-XXXXXX";
        if (!mkdtemp(tmp)) {
            perror("mkdtemp");
            return 1;
        }
        DIR *d = opendir(dir);
        struct dirent *de;
        int found = 0;
        while (d && (de = readdir(d))) {
            size_t l = strlen(de->d_name);
            if (l < 11 || strcmp(de->d_name + l - 10, ".lackey.xz") != 0)
                continue;
            char in[1024], text[1024], bin[1024], label[256];
            snprintf(in, sizeof in, "%s/%s", dir, de->d_name);
            snprintf(label, sizeof label, "%.*s", (int)(l - 10), de->d_name);
            snprintf(text, sizeof text, "%s/%s.lackey", tmp, label);
            snprintf(bin, sizeof bin, "%s/%s.vt", tmp, label);
            struct vms_error e = {0};
            if (vms_trace_convert(in, text, VMS_TRACE_LACKEY, 0, NULL, NULL, &e) < 0 ||
                vms_trace_convert(text, bin, VMS_TRACE_VMSIM, 0, in, NULL, &e) < 0) {
                fprintf(stderr, "tracesim: %s\n", e.msg);
                rc = 1;
            } else {
                rc |= bench_pair(label, text, bin, runs);
                found++;
            }
            unlink(text);
            unlink(bin);
        }
        if (d)
            closedir(d);
        rmdir(tmp);
        if (!found)
            printf("tracesim: no *.lackey.xz in %s: nothing to measure\n", dir);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS of this process: %.1f MiB\n", (double)ru.ru_maxrss / 1024);
    return rc;
}
