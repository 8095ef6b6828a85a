#!/bin/sh
# The bundled demonstration (`make demo`): the textbook's small memory system, then
# its two worked translations, step by step.
vmsim=${1:-build/vmsim}
set -e
say() { printf '\n==== %s\n\n' "$*"; }
say "CSAPP 9.6.4's small memory system: how its addresses split"
"$vmsim" machines csapp-small
say "VA 0x03d4 on CSAPP Figure 9.20's state: TLB hit, cache hit"
"$vmsim" translate --state examples/csapp-small.state 0x03d4
say "VA 0x0020: TLB miss, page-table walk, cache miss"
"$vmsim" translate --state examples/csapp-small.state 0x0020
say "The same two, as JSON Lines"
"$vmsim" translate --json --state examples/csapp-small.state 0x03d4 0x0020
say "A Core i7's 48-bit address: four 9-bit VPN fields"
"$vmsim" machines core-i7 | sed -n '1,9p'
say "Belady's anomaly: FIFO with 3 frames, then 4 (more memory, more faults)"
"$vmsim" pages --frames 3 --policy fifo 1 2 3 4 1 2 5 1 2 3 4 5
"$vmsim" pages --frames 4 --policy fifo 1 2 3 4 1 2 5 1 2 3 4 5 | tail -n 1
say "A scenario on the host's real Linux kernel (the judge the simulator is held to)"
cat examples/fork-cow.vms
echo "--- output:"
"$vmsim" run --on-linux examples/fork-cow.vms
