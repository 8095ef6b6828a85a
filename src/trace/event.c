/* OS event records (vmsim format 1.1, docs/trace-formats.md "OS events"): the table of
 * event types and their fields, the binary payload codec, the text form of lackey files
 * ('!' lines) and the per-process table (each process's delta streams and counts). */
#include "trace/format.h"

#include <string.h>

#include "base/alloc.h"
#include "base/err.h"

const struct trace_ev_desc trace_ev_descs[TRACE_EV_TYPES] = {
    [TRACE_EV_PROCESS] = {"process", "u"},
    [TRACE_EV_IMAGE] = {"image", "uupuS"},
    [TRACE_EV_STACK] = {"stack", "uu"},
    [TRACE_EV_BRK_START] = {"brk_start", "u"},
    [TRACE_EV_MMAP] = {"mmap", "uupudua"},
    [TRACE_EV_MUNMAP] = {"munmap", "uur"},
    [TRACE_EV_MPROTECT] = {"mprotect", "uupr"},
    [TRACE_EV_MREMAP] = {"mremap", "uuuuua"},
    [TRACE_EV_BRK] = {"brk", "ua"},
    [TRACE_EV_MADVISE] = {"madvise", "uuur"},
    [TRACE_EV_MSYNC] = {"msync", "uuur"},
    [TRACE_EV_OPENAT] = {"openat", "duuSr"},
    [TRACE_EV_CLOSE] = {"close", "dr"},
    [TRACE_EV_READ] = {"read", "duur"},
    [TRACE_EV_PREAD64] = {"pread64", "duuur"},
    [TRACE_EV_READV] = {"readv", "dVr"},
    [TRACE_EV_WRITE] = {"write", "duur"},
    [TRACE_EV_PWRITE64] = {"pwrite64", "duuur"},
    [TRACE_EV_WRITEV] = {"writev", "dVr"},
    [TRACE_EV_FORK] = {"fork", "r"},
    [TRACE_EV_CLONE] = {"clone", "ur"},
    [TRACE_EV_VFORK] = {"vfork", "r"},
    [TRACE_EV_EXIT] = {"exit", "d"},
    [TRACE_EV_EXIT_GROUP] = {"exit_group", "d"},
    [TRACE_EV_WAIT4] = {"wait4", "drd"},
    [TRACE_EV_EXECVE] = {"execve", "Sr"},
};

const char *trace_event_name(unsigned type)
{
    return type < TRACE_EV_TYPES ? trace_ev_descs[type].name : NULL;
}

static bool ev_signed(char f)
{
    return f == 'd' || f == 'r' || f == 'a';
}

static bool ev_result(char f)
{
    return f == 'r' || f == 'a';
}

/* ------------------------------------------------------------------ processes */

static uint32_t pids_hash(uint64_t pid, size_t nslot)
{
    pid *= UINT64_C(0x9e3779b97f4a7c15);
    return (uint32_t)((pid >> 32) & (nslot - 1));
}

int trace_pids_get(struct trace_pids **tp, uint64_t pid, size_t *idx)
{
    struct trace_pids *t = *tp;
    if (!t) {
        t = vms_calloc(1, sizeof *t);
        if (!t)
            return -VMS_ENOMEM;
        *tp = t;
    }
    if (t->nslot) {
        for (size_t h = pids_hash(pid, t->nslot);; h = (h + 1) & (t->nslot - 1)) {
            uint32_t s = t->slot[h];
            if (!s)
                break;
            if (t->v[s - 1].pid == pid) {
                *idx = s - 1;
                return 0;
            }
        }
    }
    if (t->n >= TRACE_MAX_PROCS)
        return -VMS_EINVAL;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        struct trace_proc *v = vms_realloc(t->v, cap * sizeof *v);
        if (!v)
            return -VMS_ENOMEM;
        t->v = v;
        t->cap = cap;
    }
    if (2 * (t->n + 1) > t->nslot) { /* rehash at half full */
        size_t nslot = t->nslot ? 2 * t->nslot : 16;
        uint32_t *slot = vms_calloc(nslot, sizeof *slot);
        if (!slot)
            return -VMS_ENOMEM;
        for (size_t i = 0; i < t->n; i++) {
            size_t h = pids_hash(t->v[i].pid, nslot);
            while (slot[h])
                h = (h + 1) & (nslot - 1);
            slot[h] = (uint32_t)(i + 1);
        }
        vms_free(t->slot);
        t->slot = slot;
        t->nslot = nslot;
    }
    size_t h = pids_hash(pid, t->nslot);
    while (t->slot[h])
        h = (h + 1) & (t->nslot - 1);
    t->slot[h] = (uint32_t)(t->n + 1);
    memset(&t->v[t->n], 0, sizeof t->v[t->n]);
    t->v[t->n].pid = pid;
    *idx = t->n++;
    return 0;
}

