#!/bin/sh
# The simulated execve against Linux's (docs/exec.md): for a few programs, `spawn P`,
# `exec P PROG ARGS`, `P maps` on the simulator must print the lines of /proc/PID/maps of
# the real program stopped right after its execve with address randomisation off
# (tests/tools/stopmaps.c), apart from the kernel's [vvar], [vdso] and [vsyscall].
# Where the host forbids ptrace or personality, the test says so loudly and is skipped.
stopmaps=$(dirname "$VMSIM")/tools/stopmaps
[ -x "$stopmaps" ] || { echo "$stopmaps is not built (make check-build)" >&2; exit 1; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT

# The judge first: can this host stop a child after execve at all? (Yama's ptrace_scope 3
# forbids PTRACE_TRACEME to everyone; seccomp or a container may forbid it too.)
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo 'no Yama')
if [ "$scope" = 3 ]; then
    echo "stopmaps: ptrace is disabled (kernel.yama.ptrace_scope = 3)" >"$t/probe.err"
    rc=77
else
    "$stopmaps" /bin/true >"$t/probe" 2>"$t/probe.err"
    rc=$?
fi
if [ $rc = 77 ]; then
    echo "##### The host forbids it ($(cat "$t/probe.err"); ptrace_scope: $scope)." >&2
    echo "##### SKIPPED: the exec layout was NOT compared with Linux's." >&2
    exit 77
fi
[ $rc = 0 ] || { cat "$t/probe.err" >&2; exit 1; }

# Programs built here: a non-PIE with a large .bss (brk beyond the file) and a static-pie.
progs="/bin/true|/usr/bin/cat -n some-file"
printf 'char big[1 << 20];\nint x = 5;\nint main(int c, char **v) { return big[c] + x + (v[0][0] == 0); }\n' >"$t/p.c"
cc=${CC:-cc}
if "$cc" -no-pie -O1 -o "$t/nopie" "$t/p.c" >"$t/cc.err" 2>&1; then
    progs="$progs|$t/nopie a bb ccc"
else
    echo "note: $cc -no-pie failed, non-PIE layout not compared: $(head -n 1 "$t/cc.err")" >&2
fi
if "$cc" -static-pie -O1 -o "$t/spie" "$t/p.c" >"$t/cc.err" 2>&1; then
    progs="$progs|$t/spie"
else
    echo "note: $cc -static-pie failed, static-pie layout not compared: $(head -n 1 "$t/cc.err")" >&2
fi

fails=0
IFS='|'
for cmd in $progs; do
    IFS=' '
    # shellcheck disable=SC2086 # the words of cmd are PROG and its arguments
    set -- $cmd
    if ! "$stopmaps" "$@" >"$t/linux" 2>"$t/linux.err"; then
        echo "stopmaps $cmd failed: $(cat "$t/linux.err")"
        fails=$((fails + 1))
        continue
    fi
    printf 'spawn P\nexec P %s\nP maps\n' "$cmd" >"$t/s.vms"
    "$VMSIM" run "$t/s.vms" >"$t/out" 2>"$t/err"
    rc=$?
    grep -E '^[0-9a-f]+-[0-9a-f]+ [-r][-w][-x][ps] ' "$t/out" >"$t/vmsim"
    if [ $rc != 0 ] || ! cmp -s "$t/linux" "$t/vmsim"; then
        echo "exec $cmd: vmsim run exit status $rc$(head -n 3 "$t/err" | sed 's/^/; /' | tr -d '\n')"
        [ -s "$t/vmsim" ] &&
            diff -u --label "linux: $cmd" --label "vmsim: exec P $cmd; P maps" "$t/linux" "$t/vmsim"
        fails=$((fails + 1))
    fi
done
[ $fails = 0 ]
