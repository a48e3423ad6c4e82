import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel, type GraphNode } from '../src/graph/mod.ts';
import {
  conv2dBackwardInput,
  conv2dForward,
  conv2dWinograd,
  conv2dWinogradWeight,
  conv3x3Variant,
  ConvWeightCache,
  WINOGRAD_PRODUCTS,
  WINOGRAD_VARIANTS,
  winogradProduct,
  winogradQuadTransforms,
  type WinogradTile,
} from '../src/nn/mod.ts';
import {
  conv2dBackwardInput as refBackwardInput,
  conv2dForward as refForward,
  conv2dWinograd as refWinograd,
  referenceGraphBackward,
  referenceGraphForward,
  reluBackward as refReluBackward,
  reluForward as refRelu,
} from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize, RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, randomTensor, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { assertRejectsWith } from './support/throws_with.ts';

const random = testRandom('conv2d_winograd');

// The accuracy bound for Winograd against the float64 convolution, as max|got − ref| / max|ref|
// over a whole layer (a NaN anywhere fails it).
const BOUND = 1e-4;

/** max|got − ref| / max|ref| over the elements `at` (all of them by default); NaN where got has a NaN. */
function maxRelative(got: ArrayLike<number>, ref: (i: number) => number, at: Iterable<number>): number {
  let diff = 0;
  let largest = 0;
  for (const i of at) {
    const e = ref(i);
    const d = Math.abs(got[i] - e);
    if (!(d <= diff)) diff = d; // keeps NaN
    largest = Math.max(largest, Math.abs(e));
  }
  return diff / largest;
}

const every = (length: number) => ({ *[Symbol.iterator]() { for (let i = 0; i < length; i++) yield i; } });

function assertWithin(name: string, error: number, bound = BOUND): void {
  assert.ok(error <= bound, `${name}: max|got − ref|/max|ref| = ${error} exceeds ${bound} (seed ${random.seed})`);
}

// Awkward on purpose: sizes that are no multiple of either tile, 1×1 and 1×2 images, channel counts
// that divide neither 4, 8 nor 32, batch > 1, and padding 0 and 2 as well as 1.
const SHAPES: Array<[string, Conv2dShape]> = [
  ['1 channel, 5×7, odd width', { n: 1, c: 1, h: 5, w: 7, k: 3, size: 3, pad: 1 }],
  ['3→5 channels, 9×11, batch 2', { n: 2, c: 3, h: 9, w: 11, k: 5, size: 3, pad: 1 }],
  ['a 1×1 image, 6→10 channels, batch 3', { n: 3, c: 6, h: 1, w: 1, k: 10, size: 3, pad: 1 }],
  ['a 1×2 image, 2→33 channels', { n: 1, c: 2, h: 1, w: 2, k: 33, size: 3, pad: 1 }],
  ['no padding, 17→33 channels, 13×15', { n: 2, c: 17, h: 13, w: 15, k: 33, size: 3, pad: 0 }],
  ['padding 2, 9→7 channels, 6×5', { n: 1, c: 9, h: 6, w: 5, k: 7, size: 3, pad: 2 }],
  ['a VGG-like 36→70 layer at 19×21, batch 2', { n: 2, c: 36, h: 19, w: 21, k: 70, size: 3, pad: 1 }],
  ['64→64 channels at 12×12 (whole tiles of every size)', { n: 1, c: 64, h: 12, w: 12, k: 64, size: 3, pad: 1 }],
  // Widths that are multiples of 16, where F(4×4) transforms four tiles an invocation: a half-empty last
  // tile row, one quad a row and three, 4 tiles of padding (T = 12, TP = 16) and none.
  ['whole quads of tiles: 5→7 channels at 3×16, batch 3', { n: 3, c: 5, h: 3, w: 16, k: 7, size: 3, pad: 1 }],
  ['whole quads of tiles: 33→64 channels at 10×48, batch 2', { n: 2, c: 33, h: 10, w: 48, k: 64, size: 3, pad: 1 }],
];

