// The kernels `npm run bench` times, each at a VGG16 layer shape (224×224, batch 1), with the work it
// does (FLOPs, bytes it must move at least) and a check against the float64 reference at a small shape.

import type { Gpu, GpuTensor } from '../src/gpu/mod.ts';
import * as nn from '../src/nn/mod.ts';
import { Random } from '../src/random/mod.ts';
import * as ref from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize } from '../src/shapes/mod.ts';

export interface BenchKernel {
  readonly name: string;
  readonly shape: string;
  readonly flops: number;
  readonly bytes: number;
  /** Runs the kernel at a small awkward shape against the reference; says what is wrong, or nothing. */
  validate(gpu: Gpu): Promise<string | undefined>;
  /** Allocates the timed shape's tensors and returns one run. */
  prepare(gpu: Gpu): Promise<() => Promise<void>>;
}

const LIMIT = 1e-4;
const random = new Random(20140101);

function tensors(gpu: Gpu, lengths: readonly number[]): GpuTensor[] {
  return lengths.map((length, i) => gpu.tensorFrom(random.uniformArray(length), `bench ${i}`));
}

function verdict(name: string, error: number): string | undefined {
  return error < LIMIT ? undefined : `${name}: relative error ${error} against the reference`;
}

const CONV3_3: Conv2dShape = { n: 1, c: 256, h: 56, w: 56, k: 256, size: 3, pad: 1 };
const SMALL_CONV: Conv2dShape = { n: 2, c: 3, h: 11, w: 13, k: 70, size: 3, pad: 1 };

function convKernel(name: string, kind: 'forward' | 'input' | 'weight'): BenchKernel {
  const s = CONV3_3;
  const [oh, ow] = conv2dOutputSize(s);
  const xLength = s.n * s.c * s.h * s.w;
  const wLength = s.k * s.c * s.size * s.size;
  const yLength = s.n * s.k * oh * ow;
  const run = async (gpu: Gpu, c: Conv2dShape, [x, w, b, y]: GpuTensor[]) => {
    if (kind === 'forward') await nn.conv2dForward(gpu, c, x, w, b, y);
    else if (kind === 'input') await nn.conv2dBackwardInput(gpu, c, y, w, x);
    else await nn.conv2dBackwardWeight(gpu, c, x, y, w, b);
  };
  return {
    name,
    shape: `conv3_3 ${s.c}→${s.k} ${s.h}×${s.w}`,
    flops: 2 * s.n * s.k * s.c * s.size * s.size * oh * ow,
    bytes: 4 * (xLength + wLength + yLength),
    async validate(gpu) {
      const c = SMALL_CONV;
      const [sh, sw] = conv2dOutputSize(c);
      const t = tensors(gpu, [c.n * c.c * c.h * c.w, c.k * c.c * 9, c.k, c.n * c.k * sh * sw]);
      const [x, w, b, y] = await Promise.all(t.map((tensor) => gpu.read(tensor)));
      await run(gpu, c, t);
      if (kind === 'forward') return verdict(name, ref.relativeError(await gpu.read(t[3]), ref.conv2dForward(c, x, w, b)));
      if (kind === 'input') return verdict(name, ref.relativeError(await gpu.read(t[0]), ref.conv2dBackwardInput(c, y, w)));
      const expected = ref.conv2dBackwardWeight(c, x, y);
      return verdict(name, Math.max(ref.relativeError(await gpu.read(t[1]), expected.dWeight), ref.relativeError(await gpu.read(t[2]), expected.dBias)));
    },
    async prepare(gpu) {
      const t = tensors(gpu, [xLength, wLength, s.k, yLength]);
      return () => run(gpu, s, t);
    },
  };
}

const FC6 = { n: 1, inFeatures: 25088, outFeatures: 4096 };
const SMALL_FC = { n: 3, inFeatures: 37, outFeatures: 19 };

function linearKernel(name: string, kind: 'forward' | 'input' | 'weight'): BenchKernel {
  const s = FC6;
  const run = async (gpu: Gpu, l: typeof FC6, [x, w, b, y]: GpuTensor[]) => {
    if (kind === 'forward') await nn.linearForward(gpu, l, x, w, b, y);
    else if (kind === 'input') await nn.linearBackwardInput(gpu, l, y, w, x);
    else await nn.linearBackwardWeight(gpu, l, x, y, w, b);
  };
  const lengths = (l: typeof FC6) => [l.n * l.inFeatures, l.outFeatures * l.inFeatures, l.outFeatures, l.n * l.outFeatures];
  return {
    name,
    shape: `fc6 ${s.inFeatures}→${s.outFeatures}`,
    flops: 2 * s.n * s.inFeatures * s.outFeatures,
    bytes: 4 * lengths(s).reduce((a, b) => a + b, 0),
    async validate(gpu) {
      const l = SMALL_FC;
      const t = tensors(gpu, lengths(l));
      const [x, w, b, y] = await Promise.all(t.map((tensor) => gpu.read(tensor)));
      await run(gpu, l, t);
      if (kind === 'forward') return verdict(name, ref.relativeError(await gpu.read(t[3]), ref.linearForward(l, x, w, b)));
      if (kind === 'input') return verdict(name, ref.relativeError(await gpu.read(t[0]), ref.linearBackwardInput(l, y, w)));
      const expected = ref.linearBackwardWeight(l, x, y);
      return verdict(name, Math.max(ref.relativeError(await gpu.read(t[1]), expected.dWeight), ref.relativeError(await gpu.read(t[2]), expected.dBias)));
    },
    async prepare(gpu) {
      const t = tensors(gpu, lengths(s));
      return () => run(gpu, s, t);
    },
  };
}

