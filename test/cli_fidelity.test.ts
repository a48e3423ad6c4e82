import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fidelityCommand } from '../src/cli/mod.ts';
import { writeNpy } from '../src/io/mod.ts';
import type { VggSpec } from '../src/model/mod.ts';
import { referenceVggForward } from '../src/reference/mod.ts';
import { runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, normalised, randomImage, writeModel } from './support/test_models.ts';
import type { PixelImage } from '../src/attribution/mod.ts';

const random = testRandom('cli_fidelity');
const folder = temporaryFolder();

// The protocol written again from its definition, independently of src/evaluation: plain loops, float64.

/** rank[p] = how many pixels come before p: larger values, or equal values at a smaller row-major index. */
function ranksByCounting(map: ArrayLike<number>): number[] {
  const ranks: number[] = [];
  for (let p = 0; p < map.length; p++) {
    let before = 0;
    for (let q = 0; q < map.length; q++) if (map[q] > map[p] || (map[q] === map[p] && q < p)) before++;
    ranks.push(before);
  }
  return ranks;
}

/** The deletion and insertion curves of one image, float64 forward passes of every perturbed copy. */
function referenceCurves(
  spec: VggSpec,
  weights: ReadonlyMap<string, ArrayLike<number>>,
  input: Float64Array,
  map: ArrayLike<number>,
  target: number | 'top',
  protocol: { checkpoints: number[]; deletion: number; insertion: number | Float64Array; score: 'prob' | 'logit' },
): { deletion: number[]; insertion: number[]; target: number } {
  const { channels, height, width } = spec.input;
  const pixels = height * width;
  const ranks = ranksByCounting(map);
  const scoreOf = (x: Float64Array, t: number) => {
    const logits = referenceVggForward(spec, weights, x, 1).logits;
    if (protocol.score === 'logit') return logits[t];
    const largest = Math.max(...logits);
    const total = logits.reduce((sum, s) => sum + Math.exp(s - largest), 0);
    return Math.exp(logits[t] - largest) / total;
  };
  let chosen = target;
  if (chosen === 'top') {
    const logits = Array.from(referenceVggForward(spec, weights, input, 1).logits);
    chosen = logits.indexOf(Math.max(...logits));
  }
  const curve = (kind: 'deletion' | 'insertion') =>
    protocol.checkpoints.map((k) => {
      const x = new Float64Array(channels * pixels);
      for (let c = 0; c < channels; c++) {
        for (let p = 0; p < pixels; p++) {
          const top = ranks[p] < k;
          const empty = typeof protocol.insertion === 'number' ? protocol.insertion : protocol.insertion[c * pixels + p];
          x[c * pixels + p] = kind === 'deletion' ? (top ? protocol.deletion : input[c * pixels + p]) : top ? input[c * pixels + p] : empty;
        }
      }
      return scoreOf(x, chosen as number);
    });
  return { deletion: curve('deletion'), insertion: curve('insertion'), target: chosen };
}

const auc = (curve: number[]) => {
  let sum = 0;
  for (let i = 0; i + 1 < curve.length; i++) sum += (curve[i] + curve[i + 1]) / 2;
  return sum / (curve.length - 1);
};

/** Random maps with many ties (values from a few levels), so that the tie-break decides much of the order. */
function tiedMaps(n: number, pixels: number): Float32Array {
  return Float32Array.from({ length: n * pixels }, () => random.int(5) / 4 - random.int(2));
}

interface Case {
  readonly name: string;
  readonly spec: VggSpec;
  readonly images: number;
  readonly args: string[];
  readonly steps?: number;
  readonly target: 'true' | 'top';
  readonly score: 'prob' | 'logit';
  readonly baseline?: number;
  readonly rise?: number;
}

const CASES: Case[] = [
  { name: 'a colour model, 10 steps, true labels, probabilities', spec: COLOUR_SPEC, images: 5, args: [], target: 'true', score: 'prob' },
  { name: 'a grey model, 7 steps, top class, logits, baseline −0.5, batch 2', spec: GREY_SPEC, images: 3, args: ['--steps', '7', '--target', 'top', '--score', 'logit', '--baseline=-0.5', '--batch', '2'], steps: 7, target: 'top', score: 'logit', baseline: -0.5 },
  { name: 'a colour model, H·W steps (one pixel each)', spec: { ...COLOUR_SPEC, input: { channels: 3, height: 6, width: 5 }, features: [4, 'M'], classifier: [6] }, images: 2, args: ['--steps', '30'], steps: 30, target: 'true', score: 'prob' },
];

