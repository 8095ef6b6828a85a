/* The vmsim binary trace format (docs/trace-formats.md): a versioned header with a source
 * description, then one tag byte per record (kind, a size code, an address mode) and
 * LEB128 varints for uncommon sizes and zigzag address deltas. Each kind (I, L, S, M) is its
 * own delta stream, so sequential code costs one byte per record. */
#include "trace/format.h"

#include <stdio.h>
#include <string.h>

#include "base/alloc.h"
#include "base/err.h"

#define VTRACE_MAJOR 1
#define VTRACE_MINOR 0
#define VTRACE_FIXED 18u               /* header bytes before the description */
#define VTRACE_MAX_HEADER (1u << 19)   /* a header fits the reader's buffer */
#define VTRACE_END 0xc0u               /* control tag: end marker + varint record count */
#define VTRACE_EVENT 0xc1u             /* 1.1: varint payload length, payload (event.c) */
#define VTRACE_PROCESS 0xc2u           /* 1.1: varint pid: the records after it are its */
#define VTRACE_EV_MAX 65536u           /* longest payload of a known type read (the
                                        * longest a type can have is about 25 KiB) */
#define VTRACE_MODE_NEXT 0u            /* addr = previous addr + previous size (same stream) */
#define VTRACE_MODE_SAME 1u            /* addr = previous addr */
#define VTRACE_MODE_DELTA 2u           /* addr = previous addr + zigzag varint */
#define VTRACE_MODE_CONTROL 3u
#define VTRACE_REC_MAX 16u             /* tag + size varint (5) + delta varint (10) */

/* Size code (tag bits 2..5) -> size; 0 = a varint size follows. */
static const uint32_t vtrace_sizes[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16, 32, 64};

/* The delta stream of a kind: one per kind (measured on the bundled traces: 1-5% smaller
 * than one stream for I and one for all data references). */
static unsigned vtrace_stream(unsigned kind)
{
    return kind;
}

static uint32_t vtrace_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int vtrace_error(struct trace_reader *r, size_t at, const char *what,
                        struct vms_error *e)
{
    return err_set(e, VMS_EINVAL, "%s: offset %llu: %s", r->name,
                   (unsigned long long)(r->base + at), what);
}

static int vtrace_open(struct trace_reader *r, struct vms_error *e)
{
    while (r->end - r->pos < VTRACE_FIXED && !r->eof) {
        long got = trace_fill(r, e);
        if (got < 0)
            return (int)got;
    }
    if (r->end - r->pos < VTRACE_FIXED)
        return vtrace_error(r, r->end, "truncated header", e);
    const uint8_t *h = r->buf + r->pos;
    if (h[8] != VTRACE_MAJOR)
        return err_set(e, VMS_EUNSUPPORTED,
                       "%s: vmsim trace version %u.%u; this vmsim reads version %u.x", r->name,
                       h[8], h[9], VTRACE_MAJOR);
    uint32_t hlen = vtrace_get_u32(h + 12);
    unsigned dlen = (unsigned)h[16] | (unsigned)h[17] << 8;
    if (hlen < VTRACE_FIXED + dlen || hlen > VTRACE_MAX_HEADER)
        return vtrace_error(r, r->pos + 12, "header length out of range", e);
    while (r->end - r->pos < hlen && !r->eof) {
        long got = trace_fill(r, e);
        if (got < 0)
            return (int)got;
    }
    if (r->end - r->pos < hlen)
        return vtrace_error(r, r->end, "truncated header", e);
    h = r->buf + r->pos;
    r->source = vms_malloc(dlen + 1);
    if (!r->source)
        return err_set(e, VMS_ENOMEM, "%s: out of memory", r->name);
    memcpy(r->source, h + VTRACE_FIXED, dlen);
    r->source[dlen] = '\0';
    r->minor = h[9];
    r->pos += hlen;
    return 0;
}

/* LEB128 varint at p when at least 10 bytes follow it: no bounds checks, no address
 * taken (p and the value stay in registers). The byte after it, or NULL when it is too
 * long (more than 10 bytes, or a 10th byte above 1). */