void trace_pids_free(struct trace_pids *t)
{
    if (!t)
        return;
    vms_free(t->v);
    vms_free(t->slot);
    vms_free(t);
}

/* The reader's table, made with pid 0 current when first needed. */
static int reader_pids(struct trace_reader *r)
{
    if (r->pids)
        return 0;
    size_t idx;
    int rc = trace_pids_get(&r->pids, 0, &idx);
    if (rc == 0) {
        r->cur = 0;
        r->pids->v[0].counted = r->counted0;
    }
    return rc;
}

void trace_count_proc(struct trace_reader *r, struct trace_proc *c)
{
    if (!c->counted) {
        c->counted = true;
        r->counts.processes++;
    }
}

int trace_switch_pid(struct trace_reader *r, uint64_t pid, uint64_t records_now,
                     const char **what)
{
    if (reader_pids(r) < 0) {
        *what = "(out of memory)";
        return -VMS_ENOMEM;
    }
    struct trace_proc *c = &r->pids->v[r->cur];
    c->records += records_now - r->pid_mark;
    if (records_now > r->pid_mark)
        trace_count_proc(r, c);
    memcpy(c->prev_addr, r->prev_addr, sizeof c->prev_addr);
    memcpy(c->prev_size, r->prev_size, sizeof c->prev_size);
    size_t idx;
    int rc = trace_pids_get(&r->pids, pid, &idx);
    if (rc < 0) {
        *what = rc == -VMS_ENOMEM ? "(out of memory)" : "at most 65536 processes in a trace";
        return rc;
    }
    c = &r->pids->v[idx];
    trace_count_proc(r, c);
    memcpy(r->prev_addr, c->prev_addr, sizeof r->prev_addr);
    memcpy(r->prev_size, c->prev_size, sizeof r->prev_size);
    r->cur = idx;
    r->pid_mark = records_now;
    return 0;
}

int trace_event_storage(struct trace_reader *r, struct vms_error *e)
{
    if (!r->ev_str)
        r->ev_str = vms_malloc(TRACE_EV_STR_MAX + 1);
    if (!r->ev_iov)
        r->ev_iov = vms_malloc(2 * TRACE_EV_IOV_MAX * sizeof *r->ev_iov);
    if (!r->ev_str || !r->ev_iov || reader_pids(r) < 0)
        return err_set(e, VMS_ENOMEM, "%s: out of memory", r->name);
    return 0;
}

bool trace_event_seen(struct trace_reader *r)
{
    r->counts.event[r->ev.type]++;
    if (r->ev.type != TRACE_EV_PROCESS) {
        r->counts.events++;
        struct trace_proc *c = &r->pids->v[r->cur];
        trace_count_proc(r, c);
        c->events++;
    }
    r->ev.pid = r->pids->v[r->cur].pid;
    if (!(r->flags & TRACE_EVENTS))
        return false;
    r->ev_pending = true;
    return true;
}

/* ------------------------------------------------------------------ binary */

uint8_t *trace_put_varint(uint8_t *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *p++ = (uint8_t)v;
    return p;
}

