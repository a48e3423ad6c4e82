import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import {
  accumulate,
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  addTensors,
  avgPool2dBackward,
  avgPool2dForward,
  BACKWARD_INPUT_EPILOGUE_VARIANTS,
  batchNormBackward,
  batchNormForward,
  conv2dBackwardInput,
  conv2dBackwardInputVariant,
  conv2dBackwardSaliency,
  conv2dBackwardSaliencyVariant,
  conv2dBackwardWeight,
  conv2dForward,
  conv2dForwardVariant,
  EPILOGUE_VARIANTS,
  globalAvgPool2dBackward,
  globalAvgPool2dForward,
  linearBackwardInput,
  linearBackwardWeight,
  linearForward,
  maxPool2dBackward,
  maxPool2dBackwardVariant,
  maxPool2dForward,
  reluBackward,
  reluForward,
  saliencyMap,
  ConvWeightCache,
} from '../nn/mod.ts';
import type { Conv2dShape, ReluRule } from '../shapes/mod.ts';
import type { Classifier, SpatialOutput } from './classifier.ts';
import type { Graph, GraphNode, GraphOp } from './graph.ts';
import { type GraphShapes, graphShapes, tensorSize } from './graph_shapes.ts';
import type { ModelInfo } from './model_info.ts';

/** A trainable tensor on the GPU (a conv's or linear node's weight or bias), its gradient after a backward pass with weights, and its name. */
export interface GraphParameter {
  readonly name: string;
  readonly shape: readonly number[];
  /**
   * The weights. Write them only after asking for `gradient` (as an optimiser does): until then the model
   * keeps what the conv kernels make from a weight (its layout, its Winograd transforms), made from the
   * values as uploaded.
   */
  readonly value: GpuTensor;
  /** Allocated when first asked for: a model that only explains needs no weight gradients. */
  readonly gradient: GpuTensor;
}

/** What `classScoreGradient` returns: logits (n, classes) and ∂S_c/∂input (n, C, H, W), on the CPU. */
export interface ClassScoreGradient {
  readonly logits: Float32Array;
  readonly gradient: Float32Array;
}

/** How a model is held on the GPU. */
export interface GraphModelOptions {
  /**
   * Forward passes only (predict, evaluate): an activation's buffer is reused as soon as no later node
   * reads it, and no gradient buffers exist; `backward` refuses, and so does `activation` for any tensor
   * but the input and the logits.
   */
  readonly forwardOnly?: boolean;
  /**
   * Called just before each node's work is recorded, in either pass: where a profiler can put a GPU
   * timestamp (the bench's time per node type). It must record nothing but that.
   */
  readonly onNode?: (node: GraphNode, pass: 'forward' | 'backward') => void;
  /**
   * Run the 3×3 stride-1 layers by Winograd where WINOGRAD_TABLE measured it faster (default false), each
   * weight's transform made once and kept: (M + 2)²/9 times the weight per direction, 385.2 MB for VGG16.
   * Weights with a gradient (training) keep the direct kernels, and make their layouts afresh at every
   * use. Winograd's float32 results differ from the direct kernels' by up to about 3e-5 of a layer's
   * largest value, enough to take the other side of a near-tie in a max-pool or a ReLU near zero
   * elsewhere than they do; see docs/winograd.md.
   */
  readonly winograd?: boolean;
  /**
   * Fuse each ReLU into the kernel beside it (default true): a conv whose output feeds only a ReLU writes
   * max(conv + bias, 0) straight into the ReLU's output, and in the backward pass a conv's gradient to its
   * input, or a tiling max-pool's, applies the rule of the ReLU below (whose output feeds only that node and
   * whose input feeds only that ReLU), skipping the ReLU's own passes. Only where the chosen kernel takes an
   * epilogue (every tuned conv kernel and Winograd, not the portable v1 and v2; max_pool2d_backward v2);
   * the results equal the unfused ones bit for bit. A fused conv's pre-activation and a fused ReLU's output gradient are not written: name the
   * nodes to `keep` to read them. See docs/fusion.md.
   */
  readonly fuse?: boolean;
}

/**
 * Any feed-forward network given as a `Graph` (a VGG spec through `vggGraph`, an ONNX file through the
 * importer), on the GPU: weights uploaded once; `forward` walks the nodes down, keeping each node's output
 * for the backward pass; `backward` walks them up from any gradient on the logits, every ReLU node
 * following the rule asked for, to the input and, when asked, to the conv and linear weights, keeping the
 * input's gradient and those of the nodes named to `keep` (the others share a few buffers, each reused once
 * its node has read it). It knows nothing of where the graph came from.
 * @example
 * const model = GraphModel.create(gpu, vggGraph(loadVgg(bytes)));
 * const { logits, gradient } = await model.classScoreGradient(input, 1, [207], 'gradient');
 */
