import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Graph, GraphModel, type GraphNode } from '../src/graph/mod.ts';
import {
  conv2dBackwardInput,
  type Conv2dBackwardInputVariant,
  conv2dBackwardSaliency,
  type Conv2dBackwardSaliencyVariant,
  conv2dBackwardSaliencyVariant,
  conv2dForward,
  type Conv2dForwardVariant,
  ConvWeightCache,
} from '../src/nn/mod.ts';
import {
  conv2dBackwardInput as refBackwardInput,
  conv2dForward as refForward,
  referenceGraphBackward,
  referenceGraphForward,
  saliencyMap as refSaliencyMap,
} from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize } from '../src/shapes/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { gpu, poisoned, randomTensor } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

// The direct kernels' weight layouts kept per weight: the kernels give the same values bit for bit with
// the layout kept as with it made afresh, each layout is made once per kernel size, channel block and
// direction, a kept layout stays the old weight's until forgotten, and GraphModel keeps them for weights
// without a gradient.

const random = testRandom('conv_weight_cache');

/** Whether the adapter runs the variants that share loads through 8-lane subgroups (lavapipe does). */
const subgroups8 = gpu.subgroupSize === 8;

// Awkward: channel counts that divide neither 4 nor 8, batch 2, and a 1×1 layer for v8 and v9 (whose
// layouts pad to 8 and 16 channels from the same weight).
const CASES: Array<[string, Conv2dShape, Array<Conv2dForwardVariant & Conv2dBackwardInputVariant>]> = [
  ['3×3, 5→9 channels, batch 2', { n: 2, c: 5, h: 6, w: 12, k: 9, size: 3, pad: 1 }, subgroups8 ? [3, 4, 5, 6, 7, 8] : [3, 4, 8]],
  ['1×1, 6→11 channels', { n: 2, c: 6, h: 5, w: 7, k: 11, size: 1, pad: 0 }, subgroups8 ? [8, 9] : [8]],
];

for (const [name, s, variants] of CASES) {
  test(`conv2d_forward and conv2d_backward_input give the same values with the layout kept as made afresh, ${name}`, async () => {
    const [oh, ow] = conv2dOutputSize(s);
    const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
    const weight = randomTensor(random, s.k * s.c * s.size * s.size, 'weight');
    const bias = randomTensor(random, s.k, 'bias');
    const dy = randomTensor(random, s.n * s.k * oh * ow, 'dy');
    // One cache for every variant, so that a layout handed to the wrong kernel (other block or direction) shows.
    const cache = new ConvWeightCache();
    for (const variant of variants) {
      const [fresh, kept] = [poisoned(s.n * s.k * oh * ow, 'y'), poisoned(s.n * s.k * oh * ow, 'y kept')];
      await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, fresh, variant);
      await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, kept, variant, cache);
      const y = await gpu.read(kept);
      assertEqual(`v${variant} y`, y, await gpu.read(fresh), { random });
      assertClose(`v${variant} y against the reference`, y, refForward(s, x.data, weight.data, bias.data), { random });
      const [freshDx, keptDx] = [poisoned(s.n * s.c * s.h * s.w, 'dx'), poisoned(s.n * s.c * s.h * s.w, 'dx kept')];
      await conv2dBackwardInput(gpu, s, dy.tensor, weight.tensor, freshDx, variant);
      await conv2dBackwardInput(gpu, s, dy.tensor, weight.tensor, keptDx, variant, cache);
      const dx = await gpu.read(keptDx);
      assertEqual(`v${variant} dx`, dx, await gpu.read(freshDx), { random });
      assertClose(`v${variant} dx against the reference`, dx, refBackwardInput(s, dy.data, weight.data), { random });
    }
    cache.release();
    assert.is(cache.layoutLength, 0);
  });
}

