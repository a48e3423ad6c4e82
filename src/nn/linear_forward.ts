import { type Gpu, GPU_FILL_INVOCATIONS, type GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import v1 from '../../shaders/linear_forward_v1.wgsl';
import v2 from '../../shaders/linear_forward_v2.wgsl';
import v3 from '../../shaders/linear_forward_v3.wgsl';
import v4 from '../../shaders/linear_forward_v4.wgsl';
import { checkLinear } from './linear_check.ts';
import { checkSubgroups } from './check_subgroups.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/**
 * The fully connected forward kernels: 1 is the naive one, 2 reads the weight in vec4s, 4 rows × 2 batch rows per invocation,
 * 3 4 rows × up to 8 batch rows per invocation, each lane loading one batch row of x for its 8-lane subgroup (only where
 * `gpu.subgroupSize` is 8), 4 a workgroup a group of 4 rows split over the input (split-K) × up to 8 batch rows, for
 * adapters that 2 would leave idle. The default is linearForwardVariant's.
 */
export const LINEAR_FORWARD_VARIANTS = [1, 2, 3, 4] as const;
export type LinearForwardVariant = (typeof LINEAR_FORWARD_VARIANTS)[number];

const SHADER_V1 = { name: 'linear_forward_v1', code: v1 };
const SHADER_V2 = { name: 'linear_forward_v2', code: v2 };
const V2_WORKGROUP = 64;
const SHADER_V3 = { name: 'linear_forward_v3', code: v3 };
// v3's workgroup, one 8-lane subgroup: 8 lanes × 4 output rows, and up to 8 batch rows.
const V3_ROWS = 32;
const V3_BATCH_ROWS = 8;
const SHADER_V4 = { name: 'linear_forward_v4', code: v4 };
// v4's workgroup: this many invocations share a group of 4 rows, or fewer for short rows. Its sums, one
// vec4 a lane and batch row, take 128 × 8 × 16 bytes: WebGPU's default 16 KiB of workgroup memory.
const V4_WORKGROUP = 128;
const V4_BATCH_ROWS = 8;

/**
 * y = x·weightᵀ + bias.  x: (n, in)  weight: (out, in)  bias: (out)  y: (n, out).
 * A weight larger than one binding (VGG16's fc6 is 411 MB) is bound in blocks of whole rows.
 */
export async function linearForward(
  gpu: Gpu,
  s: LinearShape,
  x: GpuTensor,
  weight: GpuTensor,
  bias: GpuTensor,
  y: GpuTensor,
  variant?: LinearForwardVariant,
): Promise<void> {
  checkLinear('linear_forward', s, { x, weight, bias, y });
  const vectors = s.inFeatures % 4 === 0;
  variant ??= linearForwardVariant(gpu, s);
  if (!LINEAR_FORWARD_VARIANTS.includes(variant)) throw new RangeError(`linear_forward: no variant ${variant}; known: ${LINEAR_FORWARD_VARIANTS.join(', ')}`);
  if (variant !== 1 && !vectors) throw new RangeError(`linear_forward: variant ${variant} needs an input width that is a multiple of 4, not ${s.inFeatures}`);
  if (variant === 3) {
    checkSubgroups('linear_forward', gpu, 3);
    await linearForwardV3(gpu, s, x, weight, bias, y);
    return;
  }
  if (variant === 4) {
    await linearForwardV4(gpu, s, x, weight, bias, y);
    return;
  }
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { WG: V2_WORKGROUP, PAIR: s.n > 1 ? 1 : 0 });
  const workgroup = variant === 1 ? ELEMENTWISE_WORKGROUP : V2_WORKGROUP;
  const batches = itemSlices(gpu, 'linear_forward', s.n, { x: s.inFeatures, y: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_forward', s.outFeatures, { 'a weight row': s.inFeatures });
  for (const [n0, n] of batches) {
    const xw = gpu.window(x, n0 * s.inFeatures, n * s.inFeatures);
    const yw = gpu.window(y, n0 * s.outFeatures, n * s.outFeatures);
    for (const [o0, rows] of blocks) {
      const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
      const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, xw.base, ww.base, yw.base]);
      gpu.dispatch(pipeline, params, [xw.binding, ww.binding, gpu.window(bias).binding, yw.binding],
        gpu.grid(Math.ceil((variant === 1 ? n * rows : Math.ceil(rows / 4) * Math.ceil(n / 2)) / workgroup)));
    }
  }
}

// Invocations of variant 2 for `s`: 4 rows × 2 batch rows each.
const v2Invocations = (s: LinearShape) => Math.ceil(s.outFeatures / 4) * Math.ceil(s.n / 2);

/**
 * The variant linearForward picks for `s` when given none: 1 for widths that are no multiple of 4; 3 from
 * batch 2 up where subgroups have 8 lanes; otherwise, on an adapter whose `gpu.fillInvocations` is a GPU's
 * (16384 or more), 4 where 2 would dispatch fewer invocations than that (VGG16's fc6 at batch 1: 1024), else 2.
 */
