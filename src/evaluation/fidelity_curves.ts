import type { Classifier } from '../graph/mod.ts';
import { fidelityPerturb } from '../nn/mod.ts';
import type { FidelityProtocol } from './fidelity_protocol.ts';
import { pixelRanks } from './pixel_ranking.ts';
import { riseBlur } from './rise_blur.ts';

/** The deletion and insertion curves of n images: each steps + 1 scores, in order of the checkpoints. */
export interface FidelityCurves {
  readonly deletion: Float64Array[];
  readonly insertion: Float64Array[];
}

/** Options of `fidelityCurves`. */
export interface FidelityCurvesOptions {
  /**
   * Images per forward pass, each 2·(steps + 1) inputs (default `defaultFidelityBatch`). Every pass holds
   * this many, the last padded: give the same batch to runs whose curves must agree to the bit.
   */
  readonly batch?: number;
  /** Called after each batch with the images done. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * How many images' perturbed copies go through one forward pass by default: as many as fit a budget of twice
 * the adapter's largest binding (256 MiB on lavapipe), counting 8 bytes (an activation and its gradient) for
 * each value of the input and of every spatial output per copy; at least 1, at most 64.
 */
export function defaultFidelityBatch(model: Classifier, checkpoints: number): number {
  const perCopy = 8 * (model.inputSize + model.spatialOutputs().reduce((sum, o) => sum + o.channels * o.height * o.width, 0));
  const budget = 2 * model.gpu.limits.maxBindingBytes;
  return Math.max(1, Math.min(64, Math.floor(budget / (perCopy * 2 * checkpoints))));
}

/**
 * The deletion and insertion curves of n images under `protocol`, on the GPU: for each batch of images the
 * pixel ranks of their maps (computed on the CPU while the previous batch runs) go up, `fidelityPerturb`
 * writes every image's 2·(steps + 1) perturbed copies straight into the model's input, one forward pass
 * scores them all, and only the logits come back. A point of a curve is the target's softmax probability
 * (float64, from the f32 logits) or its logit.
 * input: (n, C, H, W) normalised; maps: (n, H, W); targets: one class per image.
 * @throws RangeError for arrays of the wrong length, a target out of range or a NaN in a map.
 */
export async function fidelityCurves(
  model: Classifier,
  input: Float32Array,
  n: number,
  maps: Float32Array,
  targets: readonly number[],
  protocol: FidelityProtocol,
  options: FidelityCurvesOptions = {},
): Promise<FidelityCurves> {
  const { channels, height, width } = model.info.input;
  const pixels = height * width;
  const size = model.inputSize;
  if (input.length !== n * size) throw new RangeError(`fidelityCurves: input has ${input.length} values but ${n} images of ${channels}×${height}×${width} need ${n * size}`);
  if (maps.length !== n * pixels) throw new RangeError(`fidelityCurves: maps have ${maps.length} values but ${n} maps of ${height}×${width} need ${n * pixels}`);
  if (targets.length !== n) throw new RangeError(`fidelityCurves: ${targets.length} targets for ${n} images`);
  targets.forEach((t, i) => {
    if (!Number.isInteger(t) || t < 0 || t >= model.classes) throw new RangeError(`fidelityCurves: image ${i}'s target ${t} is outside [0, ${model.classes - 1}]`);
  });
  const k = protocol.checkpoints.length;
  const copies = 2 * k;
  const batch = options.batch ?? defaultFidelityBatch(model, k);
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`fidelityCurves: batch ${batch} must be a whole number ≥ 1`);
  const gpu = model.gpu;
  const checkpoints = gpu.tensorFrom(Uint32Array.from(protocol.checkpoints), 'fidelity checkpoints');
  const deletion = Array.from({ length: n }, () => new Float64Array(k));
  const insertion = Array.from({ length: n }, () => new Float64Array(k));
  // Every pass holds `batch` images, the last one padded with whatever the previous left: a pass's geometry
  // (and so every kernel's order of sums) is the same whatever n is, so that an image's curves do not
  // depend on which other images, or how many, share its run (sharded runs merge to the unsharded bits).
  const x = gpu.tensor(batch * size, 'fidelity images');
  const ranks = gpu.tensor(batch * pixels, 'fidelity ranks');
  const start = protocol.insertion === 'blur' ? gpu.tensor(batch * size, 'fidelity insertion start') : undefined;
  const ranksOf = (first: number, m: number) => {
    const out = new Uint32Array(m * pixels);
    for (let i = 0; i < m; i++) pixelRanks(maps.subarray((first + i) * pixels, (first + i + 1) * pixels), out, i * pixels);
    return out;
  };
  try {
    if (n > 0 && model.batch !== batch * copies) {
      // The model's input tensor is sized by a forward pass: one of zeros at the batch size.
      await model.forward(new Float32Array(batch * copies * size), batch * copies);
    }
    let nextRanks = n > 0 ? ranksOf(0, Math.min(batch, n)) : undefined;
    for (let first = 0; first < n; first += batch) {
      const m = Math.min(batch, n - first);
      const images = input.subarray(first * size, (first + m) * size);
      gpu.write(x, images);
      gpu.write(ranks, nextRanks!);
      if (start) gpu.write(start, riseBlur(images, m, channels, height, width));
      const substrates = { deletion: protocol.deletion, insertion: start ?? (protocol.insertion as number) };
      await fidelityPerturb(gpu, { n: batch, c: channels, h: height, w: width, checkpoints: k }, x, ranks, checkpoints, substrates, model.input);
      await model.forward();
      gpu.flush();
      // The next batch's ranks are sorted while the GPU runs this one.
      const after = first + m;
      nextRanks = after < n ? ranksOf(after, Math.min(batch, n - after)) : undefined;
      const logits = await gpu.read(model.logits, 0, m * copies * model.classes);
      for (let i = 0; i < m; i++) {
        const target = targets[first + i];
        for (let j = 0; j < copies; j++) {
          const row = logits.subarray((i * copies + j) * model.classes, (i * copies + j + 1) * model.classes);
          const score = protocol.score === 'logit' ? row[target] : softmaxAt(row, target);
          if (j < k) deletion[first + i][j] = score;
          else insertion[first + i][j - k] = score;
        }
      }
      options.onProgress?.(after, n);
    }
  } finally {
    for (const t of [checkpoints, x, ranks, start]) t?.buffer.destroy();
  }
  return { deletion, insertion };
}

/** exp(S_t) / Σ exp(S_c) in float64, the largest score subtracted first. */
function softmaxAt(row: Float32Array, target: number): number {
  let largest = -Infinity;
  for (const s of row) largest = Math.max(largest, s);
  let sum = 0;
  for (const s of row) sum += Math.exp(s - largest);
  return Math.exp(row[target] - largest) / sum;
}
