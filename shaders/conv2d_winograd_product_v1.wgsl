// Winograd convolution, step 2 of 3, version 1: the A·A batched products m[ξ] = u[ξ]ᵀ · v[ξ] that
// hold the FLOPs: m[ξ, k, t] = Σ_c u[ξ, c, k] · v[ξ, c, t].
// u: (A·A, C, KP) from conv2d_winograd_weight  v: (A·A, C, TP) from conv2d_winograd_input
// →  m: (A·A, KP, TP). KP is a multiple of 32, TP of 8 (both zero-padded by the kernels that wrote them).
// Register-blocked: an invocation computes 16 channels × 8 tiles, loading per input channel 4 vec4s of u
// and 2 of v for 128 FMAs (lavapipe pays per load, so FMAs per load decide). Written out unrolled, as the
// direct conv kernels are, so that the accumulators stay scalars. Workgroup x covers WG·8 tiles, y the
// 16-channel block, z the point ξ.

override WG: u32;

struct Params {
  c: u32, kp: u32, tp: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> u: array<vec4f>;
@group(0) @binding(2) var<storage, read> v: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4f>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t0 = (wid.x * WG + lid) * 8u;
  if (t0 >= p.tp) { return; }
  let k0 = wid.y * 16u;
  let xi = wid.z;
  let u_step = p.kp / 4u;
  let v_step = p.tp / 4u;
  var ui = (xi * p.c * p.kp + k0) / 4u;
  var vi = (xi * p.c * p.tp + t0) / 4u;

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
  for (var c = 0u; c < p.c; c++) {
    let w0 = u[ui + 0u];
    let w1 = u[ui + 1u];
    let w2 = u[ui + 2u];
    let w3 = u[ui + 3u];
    let x0 = v[vi];
    let x1 = v[vi + 1u];
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
    ui += u_step;
    vi += v_step;
  }
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
}
