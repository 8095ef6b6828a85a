#!/bin/sh
# `vmsim trace` swaps without swap-file I/O (a trace's pages hold no bytes, and all-zero
# pages are not written: docs/testing.md), so a swap-file fault at any call N is never
# reached and its "killed by SIGBUS: a swap-in failed" line cannot be: the run swaps (97
# swap-ins here) and its output is the clean run's, for EIO at N = 1, 2, 3 and ENOSPC at 1.
T=tests/data/trace/pages.lackey
want=$("$VMSIM" trace --memory 16K --swap 1M "$T" 2>/dev/null)
echo "$want" | grep -q '^swap\.ins  *97$' || { echo "FAIL: the clean run does not swap in 97 pages" >&2; exit 1; }
fail=0
for f in eio:1 eio:2 eio:3 enospc:1; do
    got=$(VMSIM_IO_FAULT=$f:swap "$VMSIM" trace --memory 16K --swap 1M "$T" 2>"${TMPDIR:-/tmp}/iofault-trace-swap.$$"); rc=$?
    [ $rc = 0 ] || { echo "FAIL $f: exit status $rc" >&2; fail=1; }
    [ "$got" = "$want" ] || { echo "FAIL $f: the output differs" >&2; fail=1; }
    grep -q SIGBUS "${TMPDIR:-/tmp}/iofault-trace-swap.$$" && { echo "FAIL $f: a SIGBUS line" >&2; fail=1; }
    rm -f "${TMPDIR:-/tmp}/iofault-trace-swap.$$"
done
exit $fail
