/* Unit tests for src/scenario: the byte generator, every command form of the parser, every
 * parse error with its exact message and column, and allocation failure during parsing. */
#include "harness.h"

#include "base/alloc.h"
#include "scenario/gen.h"
#include "scenario/scenario.h"

#include <stdlib.h>

/* ---------------------------------------------------------------- generator */

TEST(scenario_gen_seed0)
{
    static const uint8_t want[16] = {0xaf, 0xcd, 0x1d, 0x7b, 0x39, 0xa8, 0x20, 0xe2,
                                     0xf4, 0x65, 0xb9, 0xa1, 0x6a, 0x9e, 0x78, 0x6e};
    struct gen g;
    uint8_t got[16];
    gen_init(&g, 0);
    gen_bytes(&g, got, sizeof got);
    for (int i = 0; i < 16; i++)
        CHECK_EQ(got[i], want[i]);
    uint64_t st = 0;
    CHECK_EQ(gen_next(&st), 0xe220a8397b1dcdafull);
    CHECK_EQ(st, 0x9e3779b97f4a7c15ull);
    CHECK_EQ(gen_next(&st), 0x6e789e6aa1b965f4ull);
}

TEST(scenario_gen_other_seeds)
{
    /* Worked from the formula: state = seed + 0x9e3779b97f4a7c15, then the two
     * xor-shift-multiply rounds and the final xor-shift. */
    uint64_t st = 1;
    CHECK_EQ(gen_next(&st), 0x910a2dec89025cc1ull);
    st = 42;
    CHECK_EQ(gen_next(&st), 0xbdd732262feb6e95ull);
    st = UINT64_MAX; /* the increment wraps mod 2^64 */
    CHECK_EQ(gen_next(&st), 0xe4d971771b652c20ull);
    struct gen g;
    gen_init(&g, 1);
    CHECK_EQ(gen_byte(&g), 0xc1);
    CHECK_EQ(gen_byte(&g), 0x5c);
    for (int i = 2; i < 8; i++)
        gen_byte(&g);
    uint64_t st1 = 1;
    gen_next(&st1);
    uint64_t second = gen_next(&st1);
    CHECK_EQ(gen_byte(&g), second & 0xff); /* byte 8 is byte 0 of the 2nd next() */
}

/* ---------------------------------------------------------------- parsing */

static struct vms_scenario *parse_ok(const char *text)
{
    struct vms_error e = {0};
    struct vms_scenario *sc = NULL;
    int rc = scenario_parse(text, strlen(text), "t.vms", &sc, &e);
    if (rc != 0)
        harness_fail(__FILE__, __LINE__, "parse failed: %s", e.msg);
    return sc;
}

/* Parse must fail with exactly msg. */
static void parse_err(const char *text, const char *msg, int line)
{
    struct vms_error e = {0};
    struct vms_scenario *sc = (struct vms_scenario *)1;
    int rc = scenario_parse(text, strlen(text), "t.vms", &sc, &e);
    if (rc != -VMS_EINVAL || sc != NULL)
        harness_fail(__FILE__, line, "expected a parse error for \"%s\"", text);
    else if (strcmp(e.msg, msg))
        harness_fail(__FILE__, line, "message \"%s\" != \"%s\"", e.msg, msg);
}
#define PARSE_ERR(text, msg) parse_err(text, msg, __LINE__)

