/* A small JSON reader for the requests of vmsim_call (src/api/call.c, docs/web.md): RFC 8259
 * text into a tree of values, with every error as "NAME:LINE:COL: expected ...". */
#ifndef VMS_API_JSONIN_H
#define VMS_API_JSONIN_H

#include <stdbool.h>
#include <stddef.h>

#include "vmsim.h"

enum jsonin_kind { JSONIN_NULL, JSONIN_BOOL, JSONIN_NUMBER, JSONIN_STRING, JSONIN_ARRAY,
                   JSONIN_OBJECT };

/* One value. A number keeps its text as written (str, len); a string its decoded UTF-8
 * bytes (NUL-terminated; a \u0000 escape is refused, so strlen(str) == len); an array its
 * items; an object its members in order (keys[i] names items[i]). line and col are where
 * the value starts (1-based). */
struct jsonin {
    enum jsonin_kind kind;
    unsigned line, col;
    bool b;
    char *str;
    size_t len;
    struct jsonin *items;
    char **keys;
    size_t n;
};

/* Limits: nesting depth and input size (a request is small). */
#define JSONIN_MAX_DEPTH 64
#define JSONIN_MAX_BYTES (16u << 20)

/* Parse [text, text+len) as one JSON value (whitespace around it allowed) into *out, which
 * the caller frees with jsonin_fini. -VMS_EINVAL with "NAME:LINE:COL: expected ..." for bad
 * input, -VMS_ENOMEM; on failure *out holds nothing to free. */
int jsonin_parse(const char *text, size_t len, const char *name, struct jsonin *out,
                 struct vms_error *e);
void jsonin_fini(struct jsonin *v);
/* The member named key of an object (the last one if repeated), or NULL (also when v is not
 * an object). */
const struct jsonin *jsonin_get(const struct jsonin *v, const char *key);
/* A JSON kind's name for messages: "null", "a boolean", "a number", ... */
const char *jsonin_kind_name(enum jsonin_kind k);

#endif
