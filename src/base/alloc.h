/* All host allocation goes through here, so tests can make the Nth allocation fail
 * (SQLite/Lua style fault injection) and every caller must handle NULL. */
#ifndef VMS_BASE_ALLOC_H
#define VMS_BASE_ALLOC_H

#include <stddef.h>

void *vms_malloc(size_t n);
void *vms_calloc(size_t count, size_t size);
void *vms_realloc(void *p, size_t n);
void vms_free(void *p);
char *vms_strdup(const char *s);

/* Fault injection for tests: after `n` more successful allocations every
 * allocation fails; n < 0 turns injection off. Returns allocations made so far.
 * Safe to call while other threads allocate (the count and countdown are atomic). */
long alloc_fail_after(long n);

#endif