TEST(scenario_parse_setup)
{
    struct vms_scenario *sc = parse_ok("# a comment\n"
                                   "\n"
                                   "machine core-i7 tlb.l1d=32:4 page_size=8K  # override\n"
                                   "memory 64MiB\n"
                                   "swap 1G\n"
                                   "policy clock\n"
                                   "file data.bin 2pages fill 0xab\n"
                                   "file r.bin 100 random 7\n"
                                   "file z 3 pages zero\n"
                                   "stats\n");
    if (!sc)
        return;
    CHECK_EQ(sc->ncmds, 8);
    CHECK_EQ(sc->page_size, 8192);
    CHECK_STR(sc->machine, "core-i7");
    const struct scn_cmd *c = sc->cmds;
    CHECK_EQ(c[0].kind, SCN_MACHINE);
    CHECK_EQ(c[0].line, 3);
    CHECK_EQ(c[0].col, 1);
    CHECK_STR(c[0].name, "core-i7");
    CHECK_EQ(c[0].argc, 2);
    CHECK_STR(c[0].argv[0], "tlb.l1d=32:4");
    CHECK_STR(c[0].argv[1], "page_size=8K");
    CHECK(c[0].argv[2] == NULL);
    CHECK_EQ(c[1].kind, SCN_MEMORY);
    CHECK_EQ(c[1].size, 64u << 20);
    CHECK_EQ(c[2].kind, SCN_SWAP);
    CHECK_EQ(c[2].size, 1ull << 30);
    CHECK_EQ(c[3].kind, SCN_POLICY);
    CHECK_STR(c[3].name, "clock");
    CHECK_EQ(c[4].kind, SCN_FILE);
    CHECK_STR(c[4].name, "data.bin");
    CHECK_EQ(c[4].size, 16384); /* pages of the machine in effect (8 KiB) */
    CHECK_EQ(c[4].fill, SCN_FILL_BYTE);
    CHECK_EQ(c[4].value, 0xab);
    CHECK_EQ(c[5].fill, SCN_FILL_RANDOM);
    CHECK_EQ(c[5].seed, 7);
    CHECK_EQ(c[5].size, 100);
    CHECK_EQ(c[6].fill, SCN_FILL_ZERO);
    CHECK_EQ(c[6].size, 3 * 8192);
    CHECK_EQ(c[7].kind, SCN_STATS);
    scenario_destroy(sc);
}

TEST(scenario_parse_page_size_follows_machine)
{
    struct vms_scenario *sc = parse_ok("file f 1page zero\nmachine csapp-small\nspawn P\n"
                                   "P mmap A 2pages rw- private anon\nP touch A+1page 1 page\n");
    if (!sc)
        return;
    CHECK_EQ(sc->page_size, 64);
    CHECK_EQ(sc->cmds[0].size, 64); /* the last machine line before spawn counts */
    CHECK_EQ(sc->cmds[3].size, 128);
    CHECK_EQ(sc->cmds[4].addr.off, 64);
    CHECK_EQ(sc->cmds[4].size, 64);
    scenario_destroy(sc);
    sc = parse_ok("spawn P\nP mmap A 1page rw- private anon\n");
    if (sc)
        CHECK_EQ(sc->cmds[1].size, 4096); /* core-i7 by default */
    scenario_destroy(sc);
    sc = parse_ok("machine x86-64-5level\nmachine csapp-2level\nspawn P\n");
    if (sc) {
        CHECK_EQ(sc->page_size, 4096);
        CHECK_STR(sc->machine, "csapp-2level");
    }
    scenario_destroy(sc);
}

TEST(scenario_parse_processes)
{
    struct vms_scenario *sc = parse_ok("spawn P\n"
                                   "exec P /usr/bin/cat -n x\n"
                                   "fork P Q\n"
                                   "switch Q\n"
                                   "exit P\n"
                                   "spawn P\n"
                                   "exec Q /bin/true\n");
    if (!sc)
        return;
    const struct scn_cmd *c = sc->cmds;
    CHECK_EQ(sc->ncmds, 7);
    CHECK_EQ(c[0].kind, SCN_SPAWN);
    CHECK_STR(c[0].proc, "P");
    CHECK_EQ(c[1].kind, SCN_EXEC);
    CHECK_EQ(c[1].argc, 3);
    CHECK_STR(c[1].argv[0], "/usr/bin/cat");
    CHECK_STR(c[1].argv[2], "x");
    CHECK_EQ(c[2].kind, SCN_FORK);
    CHECK_STR(c[2].proc2, "Q");
    CHECK_EQ(c[3].kind, SCN_SWITCH);
    CHECK_EQ(c[4].kind, SCN_EXIT);
    CHECK_EQ(c[5].kind, SCN_SPAWN);
    CHECK_EQ(c[6].argc, 1);
    scenario_destroy(sc);
}

