#!/bin/sh
# --workdir: the scenario's files are created there and kept, with the bytes written
# through a shared mapping; without it the temporary directory is removed.
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
printf 'file out.bin 16 zero\nspawn P\nP mmap F 1page rw- shared file out.bin\nP store F+2 2 0x4241\nexit P\n' > "$d/s.vms"
"$VMSIM" run --on-linux --workdir "$d/w" "$d/s.vms" > "$d/out" 2>&1 || { cat "$d/out" >&2; exit 1; }
[ "$(cat "$d/out")" = "P store F+2 2 0x4241" ] || { echo "unexpected output" >&2; exit 1; }
[ "$(od -An -c -j2 -N2 "$d/w/out.bin" | tr -d ' ')" = "AB" ] || { echo "file content wrong" >&2; exit 1; }
[ "$(wc -c < "$d/w/out.bin")" -eq 16 ] || { echo "file size changed" >&2; exit 1; }
# --keep prints the kept directory on stderr; it must exist, then we remove it.
TMPDIR=$d "$VMSIM" run --on-linux --keep "$d/s.vms" 2> "$d/err" > /dev/null || exit 1
kept=$(sed -n 's/^vmsim: working directory \(.*\) kept$/\1/p' "$d/err")
[ -n "$kept" ] && [ -f "$kept/out.bin" ] || { echo "--keep did not keep" >&2; exit 1; }
rm -rf "$kept"
# Without --keep nothing is left behind.
TMPDIR=$d "$VMSIM" run --on-linux "$d/s.vms" > /dev/null 2>&1 || exit 1
[ -z "$(ls "$d" | grep vmsim-run)" ] || { echo "temporary directory left behind" >&2; exit 1; }
exit 0
