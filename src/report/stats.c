/* Statistics printing: one walk over the schema drives text, JSON, CSV and lookup. */
#include "report/stats.h"

#include "base/alloc.h"
#include "base/err.h"
#include "hw/config.h"
#include "hw/mmu.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum em_mode { EM_TEXT, EM_JSON, EM_CSV_HEAD, EM_CSV_ROW, EM_GET, EM_VISIT };

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
    stats_visit_fn visit; /* EM_VISIT */
    void *ctx;
    double hits; /* EM_TEXT: the current object's hits, when have_hits */
    bool have_hits;
};

/* A value as text output prints it, with its unit: "123 cycles", "57.3000 cycles per
 * reference"; a TLB's, cache's or paging-structure cache's misses with the miss ratio in
 * per cent of its lookups when its hits are known (hits non-NULL): "7 (9.86% of lookups)".
 * brief (the table's cells): "cycles/ref" and "7 (9.86%)". JSON and CSV print the bare
 * numbers. */
static void text_value(const char *key, double v, bool integer, const double *hits, bool brief,
                       char *buf, size_t n)
{
    const char *dot = strrchr(key, '.');
    const char *name = dot ? dot + 1 : key;
    int len = integer ? snprintf(buf, n, "%.0f", v) : snprintf(buf, n, "%.4f", v);
    if (len < 0 || (size_t)len >= n)
        return;
    if (!strcmp(key, "cycles"))
        snprintf(buf + len, n - (size_t)len, " cycles");
    else if (!strcmp(key, "memory.rss") || !strcmp(key, "memory.pss"))
        snprintf(buf + len, n - (size_t)len, " bytes");
    else if (!strcmp(key, "amat"))
        snprintf(buf + len, n - (size_t)len, brief ? " cycles/ref" : " cycles per reference");
    else if (hits && !strcmp(name, "misses") && (!strncmp(key, "tlb.", 4) ||
             !strncmp(key, "cache.", 6) || !strncmp(key, "walks.psc.", 10)))
        snprintf(buf + len, n - (size_t)len, brief ? " (%.2f%%)" : " (%.2f%% of lookups)",
                 *hits + v > 0 ? 100.0 * v / (*hits + v) : 0.0);
}

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
    em->have_hits = false;
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
    em->have_hits = false;
}

static void em_num(struct emitter *em, const char *name, double v, bool integer)
{
    char key[320];
    key_of(em, name, key, sizeof key);
    switch (em->mode) {
    case EM_TEXT: {
        char text[96];
        text_value(key, v, integer, em->have_hits ? &em->hits : NULL, false, text, sizeof text);
        fprintf(em->out, "%-32s %s\n", key, text);
        if (!strcmp(name, "hits")) {
            em->hits = v;
            em->have_hits = true;
        }
        break;
    }
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
    case EM_VISIT:
        em->visit(em->ctx, key, v, integer);
        break;
    }
}

static void em_u64(struct emitter *em, const char *name, uint64_t v)
{
    em_num(em, name, (double)v, true);
}