TEST(scenario_parse_memory_commands)
{
    struct vms_scenario *sc = parse_ok(
        "file d.bin 8K zero\n"
        "spawn P\n"
        "P mmap A 3pages rw- private anon\n"
        "P mmap F 8K r-x shared file d.bin offset 4K at 0x10000000 fixed\n"
        "P mmap G 1 --- private file d.bin at A+2pages\n"
        "P mmap A 4 pages -w- shared anon\n"
        "P munmap A+4K 4K\n"
        "P mprotect A 8K r--\n"
        "P msync F 1page\n"
        "P brk +3pages\n"
        "P brk -1 page\n"
        "P load heap 8\n"
        "P store A+0x10 2 0xffff\n"
        "P fetch F\n"
        "P expect 0x1000 4 0xdeadbeef\n"
        "P fill A 1M 42\n"
        "P check A 1M 42\n"
        "P touch A 3pages\n"
        "P touch A 3pages write\n"
        "P touch A 1 read\n"
        "P maps\n"
        "P pagetable\n"
        "P pagetable A+1\n"
        "expect file d.bin 0x10 8 0x0\n");
    if (!sc)
        return;
    const struct scn_cmd *c = sc->cmds;
    CHECK_EQ(sc->ncmds, 24);
    CHECK_EQ(c[2].kind, SCN_MMAP);
    CHECK_STR(c[2].proc, "P");
    CHECK_STR(c[2].name, "A");
    CHECK_EQ(c[2].size, 3 * 4096);
    CHECK_EQ(c[2].prot, SCN_PROT_R | SCN_PROT_W);
    CHECK(!c[2].shared && !c[2].file && !c[2].has_at && !c[2].has_offset);
    CHECK_EQ(c[3].prot, SCN_PROT_R | SCN_PROT_X);
    CHECK(c[3].shared && c[3].has_offset && c[3].has_at && c[3].fixed);
    CHECK_STR(c[3].file, "d.bin");
    CHECK_EQ(c[3].offset, 4096);
    CHECK(c[3].at.name == NULL);
    CHECK_EQ(c[3].at.off, 0x10000000);
    CHECK_STR(c[3].at.text, "0x10000000");
    CHECK_EQ(c[4].prot, 0);
    CHECK(c[4].has_at && !c[4].fixed);
    CHECK_STR(c[4].at.name, "A");
    CHECK_EQ(c[4].at.off, 8192);
    CHECK_STR(c[4].at.text, "A+2pages");
    CHECK_EQ(c[5].size, 4 * 4096);
    CHECK_EQ(c[5].prot, SCN_PROT_W);
    CHECK_EQ(c[6].kind, SCN_MUNMAP);
    CHECK_STR(c[6].addr.text, "A+4K");
    CHECK_EQ(c[6].addr.off, 4096);
    CHECK_EQ(c[7].kind, SCN_MPROTECT);
    CHECK_EQ(c[7].prot, SCN_PROT_R);
    CHECK_EQ(c[8].kind, SCN_MSYNC);
    CHECK_EQ(c[9].kind, SCN_BRK);
    CHECK(!c[9].brk_shrink);
    CHECK_EQ(c[9].size, 3 * 4096);
    CHECK(c[10].brk_shrink);
    CHECK_EQ(c[10].size, 4096);
    CHECK_EQ(c[11].kind, SCN_LOAD);
    CHECK_STR(c[11].addr.name, "heap");
    CHECK_EQ(c[11].size, 8);
    CHECK_EQ(c[12].kind, SCN_STORE);
    CHECK_EQ(c[12].addr.off, 16);
    CHECK_EQ(c[12].size, 2);
    CHECK_EQ(c[12].value, 0xffff);
    CHECK_EQ(c[13].kind, SCN_FETCH);
    CHECK_EQ(c[14].kind, SCN_EXPECT);
    CHECK(c[14].addr.name == NULL);
    CHECK_EQ(c[14].addr.off, 0x1000);
    CHECK_EQ(c[14].value, 0xdeadbeef);
    CHECK_EQ(c[15].kind, SCN_FILL);
    CHECK_EQ(c[15].size, 1 << 20);
    CHECK_EQ(c[15].seed, 42);
    CHECK_EQ(c[16].kind, SCN_CHECK);
    CHECK_EQ(c[17].kind, SCN_TOUCH);
    CHECK(!c[17].write);
    CHECK(c[18].write);
    CHECK(!c[19].write);
    CHECK_EQ(c[20].kind, SCN_MAPS);
    CHECK_EQ(c[21].kind, SCN_PAGETABLE);
    CHECK(!c[21].has_addr);
    CHECK(c[22].has_addr);
    CHECK_STR(c[22].addr.text, "A+1");
    CHECK_EQ(c[23].kind, SCN_EXPECT_FILE);
    CHECK_STR(c[23].name, "d.bin");
    CHECK_STR(c[23].offset_text, "0x10");
    CHECK_EQ(c[23].offset, 16);
    CHECK_EQ(c[23].size, 8);
    scenario_destroy(sc);
}

