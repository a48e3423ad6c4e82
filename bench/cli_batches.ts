// `node .ci/build.mjs cli cli-batches && node .build/bench/cli-batches.mjs [--images 32] [--batches 1,8,32,default]`
// VGG16's saliency map as a user runs it: `deepinside saliency --winograd` on a random-weight VGG16 at
// 224×224 written as a safetensors file (553 MB), on 1 image and on --images random PNGs at each --batch
// (`default`: no --batch, the CLI's own choice, attributionBatch),
// each a whole process timed on the wall clock from its start to its exit (reading the file, compiling the
// kernels, the maps, writing the PNGs). The cost of an image beyond the first is
// (time with I images − time with 1 image) / (I − 1), the marginal cost issue 20's "Why" measured (3.86 s
// with the real fc head then). Also the same I images at batch 1, for the ratio at equal work. Writes
// bench/results/cli-batches-<date>-<adapter>[-2…].json and .md.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePng } from '../src/cli/mod.ts';
import { requestGpu } from '../src/gpu/mod.ts';
import { initVggWeights, saveVgg, vggPreset } from '../src/model/mod.ts';
import { Random } from '../src/random/mod.ts';
import { describeHost, hostLine } from './host.ts';
import { adapterSlug } from './results.ts';

const CLI = '.build/cli/main.mjs';

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
}
const images = Number(option('--images', '32'));
const batches = option('--batches', '1,8,32,default').split(',').map((b) => (b === 'default' ? b : Number(b)));
if (!Number.isInteger(images) || images < 2) {
  console.error(`cli-batches: --images takes a whole number from 2, not ${option('--images', '')}`);
  process.exit(1);
}
if (!batches.every((b) => b === 'default' || (Number.isInteger(b) && b >= 1 && b <= images))) {
  console.error(`cli-batches: --batches takes whole numbers from 1 to --images (${images}) and default, not ${batches.join(',')}`);
  process.exit(1);
}

const gpu = await requestGpu();
const adapter = gpu.adapterName;
gpu.device.destroy();
const dir = mkdtempSync(join(tmpdir(), 'deepinside-cli-batches-'));
const rows: Array<{ images: number; batch: number | 'default'; seconds: number; marginal?: number }> = [];
const load = { before: loadavg(), after: [] as number[] };
try {
  const random = new Random(20140101);
  const spec = vggPreset('vgg16');
  const model = join(dir, 'vgg16-random.safetensors');
  writeFileSync(model, saveVgg({ spec, weights: initVggWeights(spec, random) }));
  // One folder with the first image alone, one with all of them.
  for (const folder of ['one', 'all']) mkdirSync(join(dir, folder));
  for (let i = 0; i < images; i++) {
    const data = new Uint8Array(224 * 224 * 3);
    for (let j = 0; j < data.length; j++) data[j] = random.int(256);
    const png = encodePng({ width: 224, height: 224, channels: 3, data });
    const name = `image-${String(i).padStart(3, '0')}.png`;
    if (i === 0) writeFileSync(join(dir, 'one', name), png);
    writeFileSync(join(dir, 'all', name), png);
  }
  const run = (folder: string, batch: number | 'default'): number => {
    const start = performance.now();
    const done = spawnSync(process.execPath, [CLI, 'saliency', '--model', model, '--image', join(dir, folder), ...(batch === 'default' ? [] : ['--batch', String(batch)]), '--winograd', '--out', join(dir, 'out', 'map.png')], { encoding: 'utf8' });
    const seconds = (performance.now() - start) / 1000;
    if (done.status !== 0) throw new Error(`cli-batches: deepinside saliency failed: ${(done.stderr || done.stdout).trim().split('\n').pop()}`);
    return seconds;
  };
  mkdirSync(join(dir, 'out'));
  const one = run('one', 1);
  rows.push({ images: 1, batch: 1, seconds: one });
  console.log(`1 image: ${one.toFixed(2)} s`);
  for (const batch of batches) {
    const seconds = run('all', batch);
    const marginal = (seconds - one) / (images - 1);
    rows.push({ images, batch, seconds, marginal });
    console.log(`${images} images, ${batch === 'default' ? 'the default batch' : `--batch ${batch}`}: ${seconds.toFixed(2)} s, ${marginal.toFixed(3)} s an image beyond the first`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
load.after = loadavg();

const date = new Date().toISOString();
const host = describeHost();
const command = `node .build/bench/cli-batches.mjs --images ${images} --batches ${batches.join(',')}`;
const base = `bench/results/cli-batches-${date.slice(0, 10)}-${adapterSlug(adapter)}`;
let stem = base;
for (let i = 2; existsSync(`${stem}.json`); i++) stem = `${base}-${i}`;
writeFileSync(`${stem}.json`, `${JSON.stringify({ date, adapter, host, command, load, rows }, null, 2)}\n`);
const table = [
  '| images | --batch | whole process, s | s an image beyond the first |',
  '|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.images} | ${r.batch === 'default' ? 'default' : r.batch} | ${r.seconds.toFixed(2)} | ${r.marginal === undefined ? '' : r.marginal.toFixed(3)} |`),
].join('\n');
writeFileSync(`${stem}.md`, `# deepinside saliency --winograd, VGG16 (random weights) at 224×224\n\n${date}, \`${command}\`; ${adapter} on ${hostLine(host)}.\nLoad average at the start ${load.before.map((l) => l.toFixed(1)).join(', ')}, at the end ${load.after.map((l) => l.toFixed(1)).join(', ')}.\n\n${table}\n`);
console.log(`wrote ${stem}.json and .md`);
