#!/bin/sh
# SIGINT or SIGTERM during `vmsim run` (on the simulator and with --on-linux) ends the run
# before its next command: "vmsim run: interrupted by SIGxxx: FILE:LINE: interrupted before
# this line" on stderr, exit status 130 or 143, the workers ended and the fresh working
# directory (TMPDIR/vmsim-run-*) removed. Before, the process died at once and left the
# directory behind. timeout: a run that ignores the signal fails the test.
# on a tmpfs where there is one: run --on-linux puts its directory on the first tmpfs of
# $TMPDIR, /dev/shm, ... (docs/scenario.md), so TMPDIR must be one for the check below
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
n=100000
awk -v n=$n 'BEGIN { print "spawn P"; print "P mmap A 16M rw- private anon"
    for (i = 0; i < n; i++) printf "P fill A 16M %d\n", i % 256 }' > "$tmp/long.vms"
mkdir "$tmp/t"
# stopped SIG WANT_RC ARGS...
stopped() {
    sig=$1 want=$2; shift 2
    TMPDIR=$tmp/t timeout 60 "$VMSIM" run "$@" "$tmp/long.vms" > "$tmp/out" 2> "$tmp/err" &
    pid=$!
    sleep 1.5
    vpid=$(ps -o pid= --ppid $pid 2>/dev/null | head -n 1)
    [ -n "$(ls -A "$tmp/t")" ] || { echo "FAIL: run $* (SIG$sig): no working directory while running" >&2; fail=1; }
    kill -"$sig" ${vpid:-$pid}
    wait $pid; rc=$?
    [ $rc = "$want" ] || { echo "FAIL: run $* (SIG$sig): exit status $rc, expected $want" >&2; cat "$tmp/err" >&2; fail=1; }
    grep -Eq "^vmsim run: interrupted by SIG$sig: $tmp/long.vms:[0-9]+: interrupted before this line$" "$tmp/err" ||
        { echo "FAIL: run $* (SIG$sig): stderr:" >&2; cat "$tmp/err" >&2; fail=1; }
    left=$(ls -A "$tmp/t")
    [ -z "$left" ] || { echo "FAIL: run $* (SIG$sig): left in TMPDIR: $left" >&2; fail=1; rm -rf "$tmp/t"/*; }
}
stopped INT 130
stopped TERM 143
if [ "$(uname -s)" = Linux ]; then
    stopped INT 130 --on-linux
    stopped TERM 143 --on-linux
fi
exit $fail