TEST(scenario_parse_lexical)
{
    /* Tabs, CR LF, comments glued to tokens, no final newline, names with - and _. */
    struct vms_scenario *sc =
        parse_ok("spawn my-proc_1#c\r\n\tmy-proc_1 mmap _a 1 rw- private anon\r\n"
                 "my-proc_1 load _a 8");
    if (!sc)
        return;
    CHECK_EQ(sc->ncmds, 3);
    CHECK_STR(sc->cmds[0].proc, "my-proc_1");
    CHECK_EQ(sc->cmds[1].col, 2);
    CHECK_EQ(sc->cmds[2].line, 3);
    scenario_destroy(sc);
    sc = parse_ok("");
    if (sc)
        CHECK_EQ(sc->ncmds, 0);
    scenario_destroy(sc);
    /* A process may be called like a memory verb: only command words are reserved. */
    sc = parse_ok("spawn load\nload mmap mmap 1 rw- private anon\nload load mmap 1\n");
    if (sc)
        CHECK_EQ(sc->cmds[2].kind, SCN_LOAD);
    scenario_destroy(sc);
}

#define PRE "spawn P\nP mmap A 4K rw- private anon\n"

TEST(scenario_parse_errors)
{
    PARSE_ERR("bogus\n", "t.vms:1:1: expected a command, got 'bogus'");
    PARSE_ERR("\n  9x A\n", "t.vms:2:3: expected a command, got '9x'");
    PARSE_ERR(PRE "P lod A 1\n",
              "t.vms:3:3: expected a command after the process name (mmap, munmap, mprotect, "
              "msync, brk, load, store, fetch, expect, fill, check, touch, maps or pagetable), "
              "got 'lod'");
    PARSE_ERR("mmapp A 4K\n", "t.vms:1:1: expected a command, got 'mmapp'");
    PARSE_ERR("spawn P\x01\n", "t.vms:1:8: expected a printable character, got byte 0x01");
    /* arity */
    PARSE_ERR(PRE "P load A\n", "t.vms:3:9: expected a size (1, 2, 4 or 8), got end of line");
    PARSE_ERR(PRE "P load A 1 2\n", "t.vms:3:12: expected end of line, got '2'");
    PARSE_ERR("spawn\n", "t.vms:1:6: expected a process name, got end of line");
    PARSE_ERR("spawn P Q\n", "t.vms:1:9: expected end of line, got 'Q'");
    PARSE_ERR("stats now\n", "t.vms:1:7: expected end of line, got 'now'");
    PARSE_ERR(PRE "P maps A\n", "t.vms:3:8: expected end of line, got 'A'");
    PARSE_ERR(PRE "P store A 1\n", "t.vms:3:12: expected a value (a number), got end of line");
    PARSE_ERR(PRE "P fill A 4K\n", "t.vms:3:12: expected a seed (a number), got end of line");
    PARSE_ERR("spawn P\nexec P\n", "t.vms:2:7: expected a program path, got end of line");
    PARSE_ERR("spawn P\nfork P\n", "t.vms:2:7: expected a process name, got end of line");
    /* numbers and sizes */
    PARSE_ERR(PRE "P load A 3\n", "t.vms:3:10: expected a size (1, 2, 4 or 8), got '3'");
    PARSE_ERR(PRE "P load A 0x10\n", "t.vms:3:10: expected a size (1, 2, 4 or 8), got '0x10'");
    PARSE_ERR(PRE "P store A 1 256\n", "t.vms:3:13: expected a value that fits in 1 byte, got '256'");
    PARSE_ERR(PRE "P store A 2 0x10000\n",
              "t.vms:3:13: expected a value that fits in 2 bytes, got '0x10000'");
    PARSE_ERR(PRE "P expect A 4 0x100000000\n",
              "t.vms:3:14: expected a value that fits in 4 bytes, got '0x100000000'");
    PARSE_ERR(PRE "P store A 8 0x10000000000000000\n",
              "t.vms:3:13: expected a value (a number), got '0x10000000000000000'");
    PARSE_ERR(PRE "P store A 1 -1\n", "t.vms:3:13: expected a value (a number), got '-1'");
    PARSE_ERR(PRE "P fill A 4KB 1\n", "t.vms:3:10: expected a length, got '4KB'");
    PARSE_ERR(PRE "P fill A 4K x\n", "t.vms:3:13: expected a seed (a number), got 'x'");
    PARSE_ERR(PRE "P munmap A 0\n", "t.vms:3:12: expected a length greater than 0, got '0'");
    PARSE_ERR("spawn P\nP mmap A 0 rw- private anon\n",
              "t.vms:2:10: expected a length greater than 0, got '0'");
    PARSE_ERR("spawn P\nP mmap A 99999999999999G rw- private anon\n",
              "t.vms:2:10: expected a length, got '99999999999999G'");
    PARSE_ERR("memory 64MB\n", "t.vms:1:8: expected a size, got '64MB'");
    PARSE_ERR("memory 32\n", "t.vms:1:8: expected a memory size of at least 4 pages, got '32'");
    PARSE_ERR("file f 4K fill 0x100\n", "t.vms:1:16: expected a byte (0 to 0xff), got '0x100'");
    PARSE_ERR("file f 4K ones\n", "t.vms:1:11: expected fill BYTE, random SEED or zero, got 'ones'");
    PARSE_ERR(PRE "P brk 4K\n", "t.vms:3:7: expected +SIZE or -SIZE, got '4K'");
    PARSE_ERR(PRE "P brk +\n", "t.vms:3:7: expected +SIZE or -SIZE, got '+'");
    /* addresses */
    PARSE_ERR(PRE "P load A+ 1\n",
              "t.vms:3:8: expected an address (NAME, NAME+OFF or a number), got 'A+'");
    PARSE_ERR(PRE "P load 12z 1\n",
              "t.vms:3:8: expected an address (NAME, NAME+OFF or a number), got '12z'");
    PARSE_ERR(PRE "P load A-4 1\n", /* '-' is a name character: A-4 is a name */
              "t.vms:3:8: expected a mapping name bound in this process (by mmap or brk), got "
              "'A-4'");
    PARSE_ERR(PRE "P load B 1\n",
              "t.vms:3:8: expected a mapping name bound in this process (by mmap or brk), got 'B'");
    PARSE_ERR(PRE "P load heap 1\n",
              "t.vms:3:8: expected a mapping name bound in this process (by mmap or brk), got "
              "'heap'");
    PARSE_ERR(PRE "exec P /bin/true\nP load A 1\n",
              "t.vms:4:8: expected a mapping name bound in this process (by mmap or brk), got 'A'");
    PARSE_ERR(PRE "P mmap B 4K rw- private anon at C\n",
              "t.vms:3:33: expected a mapping name bound in this process (by mmap or brk), got 'C'");
    /* PROT */
    PARSE_ERR(PRE "P mprotect A 4K rw\n",
              "t.vms:3:17: expected a protection (three characters from r-, w-, x-, e.g. rw-), got "
              "'rw'");
    PARSE_ERR(PRE "P mprotect A 4K wr-\n",
              "t.vms:3:17: expected a protection (three characters from r-, w-, x-, e.g. rw-), got "
              "'wr-'");
    PARSE_ERR(PRE "P mprotect A 4K rwxr\n",
              "t.vms:3:17: expected a protection (three characters from r-, w-, x-, e.g. rw-), got "
              "'rwxr'");
    /* mmap clauses */
    PARSE_ERR("spawn P\nP mmap A 4K rw- public anon\n",
              "t.vms:2:17: expected private or shared, got 'public'");
    PARSE_ERR("spawn P\nP mmap A 4K rw- private anonymous\n",
              "t.vms:2:25: expected anon or file NAME, got 'anonymous'");
    PARSE_ERR("spawn P\nP mmap A 4K rw- private anon offset 0\n",
              "t.vms:2:30: expected at or end of line ('offset' needs a file mapping), got 'offset'");
    PARSE_ERR("file f 8K zero\nspawn P\nP mmap A 4K rw- private file f offset 100\n",
              "t.vms:3:39: expected a page-aligned offset, got '100'");
    PARSE_ERR("file f 8K zero\nspawn P\nP mmap A 4K rw- private file f offset 4K offset 0\n",
              "t.vms:3:42: expected at or end of line, got 'offset'");
    PARSE_ERR("spawn P\nP mmap A 4K rw- private anon at 0x1000 fixed fixed\n",
              "t.vms:2:46: expected offset or end of line, got 'fixed'");
    PARSE_ERR("spawn P\nP mmap A 4K rw- private file g\n",
              "t.vms:2:30: expected a file declared by a 'file' line, got 'g'");
    PARSE_ERR("spawn P\nP mmap A 4K rw- private file\n",
              "t.vms:2:29: expected a file name, got end of line");
    /* names */
    PARSE_ERR("spawn exit\n", "t.vms:1:7: expected a process name (not a command word), got 'exit'");
    PARSE_ERR("spawn 1P\n", "t.vms:1:7: expected a process name, got '1P'");
    PARSE_ERR("spawn P.x\n", "t.vms:1:7: expected a process name, got 'P.x'");
    PARSE_ERR("spawn P\nP mmap file 4K rw- private anon\n",
              "t.vms:2:8: expected a mapping name (not a command word), got 'file'");
    PARSE_ERR("file .. 4K zero\n", "t.vms:1:6: expected a file name, got '..'");
    PARSE_ERR("file a/b 4K zero\n", "t.vms:1:6: expected a file name, got 'a/b'");
    PARSE_ERR("file stats 4K zero\n", "t.vms:1:6: expected a file name, got 'stats'");
    /* processes */
    PARSE_ERR("spawn P\nspawn P\n", "t.vms:2:7: expected a process name not in use, got 'P'");
    PARSE_ERR("spawn P\nfork P P\n", "t.vms:2:8: expected a process name not in use, got 'P'");
    PARSE_ERR("fork P Q\n", "t.vms:1:6: expected a running process (spawn or fork it first), got 'P'");
    PARSE_ERR("spawn P\nexit P\nP maps\n",
              "t.vms:3:1: expected a running process (spawn or fork it first), got 'P'");
    PARSE_ERR("spawn P\nswitch Q\n",
              "t.vms:2:8: expected a running process (spawn or fork it first), got 'Q'");
    /* setup */
    PARSE_ERR("spawn P\nmemory 64MiB\n",
              "t.vms:2:1: expected a process or memory command (setup lines come before the first "
              "spawn), got 'memory'");
    PARSE_ERR("spawn P\nfile f 4K zero\n",
              "t.vms:2:1: expected a process or memory command (setup lines come before the first "
              "spawn), got 'file'");
    PARSE_ERR("machine core-i8\n",
              "t.vms:1:9: expected a machine preset (csapp-small, csapp-2level, core-i7 or "
              "x86-64-5level), got 'core-i8'");
    PARSE_ERR("machine\n",
              "t.vms:1:8: expected a machine preset (csapp-small, csapp-2level, core-i7 or "
              "x86-64-5level), got end of line");
    PARSE_ERR("machine core-i7 tlb\n", "t.vms:1:17: expected a KEY=VALUE override, got 'tlb'");
    PARSE_ERR("machine core-i7 page_size=3K\n",
              "t.vms:1:17: expected page_size=SIZE with SIZE a power of two, got 'page_size=3K'");
    PARSE_ERR("policy\n", "t.vms:1:7: expected a replacement policy that needs no future (see "
                           "`vmsim pages --help`; opt exists only for pages and mrc), got end of line");
    PARSE_ERR("policy opt\n", "t.vms:1:8: expected a replacement policy that needs no future (see "
                               "`vmsim pages --help`; opt exists only for pages and mrc), got 'opt'");
    PARSE_ERR("policy nosuch\n", "t.vms:1:8: expected a replacement policy that needs no future "
                                  "(see `vmsim pages --help`; opt exists only for pages and mrc), "
                                  "got 'nosuch'");
    /* expect file */
    PARSE_ERR("expect load\n",
              "t.vms:1:8: expected 'file' after 'expect' (P expect ADDR SIZE VALUE needs a "
              "process), got 'load'");
    PARSE_ERR("expect file f 0 1 0\n", "t.vms:1:13: expected a file declared by a 'file' line, got 'f'");
    PARSE_ERR("file f 1 zero\nexpect file f 0 16 0\n",
              "t.vms:2:17: expected a size (1, 2, 4 or 8), got '16'");
    /* touch */
    PARSE_ERR(PRE "P touch A 4K rw\n", "t.vms:3:14: expected read, write or end of line, got 'rw'");
    /* the first error wins, and later lines are not looked at */
    PARSE_ERR("bogus\nspawn\n", "t.vms:1:1: expected a command, got 'bogus'");
}

