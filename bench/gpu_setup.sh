# Sourced by bench/gpu.sh and weights/gpu_train.sh on a GPU machine without network: unpacks what
# bench/gpu_pack.sh packed into .device/ (the Vulkan loader into /, node, Dawn's bindings, resvg and pngjs into
# $work/node_modules) and points Vulkan at the NVIDIA driver when it is there. Sets work and node_bin.
[ -d .device ] || { echo "$0: no .device/ folder: run bench/gpu_pack.sh first" >&2; exit 1; }
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
cp -r .device/pngjs "$work/node_modules/pngjs"
mkdir -p "$work/node_modules/@resvg" && cp -r .device/resvg/* "$work/node_modules/@resvg/"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null || true
