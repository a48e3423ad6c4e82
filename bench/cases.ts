// What `npm run bench` times: every kernel at the shapes of VGG16's layers at 224×224, each with the
// work it must do (FLOPs, and the bytes it must move at the least) and a check against the float64
// reference at that same shape (sampled elements for the conv and linear layers, every element for the
// rest), which must pass before the kernel is timed.

import type { Gpu, GpuTensor } from '../src/gpu/mod.ts';
import * as nn from '../src/nn/mod.ts';
import type { Random } from '../src/random/mod.ts';
import * as ref from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize, type ImageShape, type LinearShape, maxPool2dOutputSize } from '../src/shapes/mod.ts';
import * as sampled from './sampled_reference.ts';

/** A prepared case: one run records the kernel's dispatches; `check` runs it and says how wrong it is. */
export interface Prepared {
  run(): Promise<void>;
  /** The CPU copies of the inputs, in the order a peer's same op takes them. */
  readonly inputs: readonly Float32Array[];
  /** Relative error against the reference (after one run). */
  check(): Promise<number>;
  release(): void;
}

export interface BenchCase {
  readonly kernel: string;
  readonly layer: string;
  readonly batch: number;
  readonly shape: string;
  readonly flops: number;
  readonly bytes: number;
  /** The conv or linear shape, for peers that run the same operation. */
  readonly conv?: Conv2dShape;
  readonly linear?: LinearShape;
  prepare(gpu: Gpu, random: Random): Prepared;
}

/** VGG16's conv layers at 224×224 that the issue names, batch 1. */
export const VGG16_CONVS: ReadonlyArray<readonly [string, number, number, number]> = [
  // name, input channels, output channels, size
  ['conv1_1', 3, 64, 224],
  ['conv1_2', 64, 64, 224],
  ['conv2_2', 128, 128, 112],
  ['conv3_3', 256, 256, 56],
  ['conv4_3', 512, 512, 28],
  ['conv5_3', 512, 512, 14],
];

const F = 4;

function upload(gpu: Gpu, random: Random, length: number, label: string): { tensor: GpuTensor; data: Float32Array } {
  const data = random.uniformArray(length);
  return { tensor: gpu.tensorFrom(data, label), data };
}

function release(...tensors: GpuTensor[]): void {
  for (const t of tensors) t.buffer.destroy();
}

