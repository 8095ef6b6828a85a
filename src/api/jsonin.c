/* A small JSON reader (RFC 8259) for vmsim_call's requests: recursive descent with a depth
 * limit, strings decoded to UTF-8 (surrogate pairs joined, lone surrogates and raw control
 * characters refused), numbers checked against the grammar and kept as written. */
#include "api/jsonin.h"

#include "base/alloc.h"
#include "base/err.h"

#include <string.h>

struct jp {
    const char *s, *name;
    size_t len, pos;
    unsigned line;
    size_t line_start;
    struct vms_error *e;
};

static unsigned jp_col(const struct jp *p, size_t pos)
{
    return (unsigned)(pos - p->line_start + 1);
}

static int jp_error(struct jp *p, size_t pos, const char *what)
{
    char found[24];
    if (pos >= p->len)
        snprintf(found, sizeof found, "the end of the text");
    else if ((unsigned char)p->s[pos] < 0x20 || (unsigned char)p->s[pos] >= 0x7f)
        snprintf(found, sizeof found, "byte 0x%02x", (unsigned char)p->s[pos]);
    else
        snprintf(found, sizeof found, "'%c'", p->s[pos]);
    return err_set(p->e, VMS_EINVAL, "%s:%u:%u: expected %s, found %s", p->name, p->line,
                   jp_col(p, pos), what, found);
}

static void jp_ws(struct jp *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\n') {
            p->line++;
            p->line_start = p->pos + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

const char *jsonin_kind_name(enum jsonin_kind k)
{
    switch (k) {
    case JSONIN_NULL: return "null";
    case JSONIN_BOOL: return "a boolean";
    case JSONIN_NUMBER: return "a number";
    case JSONIN_STRING: return "a string";
    case JSONIN_ARRAY: return "an array";
    case JSONIN_OBJECT: return "an object";
    }
    return "?";
}

void jsonin_fini(struct jsonin *v)
{
    if (!v)
        return;
    vms_free(v->str);
    for (size_t i = 0; i < v->n; i++) {
        jsonin_fini(&v->items[i]);
        if (v->keys)
            vms_free(v->keys[i]);
    }
    vms_free(v->items);
    vms_free(v->keys);
    memset(v, 0, sizeof *v);
}

static int jp_value(struct jp *p, struct jsonin *v, unsigned depth);

static int jp_hex4(struct jp *p, size_t at, unsigned *out)
{
    unsigned u = 0;
    for (size_t i = 0; i < 4; i++) {
        char c = at + i < p->len ? p->s[at + i] : '\0';
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return jp_error(p, at + i, "four hex digits after \\u");
        u = u * 16 + d;
    }
    *out = u;
    return 0;
}

static size_t jp_utf8(unsigned cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* At the opening quote: the decoded string into *out (NUL-terminated), its length *olen. */
static int jp_string(struct jp *p, char **out, size_t *olen)
{
    size_t start = ++p->pos, end = start;
    while (end < p->len && p->s[end] != '"') /* the decoded text is never longer */
        end += p->s[end] == '\\' ? 2 : 1;
    if (end >= p->len)
        return jp_error(p, p->len, "'\"' closing the string");
    char *buf = vms_malloc(end - start + 1);
    if (!buf)
        return err_set(p->e, VMS_ENOMEM, "out of memory");
    size_t n = 0;
    while (p->s[p->pos] != '"') {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c < 0x20) {
            vms_free(buf);
            return jp_error(p, p->pos, "a character of the string (control characters are "
                                       "written as escapes)");
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            p->pos++;
            continue;
        }
        char x = p->s[p->pos + 1];
        const char *esc = strchr("\"\\/bfnrt", x);
        if (x && esc) {
            static const char real[] = "\"\\/\b\f\n\r\t";
            buf[n++] = real[esc - "\"\\/bfnrt"];
            p->pos += 2;
            continue;
        }
        if (x != 'u') {
            vms_free(buf);
            return jp_error(p, p->pos + 1, "an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
        }
        unsigned cp;
        if (jp_hex4(p, p->pos + 2, &cp)) {
            vms_free(buf);
            return -VMS_EINVAL;
        }
        size_t at = p->pos;
        p->pos += 6;
        if (cp >= 0xdc00 && cp <= 0xdfff) {
            vms_free(buf);
            return jp_error(p, at, "a code point (a low surrogate must follow a high one)");
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned lo;
            if (p->pos + 1 >= p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u' ||
                jp_hex4(p, p->pos + 2, &lo) || lo < 0xdc00 || lo > 0xdfff) {
                vms_free(buf);
                return err_set(p->e, VMS_EINVAL, "%s:%u:%u: expected a low surrogate \\uDC00.."
                               "\\uDFFF after the high surrogate", p->name, p->line,
                               jp_col(p, p->pos));
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            p->pos += 6;
        }
        if (cp == 0) {
            vms_free(buf);
            return jp_error(p, at, "a string without \\u0000");
        }
        n += jp_utf8(cp, buf + n);
    }
    p->pos++;
    buf[n] = '\0';
    *out = buf;
    *olen = n;
    return 0;
}

static int jp_number(struct jp *p, struct jsonin *v)
{
    size_t i = p->pos;
    const char *s = p->s;
    if (i < p->len && s[i] == '-')
        i++;
    if (i < p->len && s[i] == '0')
        i++;
    else if (i < p->len && s[i] >= '1' && s[i] <= '9')
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return jp_error(p, i, "a digit");
    if (i < p->len && s[i] == '.') {
        i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9')
            return jp_error(p, i, "a digit after the decimal point");
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9')
            return jp_error(p, i, "a digit of the exponent");
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    v->kind = JSONIN_NUMBER;
    v->len = i - p->pos;
    if (!(v->str = vms_malloc(v->len + 1)))
        return err_set(p->e, VMS_ENOMEM, "out of memory");
    memcpy(v->str, s + p->pos, v->len);
    v->str[v->len] = '\0';
    p->pos = i;
    return 0;
}

static int jp_word(struct jp *p, const char *w, struct jsonin *v, enum jsonin_kind k, bool b)
{
    size_t n = strlen(w);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, w, n))
        return jp_error(p, p->pos, "a JSON value");
    v->kind = k;
    v->b = b;
    p->pos += n;
    return 0;
}

/* Append a zeroed slot to v's items (and keys when keyed); its index in *i. */
static int jp_grow(struct jp *p, struct jsonin *v, size_t *cap, bool keyed, size_t *i)
{
    if (v->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 4;
        struct jsonin *it = vms_realloc(v->items, nc * sizeof *it);
        if (!it)
            return err_set(p->e, VMS_ENOMEM, "out of memory");
        v->items = it;
        if (keyed) {
            char **k = vms_realloc(v->keys, nc * sizeof *k);
            if (!k)
                return err_set(p->e, VMS_ENOMEM, "out of memory");
            v->keys = k;
        }
        *cap = nc;
    }
    *i = v->n;
    memset(&v->items[*i], 0, sizeof v->items[*i]);
    if (keyed)
        v->keys[*i] = NULL;
    v->n++;
    return 0;
}

static int jp_container(struct jp *p, struct jsonin *v, unsigned depth, bool obj)
{
    if (depth >= JSONIN_MAX_DEPTH)
        return err_set(p->e, VMS_EINVAL, "%s:%u:%u: expected at most %d nested arrays and "
                       "objects", p->name, p->line, jp_col(p, p->pos), JSONIN_MAX_DEPTH);
    v->kind = obj ? JSONIN_OBJECT : JSONIN_ARRAY;
    char close = obj ? '}' : ']';
    size_t cap = 0;
    p->pos++;
    jp_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 0;
    }
    for (;;) {
        size_t i = 0;
        int rc = jp_grow(p, v, &cap, obj, &i);
        if (rc)
            return rc;
        if (obj) {
            jp_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != '"')
                return jp_error(p, p->pos, "a member name (a string)");
            size_t klen;
            if ((rc = jp_string(p, &v->keys[i], &klen)))
                return rc;
            jp_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':')
                return jp_error(p, p->pos, "':' after the member name");
            p->pos++;
        }
        if ((rc = jp_value(p, &v->items[i], depth + 1)))
            return rc;
        jp_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return 0;
        }
        return jp_error(p, p->pos, obj ? "',' or '}'" : "',' or ']'");
    }
}

