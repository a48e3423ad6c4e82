#!/usr/bin/env bash
# Packs what bench/gpu.sh and weights/gpu_train.sh need on a GPU machine that reaches no network into
# .device/ (ignored by git, carried by the device tool): the benchmark and CLI bundles, this machine's node
# binary (xz), Dawn's bindings for linux-x64, pngjs, the Vulkan loader's Debian packages and, for training,
# Fashion-MNIST (xz: the images come to 26 MB where the device tool carries 64 MiB in all). Run here,
# before the device call.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
rm -rf .device && mkdir -p .device/webgpu/dist/linux-x64 .device/debs .device/fashion-mnist
node .ci/build.mjs bench
node .ci/build.mjs cli
cp -r .build/bench .device/bench
cp -r .build/cli .device/cli
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .device/webgpu/
cp -r node_modules/pngjs .device/pngjs
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .device/webgpu/dist/linux-x64/dawn.node.xz
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .device/node.xz
data=${DEEPINSIDE_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
for file in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -dc "$data/$file.gz" | xz -T2 -9 -c > ".device/fashion-mnist/$file.xz"
done
# The loaders only: the NVIDIA machine brings its own driver and ICD file.
opts='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64'
(cd .device/debs && apt-get $opts download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 >/dev/null 2>&1)
du -sh .device
