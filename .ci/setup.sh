#!/usr/bin/env bash
# Brings a fresh clone to the point where the engine runs: npm packages, and a Vulkan driver for
# Dawn when no WebGPU adapter is found. Quiet when there is nothing to do.
# usage: bash .ci/setup.sh [runtime]
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/deepinside-xdg}"
mkdir -p "$XDG_RUNTIME_DIR"

# `setup.sh runtime` (npm start, the demo) needs only the packages that run the engine and build it: a
# fresh clone skips the 600 MB of the test suite's and the benchmark's peers (TF.js, ONNX Runtime), which
# the first `npm test` or `npm run bench` then installs.
if [ "${1:-}" = runtime ]; then
  kinds="dependencies"
  omit=(--omit=dev)
else
  kinds="dependencies devDependencies"
  omit=()
fi
# Whether every package of those kinds that package.json names is installed.
missing=$(node -e 'const fs = require("fs"); const p = require("./package.json");
  console.log(process.argv.slice(1).flatMap((k) => Object.keys(p[k] ?? {})).filter((d) => !fs.existsSync(`node_modules/${d}/package.json`)).length)' $kinds)
if [ "$missing" != 0 ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages${omit:+ (those that run the engine)}"
  npm ci "${omit[@]}" --no-audit --no-fund --loglevel=error
fi

# Fashion-MNIST, for training and evaluation and their tests: Debian's package of its gzip IDX files.
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing dataset-fashion-mnist (Fashion-MNIST in /usr/share/datasets/fashion-mnist)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q dataset-fashion-mnist; }
  else
    echo "setup: Fashion-MNIST is missing; install Debian's package dataset-fashion-mnist (training and its tests need it)" >&2
  fi
fi

# Chromium, for the browser demo's test (test/demo_page.test.ts drives it through playwright-core, which
# never downloads a browser here): Debian's own package, which exposes WebGPU headless.
if [ ! -x /usr/bin/chromium ] && [ -z "${DEEPINSIDE_CHROMIUM:-}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing chromium from Debian (the browser demo's test runs in it)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q chromium; }
  else
    echo "setup: /usr/bin/chromium is missing; install Debian's package chromium, or set DEEPINSIDE_CHROMIUM to a Chromium with WebGPU (the browser demo's test needs it)" >&2
  fi
fi

if node .ci/probe_adapter.mjs >/dev/null 2>&1; then
  exit 0
fi

# Debian 12's own Mesa 22.3 is rejected by Dawn; the lavapipe in bookworm-backports (Mesa 25) works.
if [ -r /etc/os-release ] && grep -q '^VERSION_CODENAME=bookworm' /etc/os-release && [ "$(id -u)" = 0 ]; then
  echo "setup: no WebGPU adapter; installing libvulkan1 and mesa-vulkan-drivers from bookworm-backports"
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    mirror=$(sed -n 's/^URIs: *\([^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
    [ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*debian\)\/* bookworm .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n 1)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
    echo "setup: adding $mirror bookworm-backports"
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$mirror" > /etc/apt/sources.list.d/deepinside-backports.sources
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q -t bookworm-backports libvulkan1 mesa-vulkan-drivers
  node .ci/probe_adapter.mjs && exit 0
  echo "setup: still no WebGPU adapter after installing Mesa's lavapipe" >&2
  exit 1
fi

echo "setup: no WebGPU adapter. Install a Vulkan driver (Debian/Ubuntu: libvulkan1 and mesa-vulkan-drivers, Mesa 23 or newer) or run on a machine with a GPU." >&2
exit 1
