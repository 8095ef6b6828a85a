#!/bin/sh
# Makes bench/traces/sort.lackey.xz: Valgrind lackey's trace of coreutils `sort` on 20,000
# random text lines (about 650 KB, the same lines on every machine: awk's srand(1)), as
# the bundled mm trace was made (bench/traces/README.md). Too large to keep in the
# repository (8 MB compressed), so `make bench` makes it when Valgrind is installed.
# Takes two to four minutes. Usage: bench/traces/make-sort-trace.sh [OUT.lackey.xz]
set -eu
out=${1:-bench/traces/sort.lackey.xz}
for tool in valgrind sort xz awk; do
    command -v "$tool" >/dev/null || { echo "make-sort-trace: $tool not found" >&2; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { srand(1); for (i = 0; i < 20000; i++) { n = 8 + int(rand() * 48); s = "";
             for (j = 0; j < n; j++) s = s sprintf("%c", 97 + int(rand() * 26)); print s } }' \
    >"$tmp/in.txt"
(cd "$tmp" && env -i PATH=/usr/bin:/bin LC_ALL=C valgrind --tool=lackey --trace-mem=yes \
    --log-file=sort.lackey sort -o out.txt in.txt)
xz -6 -T1 -c "$tmp/sort.lackey" >"$out.tmp"
mv "$out.tmp" "$out"
echo "make-sort-trace: $out ($(wc -c <"$out") bytes)"
