#!/usr/bin/env bash
# Runs the benchmark on a machine with a real GPU that reaches no network, in one go, from what
# bench/gpu_pack.sh packed into .device/ (nothing is installed from the network): unpacks node and
# Dawn's bindings, the Vulkan loader, points Vulkan at the NVIDIA driver when it is there, runs
# `bench/run.ts`, and copies the results to $OUT when the device tool set it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .device ] || { echo "gpu.sh: no .device/ folder: run bench/gpu_pack.sh first" >&2; exit 1; }
work=$(mktemp -d)
for deb in .device/debs/*.deb; do dpkg -x "$deb" /; done
ldconfig
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
[ -f "$nvidia_icd" ] && export VK_DRIVER_FILES="$nvidia_icd"
node_bin=$(command -v node || true)
if [ -z "$node_bin" ]; then
  xz -dc .device/node.xz > "$work/node" && chmod +x "$work/node" && node_bin="$work/node"
fi
mkdir -p "$work/node_modules/webgpu/dist/linux-x64"
cp .device/webgpu/package.json .device/webgpu/index.js "$work/node_modules/webgpu/"
xz -dc .device/webgpu/dist/linux-x64/dawn.node.xz > "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
cp -r .device/bench "$work/bench"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true
# The bundle finds `webgpu` in $work/node_modules; results land in the repo's bench/results.
mkdir -p bench/results
(cd "$work" && mkdir -p bench/results && "$node_bin" bench/run.mjs "$@")
cp "$work"/bench/results/* bench/results/
if [ -n "${OUT:-}" ]; then cp "$work"/bench/results/* "$OUT/"; fi
