#!/usr/bin/env python3
"""Decodes a vmsim binary trace (1.0 or 1.1: events and processes, docs/trace-formats.md)
written from the spec, independent of vmsim's own reader, for the record-* tests.
Usage: record-decode.py FILE       a whole trace (header ... end marker)
       record-decode.py --body FILE a body file of vmsimrec (records, then its trailer)
Prints one line a record: lackey's text for memory records ("I  %08x,%d", " L ..."),
"! NAME FIELD ... = RESULT" for events (numbers in decimal, paths quoted with repr),
"! process PID" for PROCESS records; then "# count N" (the end marker's or the trailer's
count, checked against the records decoded). Exits 1 on any malformed input."""
import sys

EVENTS = {
    1: ("image", "uuuuS", False), 2: ("stack", "uu", False), 3: ("brk_start", "u", False),
    4: ("mmap", "uuuusu", True), 5: ("munmap", "uu", True), 6: ("mprotect", "uuu", True),
    7: ("mremap", "uuuuu", True), 8: ("brk", "u", True), 9: ("madvise", "uuu", True),
    10: ("msync", "uuu", True), 11: ("openat", "suuS", True), 12: ("close", "s", True),
    13: ("read", "suu", True), 14: ("pread64", "suuu", True), 15: ("readv", "sV", True),
    16: ("write", "suu", True), 17: ("pwrite64", "suuu", True), 18: ("writev", "sV", True),
    19: ("fork", "", True), 20: ("clone", "u", True), 21: ("vfork", "", True),
    22: ("exit", "s", False), 23: ("exit_group", "s", False), 24: ("wait4", "sss", False),
    25: ("execve", "S", True),
}


def fail(msg):
    print("record-decode: " + msg, file=sys.stderr)
    sys.exit(1)


class Buf:
    def __init__(self, data, pos=0, end=None):
        self.d, self.p = data, pos
        self.end = len(data) if end is None else end

    def byte(self):
        if self.p >= self.end:
            fail("truncated at %d" % self.p)
        b = self.d[self.p]
        self.p += 1
        return b

    def varint(self):
        v = shift = 0
        for _ in range(10):
            b = self.byte()
            v |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return v
        fail("varint too long at %d" % self.p)

    def zigzag(self):
        z = self.varint()
        return (z >> 1) ^ -(z & 1)


def event(payload):
    b = Buf(payload)
    t = b.varint()
    if t not in EVENTS:
        return "! unknown %d" % t
    name, kinds, has_res = EVENTS[t]
    out = []
    for k in kinds:
        if k == "u":
            out.append(str(b.varint()))
        elif k == "s":
            out.append(str(b.zigzag()))
        elif k == "S":
            n = b.varint()
            if b.p + n > b.end:
                fail("string past the payload")
            out.append(repr(bytes(b.d[b.p:b.p + n]).decode("utf-8", "replace")))
            b.p += n
        elif k == "V":
            n = b.varint()
            if n > 1024:
                fail("readv/writev n over 1024")
            out.append(str(n))
            for _ in range(n):
                out.append("%d,%d" % (b.varint(), b.varint()))
    line = "! " + " ".join([name] + out)
    if has_res:
        line += " = %d" % b.zigzag()
    if b.p != b.end:
        fail("expected end of event payload (%s)" % name)
    return line


def records(b, stop_at_end, out):
    streams = {}
    pid = 0
    count = 0
    while b.p < b.end:
        tag = b.byte()
        mode = tag >> 6
        if mode == 3:
            if tag == 0xC0:
                if not stop_at_end:
                    fail("end marker inside a body")
                n = b.varint()
                if b.p != b.end:
                    fail("bytes after the end marker")
                if n != count:
                    fail("end marker count %d, decoded %d" % (n, count))
                out.append("# count %d" % n)
                return count
            if tag == 0xC1:
                n = b.varint()
                if b.p + n > b.end:
                    fail("event past the end")
                out.append(event(b.d[b.p:b.p + n]))
                b.p += n
                count += 1
                continue
            if tag == 0xC2:
                pid = b.varint()
                out.append("! process %d" % pid)
                continue
            fail("reserved tag %#x" % tag)
        kind = tag & 3
        code = (tag >> 2) & 15
        size = {13: 16, 14: 32, 15: 64}.get(code, code)
        if code == 0:
            size = b.varint()
        st = streams.setdefault(pid, [[0, 0] for _ in range(4)])[kind]
        if mode == 0:
            addr = (st[0] + st[1]) & (2**64 - 1)
        elif mode == 1:
            addr = st[0]
        else:
            addr = (st[0] + b.zigzag()) & (2**64 - 1)
        st[0], st[1] = addr, size
        out.append("%s %08x,%d" % (("I ", " L", " S", " M")[kind], addr, size))
        count += 1
    if stop_at_end:
        fail("no end marker")
    return count


def main():
    body = sys.argv[1] == "--body"
    data = open(sys.argv[-1], "rb").read()
    out = []
    if body:
        if len(data) < 88 or data[-8:] != b"VMSRBODY":
            fail("no trailer")
        n = int.from_bytes(data[-88:-80], "little")
        plen = int.from_bytes(data[-16:-8], "little")
        got = records(Buf(data, 0, len(data) - 88 - plen), False, out)
        if got != n:
            fail("trailer count %d, decoded %d" % (n, got))
        out.append("# count %d" % n)
    else:
        if data[:8] != b"\x89VMTRACE" or data[8] != 1:
            fail("not a vmsim 1.x trace")
        hlen = int.from_bytes(data[12:16], "little")
        out.append("# version 1.%d" % data[9])
        records(Buf(data, hlen), True, out)
    sys.stdout.write("\n".join(out) + "\n")


main()
