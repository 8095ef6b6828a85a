# vmsim trace --count must agree with an independent count of the lackey lines.
command -v xz >/dev/null 2>&1 ||
    { echo "xz not found (Debian: xz-utils): the independent count needs xz -dc" >&2; exit 77; }
want=$(xz -dc tests/data/mm-excerpt.lackey.xz | awk '/^I /{i++} /^ L /{l++} /^ S /{s++} /^ M /{m++} END{printf "%d %d %d %d", i, l, s, m}')
got=$("$VMSIM" trace --count tests/data/mm-excerpt.lackey.xz | awk '$1=="I"{i=$2} $1=="L"{l=$2} $1=="S"{s=$2} $1=="M"{m=$2} END{printf "%d %d %d %d", i, l, s, m}')
[ "$want" = "$got" ] || { echo "want $want got $got" >&2; exit 1; }
