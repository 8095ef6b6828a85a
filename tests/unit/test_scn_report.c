/* The contract-line printer shared by both scenario backends (src/scenario/report.c): every
 * line form of docs/scenario-contract.md's "Output lines", and the failed-expectation messages. */
#include "harness.h"

#include "scenario/gen.h"
#include "scenario/report.h"
#include "scenario/scenario.h"

#include <stdlib.h>
#include <string.h>

struct capture {
    char *out, *diag;
    size_t nout, ndiag;
    FILE *fo, *fd;
    struct scn_out o;
    struct vms_scenario *sc;
};

static void cap_open(struct capture *c, const char *text)
{
    memset(c, 0, sizeof *c);
    struct vms_error e = {0};
    scenario_parse(text, strlen(text), "t.vms", &c->sc, &e);
    c->fo = open_memstream(&c->out, &c->nout);
    c->fd = open_memstream(&c->diag, &c->ndiag);
    c->o = (struct scn_out){c->sc, c->fo, c->fd, 0};
}

static void cap_close(struct capture *c)
{
    fclose(c->fo);
    fclose(c->fd);
}

static void cap_free(struct capture *c)
{
    free(c->out);
    free(c->diag);
    scenario_destroy(c->sc);
}

/* The last command of the scenario, reported with r. */
static void report_last(struct capture *c, const struct scn_result *r)
{
    scn_report(&c->o, &c->sc->cmds[c->sc->ncmds - 1], r);
}