for (const c of CASES) {
  test(`fidelity --maps agrees with a float64 implementation of the protocol: ${c.name}`, async () => {
    const { channels, height, width } = c.spec.input;
    const pixels = height * width;
    const model = writeModel(folder, `model-${CASES.indexOf(c)}`, c.spec, random);
    const dir = join(folder, `images-${CASES.indexOf(c)}`);
    mkdirSync(dir);
    const images: PixelImage[] = [];
    for (let i = 0; i < c.images; i++) images.push(randomImage(random, height, width, channels === 1 ? 1 : 3));
    images.forEach((image, i) => writePng(join(dir, `${i}.png`), image));
    const labels = images.map(() => random.int(c.spec.labels.length));
    const maps = tiedMaps(c.images, pixels);
    const mapsPath = join(folder, `maps-${CASES.indexOf(c)}.npy`);
    writeFileSync(mapsPath, writeNpy(maps, [c.images, height, width]));
    const json = join(folder, `fidelity-${CASES.indexOf(c)}.json`);
    const args = ['--model', model.path, '--images', dir, '--labels', labels.join(','), '--maps', mapsPath, '--json', json, ...c.args];
    const { code, context } = await runCommand(fidelityCommand, args);
    assert.is(code, 0);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const steps = c.steps ?? 10;
    const checkpoints = Array.from({ length: steps + 1 }, (_, i) => Math.floor((i * pixels) / steps));
    assert.equal(report.run.checkpoints, checkpoints);
    assert.equal(report.run.methods, ['maps']);
    const baseline = c.baseline ?? 0;
    const expected = images.map((image, i) =>
      referenceCurves(c.spec, model.weights, normalised(c.spec, image), maps.subarray(i * pixels, (i + 1) * pixels), c.target === 'true' ? labels[i] : 'top',
        { checkpoints, deletion: baseline, insertion: baseline, score: c.score }));
    for (const kind of ['deletion', 'insertion'] as const) {
      const got = report.maps[kind];
      assertClose(`${kind} curves`, got.curves.flat(), expected.flatMap((e) => e[kind]), { atol: 1e-4, rtol: c.score === 'logit' ? 1e-4 : 0, random });
      const perImage = expected.map((e) => auc(e[kind]));
      assertClose(`${kind} AUC per image`, got.auc_per_image, perImage, { atol: 1e-5, rtol: c.score === 'logit' ? 1e-5 : 0, random });
      assertClose(`${kind} AUC`, [got.auc], [perImage.reduce((a, b) => a + b, 0) / perImage.length], { atol: 1e-5, rtol: c.score === 'logit' ? 1e-5 : 0, random });
      assert.ok(got.interval[0] <= got.auc && got.auc <= got.interval[1], `${kind}: the interval ${got.interval} holds the mean ${got.auc}`);
    }
    assert.is(report.run.target, c.target);
    assert.match(context.printed.join('\n'), /maps\s+-?\d+\.\d{4} \[/, 'the table prints the AUC (a logit AUC may be negative or above 10)');
  });
}

test('fidelity --protocol rise agrees with a float64 RISE: deletion to 0, insertion from gkern(11, 5) blur with zeros past the edges, pixels per step', async () => {
  const spec = GREY_SPEC;
  const { height, width } = spec.input;
  const pixels = height * width;
  const model = writeModel(folder, 'rise', spec, random);
  const images = [randomImage(random, height, width, 1), randomImage(random, height, width, 1)];
  const paths = images.map((image, i) => writePng(join(folder, `rise-${i}.png`), image));
  const maps = tiedMaps(2, pixels);
  const mapsPath = join(folder, 'rise-maps.npy');
  writeFileSync(mapsPath, writeNpy(maps, [2, height, width]));
  const json = join(folder, 'rise.json');
  const perStep = 13;
  const { code } = await runCommand(fidelityCommand, ['--model', model.path, '--images', ...paths.flatMap((p) => ['--images', p]).slice(1), '--maps', mapsPath, '--protocol', 'rise', '--pixels-per-step', String(perStep), '--json', json]);
  assert.is(code, 0);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  // RISE: n_steps = (HW + step − 1) // step, and after step i the first step·i pixels of the order are changed.
  const nSteps = Math.floor((pixels + perStep - 1) / perStep);
  const checkpoints = Array.from({ length: nSteps + 1 }, (_, i) => Math.min(i * perStep, pixels));
  assert.equal(report.run.checkpoints, checkpoints);
  assert.is(report.run.target, 'top');
  // gkern(11, 5) = scipy.ndimage.gaussian_filter(11×11 impulse, 5): its middle row as scipy 1.10 prints it is
  // k[5]·k[t], and the kernel is outer(k, k); conv2d with padding 5.
  const row = [0.008266488021414163, 0.00835464075320908, 0.008502951664238926, 0.008664311467689242, 0.008786325619569013, 0.008832628216191647];
  const pdf = Array.from({ length: 11 }, (_, t) => row[Math.min(t, 10 - t)] / Math.sqrt(row[5]));
  const total = 1;
  const blur = (x: Float64Array) => {
    const y = new Float64Array(pixels);
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        let sum = 0;
        for (let a = -5; a <= 5; a++) {
          for (let b = -5; b <= 5; b++) {
            if (i + a >= 0 && i + a < height && j + b >= 0 && j + b < width) sum += (pdf[a + 5] * pdf[b + 5] / total) * x[(i + a) * width + j + b];
          }
        }
        y[i * width + j] = sum;
      }
    }
    return y;
  };
  images.forEach((image, i) => {
    const input = normalised(spec, image);
    const e = referenceCurves(spec, model.weights, input, maps.subarray(i * pixels, (i + 1) * pixels), 'top', { checkpoints, deletion: 0, insertion: blur(input), score: 'prob' });
    for (const kind of ['deletion', 'insertion'] as const) {
      assertClose(`image ${i} ${kind}`, report.maps[kind].curves[i], e[kind], { atol: 1e-4, random });
      assertClose(`image ${i} ${kind} AUC`, [report.maps[kind].auc_per_image[i]], [auc(e[kind])], { atol: 1e-5, random });
    }
  });
});

test.run();