const TILES: readonly WinogradTile[] = [2, 4, 6];
const variantOf = (tile: WinogradTile) => WINOGRAD_VARIANTS[tile];

test('the float64 Winograd F(2×2, 3×3), F(4×4, 3×3) and F(6×6, 3×3) equal the plain convolution (their matrices are right)', () => {
  for (const [name, s] of SHAPES) {
    const x = random.uniformArray(s.n * s.c * s.h * s.w);
    const w = random.uniformArray(s.k * s.c * 9);
    const b = random.uniformArray(s.k);
    const expected = refForward(s, x, w, b);
    for (const tile of TILES) {
      const got = refWinograd(s, x, w, b, tile);
      const error = maxRelative(got, (i) => expected[i], every(expected.length));
      assert.ok(error < 1e-12, `F(${tile}×${tile}) for ${name}: ${error}`);
    }
  }
});

test('the float64 Winograd refuses a 5×5 kernel and a stride', () => {
  const x = new Float64Array(16);
  assert.throws(() => refWinograd({ n: 1, c: 1, h: 4, w: 4, k: 1, size: 5, pad: 2 }, x, new Float64Array(25), [0], 2), /3×3/);
  assert.throws(() => refWinograd({ n: 1, c: 1, h: 4, w: 4, k: 1, size: 3, pad: 1, stride: 2 }, x, new Float64Array(9), [0], 2), /stride/);
});

for (const [name, s] of SHAPES) {
  const [oh, ow] = conv2dOutputSize(s);
  const yLength = s.n * s.k * oh * ow;
  const xLength = s.n * s.c * s.h * s.w;
  const x = randomTensor(random, xLength, 'x');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, yLength, 'dy');
  const expectedY = refForward(s, x.data, weight.data, bias.data);
  const expectedDx = refBackwardInput(s, dy.data, weight.data);
  for (const tile of TILES) {
    const variant = variantOf(tile);
    test(`conv2d_forward v${variant} (F(${tile}×${tile}, 3×3)) matches the reference for ${name}`, async () => {
      const y = poisoned(yLength, 'y');
      await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, variant);
      assertWithin('y', maxRelative(await gpu.read(y), (i) => expectedY[i], every(yLength)));
    });
    test(`conv2d_backward_input v${variant} (F(${tile}×${tile}, 3×3)) matches the reference for ${name}`, async () => {
      const dx = poisoned(xLength, 'dx');
      await conv2dBackwardInput(gpu, s, dy.tensor, weight.tensor, dx, variant);
      assertWithin('dx', maxRelative(await gpu.read(dx), (i) => expectedDx[i], every(xLength)));
    });
    for (const product of WINOGRAD_PRODUCTS) {
      if (product !== 1 && gpu.subgroupSize !== 8) continue;
      // Version 3 takes output channels padded to 64 (33 and 64 here; the others pad to 32 or 96).
      if (product === 3 && Math.ceil(s.k / 32) % 2 !== 0) continue;
      test(`conv2dWinograd with product kernel v${product}, F(${tile}×${tile}), matches the reference for ${name}`, async () => {
        const y = poisoned(yLength, 'y');
        const u = await conv2dWinogradWeight(gpu, weight.tensor, s.k, s.c, tile, false);
        await conv2dWinograd(gpu, s, x.tensor, u, bias.tensor, y, product);
        assertWithin('y', maxRelative(await gpu.read(y), (i) => expectedY[i], every(yLength)));
      });
    }
  }
}

