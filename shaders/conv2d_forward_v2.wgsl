// conv2d forward, version 2: implicit GEMM with workgroup tiles.
// x: (N, C, H, W)  w: (K, C, S, S)  b: (K)  y: (N, K, OH, OW), stride `stride` on both axes, zero
// padding `pad_top` rows above and `pad_left` columns to the left (bottom and right only set OH, OW).
// This is the general kernel: any square kernel (1×1 projections, 7×7/2 stems), any stride and padding.
//
// Per image, y = W · im2col(x): M = K output channels, columns = OH·OW pixels, reduction R = C·S·S,
// im2col(x)[(c, r, s)][(oy, ox)] = x[c, oy·stride + r − pad_top, ox·stride + s − pad_left] (zero outside x).
// A workgroup of 16×16 invocations computes a 64-channel × 64-pixel tile of one image (workgroup z is
// the image), stepping through R in slabs of TK: it stages a 64×TK slab of weights and the matching
// TK×64 slab of im2col(x) (gathered on the fly, zeros for padding) in workgroup memory, then each
// invocation accumulates a 4×4 block from them in registers. An invocation owns channels ty + 16·i and
// pixels tx + 16·j, so neighbouring invocations touch neighbouring pixels: coalesced on GPUs, and
// vectorised across lanes on lavapipe. The accumulators are four vec4s, not an array, because Tint
// clamps every dynamic index into a private array.

// The 16×16 invocations and their 4×4 blocks fix the tile at 64×64; the slab depth is a tuning value.
const TM = 64u;
const TN = 64u;
const THREADS = 256u;
override TK: u32;

struct Params {
  n: u32, c: u32, h: u32, w: u32,
  k: u32, oh: u32, ow: u32, size: u32,
  pad_top: u32, x_base: u32, y_base: u32, stride: u32,
  pad_left: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> weight: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

var<workgroup> tile_w: array<f32, TK * TM>;  // [TK][TM]
var<workgroup> tile_x: array<f32, TK * TN>;  // [TK][TN]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid3: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let tx = lid3.x;
  let ty = lid3.y;
  let pixels = p.oh * p.ow;
  let reduction = p.c * p.size * p.size;
  let taps = p.size * p.size;
  let pixel0 = wid.x * TN;
  let k0 = wid.y * TM;
  let n = wid.z;
  let x_image = p.x_base + n * p.c * p.h * p.w;

  var acc0 = vec4f(0.0);
  var acc1 = vec4f(0.0);
  var acc2 = vec4f(0.0);
  var acc3 = vec4f(0.0);

  for (var r0 = 0u; r0 < reduction; r0 += TK) {
    for (var e = lid; e < TK * TM; e += THREADS) {
      // Weights: rows of W are contiguous along the reduction, so e walks them fastest.
      let wr = e % TK;
      let wm = e / TK;
      var wv = 0.0;
      if (k0 + wm < p.k && r0 + wr < reduction) {
        wv = weight[(k0 + wm) * reduction + r0 + wr];
      }
      tile_w[wr * TM + wm] = wv;
      // im2col(x): pixels are contiguous along a row of x, so e walks them fastest.
      let xp = e % TN;
      let xr = e / TN;
      var xv = 0.0;
      let pixel = pixel0 + xp;
      let rr = r0 + xr;
      if (pixel < pixels && rr < reduction) {
        let c = rr / taps;
        let tap = rr % taps;
        let iy = i32((pixel / p.ow) * p.stride + tap / p.size) - i32(p.pad_top);
        let ix = i32((pixel % p.ow) * p.stride + tap % p.size) - i32(p.pad_left);
        if (iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w)) {
          xv = x[x_image + (c * p.h + u32(iy)) * p.w + u32(ix)];
        }
      }
      tile_x[xr * TN + xp] = xv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let b = vec4f(tile_x[kk * TN + tx], tile_x[kk * TN + tx + 16u], tile_x[kk * TN + tx + 32u], tile_x[kk * TN + tx + 48u]);
      acc0 += tile_w[kk * TM + ty] * b;
      acc1 += tile_w[kk * TM + ty + 16u] * b;
      acc2 += tile_w[kk * TM + ty + 32u] * b;
      acc3 += tile_w[kk * TM + ty + 48u] * b;
    }
    workgroupBarrier();
  }

  store_row(n, k0 + ty, pixel0 + tx, pixels, acc0);
  store_row(n, k0 + ty + 16u, pixel0 + tx, pixels, acc1);
  store_row(n, k0 + ty + 32u, pixel0 + tx, pixels, acc2);
  store_row(n, k0 + ty + 48u, pixel0 + tx, pixels, acc3);
}

// Writes one channel's four pixels pixel, pixel + 16, … (those inside the image), adding the bias.
fn store_row(n: u32, k: u32, pixel: u32, pixels: u32, acc: vec4f) {
  if (k >= p.k) { return; }
  let row = p.y_base + (n * p.k + k) * pixels;
  let b = bias[k];
  if (pixel < pixels) { y[row + pixel] = acc.x + b; }
  if (pixel + 16u < pixels) { y[row + pixel + 16u] = acc.y + b; }
  if (pixel + 32u < pixels) { y[row + pixel + 32u] = acc.z + b; }
  if (pixel + 48u < pixels) { y[row + pixel + 48u] = acc.w + b; }
}
