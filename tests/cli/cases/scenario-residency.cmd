# Residency of two processes sharing 4 file pages, each with 2 private pages of its own
# (tests/data/residency.vms; docs/statistics.md, "Residency"): Rss 24 KiB and Pss
# 4 * 4096 / 2 + 2 * 4096 = 16 KiB each, so the total's memory.rss is 48 KiB and memory.pss
# 32 KiB; 8 frames resident (4 of the page cache, shared by both, and 2 + 2 private); the
# read of the untouched third page maps the zero page (a zero_fill fault, in no RSS). After
# Q exits its values go: P alone maps the file pages (Pss = Rss = 24 KiB), Q's 2 frames
# are free.
$VMSIM run tests/data/residency.vms | grep -E '^    (memory\.[a-z_]+|faults\.(minor|major|cow|zero_fill|swap_in|file_read)) '
