/* `vmsim gen run`: a scenario story on the simulated kernel with questions (not yet). */
#include "base/err.h"
#include "teach/teach.h"

int teach_gen_run(struct vms_exercise *x, struct vms_error *e)
{
    (void)x;
    return err_set(e, VMS_EUNSUPPORTED, "gen run: not implemented yet");
}
