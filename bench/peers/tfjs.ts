// TensorFlow.js's WebGPU backend as a benchmark peer, on the same Dawn instance and adapter as our own
// device (its own GPUDevice, as TF.js asks for one), in the same process.
//
// Layouts: TF.js is NHWC with HWIO filters; each op converts our NCHW/OIHW inputs once when it is built,
// and its `check()` converts the result back. Nothing timed converts. Dense weights are in whichever
// layout is TF.js's faster one for the work (see `matMul` and `vgg16Saliency`).
//
// Completion: `run()` flushes TF.js's deferred command encoder (`submitQueue`) and awaits the queue's
// `onSubmittedWorkDone()`: the same wait as our own kernels' `gpu.sync()`, with no readback. Each call
// runs in a validation and an out-of-memory error scope on TF.js's device, so that an op the adapter
// refuses (a binding over its limit) throws with Dawn's message instead of timing garbage.
//
// Inputs are uploaded when an op is built (`uploadToGPU`): TF.js would otherwise run small ops on the CPU
// while their inputs still live there (its WEBGPU_CPU_FORWARD), and a check would not test the GPU.

import type * as Tf from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { webGpuInstance } from '../../src/gpu/mod.ts';
import { type Graph, graphShapes } from '../../src/graph/mod.ts';
import { initVggWeights, vggLayers } from '../../src/model/mod.ts';
import { Random } from '../../src/random/mod.ts';
import { type Conv2dShape, conv2dOutputSize, type LinearShape } from '../../src/shapes/mod.ts';
import { hwioToOihw, linearRowsToInOut, nchwToNhwc, nhwcFlattenOrder, nhwcToNchw, oihwToHwio } from './layouts.ts';
import type { PeerOp, PeerUnavailable } from './peer_op.ts';
import { VGG16_CLASSIFIER, vgg16Spec } from './vgg16_spec.ts';

type TfModule = typeof Tf;
/** TF.js's explicit padding (conv_util.ExplicitPadding, not exported by the package): [before, after] per NHWC axis. */
type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** How `vgg16Saliency` builds its network; every field has a default. */
export interface TfjsSaliencyOptions {
  /**
   * fc6 split into this many blocks of output rows, each its own matMul, concatenated: a WORKAROUND THAT
   * TF.js NEEDS, not us. TF.js binds each tensor whole, and fc6's weight (411 MB at 224×224) exceeds the
   * binding limit of adapters such as lavapipe (128 MiB), where the real layer fails validation;
   * deepinside's kernels bind large tensors in slices and run the real layer. 1 (the default) is the real
   * layer; `outputChunksToFit` gives the fewest blocks that fit.
   */
  readonly fc6Chunks?: number;
  /** torchvision names and layouts (`features.0.weight` (64, 3, 3, 3), …); default He-uniform from `seed`. */
  readonly weights?: ReadonlyMap<string, ArrayLike<number>>;
  /** The image, (1, 3, size, size) NCHW; default uniform in ±1 from `seed`. */
  readonly input?: ArrayLike<number>;
  /** The class whose score is differentiated; default 0. */
  readonly classIndex?: number;
  /** Seeds the default weights and input; default 20140101. */
  readonly seed?: number;
}

/**
 * TensorFlow.js 4.22's WebGPU backend. Each method builds its inputs on TF.js's side once (our layouts
 * in, converted) and returns the op ready to time. Shapes and layouts are ours:
 * x (n, c, h, w), weight (k, c, size, size), bias (k), dy (n, k, oh, ow); linear weight (out, in).
 */
