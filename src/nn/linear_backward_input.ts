import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_backward_input_v1.wgsl';
import v2 from '../../shaders/linear_backward_input_v2.wgsl';
import v3 from '../../shaders/linear_backward_input_v3.wgsl';
import v3Sum from '../../shaders/linear_backward_input_v3_sum.wgsl';
import v4 from '../../shaders/linear_backward_input_v4.wgsl';
import { checkLinear } from './linear_check.ts';
import { checkSubgroups } from './check_subgroups.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The fully connected backward-to-input kernels: 1 is the naive one, 2 reads the weight in vec4s, 8
 * columns × 2 batch rows per invocation, 3 the same in blocks of rows read front to back, summed in a
 * second pass, for batches of 1 or 2, 4 8 columns × up to 8 batch rows per invocation, each lane loading
 * one batch row's value of dy for its 8-lane subgroup (only where `gpu.subgroupSize` is 8). The default
 * is linearBackwardInputVariant's.
 */
export const LINEAR_BACKWARD_INPUT_VARIANTS = [1, 2, 3, 4] as const;
export type LinearBackwardInputVariant = (typeof LINEAR_BACKWARD_INPUT_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_backward_input_v1', code: v1 };
const SHADER_V2 = { name: 'linear_backward_input_v2', code: v2 };
const V2_WORKGROUP = 64;
const SHADER_V3 = { name: 'linear_backward_input_v3', code: v3 };
const SHADER_V3_SUM = { name: 'linear_backward_input_v3_sum', code: v3Sum };
// v3: the weight rows each workgroup reads front to back.
const V3_ROWS = 32;
const SHADER_V4 = { name: 'linear_backward_input_v4', code: v4 };
// v4's workgroup, one 8-lane subgroup: 8 lanes × 8 columns, and up to 8 batch rows.
const V4_COLUMNS = 64;
const V4_BATCH_ROWS = 8;
// v4 splits the weight's rows into blocks (summed by v3's second pass) until a dispatch has this many
// workgroups, in blocks of at least V3_ROWS rows. On lavapipe (noisy, fastest of 2 to 7 runs, ms) a
// target of 1 (never split), 64 and unbounded (blocks of 32 rows) took: 3136 → 256 batch 10 3.8, 5.5,
// 6.2; 4096 → 1000 batch 8 16.3, 14.8, 21.4; batch 32 84, 81, 93; batch 3 13.6, 13.4, 11.5; fc6 batch 8
// (392 workgroups, so never split at 1 or 64) 522, —, 618.
const V4_WORKGROUPS = 64;

/**
 * dx = dy·weight.  dy: (n, out)  weight: (out, in)  dx: (n, in), overwritten.
 * With the weight bound in row blocks, each block adds its share to dx after the first.
 */
export async function linearBackwardInput(
  gpu: Gpu,
  s: LinearShape,
  dy: GpuTensor,
  weight: GpuTensor,
  dx: GpuTensor,
  variant?: LinearBackwardInputVariant,
): Promise<void> {
  checkLinear('linear_backward_input', s, { dy, weight, dx });
  const vectors = s.inFeatures % 4 === 0;
  const pairs = takesPairs(gpu, s);
  variant ??= linearBackwardInputVariant(gpu, s);
  if (!LINEAR_BACKWARD_INPUT_VARIANTS.includes(variant)) throw new RangeError(`linear_backward_input: no variant ${variant}; known: ${LINEAR_BACKWARD_INPUT_VARIANTS.join(', ')}`);
  if (variant !== 1 && !vectors) throw new RangeError(`linear_backward_input: variant ${variant} needs an input width that is a multiple of 4, not ${s.inFeatures}`);
  if (variant === 4) {
    checkSubgroups('linear_backward_input', gpu, 4);
    await linearBackwardInputV4(gpu, s, dy, weight, dx);
    return;
  }
  if (variant === 3) {
    if (!pairs) throw new RangeError(`linear_backward_input: variant 3 takes batches of 1 or 2 rows that fit one binding, not ${s.n} × ${s.inFeatures}`);
    await linearBackwardInputV3(gpu, s, dy, weight, dx);
    return;
  }
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { WG: V2_WORKGROUP, PAIR: s.n > 1 ? 1 : 0 });
  const workgroup = variant === 1 ? ELEMENTWISE_WORKGROUP : V2_WORKGROUP;
  const batches = itemSlices(gpu, 'linear_backward_input', s.n, { dx: s.inFeatures, dy: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_backward_input', s.outFeatures, { 'a weight row': s.inFeatures });
  for (const [n0, n] of batches) {
    const dyw = gpu.window(dy, n0 * s.outFeatures, n * s.outFeatures);
    const dxw = gpu.window(dx, n0 * s.inFeatures, n * s.inFeatures);
    blocks.forEach(([o0, rows], block) => {
      const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
      const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, dyw.base, ww.base, dxw.base, block > 0 ? 1 : 0]);
      gpu.dispatch(pipeline, params, [dyw.binding, ww.binding, dxw.binding], gpu.grid(Math.ceil(
        (variant === 1 ? n * s.inFeatures : Math.ceil(s.inFeatures / 8) * Math.ceil(n / 2)) / workgroup)));
    });
  }
}

