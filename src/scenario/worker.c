/* The worker side of the real-Linux backend (see worker.h): a process that maps, accesses
 * and forks as it is told, catching SIGSEGV/SIGBUS with sigaction and skipping the faulting
 * access with siglongjmp, as a program with a signal handler would.
 *
 * A worker is a copy of vmsim, so its address space holds vmsim's own code, heap, stack and
 * (under ASan) shadow memory, which a scenario process would not have. The worker therefore
 * keeps the set of pages the scenario mapped ("owned") and treats the rest as the holes they
 * are in the scenario's model: an access outside the owned pages is reported as SIGSEGV
 * maperr without touching memory, munmap leaves foreign memory alone, mprotect and msync
 * over it fail with ENOMEM, and a MAP_FIXED mapping that would replace it is refused. */
#include "scenario/worker.h"

#include "base/alloc.h"
#include "scenario/gen.h"
#include "scenario/scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* ---------------------------------------------------------------- transport */

int worker_send(int fd, const void *buf, size_t len, int passfd)
{
    struct iovec iov = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (passfd >= 0) {
        memset(&ctl, 0, sizeof ctl);
        m.msg_control = ctl.buf;
        m.msg_controllen = sizeof ctl.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &passfd, sizeof(int));
    }
    for (;;) {
        ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL);
        if (n == (ssize_t)len)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n >= 0)
            errno = EMSGSIZE;
        return -1;
    }
}

int worker_recv(int fd, void *buf, size_t len, int timeout_ms, int *passfd)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(sizeof(int))];
    } ctl;
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    if (passfd) {
        *passfd = -1;
        m.msg_control = ctl.buf;
        m.msg_controllen = sizeof ctl.buf;
    }
    if (timeout_ms >= 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r;
        while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
            ;
        if (r == 0)
            errno = ETIMEDOUT;
        if (r <= 0)
            return -1;
    }
    ssize_t n;
    while ((n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
        ;
    if (n == 0)
        return 0;
    if (n < 0)
        return -1;
    if (passfd) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                memcpy(passfd, CMSG_DATA(c), sizeof(int));
    }
    if ((size_t)n != len) {
        errno = EPROTO;
        return -1;
    }
    return 1;
}

/* ---------------------------------------------------------------- owned pages */

/* The scenario's mappings as sorted, disjoint, non-adjacent [start, end) ranges. */
static struct worker_range {
    uint64_t start, end;
} *worker_owned;
static size_t worker_nowned, worker_owned_cap;
static uint64_t worker_page;

static bool worker_owned_covers(uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < worker_nowned; i++)
        if (worker_owned[i].start <= start && end <= worker_owned[i].end)
            return true;
    return false;
}

/* Remove [start, end) from the set. Returns false on host OOM. */
static bool worker_owned_remove(uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < worker_nowned; i++) {
        struct worker_range *r = &worker_owned[i];
        if (r->end <= start || end <= r->start)
            continue;
        if (r->start < start && end < r->end) { /* split in two */
            if (worker_nowned == worker_owned_cap) {
                size_t ncap = worker_owned_cap ? worker_owned_cap * 2 : 16;
                struct worker_range *n = vms_realloc(worker_owned, ncap * sizeof *n);
                if (!n)
                    return false;
                worker_owned = n;
                worker_owned_cap = ncap;
                r = &worker_owned[i];
            }
            memmove(&worker_owned[i + 2], &worker_owned[i + 1],
                    (worker_nowned - i - 1) * sizeof *r);
            worker_owned[i + 1] = (struct worker_range){end, r->end};
            r->end = start;
            worker_nowned++;
            return true;
        }
        if (start <= r->start && r->end <= end) { /* wholly removed */
            memmove(r, r + 1, (worker_nowned - i - 1) * sizeof *r);
            worker_nowned--;
            i--;
        } else if (start <= r->start) {
            r->start = end;
        } else {
            r->end = start;
        }
    }
    return true;
}

