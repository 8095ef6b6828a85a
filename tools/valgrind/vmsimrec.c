/* vmsimrec: vmsim's own Valgrind tool. It records the same memory references as
 * `--tool=lackey --trace-mem=yes` and, optionally, the memory-relevant system calls and
 * the initial image as events, encoded straight into the records of the vmsim binary
 * format (docs/trace-formats.md; docs/record.md describes the per-process body files this
 * tool writes and `vmsim record` merges). Built against Valgrind's pub_tool_* API only:
 * no libc here. */
#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"

/* ---- options ---- */

static const HChar *clo_out = NULL; /* body files: OUT.PID */
static Bool clo_events = True;

static Bool rec_option(const HChar *arg)
{
    if VG_STR_CLO (arg, "--out", clo_out) {
    } else if VG_BOOL_CLO (arg, "--events", clo_events) {
    } else {
        return False;
    }
    return True;
}

static void rec_usage(void)
{
    VG_(printf)("    --out=PREFIX      write each process's records to PREFIX.PID\n"
                "    --events=yes|no   record system calls and the initial image [yes]\n");
}

static void rec_debug_usage(void)
{
}

/* ---- the output buffer and the record encoding ---- */

#define REC_BUF (1u << 20)  /* bytes written with one VG_(write) */
#define REC_SLACK 64u       /* room for one memory record past REC_BUF */
#define REC_MAGIC "VMSRBODY" /* the trailer's last 8 bytes */
#define REC_TRAILER 88u      /* count, 4 addresses, 4 sizes, pending length, pad, magic */
#define REC_PATH_MAX 4096u

static UChar rec_buf[REC_BUF + REC_SLACK];
static UInt rec_pos;
static ULong rec_count; /* memory records + events of this process */
static Addr rec_prev_addr[4];
static ULong rec_prev_size[4];
static Int rec_fd = -1;
static Int rec_cfd = -1; /* OUT.PID.n: rec_count as of the last flush, for the progress */
static Bool rec_failed; /* a write failed: said once, recording stops */

static void put_u64(UChar *p, ULong v)
{
    for (UInt i = 0; i < 8; i++)
        p[i] = (UChar)(v >> (8 * i));
}
static ULong get_u64(const UChar *p)
{
    ULong v = 0;
    for (UInt i = 0; i < 8; i++)
        v |= (ULong)p[i] << (8 * i);
    return v;
}

static void rec_write_all(const UChar *p, UInt n)
{
    while (n > 0 && !rec_failed) {
        Int w = VG_(write)(rec_fd, p, (Int)n);
        if (w <= 0) {
            VG_(umsg)("vmsimrec: write error on the trace body: recording stopped\n");
            rec_failed = True;
            return;
        }
        p += w;
        n -= (UInt)w;
    }
}

static void rec_flush(void)
{
    if (rec_fd >= 0 && rec_pos > 0)
        rec_write_all(rec_buf, rec_pos);
    rec_pos = 0;
    if (rec_cfd >= 0) {
        UChar b[8];
        put_u64(b, rec_count);
        VG_(lseek)(rec_cfd, 0, VKI_SEEK_SET);
        VG_(write)(rec_cfd, b, 8);
    }
}

static inline UChar *rec_varint(UChar *p, ULong v)
{
    while (v >= 0x80) {
        *p++ = (UChar)(v | 0x80);
        v >>= 7;
    }
    *p++ = (UChar)v;
    return p;
}

/* One memory record of kind (0 I, 1 L, 2 S, 3 M): tag, size varint when the size has no
 * code, address as NEXT, SAME or a zigzag DELTA of the kind's stream. */
static inline void rec_put(UInt kind, Addr addr, ULong size)
{
    UChar *p = rec_buf + rec_pos;
    UChar *tag = p++;
    UInt code;
    if (LIKELY(size >= 1 && size <= 12))
        code = (UInt)size;
    else if (size == 16)
        code = 13;
    else if (size == 32)
        code = 14;
    else if (size == 64)
        code = 15;
    else {
        code = 0;
        p = rec_varint(p, size);
    }
    Addr prev = rec_prev_addr[kind];
    UInt mode;
    if (addr == prev + rec_prev_size[kind]) {
        mode = 0;
    } else if (addr == prev) {
        mode = 1;
    } else {
        ULong d = (ULong)addr - (ULong)prev;
        mode = 2;
        p = rec_varint(p, (d << 1) ^ (0 - (d >> 63)));
    }
    *tag = (UChar)(mode << 6 | code << 2 | kind);
    rec_prev_addr[kind] = addr;
    rec_prev_size[kind] = size;
    rec_pos = (UInt)(p - rec_buf);
    rec_count++;
    if (UNLIKELY(rec_pos >= REC_BUF))
        rec_flush();
}

