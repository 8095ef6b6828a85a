/* Physical memory as a hash map from frame number to lazily allocated bytes
 * (open addressing, linear probing, backward-shift deletion), with a small direct-mapped
 * cache of recent frames in front of it. */
#include "hw/physmem.h"

#include "base/alloc.h"

#include <stdlib.h>
#include <string.h>

struct frame_bytes {
    uint8_t *known; /* unknown mode: one byte per byte, 1 = known; NULL = all known */
    uint8_t data[];
};

struct slot {
    uint64_t key; /* pfn + 1; 0 = empty */
    struct frame_bytes *fb;
};

/* Recently used frames, indexed by the low bits of the frame number: a loop over a few
 * frames (a copy between two, a fill of an array) finds them with one compare, and so do
 * the walker's reads of up to about a thousand page-table pages (a few GiB mapped: 16
 * slots made most of a large trace's PTE reads probe the hash). The frames' bytes never
 * move, so only dropping a frame (physmem_clear) invalidates. */
#define RECENT_N 1024

struct physmem {
    unsigned page_shift;
    size_t page_size;
    bool unknown_mode;
    struct slot *slots;
    size_t cap, used; /* cap is a power of two */
    struct slot recent[RECENT_N]; /* key 0 = empty */
};

struct physmem *physmem_create(unsigned page_shift, bool unknown_mode)
{
    struct physmem *pm = vms_calloc(1, sizeof *pm);
    if (!pm)
        return NULL;
    pm->page_shift = page_shift;
    pm->page_size = (size_t)1 << page_shift;
    pm->unknown_mode = unknown_mode;
    pm->cap = 64;
    pm->slots = vms_calloc(pm->cap, sizeof *pm->slots);
    if (!pm->slots) {
        vms_free(pm);
        return NULL;
    }
    return pm;
}

void physmem_destroy(struct physmem *pm)
{
    if (!pm)
        return;
    for (size_t i = 0; i < pm->cap; i++)
        if (pm->slots[i].key) {
            vms_free(pm->slots[i].fb->known);
            vms_free(pm->slots[i].fb);
        }
    vms_free(pm->slots);
    vms_free(pm);
}

static size_t hash(uint64_t key, size_t cap)
{
    key *= 0x9e3779b97f4a7c15ull;
    return (size_t)(key >> 20) & (cap - 1);
}

static struct frame_bytes *lookup_slow(struct physmem *pm, uint64_t key)
{
    for (size_t i = hash(key, pm->cap);; i = (i + 1) & (pm->cap - 1)) {
        if (pm->slots[i].key == key) {
            pm->recent[key % RECENT_N] = pm->slots[i];
            return pm->slots[i].fb;
        }
        if (!pm->slots[i].key)
            return NULL;
    }
}

static inline struct frame_bytes *lookup(struct physmem *pm, pfn_t pfn)
{
    uint64_t key = pfn + 1;
    const struct slot *r = &pm->recent[key % RECENT_N];
    if (LIKELY(r->key == key))
        return r->fb;
    return lookup_slow(pm, key);
}

static int grow(struct physmem *pm)
{
    size_t ncap = pm->cap * 2;
    struct slot *ns = vms_calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < pm->cap; i++) {
        if (!pm->slots[i].key)
            continue;
        size_t j = hash(pm->slots[i].key, ncap);
        while (ns[j].key)
            j = (j + 1) & (ncap - 1);
        ns[j] = pm->slots[i];
    }
    vms_free(pm->slots);
    pm->slots = ns;
    pm->cap = ncap;
    return 0;
}

/* The frame's bytes, allocated zeroed (and all unknown in unknown mode). */
static struct frame_bytes *get(struct physmem *pm, pfn_t pfn)
{
    struct frame_bytes *fb = lookup(pm, pfn);
    if (fb)
        return fb;
    if ((pm->used + 1) * 4 > pm->cap * 3 && grow(pm))
        return NULL;
    fb = vms_calloc(1, sizeof *fb + pm->page_size);
    if (!fb)
        return NULL;
    if (pm->unknown_mode) {
        fb->known = vms_calloc(pm->page_size, 1);
        if (!fb->known) {
            vms_free(fb);
            return NULL;
        }
    }
    uint64_t key = pfn + 1;
    size_t i = hash(key, pm->cap);
    while (pm->slots[i].key)
        i = (i + 1) & (pm->cap - 1);
    pm->slots[i] = (struct slot){key, fb};
    pm->used++;
    pm->recent[key % RECENT_N] = pm->slots[i];
    return fb;
}

