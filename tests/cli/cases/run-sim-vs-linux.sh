#!/bin/sh
# The simulated kernel held against Linux (docs/scenario.md "Tests"). For every
# tests/scenarios/*.vms, `vmsim run --on-linux` and `vmsim run` must exit alike and print the
# same contract lines (docs/scenario-contract.md "Output lines": a process name followed by a
# memory verb, `expect file ...`, `P killed: ...`, `P: no such process`; "# " notes and all
# other output are left out).
# Then the simulator runs the scenario again under memory pressure - `memory 16pages`,
# `swap 64MiB` and each policy of POLICIES inserted after the scenario's own setup lines
# (just before its first spawn), so that they win - and must still print Linux's lines.
#
# Linux runs with its files on tmpfs: docs/scenario-contract.md takes tmpfs as the reference
# for the bytes past end-of-file (a disk file system such as ext4 zeroes them at writeback).
#
# SIM_VS_LINUX_SIM replaces the simulator command (default "$VMSIM run"); to test this
# script itself: SIM_VS_LINUX_SIM="$VMSIM run --on-linux".

# Scenarios that are not compared with Linux, one per line: NAME REASON. Those with a
# tests/scenarios/NAME.sim file are run once on the simulator as written and its contract
# lines must equal that file (exit status 0).
NOT_COMPARED='
setup-notes  runs exec mid-scenario, which Linux does not run (it prints "# " notes instead)
pages-small  machine csapp-small has 64-byte pages, the host 4 KiB (checked against pages-small.sim)
machine-2level  the 32-bit machine has no XD bit: a fetch from rw- succeeds, as on non-PAE x86 (machine-2level.sim)
machine-small  machine csapp-small has 64-byte pages, the host 4 KiB (checked against machine-small.sim)
oom          an out-of-memory kill: the host has gigabytes and kills no one (checked against oom.sim)
'
# Scenarios whose Linux answers hold only with the files on tmpfs.
NEEDS_TMPFS='file-eof-tail file-eof-remap'
POLICIES='clock fifo lru random aging'
PRESSURE='memory 16pages
swap 64MiB'

SIM=${SIM_VS_LINUX_SIM:-"$VMSIM run"}
TIMEOUT=
command -v timeout >/dev/null 2>&1 && TIMEOUT='timeout 120'
t=$(mktemp -d) || exit 1
shm=
trap 'rm -rf "$t" ${shm:+"$shm"}' EXIT
for d in /dev/shm /run/shm; do
    if [ "$(stat -f -c %T "$d" 2>/dev/null)" = tmpfs ]; then
        shm=$(mktemp -d "$d/vmsim-vs-linux.XXXXXX") && break
        shm=
    fi
done

# The contract lines of output file $1.
contract() {
    grep -E '^(expect file |[A-Za-z_][A-Za-z0-9_-]*( (load|store|fetch|expect|fill|check|touch) | killed: |: no such process$))' "$1"
}

failed=
nfail=0
fail() { # fail SCENARIO VARIANT: note it for the summary
    failed="$failed
  $1${2:+ ($2)}"
    nfail=$((nfail + 1))
}

# sim_run OUTBASE FILE: runs the simulator, leaving OUTBASE.out/.err/.rc and the contract
# lines in OUTBASE.c. Stops everything if the simulated kernel is not there.
sim_run() {
    $TIMEOUT $SIM "$2" >"$1.out" 2>"$1.err"
    echo $? >"$1.rc"
    contract "$1.out" >"$1.c"
    if [ "$(cat "$1.rc")" = 2 ] && grep -q 'the simulated kernel is not built yet' "$1.err"; then
        echo "FAIL: \`vmsim run\` has no simulated kernel yet ($(cat "$1.err")): nothing could be compared" >&2
        exit 1
    fi
}

# same SCENARIO VARIANT BASE: BASE's exit status and contract lines against Linux's.
same() {
    src=$(cat "$3.rc")
    cmp -s "$t/linux.c" "$3.c" && [ "$src" = "$lrc" ] && return 0
    if [ "$src" != "$lrc" ]; then
        echo "$1${2:+ ($2)}: exit status $src on the simulator, $lrc on Linux"
        tail -n 5 "$3.err"
    fi
    diff -u --label "linux: tests/scenarios/$1.vms" \
        --label "vmsim${2:+ ($2)}: tests/scenarios/$1.vms" "$t/linux.c" "$3.c" | head -n 40
    fail "$1" "$2"
}

ncmp=0
skipped=
for f in tests/scenarios/*.vms; do
    name=$(basename "$f" .vms)
    reason=$(printf '%s\n' "$NOT_COMPARED" | awk -v n="$name" '$1 == n { $1 = ""; print substr($0, 2) }')
    if [ -n "$reason" ]; then
        if [ -f "tests/scenarios/$name.sim" ]; then
            sim_run "$t/sim" "$f"
            if [ "$(cat "$t/sim.rc")" != 0 ] || ! cmp -s "tests/scenarios/$name.sim" "$t/sim.c"; then
                [ "$(cat "$t/sim.rc")" = 0 ] || echo "$name: exit status $(cat "$t/sim.rc"), expected 0"
                diff -u --label "tests/scenarios/$name.sim" --label "vmsim: $f" \
                    "tests/scenarios/$name.sim" "$t/sim.c" | head -n 40
                tail -n 5 "$t/sim.err"
                fail "$name" "against $name.sim"
            fi
        fi
        continue
    fi
    # A scenario nobody listed must be comparable: no exec, no other machine.
    if grep -Eq '^[[:space:]]*exec[[:space:]]' "$f" ||
        grep -E '^[[:space:]]*machine[[:space:]]' "$f" | grep -Evq '^[[:space:]]*machine[[:space:]]+core-i7([[:space:]]|$)'; then
        echo "$name: uses exec or a machine other than core-i7: list it in NOT_COMPARED (with the reason) or change it"
        fail "$name" "not listed"
        continue
    fi
    case " $NEEDS_TMPFS " in
    *" $name "*)
        if [ -z "$shm" ]; then
            skipped="$skipped $name"
            continue
        fi ;;
    esac
    TMPDIR=${shm:-$t} "$VMSIM" run --on-linux "$f" >"$t/linux.out" 2>"$t/linux.err"
    lrc=$?
    contract "$t/linux.out" >"$t/linux.c"
    # a host failure: an error that names no scenario line
    if [ "$lrc" = 2 ] && grep '^vmsim run: ' "$t/linux.err" | grep -qv '^vmsim run: [^:]*\.vms:[0-9]'; then
        echo "$name: the Linux run failed: $(tail -n 3 "$t/linux.err")"
        fail "$name" "Linux run"
        continue
    fi
    ncmp=$((ncmp + 1))
    sim_run "$t/sim" "$f"
    same "$name" "" "$t/sim"
    for pol in $POLICIES; do
        awk -v setup="$PRESSURE
policy $pol" '!done && $1 == "spawn" { print setup; done = 1 } { print }' "$f" >"$t/$name.vms"
        sim_run "$t/sim" "$t/$name.vms"
        same "$name" "memory 16pages, swap 64MiB, policy $pol" "$t/sim"
    done
done

[ "$ncmp" -gt 0 ] || { echo "no scenario compared" >&2; exit 1; }
if [ "$nfail" -gt 0 ]; then
    echo "$nfail comparisons failed ($ncmp scenarios compared):$failed"
    exit 1
fi
if [ -n "$skipped" ]; then
    echo "NOT COMPARED (no tmpfs at /dev/shm for Linux's files):$skipped" >&2
    exit 77
fi
exit 0
