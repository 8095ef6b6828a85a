#!/bin/sh
# docs/vmsim.1 renders without a warning from groff (all warnings on). Skipped without groff.
command -v groff >/dev/null 2>&1 ||
    { echo "groff not found (Debian: groff-base): docs/vmsim.1 not rendered" >&2; exit 77; }
w=$(groff -man -Tutf8 -ww -z docs/vmsim.1 2>&1) || { echo "groff failed: $w" >&2; exit 1; }
[ -z "$w" ] || { echo "groff warns on docs/vmsim.1:" >&2; echo "$w" >&2; exit 1; }
