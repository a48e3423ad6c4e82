// Winograd convolution, step 2 of 3, version 3: version 2's products for 64 channels a lane,
// m[ξ, k, t] = Σ_c u[ξ, c, k] · v[ξ, c, t], for KP a multiple of 64.
// u: (A·A, C, KP) from conv2d_winograd_weight  v: (A·A, C, TP) from conv2d_winograd_input
// →  m: (A·A, KP, TP). TP is a multiple of 8 (zero-padded by the input transform).
// A workgroup is one subgroup of 8 lanes on the same 64 channels; lane i computes those 64 channels ×
// tiles 8·i … 8·i + 7 of the workgroup's 64. Per input channel, lane j loads vec4s j and j + 8 of u's 64
// channels and the subgroup broadcasts them, and each lane loads its 2 vec4s of v: 4 loads for 512 FMAs,
// where version 2 makes 3 for 256, so each element of v is loaded KP/64 times instead of KP/32. On
// lavapipe the accumulators live on the stack either way, so twice as many cost nothing per FMA: VGG16's
// saliency map took 1.4% less time at batch 1 and 2.7% less at batch 8 than with version 2
// (bench/results/2026-12-03-lavapipe-kernel-notes.md). Needs
// subgroups of exactly 8 lanes (the dispatcher checks); every lane stays to the end of the loop, lanes
// past TP read tile 0 and store nothing.
// Workgroup x covers 64 tiles, y the 64-channel block, z the point ξ.

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
  let k0 = wid.y * 64u;
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
  var a32_0 = vec4f(0.0); var a32_1 = vec4f(0.0);
  var a33_0 = vec4f(0.0); var a33_1 = vec4f(0.0);
  var a34_0 = vec4f(0.0); var a34_1 = vec4f(0.0);
  var a35_0 = vec4f(0.0); var a35_1 = vec4f(0.0);
  var a36_0 = vec4f(0.0); var a36_1 = vec4f(0.0);
  var a37_0 = vec4f(0.0); var a37_1 = vec4f(0.0);
  var a38_0 = vec4f(0.0); var a38_1 = vec4f(0.0);
  var a39_0 = vec4f(0.0); var a39_1 = vec4f(0.0);
  var a40_0 = vec4f(0.0); var a40_1 = vec4f(0.0);
  var a41_0 = vec4f(0.0); var a41_1 = vec4f(0.0);
  var a42_0 = vec4f(0.0); var a42_1 = vec4f(0.0);
  var a43_0 = vec4f(0.0); var a43_1 = vec4f(0.0);
  var a44_0 = vec4f(0.0); var a44_1 = vec4f(0.0);
  var a45_0 = vec4f(0.0); var a45_1 = vec4f(0.0);
  var a46_0 = vec4f(0.0); var a46_1 = vec4f(0.0);
  var a47_0 = vec4f(0.0); var a47_1 = vec4f(0.0);
  var a48_0 = vec4f(0.0); var a48_1 = vec4f(0.0);
  var a49_0 = vec4f(0.0); var a49_1 = vec4f(0.0);
  var a50_0 = vec4f(0.0); var a50_1 = vec4f(0.0);
  var a51_0 = vec4f(0.0); var a51_1 = vec4f(0.0);
  var a52_0 = vec4f(0.0); var a52_1 = vec4f(0.0);
  var a53_0 = vec4f(0.0); var a53_1 = vec4f(0.0);
  var a54_0 = vec4f(0.0); var a54_1 = vec4f(0.0);
  var a55_0 = vec4f(0.0); var a55_1 = vec4f(0.0);
  var a56_0 = vec4f(0.0); var a56_1 = vec4f(0.0);
  var a57_0 = vec4f(0.0); var a57_1 = vec4f(0.0);
  var a58_0 = vec4f(0.0); var a58_1 = vec4f(0.0);
  var a59_0 = vec4f(0.0); var a59_1 = vec4f(0.0);
  var a60_0 = vec4f(0.0); var a60_1 = vec4f(0.0);
  var a61_0 = vec4f(0.0); var a61_1 = vec4f(0.0);
  var a62_0 = vec4f(0.0); var a62_1 = vec4f(0.0);
  var a63_0 = vec4f(0.0); var a63_1 = vec4f(0.0);
  for (var c = 0u; c < p.c; c++) {
    let low = u[ui];
    let high = u[ui + 8u];
    let x0 = v[vi];
    let x1 = v[vi + 1u];
    let w0 = subgroupBroadcast(low, 0u); let w1 = subgroupBroadcast(low, 1u); let w2 = subgroupBroadcast(low, 2u); let w3 = subgroupBroadcast(low, 3u); let w4 = subgroupBroadcast(low, 4u); let w5 = subgroupBroadcast(low, 5u); let w6 = subgroupBroadcast(low, 6u); let w7 = subgroupBroadcast(low, 7u);
    let w8 = subgroupBroadcast(high, 0u); let w9 = subgroupBroadcast(high, 1u); let w10 = subgroupBroadcast(high, 2u); let w11 = subgroupBroadcast(high, 3u); let w12 = subgroupBroadcast(high, 4u); let w13 = subgroupBroadcast(high, 5u); let w14 = subgroupBroadcast(high, 6u); let w15 = subgroupBroadcast(high, 7u);
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
    a32_0 = fma(vec4f(w8.x), x0, a32_0); a32_1 = fma(vec4f(w8.x), x1, a32_1);
    a33_0 = fma(vec4f(w8.y), x0, a33_0); a33_1 = fma(vec4f(w8.y), x1, a33_1);
    a34_0 = fma(vec4f(w8.z), x0, a34_0); a34_1 = fma(vec4f(w8.z), x1, a34_1);
    a35_0 = fma(vec4f(w8.w), x0, a35_0); a35_1 = fma(vec4f(w8.w), x1, a35_1);
    a36_0 = fma(vec4f(w9.x), x0, a36_0); a36_1 = fma(vec4f(w9.x), x1, a36_1);
    a37_0 = fma(vec4f(w9.y), x0, a37_0); a37_1 = fma(vec4f(w9.y), x1, a37_1);
    a38_0 = fma(vec4f(w9.z), x0, a38_0); a38_1 = fma(vec4f(w9.z), x1, a38_1);
    a39_0 = fma(vec4f(w9.w), x0, a39_0); a39_1 = fma(vec4f(w9.w), x1, a39_1);
    a40_0 = fma(vec4f(w10.x), x0, a40_0); a40_1 = fma(vec4f(w10.x), x1, a40_1);
    a41_0 = fma(vec4f(w10.y), x0, a41_0); a41_1 = fma(vec4f(w10.y), x1, a41_1);
    a42_0 = fma(vec4f(w10.z), x0, a42_0); a42_1 = fma(vec4f(w10.z), x1, a42_1);
    a43_0 = fma(vec4f(w10.w), x0, a43_0); a43_1 = fma(vec4f(w10.w), x1, a43_1);
    a44_0 = fma(vec4f(w11.x), x0, a44_0); a44_1 = fma(vec4f(w11.x), x1, a44_1);
    a45_0 = fma(vec4f(w11.y), x0, a45_0); a45_1 = fma(vec4f(w11.y), x1, a45_1);
    a46_0 = fma(vec4f(w11.z), x0, a46_0); a46_1 = fma(vec4f(w11.z), x1, a46_1);
    a47_0 = fma(vec4f(w11.w), x0, a47_0); a47_1 = fma(vec4f(w11.w), x1, a47_1);
    a48_0 = fma(vec4f(w12.x), x0, a48_0); a48_1 = fma(vec4f(w12.x), x1, a48_1);
    a49_0 = fma(vec4f(w12.y), x0, a49_0); a49_1 = fma(vec4f(w12.y), x1, a49_1);
    a50_0 = fma(vec4f(w12.z), x0, a50_0); a50_1 = fma(vec4f(w12.z), x1, a50_1);
    a51_0 = fma(vec4f(w12.w), x0, a51_0); a51_1 = fma(vec4f(w12.w), x1, a51_1);
    a52_0 = fma(vec4f(w13.x), x0, a52_0); a52_1 = fma(vec4f(w13.x), x1, a52_1);
    a53_0 = fma(vec4f(w13.y), x0, a53_0); a53_1 = fma(vec4f(w13.y), x1, a53_1);
    a54_0 = fma(vec4f(w13.z), x0, a54_0); a54_1 = fma(vec4f(w13.z), x1, a54_1);
    a55_0 = fma(vec4f(w13.w), x0, a55_0); a55_1 = fma(vec4f(w13.w), x1, a55_1);
    a56_0 = fma(vec4f(w14.x), x0, a56_0); a56_1 = fma(vec4f(w14.x), x1, a56_1);
    a57_0 = fma(vec4f(w14.y), x0, a57_0); a57_1 = fma(vec4f(w14.y), x1, a57_1);
    a58_0 = fma(vec4f(w14.z), x0, a58_0); a58_1 = fma(vec4f(w14.z), x1, a58_1);
    a59_0 = fma(vec4f(w14.w), x0, a59_0); a59_1 = fma(vec4f(w14.w), x1, a59_1);
    a60_0 = fma(vec4f(w15.x), x0, a60_0); a60_1 = fma(vec4f(w15.x), x1, a60_1);
    a61_0 = fma(vec4f(w15.y), x0, a61_0); a61_1 = fma(vec4f(w15.y), x1, a61_1);
    a62_0 = fma(vec4f(w15.z), x0, a62_0); a62_1 = fma(vec4f(w15.z), x1, a62_1);
    a63_0 = fma(vec4f(w15.w), x0, a63_0); a63_1 = fma(vec4f(w15.w), x1, a63_1);
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
  m[out + 32u * v_step] = a32_0; m[out + 32u * v_step + 1u] = a32_1;
  m[out + 33u * v_step] = a33_0; m[out + 33u * v_step + 1u] = a33_1;
  m[out + 34u * v_step] = a34_0; m[out + 34u * v_step + 1u] = a34_1;
  m[out + 35u * v_step] = a35_0; m[out + 35u * v_step + 1u] = a35_1;
  m[out + 36u * v_step] = a36_0; m[out + 36u * v_step + 1u] = a36_1;
  m[out + 37u * v_step] = a37_0; m[out + 37u * v_step + 1u] = a37_1;
  m[out + 38u * v_step] = a38_0; m[out + 38u * v_step + 1u] = a38_1;
  m[out + 39u * v_step] = a39_0; m[out + 39u * v_step + 1u] = a39_1;
  m[out + 40u * v_step] = a40_0; m[out + 40u * v_step + 1u] = a40_1;
  m[out + 41u * v_step] = a41_0; m[out + 41u * v_step + 1u] = a41_1;
  m[out + 42u * v_step] = a42_0; m[out + 42u * v_step + 1u] = a42_1;
  m[out + 43u * v_step] = a43_0; m[out + 43u * v_step + 1u] = a43_1;
  m[out + 44u * v_step] = a44_0; m[out + 44u * v_step + 1u] = a44_1;
  m[out + 45u * v_step] = a45_0; m[out + 45u * v_step + 1u] = a45_1;
  m[out + 46u * v_step] = a46_0; m[out + 46u * v_step + 1u] = a46_1;
  m[out + 47u * v_step] = a47_0; m[out + 47u * v_step + 1u] = a47_1;
  m[out + 48u * v_step] = a48_0; m[out + 48u * v_step + 1u] = a48_1;
  m[out + 49u * v_step] = a49_0; m[out + 49u * v_step + 1u] = a49_1;
  m[out + 50u * v_step] = a50_0; m[out + 50u * v_step + 1u] = a50_1;
  m[out + 51u * v_step] = a51_0; m[out + 51u * v_step + 1u] = a51_1;
  m[out + 52u * v_step] = a52_0; m[out + 52u * v_step + 1u] = a52_1;
  m[out + 53u * v_step] = a53_0; m[out + 53u * v_step + 1u] = a53_1;
  m[out + 54u * v_step] = a54_0; m[out + 54u * v_step + 1u] = a54_1;
  m[out + 55u * v_step] = a55_0; m[out + 55u * v_step + 1u] = a55_1;
  m[out + 56u * v_step] = a56_0; m[out + 56u * v_step + 1u] = a56_1;
  m[out + 57u * v_step] = a57_0; m[out + 57u * v_step + 1u] = a57_1;
  m[out + 58u * v_step] = a58_0; m[out + 58u * v_step + 1u] = a58_1;
  m[out + 59u * v_step] = a59_0; m[out + 59u * v_step + 1u] = a59_1;
  m[out + 60u * v_step] = a60_0; m[out + 60u * v_step + 1u] = a60_1;
  m[out + 61u * v_step] = a61_0; m[out + 61u * v_step + 1u] = a61_1;
  m[out + 62u * v_step] = a62_0; m[out + 62u * v_step + 1u] = a62_1;
  m[out + 63u * v_step] = a63_0; m[out + 63u * v_step + 1u] = a63_1;
}
