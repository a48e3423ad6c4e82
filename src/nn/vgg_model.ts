import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ModelInfo } from '../graph/mod.ts';
import { type VggLayer, vggLayers, type VggModelData, type VggSpec } from '../model/mod.ts';
import type { ReluRule } from '../shapes/mod.ts';
import { adaptiveAvgPool2dBackward } from './adaptive_avg_pool2d_backward.ts';
import { adaptiveAvgPool2dForward } from './adaptive_avg_pool2d_forward.ts';
import { conv2dBackwardInput } from './conv2d_backward_input.ts';
import { conv2dBackwardWeight } from './conv2d_backward_weight.ts';
import { conv2dForward } from './conv2d_forward.ts';
import { linearBackwardInput } from './linear_backward_input.ts';
import { linearBackwardWeight } from './linear_backward_weight.ts';
import { linearForward } from './linear_forward.ts';
import { maxPool2dBackward } from './max_pool2d_backward.ts';
import { maxPool2dForward } from './max_pool2d_forward.ts';
import { reluBackward } from './relu_backward.ts';
import { reluForward } from './relu_forward.ts';

/** A trainable tensor on the GPU, its gradient (after a backward pass with weights), and its name. */
export interface VggParameter {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: GpuTensor;
  readonly gradient: GpuTensor;
}

/** What `classScoreGradient` returns: logits (n, classes) and ∂S_c/∂input (n, C, H, W), on the CPU. */
export interface ClassScoreGradient {
  readonly logits: Float32Array;
  readonly gradient: Float32Array;
}

const CONV_SIZE = 3;
const CONV_PAD = 1;

/**
 * A VGG on the GPU: its weights uploaded once, the activations of the last forward pass kept for the
 * backward pass, which runs from any gradient on the unnormalised class scores to the network input
 * under a ReLU rule, and, when asked, to the weights.
 * @example
 * const model = await VggModel.create(gpu, loadVgg(bytes));
 * const { logits, gradient } = await model.classScoreGradient(input, 1, [207], 'gradient');
 */
export class VggModel {
  readonly gpu: Gpu;
  readonly spec: VggSpec;
  readonly layers: readonly VggLayer[];
  readonly parameters: readonly VggParameter[];
  readonly #weights: ReadonlyMap<string, VggParameter>;
  // activations[i] is the input of layers[i]; activations[layers.length] is the logits.
  #activations: GpuTensor[] = [];
  #gradients: GpuTensor[] = [];
  #switches: (GpuTensor | undefined)[] = [];
  #batch = 0;
  #forwardDone = false;
  // layers[i]'s torchvision module path (features.{m}, classifier.{m}) and output shape when spatial.
  readonly #outputs: readonly { name: string; shape?: readonly [c: number, h: number, w: number] }[];

  private constructor(gpu: Gpu, spec: VggSpec, parameters: VggParameter[]) {
    this.gpu = gpu;
    this.spec = spec;
    this.layers = vggLayers(spec);
    this.parameters = parameters;
    this.#weights = new Map(parameters.map((p) => [p.name, p]));
    this.#outputs = layerOutputs(this.layers);
  }

  /** Uploads a model's weights (see `loadVgg`). */
  static create(gpu: Gpu, model: VggModelData): VggModel {
    const parameters: VggParameter[] = [];
    for (const layer of vggLayers(model.spec)) {
      if (layer.kind !== 'conv' && layer.kind !== 'linear') continue;
      const shapes =
        layer.kind === 'conv'
          ? [[layer.outChannels, layer.inChannels, CONV_SIZE, CONV_SIZE], [layer.outChannels]]
          : [[layer.outFeatures, layer.inFeatures], [layer.outFeatures]];
      ['weight', 'bias'].forEach((kind, i) => {
        const name = `${layer.name}.${kind}`;
        const data = model.weights.get(name);
        if (!data) throw new Error(`VggModel: no tensor "${name}" in the model's weights`);
        const shape = shapes[i];
        parameters.push({ name, shape, value: gpu.tensorFrom(data, name), gradient: gpu.tensor(data.length, `∂${name}`) });
      });
    }
    return new VggModel(gpu, model.spec, parameters);
  }

  /** Number of values in one input image, C·H·W. */
  get inputSize(): number {
    const { channels, height, width } = this.spec.input;
    return channels * height * width;
  }

  /** The input, normalisation and labels (the spec, seen as any model's). */
  get info(): ModelInfo {
    return this.spec;
  }

