#!/bin/sh
# The web build's tests (docs/web.md): `make web`, then under Node the WASM answers against
# the CLI's golden translate and pages cases (golden.mjs) and, in headless Chromium, the
# page end to end (e2e.mjs). Without the toolchain (web/setup.sh installs it) every test
# is skipped, saying so loudly on stderr; under CI (VMSIM_CI set) that is a failure.
# Usage: sh tests/web/run.sh (from anywhere)
cd "$(dirname "$0")/../.." || exit 1
missing=""
command -v clang >/dev/null 2>&1 || missing="$missing clang"
[ -f /usr/include/wasm32-wasi/stdio.h ] || missing="$missing wasi-libc"
ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 ||
    missing="$missing libclang-rt-14-dev-wasm32"
if command -v node >/dev/null 2>&1; then
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
    [ "${major:-0}" -ge 20 ] 2>/dev/null || missing="$missing node>=20"
else
    missing="$missing node>=20"
fi
[ -f web/node_modules/playwright-core/package.json ] || missing="$missing playwright-core"
command -v chromium >/dev/null 2>&1 || [ -n "${VMSIM_CHROMIUM:-}" ] || missing="$missing chromium"
if [ -n "$missing" ]; then
    echo "SKIP web tests (make web, WASM vs CLI goldens, headless Chromium): missing:$missing" \
         "(run web/setup.sh as root)" >&2
    if [ -n "${VMSIM_CI:-}" ]; then
        echo "FAIL web tests: the toolchain is missing under CI" >&2
        exit 1
    fi
    exit 0
fi
make --no-print-directory web >build/web.log 2>&1 || { cat build/web.log >&2; echo "FAIL make web" >&2; exit 1; }
if grep -Eq '^[^ ]+:[0-9]+:[0-9]+: warning:|^wasm-ld.*warning' build/web.log; then
    grep -E '^[^ ]+:[0-9]+:[0-9]+: warning:|^wasm-ld.*warning' build/web.log >&2
    echo "FAIL make web: warnings" >&2
    exit 1
fi
rc=0
node tests/web/golden.mjs || rc=1
node tests/web/e2e.mjs || rc=1
exit $rc
