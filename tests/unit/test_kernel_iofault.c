/* I/O faults under the kernel (base/io.h injection): a failed swap-out keeps the page
 * resident and dirty and loses no byte; a failed swap-in kills only that process (SIGBUS);
 * a mapped file that cannot be read gives SIGBUS; a failed write-back keeps the page dirty
 * and msync reports EIO; EINTR and short transfers change nothing. */
#include "ktest.h"

#include "base/io.h"

#include <limits.h>

#define PG UINT64_C(4096)
#define RW (AREA_READ | AREA_WRITE)
#define PRIV_ANON KMAP_ANON

/* The value stored at word w of page i. */
static uint64_t iof_val(unsigned i, unsigned w)
{
    return UINT64_C(0x9e3779b97f4a7c15) * (i * 8 + w + 1);
}

/* Stores 4 words in each of n pages at a, then loads them all back twice (every page goes
 * to swap and returns, as memory holds 4 frames), until t is killed. Returns the words
 * found wrong. */
static unsigned iof_workload(struct kernel *k, struct task *t, vaddr_t a, unsigned n)
{
    unsigned bad = 0;
    enum kern_sig sig = KSIG_NONE;
    for (unsigned i = 0; i < n; i++)
        for (unsigned w = 0; w < 4; w++)
            if (KSTORES(k, t, a + i * PG + w * 1000, 8, iof_val(i, w)) != KSIG_NONE)
                return bad;
    for (unsigned r = 0; r < 2; r++)
        for (unsigned i = 0; i < n; i++)
            for (unsigned w = 0; w < 4; w++) {
                uint64_t v = KLOADS(k, t, a + i * PG + w * 1000, 8, &sig);
                if (sig != KSIG_NONE)
                    return bad;
                bad += v != iof_val(i, w);
            }
    return bad;
}

TEST(kernel_iofault_swap_out_keeps_the_page)
{
    /* One failed swap-out: the victim stays resident and dirty, another page goes instead */
    struct kt x;
    if (!kt_init(&x, 4, 16, NULL))
        return;
    struct kernel *k = x.k;
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 8 * PG, RW, PRIV_ANON, NULL, 0);
    for (unsigned i = 0; i < 4; i++)
        KSTORE(k, t, a + i * PG, 8, iof_val(i, 0));
    CHECK_EQ(k->nfree, 0);
    io_fault_set(IO_FAULT_EIO, 1, "swap");
    KSTORE(k, t, a + 4 * PG, 8, iof_val(4, 0)); /* needs a frame: reclaim */
    CHECK(io_fault_fired());
    CHECK_EQ(k->st.swap_out_errors, 1);
    CHECK_EQ(t->st.swap_out_errors, 1);
    CHECK_EQ(k->st.swap_outs, 1); /* the next victim went */
    unsigned resident = 0;
    for (unsigned i = 0; i < 5; i++) {
        uint32_t f = kt_frame(k, t, a + i * PG);
        if (f != KNONE) {
            resident++;
            CHECK(kern_frame_dirty(k, f, false)); /* none was written anywhere */
        }
    }
    CHECK_EQ(resident, 4);
    KT_AUDIT(k);
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(KLOAD(k, t, a + i * PG, 8), iof_val(i, 0));
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_iofault_every_swap_call)
{
    /* The workload with each kind of fault at its Nth swap-file call, N = 1, 2, ...: no
     * byte is lost; EINTR and short transfers leave every count as without faults; EIO and
     * ENOSPC at a swap-out count one out_error; at a swap-in they kill the process. */
    uint64_t clean_outs = 0, clean_ins = 0;
    long calls = 0;
    enum io_fault kinds[] = {IO_FAULT_NONE, IO_FAULT_EINTR, IO_FAULT_SHORT, IO_FAULT_EIO,
                             IO_FAULT_ENOSPC};
    for (int kk = 0; kk < 5; kk++) {
        unsigned out_err = 0, in_err = 0;
        for (long n = 1; n <= (kk ? calls : 1); n++) {
            struct kt x;
            if (!kt_init(&x, 4, 16, NULL))
                return;
            struct kernel *k = x.k;
            struct task *t = kern_spawn(k, NULL);
            struct task *other = kern_spawn(k, NULL);
            vaddr_t a = KMMAP(k, t, 0, 8 * PG, RW, PRIV_ANON, NULL, 0);
            vaddr_t b = KMMAP(k, other, 0, PG, RW, PRIV_ANON, NULL, 0);
            KSTORE(k, other, b, 8, 77);
            /* (the run without faults counts the calls: a fault never reached) */
            io_fault_set(kk ? kinds[kk] : IO_FAULT_EIO, kk ? n : LONG_MAX, "swap file");
            unsigned bad = iof_workload(k, t, a, 8);
            bool fired = io_fault_fired();
            if (!kk) {
                calls = io_fault_calls();
                clean_outs = k->st.swap_outs;
                clean_ins = k->st.swap_ins;
            }
            io_fault_set(IO_FAULT_NONE, 0, NULL);
            CHECK(kk == 0 || fired);
            if (kk == 1 || kk == 2 || !kk) {
                CHECK_EQ(bad, 0);
                CHECK_EQ(k->st.swap_outs, clean_outs);
                CHECK_EQ(k->st.swap_ins, clean_ins);
                CHECK_EQ(k->st.swap_out_errors + k->st.swap_in_errors, 0);
            } else if (k->st.swap_in_errors) {
                /* killed by SIGBUS at that swap-in; the other process lives on */
                CHECK_EQ(k->st.swap_in_errors, 1);
                CHECK(t->killed && t->sigbus_io);
                CHECK_EQ(t->st.faults_sigbus, 1);
                CHECK_EQ(x.nkilled, 1);
                CHECK(!other->killed);
                in_err++;
            } else {
                CHECK_EQ(k->st.swap_out_errors, 1);
                CHECK_EQ(bad, 0); /* no byte lost */
                CHECK(!t->killed);
                out_err++;
            }
            CHECK_EQ(KLOAD(k, other, b, 8), 77);
            KT_AUDIT(k);
            kt_fini(&x);
        }
        if (kk >= 3) {
            CHECK(out_err > 0);
            CHECK(in_err > 0);
            CHECK_EQ(out_err + in_err, (unsigned)calls);
        }
    }
    CHECK(calls > 10);
    CHECK(clean_ins > 4);
}