function convCases(name: string, s: Conv2dShape): BenchCase[] {
  const [oh, ow] = conv2dOutputSize(s);
  const xLength = s.n * s.c * s.h * s.w;
  const wLength = s.k * s.c * s.size * s.size;
  const yLength = s.n * s.k * oh * ow;
  const flops = 2 * s.n * s.k * s.c * s.size * s.size * oh * ow;
  const shape = `${s.c}→${s.k} ${s.h}×${s.w}`;
  const common = { layer: name, batch: s.n, shape, flops, conv: s };
  return [
    {
      ...common,
      kernel: 'conv2d_forward',
      bytes: F * (xLength + wLength + s.k + yLength),
      prepare(gpu, random) {
        const x = upload(gpu, random, xLength, 'x');
        const w = upload(gpu, random, wLength, 'weight');
        const b = upload(gpu, random, s.k, 'bias');
        const y = gpu.tensor(yLength, 'y');
        return {
          run: () => nn.conv2dForward(gpu, s, x.tensor, w.tensor, b.tensor, y),
          inputs: [x.data, w.data, b.data],
          check: async () => {
            await nn.conv2dForward(gpu, s, x.tensor, w.tensor, b.tensor, y);
            return sampled.sampledError(random, yLength, await gpu.read(y), (i) => sampled.conv2dForwardAt(s, x.data, w.data, b.data, i));
          },
          release: () => release(x.tensor, w.tensor, b.tensor, y),
        };
      },
    },
    {
      ...common,
      kernel: 'conv2d_backward_input',
      bytes: F * (yLength + wLength + xLength),
      prepare(gpu, random) {
        const dy = upload(gpu, random, yLength, 'dy');
        const w = upload(gpu, random, wLength, 'weight');
        const dx = gpu.tensor(xLength, 'dx');
        return {
          run: () => nn.conv2dBackwardInput(gpu, s, dy.tensor, w.tensor, dx),
          inputs: [dy.data, w.data],
          check: async () => {
            await nn.conv2dBackwardInput(gpu, s, dy.tensor, w.tensor, dx);
            return sampled.sampledError(random, xLength, await gpu.read(dx), (i) => sampled.conv2dBackwardInputAt(s, dy.data, w.data, i));
          },
          release: () => release(dy.tensor, w.tensor, dx),
        };
      },
    },
    // The first layer's gradient to the input also gives the saliency map, fused (an image's channels only).
    ...(s.c > nn.SALIENCY_CHANNELS ? [] : [{
      ...common,
      kernel: 'conv2d_backward_saliency',
      bytes: F * (yLength + wLength + xLength + xLength / s.c),
      prepare(gpu: Gpu, random: Random): Prepared {
        const dy = upload(gpu, random, yLength, 'dy');
        const w = upload(gpu, random, wLength, 'weight');
        const dx = gpu.tensor(xLength, 'dx');
        const map = gpu.tensor(xLength / s.c, 'map');
        const plane = s.h * s.w;
        return {
          run: () => nn.conv2dBackwardSaliency(gpu, s, dy.tensor, w.tensor, dx, map),
          inputs: [dy.data, w.data],
          check: async () => {
            await nn.conv2dBackwardSaliency(gpu, s, dy.tensor, w.tensor, dx, map);
            const at = (i: number) => sampled.conv2dBackwardInputAt(s, dy.data, w.data, i);
            const mapAt = (i: number) => {
              const [n, pixel] = [Math.floor(i / plane), i % plane];
              let most = 0;
              for (let c = 0; c < s.c; c++) most = Math.max(most, Math.abs(at((n * s.c + c) * plane + pixel)));
              return most;
            };
            return Math.max(sampled.sampledError(random, xLength, await gpu.read(dx), at), sampled.sampledError(random, xLength / s.c, await gpu.read(map), mapAt));
          },
          release: () => release(dy.tensor, w.tensor, dx, map),
        };
      },
    }]),
    {
      ...common,
      kernel: 'conv2d_backward_weight',
      bytes: F * (xLength + yLength + wLength + s.k),
      prepare(gpu, random) {
        const x = upload(gpu, random, xLength, 'x');
        const dy = upload(gpu, random, yLength, 'dy');
        const dw = gpu.tensor(wLength, 'dWeight');
        const db = gpu.tensor(s.k, 'dBias');
        return {
          run: () => nn.conv2dBackwardWeight(gpu, s, x.tensor, dy.tensor, dw, db),
          inputs: [x.data, dy.data],
          check: async () => {
            await nn.conv2dBackwardWeight(gpu, s, x.tensor, dy.tensor, dw, db);
            return sampled.sampledError(random, wLength, await gpu.read(dw), (i) => sampled.conv2dBackwardWeightAt(s, x.data, dy.data, i), 64);
          },
          release: () => release(x.tensor, dy.tensor, dw, db),
        };
      },
    },
  ];
}

function linearCases(name: string, s: LinearShape): BenchCase[] {
  const xLength = s.n * s.inFeatures;
  const wLength = s.outFeatures * s.inFeatures;
  const yLength = s.n * s.outFeatures;
  const common = { layer: name, batch: s.n, shape: `${s.inFeatures}→${s.outFeatures}`, flops: 2 * s.n * s.inFeatures * s.outFeatures, linear: s };
  return [
    {
      ...common,
      kernel: 'linear_forward',
      bytes: F * (xLength + wLength + s.outFeatures + yLength),
      prepare(gpu, random) {
        const x = upload(gpu, random, xLength, 'x');
        const w = upload(gpu, random, wLength, 'weight');
        const b = upload(gpu, random, s.outFeatures, 'bias');
        const y = gpu.tensor(yLength, 'y');
        return {
          run: () => nn.linearForward(gpu, s, x.tensor, w.tensor, b.tensor, y),
          inputs: [x.data, w.data, b.data],
          check: async () => {
            await nn.linearForward(gpu, s, x.tensor, w.tensor, b.tensor, y);
            return sampled.sampledError(random, yLength, await gpu.read(y), (i) => sampled.linearForwardAt(s, x.data, w.data, b.data, i));
          },
          release: () => release(x.tensor, w.tensor, b.tensor, y),
        };
      },
    },
    {
      ...common,
      kernel: 'linear_backward_input',
      bytes: F * (yLength + wLength + xLength),
      prepare(gpu, random) {
        const dy = upload(gpu, random, yLength, 'dy');
        const w = upload(gpu, random, wLength, 'weight');
        const dx = gpu.tensor(xLength, 'dx');
        return {
          run: () => nn.linearBackwardInput(gpu, s, dy.tensor, w.tensor, dx),
          inputs: [dy.data, w.data],
          check: async () => {
            await nn.linearBackwardInput(gpu, s, dy.tensor, w.tensor, dx);
            return sampled.sampledError(random, xLength, await gpu.read(dx), (i) => sampled.linearBackwardInputAt(s, dy.data, w.data, i));
          },
          release: () => release(dy.tensor, w.tensor, dx),
        };
      },
    },
    {
      ...common,
      kernel: 'linear_backward_weight',
      bytes: F * (xLength + yLength + wLength + s.outFeatures),
      prepare(gpu, random) {
        const x = upload(gpu, random, xLength, 'x');
        const dy = upload(gpu, random, yLength, 'dy');
        const dw = gpu.tensor(wLength, 'dWeight');
        const db = gpu.tensor(s.outFeatures, 'dBias');
        return {
          run: () => nn.linearBackwardWeight(gpu, s, x.tensor, dy.tensor, dw, db),
          inputs: [x.data, dy.data],
          check: async () => {
            await nn.linearBackwardWeight(gpu, s, x.tensor, dy.tensor, dw, db);
            return sampled.sampledError(random, wLength, await gpu.read(dw), (i) => sampled.linearBackwardWeightAt(s, x.data, dy.data, i));
          },
          release: () => release(x.tensor, dy.tensor, dw, db),
        };
      },
    },
  ];
}

