import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/bilinear_upsample.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'bilinear_upsample', code };

/** Planes of (inH, inW) resampled to (outH, outW). */
export interface ResampleShape {
  readonly planes: number;
  readonly inH: number;
  readonly inW: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * Bilinear resampling with half-pixel centres, as PyTorch's F.interpolate(mode='bilinear',
 * align_corners=False): source coordinate (o + ½)·in/out − ½, clamped at 0 below and to the last
 * row or column above. x: (planes, inH, inW)  y: (planes, outH, outW).
 */
export async function bilinearUpsample(gpu: Gpu, s: ResampleShape, x: GpuTensor, y: GpuTensor): Promise<void> {
  checkDimensions('bilinear_upsample', { planes: s.planes, inH: s.inH, inW: s.inW, outH: s.outH, outW: s.outW });
  const inPlane = s.inH * s.inW;
  const outPlane = s.outH * s.outW;
  checkTensor('bilinear_upsample', 'x', x, s.planes * inPlane, [s.planes, s.inH, s.inW]);
  checkTensor('bilinear_upsample', 'y', y, s.planes * outPlane, [s.planes, s.outH, s.outW]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [p0, planes] of itemSlices(gpu, 'bilinear_upsample', s.planes, { x: inPlane, y: outPlane })) {
    const xw = gpu.window(x, p0 * inPlane, planes * inPlane);
    const yw = gpu.window(y, p0 * outPlane, planes * outPlane);
    gpu.dispatch(
      pipeline,
      new Uint32Array([planes, s.inH, s.inW, s.outH, s.outW, xw.base, yw.base, f32Bits(s.inH / s.outH), f32Bits(s.inW / s.outW)]),
      [xw.binding, yw.binding],
      gpu.grid(Math.ceil((planes * outPlane) / ELEMENTWISE_WORKGROUP)),
    );
  }
}
