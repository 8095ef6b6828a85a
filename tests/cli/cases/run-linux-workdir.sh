#!/bin/sh
# --workdir: the scenario's files are created there and kept, with the bytes written
# through a shared mapping; without it a fresh temporary directory is made on a tmpfs
# (the file system the simulator models: $TMPDIR if it is one, else /dev/shm, else
# $XDG_RUNTIME_DIR) and removed. A working directory that is not on a tmpfs gets one
# warning line naming its file system.
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
fstype() { stat -f -c %T "$1" 2>/dev/null; }
printf 'file out.bin 16 zero\nspawn P\nP mmap F 1page rw- shared file out.bin\nP store F+2 2 0x4241\nexit P\n' > "$d/s.vms"
"$VMSIM" run --on-linux --workdir "$d/w" "$d/s.vms" > "$d/out" 2> "$d/err" || { cat "$d/out" "$d/err" >&2; exit 1; }
[ "$(cat "$d/out")" = "P store F+2 2 0x4241" ] || { echo "unexpected output" >&2; exit 1; }
[ "$(od -An -c -j2 -N2 "$d/w/out.bin" | tr -d ' ')" = "AB" ] || { echo "file content wrong" >&2; exit 1; }
[ "$(wc -c < "$d/w/out.bin")" -eq 16 ] || { echo "file size changed" >&2; exit 1; }
w=$(cd "$d/w" && pwd -P)
if [ "$(fstype "$d/w")" = tmpfs ]; then
    [ ! -s "$d/err" ] || { echo "a warning for a --workdir on tmpfs:" >&2; cat "$d/err" >&2; exit 1; }
else
    [ "$(wc -l < "$d/err")" -eq 1 ] &&
        grep -q "^vmsim run: warning: --on-linux: $w is on [^ ]*, not tmpfs: there Linux may zero at writeback the bytes stored past end-of-file in a file's last page, which tmpfs (the simulator's model) keeps\$" "$d/err" ||
        { echo "no one-line warning for a --workdir on $(fstype "$d/w"):" >&2; cat "$d/err" >&2; exit 1; }
fi
# --keep prints the kept directory on stderr; it must exist, then we remove it. With a
# tmpfs on the host (/dev/shm) it is on one, whatever TMPDIR says, and there is no warning.
TMPDIR=$d "$VMSIM" run --on-linux --keep "$d/s.vms" 2> "$d/err" > /dev/null || exit 1
kept=$(sed -n 's/^vmsim run: working directory \(.*\) kept$/\1/p' "$d/err")
[ -n "$kept" ] && [ -f "$kept/out.bin" ] || { echo "--keep did not keep" >&2; exit 1; }
kfs=$(fstype "$kept")
rm -rf "$kept"
if [ "$(fstype /dev/shm)" = tmpfs ] || [ "$(fstype "$d")" = tmpfs ]; then
    [ "$kfs" = tmpfs ] || { echo "the temporary directory $kept is on $kfs, not tmpfs" >&2; exit 1; }
    [ "$(wc -l < "$d/err")" -eq 1 ] || { echo "unexpected stderr:" >&2; cat "$d/err" >&2; exit 1; }
    # TMPDIR on a tmpfs is used
    TMPDIR=/dev/shm "$VMSIM" run --on-linux --keep "$d/s.vms" 2> "$d/err" > /dev/null || exit 1
    kept=$(sed -n 's/^vmsim run: working directory \(.*\) kept$/\1/p' "$d/err")
    case "$kept" in /dev/shm/vmsim-run-*) rm -rf "$kept" ;;
        *) echo "TMPDIR=/dev/shm: kept $kept" >&2; rm -rf "$kept"; exit 1 ;; esac
else
    grep -q "^vmsim run: warning: --on-linux: .* not tmpfs (none at \$TMPDIR, /dev/shm, \$XDG_RUNTIME_DIR)" "$d/err" ||
        { echo "no warning without a tmpfs:" >&2; cat "$d/err" >&2; exit 1; }
fi
# Without --keep nothing is left behind (in a private directory: TMPDIR on a tmpfs is used).
priv=$d
[ "$(fstype /dev/shm)" = tmpfs ] && priv=$(mktemp -d /dev/shm/vmsim-test.XXXXXX)
TMPDIR=$priv "$VMSIM" run --on-linux "$d/s.vms" > /dev/null 2>&1; rc=$?
left=$(ls "$priv" | grep vmsim-run)
[ "$priv" = "$d" ] || rm -rf "$priv"
[ $rc -eq 0 ] || exit 1
[ -z "$left" ] || { echo "temporary directory left behind in $priv" >&2; exit 1; }
exit 0