void stats_from_mmu(struct stats *s, const struct mmu *m)
{
    for (int t = 0; t < TLB_N; t++) {
        s->tlb_present[t] = m->tlb[t].present;
        s->tlb_hits[t] = m->st.tlb_hits[t];
        s->tlb_misses[t] = m->st.tlb_misses[t];
    }
    s->levels = m->cfg.levels;
    s->walks = m->st.walks;
    s->walk_refs = m->st.walk_refs;
    s->psc = m->cfg.psc;
    for (int l = 0; l < MAX_LEVELS; l++) {
        s->walk_refs_level[l] = m->st.walk_refs_level[l];
        s->psc_hits[l] = m->st.psc_hits[l];
        s->psc_misses[l] = m->st.psc_misses[l];
    }
    s->ad_updates = m->st.ad_updates;
    s->hw_not_present = m->st.faults_not_present;
    s->hw_protection = m->st.faults_protection;
    for (int c = 0; c < CACHE_N; c++) {
        s->cache_present[c] = m->caches.lvl[c].present;
        s->cache_hits[c] = m->caches.lvl[c].st.hits;
        s->cache_misses[c] = m->caches.lvl[c].st.misses;
        s->cache_writebacks[c] = m->caches.lvl[c].st.writebacks;
    }
    s->dram_reads = m->caches.dram_reads;
    s->dram_writes = m->caches.dram_writes;
    s->kernel_traffic = m->cfg.kernel_traffic;
    for (int c = 0; c < CACHE_N; c++) {
        s->kcache_hits[c] = m->caches.kst[c].hits;
        s->kcache_misses[c] = m->caches.kst[c].misses;
        s->kcache_writebacks[c] = m->caches.kst[c].writebacks;
    }
    s->kdram_reads = m->caches.kdram_reads;
    s->kdram_writes = m->caches.kdram_writes;
    s->cycles = m->st.cycles;
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
        ACC(kcache_hits[c]);
        ACC(kcache_misses[c]);
        ACC(kcache_writebacks[c]);
    }
    dst->kernel_traffic = now->kernel_traffic;
    ACC(kdram_reads); ACC(kdram_writes);
    ACC(dram_reads); ACC(dram_writes); ACC(swap_ins); ACC(swap_outs); ACC(file_writebacks);
    ACC(swap_out_errors); ACC(swap_in_errors); ACC(writeback_errors);
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
    if (s->has_switches)
        em_u64(em, "context_switches", s->context_switches);
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
        if (s->kernel_traffic) {
            em_begin(em, "kernel");
            em_u64(em, "hits", s->kcache_hits[c]);
            em_u64(em, "misses", s->kcache_misses[c]);
            em_u64(em, "writebacks", s->kcache_writebacks[c]);
            em_end(em);
        }
        em_end(em);
    }
    em_begin(em, "dram");
    em_u64(em, "reads", s->dram_reads);
    em_u64(em, "writes", s->dram_writes);
    if (s->kernel_traffic) {
        em_begin(em, "kernel");
        em_u64(em, "reads", s->kdram_reads);
        em_u64(em, "writes", s->kdram_writes);
        em_end(em);
    }
    em_end(em);
    em_end(em);
    em_begin(em, "swap");
    em_u64(em, "ins", s->swap_ins);
    em_u64(em, "outs", s->swap_outs);
    em_u64(em, "file_writebacks", s->file_writebacks);
    em_u64(em, "out_errors", s->swap_out_errors);
    em_u64(em, "in_errors", s->swap_in_errors);
    em_u64(em, "writeback_errors", s->writeback_errors);
    em_end(em);
    if (s->residency) {
        em_begin(em, "memory");
        em_u64(em, "resident", s->mem_resident);
        em_u64(em, "shared", s->mem_shared);
        em_u64(em, "page_cache", s->mem_page_cache);
        em_u64(em, "rss", s->mem_rss);
        em_u64(em, "pss", s->mem_pss);
        em_end(em);
    }
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

void stats_visit(const struct stats *s, stats_visit_fn fn, void *ctx)
{
    struct emitter em = {.mode = EM_VISIT, .visit = fn, .ctx = ctx};
    emit(s, &em);
}

void stats_all_keys(stats_visit_fn fn, void *ctx)
{
    struct stats s;
    memset(&s, 0, sizeof s);
    for (int t = 0; t < TLB_N; t++)
        s.tlb_present[t] = true;
    for (int c = 0; c < CACHE_N; c++)
        s.cache_present[c] = true;
    s.levels = MAX_LEVELS;
    s.psc = true;
    s.has_switches = true;
    s.kernel_traffic = true;
    s.residency = true;
    stats_visit(&s, fn, ctx);
}

struct key_find {
    const char *key;
    bool found;
};

static void key_find_visit(void *ctx, const char *key, double v, bool integer)
{
    (void)v;
    (void)integer;
    struct key_find *f = ctx;
    if (!strcmp(key, f->key))
        f->found = true;
}

bool stats_is_key(const char *key)
{
    struct key_find f = {key, false};
    stats_all_keys(key_find_visit, &f);
    return f.found;
}

