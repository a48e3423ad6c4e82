// Global average pool (ONNX GlobalAveragePool; the last pool of a ResNet): y[plane] is the mean of the
// plane's H·W values.
// x: (N, C, H, W)  y: (N, C), over the `planes` = N·C planes of this dispatch.
// One workgroup per plane (workgroups on a 2-D grid, so that more than 65535 planes fit): each of its WG
// invocations sums every WG-th value of the plane, walking neighbouring values side by side, then the
// workgroup adds the WG partial sums in a tree in workgroup memory. A ResNet-50 plane is 7×7 and a VGG's
// 7×7 or 14×14, so one workgroup a plane keeps all N·C of them running at once.

override WG: u32;  // a power of two

struct Params {
  planes: u32, plane: u32, x_base: u32, y_base: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let plane = wid.y * groups.x + wid.x;
  // The whole workgroup leaves together, so the barriers below stay in uniform control flow.
  if (plane >= p.planes) { return; }
  let start = p.x_base + plane * p.plane;
  var sum = 0.0;
  for (var i = lid; i < p.plane; i += WG) {
    sum += x[start + i];
  }
  partial[lid] = sum;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half /= 2u) {
    if (lid < half) { partial[lid] += partial[lid + half]; }
    workgroupBarrier();
  }
  if (lid == 0u) { y[p.y_base + plane] = partial[0] / f32(p.plane); }
}
