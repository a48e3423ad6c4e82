#!/usr/bin/env bash
# The package as npm would publish it: packs it (prepack bundles the CLI), installs the tarball into an
# empty temporary project (its dependencies only, no devDependencies), and runs `npx deepinside predict` on
# a bundled image from there. Also checks that the tarball leaves out tests, bench results and screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/deepinside-xdg}"
mkdir -p "$XDG_RUNTIME_DIR"
start=$(date +%s)
work=$(mktemp -d "${TMPDIR:-/tmp}/deepinside-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
listing=$(tar -tzf "$work/$tarball")
for wanted in package/.build/cli/main.mjs package/src/cli/deepinside.mjs package/shaders/relu_forward.wgsl \
  package/weights/vgg-fashion.safetensors package/weights/images/fashion-0-t-shirt-top.png package/README.md; do
  grep -qx "$wanted" <<<"$listing" || { echo "pack check: $tarball lacks $wanted" >&2; exit 1; }
done
if grep -E '^package/(test|bench|demo|out)/|\.test\.ts$|screenshot|contact-sheet' <<<"$listing"; then
  echo "pack check: $tarball holds the files above, which are not for users" >&2
  exit 1
fi
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error --prefer-offline "./$tarball"
# No devDependency comes along but type declarations (dependencies bring @types/node and @webgpu/types); esbuild is a dependency:
# npm start bundles the CLI with it after an install without the devDependencies.
for dev in $(node -p "Object.keys(require('$root/package.json').devDependencies).filter((d) => !/^@types\/|\/types$/.test(d)).join(' ')"); do
  [ ! -d "node_modules/$dev" ] || { echo "pack check: installing the tarball pulled in $dev, a devDependency" >&2; exit 1; }
done
image=node_modules/deepinside/weights/images/fashion-0-t-shirt-top.png
output=$(npx --no-install deepinside predict --model node_modules/deepinside/weights/vgg-fashion.safetensors --image "$image" --top 1 2>"$work/stderr")
cat "$work/stderr" >&2
grep -q 'T-shirt/top' <<<"$output" || { echo "pack check: predict printed no T-shirt/top:" >&2; echo "$output" >&2; exit 1; }
[ ! -s "$work/stderr" ] || { echo 'pack check: predict wrote to stderr (above)' >&2; exit 1; }
echo "pack check: $tarball ($(du -h "$work/$tarball" | cut -f1), $(wc -l <<<"$listing") files) installs and predicts: $(sed -n 3p <<<"$output" | xargs) ($(($(date +%s) - start)) s)"
