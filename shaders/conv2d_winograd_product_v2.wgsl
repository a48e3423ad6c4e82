// Winograd convolution, step 2 of 3, version 2: the A·A batched products of version 1,
// m[ξ, k, t] = Σ_c u[ξ, c, k] · v[ξ, c, t], sharing the loads of u through 8-lane subgroups.
// u: (A·A, C, KP) from conv2d_winograd_weight  v: (A·A, C, TP) from conv2d_winograd_input
// →  m: (A·A, KP, TP). KP is a multiple of 32, TP of 8 (both zero-padded by the kernels that wrote them).
// A workgroup is one subgroup of 8 lanes on the same 32 channels; lane i computes those 32 channels ×
// tiles 8·i … 8·i + 7 of the workgroup's 64. Per input channel, lane j loads vec4 j of u's 32 channels
// and the subgroup broadcasts them, and each lane loads its 2 vec4s of v: 3 loads for 256 FMAs, as
// conv2d_forward_v7 shares its weights. Needs subgroups of exactly 8 lanes (the dispatcher checks);
// every lane stays to the end of the loop, lanes past TP read tile 0 and store nothing.
// Workgroup x covers 64 tiles, y the 32-channel block, z the point ξ.

enable subgroups;

struct Params {
  c: u32, kp: u32, tp: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> u: array<vec4f>;
@group(0) @binding(2) var<storage, read> v: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4f>;

@compute @workgroup_size(8)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(subgroup_invocation_id) lane: u32) {
  let t0 = (wid.x * 8u + lane) * 8u;
  let live = t0 < p.tp;
  let k0 = wid.y * 32u;
  let xi = wid.z;
  let u_step = p.kp / 4u;
  let v_step = p.tp / 4u;
  var ui = (xi * p.c * p.kp + k0) / 4u + lane;
  var vi = (xi * p.c * p.tp + select(0u, t0, live)) / 4u;

  var a0_0 = vec4f(0.0); var a0_1 = vec4f(0.0);
  var a1_0 = vec4f(0.0); var a1_1 = vec4f(0.0);
  var a2_0 = vec4f(0.0); var a2_1 = vec4f(0.0);
  var a3_0 = vec4f(0.0); var a3_1 = vec4f(0.0);
  var a4_0 = vec4f(0.0); var a4_1 = vec4f(0.0);
  var a5_0 = vec4f(0.0); var a5_1 = vec4f(0.0);
  var a6_0 = vec4f(0.0); var a6_1 = vec4f(0.0);
  var a7_0 = vec4f(0.0); var a7_1 = vec4f(0.0);
  var a8_0 = vec4f(0.0); var a8_1 = vec4f(0.0);
  var a9_0 = vec4f(0.0); var a9_1 = vec4f(0.0);
  var a10_0 = vec4f(0.0); var a10_1 = vec4f(0.0);
  var a11_0 = vec4f(0.0); var a11_1 = vec4f(0.0);
  var a12_0 = vec4f(0.0); var a12_1 = vec4f(0.0);
  var a13_0 = vec4f(0.0); var a13_1 = vec4f(0.0);
  var a14_0 = vec4f(0.0); var a14_1 = vec4f(0.0);
  var a15_0 = vec4f(0.0); var a15_1 = vec4f(0.0);
  var a16_0 = vec4f(0.0); var a16_1 = vec4f(0.0);
  var a17_0 = vec4f(0.0); var a17_1 = vec4f(0.0);
  var a18_0 = vec4f(0.0); var a18_1 = vec4f(0.0);
  var a19_0 = vec4f(0.0); var a19_1 = vec4f(0.0);
  var a20_0 = vec4f(0.0); var a20_1 = vec4f(0.0);
  var a21_0 = vec4f(0.0); var a21_1 = vec4f(0.0);
  var a22_0 = vec4f(0.0); var a22_1 = vec4f(0.0);
  var a23_0 = vec4f(0.0); var a23_1 = vec4f(0.0);
  var a24_0 = vec4f(0.0); var a24_1 = vec4f(0.0);
  var a25_0 = vec4f(0.0); var a25_1 = vec4f(0.0);
  var a26_0 = vec4f(0.0); var a26_1 = vec4f(0.0);
  var a27_0 = vec4f(0.0); var a27_1 = vec4f(0.0);
  var a28_0 = vec4f(0.0); var a28_1 = vec4f(0.0);
  var a29_0 = vec4f(0.0); var a29_1 = vec4f(0.0);
  var a30_0 = vec4f(0.0); var a30_1 = vec4f(0.0);
  var a31_0 = vec4f(0.0); var a31_1 = vec4f(0.0);
  for (var c = 0u; c < p.c; c++) {
    let mine = u[ui];
    let x0 = v[vi];
    let x1 = v[vi + 1u];
    let w0 = subgroupBroadcast(mine, 0u); let w1 = subgroupBroadcast(mine, 1u); let w2 = subgroupBroadcast(mine, 2u); let w3 = subgroupBroadcast(mine, 3u); let w4 = subgroupBroadcast(mine, 4u); let w5 = subgroupBroadcast(mine, 5u); let w6 = subgroupBroadcast(mine, 6u); let w7 = subgroupBroadcast(mine, 7u);
    a0_0 = fma(vec4f(w0.x), x0, a0_0); a0_1 = fma(vec4f(w0.x), x1, a0_1);
    a1_0 = fma(vec4f(w0.y), x0, a1_0); a1_1 = fma(vec4f(w0.y), x1, a1_1);
    a2_0 = fma(vec4f(w0.z), x0, a2_0); a2_1 = fma(vec4f(w0.z), x1, a2_1);
    a3_0 = fma(vec4f(w0.w), x0, a3_0); a3_1 = fma(vec4f(w0.w), x1, a3_1);
    a4_0 = fma(vec4f(w1.x), x0, a4_0); a4_1 = fma(vec4f(w1.x), x1, a4_1);
    a5_0 = fma(vec4f(w1.y), x0, a5_0); a5_1 = fma(vec4f(w1.y), x1, a5_1);
    a6_0 = fma(vec4f(w1.z), x0, a6_0); a6_1 = fma(vec4f(w1.z), x1, a6_1);
    a7_0 = fma(vec4f(w1.w), x0, a7_0); a7_1 = fma(vec4f(w1.w), x1, a7_1);
    a8_0 = fma(vec4f(w2.x), x0, a8_0); a8_1 = fma(vec4f(w2.x), x1, a8_1);
    a9_0 = fma(vec4f(w2.y), x0, a9_0); a9_1 = fma(vec4f(w2.y), x1, a9_1);
    a10_0 = fma(vec4f(w2.z), x0, a10_0); a10_1 = fma(vec4f(w2.z), x1, a10_1);
    a11_0 = fma(vec4f(w2.w), x0, a11_0); a11_1 = fma(vec4f(w2.w), x1, a11_1);
    a12_0 = fma(vec4f(w3.x), x0, a12_0); a12_1 = fma(vec4f(w3.x), x1, a12_1);
    a13_0 = fma(vec4f(w3.y), x0, a13_0); a13_1 = fma(vec4f(w3.y), x1, a13_1);
    a14_0 = fma(vec4f(w3.z), x0, a14_0); a14_1 = fma(vec4f(w3.z), x1, a14_1);
    a15_0 = fma(vec4f(w3.w), x0, a15_0); a15_1 = fma(vec4f(w3.w), x1, a15_1);
    a16_0 = fma(vec4f(w4.x), x0, a16_0); a16_1 = fma(vec4f(w4.x), x1, a16_1);
    a17_0 = fma(vec4f(w4.y), x0, a17_0); a17_1 = fma(vec4f(w4.y), x1, a17_1);
    a18_0 = fma(vec4f(w4.z), x0, a18_0); a18_1 = fma(vec4f(w4.z), x1, a18_1);
    a19_0 = fma(vec4f(w4.w), x0, a19_0); a19_1 = fma(vec4f(w4.w), x1, a19_1);
    a20_0 = fma(vec4f(w5.x), x0, a20_0); a20_1 = fma(vec4f(w5.x), x1, a20_1);
    a21_0 = fma(vec4f(w5.y), x0, a21_0); a21_1 = fma(vec4f(w5.y), x1, a21_1);
    a22_0 = fma(vec4f(w5.z), x0, a22_0); a22_1 = fma(vec4f(w5.z), x1, a22_1);
    a23_0 = fma(vec4f(w5.w), x0, a23_0); a23_1 = fma(vec4f(w5.w), x1, a23_1);
    a24_0 = fma(vec4f(w6.x), x0, a24_0); a24_1 = fma(vec4f(w6.x), x1, a24_1);
    a25_0 = fma(vec4f(w6.y), x0, a25_0); a25_1 = fma(vec4f(w6.y), x1, a25_1);
    a26_0 = fma(vec4f(w6.z), x0, a26_0); a26_1 = fma(vec4f(w6.z), x1, a26_1);
    a27_0 = fma(vec4f(w6.w), x0, a27_0); a27_1 = fma(vec4f(w6.w), x1, a27_1);
    a28_0 = fma(vec4f(w7.x), x0, a28_0); a28_1 = fma(vec4f(w7.x), x1, a28_1);
    a29_0 = fma(vec4f(w7.y), x0, a29_0); a29_1 = fma(vec4f(w7.y), x1, a29_1);
    a30_0 = fma(vec4f(w7.z), x0, a30_0); a30_1 = fma(vec4f(w7.z), x1, a30_1);
    a31_0 = fma(vec4f(w7.w), x0, a31_0); a31_1 = fma(vec4f(w7.w), x1, a31_1);
    ui += u_step;
    vi += v_step;
  }
  if (!live) { return; }
  let out = ((xi * p.kp + k0) * p.tp + t0) / 4u;
  m[out + 0u * v_step] = a0_0; m[out + 0u * v_step + 1u] = a0_1;
  m[out + 1u * v_step] = a1_0; m[out + 1u * v_step + 1u] = a1_1;
  m[out + 2u * v_step] = a2_0; m[out + 2u * v_step + 1u] = a2_1;
  m[out + 3u * v_step] = a3_0; m[out + 3u * v_step + 1u] = a3_1;
  m[out + 4u * v_step] = a4_0; m[out + 4u * v_step + 1u] = a4_1;
  m[out + 5u * v_step] = a5_0; m[out + 5u * v_step + 1u] = a5_1;
  m[out + 6u * v_step] = a6_0; m[out + 6u * v_step + 1u] = a6_1;
  m[out + 7u * v_step] = a7_0; m[out + 7u * v_step + 1u] = a7_1;
  m[out + 8u * v_step] = a8_0; m[out + 8u * v_step + 1u] = a8_1;
  m[out + 9u * v_step] = a9_0; m[out + 9u * v_step + 1u] = a9_1;
  m[out + 10u * v_step] = a10_0; m[out + 10u * v_step + 1u] = a10_1;
  m[out + 11u * v_step] = a11_0; m[out + 11u * v_step + 1u] = a11_1;
  m[out + 12u * v_step] = a12_0; m[out + 12u * v_step + 1u] = a12_1;
  m[out + 13u * v_step] = a13_0; m[out + 13u * v_step + 1u] = a13_1;
  m[out + 14u * v_step] = a14_0; m[out + 14u * v_step + 1u] = a14_1;
  m[out + 15u * v_step] = a15_0; m[out + 15u * v_step + 1u] = a15_1;
  m[out + 16u * v_step] = a16_0; m[out + 16u * v_step + 1u] = a16_1;
  m[out + 17u * v_step] = a17_0; m[out + 17u * v_step + 1u] = a17_1;
  m[out + 18u * v_step] = a18_0; m[out + 18u * v_step + 1u] = a18_1;
  m[out + 19u * v_step] = a19_0; m[out + 19u * v_step + 1u] = a19_1;
  m[out + 20u * v_step] = a20_0; m[out + 20u * v_step + 1u] = a20_1;
  m[out + 21u * v_step] = a21_0; m[out + 21u * v_step + 1u] = a21_1;
  m[out + 22u * v_step] = a22_0; m[out + 22u * v_step + 1u] = a22_1;
  m[out + 23u * v_step] = a23_0; m[out + 23u * v_step + 1u] = a23_1;
  m[out + 24u * v_step] = a24_0; m[out + 24u * v_step + 1u] = a24_1;
  m[out + 25u * v_step] = a25_0; m[out + 25u * v_step + 1u] = a25_1;
  m[out + 26u * v_step] = a26_0; m[out + 26u * v_step + 1u] = a26_1;
  m[out + 27u * v_step] = a27_0; m[out + 27u * v_step + 1u] = a27_1;
  m[out + 28u * v_step] = a28_0; m[out + 28u * v_step + 1u] = a28_1;
  m[out + 29u * v_step] = a29_0; m[out + 29u * v_step + 1u] = a29_1;
  m[out + 30u * v_step] = a30_0; m[out + 30u * v_step + 1u] = a30_1;
  m[out + 31u * v_step] = a31_0; m[out + 31u * v_step + 1u] = a31_1;
}