/** Elementwise and pooling kernels on one image-shaped tensor; the reference is cheap enough to run whole. */
function mapCases(name: string, m: ImageShape): BenchCase[] {
  const length = m.n * m.c * m.h * m.w;
  const [ph, pw] = maxPool2dOutputSize(m);
  const pooled = m.n * m.c * ph * pw;
  const common = { layer: name, batch: m.n, shape: `${m.c}×${m.h}×${m.w}` };
  return [
    {
      ...common,
      kernel: 'relu_forward',
      flops: length,
      bytes: F * 2 * length,
      prepare(gpu, random) {
        const x = upload(gpu, random, length, 'x');
        const y = gpu.tensor(length, 'y');
        return {
          run: () => nn.reluForward(gpu, x.tensor, y),
          inputs: [],
          check: async () => {
            await nn.reluForward(gpu, x.tensor, y);
            return ref.relativeError(await gpu.read(y), ref.reluForward(x.data));
          },
          release: () => release(x.tensor, y),
        };
      },
    },
    {
      ...common,
      kernel: 'relu_backward (guided)',
      flops: 2 * length,
      bytes: F * 3 * length,
      prepare(gpu, random) {
        const x = upload(gpu, random, length, 'x');
        const dy = upload(gpu, random, length, 'dy');
        const dx = gpu.tensor(length, 'dx');
        return {
          run: () => nn.reluBackward(gpu, x.tensor, dy.tensor, dx, 'guided'),
          inputs: [],
          check: async () => {
            await nn.reluBackward(gpu, x.tensor, dy.tensor, dx, 'guided');
            return ref.relativeError(await gpu.read(dx), ref.reluBackward(x.data, dy.data, 'guided'));
          },
          release: () => release(x.tensor, dy.tensor, dx),
        };
      },
    },
    {
      ...common,
      kernel: 'max_pool2d_forward',
      flops: 3 * pooled,
      bytes: F * (length + 2 * pooled),
      prepare(gpu, random) {
        const x = upload(gpu, random, length, 'x');
        const y = gpu.tensor(pooled, 'y');
        const switches = gpu.tensor(pooled, 'switches');
        return {
          run: () => nn.maxPool2dForward(gpu, m, x.tensor, y, switches),
          inputs: [],
          check: async () => {
            await nn.maxPool2dForward(gpu, m, x.tensor, y, switches);
            return ref.relativeError(await gpu.read(y), ref.maxPool2dForward(m, x.data).y);
          },
          release: () => release(x.tensor, y, switches),
        };
      },
    },
    {
      ...common,
      kernel: 'max_pool2d_backward',
      flops: pooled,
      bytes: F * (2 * pooled + length),
      prepare(gpu, random) {
        const x = upload(gpu, random, length, 'x');
        const dy = upload(gpu, random, pooled, 'dy');
        const y = gpu.tensor(pooled, 'y');
        const switches = gpu.tensor(pooled, 'switches');
        const dx = gpu.tensor(length, 'dx');
        const forward = nn.maxPool2dForward(gpu, m, x.tensor, y, switches);
        return {
          run: async () => {
            await forward;
            await nn.maxPool2dBackward(gpu, m, dy.tensor, switches, dx);
          },
          inputs: [],
          check: async () => {
            await forward;
            await nn.maxPool2dBackward(gpu, m, dy.tensor, switches, dx);
            return ref.relativeError(await gpu.read(dx), ref.maxPool2dBackward(m, dy.data, ref.maxPool2dForward(m, x.data).switches));
          },
          release: () => release(x.tensor, dy.tensor, y, switches, dx),
        };
      },
    },
  ];
}

