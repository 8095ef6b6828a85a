/* Helpers shared by the hardware unit tests: a machine (struct mmu) built from a preset
 * plus KEY=VALUE overrides, a bump allocator for page-table pages, a seeded PRNG and a
 * reader for the lackey trace excerpt in tests/data. Header-only, static functions. */
#ifndef VMS_TESTS_HWTEST_H
#define VMS_TESTS_HWTEST_H

#include "harness.h"

#include "base/err.h"
#include "hw/mmu.h"
#include "trace/input.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Page-table pages from a bump pointer starting at `next`. */
struct bump {
    pfn_t next;
};

static inline pfn_t bump_alloc(void *ctx, unsigned npages)
{
    struct bump *b = ctx;
    pfn_t p = b->next;
    b->next += npages;
    return p;
}

/* A machine under test: the MMU, its table allocator and one root. */
struct hwm {
    struct mmu m;
    struct bump bump;
    struct pt_alloc al;
    paddr_t root;
    bool ok;
};

/* Build from a preset and a NULL-terminated list of "key=value" overrides; tables are
 * allocated from frame `table_base` upwards. The root is created and loaded (asid 1). */
static inline bool hwm_init(struct hwm *h, const char *preset, pfn_t table_base, ...)
{
    struct vms_config c;
    struct vms_error e = {0};
    h->ok = false;
    if (config_preset(&c, preset, &e))
        return false;
    va_list ap;
    va_start(ap, table_base);
    for (const char *kv; (kv = va_arg(ap, const char *));) {
        char key[64];
        const char *eq = strchr(kv, '=');
        if (!eq || (size_t)(eq - kv) >= sizeof key) {
            va_end(ap);
            return false;
        }
        memcpy(key, kv, (size_t)(eq - kv));
        key[eq - kv] = '\0';
        if (config_set(&c, key, eq + 1, &e)) {
            fprintf(stderr, "hwm_init: %s\n", e.msg);
            va_end(ap);
            return false;
        }
    }
    va_end(ap);
    if (mmu_init(&h->m, &c, false, &e)) {
        fprintf(stderr, "hwm_init: %s\n", e.msg);
        return false;
    }
    h->bump.next = table_base;
    h->al = (struct pt_alloc){bump_alloc, &h->bump};
    if (pt_create_root(&h->m, &h->al, &h->root)) {
        mmu_fini(&h->m);
        return false;
    }
    mmu_load_cr3(&h->m, h->root, 1);
    h->ok = true;
    return true;
}

static inline void hwm_fini(struct hwm *h)
{
    if (h->ok)
        mmu_fini(&h->m);
    h->ok = false;
}

/* Map one page of class psz with simple permissions. */
static inline int hwm_map(struct hwm *h, vaddr_t va, int psz, pfn_t pfn, bool w, bool u, bool nx,
                          bool g)
{
    struct vms_error e = {0};
    struct pte_info leaf = {.writable = w, .user = u, .nx = nx, .global = g, .readable = true};
    return pt_map(&h->m, &h->al, h->root, va, psz, pfn, &leaf, &e);
}

/* splitmix64: a seeded, portable PRNG for the randomized tests. */
static inline uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t rng_below(uint64_t *s, uint64_t n)
{
    return rng_next(s) % n;
}

/* One record of a Valgrind lackey trace. */
struct lackey_rec {
    char kind; /* 'I', 'L', 'S', 'M' */
    uint64_t addr;
    unsigned size;
};

/* Read the whole excerpt tests/data/mm-excerpt.lackey.xz, decompressed by the library's
 * input layer (src/trace/input.h, liblzma), so the test needs no xz(1) on the host.
 * Returns the number of records (0 when it cannot be read); *out is malloc'd. */
static inline size_t lackey_load(struct lackey_rec **out)
{
    char path[512];
    snprintf(path, sizeof path, "%s/mm-excerpt.lackey.xz", harness_data_dir());
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    struct vms_error e = {0};
    struct trace_input *in = input_open_fd(fd, true, path, &e);
    if (!in)
        return 0;
    size_t len = 0, cap = 1 << 20;
    char *text = malloc(cap + 1);
    long got = 1;
    while (text && got > 0) {
        if (len == cap) {
            char *nt = realloc(text, 2 * cap + 1);
            if (!nt)
                break;
            text = nt;
            cap *= 2;
        }
        got = input_read(in, text + len, cap - len, &e);
        if (got > 0)
            len += (size_t)got;
    }
    input_close(in);
    if (!text || got != 0) {
        free(text);
        return 0;
    }
    text[len] = '\0';
    size_t n = 0, vcap = 0;
    struct lackey_rec *v = NULL;
    for (char *line = text, *next; line < text + len; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0'; /* one line at a time, as fgets gave them */
        else
            next = text + len;
        char k;
        unsigned long long a;
        unsigned sz;
        if (sscanf(line, " %c %llx,%u", &k, &a, &sz) != 3 || !strchr("ILSM", k))
            continue;
        if (n == vcap) {
            vcap = vcap ? vcap * 2 : 4096;
            struct lackey_rec *nv = realloc(v, vcap * sizeof *v);
            if (!nv) {
                free(v);
                free(text);
                return 0;
            }
            v = nv;
        }
        v[n++] = (struct lackey_rec){k, a, sz};
    }
    free(text);
    *out = v;
    return n;
}

#endif
