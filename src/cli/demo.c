/* The bundled demonstration scenario that `vmsim run` runs without a file, and the
 * callback that prints before each command: the narration (a line "## text" tells the story
 * of the commands after it and is printed, as "# text", just before the next command runs)
 * and the echo of the command itself ("> fork parent child"). `vmsim run --print-demo`
 * prints the script; `vmsim run --echo FILE` echoes a file's commands the same way. */
#include "cli/cli.h"

#include <string.h>

const char cli_demo_text[] =
    "# vmsim's demonstration: `vmsim run --print-demo > demo.vms` saves it to edit.\n"
    "machine core-i7\n"
    "memory 64KiB            # 16 frames of 4 KiB for user pages: pressure is certain\n"
    "swap 8MiB\n"
    "policy clock\n"
    "file shared.dat 8KiB fill 0x2e\n"
    "\n"
    "## 1. fork and copy-on-write. The parent writes a page and forks; both see the same\n"
    "##    bytes from one frame until the child writes: then the child gets its own copy.\n"
    "spawn parent\n"
    "parent mmap buf 4pages rw- private anon\n"
    "parent store buf 8 0x1111\n"
    "fork parent child\n"
    "## After the fork, both page tables map buf to the same physical frame: the L4 line of\n"
    "##    each walk below (the PTE of the page itself) ends with its number, PFN=..., and\n"
    "##    has R/W=0: fork made the page read-only in both, so that a store faults.\n"
    "parent pagetable buf\n"
    "child pagetable buf\n"
    "child load buf 8\n"
    "## The child's store is a protection fault; the kernel copies the frame, and the\n"
    "##    child's PTE now names the copy (another PFN) with R/W=1 and D=1 (written).\n"
    "child store buf 8 0x2222\n"
    "child pagetable buf\n"
    "## The parent's PTE still names the first frame, and its bytes are untouched.\n"
    "parent pagetable buf\n"
    "parent load buf 8\n"
    "child load buf 8\n"
    "\n"
    "## 2. A shared file mapping. Both processes map shared.dat (bytes 0x2e); a store by one\n"
    "##    is seen at once by the other and by read(2) of the file through the page cache,\n"
    "##    and msync writes it to the file on disk. A private mapping keeps its writes.\n"
    "parent mmap f 8KiB rw- shared file shared.dat\n"
    "child mmap f 8KiB rw- shared file shared.dat\n"
    "child mmap p 8KiB rw- private file shared.dat\n"
    "parent store f+16 8 0x4242424242424242\n"
    "child load f+16 8\n"
    "child load p+16 8\n"
    "child store p+16 8 0x7\n"
    "parent msync f 8KiB\n"
    "expect file shared.dat 16 8 0x4242424242424242\n"
    "\n"
    "## 3. Swapping under pressure. 1 MiB of data goes through 16 frames: the clock policy\n"
    "##    reads and clears the A bits, evicts pages to the swap file, and every byte comes\n"
    "##    back (statistics below: swap.outs, swap.ins, faults.major).\n"
    "parent mmap big 1MiB rw- private anon\n"
    "parent fill big 1MiB 7\n"
    "parent check big 1MiB 7\n"
    "child load buf 8\n"
    "\n"
    "## 4. Faults that become signals. A store to a page made read-only is a protection\n"
    "##    fault (SIGSEGV accerr); an address no area contains is SIGSEGV maperr; a file page\n"
    "##    wholly past the end of its file is SIGBUS.\n"
    "parent mprotect buf 1page r--\n"
    "parent store buf 8 0x3333\n"
    "parent load buf 8\n"
    "parent load 0x1000 8\n"
    "parent mmap past 4pages r-- shared file shared.dat\n"
    "parent load past+3pages 1\n"
    "\n"
    "## 5. The areas of the parent (as /proc/PID/maps prints them) and the page-table walk\n"
    "##    of one address, every PTE decoded bit by bit.\n"
    "parent maps\n"
    "parent pagetable buf\n"
    "\n"
    "## 6. Statistics of the whole run. Part 3 pushed 1 MiB through 16 frames on purpose, so\n"
    "##    most of the simulated time went to swap-ins: vmsim's last line (on stderr) notes\n"
    "##    that the run thrashed. That is what part 3 set out to show, not an error: every\n"
    "##    result above is complete and correct.\n"
    "stats\n";

const size_t cli_demo_len = sizeof cli_demo_text - 1;

/* The line'th line of the script (1-based), NULL past the end. The commands come in
 * order, so the walk resumes from the last line found (s->at, s->at_line) when it can. */
static const char *line_start(struct cli_script *s, unsigned line)
{
    const char *p = s->text, *end = s->text + s->len;
    unsigned l = 1;
    if (s->at && s->at_line <= line) {
        p = s->at;
        l = s->at_line;
    }
    for (; l < line && p; l++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (p)
            p++;
    }
    if (!p || p >= end)
        return NULL;
    s->at = p;
    s->at_line = line;
    return p;
}

/* The length of the line at p (up to its newline or the end of the text). */
static size_t line_len(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return (size_t)((nl ? nl : end) - p);
}

/* The narration: the "##" lines just above `line`, as "# text" lines (a blank line
 * before, unless at the top). */
static void demo_narrate(struct cli_script *s, unsigned line, FILE *out)
{
    const char *end = s->text + s->len;
    unsigned first = line;
    while (first > 1) {
        const char *p = line_start(s, first - 1);
        if (!p || line_len(p, end) < 2 || strncmp(p, "##", 2) != 0)
            break;
        first--;
    }
    if (first == line)
        return;
    if (first > 1)
        fputc('\n', out);
    for (unsigned l = first; l < line; l++) {
        const char *p = line_start(s, l) + 2;
        size_t n = line_len(p, end);
        if (n && *p == ' ')
            p++, n--;
        fprintf(out, "# %.*s\n", (int)n, p);
    }
}

/* The echo: "> " and the command as written, without its comment and the blanks around. */
static void demo_echo(struct cli_script *s, unsigned line, FILE *out)
{
    const char *p = line_start(s, line);
    if (!p)
        return;
    size_t n = line_len(p, s->text + s->len);
    const char *hash = memchr(p, '#', n);
    if (hash)
        n = (size_t)(hash - p);
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    if (n)
        fprintf(out, "> %.*s\n", (int)n, p);
}

void cli_script_before_line(void *ctx, unsigned line, FILE *out)
{
    struct cli_script *s = ctx;
    if (s->narrate)
        demo_narrate(s, line, out);
    if (s->echo)
        demo_echo(s, line, out);
}