TEST(scenario_parse_long_token_is_truncated_in_message)
{
    char text[400];
    memset(text, 'x', sizeof text);
    memcpy(text, "spawn 1", 7);
    text[sizeof text - 1] = '\0';
    struct vms_error e = {0};
    struct vms_scenario *sc = NULL;
    CHECK_EQ(scenario_parse(text, strlen(text), "t.vms", &sc, &e), -VMS_EINVAL);
    CHECK(strlen(e.msg) < 150);
}

TEST(scenario_parse_alloc_failures)
{
    const char *text = "file d.bin 8K zero\nspawn P\nP mmap A 3pages rw- private anon\n"
                       "P mmap F 8K r-x shared file d.bin offset 4K at A+4K fixed\nfork P Q\n"
                       "Q brk +4K\nQ load heap 1\nexec Q /bin/true a b\nexpect file d.bin 0 1 0\n";
    int ok = 0;
    for (long n = 0; n < 200; n++) {
        struct vms_error e = {0};
        struct vms_scenario *sc = NULL;
        alloc_fail_after(n);
        int rc = scenario_parse(text, strlen(text), "t.vms", &sc, &e);
        alloc_fail_after(-1);
        if (rc == 0) {
            CHECK(sc != NULL);
            scenario_destroy(sc);
            ok = 1;
            break;
        }
        CHECK_EQ(rc, -VMS_ENOMEM);
        CHECK(sc == NULL);
    }
    CHECK(ok);
}