function imageCases(batch: number): BenchCase[] {
  const image: ImageShape = { n: batch, c: 3, h: 224, w: 224 };
  const length = batch * 3 * 224 * 224;
  const pixels = batch * 224 * 224;
  const common = { layer: 'input', batch, shape: '3×224×224' };
  return [
    {
      ...common,
      kernel: 'saliency_map',
      flops: 2 * length,
      bytes: F * (length + pixels),
      prepare(gpu, random) {
        const g = upload(gpu, random, length, 'gradient');
        const map = gpu.tensor(pixels, 'map');
        return {
          run: () => nn.saliencyMap(gpu, image, g.tensor, map),
          inputs: [],
          check: async () => {
            await nn.saliencyMap(gpu, image, g.tensor, map);
            return ref.relativeError(await gpu.read(map), ref.saliencyMap(image, g.data));
          },
          release: () => release(g.tensor, map),
        };
      },
    },
    {
      ...common,
      kernel: 'ascent_step',
      flops: 4 * length,
      bytes: F * 3 * length,
      prepare(gpu, random) {
        const image = upload(gpu, random, length, 'image');
        const g = upload(gpu, random, length, 'gradient');
        return {
          // A zero step leaves the image as it was, so repeated runs time the same work.
          run: () => nn.ascentStep(gpu, image.tensor, g.tensor, 0, 0),
          inputs: [],
          check: async () => {
            const before = await gpu.read(image.tensor);
            await nn.ascentStep(gpu, image.tensor, g.tensor, 0.5, 0.01);
            const error = ref.relativeError(await gpu.read(image.tensor), ref.ascentStep(before, g.data, 0.5, 0.01));
            gpu.write(image.tensor, before);
            return error;
          },
          release: () => release(image.tensor, g.tensor),
        };
      },
    },
    {
      ...common,
      kernel: 'roll2d',
      flops: 0,
      bytes: F * 2 * length,
      prepare(gpu, random) {
        const x = upload(gpu, random, length, 'x');
        const y = gpu.tensor(length, 'y');
        return {
          run: () => nn.roll2d(gpu, image, x.tensor, y, 2, -1),
          inputs: [],
          check: async () => {
            await nn.roll2d(gpu, image, x.tensor, y, 2, -1);
            return ref.relativeError(await gpu.read(y), ref.roll2d(image, x.data, 2, -1));
          },
          release: () => release(x.tensor, y),
        };
      },
    },
    {
      ...common,
      kernel: 'gaussian_blur2d',
      // σ 0.5: ±2 pixels, 25 taps of a multiply and an add (the weights' exp() not counted).
      flops: 2 * 25 * length,
      bytes: F * 2 * length,
      prepare(gpu, random) {
        const x = upload(gpu, random, length, 'x');
        const y = gpu.tensor(length, 'y');
        return {
          run: () => nn.gaussianBlur2d(gpu, image, x.tensor, y, 0.5),
          inputs: [],
          check: async () => {
            await nn.gaussianBlur2d(gpu, image, x.tensor, y, 0.5);
            return ref.relativeError(await gpu.read(y), ref.gaussianBlur2d(image, x.data, 0.5));
          },
          release: () => release(x.tensor, y),
        };
      },
    },
  ];
}

/** Every case, batch 1 and `batch`. */
export function benchCases(batch: number): BenchCase[] {
  const cases: BenchCase[] = [];
  for (const n of [1, batch]) {
    for (const [name, c, k, size] of VGG16_CONVS) cases.push(...convCases(name, { n, c, h: size, w: size, k, size: 3, pad: 1 }));
    cases.push(...mapCases('conv1_2 output', { n, c: 64, h: 224, w: 224 }));
    cases.push(...linearCases('fc6', { n, inFeatures: 25088, outFeatures: 4096 }));
    cases.push(...linearCases('fc8', { n, inFeatures: 4096, outFeatures: 1000 }));
    cases.push(...imageCases(n));
  }
  return cases;
}