static bool worker_owned_add(uint64_t start, uint64_t end)
{
    if (!worker_owned_remove(start, end))
        return false;
    size_t i = 0;
    while (i < worker_nowned && worker_owned[i].end < start)
        i++;
    /* Merge with neighbours that touch [start, end). */
    if (i < worker_nowned && worker_owned[i].end == start) {
        worker_owned[i].end = end;
        if (i + 1 < worker_nowned && worker_owned[i + 1].start == end) {
            worker_owned[i].end = worker_owned[i + 1].end;
            memmove(&worker_owned[i + 1], &worker_owned[i + 2],
                    (worker_nowned - i - 2) * sizeof *worker_owned);
            worker_nowned--;
        }
        return true;
    }
    if (i < worker_nowned && worker_owned[i].start == end) {
        worker_owned[i].start = start;
        return true;
    }
    if (worker_nowned == worker_owned_cap) {
        size_t ncap = worker_owned_cap ? worker_owned_cap * 2 : 16;
        struct worker_range *n = vms_realloc(worker_owned, ncap * sizeof *n);
        if (!n)
            return false;
        worker_owned = n;
        worker_owned_cap = ncap;
    }
    memmove(&worker_owned[i + 1], &worker_owned[i], (worker_nowned - i) * sizeof *worker_owned);
    worker_owned[i] = (struct worker_range){start, end};
    worker_nowned++;
    return true;
}

/* The next line of /proc/self/maps: its range and permissions. Long lines (paths) are
 * consumed whole, so that a path is never read as a range. */
static bool worker_maps_next(FILE *f, unsigned long long *s, unsigned long long *e, char perms[5])
{
    char line[256];
    while (fgets(line, sizeof line, f)) {
        bool whole = strchr(line, '\n') != NULL;
        int n = sscanf(line, "%llx-%llx %4s", s, e, perms);
        while (!whole) {
            char rest[256];
            if (!fgets(rest, sizeof rest, f))
                break;
            whole = strchr(rest, '\n') != NULL;
        }
        if (n == 3)
            return true;
    }
    return false;
}

/* Does [start, end) overlap a mapping of this process that the scenario does not own? */
static bool worker_foreign_overlap(uint64_t start, uint64_t end)
{
    FILE *f = fopen("/proc/self/maps", "r");
    unsigned long long s, e;
    char perms[5];
    bool foreign = false;
    if (!f)
        return true; /* cannot tell: refuse */
    while (!foreign && worker_maps_next(f, &s, &e, perms)) {
        if (e <= start || end <= s)
            continue;
        uint64_t lo = s > start ? s : start, hi = e < end ? e : end;
        /* The overlap must be wholly owned; owned ranges may be split across lines. */
        for (uint64_t p = lo; p < hi; p += worker_page)
            if (!worker_owned_covers(p, p + worker_page)) {
                foreign = true;
                break;
            }
    }
    fclose(f);
    return foreign;
}

/* The permissions of the mapping holding va ("rwxp"), from /proc/self/maps; false if none. */
static bool worker_perms_at(uint64_t va, char perms[5])
{
    FILE *f = fopen("/proc/self/maps", "r");
    unsigned long long s, e;
    bool found = false;
    if (!f)
        return false;
    while (!found && worker_maps_next(f, &s, &e, perms))
        found = s <= va && va < e;
    fclose(f);
    return found;
}

/* ---------------------------------------------------------------- guarded accesses */

static sigjmp_buf worker_env;
static volatile sig_atomic_t worker_armed;
static volatile int worker_signo, worker_code;
static volatile uint64_t worker_cur; /* offset of the access in progress */

static void worker_on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (!worker_armed) {
        /* A fault outside a guarded access is a bug in the worker: die of it. */
        signal(sig, SIG_DFL);
        return;
    }
    worker_armed = 0;
    worker_signo = sig;
    worker_code = si->si_code;
    siglongjmp(worker_env, 1);
}

