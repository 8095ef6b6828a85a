/* Three kinds of trouble, never mixed:
 *  - simulated events (faults, SIGSEGV, OOM kills) are results, counted and reported;
 *  - host errors and bad input are a struct vms_error filled by the library and
 *    returned as a negative code; the CLI alone prints them and picks exit status;
 *  - broken invariants abort through VMS_INVARIANT with file:line: function: text. */
#ifndef VMS_BASE_ERR_H
#define VMS_BASE_ERR_H

#include "vmsim.h"

/* Fill e (may be NULL) with code and a printf-style message; returns -code so a
 * caller can `return err_set(e, VMS_EINVAL, ...)`. */
int err_set(struct vms_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix an existing message: "PREFIX: old message". */
int err_prefix(struct vms_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

_Noreturn void invariant_failed(const char *file, int line, const char *func, const char *what);

#define VMS_INVARIANT(cond, what)                                                                 \
    do {                                                                                           \
        if (!(cond))                                                                               \
            invariant_failed(__FILE__, __LINE__, __func__, what);                                  \
    } while (0)

#endif
