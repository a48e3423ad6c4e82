import { Gpu, GPU_FILL_INVOCATIONS } from './gpu.ts';
import { NoWebGpuError } from './no_webgpu_error.ts';

// The limits a VGG needs raised above WebGPU's defaults; each is asked for at the adapter's own value.
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxStorageBuffersPerShaderStage',
] as const;

let shared: Promise<Gpu> | undefined;
// Dawn tears its instance down when the GPU object is collected, which breaks the device mid-work:
// keep it for the life of the process.
let instance: Promise<GPU> | undefined;

/**
 * The process's (or page's) GPU: `navigator.gpu` in a browser, Dawn (the `webgpu` package) in Node.
 * Asked for once and shared; every later call returns the same `Gpu`.
 * @throws NoWebGpuError when there is no adapter, with what to install.
 * @example
 * const gpu = await requestGpu();
 * console.log(gpu.adapterName);
 */
export function requestGpu(): Promise<Gpu> {
  shared ??= openGpu().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/**
 * The WebGPU entry point that `requestGpu()` opens its adapter from: `navigator.gpu` in a browser, the
 * process's one Dawn instance in Node. For another WebGPU library in the same process (the benchmark's
 * TensorFlow.js peer), so that it works on the same instance and adapter instead of starting a second Dawn.
 * @throws NoWebGpuError in a browser without WebGPU.
 */
export function webGpuInstance(): Promise<GPU> {
  instance ??= findGpu().catch((error: unknown) => {
    instance = undefined;
    throw error;
  });
  return instance;
}

async function openGpu(): Promise<Gpu> {
  const adapter = await (await webGpuInstance()).requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new NoWebGpuError(
      typeof window === 'undefined'
        ? 'no WebGPU adapter: Dawn found no Vulkan driver. On Debian 12 run `npm run setup` as root ' +
            '(it installs libvulkan1 and mesa-vulkan-drivers from bookworm-backports); elsewhere install a Vulkan driver (Mesa 23 or newer)'
        : 'no WebGPU adapter: this browser exposes WebGPU but found no usable GPU; try a current Chrome or Edge, or enable WebGPU in the browser settings',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  // Subgroups let lavapipe's kernels share a load between lanes (see Gpu.subgroupSize).
  const requiredFeatures = (['timestamp-query', 'subgroups'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'deepinside' });
  const info = adapter.info;
  // Drivers fill different fields (lavapipe the description, NVIDIA's Vulkan the device): keep each one.
  const name = [...new Set([info.vendor, info.architecture, info.device, info.description].filter(Boolean))].join(' ');
  // SwiftShader (Chromium's WebGPU without a GPU) spent over 150 s compiling conv2d_forward_v3 without
  // finishing, where every other shader compiles in about 2 s.
  // On lavapipe, splitting conv2_2's weight gradient four ways (16384 invocations) cost 12–24%.
  const cpu = /llvmpipe|lavapipe|swiftshader/i.test(name);
  return new Gpu(device, name || 'unknown adapter', { kernels: /swiftshader/i.test(name) ? 'portable' : 'tuned', fillInvocations: cpu ? 1024 : GPU_FILL_INVOCATIONS });
}

async function findGpu(): Promise<GPU> {
  if (typeof navigator !== 'undefined' && navigator.gpu) return navigator.gpu;
  if (typeof window !== 'undefined') {
    throw new NoWebGpuError(
      'this browser has no WebGPU (navigator.gpu is missing): use a current Chrome, Edge or Safari, and open the page over https or from localhost',
    );
  }
  // Node: Dawn's bindings. The name is kept in a variable so that browser bundles do not pull it in.
  const moduleName = 'webgpu';
  const dawn = (await import(/* @vite-ignore */ moduleName)) as { create(flags: string[]): GPU; globals: object };
  Object.assign(globalThis, dawn.globals);
  return dawn.create([]);
}
