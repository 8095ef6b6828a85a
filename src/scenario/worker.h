/* The real-Linux backend's processes: the protocol between the interpreter (onlinux.c) and
 * its worker processes (worker.c), one worker per scenario process.
 *
 * Every channel is an AF_UNIX SOCK_SEQPACKET socket pair: one request, one reply, in order.
 * A zygote (forked once, before any worker, so it holds no other worker's channel) forks
 * the worker of each `spawn`; `fork P Q` asks P's worker itself to fork(). The new channel
 * travels with the request as SCM_RIGHTS. A worker exits when its channel reaches EOF, so
 * closing the interpreter's end (or the interpreter dying) ends it: workers never outlive
 * the run. */
#ifndef VMS_SCENARIO_WORKER_H
#define VMS_SCENARIO_WORKER_H

#include <stddef.h>
#include <stdint.h>

enum worker_op {
    WORKER_SPAWN = 1, /* zygote: fork a fresh worker on the passed channel; value = pid */
    WORKER_FORK,      /* worker: fork(); the child serves the passed channel; value = pid */
    WORKER_EXIT,      /* reply, then _exit(0) */
    WORKER_MMAP,      /* va (hint), len, prot, flags, offset, path; value = the address */
    WORKER_MUNMAP,    /* va, len */
    WORKER_MPROTECT,  /* va, len, prot */
    WORKER_MSYNC,     /* va, len */
    WORKER_BRK,       /* len, WORKER_F_SHRINK; value = the heap's start */
    WORKER_LOAD,      /* va, len = SIZE; value = the value read */
    WORKER_STORE,     /* va, len = SIZE, value */
    WORKER_FETCH,     /* va */
    WORKER_FILL,      /* va, len, value = SEED; value = offset of a fault */
    WORKER_CHECK,     /* va, len, value = SEED; value = offset of a fault or mismatch */
    WORKER_TOUCH,     /* va, len, WORKER_F_WRITE; value = offset of a fault */
};

#define WORKER_F_SHARED 1u
#define WORKER_F_ANON 2u
#define WORKER_F_HINT 4u   /* mmap: va is a hint */
#define WORKER_F_FIXED 8u  /* mmap: MAP_FIXED at va */
#define WORKER_F_WRITE 16u /* touch: write accesses */
#define WORKER_F_SHRINK 32u /* brk: -SIZE */

struct worker_req {
    uint32_t op;     /* enum worker_op */
    uint32_t flags;  /* WORKER_F_* */
    uint32_t prot;   /* SCN_PROT_* */
    uint32_t pad;
    uint64_t va, len, value, offset;
    char path[4096]; /* mmap of a file: its absolute path */
};

enum worker_status {
    WORKER_OK = 0,
    WORKER_FAULT,    /* signo/code; value = offset of the first byte not accessed */
    WORKER_MISMATCH, /* check: value = offset; got/want = the bytes */
    WORKER_SYSERR,   /* a system call failed: err = errno */
    WORKER_FOREIGN,  /* the range holds the worker's own (vmsim's) memory: refused */
};

struct worker_rep {
    int32_t status; /* enum worker_status */
    int32_t err;    /* errno for WORKER_SYSERR */
    int32_t signo;  /* WORKER_FAULT: SIGSEGV or SIGBUS */
    int32_t code;   /* WORKER_FAULT: si_code */
    uint64_t value;
    uint64_t got, want;
};

/* Send one message, with fd passed along if passfd >= 0. Returns 0 or -1 (errno set). */
int worker_send(int fd, const void *buf, size_t len, int passfd);
/* Receive one message of exactly len bytes within timeout_ms (-1: no limit). Returns 1,
 * 0 on EOF (the peer is gone), -1 on error or timeout (errno ETIMEDOUT). A passed fd is
 * stored in *passfd when passfd is not NULL (else -1). */
int worker_recv(int fd, void *buf, size_t len, int timeout_ms, int *passfd);

/* The zygote's loop on channel fd: serves WORKER_SPAWN until EOF, then _exit(0). */
_Noreturn void worker_zygote(int fd);

#endif