test('a small hand-checked case: F(2×2) of a 2×2 image with a kernel of ones and bias 0.5 sums each 3×3 window', async () => {
  const s: Conv2dShape = { n: 1, c: 1, h: 2, w: 2, k: 1, size: 3, pad: 1 };
  const x = gpu.tensorFrom(new Float32Array([1, 2, 3, 4]), 'x');
  const weight = gpu.tensorFrom(new Float32Array(9).fill(1), 'weight');
  const bias = gpu.tensorFrom(new Float32Array([0.5]), 'bias');
  for (const variant of [10, 11, 12] as const) {
    const y = poisoned(4, 'y');
    await conv2dForward(gpu, s, x, weight, bias, y, variant);
    // Every 3×3 window of a 2×2 image padded by 1 holds all four pixels: 10, plus the bias (to f32
    // rounding: F(4×4)'s transforms divide by 6 and 24, F(6×6)'s by 9, 45 and 90 (10.500011 seen), and
    // F(2×2)'s by 2).
    for (const value of await gpu.read(y)) assert.ok(Math.abs(value - 10.5) < 2e-5, `v${variant}: ${value}`);
  }
});

// VGG16's layer shapes at 224×224, three of them (the largest image, a layer F(6×6) runs by default, the
// most channels), checked at sampled elements against the float64 convolution and in full for values
// never written.
const VGG: Array<[string, Conv2dShape]> = [
  ["VGG16's conv1_2, 64→64 at 224×224", { n: 1, c: 64, h: 224, w: 224, k: 64, size: 3, pad: 1 }],
  ["VGG16's conv3_3, 256→256 at 56×56", { n: 1, c: 256, h: 56, w: 56, k: 256, size: 3, pad: 1 }],
  ["VGG16's conv5_3, 512→512 at 14×14", { n: 1, c: 512, h: 14, w: 14, k: 512, size: 3, pad: 1 }],
];
const SAMPLES = 3000;

function convAt(s: Conv2dShape, x: ArrayLike<number>, w: ArrayLike<number>, b: number, n: number, k: number, oy: number, ox: number, transposed: boolean): number {
  // The forward convolution, or with `transposed` dx = Σ_k dy ⋆ w turned 180° (pad 1, stride 1).
  let sum = b;
  const inputs = transposed ? s.k : s.c;
  for (let c = 0; c < inputs; c++) {
    for (let r = 0; r < 3; r++) {
      const iy = oy + r - 1;
      if (iy < 0 || iy >= s.h) continue;
      for (let q = 0; q < 3; q++) {
        const ix = ox + q - 1;
        if (ix < 0 || ix >= s.w) continue;
        const tap = transposed ? ((c * s.c + k) * 3 + 2 - r) * 3 + 2 - q : ((k * s.c + c) * 3 + r) * 3 + q;
        sum += x[((n * inputs + c) * s.h + iy) * s.w + ix] * w[tap];
      }
    }
  }
  return sum;
}

for (const [name, s] of VGG) {
  const length = s.n * s.k * s.h * s.w;
  for (const tile of TILES) {
    const variant = variantOf(tile);
    test(`conv2d_forward and conv2d_backward_input v${variant} (F(${tile}×${tile})) hold 1e-4 of the reference for ${name}`, async () => {
      const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
      const weight = randomTensor(random, s.k * s.c * 9, 'weight');
      const bias = randomTensor(random, s.k, 'bias');
      const y = poisoned(length, 'y');
      await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, variant);
      const got = await gpu.read(y);
      const at = Array.from({ length: SAMPLES }, () => random.int(length));
      const plane = s.h * s.w;
      const error = maxRelative(got, (i) => convAt(s, x.data, weight.data, bias.data[Math.floor(i / plane) % s.k], 0, Math.floor(i / plane) % s.k, Math.floor((i % plane) / s.w), i % s.w, false), at);
      assertWithin(`y at ${SAMPLES} samples`, error);
      assert.ok(got.every(Number.isFinite), 'y has values never written');
      // The same weight, transposed: dy has k channels and dx c (equal here).
      const dx = poisoned(length, 'dx');
      await conv2dBackwardInput(gpu, s, x.tensor, weight.tensor, dx, variant);
      const gotDx = await gpu.read(dx);
      const errorDx = maxRelative(gotDx, (i) => convAt(s, x.data, weight.data, 0, 0, Math.floor(i / plane) % s.c, Math.floor((i % plane) / s.w), i % s.w, true), at);
      assertWithin(`dx at ${SAMPLES} samples`, errorDx);
      assert.ok(gotDx.every(Number.isFinite), 'dx has values never written');
      for (const t of [x, weight, bias]) t.tensor.buffer.destroy();
      y.buffer.destroy();
      dx.buffer.destroy();
    });
  }
}

