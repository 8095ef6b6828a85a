/* vms_version, vms_build: the version of the library linked in and the compression
 * libraries compiled into it (vmsim.h "version" section). */
#include "vmsim.h"

#define VMS_STR_(x) #x
#define VMS_STR(x) VMS_STR_(x)

const char *vms_version(void)
{
    return VMS_STR(VMS_VERSION_MAJOR) "." VMS_STR(VMS_VERSION_MINOR) "." VMS_STR(
        VMS_VERSION_PATCH);
}

const char *vms_build(void)
{
#if defined(VMS_WEB) /* the web build: no compression libraries (docs/web.md) */
    return "wasm32-wasi";
#elif defined(VMS_HAVE_ZSTD)
    return "zlib,liblzma,libzstd";
#else
    return "zlib,liblzma";
#endif
}
