/* Test helper: runs a program on the host kernel the way docs/exec.md describes — fork,
 * personality(ADDR_NO_RANDOMIZE), PTRACE_TRACEME, execve — and captures the state right after
 * execve (the SIGTRAP stop): /proc/PID/maps, registers, the initial stack bytes and the
 * mm fields of /proc/PID/stat. */
#ifndef VMS_TEST_HOST_EXEC_H
#define VMS_TEST_HOST_EXEC_H

#include <stddef.h>
#include <stdint.h>

struct host_exec {
    char *maps;            /* /proc/PID/maps text, [vvar*]/[vdso]/[vsyscall] lines removed */
    uint64_t rsp, rip;     /* registers at the stop */
    uint8_t *stack;        /* bytes [rsp, 0x7ffffffff000) */
    size_t stack_len;
    uint64_t start_data, end_data, start_brk, arg_start, arg_end, env_start, env_end;
};

/* Runs path with argv and an empty environment.
 * 0: captured; 1: the host forbids it (why says so: ptrace denied, ...); -1: failure (why). */
int host_exec_run(const char *path, const char *const argv[], struct host_exec *out,
                  char *why, size_t whylen);
void host_exec_fini(struct host_exec *h);

#endif