/* One access of 1, 2, 4 or 8 bytes: a single instruction, so an access that spans two
 * pages faults as a whole and a faulting store writes nothing (x86-64). */
__attribute__((noinline, no_sanitize("address", "undefined"))) static uint64_t
worker_hw_load(uintptr_t va, unsigned size)
{
    uint64_t v;
#if defined(__x86_64__)
    switch (size) {
    case 1: {
        uint8_t b;
        __asm__ volatile("movb (%1), %0" : "=q"(b) : "r"(va) : "memory");
        v = b;
        break;
    }
    case 2: {
        uint16_t h;
        __asm__ volatile("movw (%1), %0" : "=r"(h) : "r"(va) : "memory");
        v = h;
        break;
    }
    case 4: {
        uint32_t w;
        __asm__ volatile("movl (%1), %0" : "=r"(w) : "r"(va) : "memory");
        v = w;
        break;
    }
    default:
        __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(va) : "memory");
        break;
    }
#else
    typedef uint16_t u16 __attribute__((aligned(1)));
    typedef uint32_t u32 __attribute__((aligned(1)));
    typedef uint64_t u64 __attribute__((aligned(1)));
    switch (size) {
    case 1: v = *(volatile uint8_t *)va; break;
    case 2: v = *(volatile u16 *)va; break;
    case 4: v = *(volatile u32 *)va; break;
    default: v = *(volatile u64 *)va; break;
    }
#endif
    return v;
}

__attribute__((noinline, no_sanitize("address", "undefined"))) static void
worker_hw_store(uintptr_t va, unsigned size, uint64_t v)
{
#if defined(__x86_64__)
    switch (size) {
    case 1: __asm__ volatile("movb %0, (%1)" : : "q"((uint8_t)v), "r"(va) : "memory"); break;
    case 2: __asm__ volatile("movw %0, (%1)" : : "r"((uint16_t)v), "r"(va) : "memory"); break;
    case 4: __asm__ volatile("movl %0, (%1)" : : "r"((uint32_t)v), "r"(va) : "memory"); break;
    default: __asm__ volatile("movq %0, (%1)" : : "r"(v), "r"(va) : "memory"); break;
    }
#else
    typedef uint16_t u16 __attribute__((aligned(1)));
    typedef uint32_t u32 __attribute__((aligned(1)));
    typedef uint64_t u64 __attribute__((aligned(1)));
    switch (size) {
    case 1: *(volatile uint8_t *)va = (uint8_t)v; break;
    case 2: *(volatile u16 *)va = (uint16_t)v; break;
    case 4: *(volatile u32 *)va = (uint32_t)v; break;
    default: *(volatile u64 *)va = v; break;
    }
#endif
}

/* What a guarded loop does; it sets worker_cur before each access and stops early by
 * setting r->status. */
struct worker_job {
    const struct worker_req *q;
    struct worker_rep *r;
};

/* May [va, va+size) be accessed for real? Yes if the scenario owns its pages, or if they
 * hold no mapping at all (the kernel then answers SIGSEGV maperr itself). If they hold the
 * worker's own memory, report the maperr the scenario's empty address space would give at
 * offset off, and answer no. */
static bool worker_check_owned(struct worker_rep *r, uint64_t va, uint64_t size, uint64_t off)
{
    uint64_t first = va & ~(worker_page - 1), last = (va + size - 1) & ~(worker_page - 1);
    if (va + size < va || (!worker_owned_covers(first, last + worker_page) &&
                           worker_foreign_overlap(first, last + worker_page))) {
        r->status = WORKER_FAULT;
        r->signo = SIGSEGV;
        r->code = SEGV_MAPERR;
        r->value = off;
        return false;
    }
    return true;
}