export class GraphModel implements Classifier {
  readonly gpu: Gpu;
  readonly graph: Graph;
  readonly forwardOnly: boolean;
  /** The conv and linear weights and biases, in node order (weight, then bias). */
  readonly parameters: readonly GraphParameter[];
  readonly #resolved: GraphShapes;
  readonly #values: ReadonlyMap<string, GpuTensor>;
  readonly #parameters: ReadonlyMap<string, LazyParameter>;
  readonly #nodes: ReadonlyMap<string, number>;
  // Whether a node's output reaches the logits; a node that does not gets no backward pass.
  readonly #live: readonly boolean[];
  readonly #onNode: GraphModelOptions['onNode'];
  readonly #fuse: boolean;
  // Nodes whose output and output gradient every pass writes, fused or not (`keep`).
  readonly #keepNodes = new Set<string>();
  // The forward fusion a forward-only model's buffers were planned for (see #allocateForwardOnly).
  #forwardOnlyFusion: ReadonlySet<number> = new Set();
  // Tensors the last forward pass did not write (fused conv outputs), and the gradients the last backward did not.
  #unwritten = new Set<string>();
  #unwrittenGradients = new Set<string>();
  #activations = new Map<string, GpuTensor>();
  // The gradients that outlive a backward pass: the input's, and those of the nodes `keep` names.
  #keptGradients = new Map<string, GpuTensor>();
  // Every other gradient lives in one of these from its first write to its producer's backward step,
  // then the buffer goes back for a later one (see #gradientPass).
  #gradientPool: GpuTensor[] = [];
  #switches = new Map<number, GpuTensor>();
  #owned: GpuTensor[] = [];
  // What the conv kernels make from each weight (layouts, Winograd transforms), made once while it has no gradient (see #kept).
  readonly #convWeights: ConvWeightCache;
  #batch = 0;
  #forwardDone = false;

