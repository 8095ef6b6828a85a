/* Statistics printing: one walk over the schema drives text, JSON, CSV and lookup. */
#include "report/stats.h"

#include <stdio.h>
#include <string.h>

enum em_mode { EM_TEXT, EM_JSON, EM_CSV_HEAD, EM_CSV_ROW, EM_GET };

struct emitter {
    enum em_mode mode;
    FILE *out;
    char path[256]; /* dotted prefix of the current object */
    int depth;
    bool first[16];
    int ncols;
    const char *want; /* EM_GET */
    double got;
    bool found;
};

static void key_of(struct emitter *em, const char *name, char *buf, size_t n)
{
    if (em->path[0])
        snprintf(buf, n, "%s.%s", em->path, name);
    else
        snprintf(buf, n, "%s", name);
}

static void json_sep(struct emitter *em)
{
    if (!em->first[em->depth])
        fputc(',', em->out);
    em->first[em->depth] = false;
}

static void em_begin(struct emitter *em, const char *name)
{
    if (em->mode == EM_JSON) {
        json_sep(em);
        fprintf(em->out, "\"%s\":{", name);
    }
    size_t l = strlen(em->path);
    snprintf(em->path + l, sizeof em->path - l, "%s%s", l ? "." : "", name);
    em->depth++;
    em->first[em->depth] = true;
}

static void em_end(struct emitter *em)
{
    if (em->mode == EM_JSON)
        fputc('}', em->out);
    char *dot = strrchr(em->path, '.');
    if (dot)
        *dot = '\0';
    else
        em->path[0] = '\0';
    em->depth--;
}

static void em_num(struct emitter *em, const char *name, double v, bool integer)
{
    char key[320];
    key_of(em, name, key, sizeof key);
    switch (em->mode) {
    case EM_TEXT:
        if (integer)
            fprintf(em->out, "%-32s %.0f\n", key, v);
        else
            fprintf(em->out, "%-32s %.4f\n", key, v);
        break;
    case EM_JSON:
        json_sep(em);
        if (integer)
            fprintf(em->out, "\"%s\":%.0f", name, v);
        else
            fprintf(em->out, "\"%s\":%.6g", name, v);
        break;
    case EM_CSV_HEAD:
        fprintf(em->out, "%s%s", em->ncols++ ? "," : "", key);
        break;
    case EM_CSV_ROW:
        if (integer)
            fprintf(em->out, "%s%.0f", em->ncols++ ? "," : "", v);
        else
            fprintf(em->out, "%s%.6g", em->ncols++ ? "," : "", v);
        break;
    case EM_GET:
        if (!strcmp(key, em->want)) {
            em->got = v;
            em->found = true;
        }
        break;
    }
}

static void em_u64(struct emitter *em, const char *name, uint64_t v)
{
    em_num(em, name, (double)v, true);
}

void stats_accumulate(struct stats *dst, const struct stats *now, const struct stats *then)
{
    static const struct stats zero;
    if (!then)
        then = &zero;
#define ACC(f) dst->f += now->f - then->f
    ACC(references); ACC(ifetches); ACC(loads); ACC(stores); ACC(split);
    for (int t = 0; t < TLB_N; t++) {
        dst->tlb_present[t] = now->tlb_present[t];
        ACC(tlb_hits[t]);
        ACC(tlb_misses[t]);
    }
    dst->levels = now->levels;
    dst->psc = now->psc;
    ACC(walks); ACC(walk_refs); ACC(ad_updates);
    for (int l = 0; l < MAX_LEVELS; l++) {
        ACC(walk_refs_level[l]);
        ACC(psc_hits[l]);
        ACC(psc_misses[l]);
    }
    ACC(faults_minor); ACC(faults_major); ACC(faults_cow); ACC(faults_zero_fill);
    ACC(faults_swap_in); ACC(faults_file_read); ACC(faults_segv_maperr);
    ACC(faults_segv_accerr); ACC(faults_sigbus); ACC(hw_not_present); ACC(hw_protection);
    for (int c = 0; c < CACHE_N; c++) {
        dst->cache_present[c] = now->cache_present[c];
        ACC(cache_hits[c]);
        ACC(cache_misses[c]);
        ACC(cache_writebacks[c]);
    }
    ACC(dram_reads); ACC(dram_writes); ACC(swap_ins); ACC(swap_outs); ACC(file_writebacks);
    ACC(cycles);
#undef ACC
}