static VG_REGPARM(2) void rec_ir(Addr addr, UWord size)
{
    rec_put(0, addr, size);
}
static VG_REGPARM(2) void rec_dr(Addr addr, UWord size)
{
    rec_put(1, addr, size);
}
static VG_REGPARM(2) void rec_dw(Addr addr, UWord size)
{
    rec_put(2, addr, size);
}
static VG_REGPARM(2) void rec_dm(Addr addr, UWord size)
{
    rec_put(3, addr, size);
}

/* ---- events: 0xc1, varint payload length, payload (type, fields) ---- */

static UChar ev_buf[REC_PATH_MAX + 1024 * 24 + 64];
static UInt ev_len;

static void ev_begin(UInt type)
{
    ev_len = 0;
    UChar *p = rec_varint(ev_buf, type);
    ev_len = (UInt)(p - ev_buf);
}
static void ev_u(ULong v)
{
    ev_len = (UInt)(rec_varint(ev_buf + ev_len, v) - ev_buf);
}
static void ev_s(Long v)
{
    ULong u = (ULong)v;
    ev_u((u << 1) ^ (0 - (u >> 63)));
}
static void ev_str(const HChar *s, UInt n)
{
    ev_u(n);
    VG_(memcpy)(ev_buf + ev_len, s, n);
    ev_len += n;
}
static void ev_end(void)
{
    if (!clo_events)
        return;
    if (rec_pos + ev_len + 16 > REC_BUF)
        rec_flush();
    UChar *p = rec_buf + rec_pos;
    *p++ = 0xc1;
    p = rec_varint(p, ev_len);
    VG_(memcpy)(p, ev_buf, ev_len);
    p += ev_len;
    rec_pos = (UInt)(p - rec_buf);
    rec_count++;
    if (rec_pos >= REC_BUF)
        rec_flush();
}

enum {
    EV_IMAGE = 1, EV_STACK, EV_BRK_START, EV_MMAP, EV_MUNMAP, EV_MPROTECT, EV_MREMAP, EV_BRK,
    EV_MADVISE, EV_MSYNC, EV_OPENAT, EV_CLOSE, EV_READ, EV_PREAD64, EV_READV, EV_WRITE,
    EV_PWRITE64, EV_WRITEV, EV_FORK, EV_CLONE, EV_VFORK, EV_EXIT, EV_EXIT_GROUP, EV_WAIT4,
    EV_EXECVE
};

/* Client memory readable? (the tool shares the client's address space, so a bad pointer
 * the program passes must not be followed) */
static Bool rec_readable(Addr a, SizeT len)
{
    return len == 0 || VG_(am_is_valid_for_client)(a, len, VKI_PROT_READ);
}

/* A NUL-terminated string of the client into dst (at most REC_PATH_MAX bytes), its length;
 * 0 when unreadable. */
static UInt rec_client_str(Addr a, HChar *dst)
{
    UInt n = 0;
    while (n < REC_PATH_MAX) {
        if (((a + n) & 4095) == 0 || n == 0) {
            if (!rec_readable(a + n, 1))
                return n;
        }
        HChar c = *(const HChar *)(a + n);
        if (c == 0)
            break;
        dst[n++] = c;
    }
    return n;
}

/* ---- the initial image (aspacemgr segments) ---- */

static UInt seg_prot(const NSegment *s)
{
    return (s->hasR ? 1u : 0u) | (s->hasW ? 2u : 0u) | (s->hasX ? 4u : 0u);
}

/* The client's segments when it starts: file mappings with their paths, anonymous ones
 * (the bss, the brk area, the stack) with a special name where Linux shows one. Adjacent
 * segments that Linux would show as one line (same file, protection and contiguous
 * offsets; or both anonymous with the same protection) are merged. */