// Invocations of variant 2 for `s`: 8 columns × 2 batch rows each.
const v2Invocations = (s: LinearShape) => Math.ceil(s.inFeatures / 8) * Math.ceil(s.n / 2);

// v3 binds the whole of dy and dx (at most 2 rows), and its partial sums as large.
const takesPairs = (gpu: Gpu, s: LinearShape) => s.n <= 2 && s.n * Math.max(s.inFeatures, s.outFeatures) <= gpu.maxWindowElements;

/**
 * The variant linearBackwardInput picks for `s` when given none: 1 for widths that are no multiple of 4;
 * 4 for one batch row where subgroups have 8 lanes; otherwise, for batches of 1 or 2 rows, 3, or 2 for
 * rows of 16384 or more where 2 dispatches at least `gpu.fillInvocations` invocations; 4 for larger
 * batches where subgroups have 8 lanes, else 2.
 */
export function linearBackwardInputVariant(gpu: Gpu, s: LinearShape): LinearBackwardInputVariant {
  if (s.inFeatures % 4 !== 0) return 1;
  // Measured on lavapipe (2 shared cores, noisy; fastest of 2 to 7 runs, ms): fc6 (25088 → 4096) batch 1
  // v3 414, v4 500; batch 2 v3 494, v4 596; batch 8 v2 1381, v4 522. 4096 → 1000 batch 3 v2 56, v4 13;
  // batch 8 v2 61, v4 15; batch 32 v2 207, v4 81. 3136 → 256 batch 10 v2 12.0, v4 5.5.
  // Then idle (bench/results/2026-12-03-lavapipe-kernel-notes.md), batch 1, v2 against v3: 25088 → 4096
  // 115 against 146, 16384 → 4096 95 against 103, 25088 → 1024 29 against 32; but 8192 → 4096 85 against
  // 50 and 4096 → 4096 40 against 28.
  // On an AVX-512 EPYC (bench/results/2026-12-04-lavapipe-kernel-notes.md), batch 1, fastest of 7
  // alternating rounds, v2 / v3 / v4: 25088 → 4096 96.7 / 67.9 / 57.7, 16384 → 4096 42.8 / 48.6 / 41.4,
  // 8192 → 4096 21.4 / 24.8 / 18.6, 4096 → 4096 11.4 / 11.1 / 10.4, 25088 → 1024 26.4 / 17.4 / 17.3;
  // at batch 2, 25088 → 4096, v2 75.4, v3 79.8, v4 83.6.
  if (s.n === 1 && gpu.subgroupSize === 8) return 4;
  // On a GPU, v2 at fc6's batch 1 is 3136 invocations, and an H100 read the weight at 84 GB/s of its 3 TB/s
  // (bench/results/2026-11-26-nvidia-h100-80gb-hbm3.md): v3's blocks of 32 rows fill it. On an H200, fc6 at
  // batch 1, v2 1.774 and v3 0.150 ms (bench/results/2026-12-04-nvidia-h200-linear-variants-wg128.md).
  if (takesPairs(gpu, s)) return s.inFeatures >= 16384 && v2Invocations(s) >= gpu.fillInvocations ? 2 : 3;
  return gpu.subgroupSize === 8 ? 4 : 2;
}