void stats_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

void stats_csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* ---- runs */

#define TABLE_MAX_KEYS 192

/* One column of the text table: every key's value. */
struct table_col {
    size_t n;
    char keys[TABLE_MAX_KEYS][48];
    double v[TABLE_MAX_KEYS];
    bool integer[TABLE_MAX_KEYS];
};

static void table_visit(void *ctx, const char *key, double v, bool integer)
{
    struct table_col *c = ctx;
    if (c->n >= TABLE_MAX_KEYS)
        return;
    snprintf(c->keys[c->n], sizeof c->keys[c->n], "%s", key);
    c->v[c->n] = v;
    c->integer[c->n] = integer;
    c->n++;
}

/* The text of column `proc`'s value of key i of the total's keys (s: that column's
 * statistics), into buf: "-" where the column lacks the key. */
static void table_text(const struct table_col *tot, size_t i, const struct stats *s, char *buf,
                       size_t n)
{
    double v, hits;
    if (!stats_get(s, tot->keys[i], &v)) {
        snprintf(buf, n, "-");
        return;
    }
    const char *dot = strrchr(tot->keys[i], '.');
    char hkey[64];
    bool have_hits = false;
    if (dot && !strcmp(dot, ".misses")) {
        snprintf(hkey, sizeof hkey, "%.*s.hits", (int)(dot - tot->keys[i]), tot->keys[i]);
        have_hits = stats_get(s, hkey, &hits);
    }
    text_value(tot->keys[i], v, tot->integer[i], have_hits ? &hits : NULL, true, buf, n);
}

static void print_run_text(const struct stats *total, const struct stats_proc *procs, size_t n,
                           FILE *out)
{
    if (n <= 1) {
        stats_print(total, out, VMS_TEXT, false);
        return;
    }
    /* The total's keys drive the rows; each process's value is looked up by key. Every
     * column is as wide as its widest cell (a long trace path included), so the columns
     * stay aligned. */
    struct table_col tot;
    tot.n = 0;
    stats_visit(total, table_visit, &tot);
    int *width = vms_calloc(n + 1, sizeof *width); /* NULL: one width for all columns */
    int common = 5; /* "total" */
    char cell[96];
    for (size_t c = 0; c <= n; c++) {
        const struct stats *cs = c ? procs[c - 1].s : total;
        int w = c ? 0 : 5;
        if (c) {
            char h[32];
            w = snprintf(h, sizeof h, "process %d", procs[c - 1].pid);
            int l = (int)strlen(procs[c - 1].trace) + (procs[c - 1].killed ? 9 : 0);
            if (l > w)
                w = l;
        }
        for (size_t i = 0; i < tot.n; i++) {
            table_text(&tot, i, cs, cell, sizeof cell);
            int l = (int)strlen(cell);
            if (l > w)
                w = l;
        }
        if (width)
            width[c] = w;
        if (w > common)
            common = w;
    }
#define TABLE_W(c) (width ? width[c] : common)
    fprintf(out, "%-32s %*s", "", TABLE_W(0), "total");
    for (size_t p = 0; p < n; p++) {
        char h[32];
        snprintf(h, sizeof h, "process %d", procs[p].pid);
        fprintf(out, " %*s", TABLE_W(p + 1), h);
    }
    fprintf(out, "\n%-32s %*s", "trace", TABLE_W(0), "");
    for (size_t p = 0; p < n; p++) {
        int l = (int)strlen(procs[p].trace) + (procs[p].killed ? 9 : 0);
        fprintf(out, " %*s%s%s", TABLE_W(p + 1) - l, "", procs[p].trace,
                procs[p].killed ? " (killed)" : "");
    }
    fputc('\n', out);
    for (size_t i = 0; i < tot.n; i++) {
        fprintf(out, "%-32s", tot.keys[i]);
        for (size_t c = 0; c <= n; c++) {
            table_text(&tot, i, c ? procs[c - 1].s : total, cell, sizeof cell);
            fprintf(out, " %*s", TABLE_W(c), cell);
        }
        fputc('\n', out);
    }
#undef TABLE_W
    vms_free(width);
}

