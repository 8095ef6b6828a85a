/* The state-file parser's bounds: input Linux-like code would refuse is refused here too. */
#include "harness.h"
#include "vmsim.h"

#include <string.h>

static int parse(const char *text, struct vms_error *e)
{
    struct vms_state *st = NULL;
    int rc = vms_state_parse(text, strlen(text), "t.state", &st, e);
    vms_state_destroy(st);
    return rc;
}

/* A mem line whose last byte's address wraps past 2^64 is outside physical memory
 * (the bounds check once overflowed and wrote the bytes at PA 0). */
TEST(state_mem_address_wraps)
{
    struct vms_error e = {0};
    CHECK_EQ(parse("machine csapp-small\nmem 0xffffffffffffffff 01 77\n", &e), -VMS_EINVAL);
    CHECK_CONTAINS(e.msg, "t.state:2:1: address 0xffffffffffffffff outside");
    CHECK_EQ(parse("machine csapp-small\nmem 0xfffffffffffffffe 01 02 03\n", &e), -VMS_EINVAL);
    CHECK_EQ(parse("machine csapp-small\nmem 0xffffffffffffffff 01\n", &e), -VMS_EINVAL);
    CHECK_EQ(parse("machine csapp-small\nmem 0x1000 01\n", &e), -VMS_EINVAL);
    /* the last byte of the 12-bit memory is fine; one past is not */
    CHECK_EQ(parse("machine csapp-small\nmem 0xffe 01 02\n", &e), 0);
    CHECK_EQ(parse("machine csapp-small\nmem 0xfff 01 02\n", &e), -VMS_EINVAL);
}