uint8_t *physmem_frame(struct physmem *pm, pfn_t pfn)
{
    struct frame_bytes *fb = get(pm, pfn);
    if (fb && fb->known)
        memset(fb->known, 1, pm->page_size);
    return fb ? fb->data : NULL;
}

/* Little-endian loads and stores of 1, 2, 4 or 8 bytes as one host access each (fixed-
 * size memcpy); false for other sizes. */
static inline bool load_le(const uint8_t *p, unsigned size, uint64_t *v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint8_t b1;
    uint16_t b2;
    uint32_t b4;
    switch (size) {
    case 8:
        memcpy(v, p, 8);
        return true;
    case 4:
        memcpy(&b4, p, 4);
        *v = b4;
        return true;
    case 2:
        memcpy(&b2, p, 2);
        *v = b2;
        return true;
    case 1:
        b1 = *p;
        *v = b1;
        return true;
    }
#else
    (void)p, (void)size, (void)v;
#endif
    return false;
}

static inline bool store_le(uint8_t *p, unsigned size, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint16_t b2 = (uint16_t)v;
    uint32_t b4 = (uint32_t)v;
    switch (size) {
    case 8:
        memcpy(p, &v, 8);
        return true;
    case 4:
        memcpy(p, &b4, 4);
        return true;
    case 2:
        memcpy(p, &b2, 2);
        return true;
    case 1:
        *p = (uint8_t)v;
        return true;
    }
#else
    (void)p, (void)size, (void)v;
#endif
    return false;
}

/* The general cases of physmem_read/physmem_write, out of their fast path (a recent
 * frame outside unknown mode): no frame yet, unknown bytes, odd sizes. */
static __attribute__((noinline)) bool read_slow(struct physmem *pm, paddr_t pa, unsigned size,
                                                uint64_t *val)
{
    struct frame_bytes *fb = lookup(pm, pa >> pm->page_shift);
    size_t off = pa & (pm->page_size - 1);
    uint64_t v = 0;
    if (!fb) {
        *val = 0;
        return !pm->unknown_mode;
    }
    if (!fb->known && load_le(fb->data + off, size, val))
        return true;
    bool known = true;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)fb->data[off + i] << (8 * i);
        if (fb->known && !fb->known[off + i])
            known = false;
    }
    *val = v;
    return known;
}

static __attribute__((noinline)) int write_slow(struct physmem *pm, paddr_t pa, unsigned size,
                                                uint64_t val)
{
    struct frame_bytes *fb = get(pm, pa >> pm->page_shift);
    if (!fb)
        return -VMS_ENOMEM;
    size_t off = pa & (pm->page_size - 1);
    if (!fb->known && store_le(fb->data + off, size, val))
        return 0;
    for (unsigned i = 0; i < size; i++) {
        fb->data[off + i] = (uint8_t)(val >> (8 * i));
        if (fb->known)
            fb->known[off + i] = 1;
    }
    return 0;
}

bool physmem_read(struct physmem *pm, paddr_t pa, unsigned size, uint64_t *val)
{
    uint64_t key = (pa >> pm->page_shift) + 1;
    const struct slot *r = &pm->recent[key % RECENT_N];
    if (LIKELY(r->key == key && !r->fb->known) &&
        load_le(r->fb->data + (pa & (pm->page_size - 1)), size, val))
        return true;
    return read_slow(pm, pa, size, val);
}

int physmem_write(struct physmem *pm, paddr_t pa, unsigned size, uint64_t val)
{
    uint64_t key = (pa >> pm->page_shift) + 1;
    const struct slot *r = &pm->recent[key % RECENT_N];
    if (LIKELY(r->key == key && !r->fb->known) &&
        store_le(r->fb->data + (pa & (pm->page_size - 1)), size, val))
        return 0;
    return write_slow(pm, pa, size, val);
}

