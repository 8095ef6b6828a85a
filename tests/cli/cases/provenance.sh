#!/bin/sh
# Every result says where it came from: vmsim --version / vmsim version; trace's JSON, CSV
# and text and sweep's rows carry the version and build, the machine with every key's
# value, memory, swap, policy and parameters, page model, quantum, PCID, and each input's
# path, decompressed bytes and hash, which tests/tools/inhash recomputes independently
# from the algorithm of docs/trace-formats.md.
inhash=$(dirname "$VMSIM")/tools/inhash
[ -x "$inhash" ] || { echo "$inhash is not built (make check-build)" >&2; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
d=tests/data/trace
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
has() { grep -q -- "$2" "$1" || { bad "$1 lacks '$2'"; head -c 400 "$1" >&2; echo >&2; }; }

v=$("$VMSIM" --version) || bad "--version failed"
[ "$v" = "$("$VMSIM" version)" ] || bad "vmsim version differs from --version"
case "$v" in "vmsim 1.0.0 (zlib,liblzma)"|"vmsim 1.0.0 (zlib,liblzma,libzstd)") ;; *) bad "version: $v" ;; esac
build=${v#*(}; build=${build%)}

plain_bytes=$(wc -c < $d/small.lackey | tr -d ' ')
plain_hash=$("$inhash" < $d/small.lackey)
pages_hash=$("$inhash" < $d/pages.lackey)

# JSON
"$VMSIM" trace --json --set pcid=on --memory 1M --swap 2M --policy lru --seed 7 --quantum 99 \
    $d/small.lackey.xz $d/pages.lackey > "$tmp/j" || bad "trace --json"
has "$tmp/j" "^{\"vmsim\":{\"version\":\"1.0.0\",\"build\":\"$build\"},\"run\":{\"machine\":\"core-i7\",\"config\":{\"va_bits\":\"48\","
has "$tmp/j" '"pcid":"on","latency.tlb_l1":"1",'
has "$tmp/j" '},"memory":1048576,"swap":2097152,"policy":"lru","params":{"seed":7,"tau":0},"page_model":"frame-per-page","quantum":99,"pcid":true},'
has "$tmp/j" "\"inputs\":\\[{\"path\":\"$d/small.lackey.xz\",\"format\":\"lackey\",\"compression\":\"xz\",\"bytes\":$plain_bytes,\"hash\":\"$plain_hash\",\"complete\":true},"
has "$tmp/j" "{\"path\":\"$d/pages.lackey\",\"format\":\"lackey\",\"compression\":\"none\",\"bytes\":$(wc -c < $d/pages.lackey | tr -d ' '),\"hash\":\"$pages_hash\",\"complete\":true}\\],\"status\":\"ok\","
# every machine key, with the value `vmsim machines --keys` shows
"$VMSIM" machines --keys --set pcid=on | tail -n +2 | while read -r key val rest; do
    grep -q "\"$key\":\"$val\"" "$tmp/j" || { echo "FAIL: key $key=$val missing" >&2; exit 1; }
done || fail=1
nkeys=$(sed 's/.*"config":{\([^}]*\)}.*/\1/' "$tmp/j" | tr ',' '\n' | wc -l)
[ "$nkeys" -eq "$("$VMSIM" machines --keys | tail -n +2 | wc -l)" ] || bad "config has $nkeys keys"

# CSV: the same in columns, per process its own input
"$VMSIM" trace --csv --machine csapp-2level $d/small.lackey $d/pages.lackey > "$tmp/c" || bad "trace --csv"
head -1 "$tmp/c" | grep -q '^process,trace,status,killed,vmsim.version,vmsim.build,run.machine,run.config.va_bits,.*,run.memory,run.swap,run.policy,run.params.seed,run.params.tau,run.page_model,run.quantum,run.pcid,input.format,input.compression,input.bytes,input.hash,input.complete,references,' ||
    bad "CSV header: $(head -1 "$tmp/c" | cut -c1-200)"
grep -q "^1,$d/small.lackey,ok,0,1.0.0,.*,csapp-2level,32,.*,268435456,0,clock,1,0,frame-per-page,10000,false,lackey,none,$plain_bytes,$plain_hash,true," "$tmp/c" ||
    bad "CSV process 1 row"
grep -q ",\"lackey,lackey\",\"none,none\",\"$plain_bytes,[0-9]*\",\"$plain_hash,$pages_hash\",\"true,true\"," "$tmp/c" ||
    bad "CSV total row's inputs"

# text: the first line says it all
"$VMSIM" trace --set tlb.l2=0 $d/small.lackey > "$tmp/t" || bad "trace"
[ "$(head -1 "$tmp/t")" = "vmsim 1.0.0 ($build): machine core-i7 (tlb.l2=0), memory 268435456 bytes, swap 0 bytes, policy clock (seed 1, tau 0), page model frame-per-page, quantum 10000, pcid off; $d/small.lackey $plain_bytes bytes hash $plain_hash" ] ||
    bad "text first line: $(head -1 "$tmp/t")"
# --zero-page: Linux's anonymous rule, named in every format
"$VMSIM" trace --zero-page $d/small.lackey | head -1 | grep -q ', page model zero-page, quantum 10000,' ||
    bad "text first line with --zero-page"
"$VMSIM" trace --zero-page --json $d/small.lackey | grep -q '"tau":0},"page_model":"zero-page","quantum":10000,' ||
    bad "JSON with --zero-page"
"$VMSIM" trace --zero-page --csv $d/small.lackey | grep -q '^1,.*,clock,1,0,zero-page,10000,false,' ||
    bad "CSV with --zero-page"

# a killed process's trace is still hashed whole
"$VMSIM" trace --json --memory 32K $d/pages.lackey > "$tmp/k" 2>/dev/null
has "$tmp/k" "\"hash\":\"$pages_hash\",\"complete\":true}"

# the vmsim binary format: the bytes of the stream as read
"$VMSIM" trace --json $d/small.vt > "$tmp/v" || bad "trace small.vt"
has "$tmp/v" "\"format\":\"vmsim\",\"compression\":\"none\",\"bytes\":$(wc -c < $d/small.vt | tr -d ' '),\"hash\":\"$("$inhash" < $d/small.vt)\""

# sweep rows
"$VMSIM" sweep -j 1 --memory 1M,2M $d/small.lackey > "$tmp/s" || bad "sweep"
head -1 "$tmp/s" | grep -q '^machine,set,memory,swap,policy,quantum,trace,status,killed,vmsim.version,vmsim.build,' || bad "sweep header"
[ "$(grep -c ",1.0.0,.*,frame-per-page,.*,$plain_bytes,$plain_hash,true," "$tmp/s")" = 2 ] || bad "sweep rows"
# sweep --zero-page passes the option to every run, and to every emitted job
"$VMSIM" sweep -j 1 --zero-page --memory 1M,2M $d/small.lackey > "$tmp/sz" || bad "sweep --zero-page"
[ "$(grep -c ",1.0.0,.*,zero-page,.*,$plain_bytes,$plain_hash,true," "$tmp/sz")" = 2 ] || bad "sweep --zero-page rows"
"$VMSIM" sweep --emit-jobs "$tmp/jobs" --vmsim vmsim --zero-page --memory 1M,2M $d/small.lackey > "$tmp/sj" ||
    bad "sweep --emit-jobs --zero-page"
[ "$(grep -c ' --zero-page ' "$tmp/sj")" = 2 ] || bad "emitted jobs lack --zero-page: $(cat "$tmp/sj")"
# mrc: JSON first objects, CSV columns after the curve's, text first line; skipped lines
# are a marked result (exit 1)
"$VMSIM" mrc --json --policy lru,fifo --sizes 1-3 --seed 5 $d/small.lackey.gz > "$tmp/mj" || bad "mrc --json"
has "$tmp/mj" "^{\"vmsim\":{\"version\":\"1.0.0\",\"build\":\"$build\"},\"run\":{\"policies\":\"lru,fifo\",\"page_size\":4096,\"machine\":null,\"params\":{\"seed\":5,\"tau\":0,\"bits\":0,\"tick\":0},\"sizes\":\"1-3\",\"shards\":0,\"simulate\":false},\"inputs\":\[{\"path\":\"$d/small.lackey.gz\",\"format\":\"lackey\",\"compression\":\"gzip\",\"bytes\":$plain_bytes,\"hash\":\"$plain_hash\",\"complete\":true}\],\"status\":\"ok\",\"references\": 304,"
"$VMSIM" mrc --csv --machine csapp-small $d/small.lackey > "$tmp/mc" || bad "mrc --csv"
head -1 "$tmp/mc" | grep -q '^policy,frames,faults,miss_ratio,status,vmsim.version,vmsim.build,run.policies,run.page_size,run.machine,.*,input.path,input.format,input.compression,input.bytes,input.hash,input.complete$' ||
    bad "mrc CSV header"
[ "$(grep -c ",ok,1.0.0,.*,lru,64,csapp-small,.*,all,0,false,$d/small.lackey,lackey,none,$plain_bytes,$plain_hash,true\$" "$tmp/mc")" = "$(($(wc -l < "$tmp/mc") - 1))" ] ||
    bad "mrc CSV rows"
refs=tests/data/refs/textbook.txt
"$VMSIM" mrc --file $refs > "$tmp/mt" || bad "mrc --file"
[ "$(head -1 "$tmp/mt")" = "vmsim 1.0.0 ($build): mrc policies lru, sizes all, seed 0, tau 0, bits 0, tick 0; $refs $(wc -c < $refs | tr -d ' ') bytes hash $("$inhash" < $refs)" ] ||
    bad "mrc text first line: $(head -1 "$tmp/mt")"
printf 'I  00401000,3\n L 10000000,8\n L zz,4\n S 10000008,8\n' > "$tmp/bad.lackey"
"$VMSIM" mrc --skip-bad --csv "$tmp/bad.lackey" > "$tmp/ms" 2> "$tmp/err"; rc=$?
[ $rc = 1 ] || bad "mrc with a skipped line: exit status $rc, expected 1"
grep -q '1 malformed line skipped' "$tmp/err" || bad "mrc skipped: stderr"
grep -q '^lru,1,[0-9]*,[0-9.]*,skipped,' "$tmp/ms" || bad "mrc skipped: status column"
# pages: JSON and the working-set CSV say the same (the arguments' identity: their text
# joined by spaces)
"$VMSIM" pages --json --policy fifo --frames 2 1 2w 3 > "$tmp/pj" || bad "pages --json"
has "$tmp/pj" "^{\"vmsim\":{\"version\":\"1.0.0\",\"build\":\"$build\"},\"run\":{\"policy\":\"fifo\",\"frames\":2,.*\"inputs\":\[{\"path\":\"arguments\",\"format\":\"refs\",\"compression\":\"none\",\"bytes\":6,\"hash\":\"$(printf '1 2w 3' | "$inhash")\",\"complete\":true}\],\"policy\": \"fifo\","
"$VMSIM" pages --ws-series --tau 2 --csv --file $refs > "$tmp/pc" || bad "pages --ws-series --csv"
[ "$(grep -c ",1.0.0,.*,ws,2,$refs,refs,$(wc -c < $refs | tr -d ' '),$("$inhash" < $refs)\$" "$tmp/pc")" = "$(($(wc -l < "$tmp/pc") - 1))" ] ||
    bad "pages CSV rows"
# translate --json: a first line with the provenance, the machine's every key (as
# `vmsim machines --keys` gives them for the state's machine) and the state file's identity
st=examples/csapp-small.state
"$VMSIM" translate --json --sequential --access store --state $st 0x03d4 0x0020 > "$tmp/tj" || bad "translate --json"
[ "$(wc -l < "$tmp/tj")" = 3 ] || bad "translate --json: $(wc -l < "$tmp/tj") lines, expected 3"
head -1 "$tmp/tj" > "$tmp/tj1"
has "$tmp/tj1" "^{\"vmsim\":{\"version\":\"1.0.0\",\"build\":\"$build\"},\"run\":{\"machine\":\"csapp-small\",\"config\":{\"va_bits\":\"14\",\"pa_bits\":\"12\","
has "$tmp/tj1" "},\"access\":\"store\",\"sequential\":true},\"inputs\":\\[{\"path\":\"$st\",\"format\":\"state\",\"compression\":\"none\",\"bytes\":$(wc -c < $st | tr -d ' '),\"hash\":\"$("$inhash" < $st)\",\"complete\":true}\\],\"translations\":2}\$"
"$VMSIM" machines --keys csapp-small | tail -n +2 | while read -r key val rest; do
    grep -q "\"$key\":\"$val\"" "$tmp/tj1" || { echo "FAIL: translate: key $key=$val missing" >&2; exit 1; }
done || fail=1
sed -n 2p "$tmp/tj" | grep -q '^{"va":980,' || bad "translate --json: the first translation is not line 2"
# pages text: the first line sums the same up (reference string as arguments, a file, the series)
"$VMSIM" pages --frames 3 --policy clock --seed 4 7 0 1 2w > "$tmp/pt" || bad "pages"
[ "$(head -1 "$tmp/pt")" = "vmsim 1.0.0 ($build): pages policy clock, frames 3, seed 4, tau 0, bits 0, tick 0; arguments 8 bytes hash $(printf '7 0 1 2w' | "$inhash")" ] ||
    bad "pages text first line: $(head -1 "$tmp/pt")"
[ "$(sed -n 2p "$tmp/pt")" = "clock with 3 frames" ] || bad "pages: the table does not follow"
"$VMSIM" pages --ws-series --tau 2 --file $refs > "$tmp/pt" || bad "pages --ws-series"
[ "$(head -1 "$tmp/pt")" = "vmsim 1.0.0 ($build): pages policy ws, tau 2; $refs $(wc -c < $refs | tr -d ' ') bytes hash $("$inhash" < $refs)" ] ||
    bad "pages --ws-series text first line: $(head -1 "$tmp/pt")"
# run --json: each stats object starts with the scenario's machine (every key, after the
# machine line's overrides), its setup and the scenario file's identity
printf 'machine csapp-2level tlb.l1d=8:2\nmemory 1MiB\nswap 2MiB\npolicy fifo\nspawn P\nP mmap A 1page rw- private anon\nP store A 8 1\nstats\n' > "$tmp/s.vms"
"$VMSIM" run --json "$tmp/s.vms" > "$tmp/rj" || bad "run --json"
tail -1 "$tmp/rj" > "$tmp/rj1"
has "$tmp/rj1" "^{\"vmsim\":{\"version\":\"1.0.0\",\"build\":\"$build\"},\"run\":{\"machine\":\"csapp-2level\",\"config\":{\"va_bits\":\"32\","
has "$tmp/rj1" "},\"memory\":1048576,\"swap\":2097152,\"policy\":\"fifo\",\"params\":{\"seed\":1,\"tau\":0},\"page_model\":\"zero-page\",\"quantum\":0,\"pcid\":false},\"inputs\":\\[{\"path\":\"$tmp/s.vms\",\"format\":\"vms\",\"compression\":\"none\",\"bytes\":$(wc -c < "$tmp/s.vms" | tr -d ' '),\"hash\":\"$("$inhash" < "$tmp/s.vms")\",\"complete\":true}\\],"
has "$tmp/rj1" '"references":1,'
"$VMSIM" machines --keys csapp-2level --set tlb.l1d=8:2 | tail -n +2 | while read -r key val rest; do
    grep -q "\"$key\":\"$val\"" "$tmp/rj1" || { echo "FAIL: run: key $key=$val missing" >&2; exit 1; }
done || fail=1
# standard input is "-"; the demonstration is demo.vms, its script's bytes
"$VMSIM" run --json - < "$tmp/s.vms" | tail -1 > "$tmp/rj1" || bad "run --json -"
has "$tmp/rj1" "\"inputs\":\\[{\"path\":\"-\",\"format\":\"vms\",\"compression\":\"none\",\"bytes\":$(wc -c < "$tmp/s.vms" | tr -d ' '),"
"$VMSIM" run --print-demo > "$tmp/demo.vms"
"$VMSIM" run --json 2>/dev/null | tail -1 > "$tmp/rj1" || bad "run --json (demo)"
has "$tmp/rj1" "\"run\":{\"machine\":\"core-i7\",.*\"memory\":65536,\"swap\":8388608,\"policy\":\"clock\",.*\"inputs\":\\[{\"path\":\"demo.vms\",\"format\":\"vms\",\"compression\":\"none\",\"bytes\":$(wc -c < "$tmp/demo.vms" | tr -d ' '),\"hash\":\"$("$inhash" < "$tmp/demo.vms")\""
# trace --interval: every row carries the columns trace and the provenance's after the
# running totals; an input's bytes and hash are empty while it is being read, and the last
# row (written at the end) has every input's whole identity
"$VMSIM" trace --interval 100 --memory 1M $d/small.lackey $d/pages.lackey > "$tmp/iv" || bad "trace --interval"
head -1 "$tmp/iv" | grep -q '^references,ifetches,.*,cycles,amat,trace,vmsim.version,vmsim.build,run.machine,run.config.va_bits,.*,run.memory,run.swap,run.policy,run.params.seed,run.params.tau,run.page_model,run.quantum,run.pcid,input.format,input.compression,input.bytes,input.hash,input.complete$' ||
    bad "interval header: $(head -1 "$tmp/iv" | cut -c1-200)"
ncol=$(head -1 "$tmp/iv" | tr ',' '\n' | wc -l)
tail -1 "$tmp/iv" | grep -q ",\"$d/small.lackey,$d/pages.lackey\",1.0.0,\"$build\",core-i7,48,.*,1048576,0,clock,1,0,frame-per-page,10000,false,\"lackey,lackey\",\"none,none\",\"$plain_bytes,$(wc -c < $d/pages.lackey | tr -d ' ')\",\"$plain_hash,$pages_hash\",\"true,true\"\$" ||
    bad "interval last row: $(tail -1 "$tmp/iv" | rev | cut -c1-200 | rev)"
sed -n 2p "$tmp/iv" | grep -q ',"lackey,lackey","none,none",",",",","false,false"$' ||
    bad "interval first row (inputs being read): $(sed -n 2p "$tmp/iv" | rev | cut -c1-80 | rev)"
# the rows still plot (the plot reads its columns by name and skips the others)
"$VMSIM" trace --interval 100 --svg "$tmp/iv.svg" $d/small.lackey > /dev/null || bad "trace --interval --svg"
grep -q '<svg' "$tmp/iv.svg" || bad "no SVG from rows with provenance"
exit $fail
