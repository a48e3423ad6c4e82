#!/usr/bin/env bash
# Runs the benchmark on a machine with a real GPU that reaches no network, in one go, from what
# bench/gpu_pack.sh packed into .device/ (nothing is installed from the network; see bench/gpu_setup.sh),
# and copies the results to $OUT when the device tool set it.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/gpu_setup.sh
cp -r .device/bench "$work/bench"
# The bundle finds `webgpu` in $work/node_modules; results land in the repo's bench/results.
mkdir -p bench/results
(cd "$work" && mkdir -p bench/results && "$node_bin" bench/run.mjs "$@")
cp "$work"/bench/results/* bench/results/
if [ -n "${OUT:-}" ]; then cp "$work"/bench/results/* "$OUT/"; fi