TEST(kernel_iofault_file_read_sigbus)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "m.bin", 2 * PG, 3);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, AREA_READ, KMAP_SHARED, path, 0);
    io_fault_set(IO_FAULT_EIO, 1, "m.bin");
    enum kern_sig sig = KSIG_NONE;
    KLOADS(k, t, a, 1, &sig);
    CHECK(io_fault_fired());
    CHECK_EQ(sig, KSIG_BUS);
    CHECK_EQ(k->st.faults_sigbus, 1);
    CHECK(!t->killed);
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    /* the page was not kept: the next access reads it */
    CHECK_EQ(KLOAD(k, t, a, 1), kt_pat(0, 3));
    io_fault_set(IO_FAULT_SHORT, 1, "m.bin");
    CHECK_EQ(KLOAD(k, t, a + PG + 5, 1), kt_pat(PG + 5, 3));
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    KT_AUDIT(k);
    kt_fini(&x);
}

TEST(kernel_iofault_writeback_stays_dirty)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "w.bin", PG, 4);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, PG, RW, KMAP_SHARED, path, 0);
    KSTORE(k, t, a + 10, 1, 0xee);
    io_fault_set(IO_FAULT_EIO, 1, "w.bin");
    struct vms_error e = {0};
    CHECK_EQ(kern_msync(k, t, a, PG, &e), -VMS_EIO);
    CHECK_CONTAINS(e.msg, "write failed");
    CHECK_EQ(k->st.writeback_errors, 1);
    uint8_t b = 0;
    CHECK_EQ(kt_disk(path, 10, &b, 1), 1);
    CHECK_EQ(b, kt_pat(10, 4)); /* not on disk */
    uint32_t f = kt_frame(k, t, a);
    CHECK(f != KNONE && kern_frame_dirty(k, f, false));
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    CHECK_EQ(kern_msync(k, t, a, PG, &e), 0); /* the retry writes it */
    CHECK_EQ(kt_disk(path, 10, &b, 1), 1);
    CHECK_EQ(b, 0xee);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* The end of a run (kern_sync, before kern_destroy): a dirty shared page that cannot be
 * written is reported, counted and kept dirty, not dropped in silence. */
