/* vmsim_call: one JSON request in, one JSON response out (docs/web.md). The web build's only
 * entry point (exported from vmsim.wasm); natively it is an internal function that the unit
 * tests and the fuzz target call. */
#ifndef VMS_API_CALL_H
#define VMS_API_CALL_H

#include <stddef.h>

/* Answer the request [req, req+len): a JSON object whose "cmd" is translate, pages,
 * scenario, gen or check (docs/web.md gives each one's members). The response is always one
 * JSON object, vms_malloc'd and NUL-terminated, freed with vmsim_call_free: {"ok":true,...}
 * or {"ok":false,"error":"WHERE: what was expected"}. NULL only when host memory ran out
 * before the response could be made. */
char *vmsim_call_n(const char *req, size_t len);
/* The same for a NUL-terminated request. */
char *vmsim_call(const char *req);
void vmsim_call_free(char *resp);

#endif