/* A machine line's preset is looked up through vms_config_create, which allocates: a host
 * out of memory there is -VMS_ENOMEM, never "expected a machine preset". */
TEST(scenario_parse_machine_alloc_failures)
{
    const char *text =
        "machine csapp-2level page_size=8K\nspawn P\nP mmap A 2pages rw- private anon\n";
    int ok = 0;
    for (long n = 0; n < 200; n++) {
        struct vms_error e = {0};
        struct vms_scenario *sc = NULL;
        alloc_fail_after(n);
        int rc = scenario_parse(text, strlen(text), "t.vms", &sc, &e);
        alloc_fail_after(-1);
        if (rc == 0) {
            CHECK(sc != NULL);
            CHECK_EQ(sc->page_size, 8192);
            scenario_destroy(sc);
            ok = 1;
            break;
        }
        CHECK_EQ(rc, -VMS_ENOMEM);
        CHECK(sc == NULL);
    }
    CHECK(ok);
}

TEST(scenario_public_parse_file)
{
    struct vms_error e = {0};
    struct vms_scenario *sc = NULL;
    CHECK_EQ(vms_scenario_load("/nonexistent/x.vms", &sc, &e), -VMS_EIO);
    CHECK_CONTAINS(e.msg, "/nonexistent/x.vms");
    CHECK(sc == NULL);
    vms_scenario_destroy(NULL);
    CHECK_EQ(vms_scenario_parse("spawn P\n", 8, "x", &sc, &e), 0);
    CHECK_EQ(vms_scenario_length(sc), 1);
    vms_scenario_destroy(sc);
}