static void rec_image(void)
{
    static Addr starts[4096];
    Int n = VG_(am_get_segment_starts)(SkFileC | SkAnonC | SkShmC, starts, 4096);
    if (n < 0)
        n = 0;
    Addr sp = VG_(get_SP)(1);
    Addr stack_lo = 0, stack_hi = 0, brk = 0;
    /* the brk area: Valgrind makes it an anonymous segment directly followed by a
     * reservation whose lower end can move up (it grows into it) */
    for (Int i = 0; i < n; i++) {
        const NSegment *s = VG_(am_find_nsegment)(starts[i]);
        if (!s || s->kind != SkAnonC)
            continue;
        if (sp >= s->start && sp <= s->end) {
            stack_lo = s->start;
            stack_hi = s->end + 1;
        } else if (s->end + 1 != 0) {
            const NSegment *next = VG_(am_find_nsegment)(s->end + 1);
            if (next && next->kind == SkResvn && next->smode == SmLower && brk == 0)
                brk = s->start;
        }
    }
    Addr cur_start = 0, cur_end = 0;
    UInt cur_prot = 0;
    ULong cur_off = 0;
    const HChar *cur_path = NULL;
    Bool have = False;
    for (Int i = 0; i <= n; i++) {
        const NSegment *s = i < n ? VG_(am_find_nsegment)(starts[i]) : NULL;
        const HChar *path = "";
        if (s && s->kind == SkFileC) {
            path = VG_(am_get_filename)(s);
            if (!path)
                path = "";
        } else if (s && s->start == stack_lo && stack_hi) {
            path = "[stack]";
        } else if (s && s->start == brk && brk) {
            path = "[heap]";
        }
        if (have && s && s->start == cur_end && seg_prot(s) == cur_prot &&
            VG_(strcmp)(path, cur_path) == 0 && path[0] != '[' &&
            (s->kind == SkFileC ? (ULong)s->offset == cur_off + (cur_end - cur_start)
                                : path[0] == 0)) {
            cur_end = s->end + 1;
            continue;
        }
        if (have) {
            ev_begin(EV_IMAGE);
            ev_u(cur_start);
            ev_u(cur_end - cur_start);
            ev_u(cur_prot);
            ev_u(cur_off);
            ev_str(cur_path, (UInt)VG_(strlen)(cur_path));
            ev_end();
        }
        if (!s)
            break;
        have = True;
        cur_start = s->start;
        cur_end = s->end + 1;
        cur_prot = seg_prot(s);
        cur_off = s->kind == SkFileC ? (ULong)s->offset : 0;
        cur_path = path;
    }
    if (stack_hi) {
        ev_begin(EV_STACK);
        ev_u(stack_lo);
        ev_u(stack_hi);
        ev_end();
    }
    if (brk) {
        ev_begin(EV_BRK_START);
        ev_u(brk);
        ev_end();
    }
}

/* ---- the body file: OUT.PID, continued across execve through its trailer ---- */

static HChar rec_pending[REC_PATH_MAX]; /* execve path between pre and a new instance */
static UInt rec_pending_len;

/* The trailer: [pending execve path] count, prev_addr[4], prev_size[4], pending length
 * (u32), 4 zero bytes, "VMSRBODY". Written at the end of the body; the file position is
 * left before it, so more records overwrite it. */
static void rec_trailer(void)
{
    UChar t[REC_TRAILER];
    rec_flush();
    if (rec_fd < 0 || rec_failed)
        return;
    put_u64(t, rec_count);
    for (UInt k = 0; k < 4; k++) {
        put_u64(t + 8 + 8 * k, rec_prev_addr[k]);
        put_u64(t + 40 + 8 * k, rec_prev_size[k]);
    }
    put_u64(t + 72, rec_pending_len);
    VG_(memcpy)(t + 80, REC_MAGIC, 8);
    Off64T at = VG_(lseek)(rec_fd, 0, VKI_SEEK_CUR);
    rec_write_all((const UChar *)rec_pending, rec_pending_len);
    rec_write_all(t, REC_TRAILER);
    VG_(lseek)(rec_fd, at, VKI_SEEK_SET);
}

/* Opens OUT.PID. fresh: a new process (a fork child, or the first one), the file is
 * truncated. Otherwise an existing body whose trailer is whole is continued (this process
 * is the same pid after an execve): its count and streams carry on. */