static uint64_t zigzag(uint64_t v)
{
    return (v << 1) ^ (0 - (v >> 63));
}

static uint64_t unzigzag(uint64_t z)
{
    return (z >> 1) ^ (0 - (z & 1));
}

const char *trace_event_decode(struct trace_reader *r, unsigned type, const uint8_t *p,
                               const uint8_t *end, const uint8_t **at)
{
    struct trace_event *ev = &r->ev;
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    for (const char *f = trace_ev_descs[type].fields; *f; f++) {
        *at = p;
        uint64_t v;
        if (*f == 'S') {
            if (p >= end)
                return "a string length (the event payload is too short)";
            if (!trace_varint(&p, end, &v))
                return "a string length varint within the event payload";
            if (v > TRACE_EV_STR_MAX)
                return "a string of at most 4096 bytes";
            if (v > (uint64_t)(end - p))
                return "a string length within the event payload";
            if (memchr(p, 0, (size_t)v)) {
                *at = (const uint8_t *)memchr(p, 0, (size_t)v);
                return "a string without NUL bytes";
            }
            memcpy(r->ev_str, p, (size_t)v);
            r->ev_str[v] = '\0';
            ev->str = r->ev_str;
            ev->str_len = (size_t)v;
            p += v;
            continue;
        }
        if (p >= end)
            return "another field (the event payload is too short)";
        if (!trace_varint(&p, end, &v))
            return "a field varint within the event payload";
        if (ev_signed(*f))
            v = unzigzag(v);
        ev->arg[ev->nargs++] = v;
        if (*f == 'V') {
            if (v > TRACE_EV_IOV_MAX)
                return "at most 1024 pieces (UIO_MAXIOV)";
            for (uint64_t i = 0; i < 2 * v; i++) {
                *at = p;
                if (p >= end)
                    return "another piece (the event payload is too short)";
                if (!trace_varint(&p, end, &r->ev_iov[i]))
                    return "a piece varint within the event payload";
            }
            if (v)
                ev->iov = r->ev_iov;
        }
    }
    *at = p;
    if (p != end)
        return "end of event payload";
    return NULL;
}

uint8_t *trace_event_encode(const struct trace_event *ev, uint8_t *p)
{
    p = trace_put_varint(p, ev->type);
    unsigned a = 0;
    for (const char *f = trace_ev_descs[ev->type].fields; *f; f++) {
        if (*f == 'S') {
            p = trace_put_varint(p, ev->str_len);
            memcpy(p, ev->str, ev->str_len);
            p += ev->str_len;
            continue;
        }
        uint64_t v = ev->arg[a++];
        p = trace_put_varint(p, ev_signed(*f) ? zigzag(v) : v);
        if (*f == 'V')
            for (uint64_t i = 0; i < 2 * v; i++)
                p = trace_put_varint(p, ev->iov[i]);
    }
    return p;
}

const char *trace_event_check(const struct trace_event *ev)
{
    if (ev->type == TRACE_EV_PROCESS || ev->type >= TRACE_EV_TYPES)
        return "an event type from 1 to 25";
    unsigned a = 0;
    for (const char *f = trace_ev_descs[ev->type].fields; *f; f++) {
        if (*f == 'S') {
            if (!ev->str && ev->str_len)
                return "a str field (str is NULL)";
            if (ev->str_len > TRACE_EV_STR_MAX)
                return "a str field of at most 4096 bytes";
            if (ev->str_len && memchr(ev->str, 0, ev->str_len))
                return "a str field without NUL bytes";
            continue;
        }
        if (*f == 'V') {
            if (ev->arg[a] > TRACE_EV_IOV_MAX)
                return "at most 1024 pieces";
            if (ev->arg[a] && !ev->iov)
                return "the pieces (iov is NULL)";
        }
        a++;
    }
    return NULL;
}

/* ------------------------------------------------------------------ text */

