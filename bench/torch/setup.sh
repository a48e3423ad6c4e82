#!/usr/bin/env bash
# Installs the PyTorch peer's Python packages (Debian's python3-torch and python3-numpy) when
# `npm run bench -- --peers …,torch` asks for it and no Python with torch is found. Only as root with apt;
# elsewhere it says what to install and fails.
set -euo pipefail
if /usr/bin/python3 -c 'import torch, numpy' >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "bench: installing python3-torch from Debian (the PyTorch peer)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q python3-torch python3-numpy >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q python3-torch python3-numpy; }
else
  echo "bench: the PyTorch peer needs Python 3 with torch and numpy (on Debian: apt-get install python3-torch)" >&2
  exit 1
fi