static inline __attribute__((always_inline)) const uint8_t *vtrace_varint10(const uint8_t *p,
                                                                            uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; i++) {
        uint64_t b = p[i];
        v |= (b & 0x7f) << (7 * i);
        if (b < 0x80) {
            if (i == 9 && b > 1)
                return NULL;
            *out = v;
            return p + i + 1;
        }
    }
    return NULL;
}

/* The records lying wholly before `safe` (at least VTRACE_REC_MAX bytes before the data's
 * end): the common loop, without bounds checks. The streams' state is kept in locals (the
 * stores to `out` could otherwise alias it). Stops at anything unusual (a control tag, a
 * bad varint): the checked loop then handles it. Returns the records decoded. */
static size_t vtrace_decode_fast(struct trace_reader *r, const uint8_t **pp,
                                 const uint8_t *safe, struct trace_rec *out, size_t n)
{
    const uint8_t *p = *pp;
    uint64_t prev_addr[4], kinds[4] = {0, 0, 0, 0};
    uint32_t prev_size[4];
    memcpy(prev_addr, r->prev_addr, sizeof prev_addr);
    memcpy(prev_size, r->prev_size, sizeof prev_size);
    size_t count = 0;
    while (count < n && p <= safe) {
        const uint8_t *start = p;
        unsigned tag = *p++;
        unsigned kind = tag & 3, mode = tag >> 6;
        if (UNLIKELY(mode == VTRACE_MODE_CONTROL)) {
            p = start;
            break;
        }
        uint64_t size = vtrace_sizes[(tag >> 2) & 15];
        if (UNLIKELY(size == 0) && (!(p = vtrace_varint10(p, &size)) || size > UINT32_MAX)) {
            p = start;
            break;
        }
        uint64_t addr = prev_addr[kind];
        if (mode == VTRACE_MODE_DELTA) {
            uint64_t z = 0;
            if (UNLIKELY(!(p = vtrace_varint10(p, &z)))) {
                p = start;
                break;
            }
            addr += (z >> 1) ^ (0 - (z & 1));
        } else {
            addr += mode == VTRACE_MODE_NEXT ? prev_size[kind] : 0;
        }
        prev_addr[kind] = addr;
        prev_size[kind] = (uint32_t)size;
        out[count].addr = addr;
        out[count].size = (uint32_t)size;
        out[count].kind = (uint8_t)kind;
        kinds[kind]++;
        count++;
    }
    memcpy(r->prev_addr, prev_addr, sizeof prev_addr);
    memcpy(r->prev_size, prev_size, sizeof prev_size);
    for (int k = 0; k < 4; k++)
        r->counts.kind[k] += kinds[k];
    *pp = p;
    return count;
}

/* vtrace_control's results besides errors */
enum { VT_CONTINUE = 0, VT_NEED = 1, VT_STOP = 2 };

static int vtrace_expected(struct trace_reader *r, size_t at, const char *what,
                           struct vms_error *e)
{
    char msg[160];
    snprintf(msg, sizeof msg, "expected %s", what);
    return vtrace_error(r, at, msg, e);
}

/* The 0xc1 or 0xc2 record at buf[pos] (count: the records of this batch before it):
 * decoded, r->pos past it. VT_CONTINUE, VT_STOP (an event is pending: the batch ends),
 * VT_NEED (more input is needed; pos unchanged), or -VMS_E*. */
