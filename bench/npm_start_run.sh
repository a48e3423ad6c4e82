#!/usr/bin/env bash
# Times `npm start` as a newcomer runs it: a fresh clone of this repository's HEAD, then `npm start`
# under /usr/bin/time, and writes bench/results/<date>-npm-start-lavapipe<suffix>.json (the file that
# docs/performance.md's npm-start table and the README's sentence are generated from).
# usage: bash bench/npm_start_run.sh [SUFFIX] [MACHINE NOTE]
set -euo pipefail
cd "$(dirname "$0")/.."
suffix="${1:-}"
note="${2:-the project machine: 2 CPU cores, no GPU, Mesa lavapipe}"
commit="$(git rev-parse --short HEAD)"
work="$(mktemp -d)"
git clone -q . "$work/clone"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$work/clone" && /usr/bin/time -v -o "$work/time.txt" npm start >"$work/stdout.txt" 2>"$work/stderr.txt")
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
out="bench/results/$(date -u +%Y-%m-%d)-npm-start-lavapipe${suffix}.json"
WORK="$work" COMMIT="$commit" NOTE="$note" LOAD_BEFORE="$load_before" LOAD_AFTER="$load_after" OUT="$out" node bench/npm_start_record.mjs
rm -rf "$work"