test('Winograd splits the batch into runs whose work tensors fit a small binding', async () => {
  const s: Conv2dShape = { n: 5, c: 8, h: 10, w: 9, k: 12, size: 3, pad: 1 };
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const dy = randomTensor(random, s.n * s.k * s.h * s.w, 'dy');
  // F(4×4)'s products: 36 points × 32 padded channels × 9 tiles an image (plus up to 7 of padding) × 4
  // bytes; a 128 KB binding takes 2 images a run, and F(2×2)'s 16 × 32 × 25 tiles and F(6×6)'s 64 × 32 × 4
  // tiles too: 3 runs.
  const small = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 128 * 1024 });
  for (const variant of [10, 11, 12] as const) {
    const y = poisoned(s.n * s.k * s.h * s.w, 'y');
    await conv2dForward(small, s, x.tensor, weight.tensor, bias.tensor, y, variant);
    const expected = refForward(s, x.data, weight.data, bias.data);
    assertWithin(`y, v${variant}`, maxRelative(await small.read(y), (i) => expected[i], every(expected.length)));
    const dx = poisoned(x.data.length, 'dx');
    await conv2dBackwardInput(small, s, dy.tensor, weight.tensor, dx, variant);
    const expectedDx = refBackwardInput(s, dy.data, weight.data);
    assertWithin(`dx, v${variant}`, maxRelative(await small.read(dx), (i) => expectedDx[i], every(expectedDx.length)));
  }
});

test('the Winograd transforms cover every plane when a dispatch takes at most 64 workgroups a dimension', async () => {
  // 2 images × 40 input and 70 output channels: planes in two and three transform dispatches (the
  // products' 64 points at most still take one, WebGPU's least limit being 65535); at width 32, F(4×4)'s
  // transforms four tiles an invocation.
  const narrow = new Gpu(gpu.device, gpu.adapterName, { maxWorkgroupsPerDimension: 64 });
  for (const w of [11, 32]) {
    const s: Conv2dShape = { n: 2, c: 40, h: 9, w, k: 70, size: 3, pad: 1 };
    const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
    const weight = randomTensor(random, s.k * s.c * 9, 'weight');
    const bias = randomTensor(random, s.k, 'bias');
    const expected = refForward(s, x.data, weight.data, bias.data);
    for (const tile of TILES) {
      const y = poisoned(expected.length, 'y');
      const u = await conv2dWinogradWeight(narrow, weight.tensor, s.k, s.c, tile, false);
      await conv2dWinograd(narrow, s, x.tensor, u, bias.tensor, y);
      assertWithin(`y, F(${tile}×${tile}), width ${w}`, maxRelative(await narrow.read(y), (i) => expected[i], every(expected.length)));
    }
  }
});

test('F(4×4) transforms four tiles an invocation only with padding 1 and a width that is a multiple of 16', () => {
  const layer = (w: number, pad = 1): Conv2dShape => ({ n: 1, c: 64, h: 7, w, k: 64, size: 3, pad });
  assert.equal([16, 224, 112, 64].map((w) => winogradQuadTransforms(layer(w), 4)), [true, true, true, true]);
  assert.equal([56, 28, 14, 24, 15].map((w) => winogradQuadTransforms(layer(w), 4)), [false, false, false, false, false]);
  assert.equal([winogradQuadTransforms(layer(32, 0), 4), winogradQuadTransforms(layer(32, 2), 4)], [false, false]);
  assert.equal([winogradQuadTransforms(layer(32), 2), winogradQuadTransforms(layer(48), 6)], [false, false]);
});

