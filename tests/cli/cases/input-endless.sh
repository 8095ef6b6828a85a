#!/bin/sh
# An endless input (/dev/zero) given as a scenario or a state file fails at the bound with
# exit status 2 and a message naming it, instead of growing the process without end.
[ -c /dev/zero ] || { echo "/dev/zero is not a character device here: not checked" >&2; exit 77; }
out=$("$VMSIM" run --check /dev/zero 2>&1); rc=$?
[ $rc -eq 2 ] || { echo "run --check /dev/zero: exit $rc" >&2; exit 1; }
[ "$out" = "vmsim run: /dev/zero: scenario larger than 64 MiB" ] || { echo "run --check: $out" >&2; exit 1; }
out=$("$VMSIM" translate --state /dev/zero 0x0 2>&1); rc=$?
[ $rc -eq 2 ] || { echo "translate --state /dev/zero: exit $rc" >&2; exit 1; }
case $out in *"/dev/zero: state file larger than 64 MiB"*) ;; *) echo "translate: $out" >&2; exit 1 ;; esac
exit 0
