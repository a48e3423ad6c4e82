import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { conv2dWinogradWeight, type WinogradTile, type WinogradWeight, winogradWeightLength } from './conv2d_winograd_weight.ts';

/**
 * Keeps each weight's Winograd transforms (per tile size and direction), so that a model whose weights
 * do not change transforms each once: conv2dForward and conv2dBackwardInput take one and ask it before
 * transforming. The owner must `forget` a weight before writing into it (or not pass the cache while it
 * trains), since the cache cannot see writes.
 */
export class WinogradWeightCache {
  readonly #kept = new Map<GpuTensor, Map<string, WinogradWeight>>();

  /** The transform of weight (k, c, 3, 3) for F(tile×tile, 3×3), forward or (`flip`) for the gradient to the input. */
  async get(gpu: Gpu, weight: GpuTensor, k: number, c: number, tile: WinogradTile, flip: boolean): Promise<WinogradWeight> {
    let forWeight = this.#kept.get(weight);
    if (!forWeight) {
      forWeight = new Map();
      this.#kept.set(weight, forWeight);
    }
    const key = `${tile} ${flip ? 'flipped' : 'forward'} ${k}×${c}`;
    let kept = forWeight.get(key);
    if (!kept) {
      const into = gpu.tensor(winogradWeightLength(k, c, tile, flip), `${weight.label}, Winograd F(${tile}×${tile}) ${flip ? 'flipped' : ''}`);
      kept = await conv2dWinogradWeight(gpu, weight, k, c, tile, flip, into);
      forWeight.set(key, kept);
    }
    return kept;
  }

  /** Drops (and frees) the transforms of `weight`: call it before the weight changes. */
  forget(weight: GpuTensor): void {
    for (const kept of this.#kept.get(weight)?.values() ?? []) kept.u.buffer.destroy();
    this.#kept.delete(weight);
  }

  /** Elements held, over all weights. */
  get length(): number {
    let sum = 0;
    for (const forWeight of this.#kept.values()) for (const kept of forWeight.values()) sum += kept.u.length;
    return sum;
  }

  /** Frees every transform. */
  release(): void {
    for (const weight of [...this.#kept.keys()]) this.forget(weight);
  }
}