static int jp_value(struct jp *p, struct jsonin *v, unsigned depth)
{
    jp_ws(p);
    v->line = p->line;
    v->col = jp_col(p, p->pos);
    if (p->pos >= p->len)
        return jp_error(p, p->pos, "a JSON value");
    switch (p->s[p->pos]) {
    case '{': return jp_container(p, v, depth, true);
    case '[': return jp_container(p, v, depth, false);
    case '"': v->kind = JSONIN_STRING; return jp_string(p, &v->str, &v->len);
    case 't': return jp_word(p, "true", v, JSONIN_BOOL, true);
    case 'f': return jp_word(p, "false", v, JSONIN_BOOL, false);
    case 'n': return jp_word(p, "null", v, JSONIN_NULL, false);
    default: return jp_number(p, v);
    }
}

int jsonin_parse(const char *text, size_t len, const char *name, struct jsonin *out,
                 struct vms_error *e)
{
    memset(out, 0, sizeof *out);
    if (len > JSONIN_MAX_BYTES)
        return err_set(e, VMS_EINVAL, "%s: expected at most %u bytes, found %zu", name,
                       JSONIN_MAX_BYTES, len);
    struct jp p = {.s = text, .name = name, .len = len, .line = 1, .e = e};
    int rc = jp_value(&p, out, 0);
    if (rc == 0) {
        jp_ws(&p);
        if (p.pos < p.len)
            rc = jp_error(&p, p.pos, "the end of the text after the value");
    }
    if (rc)
        jsonin_fini(out);
    return rc;
}

const struct jsonin *jsonin_get(const struct jsonin *v, const char *key)
{
    if (!v || v->kind != JSONIN_OBJECT)
        return NULL;
    for (size_t i = v->n; i-- > 0;)
        if (!strcmp(v->keys[i], key))
            return &v->items[i];
    return NULL;
}
