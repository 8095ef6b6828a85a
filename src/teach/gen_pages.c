/* `vmsim gen pages`: a reference string, a frame count and a policy; the key is what
 * `vmsim pages` computes (vms_pages_run): the frames after each reference, the faults. */
#include "base/alloc.h"
#include "base/err.h"
#include "teach/teach.h"

#include <inttypes.h>
#include <string.h>

int teach_gen_pages(struct vms_exercise *x, struct vms_error *e)
{
    static const char *const policies[] = {"fifo", "lru", "opt", "clock"};
    const size_t npol = sizeof policies / sizeof *policies;
    struct rng r;
    rng_seed(&r, x->seed);
    if (x->want[0]) {
        size_t i;
        for (i = 0; i < npol; i++)
            if (!strcmp(x->want, policies[i]))
                break;
        if (i == npol)
            return err_set(e, VMS_EINVAL, "--want: unknown policy '%s' for pages (expected "
                           "fifo, lru, opt or clock)", x->want);
        snprintf(x->policy, sizeof x->policy, "%s", policies[i]);
    } else {
        snprintf(x->policy, sizeof x->policy, "%s", policies[rng_below(&r, npol)]);
    }
    if (!x->count)
        x->count = 12;
    if (x->count > 64)
        return err_set(e, VMS_EINVAL, "--count: at most 64 references, found %u", x->count);
    x->frames = 3 + (unsigned)rng_below(&r, 2);
    unsigned npages = x->frames + 2 + (unsigned)rng_below(&r, 3);
    struct vms_refs refs = {0};
    struct teach_buf b = {0};
    int rc = 0;
    teach_buf_printf(&b, "refs");
    for (unsigned i = 0; i < x->count; i++)
        teach_buf_printf(&b, " %" PRIu64, rng_below(&r, npages));
    if (b.failed)
        return err_set(e, VMS_ENOMEM, "out of memory");
    rc = vms_refs_parse(&refs, b.s + 4, b.len - 4, "generated", e);
    struct vms_pages *pg = NULL;
    struct vms_pages_opts o = {.policy = x->policy, .frames = x->frames};
    if (rc == 0)
        rc = vms_pages_run(&o, &refs, &pg, e);
    if (rc == 0 && !(x->p = vms_calloc(x->count, sizeof *x->p)))
        rc = err_set(e, VMS_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < x->count; i++) {
        struct teach_problem *p = &x->p[i];
        uint64_t fr[8];
        bool hit = false;
        size_t nf = vms_pages_step(pg, i, &hit, fr, 8);
        snprintf(p->given_name, sizeof p->given_name, "ref");
        snprintf(p->given, sizeof p->given, "%" PRIu64, refs.page[i]);
        p->given_num = refs.page[i];
        p->nfields = 2;
        p->f[0] = (struct teach_field){.name = "frames", .label = "frames", .type = TEACH_LIST};
        p->f[1] = (struct teach_field){.name = "fault", .label = "fault?", .type = TEACH_BOOL};
        size_t len = 0;
        for (size_t k = 0; k < nf && k < 8; k++) {
            int n = fr[k] == VMS_PAGES_EMPTY
                        ? snprintf(p->f[0].key + len, sizeof p->f[0].key - len, "%s-",
                                   k ? "," : "")
                        : snprintf(p->f[0].key + len, sizeof p->f[0].key - len, "%s%" PRIu64,
                                   k ? "," : "", fr[k]);
            len += (size_t)n;
        }
        snprintf(p->f[1].key, sizeof p->f[1].key, "%s", hit ? "N" : "Y");
        snprintf(p->f[0].hint, sizeof p->f[0].hint, "%s: on a fault with every frame full, the "
                 "evicted page's frame takes page %s; a hit changes no frame",
                 !strcmp(x->policy, "fifo")  ? "FIFO evicts the page loaded longest ago"
                 : !strcmp(x->policy, "lru") ? "LRU evicts the page used longest ago"
                 : !strcmp(x->policy, "opt") ? "OPT evicts the page used farthest in the future "
                                               "(or never again)"
                                             : "Clock sweeps from its hand, clearing reference "
                                               "bits, and evicts the first page whose bit is 0",
                 p->given);
        snprintf(p->f[1].hint, sizeof p->f[1].hint, "a reference faults when its page is in no "
                 "frame just before it");
    }
    x->nproblems = rc == 0 ? x->count : 0;
    if (rc == 0) {
        teach_buf_printf(&b, "\npolicy %s\nframes %u\n", x->policy, x->frames);
        x->state = b.s;
        b.s = NULL;
        if (b.failed)
            rc = err_set(e, VMS_ENOMEM, "out of memory");
        snprintf(x->intro, sizeof x->intro,
                 "Run %s with %u frames, empty at first, over the reference string: after each "
                 "reference give the page in every frame (frame 0 first, '-' for an empty one, "
                 "separated by commas) and whether it faulted (Y or N).", x->policy, x->frames);
    }
    vms_free(b.s);
    vms_pages_destroy(pg);
    vms_refs_fini(&refs);
    return rc;
}