export function linearForwardVariant(gpu: Gpu, s: LinearShape): LinearForwardVariant {
  if (s.inFeatures % 4 !== 0) return 1;
  // Measured on lavapipe (2 shared cores, noisy; fastest of 3 to 9 runs, ms): fc6 (25088 → 4096)
  // batch 1 v2 486, v3 684 under load 6 and v2 222, v3 207 under load 2.5, no clear winner, so batch 1
  // keeps v2; batch 2 v2 162, v3 134; batch 8 v2 1701, v3 499. 4096 → 1000 batch 2 v2 18.2, v3 14.3; batch 8
  // v2 79, v3 15.0; batch 32 v2 268, v3 81. 3136 → 256 batch 10 v2 10.6, v3 3.3.
  if (s.n >= 2 && gpu.subgroupSize === 8) return 3;
  // On lavapipe v4 lost at batch 1 even where v2 dispatches a few hundred invocations (fastest of 6
  // alternating rounds, v2 / v4, ms: 4096 → 1000 1.90 / 3.67, 3136 → 256 0.54 / 0.85, fc6 63 / 104):
  // its 2 threads are filled by far fewer than its fillInvocations (1024). So v4 only where the adapter
  // asks for a GPU's fill. On an H200 (bench/results/2026-12-04-nvidia-h200-linear-variants-wg128.md),
  // v2 / v4, ms: fc6 at batch 1 4.489 / 0.093, at batch 16 3.080 / 0.276; fc8 at batch 1 0.373 / 0.006.
  return gpu.fillInvocations >= GPU_FILL_INVOCATIONS && v2Invocations(s) < gpu.fillInvocations ? 4 : 2;
}

/** Variant 3: per batch run and weight window, workgroups of 32 output rows × B batch rows. */
async function linearForwardV3(gpu: Gpu, s: LinearShape, x: GpuTensor, weight: GpuTensor, bias: GpuTensor, y: GpuTensor): Promise<void> {
  const batches = itemSlices(gpu, 'linear_forward', s.n, { x: s.inFeatures, y: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_forward', s.outFeatures, { 'a weight row': s.inFeatures });
  for (const [n0, n] of batches) {
    // The run's rows in ⌈n/8⌉ equal groups: 9 rows are 2 groups of 5, not 8 and a 1 padded to 8.
    const groups = Math.ceil(n / V3_BATCH_ROWS);
    const rowsPer = Math.ceil(n / groups);
    const pipeline = await gpu.pipeline(SHADER_V3, { B: rowsPer });
    const xw = gpu.window(x, n0 * s.inFeatures, n * s.inFeatures);
    const yw = gpu.window(y, n0 * s.outFeatures, n * s.outFeatures);
    for (const [o0, rows] of blocks) {
      const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
      const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, xw.base, ww.base, yw.base]);
      gpu.dispatch(pipeline, params, [xw.binding, ww.binding, gpu.window(bias).binding, yw.binding],
        [Math.ceil(rows / V3_ROWS), Math.ceil(n / rowsPer), 1]);
    }
  }
}

/** Variant 4: per batch run and weight window, workgroups of 4 output rows × B batch rows. */
async function linearForwardV4(gpu: Gpu, s: LinearShape, x: GpuTensor, weight: GpuTensor, bias: GpuTensor, y: GpuTensor): Promise<void> {
  const batches = itemSlices(gpu, 'linear_forward', s.n, { x: s.inFeatures, y: s.outFeatures });
  const blocks = itemSlices(gpu, 'linear_forward', s.outFeatures, { 'a weight row': s.inFeatures });
  // A power of 2 no larger than the row's vec4s need (rows shorter than the workgroup leave lanes idle).
  const workgroup = Math.min(V4_WORKGROUP, 2 ** Math.ceil(Math.log2(s.inFeatures / 4)));
  // A block of rows is at most this many groups of 4, so that its workgroups fit one grid dimension.
  const most = 4 * gpu.limits.workgroupsPerDimension;
  for (const [n0, n] of batches) {
    const rowsPer = Math.ceil(n / Math.ceil(n / V4_BATCH_ROWS));
    const pipeline = await gpu.pipeline(SHADER_V4, { WG: workgroup, B: rowsPer });
    const xw = gpu.window(x, n0 * s.inFeatures, n * s.inFeatures);
    const yw = gpu.window(y, n0 * s.outFeatures, n * s.outFeatures);
    for (const [b0, blockRows] of blocks) {
      for (let o0 = b0; o0 < b0 + blockRows; o0 += most) {
        const rows = Math.min(most, b0 + blockRows - o0);
        const ww = gpu.window(weight, o0 * s.inFeatures, rows * s.inFeatures);
        const params = new Uint32Array([n, s.inFeatures, s.outFeatures, rows, o0, xw.base, ww.base, yw.base]);
        gpu.dispatch(pipeline, params, [xw.binding, ww.binding, gpu.window(bias).binding, yw.binding],
          [Math.ceil(rows / 4), Math.ceil(n / rowsPer), 1]);
      }
    }
  }
}
