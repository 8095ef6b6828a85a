# -o writes what standard output would get; a full disk is an error (exit 2), never silent.
t=tests/data/trace/small.lackey
out="${TMPDIR:-/tmp}/trace-out.$$"
"$VMSIM" trace --csv -o "$out" $t || exit 1
"$VMSIM" trace --csv $t | cmp -s - "$out" || { echo "-o differs from stdout" >&2; rm -f "$out"; exit 1; }
rm -f "$out"
if [ -w /dev/full ]; then
    "$VMSIM" trace --json -o /dev/full $t 2>"${TMPDIR:-/tmp}/err.$$"; rc=$?
    msg=$(cat "${TMPDIR:-/tmp}/err.$$"); rm -f "${TMPDIR:-/tmp}/err.$$"
    [ $rc = 2 ] || { echo "/dev/full: exit status $rc" >&2; exit 1; }
    case "$msg" in *"/dev/full: write error"*) ;; *) echo "message: $msg" >&2; exit 1 ;; esac
fi