TEST(scn_report_lines)
{
    static const char head[] = "spawn P\nP mmap A 4MiB rw- private anon\n";
    static const struct {
        const char *cmd;
        struct scn_result r;
        const char *line;
        unsigned failed;
    } cases[] = {
        {"P load A+0x10 8", {SCN_RES_OK, NULL, 0x41, 0, 0}, "P load A+0x10 8 = 0x41\n", 0},
        {"P load A 1", {SCN_RES_OK, NULL, 0, 0, 0}, "P load A 1 = 0x0\n", 0},
        {"P load 0x1000 2", {SCN_RES_FAULT, "SIGSEGV maperr", 0, 0, 0},
         "P load 0x1000 2 = SIGSEGV maperr\n", 0},
        {"P store A 4 0xAB", {SCN_RES_OK, NULL, 0, 0, 0}, "P store A 4 0xab\n", 0},
        {"P store A 4 171", {SCN_RES_FAULT, "SIGSEGV accerr", 0, 0, 0},
         "P store A 4 0xab = SIGSEGV accerr\n", 0},
        {"P fetch A", {SCN_RES_OK, NULL, 0, 0, 0}, "P fetch A ok\n", 0},
        {"P fetch A", {SCN_RES_FAULT, "SIGBUS", 0, 0, 0}, "P fetch A = SIGBUS\n", 0},
        {"P expect A 8 0x5", {SCN_RES_OK, NULL, 5, 0, 0}, "P expect A 8 = 0x5\n", 0},
        {"P expect A 8 0x5", {SCN_RES_OK, NULL, 6, 0, 0}, "P expect A 8 = 0x6\n", 1},
        {"P expect A 8 0x5", {SCN_RES_FAULT, "SIGBUS", 0, 0, 0}, "P expect A 8 = SIGBUS\n", 1},
        {"P fill A 4MiB 1", {SCN_RES_OK, NULL, 0, 0, 0}, "P fill A 4194304 ok\n", 0},
        {"P fill A 2pages 1", {SCN_RES_FAULT, "SIGSEGV accerr", 0x1000, 0, 0},
         "P fill A 8192 = SIGSEGV accerr at +0x1000\n", 0},
        {"P check A 16 1", {SCN_RES_OK, NULL, 0, 0, 0}, "P check A 16 ok\n", 0},
        {"P check A 16 1", {SCN_RES_MISMATCH, NULL, 3, 1, 2}, "P check A 16 mismatch at +0x3\n", 1},
        {"P check A 16 1", {SCN_RES_FAULT, "SIGSEGV maperr", 8, 0, 0},
         "P check A 16 = SIGSEGV maperr at +0x8\n", 1},
        {"P touch A 3pages write", {SCN_RES_OK, NULL, 0, 0, 0}, "P touch A 12288 ok\n", 0},
        {"P touch A 3pages", {SCN_RES_FAULT, "SIGSEGV maperr", 0x2000, 0, 0},
         "P touch A 12288 = SIGSEGV maperr at +0x2000\n", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s%s\n", head, cases[i].cmd);
        struct capture c;
        cap_open(&c, text);
        CHECK(c.sc != NULL);
        if (!c.sc)
            continue;
        report_last(&c, &cases[i].r);
        cap_close(&c);
        CHECK_STR(c.out, cases[i].line);
        CHECK_EQ(c.o.failed, cases[i].failed);
        if (cases[i].failed)
            CHECK(strncmp(c.diag, "t.vms:3: ", 9) == 0);
        else
            CHECK_STR(c.diag, "");
        cap_free(&c);
    }
}

TEST(scn_report_file_lines)
{
    struct capture c;
    cap_open(&c, "file d.bin 1page fill 0x2e\nexpect file d.bin 0x10 2 0x2e2e\n");
    CHECK(c.sc != NULL);
    if (!c.sc)
        return;
    const struct scn_cmd *cmd = &c.sc->cmds[1];
    scn_report_file(&c.o, cmd, 0x2e2e, false);
    scn_report_file(&c.o, cmd, 0x2e2f, false);
    scn_report_file(&c.o, cmd, 0, true);
    cap_close(&c);
    CHECK_STR(c.out, "expect file d.bin 0x10 2 = 0x2e2e\n"
                     "expect file d.bin 0x10 2 = 0x2e2f\n"
                     "expect file d.bin 0x10 2 = EOF\n");
    CHECK_EQ(c.o.failed, 2u);
    CHECK_CONTAINS(c.diag, "t.vms:2: expect file d.bin 0x10 2: end of file");
    cap_free(&c);
}

TEST(gen_piece_sizes)
{
    CHECK_EQ(gen_piece(0x1000, 100), 8u);
    CHECK_EQ(gen_piece(0x1004, 100), 4u);
    CHECK_EQ(gen_piece(0x1002, 100), 2u);
    CHECK_EQ(gen_piece(0x1001, 100), 1u);
    CHECK_EQ(gen_piece(0x1000, 5), 4u);
    CHECK_EQ(gen_piece(0x1000, 1), 1u);
}

TEST(gen_first_diff_byte)
{
    CHECK_EQ(gen_first_diff(0x01, 0x02), 0u);
    CHECK_EQ(gen_first_diff(0x1200, 0x3400), 1u);
    CHECK_EQ(gen_first_diff(0xff00000000000000ull, 0), 7u);
}

/* The working directory's file system: /proc is procfs, never a tmpfs, and a candidate that
 * does not exist or is no directory is skipped; /dev/shm is chosen when it is a tmpfs. */
TEST(scn_tmpfs_dir_picks_a_tmpfs)
{
#ifdef __linux__
    char name[64];
    CHECK(!scn_fs_is_tmpfs("/proc", name, sizeof name));
    CHECK_STR(name, "proc");
    CHECK(!scn_fs_is_tmpfs("/no/such/dir", name, sizeof name));
    CHECK_STR(name, "unknown");
    const char *none[] = {NULL, "", "/no/such/dir", "/proc", "/dev/null"};
    CHECK(scn_tmpfs_dir(none, 5) == NULL);
    CHECK(scn_tmpfs_dir(none, 0) == NULL);
    bool shm = scn_fs_is_tmpfs("/dev/shm", name, sizeof name);
    if (!shm) {
        harness_skip("/dev/shm is not a tmpfs here (%s)", name);
        return;
    }
    CHECK_STR(name, "tmpfs");
    const char *cands[] = {"/no/such/dir", "/proc", "/dev/shm", "/tmp"};
    CHECK_STR(scn_tmpfs_dir(cands, 4), "/dev/shm");
#else
    harness_skip("statfs file system types are Linux's");
#endif
}
