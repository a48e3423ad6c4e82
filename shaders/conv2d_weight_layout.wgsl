// Rearranges a conv2d weight for conv2d_forward_v3, which reads 4 output channels per vec4 load.
// w: (K, C, S, S)  →  wt: (C, S, S, KP), KP = K rounded up to 8, the extra channels zero.
// With FLIP = 1 it gives the weight of the transposed convolution instead, for the gradient to the
// input: the roles of K and C swap and the kernel turns 180°, wt: (K, S, S, CP) with
// wt[k, r, s, c] = w[k, c, S−1−r, S−1−s], CP = C rounded up to 8.

override WG: u32;
override FLIP: u32;

struct Params {
  k: u32, c: u32, taps: u32, padded: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read_write> wt: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  // i walks wt in order: (outer, tap, inner) with inner the padded, contiguous dimension.
  let outer_count = select(p.c, p.k, FLIP == 1u);
  if (i >= outer_count * p.taps * p.padded) { return; }
  let inner = i % p.padded;
  let tap = (i / p.padded) % p.taps;
  let outer = i / (p.padded * p.taps);
  var value = 0.0;
  if (FLIP == 0u) {
    // outer = c, inner = k
    if (inner < p.k) { value = weight[(inner * p.c + outer) * p.taps + tap]; }
  } else {
    // outer = k, inner = c
    if (inner < p.c) { value = weight[(outer * p.c + inner) * p.taps + (p.taps - 1u - tap)]; }
  }
  wt[i] = value;
}
