/* The web build's sys/sysmacros.h: WASI's struct stat has a 64-bit st_dev that no
 * major/minor split applies to; the whole number is the major and the minor is 0, so
 * equal devices stay equal (all that the core compares them for). */
#ifndef VMS_WEB_SHIM_SYSMACROS_H
#define VMS_WEB_SHIM_SYSMACROS_H
#define major(dev) ((unsigned)(dev))
#define minor(dev) ((unsigned)((dev) * 0))
#endif
