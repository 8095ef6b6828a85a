#!/bin/sh
# README.md's "A short tour" runs as written: every `$ ` line of its first code block is run
# with build/vmsim standing for the binary under test, in a temporary copy of examples/ (so
# the files the tour writes, such as mrc.svg and r.csv, never land in the tree). A command
# must exit 0, or with the status its comment states ("exit status N"). The lines shown
# after a command (up to the next `$ ` line; `...` lines skipped) must appear, in that
# order, in what it prints (standard output, then standard error; trailing blanks ignored).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
    /^## A short tour/ { tour = 1; next }
    tour && /^## / { exit }
    tour && /^```/ { if (inblock) exit; inblock = 1; next }
    !inblock { next }
    cont { sub(/\\$/, "", cmd); cmd = cmd " " $0; cont = /\\$/; if (!cont) emit(); next }
    /^\$ / { n++; cmd = substr($0, 3); cont = /\\$/; if (!cont) emit(); next }
    n && !/^ *\.\.\. *$/ { sub(/[ \t]+$/, ""); print > (dir "/want." n) }
    function emit(   c, rc) {
        rc = 0
        if (match(cmd, /#.*exit status [0-9]+/)) {
            c = substr(cmd, RSTART, RLENGTH); sub(/.*exit status /, "", c); rc = c + 0
        }
        print cmd > (dir "/cmd." n); close(dir "/cmd." n)
        print rc > (dir "/rc." n); close(dir "/rc." n)
        printf "" > (dir "/want." n)
    }
    END { print n + 0 > (dir "/count") }
' README.md || exit 1
count=$(cat "$tmp/count")
[ "$count" -gt 0 ] || { echo "readme-tour: no \`\$ \` command found in README.md's \"A short tour\" block" >&2; exit 1; }
mkdir "$tmp/work" && cp -R examples "$tmp/work/" || exit 1
export VMSIM
fail=0
i=1
while [ $i -le "$count" ]; do
    cmd=$(cat "$tmp/cmd.$i")
    want_rc=$(cat "$tmp/rc.$i")
    run=$(printf '%s\n' "$cmd" | sed 's|build/vmsim|"$VMSIM"|g')
    (cd "$tmp/work" && sh -c "$run") >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    if [ "$rc" != "$want_rc" ]; then
        echo "README tour: \`$cmd\` exited with status $rc, expected $want_rc" >&2
        tail -n 5 "$tmp/err" >&2
        fail=1
    else
        # Each shown line must come, in order, in the output.
        cat "$tmp/out" "$tmp/err" | sed 's/[ \t]*$//' >"$tmp/got"
        missing=$(awk -v want="$tmp/want.$i" '
            BEGIN { while ((getline l < want) > 0) w[++nw] = l; k = 1 }
            k <= nw && $0 == w[k] { k++ }
            END { if (k <= nw) print "[" w[k] "]" }' "$tmp/got")
        if [ -n "$missing" ]; then
            echo "README tour: \`$cmd\` does not print this line README.md shows (or not in that order):" >&2
            echo "    $missing" >&2
            fail=1
        fi
    fi
    i=$((i + 1))
done
exit $fail
