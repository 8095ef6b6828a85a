#!/bin/sh
# run --json: `stats` prints one JSON object with the schema's top-level keys and counts
# that follow from the script; `pagetable ADDR` decodes every level's PTE.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
cat >"$t/s.vms" <<'VMS'
spawn P
P mmap A 2pages rw- private anon
P load A 8
P store A 8 0x5
P store A+4092 8 0x6
fork P Q
Q store A 1 0x7
P pagetable A
stats
VMS
"$VMSIM" run --json "$t/s.vms" >"$t/out" 2>"$t/err" || { cat "$t/err" >&2; exit 1; }
# The JSON is checked by python3 when it is installed (else the case ends as skipped, after
# the checks of the page-table walk below).
if command -v python3 >/dev/null 2>&1; then
python3 - "$t/out" <<'PY' || exit 1
import json, sys
lines = open(sys.argv[1]).read().split('\n')
start = next(i for i, l in enumerate(lines) if l.startswith('{'))
s = json.loads('\n'.join(lines[start:]))
for k in ('references', 'loads', 'stores', 'split', 'tlb', 'walks', 'faults', 'cache', 'swap', 'cycles', 'amat'):
    assert k in s, k
# 1 load + 3 stores; the store at A+4092 spans two pages
assert s['references'] == 4 and s['loads'] == 1 and s['stores'] == 3 and s['split'] == 1, s
f = s['faults']
# load of A: zero page (zero_fill); store A: COW from the zero page (zero_fill); store at
# A+4092 touches the second page (zero_fill); Q's store after fork: copy-on-write
assert f['zero_fill'] == 3 and f['cow'] == 1, f
PY
fi
# the walk: four levels, each PTE decoded, the leaf read-only after fork (COW), then the PA
n=$(grep -c '^    L[1-4] index 0x[0-9a-f]* PTE @ 0x[0-9a-f]* = 0x[0-9a-f]*: P=1 R/W=' "$t/out")
[ "$n" = 4 ] || { echo "expected 4 decoded levels, got $n" >&2; cat "$t/out" >&2; exit 1; }
grep -q '^    L4 .*: P=1 R/W=0 U/S=1 .* XD=1 PFN=0x' "$t/out" || { echo "leaf not read-only/XD" >&2; exit 1; }
grep -q '^    -> PA 0x' "$t/out" || { echo "no PA" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 ||
    { echo "python3 not found (Debian: python3): the stats JSON not checked (the walk passed)" >&2; exit 77; }
exit 0
