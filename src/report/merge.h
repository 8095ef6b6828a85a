/* Joining CSV result files into one table (`vmsim merge`, the end of `vmsim sweep`). */
#ifndef VMS_REPORT_MERGE_H
#define VMS_REPORT_MERGE_H

#include "vmsim.h"

#include <stdio.h>

/* Reads every file (a header row, then rows; RFC 4180 quoting) and writes one CSV to out:
 * the union of the columns — those that are not statistics keys first, in the order first
 * seen, then the statistics keys in schema order — and every row, in file order, with
 * empty cells for columns its file lacks. -VMS_EINVAL names FILE:LINE for a malformed
 * file; -VMS_EIO for an unreadable file or a failed write. */
int merge_csv(const char *const *paths, size_t n, FILE *out, struct vms_error *e);
/* The same with VMS_MERGE_* flags. Without VMS_MERGE_ANY_VERSION (and in merge_csv and
 * merge_csv_mem) rows whose vmsim.version columns differ are refused with -VMS_EINVAL
 * naming FILE:LINE of both, before anything is written. */
int merge_csv_flags(const char *const *paths, size_t n, unsigned flags, FILE *out,
                    struct vms_error *e);
/* The same over texts in memory (texts[i] of lens[i] bytes, named names[i]). */
int merge_csv_mem(const char *const *names, const char *const *texts, const size_t *lens,
                  size_t n, FILE *out, struct vms_error *e);

#endif
