#!/bin/sh
# libvmsim.a, the library other programs link, defines no global symbol but the public
# API: every defined global (nm -g --defined-only: T, D, B, R, W, ...) starts with vms_
# and is a name include/vmsim.h declares. The same check run on libvmsim-internal.a
# (every object as compiled) must fail, so the check can see an internal global.
out=$(dirname "$VMSIM")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
command -v nm >/dev/null || { echo "nm not found" >&2; exit 1; }
${CC:-cc} -std=c11 -E -P include/vmsim.h | tr -cs 'A-Za-z0-9_' '\n' | grep '^vms_' | sort -u >"$tmp/declared"
[ "$(wc -l <"$tmp/declared")" -gt 50 ] || { echo "too few names in include/vmsim.h" >&2; exit 1; }

# check LIB: prints the defined globals that are not public, fails if there is one.
check() {
    nm -P -g --defined-only "$1" >"$tmp/nm" || { echo "nm $1 failed" >&2; return 2; }
    awk 'NF >= 2 && length($2) == 1 { print $1 }' "$tmp/nm" | sort -u >"$tmp/globals"
    [ -s "$tmp/globals" ] || { echo "$1: no defined globals at all" >&2; return 2; }
    comm -23 "$tmp/globals" "$tmp/declared" >"$tmp/bad"
    grep -v '^vms_' "$tmp/globals" >>"$tmp/bad"
    [ ! -s "$tmp/bad" ]
}

if ! check "$out/libvmsim.a"; then
    echo "$out/libvmsim.a defines $(sort -u "$tmp/bad" | wc -l) non-public globals:" >&2
    sort -u "$tmp/bad" | head -20 >&2
    exit 1
fi
for f in vms_config_create vms_machine_create vms_load vms_store vms_strerror; do
    grep -qx "$f" "$tmp/globals" || { echo "libvmsim.a does not export $f" >&2; exit 1; }
done
check "$out/libvmsim-internal.a"
rc=$?
[ $rc -ne 2 ] || exit 1
[ $rc -eq 1 ] && grep -qx err_set "$tmp/bad" || {
    echo "the check did not find err_set in libvmsim-internal.a" >&2; exit 1; }
