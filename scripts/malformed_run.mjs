// An independent run of malformed files through the real command line, apart from the fuzz tests: its own
// generator (a seeded xorshift, not fast-check) damages real files — the shipped model, the shipped images,
// Fashion-MNIST's label file — in ways the tests do not spell out (random spans overwritten with random
// bytes, cuts at random places, a header length shifted, random bytes spliced in, random garbage), writes
// each to disk and runs `deepinside predict` (models, images) or `deepinside evaluate` (label files) on it as
// a child process. Each run must exit 0 or 1 within the time limit, print at most one line on stderr
// starting "deepinside: " with no stack trace, and leave the output folder as it was.
//
//   node .ci/build.mjs cli && node scripts/malformed_run.mjs [--cases N] [--seed S] [--json FILE]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync, gunzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { cases: { type: 'string' }, seed: { type: 'string' }, json: { type: 'string' } } });
const cases = Number(values.cases ?? 60);
let state = Number(values.seed ?? 20261203) >>> 0 || 1;
const next = () => {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>>= 0);
};
const below = (n) => next() % Math.max(1, n);

function damage(bytes) {
  const out = Buffer.from(bytes);
  switch (below(6)) {
    case 0: { // a span overwritten with random bytes
      const at = below(out.length), n = 1 + below(64);
      for (let i = at; i < Math.min(out.length, at + n); i++) out[i] = below(256);
      return { kind: 'span overwritten', bytes: out };
    }
    case 1: // cut at a random place
      return { kind: 'cut short', bytes: out.subarray(0, below(out.length)) };
    case 2: { // the first 8 bytes (a safetensors header length, a PNG signature) shifted by a little
      const view = new DataView(out.buffer, out.byteOffset, out.length);
      if (out.length >= 8) view.setUint32(0, (view.getUint32(0, true) + below(9) - 4) >>> 0, true);
      return { kind: 'leading length shifted', bytes: out };
    }
    case 3: { // random bytes spliced in
      const at = below(out.length);
      const extra = Buffer.from(Array.from({ length: 1 + below(32) }, () => below(256)));
      return { kind: 'bytes spliced in', bytes: Buffer.concat([out.subarray(0, at), extra, out.subarray(at)]) };
    }
    case 4: { // one byte in the first 2 KB (headers, IHDR, JSON) set to a random value
      const out2 = Buffer.from(out);
      if (out2.length > 0) out2[below(Math.min(out2.length, 2048))] = below(256);
      return { kind: 'header byte changed', bytes: out2 };
    }
    default: // garbage of a random length
      return { kind: 'random garbage', bytes: Buffer.from(Array.from({ length: below(4096) }, () => below(256))) };
  }
}

const cli = join(root, '.build', 'cli', 'main.mjs');
const work = mkdtempSync(join(tmpdir(), 'deepinside-malformed-'));
const model = join(root, 'weights', 'vgg-fashion.safetensors');
const image = join(root, 'weights', 'images', 'fashion-0-t-shirt-top.png');
const labels = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
const results = [];

function run(kind, target, args, folder) {
  const before = readdirSync(folder).sort().join('\n');
  const start = performance.now();
  const child = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, DEEPINSIDE_KERNELS: '' } });
  const seconds = (performance.now() - start) / 1000;
  const lines = child.stderr.split('\n').filter((line) => line !== '' && !/^Warning: maxDynamic/.test(line));
  const problems = [];
  if (child.error) problems.push(`did not finish: ${child.error.message}`);
  if (child.status !== 0 && child.status !== 1) problems.push(`exit ${child.status} signal ${child.signal}`);
  if (child.status === 1 && (lines.length !== 1 || !lines[0].startsWith('deepinside: '))) problems.push(`stderr: ${lines.join(' | ').slice(0, 300)}`);
  if (/\n\s+at /.test(child.stderr)) problems.push('a stack trace');
  if (readdirSync(folder).sort().join('\n') !== before) problems.push('files changed in the output folder');
  results.push({ target, kind, status: child.status, seconds: Number(seconds.toFixed(2)), message: lines[0]?.slice(0, 160) ?? '', problems });
  process.stdout.write(problems.length ? 'X' : '.');
}

const modelBytes = readFileSync(model);
const imageBytes = readFileSync(image);
const labelBytes = gunzipSync(readFileSync(labels));
const out = join(work, 'out');
mkdirSync(out);
for (let i = 0; i < cases; i++) {
  const m = damage(modelBytes);
  const path = join(work, `model-${i}.safetensors`);
  writeFileSync(path, m.bytes);
  run(`model: ${m.kind}`, 'predict --model', ['predict', '--model', path, '--image', image], out);
  rmSync(path);
  const p = damage(imageBytes);
  const png = join(work, `image-${i}.png`);
  writeFileSync(png, p.bytes);
  run(`image: ${p.kind}`, 'predict --image', ['predict', '--model', model, '--image', png], out);
  rmSync(png);
  if (i % 4 === 0) {
    const l = damage(labelBytes);
    const data = join(work, `data-${i}`);
    mkdirSync(data);
    copyFileSync(labels.replace('labels-idx1', 'images-idx3'), join(data, 't10k-images-idx3-ubyte.gz'));
    writeFileSync(join(data, 't10k-labels-idx1-ubyte.gz'), below(4) === 0 ? l.bytes : gzipSync(l.bytes));
    run(`labels: ${l.kind}`, 'evaluate --data', ['evaluate', '--model', model, '--dataset', 'fashion-mnist', '--data', data, '--limit', '16'], out);
    rmSync(data, { recursive: true });
  }
}
rmSync(work, { recursive: true });
process.stdout.write('\n');

const failed = results.filter((r) => r.problems.length > 0);
const byTarget = new Map();
for (const r of results) {
  const t = byTarget.get(r.target) ?? { runs: 0, refused: 0, loaded: 0, failed: 0, slowest: 0 };
  t.runs++;
  if (r.problems.length) t.failed++;
  else if (r.status === 0) t.loaded++;
  else t.refused++;
  t.slowest = Math.max(t.slowest, r.seconds);
  byTarget.set(r.target, t);
}
for (const [target, t] of byTarget) console.log(`${target}: ${t.runs} files, ${t.refused} refused in one line, ${t.loaded} ran (damage the format tolerates), ${t.failed} failed; slowest ${t.slowest} s`);
for (const r of failed) console.log(`FAILED ${r.kind} (${r.target}): ${r.problems.join('; ')}`);
if (values.json) writeFileSync(values.json, JSON.stringify({ seed: Number(values.seed ?? 20261203), cases, results }, null, 1) + '\n');
process.exit(failed.length > 0 ? 1 : 0);
