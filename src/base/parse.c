/* Number and size parsing (see parse.h). */
#include "base/parse.h"

#include "vmsim.h"

#include <string.h>

bool parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    if (len == 0)
        return false;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        i = 2;
        for (; i < len; i++) {
            unsigned d;
            char c = s[i];
            if (c >= '0' && c <= '9')
                d = (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f')
                d = (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                d = (unsigned)(c - 'A' + 10);
            else
                return false;
            if (v >> 60)
                return false;
            v = v << 4 | d;
        }
    } else {
        for (; i < len; i++) {
            char c = s[i];
            if (c < '0' || c > '9')
                return false;
            uint64_t d = (uint64_t)(c - '0');
            if (v > (UINT64_MAX - d) / 10)
                return false;
            v = v * 10 + d;
        }
    }
    *out = v;
    return true;
}

static bool suffix_is(const char *s, size_t len, const char *suf)
{
    return len == strlen(suf) && memcmp(s, suf, len) == 0;
}

bool parse_size(const char *s, size_t len, uint64_t page_size, uint64_t *out)
{
    size_t n = 0;
    /* The numeric part: hex (0x...) or decimal digits. */
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        n = 2;
        while (n < len && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
                           (s[n] >= 'A' && s[n] <= 'F')))
            n++;
    } else {
        while (n < len && s[n] >= '0' && s[n] <= '9')
            n++;
    }
    uint64_t v, mul = 1;
    if (!parse_u64(s, n, &v))
        return false;
    const char *suf = s + n;
    size_t sl = len - n;
    if (sl == 0)
        mul = 1;
    else if (suffix_is(suf, sl, "K") || suffix_is(suf, sl, "KiB") || suffix_is(suf, sl, "k"))
        mul = UINT64_C(1) << 10;
    else if (suffix_is(suf, sl, "M") || suffix_is(suf, sl, "MiB") || suffix_is(suf, sl, "m"))
        mul = UINT64_C(1) << 20;
    else if (suffix_is(suf, sl, "G") || suffix_is(suf, sl, "GiB") || suffix_is(suf, sl, "g"))
        mul = UINT64_C(1) << 30;
    else if (page_size && (suffix_is(suf, sl, "page") || suffix_is(suf, sl, "pages")))
        mul = page_size;
    else
        return false;
    if (v && mul > UINT64_MAX / v)
        return false;
    *out = v * mul;
    return true;
}

bool parse_u64_str(const char *s, uint64_t *out)
{
    return parse_u64(s, strlen(s), out);
}

bool parse_size_str(const char *s, uint64_t page_size, uint64_t *out)
{
    return parse_size(s, strlen(s), page_size, out);
}

bool vms_parse_size(const char *s, uint64_t *out)
{
    return parse_size_str(s, 0, out);
}
