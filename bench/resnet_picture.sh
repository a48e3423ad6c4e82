#!/bin/bash
# Draws docs/resnet-cluttered.png with the command line, as a user would: for each bundled cluttered scene
# (weights/images/cluttered-*.png), the scene, then for the ResNet's top class its gradient map (Simonyan et
# al.'s saliency), its guided-backpropagation map, its Grad-CAM map (inferno) and Grad-CAM over the scene.
# Labels: the scene's true class (from its file name) under it, the model's top class under the overlay.
#
# usage: bash bench/resnet_picture.sh [MODEL.onnx] [OUT.png]   (defaults: weights/resnet-cluttered.onnx,
#        docs/resnet-cluttered.png); run from the repository root.
set -euo pipefail
model=${1:-weights/resnet-cluttered.onnx}
out=${2:-docs/resnet-cluttered.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/deepinside-xdg}
node .ci/build.mjs cli png-sheet
images=(weights/images/cluttered-*.png)
args=()
for image in "${images[@]}"; do args+=(--image "$image"); done
cli() { node .build/cli/main.mjs "$@"; }
cli saliency --model "$model" "${args[@]}" --method gradient --out "$work/gradient.png" > "$work/gradient.txt"
cli saliency --model "$model" "${args[@]}" --method guided --out "$work/guided.png" > "$work/guided.txt"
cli saliency --model "$model" "${args[@]}" --method gradcam --colormap inferno --out "$work/gradcam.png" \
  --overlay "$work/overlay.png" > "$work/gradcam.txt"
tiles=()
for i in "${!images[@]}"; do
  # cluttered-1-trouser.png → trouser; the printed line's class "Trouser" → the top class.
  truth=$(basename "${images[$i]}" .png | cut -d- -f3-)
  top=$(grep -F "${images[$i]}:" "$work/gradcam.txt" | sed -E 's/^[^"]*"([^"]*)".*/\1/')
  tiles+=("${images[$i]}=scene: $truth" "$work/gradient-$i.png=gradient" "$work/guided-$i.png=guided"
    "$work/gradcam-$i.png=Grad-CAM" "$work/overlay-$i.png=top: $top")
done
node .build/bench/png-sheet.mjs --out "$out" --columns 10 \
  --title "$(basename "$model"): scene, gradient, guided, Grad-CAM, overlay (top class)" "${tiles[@]}"