__attribute__((noinline)) static void worker_do_access(struct worker_job *j)
{
    const struct worker_req *q = j->q;
    struct worker_rep *r = j->r;
    switch (q->op) {
    case WORKER_LOAD:
    case WORKER_STORE:
        if (!worker_check_owned(r, q->va, q->len, 0))
            return;
        worker_cur = 0;
        worker_armed = 1;
        if (q->op == WORKER_LOAD)
            r->value = worker_hw_load((uintptr_t)q->va, (unsigned)q->len);
        else
            worker_hw_store((uintptr_t)q->va, (unsigned)q->len, q->value);
        worker_armed = 0;
        return;
    case WORKER_FETCH: {
        char perms[5];
        if (!worker_check_owned(r, q->va, 1, 0))
            return;
        if (!worker_perms_at(q->va, perms) || perms[2] != 'x') {
            r->status = WORKER_FAULT;
            r->signo = SIGSEGV;
            r->code = worker_owned_covers(q->va, q->va + 1) ? SEGV_ACCERR : SEGV_MAPERR;
            return;
        }
        /* Executable: read the byte (SIGBUS past end of file) but run nothing. */
        worker_cur = 0;
        worker_armed = 1;
        (void)worker_hw_load((uintptr_t)q->va, 1);
        worker_armed = 0;
        return;
    }
    case WORKER_FILL:
    case WORKER_CHECK: {
        struct gen g;
        gen_init(&g, q->value);
        uint64_t page_ok = 1; /* never a page address */
        for (uint64_t off = 0; off < q->len;) {
            uint64_t va = q->va + off;
            unsigned size = gen_piece(va, q->len - off);
            if ((va & ~(worker_page - 1)) != page_ok) {
                if (!worker_check_owned(r, va, size, off))
                    return;
                page_ok = va & ~(worker_page - 1);
            }
            uint64_t want = gen_value(&g, size);
            worker_cur = off;
            worker_armed = 1;
            if (q->op == WORKER_FILL) {
                worker_hw_store((uintptr_t)va, size, want);
                worker_armed = 0;
            } else {
                uint64_t got = worker_hw_load((uintptr_t)va, size);
                worker_armed = 0;
                if (got != want) {
                    unsigned i = gen_first_diff(got, want);
                    r->status = WORKER_MISMATCH;
                    r->value = off + i;
                    r->got = got >> (8 * i) & 0xff;
                    r->want = want >> (8 * i) & 0xff;
                    return;
                }
            }
            off += size;
        }
        return;
    }
    case WORKER_TOUCH: {
        /* One access per page: at va for the first page, at the page start after. */
        uint64_t va = q->va, off = 0;
        while (off < q->len) {
            if (!worker_check_owned(r, va, 1, off))
                return;
            worker_cur = off;
            worker_armed = 1;
            uint64_t b = worker_hw_load((uintptr_t)va, 1);
            if (q->flags & WORKER_F_WRITE)
                worker_hw_store((uintptr_t)va, 1, b);
            worker_armed = 0;
            uint64_t next = (va & ~(worker_page - 1)) + worker_page;
            if (next < va)
                break;
            off += next - va;
            va = next;
        }
        return;
    }
    default:
        return;
    }
}

/* Run an access job; a SIGSEGV/SIGBUS during it becomes a WORKER_FAULT reply. */
static void worker_guarded(struct worker_job *j)
{
    if (sigsetjmp(worker_env, 1)) {
        j->r->status = WORKER_FAULT;
        j->r->signo = worker_signo;
        j->r->code = worker_code;
        j->r->value = worker_cur;
        return;
    }
    worker_do_access(j);
}

/* ---------------------------------------------------------------- system calls */

static int worker_host_prot(uint32_t prot)
{
    return (prot & SCN_PROT_R ? PROT_READ : 0) | (prot & SCN_PROT_W ? PROT_WRITE : 0) |
           (prot & SCN_PROT_X ? PROT_EXEC : 0);
}

static uint64_t worker_round_up(uint64_t n)
{
    return (n + worker_page - 1) & ~(worker_page - 1);
}

