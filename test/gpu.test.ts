import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gpu, requestGpu, webGpuInstance } from '../src/gpu/mod.ts';
import { gpu } from './support/gpu.ts';

async function message(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

test('a WGSL compile error names the shader file, line and column', async () => {
  const broken = { name: 'broken_for_test', code: 'override WG: u32;\n@compute @workgroup_size(WG) fn main() { let a: u32 = 1.5; }' };
  const text = await message(() => gpu.pipeline(broken, { WG: 64 }));
  assert.match(text, /WGSL compile error in shaders\/broken_for_test\.wgsl/);
  assert.match(text, /shaders\/broken_for_test\.wgsl:2:\d+:/);
  // The error stays with its shader: the next read finds the device clean.
  const t = gpu.tensorFrom(new Float32Array([1, 2]), 'after a bad shader');
  assert.equal(Array.from(await gpu.read(t)), [1, 2]);
});

test('webGpuInstance gives the one instance requestGpu opened, however often it is asked', async () => {
  await requestGpu();
  const instance = await webGpuInstance();
  assert.is(await webGpuInstance(), instance);
  assert.ok(await instance.requestAdapter(), 'the shared instance still gives an adapter');
});

test('pipelines are compiled once per shader and constants', async () => {
  const shader = { name: 'cache_for_test', code: 'override WG: u32;\n@compute @workgroup_size(WG) fn main() {}' };
  assert.is(await gpu.pipeline(shader, { WG: 32 }), await gpu.pipeline(shader, { WG: 32 }));
  assert.is.not(await gpu.pipeline(shader, { WG: 32 }), await gpu.pipeline(shader, { WG: 64 }));
});

test('a tensor beyond the largest buffer is refused with the limit named', async () => {
  const text = await message(() => gpu.tensor(Math.floor(gpu.limits.maxBufferBytes / 4) + 1, 'huge'));
  assert.match(text, /huge: .* exceeds this adapter's largest buffer .*maxBufferSize/);
});

test('a window larger than one binding is refused with the limit named', async () => {
  const small = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: 1024 });
  const t = small.tensor(1000, 'wide');
  assert.match(await message(() => small.window(t)), /wide: a binding of 3\.9 KiB exceeds this adapter's 1\.0 KiB \(maxStorageBufferBindingSize\)/);
});

test('windows start on the binding alignment and say where the range begins', () => {
  const t = gpu.tensor(1000, 'windowed');
  const alignment = gpu.limits.bindingAlignment / 4;
  const w = gpu.window(t, alignment + 5, 10);
  assert.is(w.binding.offset, alignment * 4);
  assert.is(w.base, 5);
  assert.is(w.binding.size, 15 * 4);
});

test('scratch buffers are reused and grow when asked for more', () => {
  const a = gpu.scratch('test scratch', 100);
  assert.is(gpu.scratch('test scratch', 50), a);
  const b = gpu.scratch('test scratch', 1000);
  assert.ok(b.length >= 1000);
});

test.run();