export interface TfjsPeer {
  /** `TensorFlow.js 4.22.0 webgpu`. */
  readonly name: string;
  /** The adapter TF.js's device is on, named as `Gpu.adapterName` names ours. */
  readonly adapterName: string;
  /** TF.js's device's `maxStorageBufferBindingSize`: the largest tensor it can use. */
  readonly maxBindingBytes: number;
  /** `tf.fused.conv2d` (stride 1, symmetric padding `s.pad`, bias added) → y (n, k, oh, ow). */
  conv2d(s: Conv2dShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>): Promise<PeerOp>;
  /** `tf.conv2dTranspose`, TF.js's Conv2DBackpropInput kernel → dx (n, c, h, w). */
  conv2dBackpropInput(s: Conv2dShape, dy: ArrayLike<number>, weight: ArrayLike<number>): Promise<PeerOp>;
  /** TF.js's Conv2DBackpropFilter kernel (no public op; through `engine().runKernel`) → dWeight (k, c, size, size), no bias gradient. */
  conv2dBackpropFilter(s: Conv2dShape, x: ArrayLike<number>, dy: ArrayLike<number>): Promise<PeerOp>;
  /**
   * `tf.fused.matMul` of x (n, in) and the weight as ours, (out, in), with `transposeB`, bias added →
   * y (n, out). For one row of x that is TF.js's fast path on lavapipe: a 1024-row block of fc6 took
   * 108 ms with transposeB against 550 ms as an (in, out) weight. With `outputChunks` > 1 the weight is
   * split into that many blocks of output rows, concatenated (the workaround TF.js needs for a weight
   * beyond its binding limit, as fc6 on lavapipe).
   */
  matMul(s: LinearShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, outputChunks?: number): Promise<PeerOp>;
  /**
   * `tf.grad` of one class score of VGG16 (`vgg16Spec(inputSize, classifierSizes)`, batch 1, conv+ReLU as
   * `tf.fused.conv2d`, `tf.maxPool`, dense layers as `tf.fused.matMul` of an (in, out) weight, as
   * tf.layers.dense keeps it) to its input, then the saliency map max_c |grad| → (1, size, size).
   * Weights and input are built once, outside the timed run. The (in, out) layout is TF.js's faster one
   * for forward and backward together: 612 ms against about 1 s with (out, in) and transposeB for a
   * 1024-row block of fc6 on lavapipe (whose backward, dy·W, is then the slow untransposed product).
   */
  vgg16Saliency(inputSize: number, classifierSizes?: readonly number[], options?: TfjsSaliencyOptions): Promise<PeerOp>;
  /**
   * `tf.grad` of Σ_i logit[i, classes[i]] of any graph (conv as `tf.fused.conv2d` with its explicit pads
   * and bias, `tf.relu`, `tf.maxPool`, `tf.add`, the global average pool as `tf.mean`, flatten, the linear
   * layer as `tf.fused.matMul` with transposeB) to its input x (n, C, H, W), then the saliency maps
   * max_c |grad| → (n, H, W). Weights and input are uploaded once, outside the timed run.
   */
  graphSaliency(graph: Graph, n: number, x: ArrayLike<number>, classes: readonly number[]): Promise<PeerOp>;
  /** The forward pass of the same network as `graphSaliency` builds it → logits (n, classes). */
  graphForward(graph: Graph, n: number, x: ArrayLike<number>): Promise<PeerOp>;
}

/**
 * Starts TF.js's WebGPU backend on the Dawn instance `requestGpu()` uses (it finds it through
 * `navigator.gpu`, which is set to that instance in Node), or says why it cannot.
 * @example
 * const tfjs = await openTfjs();
 * if ('unavailable' in tfjs) console.log(tfjs.unavailable);
 * else { const op = await tfjs.conv2d(shape, x, w, b); await op.run(); op.dispose(); }
 */