static void rec_open(Bool fresh)
{
    HChar name[REC_PATH_MAX + 32];
    rec_fd = -1;
    if (!clo_out)
        return;
    VG_(snprintf)(name, sizeof name, "%s.%d", clo_out, VG_(getpid)());
    SysRes r = VG_(open)(name, VKI_O_RDWR | VKI_O_CREAT | (fresh ? VKI_O_TRUNC : 0), 0600);
    if (sr_isError(r)) {
        VG_(umsg)("vmsimrec: cannot open %s: recording nothing\n", name);
        rec_failed = True;
        return;
    }
    rec_fd = (Int)sr_Res(r);
    HChar cname[REC_PATH_MAX + 32];
    VG_(snprintf)(cname, sizeof cname, "%s.%d.n", clo_out, VG_(getpid)());
    r = VG_(open)(cname, VKI_O_RDWR | VKI_O_CREAT, 0600);
    rec_cfd = sr_isError(r) ? -1 : (Int)sr_Res(r);
    rec_pos = 0;
    rec_count = 0;
    rec_pending_len = 0;
    for (UInt k = 0; k < 4; k++)
        rec_prev_addr[k] = rec_prev_size[k] = 0;
    if (fresh)
        return;
    Off64T size = VG_(lseek)(rec_fd, 0, VKI_SEEK_END);
    UChar t[REC_TRAILER];
    if (size >= (Off64T)REC_TRAILER && VG_(lseek)(rec_fd, size - REC_TRAILER, VKI_SEEK_SET) >= 0 &&
        VG_(read)(rec_fd, t, REC_TRAILER) == (Int)REC_TRAILER &&
        VG_(memcmp)(t + 80, REC_MAGIC, 8) == 0 && get_u64(t + 72) < REC_PATH_MAX &&
        (Off64T)(REC_TRAILER + get_u64(t + 72)) <= size) {
        ULong plen = get_u64(t + 72);
        Off64T at = size - REC_TRAILER - (Off64T)plen;
        VG_(lseek)(rec_fd, at, VKI_SEEK_SET);
        if (plen > 0 && VG_(read)(rec_fd, rec_pending, (Int)plen) != (Int)plen)
            plen = 0;
        VG_(lseek)(rec_fd, at, VKI_SEEK_SET);
        rec_count = get_u64(t);
        for (UInt k = 0; k < 4; k++) {
            rec_prev_addr[k] = (Addr)get_u64(t + 8 + 8 * k);
            rec_prev_size[k] = get_u64(t + 40 + 8 * k);
        }
        if (plen > 0) { /* the execve that started this instance succeeded */
            ev_begin(EV_EXECVE);
            ev_str(rec_pending, (UInt)plen);
            ev_s(0);
            ev_end();
        }
        rec_pending_len = 0;
        return;
    }
    /* no whole body to continue: start it afresh */
    VG_(close)(rec_fd);
    r = VG_(open)(name, VKI_O_RDWR | VKI_O_CREAT | VKI_O_TRUNC, 0600);
    rec_fd = sr_isError(r) ? -1 : (Int)sr_Res(r);
}

static void rec_fork_pre(ThreadId tid)
{
    (void)tid;
    rec_flush(); /* the parent's records are out before the child gets a copy */
}

static void rec_fork_child(ThreadId tid)
{
    (void)tid;
    if (rec_fd >= 0)
        VG_(close)(rec_fd);
    if (rec_cfd >= 0)
        VG_(close)(rec_cfd);
    rec_fd = rec_cfd = -1;
    if (clo_events) /* without events the trace is the first process's alone (1.0) */
        rec_open(True);
}

/* ---- system calls ---- */

/* The arguments as the program gave them (Valgrind's wrappers may change them, e.g. the
 * address of an mmap), and a path read before the call, per thread. */
struct rec_call {
    UWord args[6];
    HChar path[REC_PATH_MAX];
    UInt path_len;
};
static struct rec_call *rec_calls; /* VG_N_THREADS of them */

static Long res_of(SysRes r)
{
    return sr_isError(r) ? -(Long)sr_Err(r) : (Long)sr_Res(r);
}
static Long as_int(UWord v)
{
    return (Long)(Int)(UInt)v;
}