/** Variant 3: per batch run of at most 2 rows and weight window, the row-block pass, then the sum into dx. */
async function linearBackwardInputV3(gpu: Gpu, s: LinearShape, dy: GpuTensor, weight: GpuTensor, dx: GpuTensor): Promise<void> {
  const quads = s.inFeatures / 4;
  const rowsPass = await gpu.pipeline(SHADER_V3, { WG: V2_WORKGROUP, ROWS: V3_ROWS, PAIR: s.n > 1 ? 1 : 0 });
  const sumPass = await gpu.pipeline(SHADER_V3_SUM, { WG: ELEMENTWISE_WORKGROUP });
  const blocks = itemSlices(gpu, 'linear_backward_input', s.outFeatures, { 'a weight row': s.inFeatures });
  const most = Math.max(...blocks.map(([, rows]) => Math.ceil(rows / V3_ROWS)));
  const partial = gpu.scratch('linear_backward_input_v3 partial sums', most * s.n * s.inFeatures);
  for (const [window, [o0, rows]] of blocks.entries()) {
    const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
    const count = Math.ceil(rows / V3_ROWS);
    const pw = gpu.window(partial, 0, count * s.n * s.inFeatures);
    const dyw = gpu.window(dy, 0, s.n * s.outFeatures);
    const dxw = gpu.window(dx, 0, s.n * s.inFeatures);
    gpu.dispatch(rowsPass, new Uint32Array([s.n, s.inFeatures, s.outFeatures, rows, o0, dyw.base, ww.base]), [dyw.binding, ww.binding, pw.binding],
      [Math.ceil(quads / 2 / V2_WORKGROUP), count, 1]);
    gpu.dispatch(sumPass, new Uint32Array([s.n, quads, count, dxw.base, window > 0 ? 1 : 0]), [pw.binding, dxw.binding],
      gpu.grid(Math.ceil((s.n * quads) / ELEMENTWISE_WORKGROUP)));
  }
}

/**
 * Variant 4: per batch run and weight window, workgroups of 64 columns × a block of rows × B batch rows,
 * straight into dx when the window is one block, otherwise into partial sums that v3's second pass adds.
 */
async function linearBackwardInputV4(gpu: Gpu, s: LinearShape, dy: GpuTensor, weight: GpuTensor, dx: GpuTensor): Promise<void> {
  const quads = s.inFeatures / 4;
  const sumPass = await gpu.pipeline(SHADER_V3_SUM, { WG: ELEMENTWISE_WORKGROUP });
  const batches = itemSlices(gpu, 'linear_backward_input', s.n, { dx: s.inFeatures, dy: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_backward_input', s.outFeatures, { 'a weight row': s.inFeatures });
  const tiles = Math.ceil(s.inFeatures / V4_COLUMNS);
  for (const [n0, n] of batches) {
    // The run's rows in ⌈n/8⌉ equal groups: 9 rows are 2 groups of 5, not 8 and a 1 padded to 8.
    const rowsPer = Math.ceil(n / Math.ceil(n / V4_BATCH_ROWS));
    const groups = Math.ceil(n / rowsPer);
    const rowsPass = await gpu.pipeline(SHADER_V4, { B: rowsPer });
    const dyw = gpu.window(dy, n0 * s.outFeatures, n * s.outFeatures);
    const dxw = gpu.window(dx, n0 * s.inFeatures, n * s.inFeatures);
    // Partial sums of (split, n, in) must fit one binding.
    const mostSplit = Math.max(1, Math.floor(gpu.maxWindowElements / (n * s.inFeatures)));
    for (const [window, [o0, rows]] of blocks.entries()) {
      const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
      const wanted = Math.ceil(V4_WORKGROUPS / (tiles * groups));
      const split = Math.max(1, Math.min(wanted, Math.ceil(rows / V3_ROWS), mostSplit));
      const span = Math.ceil(rows / split);
      const count = Math.ceil(rows / span);
      const grid = [tiles, count, groups] as const;
      const accumulate = window > 0 ? 1 : 0;
      if (count === 1) {
        gpu.dispatch(rowsPass, new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, dyw.base, ww.base, dxw.base, span, accumulate]),
          [dyw.binding, ww.binding, dxw.binding], grid);
        continue;
      }
      const partial = gpu.scratch('linear_backward_input_v4 partial sums', count * n * s.inFeatures);
      const pw = gpu.window(partial, 0, count * n * s.inFeatures);
      gpu.dispatch(rowsPass, new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, dyw.base, ww.base, pw.base, span, 0]),
        [dyw.binding, ww.binding, pw.binding], grid);
      gpu.dispatch(sumPass, new Uint32Array([n, quads, count, dxw.base, accumulate]), [pw.binding, dxw.binding],
        gpu.grid(Math.ceil((n * quads) / ELEMENTWISE_WORKGROUP)));
    }
  }
}
