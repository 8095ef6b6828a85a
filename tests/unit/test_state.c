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

/* A place given twice is an error at the second line, naming the first: a TLB or cache
 * slot, a tag valid in two ways of one set, a VPN's pte, a level and VPN's pde. Different
 * places, and a tag repeated where one of the two is invalid, are fine. */
TEST(state_duplicates)
{
    struct vms_error e = {0};
    CHECK_EQ(parse("machine csapp-small\ntlb 3 1 tag=0x3 ppn=0xd valid=1\n"
                   "# again\ntlb 3 1 tag=0x7 ppn=0x2 valid=1\n", &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "t.state:4:1: duplicate tlb entry for l1d set 3 way 1 (first at line 2)");
    CHECK_EQ(parse("machine csapp-small\ntlb 3 1 tag=0x3 ppn=0xd valid=1\n"
                   "  tlb 3 2 tag=0x3 ppn=0x2 valid=1\n", &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "t.state:3:3: duplicate tlb tag: l1d set 3 already holds tag 0x3 valid in "
                     "another way (first at line 2)");
    /* the same tag, one of them invalid (the book's TLB has such); another set; another way */
    CHECK_EQ(parse("machine csapp-small\ntlb 3 1 tag=0x3 ppn=0xd valid=1\n"
                   "tlb 3 2 tag=0x3 ppn=- valid=0\ntlb 2 1 tag=0x3 ppn=0xd valid=1\n"
                   "tlb 3 3 tag=0x4 ppn=0xd valid=1\n", &e), 0);
    CHECK_EQ(parse("machine csapp-small\npte 0x0f ppn=0x0d valid=1\npte 0x0e ppn=0x11 valid=1\n"
                   "pte 0xf ppn=- valid=0\n", &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "t.state:4:1: duplicate pte for VPN 0xf (first at line 2)");
    CHECK_EQ(parse("machine csapp-2level\npde 1 0x400 valid=0\npde 1 0x400 valid=0\n", &e),
             -VMS_EINVAL);
    CHECK_STR(e.msg, "t.state:3:1: duplicate pde for level 1 VPN 0x400 (first at line 2)");
    CHECK_EQ(parse("machine csapp-small\ncache 0x5 0 tag=0x0d valid=1 bytes=36,72,f0,1d\n"
                   "cache 5 0 tag=0x0e valid=0\n", &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "t.state:3:1: duplicate cache line for l1d set 5 way 0 (first at line 2)");
    CHECK_EQ(parse("machine core-i7\ncache l2 7 0 tag=0x1 valid=1\ncache l2 7 1 tag=0x1 valid=0\n"
                   "cache l2 7 2 tag=0x1 valid=1\n", &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "t.state:4:1: duplicate cache tag: l2 set 7 already holds tag 0x1 valid in "
                     "another way (first at line 2)");
    /* one slot in two structures, or in two page-size arrays, is two places */
    CHECK_EQ(parse("machine core-i7\ncache l1d 7 0 tag=0x1 valid=1\ncache l2 7 0 tag=0x1 valid=1\n"
                   "tlb l1d 1 0 tag=0x1 ppn=0x5 valid=1\n"
                   "tlb l1d 1 0 size=2m tag=0x1 ppn=0x200 valid=1\n", &e), 0);
    /* many distinct places (the table grows) */
    char big[64 * 40 + 32] = "machine csapp-small\n";
    for (int v = 0; v < 64; v++)
        snprintf(big + strlen(big), sizeof big - strlen(big), "pte 0x%x ppn=0x%x valid=1\n", v,
                 v & 0x3f);
    CHECK_EQ(parse(big, &e), 0);
    strcat(big, "pte 0x3f ppn=0x1 valid=1\n");
    CHECK_EQ(parse(big, &e), -VMS_EINVAL);
    CHECK_STR(e.msg, "t.state:66:1: duplicate pte for VPN 0x3f (first at line 65)");
}
