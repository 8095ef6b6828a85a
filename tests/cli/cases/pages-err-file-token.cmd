printf "1 2\n3 4,,5q\n" > /tmp/vmsim-pages-bad.txt; $VMSIM pages --frames 3 --policy fifo --file /tmp/vmsim-pages-bad.txt; rc=$?; rm -f /tmp/vmsim-pages-bad.txt; exit $rc