static int vtrace_control(struct trace_reader *r, size_t count, struct vms_error *e)
{
    const uint8_t *start = r->buf + r->pos, *lim = r->buf + r->end, *p = start + 1;
    size_t at = r->pos;
    if (r->minor < 1)
        return vtrace_error(r, at, "an event record in a version 1.0 file (expected a "
                                   "record or the end marker)", e);
    int rc = trace_event_storage(r, e);
    if (rc < 0)
        return rc;
    uint64_t v;
    bool more = !r->eof && lim - start < 32; /* a short read may come before the varints */
    if (*start == VTRACE_PROCESS) {
        if (!trace_varint(&p, lim, &v))
            return more ? VT_NEED : vtrace_expected(r, at, "a pid varint after the process tag", e);
        const char *what;
        rc = trace_switch_pid(r, v, r->counts.records + count, &what);
        if (rc < 0)
            return rc == -VMS_ENOMEM ? err_set(e, VMS_ENOMEM, "%s: out of memory", r->name)
                                     : vtrace_expected(r, at, what, e);
        memset(&r->ev, 0, sizeof r->ev);
        r->ev.type = TRACE_EV_PROCESS;
        r->pos = (size_t)(p - r->buf);
        return trace_event_seen(r) ? VT_STOP : VT_CONTINUE;
    }
    uint64_t len, type;
    if (!trace_varint(&p, lim, &len))
        return more ? VT_NEED : vtrace_expected(r, at, "an event payload length varint", e);
    const uint8_t *pay = p;
    size_t have = (size_t)(lim - pay);
    if (len == 0)
        return vtrace_expected(r, at, "an event type (the payload is empty)", e);
    if (len <= VTRACE_EV_MAX && len > have) {
        if (!r->eof)
            return VT_NEED;
        char what[96];
        snprintf(what, sizeof what, "%llu payload bytes (truncated event: the trace has %zu)",
                 (unsigned long long)len, have);
        return vtrace_expected(r, at, what, e);
    }
    const uint8_t *pend = len <= have ? pay + len : lim;
    if (!trace_varint(&p, pend, &type)) {
        if (!r->eof && (size_t)(lim - pay) < 10)
            return VT_NEED;
        return vtrace_expected(r, (size_t)(pay - r->buf), "an event type varint", e);
    }
    if (type == TRACE_EV_PROCESS || type >= TRACE_EV_TYPES) {
        /* a type this vmsim does not know: skipped by its length, counted */
        r->counts.unknown_events++;
        if (len > have)
            r->ev_skip = len - have; /* vtrace_read skips the rest as it comes */
        r->pos = (size_t)(pend - r->buf);
        return VT_CONTINUE;
    }
    if (len > VTRACE_EV_MAX)
        return vtrace_expected(r, at, "an event payload of at most 65536 bytes", e);
    const uint8_t *bad;
    const char *what = trace_event_decode(r, (unsigned)type, p, pend, &bad);
    if (what)
        return vtrace_expected(r, (size_t)(bad - r->buf), what, e);
    r->pos = (size_t)(pend - r->buf);
    return trace_event_seen(r) ? VT_STOP : VT_CONTINUE;
}

