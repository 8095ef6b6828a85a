/* base/outfile: the same-file check by device and inode, the temporary file renamed by
 * commit, removed by abort (the old target untouched either way). */
#include "harness.h"

#include "base/outfile.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp_small(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* Entries of dir other than . and .. */
static int entries(const char *dir)
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

TEST(outfile_commit_abort)
{
    char dir[] = "/tmp/vmsim-outfile-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char target[128], link[128], other[128];
    snprintf(target, sizeof target, "%s/result", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    put(target, "old\n");
    struct vms_error e = {0};
    struct outfile o;
    /* abort: the old contents stay, nothing is left beside them */
    CHECK_EQ(outfile_open(&o, target, NULL, 0, &e), 0);
    CHECK(strcmp(outfile_write_path(&o), target) != 0);
    fputs("new\n", outfile_stream(&o));
    CHECK_STR(slurp_small(target), "old\n");
    CHECK_EQ(entries(dir), 2);
    outfile_abort(&o);
    CHECK_STR(slurp_small(target), "old\n");
    CHECK_EQ(entries(dir), 1);
    outfile_abort(&o); /* a second abort is a no-op */
    /* commit: the new contents replace the old at once */
    CHECK_EQ(outfile_open(&o, target, NULL, 0, &e), 0);
    fputs("new\n", outfile_stream(&o));
    CHECK_EQ(outfile_commit(&o, &e), 0);
    CHECK_EQ(o.fd, -1);
    CHECK_STR(slurp_small(target), "new\n");
    CHECK_EQ(entries(dir), 1);
    /* the same file by another name is refused; another file is not */
    CHECK_EQ(symlink("result", link), 0);
    const char *ins[] = {other, link};
    CHECK_EQ(outfile_check(target, ins, 1, &e), 0);
    CHECK_EQ(outfile_check(target, ins, 2, &e), -VMS_EINVAL);
    char want[300];
    snprintf(want, sizeof want, "%s: is also an input (%s)", target, link);
    CHECK_STR(e.msg, want);
    CHECK_EQ(outfile_open(&o, target, ins, 2, &e), -VMS_EINVAL);
    CHECK_EQ(o.fd, -1);
    CHECK_EQ(outfile_check(other, ins, 2, &e), 0); /* does not exist yet */
    /* a write through the symlink replaces its target and keeps the link */
    CHECK_EQ(outfile_open(&o, link, NULL, 0, &e), 0);
    fputs("via link\n", outfile_stream(&o));
    CHECK_EQ(outfile_commit(&o, &e), 0);
    struct stat st;
    CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK_STR(slurp_small(target), "via link\n");
    /* a directory that does not exist fails at open, naming the output */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such", dir);
    CHECK_EQ(outfile_open(&o, missing, NULL, 0, &e), -VMS_EIO);
    CHECK_CONTAINS(e.msg, missing);
    unlink(link);
    unlink(target);
    CHECK_EQ(entries(dir), 0);
    rmdir(dir);
}

TEST(outfile_write_error_keeps_old)
{
    /* a write error (the stream's error flag) fails the commit and keeps the old file */
    char dir[] = "/tmp/vmsim-outfile-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char target[128];
    snprintf(target, sizeof target, "%s/result", dir);
    put(target, "old\n");
    struct vms_error e = {0};
    struct outfile o;
    CHECK_EQ(outfile_open(&o, target, NULL, 0, &e), 0);
    FILE *f = outfile_stream(&o);
    fputs("half", f);
    fgetc(f); /* reading a write-only stream sets its error flag */
    CHECK(ferror(f));
    CHECK_EQ(outfile_commit(&o, &e), -VMS_EIO);
    CHECK_CONTAINS(e.msg, "write error");
    CHECK_STR(slurp_small(target), "old\n");
    CHECK_EQ(entries(dir), 1);
    unlink(target);
    rmdir(dir);
}
