/* base/io: the wrappers survive EINTR and short transfers; EIO and ENOSPC fail exactly the
 * Nth matching call; result files under every injected fault keep the old contents or
 * have the whole new ones. */
#include "harness.h"

#include "base/io.h"
#include "base/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int io_tmpfile(char *path, size_t cap)
{
    snprintf(path, cap, "/tmp/vmsim-io-XXXXXX");
    return mkstemp(path);
}

TEST(io_eintr_and_short_are_survived)
{
    char path[64];
    int fd = io_tmpfile(path, sizeof path);
    CHECK(fd >= 0);
    char out[10000], in[10000];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (char)(i * 7 + 1);
    enum io_fault kinds[] = {IO_FAULT_EINTR, IO_FAULT_SHORT};
    for (int k = 0; k < 2; k++) {
        io_fault_set(kinds[k], 1, NULL);
        CHECK_EQ(io_pwrite(fd, out, sizeof out, 0, path), sizeof out);
        CHECK(io_fault_fired());
        io_fault_set(kinds[k], 1, NULL);
        memset(in, 0, sizeof in);
        CHECK_EQ(io_pread(fd, in, sizeof in, 0, path), sizeof in);
        CHECK(io_fault_fired());
        CHECK(memcmp(in, out, sizeof in) == 0);
        /* the file position wrappers too */
        io_fault_set(kinds[k], 1, NULL);
        CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
        CHECK_EQ(io_write(fd, out, sizeof out, path), sizeof out);
        io_fault_set(kinds[k], 1, NULL);
        CHECK_EQ(lseek(fd, 100, SEEK_SET), 100);
        memset(in, 0, sizeof in);
        /* a read past the end returns what there is, short only at end of file */
        CHECK_EQ(io_read(fd, in, sizeof in, path), sizeof in - 100);
        CHECK(memcmp(in, out + 100, sizeof in - 100) == 0);
        io_fault_set(kinds[k], 1, NULL);
        CHECK_EQ(io_fsync(fd, path), 0);
        CHECK(io_fault_fired());
    }
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    close(fd);
    unlink(path);
}

TEST(io_errors_at_the_nth_matching_call)
{
    char path[64];
    int fd = io_tmpfile(path, sizeof path);
    CHECK(fd >= 0);
    char b[16] = "0123456789abcdef";
    io_fault_set(IO_FAULT_EIO, 3, "vmsim-io");
    CHECK_EQ(io_pwrite(fd, b, 16, 0, path), 16);
    CHECK_EQ(io_pwrite(fd, b, 16, 0, "other"), 16); /* not counted: the filter */
    CHECK_EQ(io_pread(fd, b, 16, 0, path), 16);
    CHECK(!io_fault_fired());
    CHECK_EQ(io_fault_calls(), 2);
    errno = 0;
    CHECK_EQ(io_pwrite(fd, b, 16, 0, path), -1);
    CHECK_EQ(errno, EIO);
    CHECK(io_fault_fired());
    CHECK_EQ(io_pwrite(fd, b, 16, 0, path), 16); /* once */
    io_fault_set(IO_FAULT_ENOSPC, 1, NULL);
    CHECK_EQ(io_fsync(fd, path), -1);
    CHECK_EQ(errno, ENOSPC);
    /* the environment's syntax */
    CHECK_EQ(io_fault_parse("enospc:2:io-"), 0);
    CHECK_EQ(io_read(fd, b, 1, "vmsim-io-x"), 1);
    CHECK_EQ(io_read(fd, b, 1, "nope"), 1);
    CHECK_EQ(io_read(fd, b, 1, "vmsim-io-x"), -1);
    CHECK_EQ(errno, ENOSPC);
    CHECK_EQ(io_fault_parse("eintr:1"), 0);
    CHECK_EQ(io_pread(fd, b, 4, 0, "x"), 4);
    CHECK(io_fault_fired());
    const char *bad[] = {"eio", "eio:", "eio:0", "eio:-1", "eio:x", "eio:2x", "bogus:1", ":1",
                         "short1"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK_EQ(io_fault_parse(bad[i]), -1);
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    CHECK_EQ(io_pwrite(fd, b, 16, 0, path), 16);
    close(fd);
    unlink(path);
}

static size_t io_read_all(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return (size_t)-1;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static int io_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)))
        n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

/* Every call of a result file's writing (several buffer flushes, the fsync) for N = 1, 2, ...
 * with each kind: EIO/ENOSPC fail the commit and leave the old file whole and alone in its
 * directory; EINTR/short transfers give the whole new file. */
TEST(io_outfile_every_call)
{
    char dir[] = "/tmp/vmsim-iofile-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char target[128];
    snprintf(target, sizeof target, "%s/result", dir);
    FILE *f = fopen(target, "wb");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("old\n", f);
    fclose(f);
    static char want[40000], got[50000];
    for (size_t i = 0; i < sizeof want; i++)
        want[i] = (char)('a' + i % 26);
    enum io_fault kinds[] = {IO_FAULT_EIO, IO_FAULT_ENOSPC, IO_FAULT_EINTR, IO_FAULT_SHORT};
    for (int k = 0; k < 4; k++) {
        long n;
        for (n = 1; n < 100; n++) {
            struct vms_error e = {0};
            struct outfile o;
            if (k < 2) { /* put the old contents back */
                f = fopen(target, "wb");
                if (f) {
                    fputs("old\n", f);
                    fclose(f);
                }
            }
            io_fault_set(kinds[k], n, "result");
            CHECK_EQ(outfile_open(&o, target, NULL, 0, &e), 0);
            FILE *s = outfile_stream(&o);
            CHECK(s != NULL);
            if (!s)
                break;
            fwrite(want, 1, sizeof want, s);
            int rc = outfile_commit(&o, &e);
            bool fired = io_fault_fired();
            size_t len = io_read_all(target, got, sizeof got);
            CHECK_EQ(io_entries(dir), 1);
            if (fired && k < 2) {
                CHECK_EQ(rc, -VMS_EIO);
                CHECK_CONTAINS(e.msg, k ? "No space" : "Input/output error");
                CHECK_EQ(len, 4);
                CHECK(memcmp(got, "old\n", 4) == 0);
            } else {
                CHECK_EQ(rc, 0);
                CHECK_EQ(len, sizeof want);
                CHECK(memcmp(got, want, sizeof want) == 0);
            }
            if (!fired)
                break;
        }
        CHECK(n > 3); /* several writes and the fsync were each hit */
        CHECK(n < 100);
    }
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    unlink(target);
    rmdir(dir);
}
