$VMSIM trace --count /nonexistent/trace
