/* The text helpers under the generators, the printers and the grader: a growing string
 * buffer, and the value of a key in the one-line JSON objects the library prints. */
#include "base/alloc.h"
#include "teach/teach.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void teach_buf_printf(struct teach_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (n >= 0 && b->len + (size_t)n + 1 > cap)
            cap *= 2;
        char *s = n < 0 ? NULL : vms_realloc(b->s, cap);
        if (!s) {
            vms_free(b->s);
            b->s = NULL;
            b->failed = true;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

bool teach_json_value(const char *json, const char *key, char *buf, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(json, pat);
    if (!p || n == 0)
        return false;
    p += strlen(pat);
    size_t len = 0;
    if (*p == '"') {
        const char *q = strchr(p + 1, '"');
        if (!q)
            return false;
        len = (size_t)(q + 1 - p);
    } else {
        len = strcspn(p, ",}]");
    }
    if (len >= n)
        len = n - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return true;
}
