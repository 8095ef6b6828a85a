$VMSIM machines csapp-2level
