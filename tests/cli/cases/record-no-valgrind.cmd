PATH=/nonexistent $VMSIM record -o /dev/null -- true
