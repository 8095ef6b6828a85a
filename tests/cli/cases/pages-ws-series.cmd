$VMSIM pages --ws-series --tau 3 --csv 1 2 1 3 4 4 3 1 2
