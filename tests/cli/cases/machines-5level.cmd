$VMSIM machines x86-64-5level
