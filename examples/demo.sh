#!/bin/sh
# The bundled demonstration (`make demo`): the simulated kernel's story (fork and COW, a
# shared file mapping, swapping under pressure, faults), then the textbook's small memory
# system and its two worked translations, and Belady's anomaly.
vmsim=${1:-build/vmsim}
set -e
say() { printf '\n==== %s\n\n' "$*"; }
say "vmsim run: the built-in scenario on the simulated machine and kernel"
"$vmsim" run
say "CSAPP 9.6.4's small memory system: how its addresses split"
"$vmsim" machines csapp-small
say "VA 0x03d4 on CSAPP Figure 9.20's state: TLB hit, cache hit"
"$vmsim" translate --state examples/csapp-small.state 0x03d4
say "VA 0x0020: TLB miss, page-table walk, cache miss"
"$vmsim" translate --explain steps --state examples/csapp-small.state 0x0020
say "The same two, as JSON Lines"
"$vmsim" translate --json --state examples/csapp-small.state 0x03d4 0x0020
say "A Core i7's 48-bit address: four 9-bit VPN fields"
"$vmsim" machines core-i7 | sed -n '1,9p'
say "Belady's anomaly: FIFO with 3 frames, then 4 (more memory, more faults)"
"$vmsim" pages --frames 3 --policy fifo 1 2 3 4 1 2 5 1 2 3 4 5
"$vmsim" pages --frames 4 --policy fifo 1 2 3 4 1 2 5 1 2 3 4 5 | tail -n 1
say "A scenario on the simulator and on the host's real Linux kernel (the judge)"
cat examples/fork-cow.vms
echo "--- simulated:"
"$vmsim" run examples/fork-cow.vms
echo "--- Linux:"
"$vmsim" run --on-linux examples/fork-cow.vms
