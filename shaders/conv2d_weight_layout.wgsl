// Rearranges a conv2d weight for the direct kernels (conv2d_forward v3 to v7), which read 4 output
// channels per vec4 load.
// w: (K, C, S, S)  →  wt: (C, S, S, KP), KP = K rounded up to a block of 8 (16 for conv2d_forward_v9), the extra channels zero.
// With FLIP = 1 it gives the weight of the transposed convolution instead, for the gradient to the
// input: the roles of K and C swap and the kernel turns 180°, wt: (K, S, S, CP) with
// wt[k, r, s, c] = w[k, c, S−1−r, S−1−s], CP = C rounded up to the block.
// An invocation moves the S·S taps of one outer index and 4 neighbouring inner ones, reading each
// inner one's taps from one place in w and writing a vec4 a tap (walking wt element by element read
// each w value on its own, 18 KB from the last, and took 35 ms for VGG16's conv4_3 on lavapipe).

override WG: u32;
override FLIP: u32;

struct Params {
  k: u32, c: u32, taps: u32, padded: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> weight: array<f32>;
@group(0) @binding(2) var<storage, read_write> wt: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * groups.x + wid.x) * WG + lid;
  // i walks the (outer, inner quad) pairs of wt, inner the padded, contiguous dimension.
  let quads = p.padded / 4u;
  let outer_count = select(p.c, p.k, FLIP == 1u);
  if (i >= outer_count * quads) { return; }
  let inner = (i % quads) * 4u;
  let outer = i / quads;
  // Channels past the real count are zero.
  let count = select(p.k, p.c, FLIP == 1u);
  let real = vec4<bool>(inner < count, inner + 1u < count, inner + 2u < count, inner + 3u < count);
  // Where inner channel inner + j's taps start in w: outer = c, inner = k; or with FLIP outer = k, inner = c.
  var first = vec4u(0u);
  for (var j = 0u; j < 4u; j++) {
    let n = min(inner + j, count - 1u);
    first[j] = select((n * p.c + outer) * p.taps, (outer * p.c + n) * p.taps, FLIP == 1u);
  }
  for (var t = 0u; t < p.taps; t++) {
    let source = select(t, p.taps - 1u - t, FLIP == 1u);
    let v = vec4f(weight[first.x + source], weight[first.y + source], weight[first.z + source], weight[first.w + source]);
    wt[((outer * p.taps + t) * p.padded + inner) / 4u] = select(vec4f(0.0), v, real);
  }
}
