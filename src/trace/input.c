/* Decompression layer (see input.h): sniffs the first bytes of the raw input for the gzip,
 * xz and zstd magic numbers and streams through zlib, liblzma or libzstd. zlib and liblzma
 * allocate through vms_malloc; libzstd uses its own allocator (its custom-allocator API is
 * not part of the stable interface). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* for F_SETPIPE_SZ (Linux) */
#endif
#include "trace/input.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
/* The web build (VMS_WEB: wasm32-wasi, docs/web.md) has neither the decompression
 * libraries nor threads: plain input only, decoded in the caller's thread. */
#ifndef VMS_WEB
#include <lzma.h>
#include <zlib.h>
#endif
#ifdef VMS_HAVE_ZSTD
#include <zstd.h>
#endif

#include "base/alloc.h"
#ifndef VMS_WEB
#include "base/feed.h"
#endif
#include "base/io.h"
#include "base/err.h"

#define RAW_SIZE (1u << 18)

enum codec { CODEC_NONE, CODEC_GZIP, CODEC_XZ, CODEC_ZSTD };

struct trace_input {
    int fd; /* -1: memory */
    bool own_fd;
    const unsigned char *mem;
    size_t mem_len, mem_pos;
    char *name;
    enum codec codec;
    unsigned char *raw; /* compressed bytes (or sniffed plain bytes) */
    size_t raw_pos, raw_len;
    bool raw_eof;
    bool stream_end; /* the decoder reached the end of the data */
    bool started;    /* decoder initialised */
    uint64_t raw_bytes;   /* bytes taken from the source so far */
    uint64_t raw_total;   /* size of a regular file or memory source; 0 = unknown */
#ifndef VMS_WEB
    z_stream z;
    lzma_stream x;
#endif
#ifdef VMS_HAVE_ZSTD
    ZSTD_DStream *zs;
    size_t zs_last; /* last ZSTD_decompressStream result: 0 = at a frame boundary */
#endif
    struct input_ahead *ahead; /* the decoding thread, once input_decode_ahead started it */
    /* An error met after some bytes of the same call were decoded: those bytes are
     * returned first and the error by the next call (and every call after), so that what
     * comes before an error does not depend on how the reads were sized. */
    long pend_rc;
    struct vms_error pend_e;
    size_t zs_made; /* bytes the current zstd call has decoded */
    struct input_hash hash; /* of the bytes input_read returned */
    bool at_end;            /* input_read returned 0 */
};

/* Decoding ahead in a thread of its own (input_decode_ahead): a feed (base/feed.h) whose
 * slots are chunks of decoded bytes; input_read copies out of them in order. */
#define AHEAD_N 4u
#define AHEAD_CHUNK (1u << 20)

struct input_ahead {
    struct feed *feed;
    struct trace_input *in;
    unsigned char *chunk[AHEAD_N];
    long len[AHEAD_N];                /* the slot's fill: bytes, 0 at the end, < 0 an error */
    struct vms_error err[AHEAD_N];    /* the error, when len < 0 */
    uint64_t raw_bytes[AHEAD_N];      /* the source's bytes taken when the slot was filled */
    uint64_t raw_start;               /* ... when the thread started */
    bool have;                        /* slot `cur` is taken */
    unsigned cur;
    size_t off; /* bytes of chunk[cur] already read */
};

/* ---- the input hash (docs/trace-formats.md gives the algorithm to recompute it) */

#define IH_K1 UINT64_C(0x9e3779b185ebca87)
#define IH_K2 UINT64_C(0xc2b2ae3d27d4eb4f)

