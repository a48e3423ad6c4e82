#!/usr/bin/env bash
# Trains candidates for the colour model side by side on a machine with a real GPU that reaches no
# network, from what bench/gpu_pack.sh packed into .device/ (see bench/gpu_setup.sh).
#
#   weights/gpu_train.sh SECONDS 'NAME TRAIN-OPTIONS…' ['NAME TRAIN-OPTIONS…' …]
#
# Each candidate is `deepinside train --dataset cluttered TRAIN-OPTIONS`, one node process each (each
# renders its own scenes on its own core), all at once, for about SECONDS in all: a short probe, two
# epochs of PROBE_ITEMS scenes (default 3200) with all candidates running, measures each one's speed in
# its second epoch (the first compiles the kernels) and sets its --epochs so that the whole run, its
# cosine schedule included, ends in time. Writes NAME.safetensors
# (after every epoch) and NAME.log to $OUT, or to out/gpu-train when $OUT is not set.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 SECONDS 'NAME TRAIN-OPTIONS…' …" >&2; exit 2; }
budget=$1
shift
probe_items=${PROBE_ITEMS:-3200}
train_items=${TRAIN_ITEMS:-60000}
results=${OUT:-$PWD/out/gpu-train}
mkdir -p "$results"
start=$(date +%s)
[ -d .device/cli ] && [ -d .device/fashion-mnist ] || { echo "$0: no .device/cli or .device/fashion-mnist: run bash bench/gpu_pack.sh --train first" >&2; exit 1; }
. bench/gpu_setup.sh
cp -r .device/cli "$work/cli"
data="$work/fashion-mnist"
mkdir -p "$data"
for file in .device/fashion-mnist/*.xz; do xz -dc "$file" | gzip -1 > "$data/$(basename "$file" .xz).gz"; done
train() { (cd "$work" && "$node_bin" cli/main.mjs train --dataset cluttered --data "$data" "$@"); }

pids=()
for candidate in "$@"; do
  read -r name options <<< "$candidate"
  # shellcheck disable=SC2086 # the options are words
  train $options --limit "$probe_items" --test-limit 100 --epochs 2 --out "$work/$name-probe.safetensors" > "$results/$name.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

left=$((budget - ($(date +%s) - start)))
pids=()
for candidate in "$@"; do
  read -r name options <<< "$candidate"
  speed=$(tr '\r' '\n' < "$results/$name.log" | sed -n 's/^epoch 2: .*, \([0-9.]*\) images\/s.*/\1/p' | tail -n 1)
  # 30 s for reading the data and testing on 10,000 scenes at the end; 10% for the speed's wobble.
  epochs=$(awk -v speed="$speed" -v left="$left" -v items="$train_items" 'BEGIN { e = int(0.9 * (left - 30) * speed / items); print (e < 1 ? 1 : e) }')
  echo "gpu_train: $name: probe ${speed} images/s with every candidate running, ${left} s left: ${epochs} epoch(s)" | tee -a "$results/$name.log"
  # shellcheck disable=SC2086
  train $options --epochs "$epochs" --save-each-epoch --out "$results/$name.safetensors" >> "$results/$name.log" 2>&1 &
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for candidate in "$@"; do
  read -r name options <<< "$candidate"
  echo "gpu_train: $name ($options): $(grep -h '^test accuracy' "$results/$name.log" || echo 'no test accuracy')"
done
echo "gpu_train: $(($(date +%s) - start)) s"
exit $status