void physmem_prefetch(struct physmem *pm, paddr_t pa)
{
    struct frame_bytes *fb = lookup(pm, pa >> pm->page_shift);
    if (fb)
        __builtin_prefetch(fb->data + (pa & (pm->page_size - 1)));
}

bool physmem_known(struct physmem *pm, paddr_t pa)
{
    uint64_t v;
    return physmem_read(pm, pa, 1, &v);
}

bool physmem_read_bytes(struct physmem *pm, paddr_t pa, uint8_t *buf, size_t n)
{
    bool known = true;
    for (size_t i = 0; i < n; i++) {
        uint64_t v;
        known &= physmem_read(pm, pa + i, 1, &v);
        buf[i] = (uint8_t)v;
    }
    return known;
}

int physmem_write_bytes(struct physmem *pm, paddr_t pa, const uint8_t *buf, size_t n)
{
    while (n) {
        size_t off = pa & (pm->page_size - 1);
        size_t chunk = pm->page_size - off < n ? pm->page_size - off : n;
        struct frame_bytes *fb = get(pm, pa >> pm->page_shift);
        if (!fb)
            return -VMS_ENOMEM;
        memcpy(fb->data + off, buf, chunk);
        if (fb->known)
            memset(fb->known + off, 1, chunk);
        pa += chunk;
        buf += chunk;
        n -= chunk;
    }
    return 0;
}

void physmem_clear(struct physmem *pm, pfn_t pfn)
{
    uint64_t key = pfn + 1;
    size_t i = hash(key, pm->cap);
    while (pm->slots[i].key != key) {
        if (!pm->slots[i].key)
            return;
        i = (i + 1) & (pm->cap - 1);
    }
    vms_free(pm->slots[i].fb->known);
    vms_free(pm->slots[i].fb);
    pm->used--;
    if (pm->recent[key % RECENT_N].key == key)
        pm->recent[key % RECENT_N] = (struct slot){0, NULL};
    /* Backward-shift deletion keeps every probe chain unbroken. */
    size_t hole = i;
    for (size_t j = (i + 1) & (pm->cap - 1); pm->slots[j].key; j = (j + 1) & (pm->cap - 1)) {
        size_t home = hash(pm->slots[j].key, pm->cap);
        /* Move j into the hole unless its home lies cyclically in (hole, j]. */
        bool between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!between) {
            pm->slots[hole] = pm->slots[j];
            hole = j;
        }
    }
    pm->slots[hole] = (struct slot){0, NULL};
}

int physmem_copy(struct physmem *pm, pfn_t dst, pfn_t src)
{
    struct frame_bytes *s = lookup(pm, src);
    if (!s) {
        physmem_clear(pm, dst);
        return 0;
    }
    struct frame_bytes *d = get(pm, dst);
    if (!d)
        return -VMS_ENOMEM;
    s = lookup(pm, src); /* get() may have moved the table */
    memcpy(d->data, s->data, pm->page_size);
    if (d->known && s->known)
        memcpy(d->known, s->known, pm->page_size);
    return 0;
}

const uint8_t *physmem_peek(struct physmem *pm, pfn_t pfn)
{
    struct frame_bytes *fb = lookup(pm, pfn);
    return fb ? fb->data : NULL;
}

uint64_t physmem_resident(const struct physmem *pm)
{
    return pm->used;
}

void physmem_read_pieces(struct physmem *pm, const paddr_t *pas, const unsigned *lens,
                         unsigned np, uint64_t *val)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (unsigned i = 0; i < np; i++) {
        uint64_t part;
        physmem_read(pm, pas[i], lens[i], &part);
        v |= shift < 64 ? part << shift : 0;
        shift += 8 * lens[i];
    }
    *val = v;
}

int physmem_write_pieces(struct physmem *pm, const paddr_t *pas, const unsigned *lens,
                         unsigned np, uint64_t val)
{
    unsigned shift = 0;
    for (unsigned i = 0; i < np; i++) {
        if (physmem_write(pm, pas[i], lens[i], shift < 64 ? val >> shift : 0))
            return -VMS_ENOMEM;
        shift += 8 * lens[i];
    }
    return 0;
}

/* ------------------------------------------------------------------ checkpoints */

