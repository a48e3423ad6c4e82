// conv2d backward to the input, version 2: implicit GEMM with workgroup tiles, the tiling of
// conv2d_forward_v2 applied to the transposed convolution.
// dy: (N, K, OH, OW)  w: (K, C, S, S)  dx: (N, C, H, W); stride `stride`, zero padding `pad_top` rows
// above and `pad_left` columns to the left.
//
// Per image, dx = Wᵀ · cols(dy): M = C input channels, columns = H·W pixels, reduction R = K·S·S, where
// cols(dy)[(k, r, s)][(iy, ix)] = dy[k, (iy + pad_top − r)/stride, (ix + pad_left − s)/stride], zero where
// a division is not exact (that tap of no output read this pixel) or falls outside dy: with a stride the
// gather skips the taps that did not touch the pixel, so no atomics are needed. A 16×16 workgroup
// computes a 64-channel × 64-pixel tile of one image (workgroup z), staging TK-deep slabs of W and of
// cols(dy) in workgroup memory; each invocation accumulates channels ty + 16·i and pixels tx + 16·j in
// four vec4 registers. dx is written, not accumulated: where x feeds two consumers the caller sums.

// The 16×16 invocations and their 4×4 blocks fix the tile at 64×64; the slab depth is a tuning value.
const TM = 64u;
const TN = 64u;
const THREADS = 256u;
override TK: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, size: u32,
  pad_top: u32, dy_base: u32, dx_base: u32, stride: u32,
  pad_left: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

var<workgroup> tile_w: array<f32, TK * TM>;   // [TK][TM]
var<workgroup> tile_dy: array<f32, TK * TN>;  // [TK][TN]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let tx = lid3.x;
  let ty = lid3.y;
  let pixels = p.h * p.w;
  let taps = p.size * p.size;
  let reduction = p.k * taps;
  let pixel0 = wid.x * TN;
  let c0 = wid.y * TM;
  let n = wid.z;
  let dy_image = p.dy_base + n * p.k * p.oh * p.ow;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);

  for (var r0 = 0u; r0 < reduction; r0 += TK) {
    for (var e = lid; e < TK * TM; e += THREADS) {
      // W[k, c, r, s] is contiguous along the taps (r, s), so e walks the reduction fastest.
      let wr = e % TK;
      let wm = e / TK;
      var wv = 0.0;
      let rr = r0 + wr;
      if (c0 + wm < p.c && rr < reduction) {
        wv = weight[((rr / taps) * p.c + c0 + wm) * taps + rr % taps];
      }
      tile_w[wr * TM + wm] = wv;
      // cols(dy): pixels run along rows of dy, so e walks them fastest.
      let xp = e % TN;
      let xr = e / TN;
      var v = 0.0;
      let pixel = pixel0 + xp;
      let rd = r0 + xr;
      if (pixel < pixels && rd < reduction) {
        let k = rd / taps;
        let tap = rd % taps;
        let ty = i32(pixel / p.w + p.pad_top) - i32(tap / p.size);
        let tx = i32(pixel % p.w + p.pad_left) - i32(tap % p.size);
        if (ty >= 0 && tx >= 0 && u32(ty) % p.stride == 0u && u32(tx) % p.stride == 0u) {
          let oy = u32(ty) / p.stride;
          let ox = u32(tx) / p.stride;
          if (oy < p.oh && ox < p.ow) {
            v = dy[dy_image + (k * p.oh + oy) * p.ow + ox];
          }
        }
      }
      tile_dy[xr * TN + xp] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let b = vec4f(tile_dy[kk * TN + tx], tile_dy[kk * TN + tx + 16u], tile_dy[kk * TN + tx + 32u], tile_dy[kk * TN + tx + 48u]);
      acc0 += tile_w[kk * TM + ty] * b;
      acc1 += tile_w[kk * TM + ty + 16u] * b;
      acc2 += tile_w[kk * TM + ty + 32u] * b;
      acc3 += tile_w[kk * TM + ty + 48u] * b;
    }
    workgroupBarrier();
  }

  store_row(n, c0 + ty, pixel0 + tx, pixels, acc0);
  store_row(n, c0 + ty + 16u, pixel0 + tx, pixels, acc1);
  store_row(n, c0 + ty + 32u, pixel0 + tx, pixels, acc2);
  store_row(n, c0 + ty + 48u, pixel0 + tx, pixels, acc3);
}

// Writes one channel's four pixels pixel, pixel + 16, … (those inside the image).
fn store_row(n: u32, c: u32, pixel: u32, pixels: u32, acc: vec4f) {
  if (c >= p.c) { return; }
  let row = p.dx_base + (n * p.c + c) * pixels;
  if (pixel < pixels) { dx[row + pixel] = acc.x; }
  if (pixel + 16u < pixels) { dx[row + pixel + 16u] = acc.y; }
  if (pixel + 32u < pixels) { dx[row + pixel + 32u] = acc.z; }
  if (pixel + 48u < pixels) { dx[row + pixel + 48u] = acc.w; }
}