test('conv2d_backward_saliency gives the same dx and map with the layout kept as made afresh', async () => {
  const s: Conv2dShape = { n: 2, c: 3, h: 7, w: 12, k: 10, size: 3, pad: 1 };
  const pixels = s.n * s.h * s.w;
  const dy = randomTensor(random, s.n * s.k * s.h * s.w, 'dy');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const cache = new ConvWeightCache();
  // Variant 1 reads a layout padded to 4 channels, variant 2 (8-lane subgroups) one padded to 8.
  const variants: Conv2dBackwardSaliencyVariant[] = subgroups8 ? [1, 2] : [1];
  for (const variant of variants) {
    const out = async (kept?: ConvWeightCache) => {
      const [dx, map] = [poisoned(pixels * s.c, 'dx'), poisoned(pixels, 'map')];
      await conv2dBackwardSaliency(gpu, s, dy.tensor, weight.tensor, dx, map, variant, kept);
      return [await gpu.read(dx), await gpu.read(map)];
    };
    const [[dx, map], [keptDx, keptMap]] = [await out(), await out(cache)];
    assertEqual(`v${variant} dx`, keptDx, dx, { random });
    assertEqual(`v${variant} map`, keptMap, map, { random });
  }
  const padded = (channels: number, block: number) => Math.ceil(channels / block) * block;
  assert.is(cache.layoutLength, variants.map((v) => s.k * 9 * padded(s.c, v === 1 ? 4 : 8)).reduce((a, b) => a + b));
  cache.release();
});

test('ConvWeightCache lays a weight out once per kernel size, block and direction, and afresh after forget', async () => {
  const s: Conv2dShape = { n: 1, c: 5, h: 6, w: 7, k: 9, size: 3, pad: 1 };
  const x = randomTensor(random, s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const cache = new ConvWeightCache();
  const first = await cache.layout(gpu, weight.tensor, s.k, s.c, 3, false);
  assert.is(await cache.layout(gpu, weight.tensor, s.k, s.c, 3, false), first);
  assert.is.not(await cache.layout(gpu, weight.tensor, s.k, s.c, 3, true), first);
  assert.is.not(await cache.layout(gpu, weight.tensor, s.k, s.c, 3, false, 16), first);
  // (c, 3, 3, k padded to 8), (k, 3, 3, c padded to 8), (c, 3, 3, k padded to 16).
  assert.is(cache.layoutLength, 5 * 9 * 16 + 9 * 9 * 8 + 5 * 9 * 16);
  assert.is(cache.winograd, false);
  // A kept layout stays the old weight's until forgotten.
  const y = poisoned(s.k * s.h * s.w, 'y');
  const changed = random.uniformArray(weight.data.length);
  gpu.write(weight.tensor, changed);
  await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, 3, cache);
  assertClose('y from the kept layout', await gpu.read(y), refForward(s, x.data, weight.data, bias.data), { random });
  cache.forget(weight.tensor);
  assert.is(cache.layoutLength, 0);
  await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, 3, cache);
  assertClose('y after forget', await gpu.read(y), refForward(s, x.data, changed, bias.data), { random });
  cache.release();
});

test('ConvWeightCache.forget submits the recorded work that reads what it frees', async () => {
  const s: Conv2dShape = { n: 1, c: 4, h: 5, w: 8, k: 6, size: 3, pad: 1 };
  const x = randomTensor(random, s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const cache = new ConvWeightCache();
  const y = poisoned(s.k * s.h * s.w, 'y');
  // Recorded, not yet submitted: freeing the layout now would fail the submission.
  await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, 3, cache);
  cache.forget(weight.tensor);
  assertClose('y', await gpu.read(y), refForward(s, x.data, weight.data, bias.data), { random });
});

