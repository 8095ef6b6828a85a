# Residency of two processes sharing 4 file pages, each with 2 private pages of its own
# (tests/data/residency.vms; docs/statistics.md, "Residency"): `P stats` and `Q stats` show
# 6 frames each, 4 shared, 4 of the page cache, Rss 24 KiB and Pss 4 * 4096 / 2 + 2 * 4096 =
# 16 KiB; the total (`stats`): 8 frames resident (the 4 page-cache frames and 2 + 2
# private), 4 shared, memory.rss 48 KiB and memory.pss 32 KiB. The read of the untouched
# third page maps the zero page (a zero_fill fault, in no RSS); P's faults: 4 file reads
# (major), 2 + 1 zero-fill; Q's: 2 zero-fill (the fork copied the file PTEs). After Q exits:
# P alone maps the file pages (Pss = Rss = 24 KiB) and Q's 2 frames are free (6 resident).
$VMSIM run tests/data/residency.vms | grep -E '^  statistics|^    (memory\.[a-z_]+|faults\.(minor|major|cow|zero_fill|swap_in|file_read)) '
