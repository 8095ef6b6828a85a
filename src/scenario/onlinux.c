/* placeholder */
#include "scenario/scenario.h"
#include "base/err.h"
int vms_scenario_run_on_linux(const struct scenario *sc, const struct vms_linux_options *opt,
                              FILE *out, FILE *diag, struct vms_error *e)
{
    (void)sc; (void)opt; (void)out; (void)diag;
    return err_set(e, VMS_EUNSUPPORTED, "not yet");
}