test('four-tile transforms apply the ReLU and each ReLU rule to the right elements of a batch in runs of 2 images', async () => {
  // 3→12 channels at 5×16: F(4×4)'s products take 36 × 32 × 8 tiles an image, so a 128 KB binding takes
  // 2 images a run (runs 2, 2, 1); an image of x or dx is 240 values, so the second run's windows begin
  // at 480, 32 values past an aligned offset, and the mask's with them.
  const s: Conv2dShape = { n: 5, c: 3, h: 5, w: 16, k: 12, size: 3, pad: 1 };
  const small = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 128 * 1024 });
  assert.ok(winogradQuadTransforms(s, 4));
  const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const y = poisoned(s.n * s.k * s.h * s.w, 'y');
  await conv2dForward(small, s, x.tensor, weight.tensor, bias.tensor, y, 11, undefined, { kind: 'relu' });
  const expectedY = refRelu(refForward(s, x.data, weight.data, bias.data));
  assertWithin('relu(y)', maxRelative(await small.read(y), (i) => expectedY[i], every(expectedY.length)));
  const dy = randomTensor(random, s.n * s.k * s.h * s.w, 'dy');
  // A ReLU's output: uniform in [-1, 1) clamped at 0, about half of it zero.
  const maskData = Float32Array.from(random.uniformArray(x.data.length), (v) => Math.max(v, 0));
  const mask = upload(maskData, 'mask');
  const plain = refBackwardInput(s, dy.data, weight.data);
  for (const rule of RELU_RULES) {
    const dx = poisoned(x.data.length, `dx (${rule})`);
    await conv2dBackwardInput(small, s, dy.tensor, weight.tensor, dx, 11, undefined, { kind: rule, mask });
    const expected = refReluBackward(maskData, plain, rule);
    assertWithin(`dx under ${rule}`, maxRelative(await small.read(dx), (i) => expected[i], every(expected.length)));
  }
});

test('conv2dWinograd refuses product kernel 3 for output channels padded to 32 or 96, and picks 2 there by default', async () => {
  for (const k of [5, 70]) {
    const s: Conv2dShape = { n: 1, c: 2, h: 4, w: 4, k, size: 3, pad: 1 };
    const u = await conv2dWinogradWeight(gpu, randomTensor(random, k * 2 * 9, 'weight').tensor, k, 2, 4, false);
    const run = () => conv2dWinograd(gpu, s, poisoned(32, 'x'), u, poisoned(k, 'bias'), poisoned(k * 16, 'y'), 3);
    // Without 8-lane subgroups (an NVIDIA card's are 32) kernel 3 is refused for that first.
    const why = gpu.subgroupSize === 8 ? `product kernel 3 takes output channels padded to a multiple of 64, not ${u.padded}` : 'needs an adapter that runs subgroups of 8 invocations';
    await assertRejectsWith(run, RangeError, new RegExp(why));
    assert.equal(winogradProduct(gpu, u.padded), gpu.subgroupSize === 8 ? 2 : 1);
  }
  assert.equal(winogradProduct(gpu, 64), gpu.subgroupSize === 8 ? 3 : 1);
});