// conv1_2's output, the largest activation of VGG16: 64×224×224.
const MAP = { n: 1, c: 64, h: 224, w: 224 };
const SMALL_MAP = { n: 2, c: 3, h: 9, w: 7 };
const mapLength = (m: typeof MAP) => m.n * m.c * m.h * m.w;

function reluKernel(name: string, backward: boolean): BenchKernel {
  const run = (gpu: Gpu, [x, dy, out]: GpuTensor[]) => (backward ? nn.reluBackward(gpu, x, dy, out, 'guided') : nn.reluForward(gpu, x, out));
  const length = mapLength(MAP);
  return {
    name,
    shape: `conv1_2 64×224×224`,
    flops: length,
    bytes: 4 * length * (backward ? 3 : 2),
    async validate(gpu) {
      const small = mapLength(SMALL_MAP);
      const t = tensors(gpu, [small, small, small]);
      const [x, dy] = await Promise.all([gpu.read(t[0]), gpu.read(t[1])]);
      await run(gpu, t);
      const expected = backward ? ref.reluBackward(x, dy, 'guided') : ref.reluForward(x);
      return verdict(name, ref.relativeError(await gpu.read(t[2]), expected));
    },
    async prepare(gpu) {
      const t = tensors(gpu, [length, length, length]);
      return () => run(gpu, t);
    },
  };
}

function maxPoolKernel(name: string, backward: boolean): BenchKernel {
  const inLength = mapLength(MAP);
  const outLength = inLength / 4;
  const setup = async (gpu: Gpu, m: typeof MAP) => {
    const a = mapLength(m);
    const b = m.n * m.c * Math.floor(m.h / 2) * Math.floor(m.w / 2);
    const [x, y, dx] = tensors(gpu, [a, b, a]);
    const switches = gpu.tensor(b, 'switches');
    await nn.maxPool2dForward(gpu, m, x, y, switches);
    return { x, y, dx, switches, run: () => (backward ? nn.maxPool2dBackward(gpu, m, y, switches, dx) : nn.maxPool2dForward(gpu, m, x, y, switches)) };
  };
  return {
    name,
    shape: `pool1 64×224×224`,
    flops: backward ? outLength : 3 * outLength,
    bytes: 4 * (inLength + 2 * outLength),
    async validate(gpu) {
      const t = await setup(gpu, SMALL_MAP);
      const x = await gpu.read(t.x);
      await t.run();
      const expected = ref.maxPool2dForward(SMALL_MAP, x);
      if (!backward) return verdict(name, ref.relativeError(await gpu.read(t.y), expected.y));
      return verdict(name, ref.relativeError(await gpu.read(t.dx), ref.maxPool2dBackward(SMALL_MAP, await gpu.read(t.y), expected.switches)));
    },
    async prepare(gpu) {
      return (await setup(gpu, MAP)).run;
    },
  };
}

function saliencyKernel(): BenchKernel {
  const image = { n: 1, c: 3, h: 224, w: 224 };
  const length = mapLength(image);
  return {
    name: 'saliency_map',
    shape: '3×224×224',
    flops: 2 * length,
    bytes: 4 * (length + length / 3),
    async validate(gpu) {
      const [g, m] = tensors(gpu, [mapLength(SMALL_MAP), SMALL_MAP.n * SMALL_MAP.h * SMALL_MAP.w]);
      await nn.saliencyMap(gpu, SMALL_MAP, g, m);
      return verdict('saliency_map', ref.relativeError(await gpu.read(m), ref.saliencyMap(SMALL_MAP, await gpu.read(g))));
    },
    async prepare(gpu) {
      const [g, m] = tensors(gpu, [length, length / 3]);
      return () => nn.saliencyMap(gpu, image, g, m);
    },
  };
}

function ascentKernel(): BenchKernel {
  const length = 3 * 224 * 224;
  return {
    name: 'ascent_step',
    shape: '3×224×224',
    flops: 4 * length,
    bytes: 4 * 3 * length,
    async validate(gpu) {
      const [image, grad] = tensors(gpu, [101, 101]);
      const [before, g] = await Promise.all([gpu.read(image), gpu.read(grad)]);
      await nn.ascentStep(gpu, image, grad, 0.1, 0.01);
      return verdict('ascent_step', ref.relativeError(await gpu.read(image), ref.ascentStep(before, g, 0.1, 0.01)));
    },
    async prepare(gpu) {
      const [image, grad] = tensors(gpu, [length, length]);
      return () => nn.ascentStep(gpu, image, grad, 1e-6, 0);
    },
  };
}

export const KERNELS: readonly BenchKernel[] = [
  convKernel('conv2d_forward', 'forward'),
  convKernel('conv2d_backward_input', 'input'),
  convKernel('conv2d_backward_weight', 'weight'),
  reluKernel('relu_forward', false),
  reluKernel('relu_backward (guided)', true),
  maxPoolKernel('max_pool2d_forward', false),
  maxPoolKernel('max_pool2d_backward', true),
  linearKernel('linear_forward', 'forward'),
  linearKernel('linear_backward_input', 'input'),
  linearKernel('linear_backward_weight', 'weight'),
  saliencyKernel(),
  ascentKernel(),
];
