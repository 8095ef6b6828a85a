/* Page reference strings: "1 2 3w, 0x10" — numbers separated by blanks, commas or
 * newlines, each optionally marked w (write) or r (read); '#' comments to end of line. */
#include "base/alloc.h"
#include "base/err.h"
#include "base/parse.h"

#include <string.h>

static bool refs_sep(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == '\n' || c == '\r';
}

static int refs_push(struct vms_refs *r, uint64_t page, bool write)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 64;
        uint64_t *np = vms_realloc(r->page, ncap * sizeof *np);
        if (!np)
            return -1;
        r->page = np;
        bool *nw = vms_realloc(r->write, ncap * sizeof *nw);
        if (!nw)
            return -1;
        r->write = nw;
        r->cap = ncap;
    }
    r->page[r->n] = page;
    r->write[r->n] = write;
    r->n++;
    return 0;
}

int vms_refs_parse(struct vms_refs *r, const char *s, size_t len, const char *name,
                   struct vms_error *e)
{
    size_t i = 0, line = 1, line_start = 0;
    while (i < len) {
        char c = s[i];
        if (c == '\n') {
            line++;
            line_start = i + 1;
            i++;
            continue;
        }
        if (refs_sep(c)) {
            i++;
            continue;
        }
        if (c == '#') {
            while (i < len && s[i] != '\n')
                i++;
            continue;
        }
        size_t start = i;
        while (i < len && !refs_sep(s[i]) && s[i] != '#')
            i++;
        size_t tl = i - start;
        bool write = false;
        size_t nl = tl;
        if (nl > 1 && (s[start + nl - 1] == 'w' || s[start + nl - 1] == 'W' ||
                       s[start + nl - 1] == 'r' || s[start + nl - 1] == 'R')) {
            write = s[start + nl - 1] == 'w' || s[start + nl - 1] == 'W';
            nl--;
        }
        uint64_t page;
        if (!parse_u64(s + start, nl, &page)) {
            int shown = tl > 40 ? 40 : (int)tl;
            bool printable = true;
            for (size_t k = 0; k < (size_t)shown; k++)
                if ((unsigned char)s[start + k] < 0x20 || (unsigned char)s[start + k] >= 0x7f)
                    printable = false;
            if (!printable)
                return err_set(e, VMS_EINVAL,
                               "%s:%zu:%zu: expected a page number (decimal or 0x hex, "
                               "optionally followed by w or r), found a non-printable token",
                               name, line, start - line_start + 1);
            return err_set(e, VMS_EINVAL,
                           "%s:%zu:%zu: expected a page number (decimal or 0x hex, "
                           "optionally followed by w or r), found '%.*s%s'",
                           name, line, start - line_start + 1, shown, s + start,
                           tl > 40 ? "..." : "");
        }
        if (refs_push(r, page, write) < 0)
            return err_set(e, VMS_ENOMEM, "%s: out of memory reading references", name);
    }
    return 0;
}

void vms_refs_fini(struct vms_refs *r)
{
    if (!r)
        return;
    vms_free(r->page);
    vms_free(r->write);
    memset(r, 0, sizeof *r);
}
