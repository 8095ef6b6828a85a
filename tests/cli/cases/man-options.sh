#!/bin/sh
# docs/vmsim.1 documents every command and every option: each command that `vmsim --help`
# lists has a synopsis line (`.B vmsim CMD`) and a section in COMMANDS (`.TP` then
# `.B CMD`, up to the next command's or the next `.SH`), and every long option that
# `vmsim CMD --help` prints on its usage lines or in its option list appears in that
# section (written \-\-NAME in roff). Long options of `vmsim --help` itself (global ones)
# must appear somewhere in the page. --help is not required.
man=docs/vmsim.1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$VMSIM" --help >"$tmp/help" || { echo "vmsim --help failed" >&2; exit 1; }
awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }' \
    "$tmp/help" >"$tmp/commands"
[ -s "$tmp/commands" ] || { echo "no commands in vmsim --help" >&2; exit 1; }
# The long options of a --help text on stdin: every --NAME on the usage lines (from
# "usage:" to the first blank line) and in the option column of option lines (an indented
# line starting with -, up to the two blanks before the description).
options() {
    awk '
        /^usage:/ { usage = 1 }
        usage && /^$/ { usage = 0 }
        usage { text = $0 }
        !usage && /^ +-/ { text = $0; sub(/^ +/, "", text); sub(/  .*/, "", text) }
        { while (match(text, /--[a-z][a-z0-9-]*/)) {
              print substr(text, RSTART, RLENGTH); text = substr(text, RSTART + RLENGTH) }
          text = "" }' | grep -vx -- --help | sort -u
}
# The page with \- as - and without font escapes (\fB, \fI, \fR, \fP), line for line.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man" >"$tmp/page"
# has OPTION FILE: the option appears in FILE as a whole word.
has() { grep -Eq -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|$)" "$2"; }
fail=0
while read -r cmd; do
    awk '/^\.SH/ { on = ($2 == "SYNOPSIS") } on' "$tmp/page" | grep -Eq "^\\.B vmsim $cmd( |$)" ||
        { echo "$man: no synopsis line \".B vmsim $cmd\"" >&2; fail=1; }
    awk -v want="$cmd" -v cmds="$(tr '\n' ' ' <"$tmp/commands")" '
        BEGIN { n = split(cmds, c, " "); for (i = 1; i <= n; i++) iscmd[c[i]] = 1 }
        /^\.SH/ { in_cmds = ($2 == "COMMANDS"); cur = ""; tp = 0; next }
        in_cmds && tp && /^\.B [a-z]+$/ && ($2 in iscmd) { cur = $2; tp = 0; next }
        { tp = ($0 == ".TP") }
        cur == want { print }' "$tmp/page" >"$tmp/section"
    if [ ! -s "$tmp/section" ]; then
        echo "$man: no section for command $cmd (.TP, then .B $cmd, under .SH COMMANDS)" >&2
        fail=1
        continue
    fi
    "$VMSIM" "$cmd" --help >"$tmp/cmdhelp" 2>&1 || { echo "vmsim $cmd --help failed" >&2; fail=1; continue; }
    for opt in $(options <"$tmp/cmdhelp"); do
        has "$opt" "$tmp/section" ||
            { echo "$man: vmsim $cmd $opt (in \`vmsim $cmd --help\`) is not in the $cmd section" >&2; fail=1; }
    done
done <"$tmp/commands"
for opt in $(options <"$tmp/help"); do
    has "$opt" "$tmp/page" || { echo "$man: vmsim $opt (in \`vmsim --help\`) is not documented" >&2; fail=1; }
done
exit $fail
