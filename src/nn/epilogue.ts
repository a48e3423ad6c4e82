import type { BindingWindow, Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ReluRule } from '../shapes/mod.ts';
import { checkTensor } from './check_tensor.ts';

/**
 * What a kernel applies to each value v it stores (a fused ReLU; shaders' `EPILOGUE` constant):
 * - `relu`: max(v, 0), the ReLU above a convolution (forward);
 * - a ReLU rule, the backward of a ReLU below, whose output at the same index is m (`mask`, shaped as
 *   the kernel's output): `gradient` v·[m > 0], `deconvnet` v·[v > 0], `guided` v·[m > 0]·[v > 0].
 * A ReLU's mask [x > 0] is [relu(x) > 0], so its output alone serves. The fused results equal the
 * separate passes (reluForward, reluBackward) bit for bit.
 */
export type Epilogue = { readonly kind: 'relu' } | { readonly kind: ReluRule; readonly mask: GpuTensor };

const CODES = { relu: 1, gradient: 2, deconvnet: 3, guided: 4 } as const;

/** The shaders' EPILOGUE code: 0 none, 1 relu, 2 gradient, 3 deconvnet, 4 guided. */
export function epilogueCode(epilogue: Epilogue | undefined): number {
  if (epilogue === undefined) return 0;
  const code = CODES[epilogue.kind];
  if (code === undefined) throw new RangeError(`epilogue: "${epilogue.kind}" is not one of relu, gradient, deconvnet, guided`);
  return code;
}

/** Throws a RangeError unless the epilogue's mask, where it reads one, holds `length` elements (the output's). */
export function checkEpilogue(kernel: string, epilogue: Epilogue | undefined, length: number): void {
  if (epilogue !== undefined && epilogue.kind !== 'relu') checkTensor(kernel, 'epilogue mask', epilogue.mask, length, [length]);
}

/**
 * The window of the epilogue's mask that goes with the output's window `start`…`start + count`, or
 * undefined where the epilogue reads none (the kernel then binds any read-only tensor in its place).
 */
export function epilogueWindow(gpu: Gpu, epilogue: Epilogue | undefined, start: number, count: number): BindingWindow | undefined {
  return epilogue === undefined || epilogue.kind === 'relu' ? undefined : gpu.window(epilogue.mask, start, count);
}