static long vtrace_read(struct trace_reader *r, struct trace_rec *out, size_t n,
                        struct vms_error *e)
{
    size_t count = 0;
    uint64_t *kinds = r->counts.kind;
    bool need = false; /* a control record needs more input than the buffer holds */
    while (count < n) {
        if (r->ev_skip) { /* the rest of an unknown event's payload */
            size_t k = r->end - r->pos < r->ev_skip ? r->end - r->pos : (size_t)r->ev_skip;
            r->pos += k;
            r->ev_skip -= k;
            if (r->ev_skip && r->eof)
                return trace_fail(r, count, vtrace_error(r, r->pos, "expected the rest of an event payload (truncated event)", e));
            if (r->ev_skip) {
                long got = trace_fill(r, e);
                if (got < 0)
                    return trace_fail(r, count, got);
            }
            continue;
        }
        if ((need || r->end - r->pos < VTRACE_REC_MAX) && !r->eof) {
            need = false;
            long got = trace_fill(r, e);
            if (got < 0)
                return trace_fail(r, count, got);
            continue;
        }
        if (r->done) {
            if (count > 0)
                break; /* report trailing bytes on the next call */
            if (r->pos != r->end)
                return trace_fail(r, count, vtrace_error(r, r->pos, "expected end of file after the end marker", e));
            break;
        }
        if (r->pos == r->end)
            return trace_fail(r, count, vtrace_error(r, r->pos, "truncated trace: no end marker", e));
        /* Records wholly inside the buffer; the last VTRACE_REC_MAX bytes are parsed with
         * bounds checks (varint) and refilled around, unless at the end of input. */
        const uint8_t *p = r->buf + r->pos;
        const uint8_t *lim = r->buf + r->end;
        /* a record starting at or before safe lies wholly inside the buffer */
        const uint8_t *safe = r->eof ? lim - 1 : lim - VTRACE_REC_MAX;
        if (lim - p > (ptrdiff_t)VTRACE_REC_MAX) /* the bulk, unchecked; then the rest */
            count += vtrace_decode_fast(r, &p, lim - VTRACE_REC_MAX, out + count, n - count);
        while (count < n && p <= safe) {
            const uint8_t *start = p;
            unsigned tag = *p++;
            unsigned kind = tag & 3, mode = tag >> 6;
            if (mode == VTRACE_MODE_CONTROL) {
                uint64_t total;
                if (tag == VTRACE_EVENT || tag == VTRACE_PROCESS) {
                    r->pos = (size_t)(start - r->buf);
                    int st = vtrace_control(r, count, e);
                    if (st < 0)
                        return trace_fail(r, count, st);
                    p = r->buf + r->pos;
                    if (st == VT_CONTINUE)
                        continue;
                    if (st == VT_NEED)
                        need = true;
                    break;
                }
                if (tag != VTRACE_END) {
                    r->pos = (size_t)(start - r->buf);
                    return trace_fail(r, count, vtrace_error(r, r->pos, "unknown tag (expected a record or the end marker)", e));
                }
                if (!trace_varint(&p, lim, &total)) {
                    r->pos = (size_t)(start - r->buf);
                    return trace_fail(r, count, vtrace_error(r, r->pos, "truncated end marker", e));
                }
                if (total != r->counts.records + count + r->counts.events + r->counts.unknown_events) {
                    r->pos = (size_t)(start - r->buf);
                    return trace_fail(r, count, vtrace_error(r, r->pos, "end marker's record count differs from the records read", e));
                }
                r->done = true;
                break;
            }
            uint64_t size = vtrace_sizes[(tag >> 2) & 15];
            if (size == 0 && (!trace_varint(&p, lim, &size) || size > UINT32_MAX)) {
                r->pos = (size_t)(start - r->buf);
                return trace_fail(r, count, vtrace_error(r, r->pos, "a size varint below 2^32", e));
            }
            unsigned s = vtrace_stream(kind);
            uint64_t addr = r->prev_addr[s];
            if (mode == VTRACE_MODE_NEXT) {
                addr += r->prev_size[s];
            } else if (mode == VTRACE_MODE_DELTA) {
                uint64_t z;
                if (!trace_varint(&p, lim, &z)) {
                    r->pos = (size_t)(start - r->buf);
                    return trace_fail(r, count, vtrace_error(r, r->pos, "an address delta varint", e));
                }
                addr += (z >> 1) ^ (0 - (z & 1));
            }
            r->prev_addr[s] = addr;
            r->prev_size[s] = (uint32_t)size;
            out[count].addr = addr;
            out[count].size = (uint32_t)size;
            out[count].kind = (uint8_t)kind;
            kinds[kind]++;
            count++;
        }
        r->pos = (size_t)(p - r->buf);
        if (r->ev_pending)
            break; /* the batch ends at an event */
        if (!r->eof && r->end - r->pos < VTRACE_REC_MAX && count < n) {
            long got = trace_fill(r, e);
            if (got < 0)
                return trace_fail(r, count, got);
        }
    }
    return (long)count;
}

#define vtrace_put_varint trace_put_varint