static void worker_syserr(struct worker_rep *r, int err)
{
    r->status = WORKER_SYSERR;
    r->err = err;
}

static void worker_mmap(const struct worker_req *q, struct worker_rep *r)
{
    int flags = (q->flags & WORKER_F_SHARED) ? MAP_SHARED : MAP_PRIVATE;
    uint64_t len = worker_round_up(q->len);
    void *hint = NULL;
    if (q->flags & WORKER_F_ANON)
        flags |= MAP_ANONYMOUS;
    if (q->flags & (WORKER_F_HINT | WORKER_F_FIXED))
        hint = (void *)(uintptr_t)q->va;
    if (q->flags & WORKER_F_FIXED) {
        if (q->va % worker_page || q->va + len < q->va)
            return worker_syserr(r, EINVAL);
        if (worker_foreign_overlap(q->va, q->va + len)) {
            r->status = WORKER_FOREIGN;
            return;
        }
        flags |= MAP_FIXED;
    }
    int fd = -1;
    if (!(q->flags & WORKER_F_ANON)) {
        /* A shared mapping may be made writable (now or by mprotect): it needs the file
         * open for writing when that is allowed. A private one never writes the file, and
         * holding a program open for writing would stop it being executed (ETXTBSY). */
        fd = -1;
        errno = EACCES;
        if (q->flags & WORKER_F_SHARED)
            fd = open(q->path, O_RDWR | O_CLOEXEC);
        if (fd < 0 && errno == EACCES)
            fd = open(q->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return worker_syserr(r, errno);
    }
    void *p = mmap(hint, q->len, worker_host_prot(q->prot), flags, fd, (off_t)q->offset);
    int err = errno;
    if (fd >= 0)
        close(fd);
    if (p == MAP_FAILED)
        return worker_syserr(r, err);
    if (!worker_owned_add((uintptr_t)p, (uintptr_t)p + len)) {
        munmap(p, len);
        return worker_syserr(r, ENOMEM);
    }
    r->value = (uintptr_t)p;
}

static void worker_munmap(const struct worker_req *q, struct worker_rep *r)
{
    uint64_t end = q->va + worker_round_up(q->len);
    if (q->va % worker_page || end < q->va)
        return worker_syserr(r, EINVAL);
    /* Unmap the owned parts only: the rest is a hole in the scenario's model. */
    for (size_t i = 0; i < worker_nowned; i++) {
        uint64_t lo = worker_owned[i].start > q->va ? worker_owned[i].start : q->va;
        uint64_t hi = worker_owned[i].end < end ? worker_owned[i].end : end;
        if (lo < hi && munmap((void *)(uintptr_t)lo, hi - lo) < 0)
            return worker_syserr(r, errno);
    }
    if (!worker_owned_remove(q->va, end))
        worker_syserr(r, ENOMEM);
}

static void worker_mprotect_msync(const struct worker_req *q, struct worker_rep *r)
{
    uint64_t end = q->va + worker_round_up(q->len);
    if (q->va % worker_page || end < q->va)
        return worker_syserr(r, EINVAL);
    for (uint64_t p = q->va; p < end; p += worker_page)
        if (!worker_owned_covers(p, p + worker_page))
            return worker_syserr(r, ENOMEM);
    int rc = q->op == WORKER_MPROTECT
                 ? mprotect((void *)(uintptr_t)q->va, q->len, worker_host_prot(q->prot))
                 : msync((void *)(uintptr_t)q->va, q->len, MS_SYNC);
    if (rc < 0)
        worker_syserr(r, errno);
}

/* brk on a spawned process: the heap starts at 0x10000000
 * (docs/scenario-contract.md). The worker's real
 * break belongs to its malloc, so the heap is an anonymous private rw- mapping grown and
 * shrunk at its end as brk(2) does. */
#define WORKER_HEAP_START UINT64_C(0x10000000)
static uint64_t worker_brk = WORKER_HEAP_START;

static void worker_do_brk(const struct worker_req *q, struct worker_rep *r)
{
    uint64_t cur_end = worker_round_up(worker_brk), nbrk;
    if (q->flags & WORKER_F_SHRINK) {
        if (q->len > worker_brk - WORKER_HEAP_START)
            return worker_syserr(r, ENOMEM);
        nbrk = worker_brk - q->len;
    } else {
        nbrk = worker_brk + q->len;
        if (nbrk < worker_brk || nbrk > UINT64_C(0x7ff000000000))
            return worker_syserr(r, ENOMEM);
    }
    uint64_t new_end = worker_round_up(nbrk);
    if (new_end > cur_end) {
        void *want = (void *)(uintptr_t)cur_end;
        void *p = mmap(want, new_end - cur_end, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p == MAP_FAILED)
            return worker_syserr(r, ENOMEM);
        if (p != want) {
            munmap(p, new_end - cur_end);
            return worker_syserr(r, ENOMEM);
        }
        if (!worker_owned_add(cur_end, new_end))
            return worker_syserr(r, ENOMEM);
    } else if (new_end < cur_end) {
        if (munmap((void *)(uintptr_t)new_end, cur_end - new_end) < 0)
            return worker_syserr(r, errno);
        if (!worker_owned_remove(new_end, cur_end))
            return worker_syserr(r, ENOMEM);
    }
    worker_brk = nbrk;
    r->value = WORKER_HEAP_START;
}

/* ---------------------------------------------------------------- loops */

static _Noreturn void worker_serve(int fd)
{
    static struct worker_req q;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = worker_on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    worker_page = (uint64_t)sysconf(_SC_PAGESIZE);

    for (;;) {
        int passfd = -1;
        if (worker_recv(fd, &q, sizeof q, -1, &passfd) <= 0)
            _exit(0);
        struct worker_rep r = {0};
        struct worker_job j = {&q, &r};
        switch (q.op) {
        case WORKER_FORK: {
            if (passfd < 0) {
                worker_syserr(&r, EBADF);
                break;
            }
            pid_t pid = fork();
            if (pid == 0) { /* the child serves the new channel */
                close(fd);
                fd = passfd;
                continue;
            }
            close(passfd);
            if (pid < 0)
                worker_syserr(&r, errno);
            else
                r.value = (uint64_t)pid;
            break;
        }
        case WORKER_EXIT:
            worker_send(fd, &r, sizeof r, -1);
            _exit(0);
        case WORKER_MMAP: worker_mmap(&q, &r); break;
        case WORKER_MUNMAP: worker_munmap(&q, &r); break;
        case WORKER_MPROTECT:
        case WORKER_MSYNC: worker_mprotect_msync(&q, &r); break;
        case WORKER_BRK: worker_do_brk(&q, &r); break;
        default: worker_guarded(&j); break;
        }
        if (passfd >= 0 && q.op != WORKER_FORK)
            close(passfd);
        if (worker_send(fd, &r, sizeof r, -1) < 0)
            _exit(0);
    }
}

void worker_zygote(int fd)
{
    static struct worker_req q;
    signal(SIGCHLD, SIG_IGN); /* workers are reaped by the kernel */
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        int passfd = -1;
        if (worker_recv(fd, &q, sizeof q, -1, &passfd) <= 0)
            _exit(0);
        struct worker_rep r = {0};
        if (q.op != WORKER_SPAWN || passfd < 0) {
            worker_syserr(&r, EPROTO);
        } else {
            pid_t pid = fork();
            if (pid == 0) {
                close(fd);
                worker_serve(passfd);
            }
            if (pid < 0)
                worker_syserr(&r, errno);
            else
                r.value = (uint64_t)pid;
        }
        if (passfd >= 0)
            close(passfd);
        if (worker_send(fd, &r, sizeof r, -1) < 0)
            _exit(0);
    }
}
