#!/bin/bash
# deepinside fidelity over a whole test split as a Slurm job array: task i scores every N-th scene from i
# (--shard $SLURM_ARRAY_TASK_ID/N) and writes its partial JSON; a dependent job merges them into what one
# unsharded run gives, to the bit:
#   jobid=$(sbatch --parsable deploy/fidelity-slurm.sh)
#   sbatch --dependency=afterok:$jobid --wrap \
#     'node .build/cli/main.mjs merge results/fidelity-cluttered-*-of-8.json --json results/fidelity-cluttered.json'
# Run from the repository's root after npm ci and node .ci/build.mjs cli; N is the array's size.
#SBATCH --job-name=deepinside-fidelity
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=24:00:00
#SBATCH --output=results/fidelity-%a.log
set -euo pipefail
N=8
mkdir -p results
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
node .build/cli/main.mjs fidelity \
  --model weights/vgg-cluttered.safetensors --dataset cluttered --split test \
  --method gradient,deconvnet,guided,random,centre --batch 2 --seed 0 \
  --shard "$SLURM_ARRAY_TASK_ID/$N" \
  --json "results/fidelity-cluttered-$SLURM_ARRAY_TASK_ID-of-$N.json"