  private constructor(gpu: Gpu, graph: Graph, resolved: GraphShapes, options: GraphModelOptions) {
    this.gpu = gpu;
    this.graph = graph;
    this.forwardOnly = options.forwardOnly === true;
    this.#onNode = options.onNode;
    this.#convWeights = new ConvWeightCache({ winograd: options.winograd === true });
    this.#fuse = options.fuse !== false;
    this.#resolved = resolved;
    this.#nodes = new Map(graph.nodes.map((node, i) => [node.name, i]));
    const live = graph.nodes.map(() => false);
    const needed = new Set([graph.output]);
    for (let i = graph.nodes.length - 1; i >= 0; i--) {
      const node = graph.nodes[i];
      if (!needed.has(node.output)) continue;
      live[i] = true;
      for (const t of node.inputs) needed.add(t);
    }
    this.#live = live;
    const values = new Map<string, GpuTensor>();
    const parameters: LazyParameter[] = [];
    const upload = (name: string, shape: readonly number[], trainable: boolean): void => {
      const value = gpu.tensorFrom(graph.weights.get(name)!, name);
      values.set(name, value);
      // Training writes a weight only through its gradient: the first one asked for drops what was kept of it.
      if (trainable) parameters.push(new LazyParameter(gpu, name, shape, value, () => this.#convWeights.forget(value)));
    };
    graph.nodes.forEach((node) => {
      const op = node.op;
      const x = resolved.shapes.get(node.inputs[0])!;
      const y = resolved.shapes.get(node.output)!;
      if (op.kind === 'conv' || op.kind === 'linear') {
        const shape = op.kind === 'conv' ? [y[0], x[0], op.size, op.size] : [y[0], x[0]];
        upload(op.weight, shape, true);
        // A conv or linear node without bias adds zeros; the zeros are not a parameter.
        if (op.bias !== undefined) upload(op.bias, [y[0]], true);
        else values.set(zeroBiasName(node), gpu.tensor(y[0], zeroBiasName(node)));
      } else if (op.kind === 'batchnorm') {
        upload(op.scale, [x[0]], false);
        upload(op.shift, [x[0]], false);
      }
    });
    this.#values = values;
    this.parameters = parameters;
    this.#parameters = new Map(parameters.map((p) => [p.name, p]));
  }

  /**
   * Checks `graph` (see `graphShapes`) and uploads its weights.
   * @throws RangeError for an inconsistent graph, or one whose logits feed a node.
   */
  static create(gpu: Gpu, graph: Graph, options: GraphModelOptions = {}): GraphModel {
    const resolved = graphShapes(graph);
    const owner = new Map<string, string>();
    for (const node of graph.nodes) {
      const op = node.op;
      const weights = op.kind === 'conv' || op.kind === 'linear' ? [op.weight, op.bias] : op.kind === 'batchnorm' ? [op.scale, op.shift] : [];
      for (const name of weights) {
        if (name === undefined) continue;
        if (owner.has(name)) throw new RangeError(`GraphModel: weight "${name}" is used by nodes "${owner.get(name)}" and "${node.name}"; each node needs its own`);
        owner.set(name, node.name);
      }
      if (node.inputs.includes(graph.output)) throw new RangeError(`GraphModel: node "${node.name}" reads the logits "${graph.output}"; nothing may`);
    }
    return new GraphModel(gpu, graph, resolved, options);
  }

  get info(): ModelInfo {
    return this.graph.info;
  }

  get classes(): number {
    return this.graph.info.labels.length;
  }

  /** Values in one input image, C·H·W. */
  get inputSize(): number {
    const { channels, height, width } = this.graph.info.input;
    return channels * height * width;
  }

  /** The batch size of the last forward pass (0 before the first). */
  get batch(): number {
    return this.#batch;
  }

  /** Every tensor's per-image shape, the nodes' producers and consumers (see `graphShapes`). */
  get shapes(): GraphShapes {
    return this.#resolved;
  }

  /** The input of the last forward pass, (n, C, H, W); an ascent step may update it in place. */
  get input(): GpuTensor {
    this.#assertForward('input');
    return this.#activations.get(this.graph.input)!;
  }

  /** The logits of the last forward pass, (n, classes). */
  get logits(): GpuTensor {
    this.#assertForward('logits');
    return this.#activations.get(this.graph.output)!;
  }

  /** ∂/∂input of the last backward pass, (n, C, H, W). */
  get inputGradient(): GpuTensor {
    this.#assertForward('inputGradient');
    return this.#gradient(this.graph.input, 'inputGradient');
  }

  /** The outputs with a spatial layout, by node name, in node order. */
  spatialOutputs(): SpatialOutput[] {
    return this.graph.nodes.flatMap((node) => {
      const shape = this.#resolved.shapes.get(node.output)!;
      return shape.length === 3 ? [{ name: node.name, channels: shape[0], height: shape[1], width: shape[2] }] : [];
    });
  }

  /** The output of the node `name` in the last forward pass. */
  activation(name: string): GpuTensor {
    this.#assertForward('activation');
    const tensor = this.graph.nodes[this.#nodeIndex(name)].output;
    if (this.forwardOnly && tensor !== this.graph.output) {
      throw new Error(`GraphModel.activation: the model was created forward-only, so "${name}"'s output was not kept`);
    }
    if (this.#unwritten.has(tensor)) {
      throw new Error(`GraphModel.activation: "${name}"'s output was fused into the ReLU after it and not written; keep(['${name}']) before the forward pass, or create the model with fuse: false`);
    }
    return this.#activations.get(tensor)!;
  }

  /**
   * ∂/∂(output of the node `name`) in the last backward pass, for a node named to `keep` before it: a
   * pass reuses every other gradient's buffer once its node has read it.
   */
  activationGradient(name: string): GpuTensor {
    this.#assertForward('activationGradient');
    const tensor = this.graph.nodes[this.#nodeIndex(name)].output;
    if (this.#unwrittenGradients.has(tensor)) {
      throw new Error(`GraphModel.activationGradient: the ReLU "${name}"'s rule was fused into the node above it, so its output gradient was not written; keep(['${name}']) before the backward pass, or create the model with fuse: false`);
    }
    if (!this.forwardOnly && !this.#keepNodes.has(name)) {
      throw new Error(`GraphModel.activationGradient: "${name}"'s output gradient was not kept (a backward pass reuses a gradient's buffer once its node has read it); keep(['${name}']) before the backward pass`);
    }
    return this.#gradient(tensor, 'activationGradient');
  }

  /**
   * Has every later pass write the outputs of the nodes `names` and their gradients, which fusion (the
   * `fuse` option) would skip (a conv's output where a ReLU follows it, a ReLU's output gradient where
   * the conv or max-pool above applies its rule), and keep those gradients in buffers of their own, where
   * `activationGradient` reads them after the pass. Adds to the names kept before.
   * @throws RangeError for a name that is no node.
   */
  keep(names: readonly string[]): void {
    for (const name of names) this.#nodeIndex(name);
    for (const name of names) this.#keepNodes.add(name);
  }

  /**
   * Elements (4 bytes each) held by the conv weights' kept Winograd transforms (with the `winograd` option):
   * made at first use for the layers WINOGRAD_TABLE gives to Winograd, dropped for a weight once its
   * gradient is asked for.
   */
  get winogradWeightElements(): number {
    return this.#convWeights.winogradLength;
  }

  /**
   * Elements (4 bytes each) held by the conv weights' kept layouts, the weights as the direct kernels read
   * them: made at first use, per direction (the gradient to the input reads the weight turned 180°), each
   * about as large as the weight (its channels padded to 8 or 16); dropped for a weight once its gradient is asked for.
   */
  get weightLayoutElements(): number {
    return this.#convWeights.layoutLength;
  }

  /** The parameter of that name (a conv's or linear node's weight or bias, named as the graph names it). */
  parameter(name: string): GraphParameter {
    const parameter = this.#parameters.get(name);
    if (!parameter) throw new RangeError(`GraphModel: no parameter "${name}"`);
    return parameter;
  }

  /**
   * Runs the network on `input` (n, C, H, W), already normalised: written into the input tensor when it is
   * an array; when omitted, the input tensor as it stands (after an ascent step) is used.
   */
  async forward(input?: Float32Array, n = this.#batch): Promise<void> {
    if (input !== undefined) {
      if (!Number.isInteger(n) || n < 1 || input.length !== n * this.inputSize) {
        const { channels, height, width } = this.graph.info.input;
        throw new RangeError(
          `GraphModel.forward: input has ${input.length} values but a batch of ${n} needs ${n} × ${channels}×${height}×${width} = ${n * this.inputSize}`,
        );
      }
      this.#allocate(n);
      this.gpu.write(this.#activations.get(this.graph.input)!, input);
    } else if (this.#batch === 0) {
      throw new Error('GraphModel.forward: no input given and none written before');
    }
    const gpu = this.gpu;
    const act = this.#activations;
    const nodes = this.graph.nodes;
    // Convs i whose ReLU, node i + 1, runs in their epilogue: the ReLU's output is written, the conv's is not.
    const fused = this.forwardOnly ? this.#forwardOnlyFusion : this.#forwardFusion(false);
    this.#unwritten = new Set([...fused].map((i) => nodes[i].output));
    for (const [i, node] of nodes.entries()) {
      if (fused.has(i - 1)) continue;
      this.#onNode?.(node, 'forward');
      const op = node.op;
      const x = act.get(node.inputs[0])!;
      const y = act.get(node.output)!;
      switch (op.kind) {
        case 'conv':
          if (fused.has(i)) {
            const relu = act.get(nodes[i + 1].output)!;
            await conv2dForward(gpu, this.#convShape(node, op), x, this.#values.get(op.weight)!, this.#bias(node, op.bias), relu, undefined, this.#kept(op.weight), { kind: 'relu' });
          } else {
            await conv2dForward(gpu, this.#convShape(node, op), x, this.#values.get(op.weight)!, this.#bias(node, op.bias), y, undefined, this.#kept(op.weight));
          }
          break;
        case 'batchnorm':
          await batchNormForward(gpu, this.#imageShape(node), x, this.#values.get(op.scale)!, this.#values.get(op.shift)!, y);
          break;
        case 'relu':
          await reluForward(gpu, x, y);
          break;
        case 'maxpool':
          await maxPool2dForward(gpu, this.#poolShape(node, op), x, y, this.#switches.get(i)!);
          break;
        case 'avgpool':
          await avgPool2dForward(gpu, this.#avgShape(node, op), x, y);
          break;
        case 'adaptiveavgpool':
          await adaptiveAvgPool2dForward(gpu, this.#adaptiveShape(node, op), x, y);
          break;
        case 'globalavgpool':
          await globalAvgPool2dForward(gpu, this.#imageShape(node), x, y);
          break;
        case 'add':
          await addTensors(gpu, x, act.get(node.inputs[1])!, y);
          break;
        case 'flatten':
          // A view: the flat tensor is the same buffer (see #allocate).
          break;
        case 'linear':
          await linearForward(gpu, this.#linearShape(node), x, this.#values.get(op.weight)!, this.#bias(node, op.bias), y);
          break;
      }
    }
    this.#forwardDone = true;
  }

  /**
   * Backward from `dLogits` (n, classes), ∂L/∂logits of the last forward pass (an array, or a GPU tensor
   * such as softmax cross-entropy's output), to the input (`inputGradient`) under `rule` at every ReLU
   * node; with `weights`, also to every conv and linear parameter's `gradient` (summed over the batch).
   * `input: false` skips the gradient to the input itself, which training does not need. `downTo: i` stops
   * at `graph.nodes[i]`: it and the nodes after it get their gradients, the nodes before nothing, and
   * neither does the input (fine-tuning with the lower layers frozen). `saliencyMap`, an (n, H, W) tensor,
   * also receives each image's saliency map maxᶜ |∂input| (Simonyan et al. 2014, section 3.1): where the
   * input feeds one conv that conv2d_backward_saliency takes faster than the two passes, that conv's
   * gradient kernel writes it as it stores the input's gradient (unless `fuse` is false); elsewhere a
   * saliency_map pass follows.
   */
  async backward(
    dLogits: Float32Array | GpuTensor,
    rule: ReluRule,
    options: { readonly weights?: boolean; readonly input?: boolean; readonly downTo?: number; readonly saliencyMap?: GpuTensor } = {},
  ): Promise<void> {
    this.#assertForward('backward');
    if (this.forwardOnly) throw new Error('GraphModel.backward: the model was created forward-only');
    const nodes = this.graph.nodes;
    const downTo = options.downTo ?? 0;
    if (!Number.isInteger(downTo) || downTo < 0 || downTo >= nodes.length) {
      throw new RangeError(`GraphModel.backward: downTo ${downTo} is outside [0, ${nodes.length - 1}] (the graph's nodes)`);
    }
    if (dLogits.length !== this.#batch * this.classes) {
      throw new RangeError(`GraphModel.backward: dLogits has ${dLogits.length} values but (${this.#batch}, ${this.classes}) needs ${this.#batch * this.classes}`);
    }
    const map = options.saliencyMap;
    const { channels, height, width } = this.info.input;
    if (map && (downTo !== 0 || options.input === false)) throw new RangeError('GraphModel.backward: a saliency map needs the gradient to the input (downTo 0, input not false)');
    if (map && map.length !== this.#batch * height * width) {
      throw new RangeError(`GraphModel.backward: the saliency map has ${map.length} values but (${this.#batch}, ${height}, ${width}) needs ${this.#batch * height * width}`);
    }
    // Whether the conv reading the input wrote the map as it stored the input's gradient.
    let mapped = false;
    const { producer } = this.#resolved;
    // Whether a tensor gets a gradient: made by a node at or above downTo, or the input when asked for.
    const wanted = (t: string): boolean => {
      const p = producer.get(t)!;
      return p >= downTo || (p === -1 && downTo === 0 && options.input !== false);
    };
    const gpu = this.gpu;
    const act = this.#activations;
    const grad = this.#gradientPass();
    const top = grad.get(this.graph.output);
    if (dLogits instanceof Float32Array) gpu.write(top, dLogits);
    else gpu.copy(dLogits, 0, top, 0, dLogits.length);
    // The tensors that already hold one consumer's contribution to their gradient in this pass.
    const started = new Set<string>();
    /**
     * Where node `i`'s contribution to ∂input `t` goes: t's gradient itself for the first contribution (the
     * last consumer in forward order), else a scratch tensor that `add` then sums into it.
     */
    const target = (t: string): { tensor: GpuTensor; add: () => Promise<void> } => {
      const gradient = grad.get(t);
      if (!started.has(t)) {
        started.add(t);
        return { tensor: gradient, add: async () => undefined };
      }
      const scratch = view(gpu.scratch('graph gradient contribution', gradient.length), gradient.length, `contribution to ∂${t}`);
      return { tensor: scratch, add: () => accumulate(gpu, scratch, gradient) };
    };
    /** A node whose ∂input is its ∂output (add, flatten) hands dy on: copied for the first contribution, summed after. */
    const passOn = async (t: string, dy: GpuTensor): Promise<void> => {
      if (!started.has(t)) {
        started.add(t);
        gpu.copy(dy, 0, grad.get(t), 0, dy.length);
        return;
      }
      // t feeds several nodes: its gradient is the sum of theirs, and this one's is dy itself.
      await accumulate(gpu, dy, grad.get(t));
    };
    // Conv and max-pool nodes whose gradient to the input applies the rule of the ReLU below them (by
    // index): those ReLUs do nothing of their own, and their output gradients are not written.
    const fusedBelow = this.#backwardFusion(wanted, downTo);
    const skipped = new Set(fusedBelow.values());
    this.#unwrittenGradients = new Set([...skipped].map((r) => nodes[r].output));
    for (let i = nodes.length - 1; i >= downTo; i--) {
      if (!this.#live[i] || skipped.has(i)) continue;
      const node = nodes[i];
      this.#onNode?.(node, 'backward');
      const op = node.op;
      const dy = grad.get(node.output);
      const t = node.inputs[0];
      const below = wanted(t);
      switch (op.kind) {
        case 'conv': {
          const s = this.#convShape(node, op);
          if (options.weights) {
            const dBias = op.bias !== undefined ? this.parameter(op.bias).gradient : this.#unusedBiasGradient(s.k);
            await conv2dBackwardWeight(gpu, s, act.get(t)!, dy, this.parameter(op.weight).gradient, dBias);
          }
          const r = fusedBelow.get(i);
          if (r !== undefined) {
            // ∂(the ReLU's input), its rule applied as the kernel stores: the ReLU's output is the mask.
            const dx = target(nodes[r].inputs[0]);
            await conv2dBackwardInput(gpu, s, dy, this.#values.get(op.weight)!, dx.tensor, undefined, this.#kept(op.weight), { kind: rule, mask: act.get(t)! });
            await dx.add();
          } else if (below) {
            const dx = target(t);
            const fusedMap = map && this.#fuse && t === this.graph.input && this.#resolved.consumers.get(t)!.length === 1 ? conv2dBackwardSaliencyVariant(gpu, s) : undefined;
            if (fusedMap !== undefined) {
              await conv2dBackwardSaliency(gpu, s, dy, this.#values.get(op.weight)!, dx.tensor, map!, fusedMap, this.#kept(op.weight));
              mapped = true;
            } else {
              await conv2dBackwardInput(gpu, s, dy, this.#values.get(op.weight)!, dx.tensor, undefined, this.#kept(op.weight));
            }
            await dx.add();
          }
          break;
        }
        case 'batchnorm':
          if (below) {
            const dx = target(t);
            await batchNormBackward(gpu, this.#imageShape(node), dy, this.#values.get(op.scale)!, dx.tensor);
            await dx.add();
          }
          break;
        case 'relu':
          if (below) {
            const dx = target(t);
            // [x > 0] is [relu(x) > 0]: the output serves as the mask, and the input of a fused conv was not written.
            await reluBackward(gpu, act.get(node.output)!, dy, dx.tensor, rule);
            await dx.add();
          }
          break;
        case 'avgpool':
          if (below) {
            const dx = target(t);
            await avgPool2dBackward(gpu, this.#avgShape(node, op), dy, dx.tensor);
            await dx.add();
          }
          break;
        case 'globalavgpool':
          if (below) {
            const dx = target(t);
            await globalAvgPool2dBackward(gpu, this.#imageShape(node), dy, dx.tensor);
            await dx.add();
          }
          break;
        case 'add':
          // A residual connection: both summands receive the sum's gradient as it is.
          for (const summand of node.inputs) if (wanted(summand)) await passOn(summand, dy);
          break;
        case 'maxpool': {
          const r = fusedBelow.get(i);
          if (r !== undefined) {
            // At each switch's element the ReLU's output is the pooled value: the pool's output is the mask.
            const dx = target(nodes[r].inputs[0]);
            await maxPool2dBackward(gpu, this.#poolShape(node, op), dy, this.#switches.get(i)!, dx.tensor, undefined, { kind: rule, mask: act.get(node.output)! });
            await dx.add();
          } else if (below) {
            const dx = target(t);
            await maxPool2dBackward(gpu, this.#poolShape(node, op), dy, this.#switches.get(i)!, dx.tensor);
            await dx.add();
          }
          break;
        }
        case 'adaptiveavgpool':
          if (below) {
            const dx = target(t);
            await adaptiveAvgPool2dBackward(gpu, this.#adaptiveShape(node, op), dy, dx.tensor);
            await dx.add();
          }
          break;
        case 'flatten':
          if (below) await passOn(t, dy);
          break;
        case 'linear': {
          const s = this.#linearShape(node);
          if (options.weights) {
            const dBias = op.bias !== undefined ? this.parameter(op.bias).gradient : this.#unusedBiasGradient(s.outFeatures);
            await linearBackwardWeight(gpu, s, act.get(t)!, dy, this.parameter(op.weight).gradient, dBias);
          }
          if (below) {
            const dx = target(t);
            await linearBackwardInput(gpu, s, dy, this.#values.get(op.weight)!, dx.tensor);
            await dx.add();
          }
          break;
        }
      }
      // Every use of ∂(this node's output) is recorded: a later step may write its buffer.
      grad.release(node.output);
    }
    if (map && !mapped) await saliencyMap(gpu, { n: this.#batch, c: channels, h: height, w: width }, this.inputGradient, map);
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

  /** dLogits selecting S_c: 1 at (i, classes[i]), 0 elsewhere; a RangeError for a class out of range. */
  oneHot(n: number, classes: readonly number[]): Float32Array {
    if (classes.length !== n) throw new RangeError(`GraphModel: ${classes.length} classes given for a batch of ${n}`);
    const dLogits = new Float32Array(n * this.classes);
    classes.forEach((c, i) => {
      if (!Number.isInteger(c) || c < 0 || c >= this.classes) {
        throw new RangeError(`GraphModel: class ${c} is outside [0, ${this.classes - 1}] (${this.classes} labels)`);
      }
      dLogits[i * this.classes + c] = 1;
    });
    return dLogits;
  }

  /** Frees the activation and gradient buffers (weights stay). */
  release(): void {
    if (this.#owned.length > 0) this.gpu.flush();
    for (const tensor of this.#owned) tensor.buffer.destroy();
    this.#owned = [];
    this.#activations = new Map();
    this.#keptGradients = new Map();
    this.#gradientPool = [];
    this.#switches = new Map();
    this.#batch = 0;
    this.#forwardDone = false;
  }

  /** Frees every buffer, weights included; the model cannot be used after. */
  destroy(): void {
    this.release();
    this.#convWeights.release();
    for (const value of this.#values.values()) value.buffer.destroy();
    for (const p of this.#parameters.values()) p.destroyGradient();
  }

  /**
   * The cache of what the conv kernels make from conv weight `name`, or none once the weight has a gradient:
   * only training, which writes the weights, asks for one (the optimiser steps from it), so a weight
   * without one is as uploaded and what was kept of it is current. Asking for the gradient drops it
   * (LazyParameter's callback), and the weight is laid out afresh at every use from then on.
   */
  #kept(name: string): ConvWeightCache | undefined {
    return this.#parameters.get(name)?.hasGradient ? undefined : this.#convWeights;
  }

  /**
   * The conv nodes i whose ReLU (node i + 1, the only reader of the conv's output) can run in their
   * epilogue: where the conv's default kernel takes one, and the conv is not kept (unless `anyKept`).
   */
  #forwardFusion(anyKept: boolean): Set<number> {
    const fused = new Set<number>();
    if (!this.#fuse) return fused;
    const { consumers } = this.#resolved;
    const nodes = this.graph.nodes;
    nodes.forEach((node, i) => {
      const op = node.op;
      const next = nodes[i + 1];
      if (op.kind !== 'conv' || next?.op.kind !== 'relu' || next.inputs[0] !== node.output) return;
      if (consumers.get(node.output)!.length !== 1 || (!anyKept && this.#keepNodes.has(node.name))) return;
      const variant = conv2dForwardVariant(this.gpu, this.#convShape(node, op), this.#kept(op.weight)?.winograd === true);
      if (EPILOGUE_VARIANTS.includes(variant)) fused.add(i);
    });
    return fused;
  }

  /**
   * For each conv or max-pool node whose gradient to the input can apply the rule of the ReLU below it
   * this backward pass, that ReLU's index: the ReLU's output feeds only that node, its input feeds only
   * the ReLU (its gradient has one contributor) and gets a gradient, the ReLU is at or above `downTo` and
   * not kept, and the node's default kernel takes an epilogue.
   */
  #backwardFusion(wanted: (t: string) => boolean, downTo: number): Map<number, number> {
    const fused = new Map<number, number>();
    if (!this.#fuse) return fused;
    const { consumers, producer } = this.#resolved;
    const nodes = this.graph.nodes;
    nodes.forEach((node, k) => {
      const op = node.op;
      if (!this.#live[k] || (op.kind !== 'conv' && op.kind !== 'maxpool')) return;
      const t = node.inputs[0];
      const r = producer.get(t)!;
      if (r < downTo || nodes[r].op.kind !== 'relu' || this.#keepNodes.has(nodes[r].name)) return;
      const u = nodes[r].inputs[0];
      if (consumers.get(t)!.length !== 1 || consumers.get(u)!.length !== 1 || !wanted(u)) return;
      const takes = op.kind === 'conv'
        ? BACKWARD_INPUT_EPILOGUE_VARIANTS.includes(conv2dBackwardInputVariant(this.gpu, this.#convShape(node, op), this.#kept(op.weight)?.winograd === true))
        : maxPool2dBackwardVariant(this.#poolShape(node, op)) !== 1;
      if (takes) fused.set(k, r);
    });
    return fused;
  }

  #allocate(n: number): void {
    if (n === this.#batch) return;
    this.release();
    const gpu = this.gpu;
    const { shapes } = this.#resolved;
    const own = (length: number, label: string): GpuTensor => {
      const tensor = gpu.tensor(length, label);
      this.#owned.push(tensor);
      return tensor;
    };
    const size = (t: string): number => n * tensorSize(shapes.get(t)!);
    const nodes = this.graph.nodes;
    if (this.forwardOnly) {
      this.#allocateForwardOnly(n, own);
    } else {
      this.#activations.set(this.graph.input, own(size(this.graph.input), `activation ${this.graph.input}`));
      this.#keptGradients.set(this.graph.input, own(size(this.graph.input), `∂${this.graph.input}`));
      for (const node of nodes) {
        const x = node.inputs[0];
        if (node.op.kind === 'flatten') {
          // Flatten is a view: the same values in the same order, so the same buffer.
          this.#activations.set(node.output, view(this.#activations.get(x)!, size(x), node.output));
          continue;
        }
        this.#activations.set(node.output, own(size(node.output), `activation ${node.output}`));
      }
      nodes.forEach((node, i) => {
        if (node.op.kind === 'maxpool') this.#switches.set(i, own(size(node.output), `switches of ${node.name}`));
      });
    }
    this.#batch = n;
  }

  /** Activations in buffers reused once no later node reads them; the switches in one scratch tensor. */
  #allocateForwardOnly(n: number, own: (length: number, label: string) => GpuTensor): void {
    const { shapes } = this.#resolved;
    const nodes = this.graph.nodes;
    const size = (t: string): number => n * tensorSize(shapes.get(t)!);
    // Switches are written and never read without a backward pass: every max-pool shares one scratch tensor.
    const switchesLength = Math.max(0, ...nodes.map((node) => (node.op.kind === 'maxpool' ? size(node.output) : 0)));
    const switches = switchesLength > 0 ? this.gpu.scratch('graph max-pool switches (forward only)', switchesLength) : undefined;
    // A flatten's output lives in its input's buffer: both are one root.
    const root = new Map<string, string>([[this.graph.input, this.graph.input]]);
    for (const node of nodes) root.set(node.output, node.op.kind === 'flatten' ? root.get(node.inputs[0])! : node.output);
    const lastRead = new Map<string, number>();
    nodes.forEach((node, i) => node.inputs.forEach((t) => lastRead.set(root.get(t)!, i)));
    lastRead.set(root.get(this.graph.input)!, Infinity);
    lastRead.set(root.get(this.graph.output)!, Infinity);
    const free: GpuTensor[] = [];
    const buffers = new Map<string, GpuTensor>();
    const take = (length: number, label: string): GpuTensor => {
      let best = -1;
      free.forEach((b, j) => {
        if (b.length >= length && (best < 0 || b.length < free[best].length)) best = j;
      });
      const buffer = best >= 0 ? free.splice(best, 1)[0] : own(length, `activation buffer ${buffers.size}`);
      return buffer;
    };
    const input = own(size(this.graph.input), `activation ${this.graph.input}`);
    buffers.set(this.graph.input, input);
    this.#activations.set(this.graph.input, input);
    // A fused conv writes its ReLU's output: that buffer is placed with the conv, before the conv's inputs
    // are freed, and the conv's own output gets none (it is never written or read).
    const fused = this.#forwardFusion(true);
    this.#forwardOnlyFusion = fused;
    nodes.forEach((node, i) => {
      const out = node.output;
      if (fused.has(i)) {
        const relu = nodes[i + 1].output;
        const buffer = take(size(relu), relu);
        buffers.set(relu, buffer);
        this.#activations.set(relu, view(buffer, size(relu), `activation ${relu}`));
      } else if (fused.has(i - 1)) {
        // Placed with the conv before it.
      } else if (node.op.kind === 'flatten') {
        this.#activations.set(out, view(this.#activations.get(node.inputs[0])!, size(out), out));
      } else {
        const buffer = take(size(out), out);
        buffers.set(out, buffer);
        this.#activations.set(out, view(buffer, size(out), `activation ${out}`));
      }
      if (node.op.kind === 'maxpool') {
        this.#switches.set(i, view(switches!, size(out), `switches of ${node.name}`));
      }
      // Freed after the output is placed, so that no node writes into its own input.
      for (const t of new Set(node.inputs)) {
        const r = root.get(t)!;
        // A fused conv's output has no buffer to free.
        if (lastRead.get(r) === i && buffers.has(r)) free.push(buffers.get(r)!);
      }
    });
  }

  #gradient(tensor: string, what: string): GpuTensor {
    if (this.forwardOnly) throw new Error(`GraphModel.${what}: the model was created forward-only, so it has no gradients`);
    return this.#keptGradient(tensor)!;
  }

  /** The buffer of a gradient that outlives the backward pass (the input's, a kept node's), made at first use; else undefined. */
  #keptGradient(tensor: string): GpuTensor | undefined {
    const have = this.#keptGradients.get(tensor);
    if (have) return have;
    const p = this.#resolved.producer.get(tensor)!;
    if (p < 0 || !this.#keepNodes.has(this.graph.nodes[p].name)) return undefined;
    const gradient = this.gpu.tensor(this.#batch * tensorSize(this.#resolved.shapes.get(tensor)!), `∂${tensor}`);
    this.#owned.push(gradient);
    this.#keptGradients.set(tensor, gradient);
    return gradient;
  }

  /**
   * The gradients of one backward pass. A kept gradient has its own buffer; any other takes a buffer of the
   * pool at its first write and gives it back once its producer's step has read it (`release`), so a chain
   * holds two at a time instead of one per node. Every pool buffer holds the largest gradient, and every pass
   * makes the same requests in the same order, so it gets the same buffers (and the cached bind groups).
   */
  #gradientPass(): { get(t: string): GpuTensor; release(t: string): void } {
    const { shapes } = this.#resolved;
    const size = (t: string): number => this.#batch * tensorSize(shapes.get(t)!);
    const largest = Math.max(...this.graph.nodes.map((node) => size(node.output)));
    const free = [...this.#gradientPool];
    const held = new Map<string, GpuTensor>();
    return {
      get: (t) => {
        const kept = this.#keptGradient(t);
        if (kept) return kept;
        let buffer = held.get(t);
        if (!buffer) {
          buffer = free.shift();
          if (!buffer) {
            buffer = this.gpu.tensor(largest, `gradient buffer ${this.#gradientPool.length}`);
            this.#owned.push(buffer);
            this.#gradientPool.push(buffer);
          }
          held.set(t, buffer);
        }
        return view(buffer, size(t), `∂${t}`);
      },
      release: (t) => {
        const buffer = held.get(t);
        if (!buffer) return;
        held.delete(t);
        free.unshift(buffer);
      },
    };
  }

  /** Elements (4 bytes each) of the gradient buffers this model holds: the kept gradients' and the pool's. */
  get gradientElements(): number {
    return [...this.#keptGradients.values(), ...this.#gradientPool].reduce((sum, t) => sum + t.length, 0);
  }

  #unusedBiasGradient(length: number): GpuTensor {
    return view(this.gpu.scratch('graph unused bias gradient', length), length, 'gradient of a bias the graph does not have');
  }

  #nodeIndex(name: string): number {
    const i = this.#nodes.get(name);
    if (i === undefined) {
      const spatial = this.spatialOutputs().map((o) => o.name);
      throw new RangeError(`GraphModel: no node "${name}"; the nodes with spatial outputs are ${spatial.join(', ')}`);
    }
    return i;
  }

  #assertForward(what: string): void {
    if (!this.#forwardDone) throw new Error(`GraphModel.${what}: run forward first`);
  }

  #bias(node: GraphNode, bias: string | undefined): GpuTensor {
    return this.#values.get(bias ?? zeroBiasName(node))!;
  }

  #spatial(t: string): readonly [number, number, number] {
    return this.#resolved.shapes.get(t)! as readonly [number, number, number];
  }

  #convShape(node: GraphNode, op: GraphOp & { kind: 'conv' }): Conv2dShape {
    const [c, h, w] = this.#spatial(node.inputs[0]);
    const [k] = this.#spatial(node.output);
    const [top, left, bottom, right] = op.pads;
    const plain = op.stride === 1 && top === left && top === bottom && top === right;
    // The direct 3×3 kernels serve stride 1 with one padding all round; the shape says so by leaving stride and pads out.
    return plain
      ? { n: this.#batch, c, h, w, k, size: op.size, pad: top }
      : { n: this.#batch, c, h, w, k, size: op.size, pad: top, stride: op.stride, pads: op.pads };
  }

  #poolShape(node: GraphNode, op: GraphOp & { kind: 'maxpool' }) {
    const [c, h, w] = this.#spatial(node.inputs[0]);
    return { n: this.#batch, c, h, w, size: op.size, stride: op.stride, pads: op.pads };
  }

  #imageShape(node: GraphNode) {
    const [c, h, w] = this.#spatial(node.inputs[0]);
    return { n: this.#batch, c, h, w };
  }

  #avgShape(node: GraphNode, op: GraphOp & { kind: 'avgpool' }) {
    const [c, h, w] = this.#spatial(node.inputs[0]);
    return { n: this.#batch, c, h, w, size: op.size, stride: op.stride, pads: op.pads, countIncludePad: op.countIncludePad };
  }

  #adaptiveShape(node: GraphNode, op: GraphOp & { kind: 'adaptiveavgpool' }) {
    const [c, h, w] = this.#spatial(node.inputs[0]);
    return { n: this.#batch, c, h, w, outH: op.outHeight, outW: op.outWidth };
  }

  #linearShape(node: GraphNode) {
    const inFeatures = this.#resolved.shapes.get(node.inputs[0])![0];
    const outFeatures = this.#resolved.shapes.get(node.output)![0];
    return { n: this.#batch, inFeatures, outFeatures };
  }
}

/** A parameter whose gradient buffer is made when first asked for. */
class LazyParameter implements GraphParameter {
  readonly #gpu: Gpu;
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: GpuTensor;
  #gradient: GpuTensor | undefined;
  readonly #onGradient: () => void;

  constructor(gpu: Gpu, name: string, shape: readonly number[], value: GpuTensor, onGradient: () => void) {
    this.#gpu = gpu;
    this.name = name;
    this.shape = shape;
    this.value = value;
    this.#onGradient = onGradient;
  }

  get gradient(): GpuTensor {
    if (!this.#gradient) {
      this.#gradient = this.#gpu.tensor(this.value.length, `∂${this.name}`);
      this.#onGradient();
    }
    return this.#gradient;
  }

  get hasGradient(): boolean {
    return this.#gradient !== undefined;
  }

  destroyGradient(): void {
    this.#gradient?.buffer.destroy();
    this.#gradient = undefined;
  }
}

function zeroBiasName(node: GraphNode): string {
  return `${node.name} (zero bias)`;
}

/** The first `length` elements of `tensor`'s buffer, as a tensor of their own. */
function view(tensor: GpuTensor, length: number, label: string): GpuTensor {
  return { buffer: tensor.buffer, length, label };
}
