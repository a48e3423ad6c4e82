#!/usr/bin/env bash
# Packs what bench/gpu.sh and weights/gpu_train.sh need on a GPU machine that reaches no network into
# .device/ (ignored by git, carried by the device tool): the benchmark bundle with its npm packages
# inlined (vega, onnx-proto, …: node_modules does not travel), this machine's node binary (xz), the
# packages that cannot be inlined (Dawn's bindings for linux-x64, resvg's native renderer) and pngjs, the
# Vulkan loader's Debian packages and, with --train, for weights/gpu_train.sh, the CLI bundle (13 MB) and
# Fashion-MNIST (xz, 26 MB). The device tool carries 64 MiB with the working tree: the benchmark's pack
# (36 MB) fits beside today's tree (21 MB); with the CLI and the data added the training pack no longer
# does, and needs a smaller dataset or tree first. Run here, before the device call.
#
#   bash bench/gpu_pack.sh [--train]
set -euo pipefail
cd "$(dirname "$0")/.."
train=false
[ "${1:-}" = --train ] && train=true
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
rm -rf .device && mkdir -p .device/webgpu/dist/linux-x64 .device/debs .device/bench
# The peers' packages (TF.js, ONNX Runtime) are imported only when asked for, and stay out.
bundle() {
  npx esbuild "$1" --bundle --platform=node --format=esm --target=node20 --loader:.wgsl=text --log-level=warning \
    --external:webgpu --external:pngjs --external:@resvg/resvg-js --external:onnxruntime-node '--external:@tensorflow/*' \
    --banner:js="import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" \
    --outfile="$2"
}
bundle bench/run.ts .device/bench/run.mjs
cp node_modules/webgpu/package.json node_modules/webgpu/index.js .device/webgpu/
cp -r node_modules/pngjs .device/pngjs
mkdir -p .device/resvg && cp -r node_modules/@resvg/resvg-js node_modules/@resvg/resvg-js-linux-x64-gnu .device/resvg/
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .device/webgpu/dist/linux-x64/dawn.node.xz
xz -T2 -6 -c "$(readlink -f "$(command -v node)")" > .device/node.xz
if $train; then
  mkdir -p .device/cli .device/fashion-mnist
  bundle src/cli/main.ts .device/cli/main.mjs
  data=${DEEPINSIDE_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
  for file in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    gzip -dc "$data/$file.gz" | xz -T2 -9 -c > ".device/fashion-mnist/$file.xz"
  done
fi
# The loaders only: the NVIDIA machine brings its own driver and ICD file.
opts='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64'
(cd .device/debs && apt-get $opts download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 >/dev/null 2>&1)
du -sh .device