/* ---- provenance (docs/statistics.md, "Provenance") */

int stats_prov_machine(const struct vms_config *cfg, struct stats_kv **config, size_t *n,
                       char **changed, struct vms_error *e)
{
    size_t nk = config_key_count();
    struct vms_config preset;
    bool have_preset = config_preset(&preset, cfg->name, NULL) == 0; /* nothing to compare */
    struct stats_kv *kv = vms_calloc(nk ? nk : 1, sizeof *kv);
    size_t clen = 1;
    for (size_t i = 0; i < nk; i++)
        clen += strlen(config_key(i)->key) + 66;
    char *ch = vms_malloc(clen);
    if (!kv || !ch) {
        vms_free(kv);
        vms_free(ch);
        return err_set(e, VMS_ENOMEM, "out of host memory");
    }
    size_t cl = 0;
    ch[0] = '\0';
    for (size_t i = 0; i < nk; i++) {
        kv[i].key = config_key(i)->key;
        config_get(cfg, kv[i].key, kv[i].value, sizeof kv[i].value);
        char was[64] = "";
        if (have_preset)
            config_get(&preset, kv[i].key, was, sizeof was);
        if (have_preset && strcmp(was, kv[i].value) != 0) {
            int w = snprintf(ch + cl, clen - cl, "%s%s=%s", cl ? " " : "", kv[i].key,
                             kv[i].value);
            if (w > 0 && (size_t)w < clen - cl)
                cl += (size_t)w;
        }
    }
    *config = kv;
    *n = nk;
    *changed = ch;
    return 0;
}

void stats_prov_json(const struct stats_prov *p, FILE *out)
{
    fputs("\"vmsim\":{\"version\":", out);
    stats_json_string(out, vms_version());
    fputs(",\"build\":", out);
    stats_json_string(out, vms_build());
    fputs("},\"run\":{\"machine\":", out);
    stats_json_string(out, p->machine);
    fputs(",\"config\":{", out);
    for (size_t i = 0; i < p->nconfig; i++) {
        if (i)
            fputc(',', out);
        stats_json_string(out, p->config[i].key);
        fputc(':', out);
        stats_json_string(out, p->config[i].value);
    }
    fputc('}', out);
    if (!p->machine_only) {
        fprintf(out, ",\"memory\":%" PRIu64 ",\"swap\":%" PRIu64 ",\"policy\":", p->memory,
                p->swap);
        stats_json_string(out, p->policy);
        fprintf(out, ",\"params\":{\"seed\":%" PRIu64 ",\"tau\":%" PRIu64 "},\"page_model\":",
                p->seed, p->tau);
        stats_json_string(out, p->page_model);
        fprintf(out, ",\"quantum\":%" PRIu64 ",\"pcid\":%s", p->quantum,
                p->pcid ? "true" : "false");
    }
    if (p->run_extra && *p->run_extra)
        fprintf(out, ",%s", p->run_extra);
    fputs("},\"inputs\":[", out);
    for (size_t i = 0; i < p->ninputs; i++) {
        const struct stats_input *in = &p->inputs[i];
        fputs(i ? ",{\"path\":" : "{\"path\":", out);
        stats_json_string(out, in->path);
        fputs(",\"format\":", out);
        stats_json_string(out, in->format);
        fputs(",\"compression\":", out);
        stats_json_string(out, in->compression);
        fprintf(out, ",\"bytes\":%" PRIu64 ",\"hash\":\"%016" PRIx64 "\",\"complete\":%s}",
                in->bytes, in->hash, in->complete ? "true" : "false");
    }
    fputs("],", out);
}

/* The provenance columns' names, each preceded by a comma. */
void stats_prov_csv_head(const struct stats_prov *p, FILE *out)
{
    fputs(",vmsim.version,vmsim.build,run.machine", out);
    for (size_t i = 0; i < p->nconfig; i++)
        fprintf(out, ",run.config.%s", p->config[i].key);
    fputs(",run.memory,run.swap,run.policy,run.params.seed,run.params.tau,run.page_model,"
          "run.quantum,run.pcid,input.format,input.compression,input.bytes,input.hash,"
          "input.complete", out);
}

