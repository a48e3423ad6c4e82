import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { CHANNEL_BLOCK, conv2dWeightLayout, conv2dWeightLayoutLength, type WeightLayout } from './conv2d_weight_layout.ts';
import { conv2dWinogradWeight, type WinogradTile, type WinogradWeight, winogradWeightLength } from './conv2d_winograd_weight.ts';

/**
 * Keeps what the conv kernels make from a weight before they read it, so that a model whose weights do
 * not change makes each once: the direct kernels' rearranged weight (conv2dWeightLayout, per kernel size,
 * channel block and direction) and the Winograd transforms (per tile size and direction).
 * conv2dForward, conv2dBackwardInput and conv2dBackwardSaliency take one and ask it first. `winograd` says
 * whether their default kernel may be Winograd where WINOGRAD_TABLE measured it faster. The owner must
 * `forget` a weight before writing into it (or not pass the cache while it trains), since the cache cannot
 * see writes.
 */
export class ConvWeightCache {
  /** Whether the conv kernels' default may be Winograd (its transforms are kept here). */
  readonly winograd: boolean;
  readonly #layouts = new Map<GpuTensor, Map<string, WeightLayout>>();
  readonly #winograd = new Map<GpuTensor, Map<string, WinogradWeight>>();
  // The devices that recorded work reading what is kept here: flushed before it is destroyed.
  readonly #users = new Set<Gpu>();

  constructor(options: { readonly winograd?: boolean } = {}) {
    this.winograd = options.winograd === true;
  }

  /** conv2dWeightLayout's rearrangement of weight (k, c, size, size), made at the first call. */
  async layout(gpu: Gpu, weight: GpuTensor, k: number, c: number, size: number, flip: boolean, block = CHANNEL_BLOCK): Promise<WeightLayout> {
    this.#users.add(gpu);
    const forWeight = entry(this.#layouts, weight);
    const key = `${size} ${block} ${flip ? 'flipped' : 'forward'} ${k}×${c}`;
    let kept = forWeight.get(key);
    if (!kept) {
      const into = gpu.tensor(conv2dWeightLayoutLength(k, c, size, flip, block), `${weight.label}, laid out${flip ? ' flipped' : ''}`);
      kept = await conv2dWeightLayout(gpu, weight, k, c, size, flip, block, into);
      forWeight.set(key, kept);
    }
    return kept;
  }

  /** The transform of weight (k, c, 3, 3) for F(tile×tile, 3×3), forward or (`flip`) for the gradient to the input. */
  async winogradWeight(gpu: Gpu, weight: GpuTensor, k: number, c: number, tile: WinogradTile, flip: boolean): Promise<WinogradWeight> {
    this.#users.add(gpu);
    const forWeight = entry(this.#winograd, weight);
    const key = `${tile} ${flip ? 'flipped' : 'forward'} ${k}×${c}`;
    let kept = forWeight.get(key);
    if (!kept) {
      const into = gpu.tensor(winogradWeightLength(k, c, tile, flip), `${weight.label}, Winograd F(${tile}×${tile})${flip ? ' flipped' : ''}`);
      kept = await conv2dWinogradWeight(gpu, weight, k, c, tile, flip, into);
      forWeight.set(key, kept);
    }
    return kept;
  }

  /**
   * Drops (and frees) all that was made from `weight`: call it before the weight changes. Work already
   * recorded that reads it is submitted first (a backward pass asks for a weight's gradient, and so
   * forgets it, while its forward pass may still be unsubmitted).
   */
  forget(weight: GpuTensor): void {
    if (!this.#layouts.has(weight) && !this.#winograd.has(weight)) return;
    for (const gpu of this.#users) gpu.flush();
    for (const kept of this.#layouts.get(weight)?.values() ?? []) kept.wt.buffer.destroy();
    for (const kept of this.#winograd.get(weight)?.values() ?? []) kept.u.buffer.destroy();
    this.#layouts.delete(weight);
    this.#winograd.delete(weight);
  }

  /** Elements held by the rearranged weights, over all weights. */
  get layoutLength(): number {
    let sum = 0;
    for (const forWeight of this.#layouts.values()) for (const kept of forWeight.values()) sum += kept.wt.length;
    return sum;
  }

  /** Elements held by the Winograd transforms, over all weights. */
  get winogradLength(): number {
    let sum = 0;
    for (const forWeight of this.#winograd.values()) for (const kept of forWeight.values()) sum += kept.u.length;
    return sum;
  }

  /** Frees everything kept. */
  release(): void {
    for (const weight of new Set([...this.#layouts.keys(), ...this.#winograd.keys()])) this.forget(weight);
  }
}

/** The direct kernels' rearranged weight: `kept`'s where given, else made afresh in scratch. */
export function weightLayout(
  gpu: Gpu,
  kept: ConvWeightCache | undefined,
  weight: GpuTensor,
  k: number,
  c: number,
  size: number,
  flip: boolean,
  block = CHANNEL_BLOCK,
): Promise<WeightLayout> {
  return kept ? kept.layout(gpu, weight, k, c, size, flip, block) : conv2dWeightLayout(gpu, weight, k, c, size, flip, block);
}

function entry<T>(kept: Map<GpuTensor, Map<string, T>>, weight: GpuTensor): Map<string, T> {
  let forWeight = kept.get(weight);
  if (!forWeight) {
    forWeight = new Map();
    kept.set(weight, forWeight);
  }
  return forWeight;
}