test('the input transform writes zeros to the padding tiles that round the tile count up for the products', async () => {
  // F(2×2) on 9×11: 5 × 6 = 30 tiles, padded to 32; F(4×4) on 4×16, four tiles an invocation: 4 tiles,
  // padded to 8. The scratch starts poisoned with NaN.
  const cases: Array<[Conv2dShape, WinogradTile, number, number]> = [
    [{ n: 1, c: 3, h: 9, w: 11, k: 5, size: 3, pad: 1 }, 2, 30, 32],
    [{ n: 1, c: 3, h: 4, w: 16, k: 5, size: 3, pad: 1 }, 4, 4, 8],
  ];
  for (const [s, tile, t, tp] of cases) {
    const points = (tile + 2) ** 2;
    const fresh = new Gpu(gpu.device, gpu.adapterName);
    fresh.poison(fresh.scratch('conv2d winograd input', points * s.c * tp));
    const x = randomTensor(random, s.n * s.c * s.h * s.w, 'x');
    const weight = randomTensor(random, s.k * s.c * 9, 'weight');
    const bias = randomTensor(random, s.k, 'bias');
    await conv2dWinograd(fresh, s, x.tensor, await conv2dWinogradWeight(fresh, weight.tensor, s.k, s.c, tile, false), bias.tensor, poisoned(s.n * s.k * s.h * s.w, 'y'));
    const v = await fresh.read(fresh.scratch('conv2d winograd input', points * s.c * tp), 0, points * s.c * tp);
    for (let row = 0; row < points * s.c; row++) {
      assert.ok(v.subarray(row * tp, row * tp + t).every(Number.isFinite), `F(${tile}×${tile}): row ${row} has tiles never written`);
      assert.equal(Array.from(v.subarray(row * tp + t, (row + 1) * tp)), Array(tp - t).fill(0), `F(${tile}×${tile}): padding tiles of row ${row}`);
    }
  }
});

test('the default kernel follows WINOGRAD_TABLE for a caller that keeps transforms where subgroups have 8 lanes, and stays direct elsewhere, for other callers and in a small binding', () => {
  const layer = (c: number, k: number, size: number, n = 1): Conv2dShape => ({ n, c, h: size, w: size, k, size: 3, pad: 1 });
  const noSubgroups = new Gpu(gpu.device, gpu.adapterName, { subgroups: false });
  const direct = (variant: number) => variant >= 3 && variant <= 7;
  for (const [s, expected] of [
    [layer(3, 64, 224), undefined], // conv1_1
    [layer(64, 3, 224), undefined], // its gradient to the input, as a convolution of dy
    [layer(64, 64, 224), 11], // conv1_2
    [layer(64, 128, 112), 11], // conv2_1: 64 channels take F(4×4)
    [layer(128, 128, 112), 12], // conv2_2: F(6×6) from 128 channels at 56×56 to 112×112
    [layer(128, 256, 56), 12], // conv3_1
    [layer(256, 256, 56, 8), 12], // conv3_2 at batch 8
    [layer(128, 128, 224), 11], // 128 channels past F(6×6)'s 112×112
    [layer(128, 128, 28), 11], // and below its 56×56
    [layer(512, 512, 28), 11], // conv4_3
    [layer(512, 512, 14), 10], // conv5_3
    [layer(512, 512, 7), undefined],
    // A batch with 40 or more F(4×4) tiles takes F(4×4) from 32 channels (the shipped models at batch 10).
    [layer(512, 512, 14, 3), 11], // 48 tiles
    [layer(512, 512, 14, 2), 10], // 32 tiles
    [layer(256, 256, 8, 10), 11], // 40 tiles
    [layer(256, 256, 8, 9), undefined], // 36 tiles
    [layer(32, 32, 28, 10), 11], // vgg-fashion's features.2
    [layer(32, 32, 28), 11], // 49 tiles at batch 1
    [layer(16, 32, 28, 10), undefined], // too few channels
  ] as const) {
    const name = `${s.c}→${s.k} @ ${s.h}, batch ${s.n}`;
    if (gpu.subgroupSize === 8) {
      const variant = conv3x3Variant(gpu, s, true);
      if (expected === undefined) assert.ok(direct(variant), `${name}: v${variant}`);
      else assert.is(variant, expected, name);
    }
    assert.ok(direct(conv3x3Variant(gpu, s, false)), `${name} for a caller that keeps no transforms`);
    assert.ok(direct(conv3x3Variant(noSubgroups, s, true)), `${name} without subgroups`);
  }
  // Where one image's transformed input does not fit a binding, the direct kernel stays.
  const small = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 1 << 20 });
  assert.ok(direct(conv3x3Variant(small, layer(64, 64, 224), true)), 'conv1_2 in 1 MiB bindings');
});

