#!/bin/sh
# Progress goes to a terminal only: with stderr a file (a pipe, a log), trace, mrc, sweep
# and record draw nothing, even when told to draw at once (VMSIM_PROGRESS_AFTER=0): no
# carriage return, no escape sequence, and stderr holds only their messages.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
VMSIM_PROGRESS_AFTER=0
export VMSIM_PROGRESS_AFTER
T=tests/data/trace/small.lackey
# quiet ARGS...: vmsim ARGS succeeds and writes nothing on stderr
quiet() {
    "$VMSIM" "$@" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: vmsim $*: exit status $?" >&2; fail=1; }
    if [ -s "$tmp/err" ]; then
        echo "FAIL: vmsim $* wrote on stderr (not a terminal):" >&2; od -c "$tmp/err" | head -5 >&2; fail=1
    fi
}
quiet trace $T
quiet trace $T tests/data/trace/pages.lackey
quiet mrc --policy lru,fifo $T
quiet mrc --simulate --policy lru $T
quiet sweep -j 2 --memory 1M,2M --policy clock,fifo $T
# a sweep's marks: its messages, and nothing else (no progress line's \r or escapes)
"$VMSIM" sweep -j 1 --memory 32K,256M tests/data/trace/pages.lackey >"$tmp/out" 2>"$tmp/err"
if tr -d '\n' < "$tmp/err" | grep -q "$(printf '[\r\033]')"; then
    echo "FAIL: sweep wrote control characters on stderr (not a terminal)" >&2; fail=1
fi
if command -v valgrind >/dev/null 2>&1; then
    "$VMSIM" record -o "$tmp/true.vt" -- true >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: record: exit $?" >&2; fail=1; }
    if tr -d '\n' < "$tmp/err" | grep -q "$(printf '[\r\033]')"; then
        echo "FAIL: record wrote control characters on stderr (not a terminal)" >&2; fail=1
    fi
else
    echo "note: valgrind not found: record not checked" >&2
fi
exit $fail
