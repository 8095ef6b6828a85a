# x86-64 with LA57 (Linux's 5-level paging): user space ends at 2^56 - 4096, placement keeps
# below the 47-bit window unless the hint is above it (then up to 56 bits); a hint that
# straddles the window's end is ignored; MAP_FIXED reaches the top of the 56 bits.
$VMSIM run - <<'VMS'
machine x86-64-5level
spawn P
P mmap A 1page rw- private anon
P mmap B 1page rw- private anon at 0x100000000000
P mmap C 2pages rw- private anon at 0x7ffffffff000
P mmap D 1page rw- private anon at 0xfffffffffe000 fixed
P mmap E 1page rw- private anon at 0x80000000000000
P mmap F 1page rw- private anon at 0xfffffffffff000
P mmap G 1page rw- private anon at 0xffffffffffe000 fixed
P mmap H 1page rw- private anon at 0x800000000000
P store D 8 5
P store G 8 6
P expect G 8 6
P expect H 8 0
P maps
VMS