test('conv2d_forward v9 and v10 refuse kernels other than 3×3 and strides', async () => {
  const x = randomTensor(random, 2 * 36, 'x');
  const y = poisoned(2 * 36, 'y');
  const bias = randomTensor(random, 2, 'bias');
  await assertRejectsWith(
    () => conv2dForward(gpu, { n: 1, c: 2, h: 6, w: 6, k: 2, size: 5, pad: 2 }, x.tensor, randomTensor(random, 100, 'w').tensor, bias.tensor, y, 11),
    RangeError, /variant 11 takes 3×3 kernels, not 5×5/);
  await assertRejectsWith(
    () => conv2dBackwardInput(gpu, { n: 1, c: 2, h: 6, w: 6, k: 2, size: 3, pad: 1, stride: 2 }, randomTensor(random, 18, 'dy').tensor, randomTensor(random, 36, 'w').tensor, y, 10),
    RangeError, /variant 10 takes stride 1/);
  // A transform made for other channels, or the flipped one, is refused by name.
  const s: Conv2dShape = { n: 1, c: 2, h: 6, w: 6, k: 2, size: 3, pad: 1 };
  const weight = randomTensor(random, 2 * 3 * 9, 'w');
  const flipped = await conv2dWinogradWeight(gpu, weight.tensor, 2, 3, 2, true);
  await assertRejectsWith(() => conv2dWinograd(gpu, s, x.tensor, flipped, bias.tensor, y), RangeError, /transformed for 2→3 channels, not 2→2/);
});

test('ConvWeightCache transforms a weight once per tile and direction, and afresh after forget', async () => {
  const s: Conv2dShape = { n: 1, c: 5, h: 6, w: 7, k: 9, size: 3, pad: 1 };
  const x = randomTensor(random, s.c * s.h * s.w, 'x');
  const weight = randomTensor(random, s.k * s.c * 9, 'weight');
  const bias = randomTensor(random, s.k, 'bias');
  const cache = new ConvWeightCache({ winograd: true });
  const first = await cache.winogradWeight(gpu, weight.tensor, s.k, s.c, 4, false);
  assert.is(await cache.winogradWeight(gpu, weight.tensor, s.k, s.c, 4, false), first);
  assert.is.not(await cache.winogradWeight(gpu, weight.tensor, s.k, s.c, 4, true), first);
  assert.is.not(await cache.winogradWeight(gpu, weight.tensor, s.k, s.c, 2, false), first);
  assert.is(cache.winogradLength, 36 * 5 * 32 + 36 * 9 * 32 + 16 * 5 * 32);
  // A kept transform stays the old weight's until forgotten.
  const y = poisoned(s.k * s.h * s.w, 'y');
  const changed = random.uniformArray(weight.data.length);
  gpu.write(weight.tensor, changed);
  await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, 11, cache);
  const old = refForward(s, x.data, weight.data, bias.data);
  assertWithin('y from the kept transform', maxRelative(await gpu.read(y), (i) => old[i], every(old.length)));
  cache.forget(weight.tensor);
  assert.is(cache.winogradLength, 0);
  await conv2dForward(gpu, s, x.tensor, weight.tensor, bias.tensor, y, 11, cache);
  const fresh = refForward(s, x.data, changed, bias.data);
  assertWithin('y after forget', maxRelative(await gpu.read(y), (i) => fresh[i], every(fresh.length)));
  cache.release();
});