/* One input field of inputs [first, first + n), joined by commas (one CSV field). */
enum prov_field { PF_FORMAT, PF_COMPRESSION, PF_BYTES, PF_HASH, PF_COMPLETE };

static void prov_csv_inputs(const struct stats_prov *p, size_t first, size_t n,
                            enum prov_field f, FILE *out)
{
    /* The values hold no comma or quote (fixed names, numbers, hex): a list of several
     * is one quoted field. */
    size_t last = first + n < p->ninputs ? first + n : p->ninputs;
    bool quote = last > first + 1;
    fputs(quote ? ",\"" : ",", out);
    for (size_t i = first; i < last; i++) {
        const struct stats_input *in = &p->inputs[i];
        if (i > first)
            fputc(',', out);
        switch (f) {
        case PF_FORMAT: fputs(in->format, out); break;
        case PF_COMPRESSION: fputs(in->compression, out); break;
        case PF_BYTES:
            if (!in->pending)
                fprintf(out, "%" PRIu64, in->bytes);
            break;
        case PF_HASH:
            if (!in->pending)
                fprintf(out, "%016" PRIx64, in->hash);
            break;
        case PF_COMPLETE: fputs(in->complete ? "true" : "false", out); break;
        }
    }
    if (quote)
        fputc('"', out);
}

/* The provenance values for inputs [first, first + n), each preceded by a comma. */
void stats_prov_csv_values(const struct stats_prov *p, size_t first, size_t n, FILE *out)
{
    fputc(',', out);
    stats_csv_field(out, vms_version());
    fputc(',', out);
    stats_csv_field(out, vms_build());
    fputc(',', out);
    stats_csv_field(out, p->machine);
    for (size_t i = 0; i < p->nconfig; i++) {
        fputc(',', out);
        stats_csv_field(out, p->config[i].value);
    }
    fprintf(out, ",%" PRIu64 ",%" PRIu64 ",", p->memory, p->swap);
    stats_csv_field(out, p->policy);
    fprintf(out, ",%" PRIu64 ",%" PRIu64 ",", p->seed, p->tau);
    stats_csv_field(out, p->page_model);
    fprintf(out, ",%" PRIu64 ",%s", p->quantum, p->pcid ? "true" : "false");
    for (enum prov_field f = PF_FORMAT; f <= PF_COMPLETE; f++)
        prov_csv_inputs(p, first, n, f, out);
}

/* The text output's first line. */
static void prov_text(const struct stats_prov *p, FILE *out)
{
    fprintf(out, "vmsim %s (%s): machine %s%s%s%s, memory %" PRIu64 " bytes, swap %" PRIu64
                 " bytes, policy %s (seed %" PRIu64 ", tau %" PRIu64 "), page model %s, quantum %"
                 PRIu64 ", pcid %s;",
            vms_version(), vms_build(), p->machine, p->changed[0] ? " (" : "", p->changed,
            p->changed[0] ? ")" : "", p->memory, p->swap, p->policy, p->seed, p->tau,
            p->page_model, p->quantum, p->pcid ? "on" : "off");
    for (size_t i = 0; i < p->ninputs; i++)
        fprintf(out, "%s %s %" PRIu64 " bytes hash %016" PRIx64 "%s", i ? "," : "",
                p->inputs[i].path, p->inputs[i].bytes, p->inputs[i].hash,
                p->inputs[i].complete ? "" : " (incomplete)");
    fputc('\n', out);
}