// Two direct 3×3 layers (too small for Winograd's table) and a linear head: 3×64×16 → 6 → 10 → 4 classes (64 rows of 16, so that c1's gradient to the input takes conv2d_backward_saliency on 8-lane subgroups).
function directGraph(): Graph {
  const w = (name: string, length: number): [string, Float32Array] => [name, Float32Array.from(random.uniformArray(length), (v) => v * 0.5)];
  const node = (name: string, op: GraphNode['op'], inputs: string[]): GraphNode => ({ name, op, inputs, output: name });
  const conv = (weight: string): GraphNode['op'] => ({ kind: 'conv', weight: `${weight}.w`, bias: `${weight}.b`, size: 3, stride: 1, pads: [1, 1, 1, 1] });
  return {
    info: { input: { channels: 3, height: 64, width: 16 }, normalize: { mean: [0, 0, 0], std: [1, 1, 1] }, labels: ['a', 'b', 'c', 'd'] },
    input: 'x',
    output: 'fc',
    nodes: [
      node('c1', conv('c1'), ['x']),
      node('r1', { kind: 'relu' }, ['c1']),
      node('c2', conv('c2'), ['r1']),
      node('r2', { kind: 'relu' }, ['c2']),
      node('fl', { kind: 'flatten' }, ['r2']),
      node('fc', { kind: 'linear', weight: 'fc.w', bias: 'fc.b' }, ['fl']),
    ],
    weights: new Map([w('c1.w', 6 * 3 * 9), w('c1.b', 6), w('c2.w', 10 * 6 * 9), w('c2.b', 10), w('fc.w', 4 * 10 * 64 * 16), w('fc.b', 4)]),
  };
}

test('GraphModel keeps its conv weights laid out, matches the reference, and lays a weight out afresh once it has a gradient', async () => {
  const graph = directGraph();
  const n = 2;
  const input = random.uniformArray(n * 3 * 64 * 16);
  const model = GraphModel.create(gpu, graph);
  model.keep(['c1', 'c2']);
  const map = gpu.tensor(n * 64 * 16, 'saliency map');
  const check = async (g: Graph, what: string) => {
    const expected = referenceGraphForward(g, input, n);
    await model.forward(input, n);
    assertClose(`logits ${what}`, await gpu.read(model.logits), expected.logits, { random });
    const dLogits = random.uniformArray(n * 4);
    gpu.poison(map);
    // With the map, c1's gradient to the input is conv2d_backward_saliency's where this adapter has one.
    await model.backward(dLogits, 'gradient', { saliencyMap: map });
    const dInput = referenceGraphBackward(g, expected, dLogits, 'gradient').dInput;
    assertClose(`∂input ${what}`, await gpu.read(model.inputGradient), dInput, { random });
    assertClose(`saliency map ${what}`, await gpu.read(map), refSaliencyMap({ n, c: 3, h: 64, w: 16 }, dInput), { random });
  };
  await check(graph, 'with the layouts kept');
  // Each conv's forward layout (output channels padded to 8) and flipped one (input channels padded to 8,
  // or to 4 for conv2d_backward_saliency's variant 1) are kept.
  const c1Block = conv2dBackwardSaliencyVariant(gpu, { n, c: 3, h: 64, w: 16, k: 6, size: 3, pad: 1 }) === 1 ? 4 : 8;
  if (subgroups8) assert.is(conv2dBackwardSaliencyVariant(gpu, { n, c: 3, h: 64, w: 16, k: 6, size: 3, pad: 1 }), 2);
  const kept = model.weightLayoutElements;
  assert.is(kept, 3 * 9 * 8 + 6 * 9 * c1Block + 6 * 9 * 16 + 10 * 9 * 8);
  await check(graph, 'the second time');
  assert.is(model.weightLayoutElements, kept, 'a second pass lays nothing out again');
  // Training asks for the gradient before it writes the weight: from then on c2 is laid out at each use.
  const c2 = model.parameter('c2.w');
  void c2.gradient;
  assert.ok(model.weightLayoutElements < kept, 'the layouts of a weight with a gradient are dropped');
  const dropped = model.weightLayoutElements;
  // Written twice, as optimiser steps do: a layout kept after the first write would be stale at the second.
  for (const step of [1, 2]) {
    const changed = Float32Array.from(random.uniformArray(10 * 6 * 9), (v) => v * 0.5);
    gpu.write(c2.value, changed);
    await check({ ...graph, weights: new Map([...graph.weights, ['c2.w', changed]]) }, `after c2.w changed (step ${step})`);
    assert.is(model.weightLayoutElements, dropped, 'c2 is not kept again');
  }
  map.buffer.destroy();
  model.destroy();
});

test.run();