static void rec_pre_syscall(ThreadId tid, UInt no, UWord *args, UInt nargs)
{
    if (!clo_events) {
        if (no == __NR_execve) { /* the body so far is whole, whatever the new program does */
            rec_pending_len = rec_client_str(args[0], rec_pending);
            rec_trailer();
            rec_pending_len = 0;
        }
        return;
    }
    if (tid >= VG_N_THREADS)
        return;
    struct rec_call *c = &rec_calls[tid];
    for (UInt i = 0; i < 6; i++)
        c->args[i] = i < nargs ? args[i] : 0;
    c->path_len = 0;
    switch (no) {
    case __NR_openat:
        c->path_len = rec_client_str(args[1], c->path);
        break;
    case __NR_open:
    case __NR_execve:
        c->path_len = rec_client_str(args[0], c->path);
        break;
    case __NR_exit:
    case __NR_exit_group:
        ev_begin(no == __NR_exit ? EV_EXIT : EV_EXIT_GROUP);
        ev_s(as_int(args[0]));
        ev_end();
        break;
    default:
        break;
    }
    if (no == __NR_execve) {
        /* a successful execve never returns here: the new instance (same pid) reads the
         * path from the trailer and writes the event */
        VG_(memcpy)(rec_pending, c->path, c->path_len);
        rec_pending_len = c->path_len;
        rec_trailer();
        rec_pending_len = 0;
    }
}

static void ev_iov(Addr iov, UWord n)
{
    if (n > 1024 || !rec_readable(iov, n * 16)) {
        ev_u(0);
        return;
    }
    ev_u(n);
    const UWord *v = (const UWord *)iov;
    for (UWord i = 0; i < n; i++) {
        ev_u(v[2 * i]);
        ev_u(v[2 * i + 1]);
    }
}

static void rec_post_syscall(ThreadId tid, UInt no, UWord *args_now, UInt nargs, SysRes sr)
{
    (void)args_now;
    (void)nargs;
    if (!clo_events || tid >= VG_N_THREADS)
        return;
    const struct rec_call *c = &rec_calls[tid];
    const UWord *a = c->args;
    Long res = res_of(sr);
    switch (no) {
    case __NR_mmap:
        ev_begin(EV_MMAP);
        ev_u(a[0]), ev_u(a[1]), ev_u(a[2]), ev_u(a[3]), ev_s(as_int(a[4])), ev_u(a[5]);
        break;
    case __NR_munmap:
        ev_begin(EV_MUNMAP);
        ev_u(a[0]), ev_u(a[1]);
        break;
    case __NR_mprotect:
        ev_begin(EV_MPROTECT);
        ev_u(a[0]), ev_u(a[1]), ev_u(a[2]);
        break;
    case __NR_mremap:
        ev_begin(EV_MREMAP);
        ev_u(a[0]), ev_u(a[1]), ev_u(a[2]), ev_u(a[3]), ev_u(a[4]);
        break;
    case __NR_brk:
        ev_begin(EV_BRK);
        ev_u(a[0]);
        break;
    case __NR_madvise:
        ev_begin(EV_MADVISE);
        ev_u(a[0]), ev_u(a[1]), ev_u(a[2]);
        break;
    case __NR_msync:
        ev_begin(EV_MSYNC);
        ev_u(a[0]), ev_u(a[1]), ev_u(a[2]);
        break;
    case __NR_openat:
        ev_begin(EV_OPENAT);
        ev_s(as_int(a[0])), ev_u(a[2]), ev_u(a[3]);
        ev_str(c->path, c->path_len);
        break;
    case __NR_open: /* the same call as openat(AT_FDCWD, ...) */
        ev_begin(EV_OPENAT);
        ev_s(-100), ev_u(a[1]), ev_u(a[2]);
        ev_str(c->path, c->path_len);
        break;
    case __NR_close:
        ev_begin(EV_CLOSE);
        ev_s(as_int(a[0]));
        break;
    case __NR_read:
    case __NR_write:
        ev_begin(no == __NR_read ? EV_READ : EV_WRITE);
        ev_s(as_int(a[0])), ev_u(a[1]), ev_u(a[2]);
        break;
    case __NR_pread64:
    case __NR_pwrite64:
        ev_begin(no == __NR_pread64 ? EV_PREAD64 : EV_PWRITE64);
        ev_s(as_int(a[0])), ev_u(a[1]), ev_u(a[2]), ev_u(a[3]);
        break;
    case __NR_readv:
    case __NR_writev:
        ev_begin(no == __NR_readv ? EV_READV : EV_WRITEV);
        ev_s(as_int(a[0]));
        ev_iov(a[1], a[2]);
        break;
    case __NR_fork:
    case __NR_vfork:
        if (res == 0)
            return; /* the child's side: its records follow its own PROCESS record */
        ev_begin(no == __NR_fork ? EV_FORK : EV_VFORK);
        break;
    case __NR_clone:
        if (res == 0)
            return;
        ev_begin(EV_CLONE);
        ev_u(a[0]);
        break;
    case __NR_wait4: {
        Long status = 0;
        if (res > 0 && a[1] && rec_readable(a[1], 4))
            status = *(const Int *)a[1];
        ev_begin(EV_WAIT4);
        ev_s(as_int(a[0])), ev_s(res), ev_s(status);
        ev_end();
        return;
    }
    case __NR_execve: /* only a failed one returns */
        ev_begin(EV_EXECVE);
        ev_str(c->path, c->path_len);
        break;
    default:
        return;
    }
    ev_s(res);
    ev_end();
}