static void print_run_json(const struct stats *total, const struct stats_proc *procs, size_t n,
                           const struct stats_meta *meta, FILE *out)
{
    struct emitter em = {.out = out, .mode = EM_JSON};
    em.first[0] = true;
    char word[96];
    if (meta && meta->prov)
        stats_prov_json(meta->prov, out);
    if (meta) {
        fprintf(out, "\"status\":\"%s\",\"killed\":%zu",
                vms_status_name(meta->marks, word, sizeof word), meta->killed);
        em.first[0] = false;
    }
    emit(total, &em);
    fputs(",\"processes\":[", out);
    for (size_t p = 0; p < n; p++) {
        fprintf(out, "%s{\"pid\":%d,\"trace\":", p ? "," : "", procs[p].pid);
        stats_json_string(out, procs[p].trace);
        fprintf(out, ",\"killed\":%s", procs[p].killed ? "true" : "false");
        if (meta)
            fprintf(out, ",\"status\":\"%s\"", vms_status_name(meta->proc_marks[p], word, sizeof word));
        struct emitter pe = {.out = out, .mode = EM_JSON};
        pe.first[0] = false;
        emit(procs[p].s, &pe);
        fputc('}', out);
    }
    fputs("]}\n", out);
}

static void csv_row(const struct stats *s, FILE *out)
{
    struct emitter em = {.out = out, .mode = EM_CSV_ROW, .ncols = 1};
    emit(s, &em);
    fputc('\n', out);
}