static uint8_t *put_hex(uint8_t *p, uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    *p++ = '0';
    *p++ = 'x';
    unsigned n = 1;
    while (n < 16 && (v >> (4 * n)) != 0)
        n++;
    for (unsigned i = n; i-- > 0;) {
        p[i] = (uint8_t)digits[v & 15];
        v >>= 4;
    }
    return p + n;
}

static uint8_t *put_dec(uint8_t *p, uint64_t v, bool is_signed)
{
    if (is_signed && (int64_t)v < 0) {
        *p++ = '-';
        v = 0 - v;
    }
    uint8_t tmp[20];
    unsigned n = 0;
    do {
        tmp[n++] = (uint8_t)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* One numeric field of kind f (not a result's '=' and not V). */
static uint8_t *put_field(uint8_t *p, char f, uint64_t v)
{
    switch (f) {
    case 'p':
        if (v <= 7) {
            *p++ = v & 1 ? 'r' : '-';
            *p++ = v & 2 ? 'w' : '-';
            *p++ = v & 4 ? 'x' : '-';
            return p;
        }
        return put_hex(p, v); /* other bits (PROT_GROWSDOWN, ...): a number */
    case 'a':
        return (int64_t)v < 0 ? put_dec(p, v, true) : put_hex(p, v);
    case 'd':
    case 'r':
        return put_dec(p, v, true);
    default:
        return put_hex(p, v);
    }
}

uint8_t *trace_event_format(const struct trace_event *ev, uint8_t *p)
{
    const struct trace_ev_desc *d = &trace_ev_descs[ev->type];
    *p++ = '!';
    *p++ = ' ';
    size_t len = strlen(d->name);
    memcpy(p, d->name, len);
    p += len;
    if (ev->type == TRACE_EV_PROCESS) {
        *p++ = ' ';
        p = put_dec(p, ev->pid, false);
        *p++ = '\n';
        return p;
    }
    unsigned a = 0;
    bool have_result = false;
    uint64_t result = 0;
    char rkind = 'r';
    for (const char *f = d->fields; *f; f++) {
        if (*f == 'S') {
            static const char hex[] = "0123456789abcdef";
            *p++ = ' ';
            *p++ = '"';
            for (size_t i = 0; i < ev->str_len; i++) {
                uint8_t c = (uint8_t)ev->str[i];
                if (c == '"' || c == '\\') {
                    *p++ = '\\';
                    *p++ = c;
                } else if (c < 0x20 || c >= 0x7f) {
                    *p++ = '\\';
                    *p++ = 'x';
                    *p++ = (uint8_t)hex[c >> 4];
                    *p++ = (uint8_t)hex[c & 15];
                } else {
                    *p++ = c;
                }
            }
            *p++ = '"';
            continue;
        }
        uint64_t v = ev->arg[a++];
        if (ev_result(*f)) {
            have_result = true;
            result = v;
            rkind = *f;
            continue;
        }
        *p++ = ' ';
        if (*f == 'V') {
            p = put_dec(p, v, false);
            for (uint64_t i = 0; i < v; i++) {
                *p++ = ' ';
                p = put_hex(p, ev->iov[2 * i]);
                *p++ = ',';
                p = put_hex(p, ev->iov[2 * i + 1]);
            }
            continue;
        }
        p = put_field(p, *f, v);
    }
    if (have_result) {
        memcpy(p, " = ", 3);
        p = put_field(p + 3, rkind, result);
    }
    *p++ = '\n';
    return p;
}

/* The text parser's position: q over the line; errors through trace_line_error. */
struct ev_text {
    struct trace_reader *r;
    const uint8_t *line, *q;
    struct vms_error *e;
};

static int text_bad(struct ev_text *t, const uint8_t *at, const char *what)
{
    return trace_line_error(t->r, (size_t)(t->line - t->r->buf), (size_t)(at - t->r->buf), what,
                            t->e);
}

static bool at_end(const uint8_t *q)
{
    return *q == '\n' || (*q == '\r' && q[1] == '\n');
}

/* A number at t->q: 0x hex or decimal, '-' decimal when is_signed; ends at ' ', ',' or
 * the line's end. */
static int text_number(struct ev_text *t, bool is_signed, uint64_t *out, const char *what)
{
    const uint8_t *q = t->q, *start = q;
    bool neg = false;
    uint64_t v = 0;
    if (is_signed && *q == '-') {
        neg = true;
        q++;
    }
    if (q[0] == '0' && q[1] == 'x' && !neg) {
        q += 2;
        const uint8_t *digits = q;
        unsigned d;
        while ((d = trace_hexval[*q]) < 16) {
            if (v >> 60)
                return text_bad(t, q, "a number below 2^64");
            v = v << 4 | d;
            q++;
        }
        if (q == digits)
            return text_bad(t, q, "hex digits after 0x");
    } else {
        const uint8_t *digits = q;
        while (*q >= '0' && *q <= '9') {
            unsigned d = (unsigned)(*q - '0');
            if (v > (UINT64_MAX - d) / 10)
                return text_bad(t, q, "a number below 2^64");
            v = v * 10 + d;
            q++;
        }
        if (q == digits)
            return text_bad(t, start, what);
        if (neg) {
            if (v > (uint64_t)1 << 63)
                return text_bad(t, start, "a number of at least -2^63");
            v = 0 - v;
        }
    }
    if (*q != ' ' && *q != ',' && !at_end(q))
        return text_bad(t, q, "a space or the end of the line after the number");
    *out = v;
    t->q = q;
    return 0;
}

static int text_space(struct ev_text *t, const char *what)
{
    if (*t->q != ' ')
        return text_bad(t, t->q, what);
    t->q++;
    return 0;
}

static int text_string(struct ev_text *t, char *out, size_t *len)
{
    const uint8_t *q = t->q;
    if (*q != '"')
        return text_bad(t, q, "a '\"'-quoted string");
    q++;
    size_t n = 0;
    for (;;) {
        uint8_t c = *q;
        if (c == '"')
            break;
        if (c == '\n')
            return text_bad(t, q, "'\"' to end the string");
        if (c == '\\') {
            if (q[1] == '\\' || q[1] == '"') {
                c = q[1];
                q += 2;
            } else if (q[1] == 'x' && trace_hexval[q[2]] < 16 && trace_hexval[q[3]] < 16) {
                c = (uint8_t)(trace_hexval[q[2]] << 4 | trace_hexval[q[3]]);
                if (c == 0)
                    return text_bad(t, q, "a string without NUL bytes (\\x00)");
                q += 4;
            } else {
                return text_bad(t, q, "an escape \\\\, \\\" or \\xHH");
            }
        } else if (c == 0) {
            return text_bad(t, q, "a string without NUL bytes");
        } else {
            q++;
        }
        if (n == TRACE_EV_STR_MAX)
            return text_bad(t, q - 1, "a string of at most 4096 bytes");
        out[n++] = (char)c;
    }
    out[n] = '\0';
    *len = n;
    t->q = q + 1;
    if (*t->q != ' ' && !at_end(t->q))
        return text_bad(t, t->q, "a space or the end of the line after the string");
    return 0;
}

/* prot: "rwx" letters with '-', or a number. */
static int text_prot(struct ev_text *t, uint64_t *out)
{
    const uint8_t *q = t->q;
    if ((q[0] == 'r' || q[0] == '-') && (q[1] == 'w' || q[1] == '-') &&
        (q[2] == 'x' || q[2] == '-') && (q[3] == ' ' || at_end(q + 3))) {
        *out = (uint64_t)(q[0] == 'r') | (uint64_t)(q[1] == 'w') << 1 | (uint64_t)(q[2] == 'x') << 2;
        t->q = q + 3;
        return 0;
    }
    if (*q >= '0' && *q <= '9')
        return text_number(t, false, out, "protections");
    return text_bad(t, q, "protections: rwx letters with '-' (r-x), or a number");
}

int trace_event_parse(struct trace_reader *r, const uint8_t *line, const uint8_t *bang,
                      struct vms_error *e)
{
    struct ev_text t = {r, line, bang + 1, e};
    struct trace_event *ev = &r->ev;
    memset(ev, 0, sizeof *ev);
    int rc;
    if ((rc = text_space(&t, "a space after '!'")) < 0)
        return rc;
    const uint8_t *name = t.q;
    while ((*t.q >= 'a' && *t.q <= 'z') || (*t.q >= '0' && *t.q <= '9') || *t.q == '_')
        t.q++;
    size_t nlen = (size_t)(t.q - name);
    unsigned type = TRACE_EV_TYPES;
    for (unsigned i = 0; i < TRACE_EV_TYPES; i++)
        if (strlen(trace_ev_descs[i].name) == nlen && !memcmp(trace_ev_descs[i].name, name, nlen))
            type = i;
    if (type == TRACE_EV_TYPES || (*t.q != ' ' && !at_end(t.q)))
        return text_bad(&t, name, "an event name (process, image, mmap, ...; docs/trace-formats.md)");
    ev->type = type;
    const char *fields = trace_ev_descs[type].fields;
    if (type == TRACE_EV_PROCESS) {
        if ((rc = text_space(&t, "a space and the process id")) < 0 ||
            (rc = text_number(&t, false, &ev->pid, "a process id")) < 0)
            return rc;
        fields = "";
    }
    uint64_t result = 0;
    bool want_result = false;
    for (const char *f = fields; *f; f++) {
        if (ev_result(*f)) {
            want_result = true;
            ev->arg[ev->nargs++] = 0; /* filled in after '=' */
            continue;
        }
        if ((rc = text_space(&t, "a space and another field")) < 0)
            return rc;
        if (*f == 'S') {
            if ((rc = text_string(&t, r->ev_str, &ev->str_len)) < 0)
                return rc;
            ev->str = r->ev_str;
            continue;
        }
        uint64_t v;
        if (*f == 'p')
            rc = text_prot(&t, &v);
        else if (*f == 'V')
            rc = text_number(&t, false, &v, "the number of pieces");
        else
            rc = text_number(&t, ev_signed(*f), &v, *f == 'd' ? "a decimal or 0x hex number (may be negative)"
                                                           : "a decimal or 0x hex number");
        if (rc < 0)
            return rc;
        ev->arg[ev->nargs++] = v;
        if (*f == 'V') {
            if (v > TRACE_EV_IOV_MAX)
                return text_bad(&t, t.q - 1, "at most 1024 pieces (UIO_MAXIOV)");
            for (uint64_t i = 0; i < v; i++) {
                if ((rc = text_space(&t, "a space and a piece base,len")) < 0 ||
                    (rc = text_number(&t, false, &r->ev_iov[2 * i], "a piece's base")) < 0)
                    return rc;
                if (*t.q != ',')
                    return text_bad(&t, t.q, "',' between a piece's base and length");
                t.q++;
                if ((rc = text_number(&t, false, &r->ev_iov[2 * i + 1], "a piece's length")) < 0)
                    return rc;
            }
            if (v)
                ev->iov = r->ev_iov;
        }
    }
    if (want_result) {
        if (t.q[0] != ' ' || t.q[1] != '=' || t.q[2] != ' ')
            return text_bad(&t, t.q, "' = ' and the result");
        t.q += 3;
        if ((rc = text_number(&t, true, &result, "the result: a number (may be negative)")) < 0)
            return rc;
        unsigned a = 0;
        for (const char *f = fields; *f; f++) {
            if (ev_result(*f))
                ev->arg[a] = result;
            if (*f != 'S')
                a++;
        }
    }
    if (!at_end(t.q))
        return text_bad(&t, t.q, want_result || !*fields ? "end of line" : "end of line (this event has no result)");
    return 0;
}
