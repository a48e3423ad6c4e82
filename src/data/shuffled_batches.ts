import type { Random } from '../random/mod.ts';

/**
 * One epoch's order: the item indices 0 … count − 1 shuffled by `random`, cut into batches of
 * `batchSize` (the last one smaller when `batchSize` does not divide `count`).
 * @example
 * for (const indices of shuffledBatches(dataset.length, 64, new Random(seed + epoch))) { ... }
 */
export function shuffledBatches(count: number, batchSize: number, random: Random): number[][] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shuffledBatches: count ${count} must be a positive integer`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`shuffledBatches: batch size ${batchSize} must be a positive integer`);
  }
  const order = random.shuffle(Array.from({ length: count }, (_, i) => i));
  const batches: number[][] = [];
  for (let start = 0; start < count; start += batchSize) batches.push(order.slice(start, start + batchSize));
  return batches;
}
