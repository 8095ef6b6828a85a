#!/bin/sh
# A trace recorded with vmsim record (tests/data/record/events.c, which prints its own
# /proc/self/maps at the start of main) replays through the simulated kernel: the maps
# `vmsim trace --maps` prints at the process's exit hold, line for line (start, end,
# permissions, offset, path), every area of the program's own maps that is backed by the
# program or a library under /usr or /lib (the areas the image, mmap and mprotect events
# built; the program unmaps nothing of them before it exits), and the replay meets no
# contradiction and no reference outside its areas. The file the program maps itself
# (data.txt, by a relative path) is unmapped again before the exit, so it is not listed.
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind not found (Debian: valgrind): the replay of a recorded trace not checked" >&2; [ -n "${VMSIM_CI:-}" ] && exit 1; exit 77; }
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || CC=gcc
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$CC" -O1 -o "$t/events" tests/data/record/events.c || exit 1
echo "some bytes of data" > "$t/data.txt"
(cd "$t" && "$VMSIM" record -o ev.vt -- ./events out.txt data.txt) 2>"$t/rerr" >/dev/null || { cat "$t/rerr" >&2; exit 1; }
if grep -q "recording through lackey" "$t/rerr"; then
    echo "SKIP: vmsimrec is not built here (no Valgrind headers): the trace has no events" >&2
    [ -n "${VMSIM_CI:-}" ] && exit 1
    exit 77
fi
"$VMSIM" trace --maps "$t/ev.vt" >"$t/out" 2>"$t/err" || { cat "$t/err" >&2; exit 1; }
# the program's own maps: the lines after its first line, as many as it says
n=$(head -n 1 "$t/out.txt" | awk '{print $3}')
[ -n "$n" ] || { echo "no maps in the program's output" >&2; exit 1; }
own=$(tail -n +2 "$t/out.txt" | head -c "$n" | awk -v prog="$t/events" '$6 == prog || $6 ~ /^\/(usr|lib)\// {print $1, $2, $3, $6}')
[ "$(printf '%s\n' "$own" | grep -c "$t/events")" -ge 4 ] || { echo "the program's maps do not show its own file: $own" >&2; exit 1; }
printf '%s\n' "$own" | grep -q 'libc\.so' || { echo "the program's maps show no libc" >&2; exit 1; }
sed -n '/: maps at exit (pid /,/^vmsim [0-9]/p' "$t/out" | awk '{print $1, $2, $3, $6}' >"$t/replayed"
printf '%s\n' "$own" | while read -r line; do
    grep -qxF "$line" "$t/replayed" || { echo "not in the replayed maps: $line" >&2; cat "$t/replayed" >&2; exit 1; }
done || exit 1
grep -q 'data\.txt' "$t/replayed" && { echo "data.txt was unmapped but is listed" >&2; exit 1; }
grep -q '^os_event_contradictions  *0$' "$t/out" || { grep '^os_' "$t/out" >&2; cat "$t/err" >&2; exit 1; }
grep -q '^faults.segv_maperr  *0$' "$t/out" || { grep '^faults' "$t/out" >&2; exit 1; }
grep -q '^os_events_replayed  *[1-9]' "$t/out" || exit 1
# the file-backed pages came from the page cache (file reads), not anonymous frames
grep -q '^faults.file_read  *[1-9]' "$t/out" || { grep '^faults' "$t/out" >&2; exit 1; }
exit 0
