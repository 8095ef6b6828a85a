#!/bin/sh
# SIGTERM or SIGINT killing `vmsim trace --convert F -o OUT` removes OUT's temporary file
# first: an old OUT stays as it was, nothing half-written is left beside it (the exit is the
# signal's). (`vmsim sweep -o OUT` writes the rows it has instead: interrupt-sweep.sh.)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
# --convert of an endless trace (awk ends with SIGPIPE)
for sig in TERM INT; do
    echo old > c.vt
    awk 'BEGIN { for (;;) for (i = 0; i < 4096; i++) printf "I  %x,4\n", 4194304 + i * 4 }' |
        timeout 60 "$VMSIM" trace --convert vmsim -o c.vt - 2> err &
    pid=$!
    sleep 1
    ls -A | grep -q tmp || { echo "FAIL: convert SIG$sig: no temporary file while running" >&2; fail=1; }
    vpid=$(ps -o pid= --ppid $pid 2>/dev/null | head -n 1)
    kill -"$sig" ${vpid:-$pid}
    wait $pid; rc=$?
    [ $rc -ne 0 ] || { echo "FAIL: convert SIG$sig: exit status 0" >&2; fail=1; }
    [ "$(cat c.vt)" = old ] || { echo "FAIL: convert SIG$sig: c.vt changed" >&2; fail=1; }
    left=$(ls -A | grep tmp)
    [ -z "$left" ] || { echo "FAIL: convert SIG$sig: left: $left" >&2; fail=1; }
done
exit $fail
