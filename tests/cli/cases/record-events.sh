#!/bin/sh
# vmsim record's events (docs/record.md) against what the traced program knows itself:
# tests/data/record/events.c prints its /proc/self/maps at the start of main, its mmap
# results, descriptors and the pid of a child it forks (the child fails one execve, then
# execs /bin/sh, which exits 3). The trace is decoded by tests/cli/cases/record-decode.py
# (written from docs/trace-formats.md, not vmsim's reader) and checked:
#  * the areas built from the image events and the mmap/mprotect/munmap events before the
#    program opens /proc/self/maps equal, for every file-backed line, that file's lines
#    (start, end, permissions, offset, path), and every line of those files is one of them;
#  * the program's own mmap, openat, read, munmap, clone, wait4 with its arguments and
#    results; the child's PROCESS record with its real pid, its failed and successful
#    execve, the new image and its exit_group 3.
command -v valgrind >/dev/null 2>&1 || { echo "SKIP: valgrind not found (Debian: valgrind): vmsim record not checked" >&2; [ -n "${VMSIM_CI:-}" ] && exit 1; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 not found: the events are not decoded" >&2; exit 77; }
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || CC=gcc
here=$(pwd)
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
"$CC" -O1 -o "$t/events" tests/data/record/events.c || exit 1
echo "some bytes of data" > "$t/data.txt"
(cd "$t" && "$VMSIM" record -o ev.vt -- ./events out.txt data.txt) 2>"$t/err" >/dev/null || { cat "$t/err" >&2; exit 1; }
if grep -q "recording through lackey" "$t/err"; then
    echo "SKIP: vmsimrec is not built here (no Valgrind headers): no events to check" >&2
    [ -n "${VMSIM_CI:-}" ] && exit 1
    exit 77
fi
grep -q "^vmsim record: 2 processes traced$" "$t/err" || { cat "$t/err" >&2; exit 1; }
python3 tests/cli/cases/record-decode.py "$t/ev.vt" > "$t/dec" || exit 1
grep -q '^# version 1.1$' "$t/dec" || { echo "not a 1.1 trace" >&2; exit 1; }
cd "$t" && python3 - "$here" <<'PY'
import ast, os, sys
ev = [l.rstrip("\n") for l in open("dec") if l.startswith("!")]
info = open("out.txt").read().split("\n")
n = int(info[0].split()[2])
text = open("out.txt").read()
head = text.index("\n") + 1
maps = text[head:head + n].splitlines()
known = dict(l.split(None, 1) for l in text[head + n:].splitlines() if l)
fails = []
def bad(m): fails.append(m)
def args(line):  # "! name a b ... = r" -> name, [fields], result
    s = line[2:]
    res = None
    if " = " in s:
        s, r = s.rsplit(" = ", 1); res = int(r)
    p = s.split(" ", 1)
    f = []
    rest = p[1] if len(p) > 1 else ""
    while rest:
        if rest[0] == "'" or rest[0] == '"':
            v, rest = ast.literal_eval(rest[:rest.index(rest[0], 1) + 1]), rest[rest.index(rest[0], 1) + 2:]
            f.append(v)
        else:
            w, _, rest = rest.partition(" "); f.append(w)
    return p[0], f, res
# processes
procs = [int(l.split()[2]) for l in ev if l.startswith("! process")]
child = int(known["child"])
if len(procs) != 2 or procs[1] != child: bad("processes %s, the child is %d" % (procs, child))
root = procs[0] if procs else -1
per = {}
cur = None
for l in ev:
    if l.startswith("! process"): cur = int(l.split()[2]); per[cur] = []; continue
    per.setdefault(cur, []).append(args(l))
pe = per.get(root, [])
# the areas before the program opened /proc/self/maps
areas = []  # [start, end, prot, off, path]
fds = {}
def cut(lo, hi):
    global areas
    out = []
    for a in areas:
        if a[1] <= lo or a[0] >= hi: out.append(a); continue
        if a[0] < lo: out.append([a[0], lo, a[2], a[3], a[4]])
        if a[1] > hi: out.append([hi, a[1], a[2], a[3] + (hi - a[0]) if a[4] else 0, a[4]])
    areas = out
pg = lambda x: (x + 4095) & ~4095
for name, f, res in pe:
    if name == "openat" and f[3] == "/proc/self/maps": break
    if name == "image":
        s, ln, prot, off = map(int, f[:4]); cut(s, s + ln); areas.append([s, s + ln, prot, off, f[4]])
    elif name == "openat" and res >= 0: fds[res] = os.path.realpath(f[3])
    elif name == "close": fds.pop(int(f[0]), None)
    elif name == "mmap" and res >= 0:
        ln, prot, fd, off = int(f[1]), int(f[2]), int(f[4]), int(f[5])
        cut(res, res + pg(ln)); areas.append([res, res + pg(ln), prot, off if fd >= 0 else 0, fds.get(fd, "") if fd >= 0 else ""])
    elif name == "munmap" and res == 0: cut(int(f[0]), int(f[0]) + pg(int(f[1])))
    elif name == "mprotect" and res == 0:
        s, e, prot = int(f[0]), int(f[0]) + pg(int(f[1])), int(f[2])
        inside = [a[:] for a in areas if a[0] < e and a[1] > s]
        cut(s, e)
        for a in inside:
            lo, hi = max(a[0], s), min(a[1], e)
            areas.append([lo, hi, prot, a[3] + (lo - a[0]) if a[4] else 0, a[4]])
areas.sort()
merged = []
for a in areas:
    merged.append(a[:])  # not merged: the kernel keeps an mprotect's pieces apart (anon_vma)
tool = "vmsimrec-amd64-linux"
ours = set()
for a in merged:
    if not a[4] or a[4].startswith("[") or a[4].endswith(tool): continue
    ours.add("%x-%x %s %x %s" % (a[0], a[1], "".join(c if a[2] & b else "-" for c, b in (("r", 1), ("w", 2), ("x", 4))), a[3], os.path.realpath(a[4])))
theirs = set()
for l in maps:
    p = l.split()
    if len(p) < 6 or not p[5].startswith("/") or p[5].endswith(tool): continue
    theirs.add("%s %s %x %s" % ("-".join("%x" % int(x, 16) for x in p[0].split("-")), p[1][:3], int(p[2], 16), p[5]))
paths = {x.split()[3] for x in ours}
theirs_known = {x for x in theirs if x.split()[3] in paths}
for x in sorted(ours - theirs): bad("area from the events not in /proc/self/maps: " + x)
for x in sorted(theirs_known - ours): bad("/proc/self/maps line not in the events: " + x)
if len(ours) < 8: bad("only %d file-backed areas" % len(ours))
for p in ("events", "ld-linux-x86-64.so.2", "libc.so.6"):
    if not any(x.endswith("/" + p) for x in ours): bad("no area of " + p)
# the program's own calls
def find(name, pred, evs=pe):
    return [e for e in evs if e[0] == name and pred(e[1], e[2])]
anon = int(known["anon"]); fd = int(known["fd"]); rb, rn = map(int, known["read"].split()); fmap = int(known["file"])
if not find("mmap", lambda f, r: f[1] == "12345" and f[2] == "3" and int(f[3]) & 0x20 and f[4] == "-1" and r == anon): bad("no mmap 12345 rw- anonymous = %d" % anon)
if not find("openat", lambda f, r: f[3] == "data.txt" and r == fd): bad("no openat data.txt = %d" % fd)
if not find("read", lambda f, r: f == [str(fd), str(rb), "100"] and r == rn == 19): bad("no read %d %d 100 = 19" % (fd, rb))
if not find("mmap", lambda f, r: f[1] == "4096" and f[2] == "1" and f[4] == str(fd) and r == fmap): bad("no mmap of the file = %d" % fmap)
if not find("munmap", lambda f, r: f == [str(fmap), "4096"] and r == 0): bad("no munmap of the file")
if not find("clone", lambda f, r: r == child): bad("no clone = %d" % child)
if not find("wait4", lambda f, r: f == [str(child), str(child), "768"]): bad("no wait4 %d = %d status 768" % (child, child))
if not pe or pe[-1][0] != "exit_group" or pe[-1][1] != ["0"]: bad("the parent does not end with exit_group 0")
ce = per.get(child, [])
names = [e[0] for e in ce]
if find("execve", lambda f, r: f == ["/nonexistent/program"] and r == -2, ce) == []: bad("no failed execve = -2 in the child")
ok = [i for i, e in enumerate(ce) if e[0] == "execve" and e[1] == ["/bin/sh"] and e[2] == 0]
if not ok: bad("no execve /bin/sh = 0 in the child")
else:
    after = names[ok[0] + 1:]
    if "image" not in after or "stack" not in after or "brk_start" not in after: bad("no new image after the execve")
    sh = os.path.realpath("/bin/sh")
    if not find("image", lambda f, r: os.path.realpath(f[4]) == sh, ce[ok[0]:]): bad("no image of " + sh)
if not ce or ce[-1][0] != "exit_group" or ce[-1][1] != ["3"]: bad("the child does not end with exit_group 3")
for m in fails: print("FAIL: " + m, file=sys.stderr)
sys.exit(1 if fails else 0)
PY
