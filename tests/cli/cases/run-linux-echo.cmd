$VMSIM run --on-linux tests/scenarios/echo.vms