TEST(kernel_iofault_sync_reports_lost_page)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "s.bin", 2 * PG, 5);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, 2 * PG, RW, KMAP_SHARED, path, 0);
    KSTORE(k, t, a + PG + 3, 1, 0xab);
    struct vms_error e = {0};
    uint64_t lost = 99;
    CHECK_EQ(kern_sync(k, false, &lost, &e), 0); /* one dirty page, written */
    CHECK_EQ(lost, 0);
    KSTORE(k, t, a + PG + 3, 1, 0xcd);
    io_fault_set(IO_FAULT_EIO, 1, "s.bin");
    CHECK_EQ(kern_sync(k, false, &lost, &e), -VMS_EIO);
    CHECK(io_fault_fired());
    CHECK_EQ(lost, 1);
    CHECK_CONTAINS(e.msg, "1 dirty page not written back (the first at offset 0x1000 of");
    CHECK_CONTAINS(e.msg, "write failed: Input/output error");
    CHECK_EQ(k->st.writeback_errors, 1);
    uint8_t b = 0;
    CHECK_EQ(kt_disk(path, PG + 3, &b, 1), 1);
    CHECK_EQ(b, 0xab); /* the last store is not on disk */
    uint32_t f = kt_frame(k, t, a + PG);
    CHECK(f != KNONE && kern_frame_dirty(k, f, false));
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    CHECK_EQ(kern_sync(k, false, &lost, &e), 0); /* still dirty: the retry writes it */
    CHECK_EQ(lost, 0);
    CHECK_EQ(kt_disk(path, PG + 3, &b, 1), 1);
    CHECK_EQ(b, 0xcd);
    /* the last sync (a shutdown) gives a page it cannot write up: nothing retries it */
    KSTORE(k, t, a + PG + 3, 1, 0xef);
    io_fault_set(IO_FAULT_EIO, 1, "s.bin");
    CHECK_EQ(kern_sync(k, true, &lost, &e), -VMS_EIO);
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    CHECK_EQ(lost, 1);
    CHECK_EQ(k->st.writeback_errors, 2);
    CHECK(!kern_frame_dirty(k, f, false));
    CHECK_EQ(kern_sync(k, true, &lost, &e), 0);
    CHECK_EQ(kt_disk(path, PG + 3, &b, 1), 1);
    CHECK_EQ(b, 0xcd);
    KT_AUDIT(k);
    kt_fini(&x);
}

/* A write-back that fails when the last mapper exits is counted and, with no msync to
 * report it, said by the next kern_sync (which writes the page, still dirty). */
TEST(kernel_iofault_exit_writeback_reported)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "x.bin", PG, 6);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, PG, RW, KMAP_SHARED, path, 0);
    KSTORE(k, t, a + 7, 1, 0x5a);
    io_fault_set(IO_FAULT_EIO, 1, "x.bin");
    kern_exit(k, t);
    CHECK(io_fault_fired());
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    CHECK_EQ(k->st.writeback_errors, 1);
    uint8_t b = 0;
    CHECK_EQ(kt_disk(path, 7, &b, 1), 1);
    CHECK_EQ(b, kt_pat(7, 6));
    struct vms_error e = {0};
    uint64_t lost = 99;
    CHECK_EQ(kern_sync(k, false, &lost, &e), -VMS_EIO);
    CHECK_EQ(lost, 0);
    CHECK_CONTAINS(e.msg, "a write-back failed (Input/output error) and no msync reported it");
    CHECK_EQ(kt_disk(path, 7, &b, 1), 1);
    CHECK_EQ(b, 0x5a);
    CHECK_EQ(kern_sync(k, false, &lost, &e), 0); /* reported once */
    KT_AUDIT(k);
    kt_fini(&x);
}

/* munmap of a dirty shared page whose write-back fails succeeds (Linux's munmap writes
 * nothing back); the page stays dirty, the next msync of the file reports the error, and
 * the end of the run writes the bytes. */
TEST(kernel_iofault_munmap_writeback_succeeds)
{
    struct kt x;
    if (!kt_init(&x, 8, 0, NULL))
        return;
    struct kernel *k = x.k;
    const char *path = kt_file(&x, "x.bin", PG, 6);
    struct task *t = kern_spawn(k, NULL);
    vaddr_t a = KMMAP(k, t, 0, PG, RW, KMAP_SHARED, path, 0);
    vaddr_t b2 = KMMAP(k, t, 0, PG, RW, KMAP_SHARED, path, 0);
    KSTORE(k, t, a + 7, 1, 0x5a);
    io_fault_set(IO_FAULT_EIO, 1, "x.bin");
    struct vms_error e = {0};
    CHECK_EQ(kern_munmap(k, t, a, PG, &e), 0);
    CHECK(io_fault_fired());
    io_fault_set(IO_FAULT_NONE, 0, NULL);
    CHECK_EQ(k->st.writeback_errors, 1);
    uint8_t b = 0;
    CHECK_EQ(kt_disk(path, 7, &b, 1), 1);
    CHECK_EQ(b, kt_pat(7, 6)); /* not on the file yet */
    /* the other mapping sees the store: the page is still in the page cache */
    CHECK_EQ(KLOAD(k, t, b2 + 7, 1), 0x5a);
    /* the next msync writes the page and reports the earlier failure, once */
    CHECK_EQ(kern_msync(k, t, b2, PG, &e), -VMS_EIO);
    CHECK_CONTAINS(e.msg, "an earlier write-back failed");
    CHECK_EQ(kt_disk(path, 7, &b, 1), 1);
    CHECK_EQ(b, 0x5a);
    struct vms_error e2 = {0};
    CHECK_EQ(kern_msync(k, t, b2, PG, &e2), 0);
    uint64_t lost = 99;
    kern_exit(k, t);
    CHECK_EQ(kern_sync(k, false, &lost, &e2), 0);
    CHECK_EQ(lost, 0);
    KT_AUDIT(k);
    kt_fini(&x);
}
