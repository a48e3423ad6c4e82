#!/usr/bin/env bash
# Packs what bench/gpu.sh needs on a GPU machine that reaches no network into .device/ (ignored by git,
# carried by the device tool): the benchmark bundle, this machine's node binary (xz), Dawn's bindings
# for linux-x64, and the Vulkan loader's Debian packages. Run here, before the device call.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
rm -rf .device && mkdir -p .device/webgpu/dist/linux-x64 .device/debs
node .ci/build.mjs bench
cp -r .build/bench .device/bench
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .device/webgpu/
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .device/webgpu/dist/linux-x64/dawn.node.xz
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .device/node.xz
# The loaders only: the NVIDIA machine brings its own driver and ICD file.
opts='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64'
(cd .device/debs && apt-get $opts download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 >/dev/null 2>&1)
du -sh .device
