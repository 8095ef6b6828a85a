/* The bundled demonstration scenario that `vmsim run` runs without a file, and its narration:
 * a line "## text" tells the story of the commands after it and is printed, as "# text",
 * just before the next command runs. `vmsim run --print-demo` prints the script. */
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
    "child load buf 8\n"
    "child store buf 8 0x2222\n"
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
    "## 6. Statistics of the whole run.\n"
    "stats\n";

const size_t cli_demo_len = sizeof cli_demo_text - 1;

/* Narration: for each line number, the "## " lines just before it (joined). */
struct demo_notes {
    const char *text;
};

static const char *line_start(unsigned line)
{
    const char *p = cli_demo_text;
    for (unsigned l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return p;
}

void cli_demo_narrate(void *ctx, unsigned line, FILE *out)
{
    (void)ctx;
    /* walk back over the lines above `line` while they are narration */
    unsigned first = line;
    while (first > 1) {
        const char *p = line_start(first - 1);
        if (!p || strncmp(p, "##", 2) != 0)
            break;
        first--;
    }
    if (first == line)
        return;
    if (first > 1)
        fputc('\n', out);
    for (unsigned l = first; l < line; l++) {
        const char *p = line_start(l) + 2;
        const char *nl = strchr(p, '\n');
        if (*p == ' ')
            p++;
        fprintf(out, "# %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
    }
}
