// Winograd convolution, the weight transform U = G g Gᵀ of every 3×3 kernel, for F(M×M, 3×3) with
// M = 2, 4 or 6 (A = M + 2 points).
// w: (K, C, 3, 3)  →  u: (A·A, C, KP), u[ξ, c, k] the ξ-th transformed value of w[k, c], KP = K rounded
// up to the product kernel's channel block, the extra channels zero.
// With FLIP = 1 it transforms the weight of the transposed convolution instead, for the gradient to the
// input (a 3×3 stride-1 conv's dx is a 3×3 stride-1 conv of dy): in and out channels swap and the kernel
// turns 180°, u: (A·A, K, CP) from g[r, s] = w[k, c, 2 − r, 2 − s].
// G is Lavin & Gray's (2016): for M = 2 the rows (1, 0, 0), (½, ½, ½), (½, −½, ½), (0, 0, 1); for M = 4
// (points 0, ±1, ±2) and M = 6 (0, ±1, ±2, ±½, as in NNPACK) those in weight_1d.
// src/reference/conv2d_winograd.ts holds the same matrices in float64.
// One invocation a (in channel, padded out channel) pair, out channels fastest.

override WG: u32;
override M: u32;
override FLIP: u32;

struct Params {
  k: u32, c: u32, padded: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read_write> u: array<f32>;

// G applied to one column (or row) of 3 taps (the points past A are unused).
fn weight_1d(g: array<f32, 3>) -> array<f32, 8> {
  if (M == 2u) {
    return array<f32, 8>(g[0], 0.5 * (g[0] + g[1] + g[2]), 0.5 * (g[0] - g[1] + g[2]), g[2], 0.0, 0.0, 0.0, 0.0);
  }
  if (M == 4u) {
    return array<f32, 8>(
      0.25 * g[0],
      -(g[0] + g[1] + g[2]) / 6.0,
      -(g[0] - g[1] + g[2]) / 6.0,
      (g[0] + 2.0 * g[1] + 4.0 * g[2]) / 24.0,
      (g[0] - 2.0 * g[1] + 4.0 * g[2]) / 24.0,
      g[2],
      0.0,
      0.0,
    );
  }
  return array<f32, 8>(
    g[0],
    -2.0 * (g[0] + g[1] + g[2]) / 9.0,
    -2.0 * (g[0] - g[1] + g[2]) / 9.0,
    (g[0] + 2.0 * g[1] + 4.0 * g[2]) / 90.0,
    (g[0] - 2.0 * g[1] + 4.0 * g[2]) / 90.0,
    (32.0 * g[0] + 16.0 * g[1] + 8.0 * g[2]) / 45.0,
    (32.0 * g[0] - 16.0 * g[1] + 8.0 * g[2]) / 45.0,
    g[2],
  );
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  let inner = select(p.c, p.k, FLIP == 1u);
  let outer = select(p.k, p.c, FLIP == 1u);
  if (i >= inner * p.padded) { return; }
  let o = i % p.padded;
  let n = i / p.padded;
  let a = M + 2u;
  let step = inner * p.padded;
  if (o >= outer) {
    for (var xi = 0u; xi < a * a; xi++) { u[xi * step + i] = 0.0; }
    return;
  }
  // Forward: out channel o = k, in channel n = c; with FLIP, o = c and n = k.
  let first = select((o * p.c + n) * 9u, (n * p.c + o) * 9u, FLIP == 1u);
  var g: array<array<f32, 3>, 3>;
  for (var r = 0u; r < 3u; r++) {
    for (var s = 0u; s < 3u; s++) {
      let tap = select(r * 3u + s, 8u - r * 3u - s, FLIP == 1u);
      g[r][s] = weight[first + tap];
    }
  }
  // e[ξr][s] = G applied down column s, then each row of e across.
  var e: array<array<f32, 3>, 8>;
  for (var s = 0u; s < 3u; s++) {
    let b = weight_1d(array<f32, 3>(g[0][s], g[1][s], g[2][s]));
    for (var r = 0u; r < a; r++) { e[r][s] = b[r]; }
  }
  for (var r = 0u; r < a; r++) {
    let b = weight_1d(e[r]);
    for (var s = 0u; s < a; s++) { u[(r * a + s) * step + i] = b[s]; }
  }
}
