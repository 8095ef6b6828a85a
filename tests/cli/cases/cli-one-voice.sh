#!/bin/sh
# One voice for every command: -h, --help and `vmsim help CMD` print the same help (exit 0);
# an unknown option or a missing option argument is ONE line on stderr naming the option
# and the command (exit 2, nothing on stdout); `vmsim help nosuch` is one line, exit 2.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
# one_line CMD WANT ARGS...: vmsim ARGS exits 2, prints nothing on stdout and exactly WANT
one_line() {
    want=$1; shift
    "$VMSIM" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = 2 ] || bad "vmsim $*: exit status $rc, expected 2"
    [ -s "$tmp/out" ] && bad "vmsim $*: printed on stdout: $(head -c 200 "$tmp/out")"
    [ "$(cat "$tmp/err")" = "$want" ] || bad "vmsim $*: stderr is [$(cat "$tmp/err")], expected [$want]"
}
for c in machines translate run pages mrc trace record sweep merge version; do
    "$VMSIM" $c --help >"$tmp/long" 2>"$tmp/err" || bad "$c --help: exit status $?"
    [ -s "$tmp/err" ] && bad "$c --help wrote on stderr"
    head -1 "$tmp/long" | grep -q "^usage: vmsim $c" || bad "$c --help: no usage line: $(head -1 "$tmp/long")"
    "$VMSIM" $c -h >"$tmp/short" || bad "$c -h: exit status $?"
    cmp -s "$tmp/long" "$tmp/short" || bad "$c -h differs from $c --help"
    "$VMSIM" help $c >"$tmp/help" || bad "help $c: exit status $?"
    cmp -s "$tmp/long" "$tmp/help" || bad "vmsim help $c differs from $c --help"
    one_line "vmsim $c: unknown option '--frob' (try 'vmsim help $c')" $c --frob
    one_line "vmsim $c: unknown option '-Z' (try 'vmsim help $c')" $c -Z
done
# a missing argument, by its long name (also when abbreviated), or the short one given
one_line "vmsim machines: option '--set' needs an argument (try 'vmsim help machines')" machines core-i7 --set
one_line "vmsim translate: option '--state' needs an argument (try 'vmsim help translate')" translate --state
one_line "vmsim run: option '--workdir' needs an argument (try 'vmsim help run')" run --workdir
one_line "vmsim pages: option '--frames' needs an argument (try 'vmsim help pages')" pages --frames
one_line "vmsim mrc: option '--policy' needs an argument (try 'vmsim help mrc')" mrc --pol
one_line "vmsim mrc: option '-o' needs an argument (try 'vmsim help mrc')" mrc -o
one_line "vmsim trace: option '--memory' needs an argument (try 'vmsim help trace')" trace --memory
one_line "vmsim record: option '-o' needs an argument (try 'vmsim help record')" record -o
one_line "vmsim sweep: option '--jobs' needs an argument (try 'vmsim help sweep')" sweep --jo
one_line "vmsim merge: option '--output' needs an argument (try 'vmsim help merge')" merge --output
# an ambiguous abbreviation names the candidates; an argument to a flag is refused
one_line "vmsim trace: ambiguous option '--se' (--set, --seed?) (try 'vmsim help trace')" trace --se 1 x
one_line "vmsim trace: option '--json' takes no argument (try 'vmsim help trace')" trace --json=1 x
# the usual parse error of a value keeps the pattern vmsim CMD: --option: ...
one_line "vmsim trace: --memory: expected a size such as 64M or 1G, found 'lots'" trace --memory lots x
# help itself
one_line "vmsim help: unknown command 'nosuch' (try 'vmsim help')" help nosuch
one_line "vmsim: unknown command 'nosuch' (try 'vmsim help')" nosuch
"$VMSIM" help >"$tmp/help" || bad "vmsim help: exit status $?"
"$VMSIM" --help >"$tmp/long" || bad "vmsim --help: exit status $?"
cmp -s "$tmp/help" "$tmp/long" || bad "vmsim help differs from vmsim --help"
grep -q "vmsim help COMMAND" "$tmp/help" || bad "vmsim --help does not mention vmsim help COMMAND"
exit $fail