static void print_run_csv(const struct stats *total, const struct stats_proc *procs, size_t n,
                          const struct stats_meta *meta, FILE *out, bool header)
{
    char word[96];
    if (header) {
        struct emitter em = {.out = out, .mode = EM_CSV_HEAD, .ncols = 1};
        fputs(meta ? "process,trace,status,killed" : "process,trace", out);
        if (meta && meta->prov)
            stats_prov_csv_head(meta->prov, out);
        emit(total, &em);
        fputc('\n', out);
    }
    /* The total's trace field: every file, joined by commas (quoted as CSV needs). */
    fputs("total,", out);
    bool quote = n > 1;
    for (size_t p = 0; p < n && !quote; p++)
        quote = strpbrk(procs[p].trace, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', out);
    for (size_t p = 0; p < n; p++) {
        if (p)
            fputc(',', out);
        for (const char *c = procs[p].trace; *c; c++) {
            if (*c == '"' && quote)
                fputc('"', out);
            fputc(*c, out);
        }
    }
    if (quote)
        fputc('"', out);
    if (meta)
        fprintf(out, ",%s,%zu", vms_status_name(meta->marks, word, sizeof word), meta->killed);
    if (meta && meta->prov)
        stats_prov_csv_values(meta->prov, 0, n, out);
    csv_row(total, out);
    for (size_t p = 0; p < n; p++) {
        fprintf(out, "%d,", procs[p].pid);
        stats_csv_field(out, procs[p].trace);
        if (meta)
            fprintf(out, ",%s,%d", vms_status_name(meta->proc_marks[p], word, sizeof word),
                    procs[p].killed ? 1 : 0);
        if (meta && meta->prov)
            stats_prov_csv_values(meta->prov, p, 1, out);
        csv_row(procs[p].s, out);
    }
}

const char *vms_status_name(unsigned marks, char *buf, size_t n)
{
    static const char *const names[] = {"killed", "segv",    "skipped",
                                        "empty",  "partial", "interrupted"};
    if (n == 0)
        return buf;
    buf[0] = '\0';
    if (!marks) {
        snprintf(buf, n, "ok");
        return buf;
    }
    size_t len = 0;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (marks & (1u << i)) {
            int w = snprintf(buf + len, n - len, "%s%s", len ? "+" : "", names[i]);
            if (w < 0 || (size_t)w >= n - len)
                break;
            len += (size_t)w;
        }
    return buf;
}

static void print_run(const struct stats *total, const struct stats_proc *procs, size_t n,
                      bool partial, const struct stats_meta *meta, FILE *out,
                      enum vms_format fmt, bool csv_header)
{
    char word[96];
    switch (fmt) {
    case VMS_TEXT:
        if (meta && meta->prov)
            prov_text(meta->prov, out);
        if (partial)
            fputs(meta && meta->marks & VMS_MARK_INTERRUPTED
                      ? "partial statistics: the run was interrupted\n"
                      : "partial statistics: the run stopped at an error\n",
                  out);
        if (meta && meta->marks & ~VMS_MARK_PARTIAL)
            fprintf(out, "status: %s\n", vms_status_name(meta->marks, word, sizeof word));
        print_run_text(total, procs, n, out);
        break;
    case VMS_JSON:
        if (partial)
            fputs("{\"partial\":true,", out);
        else
            fputc('{', out);
        print_run_json(total, procs, n, meta, out);
        break;
    case VMS_CSV: print_run_csv(total, procs, n, meta, out, csv_header); break;
    }
}

void stats_print_run(const struct stats *total, const struct stats_proc *procs, size_t n,
                     bool partial, FILE *out, enum vms_format fmt, bool csv_header)
{
    print_run(total, procs, n, partial, NULL, out, fmt, csv_header);
}

void stats_print_result(const struct stats *total, const struct stats_proc *procs, size_t n,
                        const struct stats_meta *meta, FILE *out, enum vms_format fmt,
                        bool csv_header)
{
    print_run(total, procs, n, meta->marks & (VMS_MARK_PARTIAL | VMS_MARK_INTERRUPTED), meta,
              out, fmt, csv_header);
}

static void print_row(const struct stats *s, const char *const *names,
                      const char *const *values, size_t n, const struct stats_meta *meta,
                      FILE *out, bool header)
{
    char word[96];
    if (header) {
        for (size_t i = 0; i < n; i++) {
            if (i)
                fputc(',', out);
            stats_csv_field(out, names[i]);
        }
        if (meta)
            fputs(n ? ",status,killed" : "status,killed", out);
        if (meta && meta->prov)
            stats_prov_csv_head(meta->prov, out);
        struct emitter em = {.out = out, .mode = EM_CSV_HEAD, .ncols = (int)n + (meta != NULL)};
        emit(s, &em);
        fputc('\n', out);
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        stats_csv_field(out, values[i]);
    }
    if (meta)
        fprintf(out, "%s%s,%zu", n ? "," : "", vms_status_name(meta->marks, word, sizeof word),
                meta->killed);
    if (meta && meta->prov)
        stats_prov_csv_values(meta->prov, 0, meta->prov->ninputs, out);
    struct emitter em = {.out = out, .mode = EM_CSV_ROW, .ncols = (int)n + (meta != NULL)};
    emit(s, &em);
    fputc('\n', out);
}

void stats_print_row(const struct stats *s, const char *const *names,
                     const char *const *values, size_t n, FILE *out, bool header)
{
    print_row(s, names, values, n, NULL, out, header);
}

void stats_print_result_row(const struct stats *s, const char *const *names,
                            const char *const *values, size_t n, const struct stats_meta *meta,
                            FILE *out, bool header)
{
    print_row(s, names, values, n, meta, out, header);
}

/* ------------------------------------------------------------------ checkpoints */

/* struct stats is integers and flags: saved as its bytes (a checkpoint is read only by the
 * same version of vmsim), the flags checked on the way back. */
void stats_save(const struct stats *st, struct ser *s)
{
    ser_bytes(s, st, sizeof *st);
}

void stats_load(struct stats *st, struct deser *d)
{
    unsigned char b[sizeof *st];
    deser_bytes(d, b, sizeof b);
    size_t flags[4 + TLB_N + CACHE_N], n = 0;
    flags[n++] = offsetof(struct stats, has_switches);
    flags[n++] = offsetof(struct stats, psc);
    flags[n++] = offsetof(struct stats, kernel_traffic);
    flags[n++] = offsetof(struct stats, residency);
    for (int i = 0; i < TLB_N; i++)
        flags[n++] = offsetof(struct stats, tlb_present) + (size_t)i * sizeof(bool);
    for (int i = 0; i < CACHE_N; i++)
        flags[n++] = offsetof(struct stats, cache_present) + (size_t)i * sizeof(bool);
    for (size_t i = 0; i < n; i++)
        if (b[flags[i]] > 1) {
            deser_fail(d, "corrupt checkpoint: a statistics flag");
            memset(b, 0, sizeof b);
            break;
        }
    memcpy(st, b, sizeof b);
}
