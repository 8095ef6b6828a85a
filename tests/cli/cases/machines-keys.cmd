$VMSIM machines --keys
