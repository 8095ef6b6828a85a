# vmsim trace's reference counts agree with an independent count of the lackey lines: I
# fetches, L+M loads, S+M stores, references their sum, split = references whose bytes
# cross a 64-byte cache block (and so maybe a page) — core-i7's L1 blocks are 64 bytes.
command -v xz >/dev/null 2>&1 ||
    { echo "xz not found (Debian: xz-utils): the independent count needs xz -dc" >&2; exit 77; }
want=$(xz -dc tests/data/mm-excerpt.lackey.xz | awk '
    function low6(hex,   c, v) { # the address modulo 64, from its last two hex digits
        c = substr(hex, length(hex) - 1)
        v = index("0123456789abcdef", substr(c, 1, 1)) - 1
        v = v * 16 + index("0123456789abcdef", substr(c, 2, 1)) - 1
        return v % 64
    }
    /^==/ { next }
    {
        kind = substr($0, 1, 2); split(substr($0, 4), f, ",")
        sz = f[2] + 0; if (sz == 0) sz = 1
        crosses = low6(f[1]) + sz > 64
        if (kind == "I ") { i++; sp += crosses }
        else if (kind == " L") { l++; sp += crosses }
        else if (kind == " S") { s++; sp += crosses }
        else if (kind == " M") { l++; s++; sp += 2 * crosses }
    }
    END { printf "%d %d %d %d %d\n", i + l + s, i, l, s, sp }')
got=$("$VMSIM" trace tests/data/mm-excerpt.lackey.xz | awk '
    $1 == "references" { r = $2 } $1 == "ifetches" { i = $2 } $1 == "loads" { l = $2 }
    $1 == "stores" { s = $2 } $1 == "split" { sp = $2 }
    END { printf "%d %d %d %d %d\n", r, i, l, s, sp }')
[ "$want" = "$got" ] || { echo "awk: $want, vmsim: $got" >&2; exit 1; }
