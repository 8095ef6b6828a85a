# Stress: a sparse 5-level address space (x86-64-5level, LA57: user space up to
# 2^56 - 4096): pages at 0x10000, at 2^48 (above the 4-level range), at 2^55 and the last
# user page 0xffffffffffe000, each under its own PML5 entry (0x0, 0x1, 0x80, 0xff), written
# and read back with the audit after every command; one page more at the top is refused.
# The walk of 0xffffffffffe008 takes indices 0xff, 0x1ff, 0x1ff, 0x1ff, 0x1fe (bits 56-48,
# 47-39, 38-30, 29-21, 20-12) and ends at offset 8 of the frame.
t=${TMPDIR:-/tmp}/stress-5l.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
fail=0
cat > "$t/top.vms" <<'VMS'
machine x86-64-5level
memory 1MiB
spawn P
P mmap T 4KiB rw- private anon at 0xffffffffffe000 fixed
P mmap M 4KiB rw- private anon at 0x80000000000000 fixed
P mmap H 4KiB rw- private anon at 0x1000000000000 fixed
P mmap L 4KiB rw- private anon at 0x10000 fixed
P fill T 4KiB 5
P fill M 4KiB 8
P fill H 4KiB 6
P fill L 4KiB 7
P check T 4KiB 5
P check M 4KiB 8
P check H 4KiB 6
P check L 4KiB 7
P pagetable 0xffffffffffe008
P maps
stats
VMS
"$VMSIM" run --audit "$t/top.vms" > "$t/top.out" 2> "$t/top.err" || { echo "exit $?"; cat "$t/top.err"; fail=1; }
[ "$(grep -c ' check .* ok$' "$t/top.out")" = 4 ] || { echo "not 4 checks ok"; fail=1; }
for ix in 'L1 index 0xff ' 'L2 index 0x1ff ' 'L3 index 0x1ff ' 'L4 index 0x1ff ' 'L5 index 0x1fe '; do
    grep -q "$ix" "$t/top.out" || { echo "walk: no '$ix'"; fail=1; }
done
grep -q -- '-> PA 0x8$' "$t/top.out" || { echo "walk: not PA 0x8"; fail=1; }
grep -q '^ffffffffffe000-fffffffffff000 rw-p ' "$t/top.out" || { echo "maps: no top page"; fail=1; }
grep -q '^    walks.refs_level5  *4$' "$t/top.out" || { echo "not 4 level-5 reads"; fail=1; }
# past the top of user space: refused, exit 2, with the line named
printf 'machine x86-64-5level\nspawn P\nP mmap T 8KiB rw- private anon at 0xffffffffffe000 fixed\n' > "$t/over.vms"
"$VMSIM" run "$t/over.vms" > /dev/null 2> "$t/over.err"
rc=$?
[ $rc = 2 ] || { echo "over the top: exit $rc, expected 2"; fail=1; }
grep -q 'over.vms:3: .*outside user space' "$t/over.err" || { echo "over the top:"; cat "$t/over.err"; fail=1; }
exit $fail