static inline uint64_t ih_rotl(uint64_t x, unsigned r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t ih_round(uint64_t v, uint64_t w)
{
    return ih_rotl(v ^ (w * IH_K1), 29) * IH_K2;
}

/* The little-endian 64-bit word at p. */
static inline uint64_t ih_load(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static inline void ih_stripe(uint64_t v[4], const unsigned char *p)
{
    v[0] = ih_round(v[0], ih_load(p));
    v[1] = ih_round(v[1], ih_load(p + 8));
    v[2] = ih_round(v[2], ih_load(p + 16));
    v[3] = ih_round(v[3], ih_load(p + 24));
}

void input_hash_init(struct input_hash *h)
{
    memset(h, 0, sizeof *h);
    for (unsigned i = 0; i < 4; i++)
        h->v[i] = (uint64_t)(i + 1) * IH_K2;
}

void input_hash_update(struct input_hash *h, const void *data, size_t n)
{
    const unsigned char *p = data;
    h->len += n;
    if (h->blen) {
        size_t take = 32 - h->blen < n ? 32 - h->blen : n;
        memcpy(h->buf + h->blen, p, take);
        h->blen += (unsigned)take;
        p += take;
        n -= take;
        if (h->blen < 32)
            return;
        ih_stripe(h->v, h->buf);
        h->blen = 0;
    }
    uint64_t v[4] = {h->v[0], h->v[1], h->v[2], h->v[3]};
    for (; n >= 32; p += 32, n -= 32)
        ih_stripe(v, p);
    memcpy(h->v, v, sizeof v);
    memcpy(h->buf, p, n);
    h->blen = (unsigned)n;
}

uint64_t input_hash_final(const struct input_hash *h)
{
    uint64_t x = ih_rotl(h->v[0], 1) + ih_rotl(h->v[1], 7) + ih_rotl(h->v[2], 12) +
                 ih_rotl(h->v[3], 18);
    unsigned i = 0;
    for (; i + 8 <= h->blen; i += 8)
        x = ih_round(x, ih_load(h->buf + i));
    if (i < h->blen) {
        unsigned char last[8] = {0};
        memcpy(last, h->buf + i, h->blen - i);
        x = ih_round(x, ih_load(last));
    }
    x ^= h->len;
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

#ifndef VMS_WEB
static voidpf input_zalloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return vms_calloc(items, size);
}

static void input_zfree(voidpf opaque, voidpf p)
{
    (void)opaque;
    vms_free(p);
}

static void *input_lzalloc(void *opaque, size_t nmemb, size_t size)
{
    (void)opaque;
    return vms_calloc(nmemb, size);
}

static void input_lzfree(void *opaque, void *p)
{
    (void)opaque;
    vms_free(p);
}

static const lzma_allocator input_lzma_allocator = {input_lzalloc, input_lzfree, NULL};
#endif

/* Raw bytes from the source into dst; 0 at end, -VMS_EIO on error. */
static long input_raw(struct trace_input *in, unsigned char *dst, size_t cap,
                      struct vms_error *e)
{
    if (in->fd < 0) {
        size_t n = in->mem_len - in->mem_pos;
        if (n > cap)
            n = cap;
        memcpy(dst, in->mem + in->mem_pos, n);
        in->mem_pos += n;
        in->raw_bytes += n;
        return (long)n;
    }
    ssize_t n = io_read(in->fd, dst, cap, in->name); /* EINTR and short reads: io.c */
    if (n < 0)
        return err_set(e, VMS_EIO, "%s: read: %s", in->name, strerror(errno));
    in->raw_bytes += (uint64_t)n;
    return (long)n;
}

#ifndef VMS_WEB /* only the decoders refill */
/* Refills in->raw when it is empty. Returns 0, or -VMS_EIO. */
static int input_refill(struct trace_input *in, struct vms_error *e)
{
    if (in->raw_pos < in->raw_len || in->raw_eof)
        return 0;
    long n = input_raw(in, in->raw, RAW_SIZE, e);
    if (n < 0)
        return (int)n;
    in->raw_pos = 0;
    in->raw_len = (size_t)n;
    if (n == 0)
        in->raw_eof = true;
    return 0;
}
#endif

/* Reads the first few raw bytes and picks the codec. */
static int input_sniff(struct trace_input *in, struct vms_error *e)
{
    while (in->raw_len < 6 && !in->raw_eof) {
        long n = input_raw(in, in->raw + in->raw_len, RAW_SIZE - in->raw_len, e);
        if (n < 0)
            return (int)n;
        if (n == 0)
            in->raw_eof = true;
        in->raw_len += (size_t)n;
    }
    const unsigned char *p = in->raw;
    size_t n = in->raw_len;
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        in->codec = CODEC_GZIP;
    else if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
        in->codec = CODEC_XZ;
    else if (n >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4))
        in->codec = CODEC_ZSTD;
    else
        in->codec = CODEC_NONE;
    switch (in->codec) {
#ifdef VMS_WEB
    case CODEC_GZIP:
    case CODEC_XZ:
        return err_set(e, VMS_EUNSUPPORTED,
                       "%s: compressed trace but this build (the web build) has no decompressors",
                       in->name);
#else
    case CODEC_GZIP:
        in->z.zalloc = input_zalloc;
        in->z.zfree = input_zfree;
        if (inflateInit2(&in->z, 15 + 16) != Z_OK)
            return err_set(e, VMS_ENOMEM, "%s: cannot start the gzip decoder", in->name);
        break;
    case CODEC_XZ:
        in->x = (lzma_stream)LZMA_STREAM_INIT;
        in->x.allocator = &input_lzma_allocator;
        if (lzma_stream_decoder(&in->x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
            return err_set(e, VMS_ENOMEM, "%s: cannot start the xz decoder", in->name);
        break;
#endif
    case CODEC_ZSTD:
#ifdef VMS_HAVE_ZSTD
        in->zs = ZSTD_createDStream();
        if (!in->zs)
            return err_set(e, VMS_ENOMEM, "%s: cannot start the zstd decoder", in->name);
        in->started = true;
        if (ZSTD_isError(ZSTD_initDStream(in->zs)))
            return err_set(e, VMS_ENOMEM, "%s: cannot start the zstd decoder", in->name);
        break;
#else
        return err_set(e, VMS_EUNSUPPORTED,
                       "%s: zstd trace but vmsim was built without libzstd (install "
                       "libzstd-dev and rebuild)",
                       in->name);
#endif
    case CODEC_NONE: break;
    }
    in->started = true;
    return 0;
}

static struct trace_input *input_new(const char *name, struct vms_error *e)
{
    struct trace_input *in = vms_calloc(1, sizeof *in);
    if (in) {
        in->name = vms_strdup(name ? name : "?");
        in->raw = vms_malloc(RAW_SIZE);
        in->fd = -1;
        input_hash_init(&in->hash);
    }
    if (!in || !in->name || !in->raw) {
        input_close(in);
        err_set(e, VMS_ENOMEM, "%s: out of memory", name ? name : "trace");
        return NULL;
    }
    return in;
}

struct trace_input *input_open_fd(int fd, bool own_fd, const char *name, struct vms_error *e)
{
    struct trace_input *in = input_new(name, e);
    if (!in) {
        if (own_fd)
            close(fd);
        return NULL;
    }
    in->fd = fd;
    in->own_fd = own_fd;
    struct stat st;
    bool have_st = fstat(fd, &st) == 0;
    if (have_st && S_ISREG(st.st_mode))
        in->raw_total = (uint64_t)st.st_size;
#ifdef F_SETPIPE_SZ
    /* Linux's default pipe of 64 KiB makes a fast writer (cat, zstd -dc) and this reader
     * take turns 64 KiB at a time; with 1 MiB they overlap. Best effort: the size may be
     * over the system's limit, and nothing depends on it. */
    else if (have_st && S_ISFIFO(st.st_mode))
        (void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
#endif
    if (input_sniff(in, e) < 0) {
        input_close(in);
        return NULL;
    }
    return in;
}

struct trace_input *input_open_mem(const void *data, size_t len, const char *name,
                                   struct vms_error *e)
{
    struct trace_input *in = input_new(name, e);
    if (!in)
        return NULL;
    in->mem = data;
    in->mem_len = len;
    in->raw_total = len;
    if (input_sniff(in, e) < 0) {
        input_close(in);
        return NULL;
    }
    return in;
}

static long input_read_plain(struct trace_input *in, unsigned char *dst, size_t cap,
                             struct vms_error *e)
{
    if (in->raw_pos < in->raw_len) { /* bytes kept from sniffing */
        size_t n = in->raw_len - in->raw_pos;
        if (n > cap)
            n = cap;
        memcpy(dst, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        return (long)n;
    }
    if (in->raw_eof)
        return 0;
    long n = input_raw(in, dst, cap, e);
    if (n == 0)
        in->raw_eof = true;
    return n;
}

#ifndef VMS_WEB
static long input_read_gzip(struct trace_input *in, unsigned char *dst, size_t cap,
                            struct vms_error *e)
{
    in->z.next_out = dst;
    in->z.avail_out = cap > UINT32_MAX ? UINT32_MAX : (uInt)cap;
    while (in->z.avail_out > 0 && !in->stream_end) {
        int rc = input_refill(in, e);
        if (rc < 0)
            return rc;
        if (in->raw_pos == in->raw_len)
            return err_set(e, VMS_EINVAL, "%s: truncated gzip data", in->name);
        in->z.next_in = in->raw + in->raw_pos;
        in->z.avail_in = (uInt)(in->raw_len - in->raw_pos);
        int zr = inflate(&in->z, Z_NO_FLUSH);
        in->raw_pos = in->raw_len - in->z.avail_in;
        if (zr == Z_STREAM_END) {
            /* another member may follow (concatenated gzip files are one stream) */
            rc = input_refill(in, e);
            if (rc < 0)
                return rc;
            if (in->raw_pos == in->raw_len)
                in->stream_end = true;
            else if (inflateReset(&in->z) != Z_OK)
                return err_set(e, VMS_EINVAL, "%s: corrupt gzip data", in->name);
        } else if (zr == Z_MEM_ERROR) {
            return err_set(e, VMS_ENOMEM, "%s: out of memory in the gzip decoder", in->name);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return err_set(e, VMS_EINVAL, "%s: corrupt gzip data (%s)", in->name,
                           in->z.msg ? in->z.msg : "inflate failed");
        }
    }
    return (long)(cap - in->z.avail_out);
}

static long input_read_xz(struct trace_input *in, unsigned char *dst, size_t cap,
                          struct vms_error *e)
{
    in->x.next_out = dst;
    in->x.avail_out = cap;
    while (in->x.avail_out > 0 && !in->stream_end) {
        int rc = input_refill(in, e);
        if (rc < 0)
            return rc;
        in->x.next_in = in->raw + in->raw_pos;
        in->x.avail_in = in->raw_len - in->raw_pos;
        lzma_ret xr = lzma_code(&in->x, in->raw_eof ? LZMA_FINISH : LZMA_RUN);
        in->raw_pos = in->raw_len - in->x.avail_in;
        if (xr == LZMA_STREAM_END)
            in->stream_end = true;
        else if (xr == LZMA_MEM_ERROR)
            return err_set(e, VMS_ENOMEM, "%s: out of memory in the xz decoder", in->name);
        else if (xr == LZMA_BUF_ERROR && in->raw_eof)
            return err_set(e, VMS_EINVAL, "%s: truncated xz data", in->name);
        else if (xr != LZMA_OK && xr != LZMA_BUF_ERROR)
            return err_set(e, VMS_EINVAL, "%s: corrupt xz data (liblzma error %d)", in->name,
                           (int)xr);
    }
    return (long)(cap - in->x.avail_out);
}

#endif

#ifdef VMS_HAVE_ZSTD
static long input_read_zstd(struct trace_input *in, unsigned char *dst, size_t cap,
                            struct vms_error *e)
{
    ZSTD_outBuffer out = {dst, cap, 0};
    in->zs_made = 0;
    while (out.pos < out.size && !in->stream_end) {
        int rc = input_refill(in, e);
        if (rc < 0)
            return rc;
        if (in->raw_pos == in->raw_len) {
            if (in->zs_last != 0)
                return err_set(e, VMS_EINVAL, "%s: truncated zstd data", in->name);
            in->stream_end = true;
            break;
        }
        ZSTD_inBuffer zin = {in->raw, in->raw_len, in->raw_pos};
        size_t zr = ZSTD_decompressStream(in->zs, &out, &zin);
        in->raw_pos = zin.pos;
        in->zs_made = out.pos;
        if (ZSTD_isError(zr))
            return err_set(e, VMS_EINVAL, "%s: corrupt zstd data (%s)", in->name,
                           ZSTD_getErrorName(zr));
        in->zs_last = zr;
    }
    return (long)out.pos;
}
#endif

/* input_read in the calling thread. */
static long input_decode(struct trace_input *in, void *dst, size_t cap, struct vms_error *e)
{
    if (in->pend_rc < 0) {
        if (e)
            *e = in->pend_e;
        return in->pend_rc;
    }
    if (cap > (size_t)1 << 30)
        cap = (size_t)1 << 30;
    struct vms_error le = {0};
    long n;
    size_t made = 0; /* bytes decoded by a call that then failed */
    switch (in->codec) {
#ifndef VMS_WEB
    case CODEC_GZIP:
        n = input_read_gzip(in, dst, cap, &le);
        made = cap - in->z.avail_out;
        break;
    case CODEC_XZ:
        n = input_read_xz(in, dst, cap, &le);
        made = cap - in->x.avail_out;
        break;
#endif
#ifdef VMS_HAVE_ZSTD
    case CODEC_ZSTD:
        n = input_read_zstd(in, dst, cap, &le);
        made = in->zs_made;
        break;
#else
    case CODEC_ZSTD:
        n = err_set(&le, VMS_EUNSUPPORTED, "%s: zstd not built in", in->name);
        break;
#endif
    default:
        n = input_read_plain(in, dst, cap, &le);
        break;
    }
    if (n >= 0)
        return n;
    in->pend_rc = n;
    in->pend_e = le;
    if (made > 0)
        return (long)made;
    if (e)
        *e = le;
    return n;
}

#ifdef VMS_WEB
int input_decode_ahead(struct trace_input *in, struct vms_error *e)
{
    (void)in, (void)e;
    return 0; /* no threads: input_read decodes in the caller's thread */
}
#else
static long input_ahead_fill(void *ctx, unsigned slot)
{
    struct input_ahead *a = ctx;
    a->len[slot] = input_decode(a->in, a->chunk[slot], AHEAD_CHUNK, &a->err[slot]);
    a->raw_bytes[slot] = a->in->raw_bytes;
    return a->len[slot];
}

static void input_ahead_free(struct input_ahead *a)
{
    for (unsigned i = 0; i < AHEAD_N; i++)
        vms_free(a->chunk[i]);
    vms_free(a);
}

int input_decode_ahead(struct trace_input *in, struct vms_error *e)
{
    if (in->ahead || in->codec == CODEC_NONE)
        return 0;
    struct input_ahead *a = vms_calloc(1, sizeof *a);
    if (!a)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    for (unsigned i = 0; i < AHEAD_N; i++)
        if (!(a->chunk[i] = vms_malloc(AHEAD_CHUNK))) {
            input_ahead_free(a);
            return err_set(e, VMS_ENOMEM, "out of host memory");
        }
    a->in = in;
    a->raw_start = in->raw_bytes;
    int rc = feed_start(&a->feed, AHEAD_N, input_ahead_fill, a);
    if (rc <= 0) { /* no thread: decode in the caller's, as before */
        input_ahead_free(a);
        return rc < 0 ? err_set(e, VMS_ENOMEM, "out of host memory") : 0;
    }
    in->ahead = a;
    return 1;
}

/* input_read from the chunks the decoding thread fills. */
static long input_read_ahead(struct input_ahead *a, unsigned char *dst, size_t cap,
                             struct vms_error *e)
{
    if (!a->have || a->len[a->cur] <= 0 || a->off == (size_t)a->len[a->cur]) {
        long r = feed_next(a->feed, &a->cur);
        a->have = true;
        a->off = 0;
        if (r <= 0) { /* the end, or the error, after every byte before it */
            if (r < 0 && e)
                *e = a->err[a->cur];
            return r;
        }
    }
    size_t n = (size_t)a->len[a->cur] - a->off;
    if (n > cap)
        n = cap;
    memcpy(dst, a->chunk[a->cur] + a->off, n);
    a->off += n;
    return (long)n;
}
#endif

long input_read(struct trace_input *in, void *dst, size_t cap, struct vms_error *e)
{
#ifdef VMS_WEB
    long n = input_decode(in, dst, cap, e);
#else
    long n = in->ahead ? input_read_ahead(in->ahead, dst, cap, e) : input_decode(in, dst, cap, e);
#endif
    if (n > 0)
        input_hash_update(&in->hash, dst, (size_t)n);
    else if (n == 0)
        in->at_end = true;
    return n;
}

void input_identity(const struct trace_input *in, uint64_t *bytes, uint64_t *hash,
                    bool *complete)
{
    *bytes = in->hash.len;
    *hash = input_hash_final(&in->hash);
    if (complete)
        *complete = in->at_end;
}

int input_drain(struct trace_input *in, struct vms_error *e)
{
    unsigned char *buf = vms_malloc(RAW_SIZE);
    if (!buf)
        return err_set(e, VMS_ENOMEM, "out of host memory");
    long n;
    while ((n = input_read(in, buf, RAW_SIZE, e)) > 0)
        ;
    vms_free(buf);
    return n < 0 ? (int)n : 0;
}

const char *input_compression(const struct trace_input *in)
{
    static const char *const names[] = {"none", "gzip", "xz", "zstd"};
    return names[in->codec];
}

void input_close(struct trace_input *in)
{
    if (!in)
        return;
#ifndef VMS_WEB
    if (in->ahead) {
        feed_stop(in->ahead->feed);
        input_ahead_free(in->ahead);
        in->ahead = NULL;
    }
    if (in->started) {
        if (in->codec == CODEC_GZIP)
            inflateEnd(&in->z);
        else if (in->codec == CODEC_XZ)
            lzma_end(&in->x);
#ifdef VMS_HAVE_ZSTD
        else if (in->codec == CODEC_ZSTD)
            ZSTD_freeDStream(in->zs);
#endif
    }
#endif
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    vms_free(in->raw);
    vms_free(in->name);
    vms_free(in);
}

void input_progress(const struct trace_input *in, uint64_t *done, uint64_t *total)
{
    const struct input_ahead *a = in->ahead;
    if (a) { /* as of the chunk being read (the thread's own count is its business) */
        *done = a->have ? a->raw_bytes[a->cur] : a->raw_start;
        *total = in->raw_total;
        return;
    }
    *done = in->raw_bytes;
    *total = in->raw_total;
}