  get classes(): number {
    return this.spec.labels.length;
  }

  /** The batch size of the last forward pass. */
  get batch(): number {
    return this.#batch;
  }

  /** The network input of the last forward pass, (n, C, H, W); `ascentStep` may update it in place. */
  get input(): GpuTensor {
    this.#assertForward('input');
    return this.#activations[0];
  }

  /** The logits of the last forward pass, (n, classes). */
  get logits(): GpuTensor {
    this.#assertForward('logits');
    return this.#activations[this.layers.length];
  }

  /** ∂/∂input of the last backward pass, (n, C, H, W). */
  get inputGradient(): GpuTensor {
    this.#assertForward('inputGradient');
    return this.#gradients[0];
  }

  /** The input of `layers[i]` in the last forward pass (i = layers.length gives the logits), for inspection. */
  layerInput(i: number): GpuTensor {
    this.#assertForward('layerInput');
    return this.#at(this.#activations, i);
  }

  /** ∂/∂(input of `layers[i]`) of the last backward pass (i = layers.length gives dLogits), for inspection. */
  layerInputGradient(i: number): GpuTensor {
    this.#assertForward('layerInputGradient');
    return this.#at(this.#gradients, i);
  }

  #at(tensors: readonly GpuTensor[], i: number): GpuTensor {
    if (!Number.isInteger(i) || i < 0 || i > this.layers.length) {
      throw new RangeError(`VggModel: layer ${i} is outside [0, ${this.layers.length}]`);
    }
    return tensors[i];
  }

  /** The layer outputs with a spatial layout, named by torchvision's module path (`features.29` is VGG16's last ReLU). */
  spatialOutputs(): { name: string; channels: number; height: number; width: number }[] {
    return this.#outputs.flatMap(({ name, shape }) => (shape ? [{ name, channels: shape[0], height: shape[1], width: shape[2] }] : []));
  }

  /** The output of the layer named by its torchvision module path, from the last forward pass. */
  activation(name: string): GpuTensor {
    this.#assertForward('activation');
    return this.#activations[this.#outputIndex(name) + 1];
  }

  /** ∂/∂(output of the named layer) of the last backward pass. */
  activationGradient(name: string): GpuTensor {
    this.#assertForward('activationGradient');
    return this.#gradients[this.#outputIndex(name) + 1];
  }

  #outputIndex(name: string): number {
    const i = this.#outputs.findIndex((o) => o.name === name);
    if (i < 0) throw new RangeError(`VggModel: no layer "${name}"; the layers are ${this.#outputs.map((o) => o.name).join(', ')}`);
    return i;
  }

  /** The parameter named as torchvision names it. */
  parameter(name: string): VggParameter {
    const parameter = this.#weights.get(name);
    if (!parameter) throw new RangeError(`VggModel: no parameter "${name}"`);
    return parameter;
  }

  /**
   * Runs the network on `input` (n, C, H, W), already normalised: written into the model's input tensor
   * when it is an array; when omitted, the input tensor as it stands (after an ascent step) is used.
   */
  async forward(input?: Float32Array, n = this.#batch): Promise<void> {
    if (input !== undefined) {
      if (!Number.isInteger(n) || n < 1 || input.length !== n * this.inputSize) {
        const { channels, height, width } = this.spec.input;
        throw new RangeError(
          `VggModel.forward: input has ${input.length} values but a batch of ${n} needs ${n} × ${channels}×${height}×${width} = ${n * this.inputSize}`,
        );
      }
      this.#allocate(n);
      this.gpu.write(this.#activations[0], input);
    } else if (this.#batch === 0) {
      throw new Error('VggModel.forward: no input given and none written before');
    }
    const gpu = this.gpu;
    const act = this.#activations;
    for (const [i, layer] of this.layers.entries()) {
      const x = act[i];
      const y = act[i + 1];
      switch (layer.kind) {
        case 'conv':
          await conv2dForward(gpu, this.#convShape(layer), x, this.#value(layer.name, 'weight'), this.#value(layer.name, 'bias'), y);
          break;
        case 'relu':
          await reluForward(gpu, x, y);
          break;
        case 'maxpool':
          await maxPool2dForward(gpu, { n: this.#batch, c: layer.channels, h: layer.height, w: layer.width }, x, y, this.#switches[i]!);
          break;
        case 'avgpool':
          await adaptiveAvgPool2dForward(gpu, this.#avgShape(layer), x, y);
          break;
        case 'linear':
          await linearForward(gpu, this.#linearShape(layer), x, this.#value(layer.name, 'weight'), this.#value(layer.name, 'bias'), y);
          break;
      }
    }
    this.#forwardDone = true;
  }

  /**
   * Backward from `dLogits` (n, classes), ∂L/∂S for the unnormalised scores of the last forward pass (an
   * array, or a GPU tensor such as softmax cross-entropy's output, which stays on the GPU), to the input
   * (`inputGradient`) under `rule` at every ReLU; with `weights`, also to every parameter's `gradient`
   * (summed over the batch). `input: false` skips the gradient to the input itself, which training
   * does not need. `downTo: i` stops at `layers[i]`: it and the layers above get their gradients, the
   * layers below nothing, and neither does the input (fine-tuning with the lower layers frozen).
   */
  async backward(
    dLogits: Float32Array | GpuTensor,
    rule: ReluRule,
    options: { readonly weights?: boolean; readonly input?: boolean; readonly downTo?: number } = {},
  ): Promise<void> {
    this.#assertForward('backward');
    const downTo = options.downTo ?? 0;
    if (!Number.isInteger(downTo) || downTo < 0 || downTo >= this.layers.length) {
      throw new RangeError(`VggModel.backward: downTo ${downTo} is outside [0, ${this.layers.length - 1}] (the model's layers)`);
    }
    // Whether layer i passes its gradient down: to the layer below, or at i = 0 to the input if asked.
    const below = (i: number) => i > downTo || (i === 0 && options.input !== false);
    if (dLogits.length !== this.#batch * this.classes) {
      throw new RangeError(`VggModel.backward: dLogits has ${dLogits.length} values but (${this.#batch}, ${this.classes}) needs ${this.#batch * this.classes}`);
    }
    const gpu = this.gpu;
    const act = this.#activations;
    const grad = this.#gradients;
    const top = grad[this.layers.length];
    if (dLogits instanceof Float32Array) gpu.write(top, dLogits);
    else gpu.copy(dLogits, 0, top, 0, dLogits.length);
    for (let i = this.layers.length - 1; i >= downTo; i--) {
      const layer = this.layers[i];
      const dy = grad[i + 1];
      const dx = grad[i];
      switch (layer.kind) {
        case 'conv': {
          const s = this.#convShape(layer);
          if (options.weights) {
            await conv2dBackwardWeight(gpu, s, act[i], dy, this.#gradient(layer.name, 'weight'), this.#gradient(layer.name, 'bias'));
          }
          if (below(i)) await conv2dBackwardInput(gpu, s, dy, this.#value(layer.name, 'weight'), dx);
          break;
        }
        case 'relu':
          await reluBackward(gpu, act[i], dy, dx, rule);
          break;
        case 'maxpool':
          await maxPool2dBackward(gpu, { n: this.#batch, c: layer.channels, h: layer.height, w: layer.width }, dy, this.#switches[i]!, dx);
          break;
        case 'avgpool':
          await adaptiveAvgPool2dBackward(gpu, this.#avgShape(layer), dy, dx);
          break;
        case 'linear': {
          const s = this.#linearShape(layer);
          if (options.weights) {
            await linearBackwardWeight(gpu, s, act[i], dy, this.#gradient(layer.name, 'weight'), this.#gradient(layer.name, 'bias'));
          }
          if (below(i)) await linearBackwardInput(gpu, s, dy, this.#value(layer.name, 'weight'), dx);
          break;
        }
      }
    }
  }

  /**
   * The paper's quantity: for each image n of `input` (n, C, H, W, normalised), the gradient of the
   * unnormalised score S_c of class `classes[n]` to the input, under `rule`.
   */
  async classScoreGradient(input: Float32Array, n: number, classes: readonly number[], rule: ReluRule): Promise<ClassScoreGradient> {
    const dLogits = this.oneHot(n, classes);
    await this.forward(input, n);
    await this.backward(dLogits, rule);
    return { logits: await this.gpu.read(this.logits), gradient: await this.gpu.read(this.inputGradient) };
  }

  /** dLogits selecting S_c: 1 at (n, classes[n]), 0 elsewhere; throws a RangeError for a class out of range. */
  oneHot(n: number, classes: readonly number[]): Float32Array {
    if (classes.length !== n) throw new RangeError(`VggModel: ${classes.length} classes given for a batch of ${n}`);
    const dLogits = new Float32Array(n * this.classes);
    classes.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c >= this.classes) {
        throw new RangeError(`VggModel: class ${c} is outside [0, ${this.classes - 1}] (${this.classes} labels)`);
      }
      dLogits[i * this.classes + c] = 1;
    });
    return dLogits;
  }

  /** Frees the activation and gradient buffers (weights stay). */
  release(): void {
    for (const tensor of [...this.#activations, ...this.#gradients, ...this.#switches]) tensor?.buffer.destroy();
    this.#activations = [];
    this.#gradients = [];
    this.#switches = [];
    this.#batch = 0;
    this.#forwardDone = false;
  }

  /** Frees every buffer, weights included; the model cannot be used after. */
  destroy(): void {
    this.release();
    for (const p of this.parameters) {
      p.value.buffer.destroy();
      p.gradient.buffer.destroy();
    }
  }

  #allocate(n: number): void {
    if (n === this.#batch) return;
    this.release();
    const sizes = [this.inputSize];
    for (const layer of this.layers) sizes.push(outputSize(layer));
    this.#activations = sizes.map((size, i) => this.gpu.tensor(n * size, `activation ${i}`));
    this.#gradients = sizes.map((size, i) => this.gpu.tensor(n * size, `gradient ${i}`));
    this.#switches = this.layers.map((layer, i) => (layer.kind === 'maxpool' ? this.gpu.tensor(n * sizes[i + 1], `switches ${i}`) : undefined));
    this.#batch = n;
  }

  #assertForward(what: string): void {
    if (!this.#forwardDone) throw new Error(`VggModel.${what}: run forward first`);
  }

  #value(layer: string, kind: 'weight' | 'bias'): GpuTensor {
    return this.parameter(`${layer}.${kind}`).value;
  }

  #gradient(layer: string, kind: 'weight' | 'bias'): GpuTensor {
    return this.parameter(`${layer}.${kind}`).gradient;
  }

  #convShape(layer: VggLayer & { kind: 'conv' }) {
    return { n: this.#batch, c: layer.inChannels, h: layer.height, w: layer.width, k: layer.outChannels, size: CONV_SIZE, pad: CONV_PAD };
  }

  #avgShape(layer: VggLayer & { kind: 'avgpool' }) {
    return { n: this.#batch, c: layer.channels, h: layer.height, w: layer.width, outH: layer.outHeight, outW: layer.outWidth };
  }

  #linearShape(layer: VggLayer & { kind: 'linear' }) {
    return { n: this.#batch, inFeatures: layer.inFeatures, outFeatures: layer.outFeatures };
  }
}

/** Each layer's torchvision module path and, for the feature layers, its output shape (C, H, W). */
function layerOutputs(layers: readonly VggLayer[]): { name: string; shape?: readonly [number, number, number] }[] {
  // torchvision's Sequential indices: features.{m} for conv, ReLU and max-pool, classifier.{m} for linear,
  // ReLU and the dropout after each hidden ReLU.
  let feature = 0;
  let classifier = 0;
  return layers.map((layer) => {
    switch (layer.kind) {
      case 'conv':
        return { name: `features.${feature++}`, shape: [layer.outChannels, layer.height, layer.width] };
      case 'maxpool':
        return { name: `features.${feature++}`, shape: [layer.channels, Math.floor(layer.height / 2), Math.floor(layer.width / 2)] };
      case 'avgpool':
        return { name: 'avgpool', shape: [layer.channels, layer.outHeight, layer.outWidth] };
      case 'linear':
        return { name: `classifier.${classifier++}` };
      case 'relu': {
        if (classifier > 0) {
          const name = `classifier.${classifier}`;
          classifier += 2;
          return { name };
        }
        const conv = layers[layers.indexOf(layer) - 1] as VggLayer & { kind: 'conv' };
        return { name: `features.${feature++}`, shape: [conv.outChannels, conv.height, conv.width] };
      }
    }
  });
}

/** Values per image that a layer outputs. */
function outputSize(layer: VggLayer): number {
  switch (layer.kind) {
    case 'conv':
      return layer.outChannels * layer.height * layer.width;
    case 'relu':
      return layer.size;
    case 'maxpool':
      return layer.channels * Math.floor(layer.height / 2) * Math.floor(layer.width / 2);
    case 'avgpool':
      return layer.channels * layer.outHeight * layer.outWidth;
    case 'linear':
      return layer.outFeatures;
  }
}