export async function openTfjs(): Promise<TfjsPeer | PeerUnavailable> {
  let gpu: GPU;
  try {
    gpu = await webGpuInstance();
  } catch (error) {
    return { unavailable: `no WebGPU: ${messageOf(error)}` };
  }
  // TF.js looks for WebGPU at navigator.gpu only (when its backend module loads, and in its constructor).
  if (typeof navigator === 'undefined') {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else if (!navigator.gpu) {
    Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  } else if (navigator.gpu !== gpu) {
    return { unavailable: 'navigator.gpu is another WebGPU instance than the one requestGpu() uses' };
  }
  let tf: TfModule;
  let backendClass: typeof WebGPUBackend;
  try {
    tf = await import('@tensorflow/tfjs');
    backendClass = (await import('@tensorflow/tfjs-backend-webgpu')).WebGPUBackend;
  } catch (error) {
    return { unavailable: `TensorFlow.js is not installed (npm ci brings it, a devDependency): ${messageOf(error)}` };
  }
  if (!(await tf.setBackend('webgpu'))) return { unavailable: 'TensorFlow.js could not start its webgpu backend' };
  const backend = tf.backend();
  if (!(backend instanceof backendClass)) return { unavailable: 'TensorFlow.js loaded two copies of tfjs-core' };
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  const info = adapter?.info;
  const adapterName = info ? [info.vendor, info.architecture, info.description || info.device].filter(Boolean).join(' ') : 'unknown adapter';
  return new TfjsPeerImpl(tf, backend, adapterName);
}

/** The fewest blocks of output rows that put each block of a (out, in) float32 weight within `maxBindingBytes`. */
export function outputChunksToFit(inFeatures: number, outFeatures: number, maxBindingBytes: number): number {
  for (let chunks = 1; chunks <= outFeatures; chunks++) {
    if (4 * inFeatures * Math.ceil(outFeatures / chunks) <= maxBindingBytes) return chunks;
  }
  throw new RangeError(`outputChunksToFit: one row of ${inFeatures} floats exceeds ${maxBindingBytes} bytes`);
}

class TfjsPeerImpl implements TfjsPeer {
  readonly name: string;
  readonly maxBindingBytes: number;
  readonly #tf: TfModule;
  readonly #backend: WebGPUBackend;

  constructor(tf: TfModule, backend: WebGPUBackend, readonly adapterName: string) {
    this.#tf = tf;
    this.#backend = backend;
    this.name = `TensorFlow.js ${tf.version_core} webgpu`;
    this.maxBindingBytes = backend.device.limits.maxStorageBufferBindingSize;
  }

  async conv2d(s: Conv2dShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>): Promise<PeerOp> {
    const tf = this.#tf;
    const [oh, ow] = conv2dOutputSize(s);
    const inputs = await this.#upload('conv2d', () => [
      tf.tensor4d(nchwToNhwc(x, s.n, s.c, s.h, s.w), [s.n, s.h, s.w, s.c]),
      tf.tensor4d(oihwToHwio(weight, s.k, s.c, s.size, s.size), [s.size, s.size, s.c, s.k]),
      tf.tensor1d(Float32Array.from(bias)),
    ] as const);
    const [tx, tw, tb] = inputs;
    return this.#op('tfjs fused.conv2d NHWC', inputs, () => tf.fused.conv2d({ x: tx, filter: tw, bias: tb, strides: 1, pad: s.pad }), (y) =>
      nhwcToNchw(y, s.n, s.k, oh, ow),
    );
  }

  async conv2dBackpropInput(s: Conv2dShape, dy: ArrayLike<number>, weight: ArrayLike<number>): Promise<PeerOp> {
    const tf = this.#tf;
    const [oh, ow] = conv2dOutputSize(s);
    const inputs = await this.#upload('conv2dBackpropInput', () => [
      tf.tensor4d(nchwToNhwc(dy, s.n, s.k, oh, ow), [s.n, oh, ow, s.k]),
      tf.tensor4d(oihwToHwio(weight, s.k, s.c, s.size, s.size), [s.size, s.size, s.c, s.k]),
    ] as const);
    const [tdy, tw] = inputs;
    return this.#op('tfjs conv2dTranspose NHWC', inputs, () => tf.conv2dTranspose(tdy, tw, [s.n, s.h, s.w, s.c], 1, s.pad), (dx) =>
      nhwcToNchw(dx, s.n, s.c, s.h, s.w),
    );
  }

  async conv2dBackpropFilter(s: Conv2dShape, x: ArrayLike<number>, dy: ArrayLike<number>): Promise<PeerOp> {
    const tf = this.#tf;
    const [oh, ow] = conv2dOutputSize(s);
    const inputs = await this.#upload('conv2dBackpropFilter', () => [
      tf.tensor4d(nchwToNhwc(x, s.n, s.c, s.h, s.w), [s.n, s.h, s.w, s.c]),
      tf.tensor4d(nchwToNhwc(dy, s.n, s.k, oh, ow), [s.n, oh, ow, s.k]),
    ] as const);
    const [tx, tdy] = inputs;
    const attrs: Tf.Conv2DBackpropFilterAttrs = {
      strides: 1,
      pad: s.pad,
      dataFormat: 'NHWC',
      filterShape: [s.size, s.size, s.c, s.k],
    };
    return this.#op(
      'tfjs Conv2DBackpropFilter NHWC',
      inputs,
      () => tf.engine().runKernel<Tf.Tensor4D>(tf.Conv2DBackpropFilter, { x: tx, dy: tdy }, { ...attrs }),
      (dw) => hwioToOihw(dw, s.k, s.c, s.size, s.size),
    );
  }

  async matMul(s: LinearShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, outputChunks = 1): Promise<PeerOp> {
    const tf = this.#tf;
    const blocks = rowBlocks(s.outFeatures, outputChunks, 'matMul');
    const w = Float32Array.from(weight);
    const b = Float32Array.from(bias);
    const inputs = await this.#upload('matMul', () => [
      tf.tensor2d(Float32Array.from(x), [s.n, s.inFeatures]),
      ...blocks.flatMap(([from, to]) => [
        tf.tensor2d(w.subarray(from * s.inFeatures, to * s.inFeatures), [to - from, s.inFeatures]),
        tf.tensor1d(b.subarray(from, to)),
      ]),
    ]);
    const [tx, ...parts] = inputs;
    const compute = (): Tf.Tensor => {
      const outputs: Tf.Tensor[] = [];
      for (let i = 0; i < parts.length; i += 2) outputs.push(tf.fused.matMul({ a: tx, b: parts[i], bias: parts[i + 1], transposeB: true }));
      return outputs.length === 1 ? outputs[0] : tf.concat(outputs, 1);
    };
    const name = 'tfjs fused.matMul transposeB' + (blocks.length > 1 ? ` in ${blocks.length} row blocks (TF.js workaround)` : '');
    return this.#op(name, inputs, compute, (y) => Float32Array.from(y));
  }

  async vgg16Saliency(inputSize: number, classifierSizes: readonly number[] = VGG16_CLASSIFIER, options: TfjsSaliencyOptions = {}): Promise<PeerOp> {
    const tf = this.#tf;
    const spec = vgg16Spec(inputSize, classifierSizes);
    const classes = spec.labels.length;
    const classIndex = options.classIndex ?? 0;
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= classes) {
      throw new RangeError(`vgg16Saliency: class ${classIndex} is not an integer in [0, ${classes})`);
    }
    const random = new Random(options.seed ?? 20140101);
    const weights = options.weights ?? initVggWeights(spec, random);
    const image = options.input ?? random.uniformArray(3 * inputSize * inputSize);
    const layers = vggLayers(spec);
    const tensorOf = (name: string): ArrayLike<number> => {
      const values = weights.get(name);
      if (!values) throw new RangeError(`vgg16Saliency: no tensor ${name} among the weights`);
      return values;
    };

    // The network as a list of steps, each with the TF.js tensors it reads, built (and uploaded) once.
    const tensors: Tf.Tensor[] = [];
    const steps: ((x: Tf.Tensor) => Tf.Tensor)[] = [];
    await this.#upload('vgg16Saliency', () => {
      let map = { c: 3, h: inputSize, w: inputSize };
      let firstLinear = true;
      layers.forEach((layer, i) => {
        const activation = layers[i + 1]?.kind === 'relu' ? 'relu' : 'linear';
        if (layer.kind === 'conv') {
          const { inChannels: c, outChannels: k } = layer;
          const filter = tf.tensor4d(oihwToHwio(tensorOf(`${layer.name}.weight`), k, c, 3, 3), [3, 3, c, k]);
          const bias = tf.tensor1d(Float32Array.from(tensorOf(`${layer.name}.bias`)));
          tensors.push(filter, bias);
          steps.push((x) => tf.fused.conv2d({ x: x as Tf.Tensor4D, filter, bias, strides: 1, pad: 1, activation }));
          map = { c: k, h: layer.height, w: layer.width };
        } else if (layer.kind === 'maxpool') {
          steps.push((x) => tf.maxPool(x as Tf.Tensor4D, 2, 2, 'valid'));
          map = { c: layer.channels, h: Math.floor(layer.height / 2), w: Math.floor(layer.width / 2) };
        } else if (layer.kind === 'linear') {
          // The first linear layer reads the map flattened in NHWC order: its weight's columns are permuted
          // once to match PyTorch's NCHW flatten. Only it is split (fc6Chunks), the one too large for TF.js.
          const order = firstLinear ? nhwcFlattenOrder(map.c, map.h, map.w) : undefined;
          const blocks = rowBlocks(layer.outFeatures, firstLinear ? (options.fc6Chunks ?? 1) : 1, 'vgg16Saliency fc6Chunks');
          const w = tensorOf(`${layer.name}.weight`);
          const b = Float32Array.from(tensorOf(`${layer.name}.bias`));
          const parts = blocks.flatMap(([from, to]) => [
            tf.tensor2d(linearRowsToInOut(w, layer.inFeatures, from, to, order), [layer.inFeatures, to - from]),
            tf.tensor1d(b.subarray(from, to)),
          ]);
          tensors.push(...parts);
          if (firstLinear) steps.push((x) => tf.reshape(x, [1, layer.inFeatures]));
          steps.push((x) => dense(tf, x, parts, activation));
          firstLinear = false;
        } else if (layer.kind === 'avgpool') {
          throw new RangeError('vgg16Saliency: the spec has an adaptive average pool, which this peer does not build');
        }
        // A ReLU is fused into the conv or linear layer before it.
      });
      tensors.push(tf.tensor4d(nchwToNhwc(image, 1, 3, inputSize, inputSize), [1, inputSize, inputSize, 3]));
      return tensors;
    });
    const input = tensors[tensors.length - 1] as Tf.Tensor4D;
    const score = (x: Tf.Tensor): Tf.Scalar => tf.sum(tf.slice(steps.reduce((y, step) => step(y), x), [0, classIndex], [1, 1]));
    const gradient = tf.grad(score);
    const chunks = options.fc6Chunks ?? 1;
    const name = `tfjs grad of VGG16 ${inputSize}×${inputSize}` + (chunks > 1 ? `, fc6 in ${chunks} row blocks (TF.js workaround)` : '');
    return this.#op(name, tensors, () => tf.max(tf.abs(gradient(input)), 3), (map) => Float32Array.from(map));
  }

  async graphSaliency(graph: Graph, n: number, x: ArrayLike<number>, classes: readonly number[]): Promise<PeerOp> {
    const tf = this.#tf;
    if (classes.length !== n) throw new RangeError(`graphSaliency: ${classes.length} classes for a batch of ${n}`);
    const { network, tensors, input } = await this.#graph(graph, n, x);
    const count = graph.info.labels.length;
    const oneHot = tf.tensor2d(Float32Array.from({ length: n * count }, (_, i) => (i % count === classes[Math.floor(i / count)] ? 1 : 0)), [n, count]);
    this.#backend.uploadToGPU(oneHot.dataId);
    const gradient = tf.grad((image: Tf.Tensor) => tf.sum(tf.mul(network(image), oneHot)));
    return this.#op(`tfjs grad of the graph, batch ${n}`, [...tensors, oneHot], () => tf.max(tf.abs(gradient(input)), 3), (map) => Float32Array.from(map));
  }

  async graphForward(graph: Graph, n: number, x: ArrayLike<number>): Promise<PeerOp> {
    const { network, tensors, input } = await this.#graph(graph, n, x);
    return this.#op(`tfjs forward of the graph, batch ${n}`, tensors, () => network(input), (y) => Float32Array.from(y));
  }

  /** The graph as a TF.js function of an NHWC batch, its weights uploaded, and the input x uploaded as NHWC. */
  async #graph(graph: Graph, n: number, x: ArrayLike<number>): Promise<{ network: (image: Tf.Tensor) => Tf.Tensor; tensors: Tf.Tensor[]; input: Tf.Tensor4D }> {
    const tf = this.#tf;
    const { shapes } = graphShapes(graph);
    const { channels, height, width } = graph.info.input;
    const tensors: Tf.Tensor[] = [];
    const steps: Array<(values: Map<string, Tf.Tensor>) => void> = [];
    const weightOf = (name: string): Float32Array => {
      const values = graph.weights.get(name);
      if (!values) throw new RangeError(`graph peer: no weight ${name}`);
      return values;
    };
    await this.#upload('graph', () => {
      for (const node of graph.nodes) {
        const op = node.op;
        const [a, b] = node.inputs;
        const out = node.output;
        const inShape = shapes.get(a)!;
        const outShape = shapes.get(out)!;
        // Ours are [top, left, bottom, right]; TF.js's explicit padding is per NHWC axis.
        const explicit = (pads: readonly number[]): ExplicitPadding => [[0, 0], [pads[0], pads[2]], [pads[1], pads[3]], [0, 0]];
        if (op.kind === 'conv') {
          const [c] = inShape;
          const [k] = outShape;
          const filter = tf.tensor4d(oihwToHwio(weightOf(op.weight), k, c, op.size, op.size), [op.size, op.size, c, k]);
          const bias = op.bias ? tf.tensor1d(Float32Array.from(weightOf(op.bias))) : undefined;
          tensors.push(filter, ...(bias ? [bias] : []));
          steps.push((v) => v.set(out, tf.fused.conv2d({ x: v.get(a) as Tf.Tensor4D, filter, bias, strides: op.stride, pad: explicit(op.pads) })));
        } else if (op.kind === 'relu') {
          steps.push((v) => v.set(out, tf.relu(v.get(a)!)));
        } else if (op.kind === 'maxpool') {
          steps.push((v) => v.set(out, tf.maxPool(v.get(a) as Tf.Tensor4D, op.size, op.stride, explicit(op.pads))));
        } else if (op.kind === 'add') {
          steps.push((v) => v.set(out, tf.add(v.get(a)!, v.get(b)!)));
        } else if (op.kind === 'globalavgpool') {
          steps.push((v) => v.set(out, tf.mean(v.get(a)!, [1, 2], true)));
        } else if (op.kind === 'flatten') {
          // NHWC flattens in another order than NCHW unless the plane is 1×1 (after a global pool).
          if (inShape.length === 3 && (inShape[1] !== 1 || inShape[2] !== 1)) {
            throw new RangeError(`graph peer: flatten "${node.name}" of a ${inShape.join('×')} map (only 1×1 planes)`);
          }
          steps.push((v) => v.set(out, tf.reshape(v.get(a)!, [n, -1])));
        } else if (op.kind === 'linear') {
          const [outFeatures] = outShape;
          const inFeatures = inShape.reduce((p, d) => p * d, 1);
          const w = tf.tensor2d(Float32Array.from(weightOf(op.weight)), [outFeatures, inFeatures]);
          const bias = op.bias ? tf.tensor1d(Float32Array.from(weightOf(op.bias))) : undefined;
          tensors.push(w, ...(bias ? [bias] : []));
          steps.push((v) => v.set(out, tf.fused.matMul({ a: v.get(a)!, b: w, bias, transposeB: true })));
        } else {
          throw new RangeError(`graph peer: node "${node.name}" is a ${op.kind}, which this peer does not build`);
        }
      }
      tensors.push(tf.tensor4d(nchwToNhwc(x, n, channels, height, width), [n, height, width, channels]));
      return tensors;
    });
    const input = tensors[tensors.length - 1] as Tf.Tensor4D;
    const network = (image: Tf.Tensor): Tf.Tensor => {
      const values = new Map<string, Tf.Tensor>([[graph.input, image]]);
      for (const step of steps) step(values);
      return values.get(graph.output)!;
    };
    return { network, tensors, input };
  }

  /** Builds tensors in error scopes, then uploads them to the GPU (see the file's notes). */
  async #upload<T extends readonly Tf.Tensor[]>(label: string, build: () => T): Promise<T> {
    return this.#guarded(label, async () => {
      const tensors = build();
      for (const tensor of tensors) this.#backend.uploadToGPU(tensor.dataId);
      await this.#finish();
      return tensors;
    });
  }

  #op(name: string, inputs: readonly Tf.Tensor[], compute: () => Tf.Tensor, toOurs: (values: Float32Array) => Float32Array): PeerOp {
    const tf = this.#tf;
    return {
      name,
      run: () =>
        this.#guarded(name, async () => {
          const y = tf.tidy(compute);
          await this.#finish();
          y.dispose();
        }),
      check: () =>
        this.#guarded(name, async () => {
          const y = tf.tidy(compute);
          try {
            return toOurs(await y.data<'float32'>());
          } finally {
            y.dispose();
          }
        }),
      dispose: () => {
        for (const tensor of inputs) tensor.dispose();
      },
    };
  }

  /** Submits what TF.js has recorded and waits for the queue: no readback. */
  async #finish(): Promise<void> {
    const backend = this.#backend;
    backend.ensureCommandEncoderReady();
    backend.endComputePassEncoder();
    backend.submitQueue();
    await backend.queue.onSubmittedWorkDone();
  }

  /** Runs `work` inside validation and out-of-memory error scopes; a GPU error becomes the thrown Error. */
  async #guarded<T>(label: string, work: () => Promise<T>): Promise<T> {
    const device = this.#backend.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let result: T | undefined;
    let failure: unknown;
    try {
      result = await work();
    } catch (error) {
      failure = error;
    }
    const validation = await device.popErrorScope();
    const memory = await device.popErrorScope();
    const gpuError = validation ?? memory;
    if (gpuError) throw new Error(`${label}: TF.js's WebGPU device reported: ${gpuError.message}`);
    if (failure !== undefined) throw failure;
    return result as T;
  }
}

/** x (n, in) times each (in, rows) block plus its bias, concatenated along the features. */
function dense(tf: TfModule, x: Tf.Tensor, parts: readonly Tf.Tensor[], activation: 'relu' | 'linear'): Tf.Tensor {
  const outputs: Tf.Tensor[] = [];
  for (let i = 0; i < parts.length; i += 2) outputs.push(tf.fused.matMul({ a: x, b: parts[i], bias: parts[i + 1], activation }));
  return outputs.length === 1 ? outputs[0] : tf.concat(outputs, 1);
}

/** `count` [from, to) ranges that split `rows` rows as evenly as they go (none longer than ⌈rows / count⌉). */
function rowBlocks(rows: number, count: number, what: string): [number, number][] {
  if (!Number.isInteger(count) || count < 1 || count > rows) {
    throw new RangeError(`${what}: ${count} blocks must be an integer in [1, ${rows}]`);
  }
  return Array.from({ length: count }, (_, i) => [Math.floor((i * rows) / count), Math.floor(((i + 1) * rows) / count)]);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