/* ---- instrumentation: lackey's event queue, so the records come out in its order ---- */

typedef enum { EvIr, EvDr, EvDw, EvDm } EvKind;
typedef struct {
    EvKind kind;
    IRExpr *addr;
    Int size;
    IRExpr *guard;
} Ev;

#define N_EVS 4
static Ev evs[N_EVS];
static Int evs_used;

static void evs_flush(IRSB *sb)
{
    for (Int i = 0; i < evs_used; i++) {
        Ev *ev = &evs[i];
        const HChar *name;
        void *fn;
        switch (ev->kind) {
        case EvIr: name = "rec_ir", fn = rec_ir; break;
        case EvDr: name = "rec_dr", fn = rec_dr; break;
        case EvDw: name = "rec_dw", fn = rec_dw; break;
        default: name = "rec_dm", fn = rec_dm; break;
        }
        IRExpr **argv = mkIRExprVec_2(ev->addr, mkIRExpr_HWord((HWord)ev->size));
        IRDirty *di = unsafeIRDirty_0_N(2, name, VG_(fnptr_to_fnentry)(fn), argv);
        if (ev->guard)
            di->guard = ev->guard;
        addStmtToIRSB(sb, IRStmt_Dirty(di));
    }
    evs_used = 0;
}

static void evs_add(IRSB *sb, EvKind kind, IRExpr *addr, Int size, IRExpr *guard)
{
    if (evs_used == N_EVS)
        evs_flush(sb);
    Ev *ev = &evs[evs_used++];
    ev->kind = kind;
    ev->addr = addr;
    ev->size = size;
    ev->guard = guard;
}

/* A store right after an unguarded load of the same address and size (still queued)
 * is one modify, as lackey reports it. */
static void evs_add_write(IRSB *sb, IRExpr *addr, Int size, IRExpr *guard)
{
    if (!guard && evs_used > 0) {
        Ev *last = &evs[evs_used - 1];
        if (last->kind == EvDr && last->size == size && !last->guard && eqIRAtom(last->addr, addr)) {
            last->kind = EvDm;
            return;
        }
    }
    evs_add(sb, EvDw, addr, size, guard);
}

static Bool rec_started;