// Two 3×3 layers of the size and channels where the measured table picks Winograd on lavapipe, then
// global pooling and a linear layer: 16×28×28 → 64 → 64 → 5 classes.
function winogradGraph(): Graph {
  const w = (name: string, length: number): [string, Float32Array] => [name, Float32Array.from(random.uniformArray(length), (v) => v * 0.2)];
  const node = (name: string, op: GraphNode['op'], inputs: string[]): GraphNode => ({ name, op, inputs, output: name });
  const conv = (weight: string): GraphNode['op'] => ({ kind: 'conv', weight: `${weight}.w`, bias: `${weight}.b`, size: 3, stride: 1, pads: [1, 1, 1, 1] });
  return {
    info: { input: { channels: 16, height: 28, width: 28 }, normalize: { mean: Array(16).fill(0), std: Array(16).fill(1) }, labels: ['a', 'b', 'c', 'd', 'e'] },
    input: 'x',
    output: 'fc',
    nodes: [
      node('c1', conv('c1'), ['x']),
      node('r1', { kind: 'relu' }, ['c1']),
      node('c2', conv('c2'), ['r1']),
      node('r2', { kind: 'relu' }, ['c2']),
      node('gap', { kind: 'globalavgpool' }, ['r2']),
      node('fl', { kind: 'flatten' }, ['gap']),
      node('fc', { kind: 'linear', weight: 'fc.w', bias: 'fc.b' }, ['fl']),
    ],
    weights: new Map([w('c1.w', 64 * 16 * 9), w('c1.b', 64), w('c2.w', 64 * 64 * 9), w('c2.b', 64), w('fc.w', 5 * 64), w('fc.b', 5)]),
  };
}

test('GraphModel with winograd keeps the Winograd transforms of its weights, matches the reference, and drops them once a weight has a gradient', async () => {
  const graph = winogradGraph();
  const layer: Conv2dShape = { n: 1, c: 64, h: 28, w: 28, k: 64, size: 3, pad: 1 };
  const picks = conv3x3Variant(gpu, layer, true) >= 10;
  const n = 2;
  const input = random.uniformArray(n * 16 * 28 * 28);
  const model = GraphModel.create(gpu, graph, { winograd: true });
  // The pre-activations, which fused ReLUs would leave unwritten.
  model.keep(['c1', 'c2']);
  const check = async (g: Graph, what: string) => {
    const expected = referenceGraphForward(g, input, n);
    await model.forward(input, n);
    assertClose(`logits ${what}`, await gpu.read(model.logits), expected.logits, { random });
    // The backward pass is held to the reference taken at the GPU's own pre-activations, so that a ReLU input
    // within Winograd's rounding of zero (1e-5 relative; about one run in seven) gates both alike.
    const tensors = new Map(expected.tensors);
    for (const name of ['c1', 'c2']) tensors.set(name, Float64Array.from(await gpu.read(model.activation(name))));
    const dLogits = random.uniformArray(n * 5);
    await model.backward(dLogits, 'gradient');
    assertClose(`∂input ${what}`, await gpu.read(model.inputGradient), referenceGraphBackward(g, { ...expected, tensors }, dLogits, 'gradient').dInput, { random });
  };
  await check(graph, 'with the transforms kept');
  // On an adapter whose table picks Winograd here (lavapipe's does), c2's transforms (forward and flipped) are kept.
  if (picks) assert.ok(model.winogradWeightElements >= 2 * 36 * 64 * 64, `kept ${model.winogradWeightElements} elements`);
  const before = model.winogradWeightElements;
  // Training asks for the gradient before it writes the weight: from then on c2 is transformed at each use.
  const c2 = model.parameter('c2.w');
  void c2.gradient;
  if (picks) assert.ok(model.winogradWeightElements < before, 'the transforms of a weight with a gradient are dropped');
  const changed = Float32Array.from(random.uniformArray(64 * 64 * 9), (v) => v * 0.2);
  gpu.write(c2.value, changed);
  await check({ ...graph, weights: new Map([...graph.weights, ['c2.w', changed]]) }, 'after c2.w changed');
  model.destroy();
  // Without the option (the default) nothing is kept and the direct kernels give the same logits.
  const lean = GraphModel.create(gpu, graph);
  await lean.forward(input, n);
  assertClose('logits without Winograd', await gpu.read(lean.logits), referenceGraphForward(graph, input, n).logits, { random });
  assert.is(lean.winogradWeightElements, 0);
  lean.destroy();
});

test.run();
