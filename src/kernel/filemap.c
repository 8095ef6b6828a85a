/* The page cache: one object per host file (found by device and inode) or shmem object,
 * one entry per page; filling a page from its file, writing it back, keeping the bytes past
 * end of file of a dropped last page; shmem objects; read(2) through the cache. */
#include "kernel/internal.h"

#include "base/alloc.h"
#include "base/err.h"
#include "base/io.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static struct kfile *kfile_new(struct kernel *k, uint64_t npages, struct vms_error *e)
{
    struct kfile *kf = vms_calloc(1, sizeof *kf);
    int64_t *pages = vms_calloc(npages ? npages : 1, sizeof *pages);
    if (!kf || !pages) {
        vms_free(kf);
        vms_free(pages);
        err_set(e, VMS_ENOMEM, "out of host memory");
        return NULL;
    }
    kf->pages = pages;
    kf->npages = npages;
    kf->fd = -1;
    (void)k;
    return kf;
}

struct kfile *kern_file_by_path(struct kernel *k, const char *path, struct vms_error *e)
{
    struct stat st;
    char resolved[PATH_MAX];
    if (!realpath(path, resolved) || stat(resolved, &st) != 0) {
        err_set(e, VMS_EIO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    for (struct kfile *f = k->files; f; f = f->next)
        if (!f->shmem && f->dev_major == major(st.st_dev) && f->dev_minor == minor(st.st_dev) &&
            f->ino == (uint64_t)st.st_ino)
            return f;
    if (!S_ISREG(st.st_mode)) {
        err_set(e, VMS_EINVAL, "%s: not a regular file", path);
        return NULL;
    }
    uint64_t size = (uint64_t)st.st_size;
    struct kfile *kf = kfile_new(k, (size + k->psize - 1) >> k->pshift, e);
    if (!kf)
        return NULL;
    /* Read-only until a page is written back: a host file held open for writing cannot be
     * executed meanwhile (ETXTBSY), and programs the scenarios exec are such files. */
    kf->fd = open(resolved, O_RDONLY | O_CLOEXEC);
    kf->writable = kf->fd >= 0 && access(resolved, W_OK) == 0;
    kf->path = vms_strdup(resolved);
    if (kf->fd < 0 || !kf->path) {
        err_set(e, kf->path ? VMS_EIO : VMS_ENOMEM, "%s: %s", path,
                kf->path ? strerror(errno) : "out of host memory");
        if (kf->fd >= 0)
            close(kf->fd);
        vms_free(kf->path);
        vms_free(kf->pages);
        vms_free(kf);
        return NULL;
    }
    kf->dev_major = major(st.st_dev);
    kf->dev_minor = minor(st.st_dev);
    kf->ino = (uint64_t)st.st_ino;
    kf->size = size;
    kf->next = k->files;
    k->files = kf;
    return kf;
}

struct kfile *kern_file_get(struct kernel *k, struct area_file *af, struct vms_error *e)
{
    if (af->priv)
        return af->priv;
    struct kfile *kf = kern_file_by_path(k, af->path, e);
    if (kf)
        af->priv = kf;
    return kf;
}

/* Fills frame f with page `index` of kf: the file's bytes, zero past EOF (or the bytes a
 * mapper stored there before the page was dropped). */
int kern_file_fill(struct kernel *k, struct kfile *kf, uint64_t index, uint32_t f,
                   struct vms_error *e)
{
    uint64_t off = index << k->pshift;
    uint64_t n = off < kf->size ? kf->size - off : 0;
    if (n > k->psize)
        n = k->psize;
    physmem_clear(k->mmu.pm, f);
    if (n == 0 && !(kf->tail && index == kf->npages - 1)) {
        mmu_kernel_touch(&k->mmu, kern_frame_pa(k, f), k->psize, true); /* zeroed */
        return 0;
    }
    uint8_t *b = kern_frame_bytes(k, f);
    if (!b)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    k->st.faults_file_read++;
    ssize_t got = io_pread(kf->fd, b, n, (off_t)off, kf->path);
    if (got < 0)
        return err_set(e, VMS_EIO, "%s: read failed: %s", kf->path, strerror(errno));
    if ((uint64_t)got < n)
        memset(b + got, 0, n - (uint64_t)got);
    if (kf->tail && index == kf->npages - 1)
        memcpy(b + n, kf->tail, k->psize - n);
    mmu_dma_to_memory(&k->mmu, kern_frame_pa(k, f), k->psize); /* the read, by the device */
    return 0;
}

/* Writes the file's part of frame f back to kf (never past EOF). Keeps the bytes past EOF
 * of a last page in kf->tail when the frame is about to go, so mappers still see them. */
int kern_file_writeback(struct kernel *k, struct kfile *kf, uint32_t f, struct vms_error *e)
{
    uint64_t index = kern_frame(k, f)->index;
    uint64_t off = index << k->pshift;
    uint64_t n = off < kf->size ? kf->size - off : 0;
    if (n > k->psize)
        n = k->psize;
    const uint8_t *b = physmem_peek(k->mmu.pm, f);
    static const uint8_t zeros[4096];
    k->st.file_writebacks++;
    struct task *a = kern_actor(k);
    if (a)
        a->st.file_writebacks++;
    if (!kf->writable)
        return err_set(e, VMS_EIO, "%s: not writable, cannot write a shared page back",
                       kf->path);
    if (!kf->fd_rw) { /* the first write-back: reopen for writing */
        int fd = open(kf->path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
            return err_set(e, VMS_EIO, "%s: cannot open for writing: %s", kf->path,
                           strerror(errno));
        close(kf->fd);
        kf->fd = fd;
        kf->fd_rw = true;
    }
    for (uint64_t done = 0; done < n;) {
        const uint8_t *src = b ? b + done : zeros;
        uint64_t chunk = n - done;
        if (!b && chunk > sizeof zeros)
            chunk = sizeof zeros;
        ssize_t w = io_pwrite(kf->fd, src, chunk, (off_t)(off + done), kf->path);
        if (w < 0) { /* the caller keeps the page dirty; msync reports it (kf->wb_error) */
            int err = errno;
            k->st.writeback_errors++;
            if (a)
                a->st.writeback_errors++;
            kf->wb_error = err;
            return err_set(e, VMS_EIO, "%s: write failed: %s", kf->path, strerror(err));
        }
        done += (uint64_t)w;
    }
    if (n) /* the device read the file's part of the frame */
        mmu_dma_from_memory(&k->mmu, kern_frame_pa(k, f), n);
    return 0;
}

int kern_sync(struct kernel *k, bool last, uint64_t *lost, struct vms_error *e)
{
    uint64_t nlost = 0, first_lost = 0;
    const struct kfile *lost_file = NULL, *earlier_file = NULL;
    int earlier_err = 0;
    struct vms_error first = {0};
    for (struct kfile *kf = k->files; kf; kf = kf->next) {
        if (kf->shmem)
            continue;
        for (uint64_t i = 0; i < kf->npages; i++) {
            if (kf->pages[i] <= 0)
                continue;
            uint32_t f = (uint32_t)(kf->pages[i] - 1);
            if (!kern_frame_dirty(k, f, true))
                continue;
            struct vms_error we = {0};
            if (kern_file_writeback(k, kf, f, &we) == 0)
                continue;
            if (!last)
                kern_frame(k, f)->flags |= FR_DIRTY; /* not on its file: still dirty */
            if (!lost_file) {
                lost_file = kf;
                first_lost = i;
                first = we;
            }
            nlost++;
        }
        if (kf->wb_error && !earlier_file && kf != lost_file) {
            earlier_file = kf;
            earlier_err = kf->wb_error;
        }
        kf->wb_error = 0; /* reported here */
    }
    if (lost)
        *lost = nlost;
    if (lost_file)
        return err_set(e, VMS_EIO, "%llu dirty page%s not written back (the first at offset "
                       "0x%llx of %s): %s", (unsigned long long)nlost, nlost == 1 ? "" : "s",
                       (unsigned long long)(first_lost << k->pshift), lost_file->path,
                       first.msg);
    if (earlier_file)
        return err_set(e, VMS_EIO, "%s: a write-back failed (%s) and no msync reported it; "
                       "the page stayed dirty and has been written since",
                       earlier_file->path, strerror(earlier_err));
    return 0;
}

/* Saves the bytes past EOF of frame f (the object's last page) before it is dropped. */
int kern_file_save_tail(struct kernel *k, struct kfile *kf, uint32_t f)
{
    uint64_t index = kern_frame(k, f)->index;
    if (kf->shmem || index != kf->npages - 1 || (kf->size & (k->psize - 1)) == 0)
        return 0;
    uint64_t n = kf->size - (index << k->pshift);
    const uint8_t *b = physmem_peek(k->mmu.pm, f);
    bool any = false;
    for (uint64_t i = n; b && i < k->psize; i++)
        any |= b[i] != 0;
    if (!any) {
        vms_free(kf->tail);
        kf->tail = NULL;
        return 0;
    }
    if (!kf->tail && !(kf->tail = vms_malloc(k->psize - n)))
        return -VMS_ENOMEM;
    memcpy(kf->tail, b + n, k->psize - n);
    return 0;
}

static void shmem_release(struct area_file *af)
{
    struct kfile *kf = af->priv;
    struct kernel *k = kf ? (struct kernel *)kf->path : NULL; /* shmem: path holds the kernel */
    if (!kf)
        return;
    for (uint64_t i = 0; i < kf->npages; i++) {
        int64_t v = kf->pages[i];
        if (v > 0) {
            uint32_t f = (uint32_t)(v - 1);
            kern_frame(k, f)->flags &= ~FR_FILE;
            kern_frame(k, f)->file = NULL;
            kern_frame_put(k, f);
        } else if (v < 0) {
            kern_swap_put(k, (uint32_t)(-v - 1));
        }
    }
    for (struct kfile **pp = &k->files; *pp; pp = &(*pp)->next)
        if (*pp == kf) {
            *pp = kf->next;
            break;
        }
    vms_free(kf->pages);
    vms_free(kf);
}

struct area_file *kern_shmem_create(struct kernel *k, uint64_t len, struct vms_error *e)
{
    struct kfile *kf = kfile_new(k, len >> k->pshift, e);
    if (!kf)
        return NULL;
    kf->shmem = true;
    kf->writable = true;
    kf->size = len;
    kf->ino = ++k->shmem_ino;
    kf->path = (char *)k; /* back pointer for the release hook (never printed) */
    struct area_file *af = area_file_create("/dev/zero (deleted)", 0, 1, kf->ino, len, e);
    if (!af) {
        vms_free(kf->pages);
        vms_free(kf);
        return NULL;
    }
    af->shmem = true;
    af->priv = kf;
    af->release = shmem_release;
    kf->next = k->files;
    k->files = kf;
    return af;
}

int kern_file_read(struct kernel *k, const char *path, uint64_t off, uint8_t *buf, size_t n,
                   size_t *got, struct vms_error *e)
{
    struct kfile *kf = kern_file_by_path(k, path, e);
    if (!kf)
        return -(e->code ? e->code : VMS_EIO);
    *got = 0;
    if (off >= kf->size)
        return 0;
    if (n > kf->size - off)
        n = (size_t)(kf->size - off);
    while (*got < n) {
        uint64_t pos = off + *got;
        uint64_t index = pos >> k->pshift, in = pos & (k->psize - 1);
        size_t chunk = k->psize - in;
        if (chunk > n - *got)
            chunk = n - *got;
        if (kf->pages[index] > 0) {
            uint32_t f = (uint32_t)(kf->pages[index] - 1);
            kern_frame(k, f)->flags |= FR_REFERENCED;
            physmem_read_bytes(k->mmu.pm, ((paddr_t)f << k->pshift) + in, buf + *got, chunk);
        } else {
            ssize_t r = io_pread(kf->fd, buf + *got, chunk, (off_t)pos, kf->path);
            if (r < 0)
                return err_set(e, VMS_EIO, "%s: read failed: %s", path, strerror(errno));
            if ((size_t)r < chunk)
                memset(buf + *got + r, 0, chunk - (size_t)r);
        }
        *got += chunk;
    }
    return 0;
}
