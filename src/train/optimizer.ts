import type { GpuTensor } from '../gpu/mod.ts';
import type { GraphModel, GraphParameter } from '../graph/mod.ts';
import { adamStep, sgdMomentumStep } from '../nn/mod.ts';

/** Which update rule: PyTorch's Adam, or SGD with momentum. */
export type OptimizerName = 'adam' | 'sgd';

export interface OptimizerOptions {
  readonly name: OptimizerName;
  /** L2 penalty added to every gradient (weights and biases), PyTorch's `weight_decay`; default 0. */
  readonly weightDecay?: number;
  /** SGD's momentum μ; default 0.9. */
  readonly momentum?: number;
  /** Adam's β₁, β₂ and ε; defaults 0.9, 0.999, 1e-8. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam', 'sgd'];

/**
 * An optimiser over a model's parameters (all of them, or those given): its state on the GPU (Adam's
 * moments m and v, or SGD's velocity, zeros at first), and one step per call that updates each from its
 * `gradient`.
 * @example
 * const optimizer = new Optimizer(model, { name: 'adam' });
 * await model.backward(dLogits, 'gradient', { weights: true });
 * await optimizer.step(1e-3);
 */
export class Optimizer {
  readonly model: GraphModel;
  readonly options: OptimizerOptions;
  readonly parameters: readonly GraphParameter[];
  #state: GpuTensor[][];
  #steps = 0;

  constructor(model: GraphModel, options: OptimizerOptions, parameters: readonly GraphParameter[] = model.parameters) {
    if (options.name !== 'adam' && options.name !== 'sgd') {
      throw new RangeError(`Optimizer: unknown optimizer "${String(options.name)}"; known: ${OPTIMIZER_NAMES.join(', ')}`);
    }
    const decay = options.weightDecay ?? 0;
    if (!(decay >= 0)) throw new RangeError(`Optimizer: weight decay ${decay} must be ≥ 0`);
    this.model = model;
    this.options = options;
    this.parameters = parameters;
    const names = options.name === 'adam' ? ['m', 'v'] : ['velocity'];
    this.#state = parameters.map((p) => names.map((name) => model.gpu.tensor(p.value.length, `${name} of ${p.name}`)));
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.#steps;
  }

  /** Records one update of each of its parameters from its gradient at `learningRate`. */
  async step(learningRate: number): Promise<void> {
    if (!(learningRate >= 0) || !Number.isFinite(learningRate)) {
      throw new RangeError(`Optimizer: learning rate ${learningRate} must be a finite number ≥ 0`);
    }
    this.#steps++;
    const o = this.options;
    const gpu = this.model.gpu;
    for (const [i, p] of this.parameters.entries()) {
      const state = this.#state[i];
      if (o.name === 'adam') {
        await adamStep(gpu, p.value, p.gradient, state[0], state[1], this.#steps, {
          learningRate, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, epsilon: o.epsilon ?? 1e-8, weightDecay: o.weightDecay ?? 0,
        });
      } else {
        await sgdMomentumStep(gpu, p.value, p.gradient, state[0], { learningRate, momentum: o.momentum ?? 0.9, weightDecay: o.weightDecay ?? 0 });
      }
    }
  }

  /**
   * The optimiser's state read back, by name (`m of features.0.weight`, ...), with its step count: what a
   * resumed run needs besides the weights to continue exactly.
   */
  async readState(): Promise<{ steps: number; tensors: Map<string, Float32Array> }> {
    const tensors = new Map<string, Float32Array>();
    for (const state of this.#state) for (const t of state) tensors.set(t.label, await this.model.gpu.read(t));
    return { steps: this.#steps, tensors };
  }

  /** Puts back a state that `readState` gave. @throws RangeError naming a tensor missing or of the wrong size. */
  loadState(state: { readonly steps: number; readonly tensors: ReadonlyMap<string, Float32Array> }): void {
    if (!Number.isInteger(state.steps) || state.steps < 0) throw new RangeError(`Optimizer: step count ${state.steps} must be a whole number ≥ 0`);
    for (const group of this.#state) {
      for (const t of group) {
        const data = state.tensors.get(t.label);
        if (!data || data.length !== t.length) {
          throw new RangeError(`Optimizer: the saved state ${data ? `has ${data.length} values for` : 'lacks'} "${t.label}" (${t.length} values)`);
        }
        this.model.gpu.write(t, data);
      }
    }
    this.#steps = state.steps;
  }

  /** Frees the state tensors. */
  destroy(): void {
    for (const tensors of this.#state) for (const t of tensors) t.buffer.destroy();
    this.#state = [];
  }
}
