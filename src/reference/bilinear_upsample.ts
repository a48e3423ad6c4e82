import { expectLength } from './expect_length.ts';

/**
 * PyTorch's F.interpolate(x, size=(outH, outW), mode='bilinear', align_corners=False), plainly: output
 * pixel centre (y + ½) maps to source coordinate (y + ½)·inH/outH − ½, clamped below at 0; the two
 * nearest source rows (the last repeated at the edge) are blended linearly, then the columns likewise.
 * x: (planes, inH, inW)  →  (planes, outH, outW).
 */
export function bilinearUpsample(x: ArrayLike<number>, planes: number, inH: number, inW: number, outH: number, outW: number): Float64Array {
  expectLength('bilinear_upsample', 'x', x, [planes, inH, inW]);
  const y = new Float64Array(planes * outH * outW);
  const source = (o: number, inSize: number, outSize: number) => {
    const s = Math.max(0, ((o + 0.5) * inSize) / outSize - 0.5);
    const i0 = Math.min(Math.floor(s), inSize - 1);
    const i1 = i0 < inSize - 1 ? i0 + 1 : i0;
    return { i0, i1, lambda: s - i0 };
  };
  for (let q = 0; q < planes; q++) {
    for (let oy = 0; oy < outH; oy++) {
      const r = source(oy, inH, outH);
      for (let ox = 0; ox < outW; ox++) {
        const c = source(ox, inW, outW);
        const at = (i: number, j: number) => x[(q * inH + i) * inW + j];
        const top = (1 - c.lambda) * at(r.i0, c.i0) + c.lambda * at(r.i0, c.i1);
        const bottom = (1 - c.lambda) * at(r.i1, c.i0) + c.lambda * at(r.i1, c.i1);
        y[(q * outH + oy) * outW + ox] = (1 - r.lambda) * top + r.lambda * bottom;
      }
    }
  }
  return y;
}
