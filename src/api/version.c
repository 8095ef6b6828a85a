/* vms_version: the version of the library linked in (vmsim.h "version" section). */
#include "vmsim.h"

#define VMS_STR_(x) #x
#define VMS_STR(x) VMS_STR_(x)

const char *vms_version(void)
{
    return VMS_STR(VMS_VERSION_MAJOR) "." VMS_STR(VMS_VERSION_MINOR) "." VMS_STR(
        VMS_VERSION_PATCH);
}
