/* Number and size parsing shared by the state file, scenarios and the CLI.
 * All functions take an explicit [s, s+len) span and accept the whole span or fail. */
#ifndef VMS_BASE_PARSE_H
#define VMS_BASE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal or 0x-prefixed hex, no sign, no overflow. */
bool parse_u64(const char *s, size_t len, uint64_t *out);

/* A number with an optional size suffix: K/KiB, M/MiB, G/GiB (powers of two) and,
 * when page_size != 0, page/pages (N pages). Suffix matching is case-sensitive
 * except that k/m/g lower case are also accepted. No overflow. */
bool parse_size(const char *s, size_t len, uint64_t page_size, uint64_t *out);

/* Convenience forms on NUL-terminated strings. */
bool parse_u64_str(const char *s, uint64_t *out);
bool parse_size_str(const char *s, uint64_t page_size, uint64_t *out);

#endif
