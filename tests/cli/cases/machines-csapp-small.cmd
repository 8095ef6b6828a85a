$VMSIM machines csapp-small