static int cmp_slot(const void *a, const void *b)
{
    uint64_t x = ((const struct slot *)a)->key, y = ((const struct slot *)b)->key;
    return x < y ? -1 : x > y;
}

int physmem_save(const struct physmem *pm, struct ser *s)
{
    struct slot *sl = vms_malloc((pm->used ? pm->used : 1) * sizeof *sl);
    if (!sl)
        return -VMS_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < pm->cap; i++)
        if (pm->slots[i].key)
            sl[n++] = pm->slots[i];
    qsort(sl, n, sizeof *sl, cmp_slot); /* the same state, the same bytes */
    ser_u8(s, pm->unknown_mode);
    ser_u64(s, n);
    for (size_t i = 0; i < n; i++) {
        const struct frame_bytes *fb = sl[i].fb;
        ser_u64(s, sl[i].key - 1);
        /* a page-table page is mostly zeros: its nonzero 64-bit words alone when shorter */
        uint32_t nz = 0;
        for (size_t o = 0; o < pm->page_size; o += 8) {
            uint64_t w;
            memcpy(&w, fb->data + o, 8);
            nz += w != 0;
        }
        if ((size_t)nz * 12 + 4 < pm->page_size) {
            ser_u8(s, 1);
            ser_u32(s, nz);
            for (size_t o = 0; o < pm->page_size; o += 8) {
                uint64_t w;
                memcpy(&w, fb->data + o, 8);
                if (w) {
                    ser_u32(s, (uint32_t)o);
                    ser_bytes(s, fb->data + o, 8);
                }
            }
        } else {
            ser_u8(s, 0);
            ser_bytes(s, fb->data, pm->page_size);
        }
        if (pm->unknown_mode) {
            ser_u8(s, fb->known != NULL);
            if (fb->known)
                ser_bytes(s, fb->known, pm->page_size);
        }
    }
    vms_free(sl);
    return 0;
}

int physmem_load(struct physmem *pm, struct deser *d, pfn_t max_pfn)
{
    /* what the memory held before goes */
    for (size_t i = 0; i < pm->cap; i++)
        if (pm->slots[i].key) {
            vms_free(pm->slots[i].fb->known);
            vms_free(pm->slots[i].fb);
            pm->slots[i] = (struct slot){0, NULL};
        }
    pm->used = 0;
    memset(pm->recent, 0, sizeof pm->recent);
    if (deser_bool(d) != pm->unknown_mode) {
        deser_fail(d, "corrupt checkpoint: physical memory of another kind");
        return 0;
    }
    uint64_t n = deser_max(d, (d->len - d->pos) / 13, "frame count");
    uint64_t last = 0;
    for (uint64_t i = 0; i < n && !d->bad; i++) {
        pfn_t pfn = deser_max(d, max_pfn, "frame number");
        if (i && pfn <= last) {
            deser_fail(d, "corrupt checkpoint: frames out of order");
            break;
        }
        last = pfn;
        uint8_t sparse = deser_u8(d);
        uint32_t nz = sparse == 1 ? deser_u32(d) : 0;
        const uint8_t *bytes = sparse == 0 ? deser_take(d, pm->page_size) : NULL;
        if (sparse > 1 || nz > pm->page_size / 8)
            deser_fail(d, "corrupt checkpoint: frame %llu's bytes", (unsigned long long)pfn);
        if (d->bad)
            break;
        struct frame_bytes *fb = get(pm, pfn);
        if (!fb)
            return -VMS_ENOMEM;
        if (bytes)
            memcpy(fb->data, bytes, pm->page_size);
        for (uint32_t j = 0; j < nz && !d->bad; j++) {
            uint32_t off = deser_u32(d);
            if (off % 8 || off >= pm->page_size) {
                deser_fail(d, "corrupt checkpoint: frame %llu's bytes", (unsigned long long)pfn);
                break;
            }
            deser_bytes(d, fb->data + off, 8);
        }
        if (pm->unknown_mode) {
            bool has = deser_bool(d);
            const uint8_t *known = has ? deser_take(d, pm->page_size) : NULL;
            if (known) {
                memcpy(fb->known, known, pm->page_size);
            } else if (!d->bad) {
                vms_free(fb->known);
                fb->known = NULL;
            }
        }
    }
    return 0;
}