/* ---------------------------------------------------------------- the simulated run */

/* vms_scenario_run's fmt is how `stats` prints: text indented under "  statistics:", JSON
 * as one object on one line; CSV is refused before anything runs. */
TEST(scenario_public_run_formats)
{
    const char *text = "spawn P\nP mmap A 1page rw- private anon\nP store A 8 7\nstats\n";
    struct vms_error e = {0};
    struct vms_scenario *sc = NULL;
    CHECK_EQ(vms_scenario_parse(text, strlen(text), "f.vms", &sc, &e), 0);
    for (int fmt = VMS_TEXT; fmt <= VMS_CSV; fmt++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);
        FILE *diag = fopen("/dev/null", "w");
        CHECK(out && diag);
        int rc = vms_scenario_run(sc, NULL, out, (enum vms_format)fmt, diag, &e);
        fclose(out);
        fclose(diag);
        if (fmt == VMS_CSV) {
            CHECK_EQ(rc, -VMS_EINVAL);
            CHECK_EQ(len, 0);
        } else {
            CHECK_EQ(rc, 0);
            CHECK_CONTAINS(buf, "P store A 8 0x7\n");
            CHECK_CONTAINS(buf, fmt == VMS_JSON ? "\n{\"vmsim\":{\"version\":" : "\n  statistics:\n");
            /* JSON: the provenance (the scenario's text is its input), then the statistics */
            if (fmt == VMS_JSON) {
                char want[160];
                snprintf(want, sizeof want, "\"inputs\":[{\"path\":\"f.vms\",\"format\":\"vms\","
                         "\"compression\":\"none\",\"bytes\":%zu,\"hash\":\"%016" PRIx64
                         "\",\"complete\":true}],\"references\":1,", strlen(text),
                         vms_input_hash(text, strlen(text)));
                CHECK_CONTAINS(buf, want);
            }
        }
        free(buf);
    }
    vms_scenario_destroy(sc);
}
