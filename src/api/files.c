/* The public file API (vmsim.h, "Result files" and "Whole input files"): src/base/outfile.c
 * behind an opaque handle, src/base/infile.c's bounded reads. */
#include "base/alloc.h"
#include "base/infile.h"
#include "base/outfile.h"

int vms_read_file(const char *path, const char *what, size_t max, bool regular, char **buf,
                  size_t *len, struct vms_error *e)
{
    return infile_slurp(path, regular ? INFILE_REGULAR : 0, what, max, buf, len, e);
}

void vms_read_file_free(char *buf)
{
    vms_free(buf);
}

struct vms_output {
    struct outfile of;
};

int vms_output_check(const char *path, const char *const *inputs, size_t n,
                     struct vms_error *e)
{
    return outfile_check(path, inputs, n, e);
}

int vms_output_open(const char *path, const char *const *inputs, size_t n,
                    struct vms_output **out, struct vms_error *e)
{
    *out = NULL;
    struct vms_output *o = vms_malloc(sizeof *o);
    if (!o)
        return err_set(e, VMS_ENOMEM, "%s: out of host memory", path);
    int rc = outfile_open(&o->of, path, inputs, n, e);
    if (rc < 0) {
        vms_free(o);
        return rc;
    }
    *out = o;
    return 0;
}

FILE *vms_output_stream(struct vms_output *o)
{
    return outfile_stream(&o->of);
}

const char *vms_output_path(const struct vms_output *o)
{
    return outfile_write_path(&o->of);
}

int vms_output_commit(struct vms_output *o, struct vms_error *e)
{
    if (!o)
        return 0;
    int rc = outfile_commit(&o->of, e);
    vms_free(o);
    return rc;
}

void vms_output_abort(struct vms_output *o)
{
    if (!o)
        return;
    outfile_abort(&o->of);
    vms_free(o);
}

void vms_output_abort_all(void)
{
    outfile_abort_all_signal();
}
