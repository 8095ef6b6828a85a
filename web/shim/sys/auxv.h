/* The web build's sys/auxv.h: there is no host auxiliary vector under WASI; every tag reads
 * as absent (0), as getauxval reports an unknown tag. */
#ifndef VMS_WEB_SHIM_AUXV_H
#define VMS_WEB_SHIM_AUXV_H
static inline unsigned long getauxval(unsigned long type)
{
    (void)type;
    return 0;
}
#endif