static IRSB *rec_instrument(VgCallbackClosure *closure, IRSB *in, const VexGuestLayout *layout,
                            const VexGuestExtents *extents, const VexArchInfo *archinfo,
                            IRType gwt, IRType hwt)
{
    (void)closure, (void)layout, (void)extents, (void)archinfo;
    if (gwt != hwt)
        VG_(tool_panic)("host/guest word size mismatch");
    if (!rec_started) { /* the first translation: the client has not run yet */
        rec_started = True;
        if (clo_events)
            rec_image();
    }
    IRSB *out = deepCopyIRSBExceptStmts(in);
    Int i = 0;
    while (i < in->stmts_used && in->stmts[i]->tag != Ist_IMark) {
        addStmtToIRSB(out, in->stmts[i]);
        i++;
    }
    evs_used = 0;
    IRTypeEnv *env = in->tyenv;
    for (; i < in->stmts_used; i++) {
        IRStmt *st = in->stmts[i];
        if (!st || st->tag == Ist_NoOp)
            continue;
        switch (st->tag) {
        case Ist_IMark:
            evs_add(out, EvIr, mkIRExpr_HWord((HWord)st->Ist.IMark.addr), (Int)st->Ist.IMark.len,
                    NULL);
            break;
        case Ist_WrTmp: {
            IRExpr *d = st->Ist.WrTmp.data;
            if (d->tag == Iex_Load)
                evs_add(out, EvDr, d->Iex.Load.addr, sizeofIRType(d->Iex.Load.ty), NULL);
            break;
        }
        case Ist_Store:
            evs_add_write(out, st->Ist.Store.addr,
                          sizeofIRType(typeOfIRExpr(env, st->Ist.Store.data)), NULL);
            break;
        case Ist_StoreG: {
            IRStoreG *sg = st->Ist.StoreG.details;
            evs_add_write(out, sg->addr, sizeofIRType(typeOfIRExpr(env, sg->data)), sg->guard);
            break;
        }
        case Ist_LoadG: {
            IRLoadG *lg = st->Ist.LoadG.details;
            IRType ty = Ity_INVALID, wide = Ity_INVALID;
            typeOfIRLoadGOp(lg->cvt, &wide, &ty);
            evs_add(out, EvDr, lg->addr, sizeofIRType(ty), lg->guard);
            break;
        }
        case Ist_Dirty: {
            IRDirty *d = st->Ist.Dirty.details;
            if (d->mFx != Ifx_None) {
                if (d->mFx == Ifx_Read || d->mFx == Ifx_Modify)
                    evs_add(out, EvDr, d->mAddr, d->mSize, NULL);
                if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify)
                    evs_add_write(out, d->mAddr, d->mSize, NULL);
            }
            break;
        }
        case Ist_CAS: {
            IRCAS *cas = st->Ist.CAS.details;
            Int sz = sizeofIRType(typeOfIRExpr(env, cas->dataLo));
            if (cas->dataHi)
                sz *= 2;
            evs_add(out, EvDr, cas->addr, sz, NULL);
            evs_add_write(out, cas->addr, sz, NULL);
            break;
        }
        case Ist_LLSC:
            if (!st->Ist.LLSC.storedata) {
                evs_add(out, EvDr, st->Ist.LLSC.addr,
                        sizeofIRType(typeOfIRTemp(env, st->Ist.LLSC.result)), NULL);
                evs_flush(out);
            } else {
                evs_add_write(out, st->Ist.LLSC.addr,
                              sizeofIRType(typeOfIRExpr(env, st->Ist.LLSC.storedata)), NULL);
            }
            break;
        case Ist_Exit:
            evs_flush(out);
            break;
        default:
            break;
        }
        addStmtToIRSB(out, st);
    }
    evs_flush(out);
    return out;
}

/* ---- start and end ---- */

static void rec_post_clo_init(void)
{
    if (!clo_out) {
        VG_(fmsg_bad_option)("--out", "vmsimrec needs --out=PREFIX\n");
    }
    rec_calls = VG_(calloc)("vmsimrec.calls", VG_N_THREADS, sizeof *rec_calls);
    rec_open(False);
}

static void rec_fini(Int exitcode)
{
    (void)exitcode;
    rec_trailer();
    if (rec_fd >= 0)
        VG_(close)(rec_fd);
    rec_fd = -1;
}

static void rec_pre_clo_init(void)
{
    VG_(details_name)("vmsimrec");
    VG_(details_version)(NULL);
    VG_(details_description)("vmsim's trace recorder");
    VG_(details_copyright_author)("vmsim");
    VG_(details_bug_reports_to)("the vmsim project");
    VG_(details_avg_translation_sizeB)(200);
    VG_(basic_tool_funcs)(rec_post_clo_init, rec_instrument, rec_fini);
    VG_(needs_command_line_options)(rec_option, rec_usage, rec_debug_usage);
    VG_(needs_syscall_wrapper)(rec_pre_syscall, rec_post_syscall);
    VG_(atfork)(rec_fork_pre, NULL, rec_fork_child);
}

VG_DETERMINE_INTERFACE_VERSION(rec_pre_clo_init)