static void vtrace_write_header(struct trace_writer *w, const char *source_description)
{
    size_t dlen = strlen(source_description);
    if (dlen > 0xffff)
        dlen = 0xffff;
    uint32_t hlen = (uint32_t)(VTRACE_FIXED + dlen);
    uint8_t *h = w->buf + w->len;
    memcpy(h, VTRACE_MAGIC, VTRACE_MAGIC_LEN);
    h[8] = VTRACE_MAJOR;
    h[9] = VTRACE_MINOR;
    h[10] = h[11] = 0; /* flags: none defined */
    for (unsigned i = 0; i < 4; i++)
        h[12 + i] = (uint8_t)(hlen >> (8 * i));
    h[16] = (uint8_t)dlen;
    h[17] = (uint8_t)(dlen >> 8);
    memcpy(h + VTRACE_FIXED, source_description, dlen);
    w->len += hlen;
}

static void vtrace_write_rec(struct trace_writer *w, const struct trace_rec *rec)
{
    uint8_t *p = w->buf + w->len;
    uint8_t *tag = p++;
    unsigned code = 0;
    uint32_t size = rec->size;
    if (size >= 1 && size <= 12)
        code = size;
    else if (size == 16)
        code = 13;
    else if (size == 32)
        code = 14;
    else if (size == 64)
        code = 15;
    if (code == 0)
        p = vtrace_put_varint(p, size);
    unsigned s = vtrace_stream(rec->kind), mode;
    uint64_t prev = w->prev_addr[s];
    if (rec->addr == prev + w->prev_size[s]) {
        mode = VTRACE_MODE_NEXT;
    } else if (rec->addr == prev) {
        mode = VTRACE_MODE_SAME;
    } else {
        uint64_t d = rec->addr - prev;
        mode = VTRACE_MODE_DELTA;
        p = vtrace_put_varint(p, (d << 1) ^ (0 - (d >> 63)));
    }
    *tag = (uint8_t)(mode << 6 | code << 2 | rec->kind);
    w->prev_addr[s] = rec->addr;
    w->prev_size[s] = size;
    w->len = (size_t)(p - w->buf);
}

static void vtrace_write_end(struct trace_writer *w)
{
    uint8_t *p = w->buf + w->len;
    *p++ = VTRACE_END;
    p = vtrace_put_varint(p, w->count);
    w->len = (size_t)(p - w->buf);
}

static int vtrace_write_event(struct trace_writer *w, const struct trace_event *ev,
                              struct vms_error *e)
{
    uint8_t *p = w->buf + w->len;
    if (ev->type == TRACE_EV_PROCESS) {
        /* each process its own delta streams, kept across switches */
        size_t idx;
        int rc = w->pids ? 0 : trace_pids_get(&w->pids, 0, &w->cur);
        if (rc == 0)
            rc = trace_pids_get(&w->pids, ev->pid, &idx);
        if (rc < 0)
            return rc == -VMS_ENOMEM ? err_set(e, VMS_ENOMEM, "%s: out of memory", w->name)
                                     : err_set(e, VMS_EINVAL, "%s: more than %u processes",
                                               w->name, TRACE_MAX_PROCS);
        struct trace_proc *c = &w->pids->v[w->cur];
        memcpy(c->prev_addr, w->prev_addr, sizeof c->prev_addr);
        memcpy(c->prev_size, w->prev_size, sizeof c->prev_size);
        c = &w->pids->v[idx];
        memcpy(w->prev_addr, c->prev_addr, sizeof w->prev_addr);
        memcpy(w->prev_size, c->prev_size, sizeof w->prev_size);
        w->cur = idx;
        *p++ = VTRACE_PROCESS;
        p = trace_put_varint(p, ev->pid);
    } else {
        /* the payload is made 10 bytes on (the longest length varint), then moved down */
        *p = VTRACE_EVENT;
        uint8_t *pay = p + 11, *end = trace_event_encode(ev, pay);
        size_t len = (size_t)(end - pay);
        p = trace_put_varint(p + 1, len);
        memmove(p, pay, len);
        p += len;
    }
    w->len = (size_t)(p - w->buf);
    return 0;
}

const struct trace_format_ops vtrace_format = {
    .name = "vmsim",
    .open = vtrace_open,
    .read = vtrace_read,
    .write_header = vtrace_write_header,
    .write_rec = vtrace_write_rec,
    .write_end = vtrace_write_end,
    .write_event = vtrace_write_event,
};
