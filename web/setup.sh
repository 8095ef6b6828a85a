#!/bin/sh
# Installs what the web build and its tests need (docs/web.md): clang's wasm32 target with
# Debian's wasi-libc and compiler-rt builtins, Node's playwright-core (pinned, into
# web/node_modules) and Debian's chromium for the browser test. Needs root and apt-get for
# the Debian packages; Node >= 20 and npm must already be there (they are not installed here).
# Safe to run again: only what is missing is installed.
set -eu
cd "$(dirname "$0")"
PLAYWRIGHT_VERSION=1.65.1
pkgs=""
has() { command -v "$1" >/dev/null 2>&1; }
has clang || pkgs="$pkgs clang"
[ -f /usr/include/wasm32-wasi/stdio.h ] || pkgs="$pkgs wasi-libc"
ls /usr/lib/llvm-14/lib/clang/14*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 ||
    pkgs="$pkgs libclang-rt-14-dev-wasm32"
has chromium || pkgs="$pkgs chromium"
if [ -n "$pkgs" ]; then
    if [ "$(id -u)" = 0 ] && has apt-get; then
        echo "web/setup.sh: installing:$pkgs"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends $pkgs >/dev/null) || { echo "web/setup.sh: apt-get failed" >&2; exit 1; }
    else
        echo "web/setup.sh: missing:$pkgs (not root or no apt-get)" >&2
        exit 1
    fi
fi
if ! has node || ! has npm; then
    echo "web/setup.sh: node and npm (Node >= 20) are needed for the tests; not installed here" >&2
    exit 1
fi
if [ ! -f node_modules/playwright-core/package.json ] ||
   ! grep -q "\"version\": \"$PLAYWRIGHT_VERSION\"" node_modules/playwright-core/package.json; then
    echo "web/setup.sh: npm install playwright-core@$PLAYWRIGHT_VERSION"
    npm install --no-save --no-audit --no-fund --silent --prefix . \
        "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
fi
echo "web/setup.sh: ready"