double stats_amat(const struct stats *s)
{
    uint64_t refs = s->references ? s->references : 1;
    return (double)s->cycles / (double)refs;
}

static void emit(const struct stats *s, struct emitter *em)
{
    em_u64(em, "references", s->references);
    em_u64(em, "ifetches", s->ifetches);
    em_u64(em, "loads", s->loads);
    em_u64(em, "stores", s->stores);
    em_u64(em, "split", s->split);
    em_begin(em, "tlb");
    for (int t = 0; t < TLB_N; t++) {
        if (!s->tlb_present[t])
            continue;
        em_begin(em, tlb_name(t));
        em_u64(em, "hits", s->tlb_hits[t]);
        em_u64(em, "misses", s->tlb_misses[t]);
        em_end(em);
    }
    em_end(em);
    em_begin(em, "walks");
    em_u64(em, "count", s->walks);
    em_u64(em, "memory_refs", s->walk_refs);
    for (unsigned l = 0; l < s->levels; l++) {
        char n[24];
        snprintf(n, sizeof n, "refs_level%u", l + 1);
        em_u64(em, n, s->walk_refs_level[l]);
    }
    em_u64(em, "ad_updates", s->ad_updates);
    if (s->psc) {
        em_begin(em, "psc");
        for (unsigned l = 1; l < s->levels; l++) {
            char n[24];
            snprintf(n, sizeof n, "level%u", l);
            em_begin(em, n);
            em_u64(em, "hits", s->psc_hits[l - 1]);
            em_u64(em, "misses", s->psc_misses[l - 1]);
            em_end(em);
        }
        em_end(em);
    }
    em_end(em);
    em_begin(em, "faults");
    em_u64(em, "minor", s->faults_minor);
    em_u64(em, "major", s->faults_major);
    em_u64(em, "cow", s->faults_cow);
    em_u64(em, "zero_fill", s->faults_zero_fill);
    em_u64(em, "swap_in", s->faults_swap_in);
    em_u64(em, "file_read", s->faults_file_read);
    em_u64(em, "segv_maperr", s->faults_segv_maperr);
    em_u64(em, "segv_accerr", s->faults_segv_accerr);
    em_u64(em, "sigbus", s->faults_sigbus);
    em_u64(em, "mmu_not_present", s->hw_not_present);
    em_u64(em, "mmu_protection", s->hw_protection);
    em_end(em);
    em_begin(em, "cache");
    for (int c = 0; c < CACHE_N; c++) {
        if (!s->cache_present[c])
            continue;
        em_begin(em, cache_name(c));
        em_u64(em, "hits", s->cache_hits[c]);
        em_u64(em, "misses", s->cache_misses[c]);
        em_u64(em, "writebacks", s->cache_writebacks[c]);
        em_end(em);
    }
    em_begin(em, "dram");
    em_u64(em, "reads", s->dram_reads);
    em_u64(em, "writes", s->dram_writes);
    em_end(em);
    em_end(em);
    em_begin(em, "swap");
    em_u64(em, "ins", s->swap_ins);
    em_u64(em, "outs", s->swap_outs);
    em_u64(em, "file_writebacks", s->file_writebacks);
    em_end(em);
    em_u64(em, "cycles", s->cycles);
    em_num(em, "amat", stats_amat(s), false);
}

void stats_print(const struct stats *s, FILE *out, enum vms_format fmt, bool csv_header)
{
    struct emitter em = {.out = out};
    em.first[0] = true;
    switch (fmt) {
    case VMS_JSON:
        em.mode = EM_JSON;
        fputc('{', out);
        emit(s, &em);
        fputs("}\n", out);
        break;
    case VMS_CSV:
        if (csv_header) {
            em.mode = EM_CSV_HEAD;
            emit(s, &em);
            fputc('\n', out);
        }
        em.mode = EM_CSV_ROW;
        em.ncols = 0;
        emit(s, &em);
        fputc('\n', out);
        break;
    case VMS_TEXT:
        em.mode = EM_TEXT;
        emit(s, &em);
        break;
    }
}

bool stats_get(const struct stats *s, const char *key, double *value)
{
    struct emitter em = {.mode = EM_GET, .want = key};
    emit(s, &em);
    if (em.found)
        *value = em.got;
    return em.found;
}
