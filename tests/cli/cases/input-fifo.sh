#!/bin/sh
# A FIFO that no process writes never blocks a command (before: every command waited in
# open(2) forever). Where a regular file is required (scenarios, state files, reference
# strings, programs to exec) it is refused; a trace from such a FIFO is an empty trace (the
# warning, exit status 1, docs/trace.md); a CSV file for merge from it is empty input,
# refused as such. timeout 10: a
# regression fails instead of hanging the suite.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/f" || { echo "mkfifo failed: not checked" >&2; exit 77; }
F=$tmp/f
fail=0
# expect STATUS MESSAGE COMMAND...
expect() {
    want_rc=$1 want=$2; shift 2
    out=$(timeout 10 "$@" 2>&1); rc=$?
    [ $rc -eq "$want_rc" ] || { echo "FAIL: $*: exit $rc, expected $want_rc" >&2; fail=1; }
    case $out in *"$want"*) ;; *) echo "FAIL: $*: $out" >&2; fail=1 ;; esac
}
expect 2 "$F: not a regular file (a FIFO; expected a scenario)" "$VMSIM" run "$F"
expect 2 "$F: not a regular file (a FIFO; expected a scenario)" "$VMSIM" run --check "$F"
expect 2 "$F: not a regular file (a FIFO; expected a scenario)" "$VMSIM" run --on-linux "$F"
expect 2 "$F: not a regular file (a FIFO; expected a state file)" "$VMSIM" translate --state "$F" 0x0
expect 1 "$F: warning: empty trace (no records)" "$VMSIM" trace "$F"
expect 0 "records                  0" "$VMSIM" trace --count "$F"
expect 1 "$F: warning: empty trace (no records)" "$VMSIM" mrc --policy lru "$F"
expect 2 "$F: not a regular file (a FIFO; expected a reference string)" "$VMSIM" mrc --policy lru --file "$F"
expect 2 "$F: not a regular file (a FIFO; expected a reference string)" "$VMSIM" pages --frames 3 --file "$F"
expect 2 "$F: empty file, expected a CSV header" "$VMSIM" merge "$F"
expect 1 "empty" "$VMSIM" sweep --memory 1M "$F"
# exec of the FIFO in a scenario
printf 'spawn P\nexec P %s\n' "$F" > "$tmp/exec.vms"
expect 2 "regular file" "$VMSIM" run "$tmp/exec.vms"
# A FIFO with a writer is read as a stream: the data is in it before vmsim opens it (this
# shell holds it open read-write), and the shell's end closes once vmsim has it open.
cp tests/data/trace/small.lackey "$tmp/t"
exec 3<>"$F"
cat "$tmp/t" >&3
"$VMSIM" trace --count "$F" > "$tmp/out" 2>&1 3>&- &
pid=$!
i=0
# (the shell's end must stay open until vmsim has its own: a FIFO that nobody holds open
# drops its bytes; a loaded machine may take seconds to start vmsim under ASan)
# (and it must be vmsim's own: until the exec, the forked shell still has fd 3 on the FIFO)
opened() {
    [ "$(readlink /proc/$pid/exe 2>/dev/null)" = "$(readlink -f "$VMSIM")" ] &&
        ls -l /proc/$pid/fd 2>/dev/null | grep -q "$F"
}
while [ $i -lt 600 ] && ! opened; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 600 ] || { echo "FAIL: vmsim did not open the FIFO within a minute" >&2; fail=1; }
exec 3>&-
(sleep 30; kill $pid 2>/dev/null) >/dev/null 2>&1 &
killer=$!
wait $pid; rc=$?
kill $killer 2>/dev/null
out=$(cat "$tmp/out")
[ $rc -eq 0 ] || { echo "FAIL: trace --count of a written FIFO: exit $rc: $out" >&2; fail=1; }
case $out in *"records                  300"*) ;; *) echo "FAIL: written FIFO: $out" >&2; fail=1 ;; esac
exit $fail
