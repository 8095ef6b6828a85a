#!/bin/sh
# Golden CLI tests. Each case is tests/cli/cases/NAME.cmd — a shell command run from the
# repository root with $VMSIM set to the binary under test — with NAME.out (expected
# stdout, exact), optionally NAME.err (expected stderr, exact) and NAME.rc (expected exit
# status, default 0). A case may also be an executable NAME.sh that prints nothing and
# exits 0 on success, 1 on failure, 77 when skipped (it says why on stderr).
# Usage: tests/cli/run.sh BUILD_DIR [FILTER]
out=$1
filter=${2:-}
VMSIM=$(cd "$out" && pwd)/vmsim
export VMSIM
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
for cmd in tests/cli/cases/*.cmd tests/cli/cases/*.sh; do
    [ -e "$cmd" ] || continue
    name=$(basename "$cmd"); name=${name%.*}
    case "$name" in *"$filter"*) ;; *) continue ;; esac
    base=${cmd%.*}
    if [ "${cmd##*.}" = sh ]; then
        sh "$cmd" >"$tmp/out" 2>"$tmp/err"; rc=$?
        if [ $rc -eq 0 ]; then pass=$((pass + 1));
        elif [ $rc -eq 77 ]; then skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$tmp/err")" >&2;
        else fail=$((fail + 1)); echo "FAIL $name (status $rc)" >&2; tail -n 20 "$tmp/out" "$tmp/err" >&2; fi
        continue
    fi
    sh -c "$(cat "$cmd")" >"$tmp/out" 2>"$tmp/err"; rc=$?
    # The build (the compression libraries compiled in, part of every result's
    # provenance) is the one host-dependent value: goldens are those of a build without
    # libzstd.
    for f in out err; do
        sed 's/zlib,liblzma,libzstd/zlib,liblzma/g' "$tmp/$f" > "$tmp/$f.n" && mv "$tmp/$f.n" "$tmp/$f"
    done
    want_rc=0; [ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
    ok=1
    if [ "$rc" != "$want_rc" ]; then ok=0; echo "FAIL $name: exit status $rc, expected $want_rc" >&2; fi
    if [ -f "$base.out" ] && ! cmp -s "$tmp/out" "$base.out"; then
        ok=0; echo "FAIL $name: stdout differs" >&2; diff "$base.out" "$tmp/out" | head -20 >&2
    fi
    if [ -f "$base.err" ] && ! cmp -s "$tmp/err" "$base.err"; then
        ok=0; echo "FAIL $name: stderr differs" >&2; diff "$base.err" "$tmp/err" | head -20 >&2
    fi
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
