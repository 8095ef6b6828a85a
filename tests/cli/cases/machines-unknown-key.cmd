$VMSIM machines core-i7 --set nosuch=1
