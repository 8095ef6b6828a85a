# Stress: 10^4 trace files as 10^4 processes of one `vmsim trace` run (each trace one load
# of its own page and one store to a page at 0x20000000 + 64 * (i % 7)): every process
# finishes, none is killed, each takes exactly its 2 references and 2 minor faults (its
# two pages, first touched), and the total is 20000 references.
t=${TMPDIR:-/tmp}/stress-traces.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
n=10000
awk -v n=$n -v dir="$t" 'BEGIN {
    for (i = 0; i < n; i++) {
        f = sprintf("%s/t%05d.lackey", dir, i)
        printf " L %x,8\n S %x,4\n", 268435456 + i * 4096, 536870912 + (i % 7) * 64 > f
        close(f)
    } }'
fail=0
(cd "$t" && "$VMSIM" trace --no-progress --json --memory 16M t*.lackey) > "$t/out.json" 2> "$t/err" ||
    { echo "exit $?"; head -5 "$t/err"; fail=1; }
tr '{' '\n' < "$t/out.json" > "$t/lines"
procs=$(grep -c '^"pid":[0-9]*,"trace":"t[0-9]*\.lackey","killed":false,"status":"ok","references":2,' "$t/lines")
[ "$procs" = $n ] || { echo "$procs of $n processes ran their 2 references"; fail=1; }
minor=$(grep -c '"faults":$' "$t/lines")
two=$(grep -c '^"minor":2,"major":0,' "$t/lines")
[ "$two" = $n ] || { echo "$two of $n processes with 2 minor faults ($minor fault records)"; fail=1; }
grep -q '"references":20000,' "$t/out.json" || { echo "total is not 20000 references"; fail=1; }
exit $fail
