import { GpuFailureError } from './gpu_failure_error.ts';
import type { BindingWindow } from './binding_window.ts';
import type { GpuTensor } from './gpu_tensor.ts';
import type { ShaderSource } from './shader_source.ts';

const BYTES = 4;
const MAX_CACHED_PARAMS = 4096;
const MAX_CACHED_BIND_GROUPS = 4096;

/** What a kernel dispatcher needs to know of the adapter's limits. */
export interface GpuLimits {
  /** Largest binding of one storage buffer, in bytes (128 MiB on lavapipe and many browsers). */
  readonly maxBindingBytes: number;
  readonly maxBufferBytes: number;
  readonly bindingAlignment: number;
  readonly workgroupStorageBytes: number;
  readonly invocationsPerWorkgroup: number;
  readonly workgroupsPerDimension: number;
}

/**
 * Which kernels dispatchers pick by default where several compute the same thing: `tuned`, the fastest
 * measured (register-blocked, vector loads); `portable`, the plainer tiled ones, for compilers that choke on
 * the tuned ones (SwiftShader) and to reproduce on one adapter, bit for bit, what another computed with them.
 */
export type KernelSet = 'tuned' | 'portable';

/**
 * The `fillInvocations` of a GPU (a CPU driver's is 1024). Kernels whose split-K variants were measured only on
 * GPUs take them where an adapter asks for at least this many.
 */
export const GPU_FILL_INVOCATIONS = 16384;

/**
 * One WebGPU device and what the engine keeps for it: compiled pipelines (once per shader and
 * constants), the command encoder that dispatches go into until the next read, and the first error the
 * device reported, which the next read throws with the shader's name.
 */
export class Gpu {
  readonly device: GPUDevice;
  readonly adapterName: string;
  readonly limits: GpuLimits;
  readonly hasTimestamps: boolean;
  /** The default kernels (see `KernelSet`); a kernel given a variant explicitly runs that one. */
  kernels: KernelSet;
  /**
   * About how many invocations keep this adapter busy: kernels that can split a long sum (split-K) split
   * it until a dispatch has this many. A CPU driver's few threads want few (each split costs a
   * partial sum); a GPU's thousands of lanes want many (GPU_FILL_INVOCATIONS).
   */
  readonly fillInvocations: number;
  /**
   * The subgroup size when the device has the `subgroups` feature and the adapter runs every subgroup at
   * one size (lavapipe: 8, its SIMD width), else undefined. Kernels that hand values between the lanes of
   * an 8-lane subgroup run only where this is 8.
   */
  readonly subgroupSize: number | undefined;
  #pipelines = new Map<string, Promise<GPUComputePipeline>>();
  #scratch = new Map<string, GpuTensor>();
  #params = new Map<string, GPUBuffer>();
  // Bind groups by pipeline, parameters and bindings: a model's dispatches repeat from map to map, and
  // building each bind group again through the WebGPU runtime cost more CPU time than its GPU work at batch 1.
  #bindGroups = new Map<string, GPUBindGroup>();
  #ids = new WeakMap<object, number>();
  #nextId = 1;
  #encoder: GPUCommandEncoder | undefined;
  #pass: GPUComputePassEncoder | undefined;
  #errors: string[] = [];
  #lost: string | undefined;
  #outOfMemory: string | undefined;

  /**
   * `maxBindingBytes` lowers the binding limit below the adapter's, so that tests can drive the sliced
   * paths with small tensors; it cannot raise it. `maxBufferBytes` lowers the buffer limit likewise (and
   * the binding limit with it). `maxWorkgroupsPerDimension` lowers the dispatch limit likewise, for the
   * paths that split a grid into several dispatches. `kernels` defaults to `tuned`,
   * `fillInvocations` to a GPU's GPU_FILL_INVOCATIONS. `subgroups: false` makes the kernels act as if the device had no
   * subgroups.
   */
  constructor(
    device: GPUDevice,
    adapterName: string,
    options: {
      readonly maxBindingBytes?: number;
      readonly maxBufferBytes?: number;
      readonly maxWorkgroupsPerDimension?: number;
      readonly kernels?: KernelSet;
      readonly fillInvocations?: number;
      readonly subgroups?: boolean;
    } = {},
  ) {
    this.device = device;
    this.adapterName = adapterName;
    this.kernels = options.kernels ?? 'tuned';
    this.fillInvocations = options.fillInvocations ?? GPU_FILL_INVOCATIONS;
    const l = device.limits;
    this.limits = {
      maxBindingBytes: Math.min(l.maxStorageBufferBindingSize, l.maxBufferSize, options.maxBindingBytes ?? Infinity, options.maxBufferBytes ?? Infinity),
      maxBufferBytes: Math.min(l.maxBufferSize, options.maxBufferBytes ?? Infinity),
      bindingAlignment: l.minStorageBufferOffsetAlignment,
      workgroupStorageBytes: l.maxComputeWorkgroupStorageSize,
      invocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      workgroupsPerDimension: Math.min(l.maxComputeWorkgroupsPerDimension, options.maxWorkgroupsPerDimension ?? Infinity),
    };
    this.hasTimestamps = device.features.has('timestamp-query');
    const info = device.adapterInfo as GPUAdapterInfo | undefined;
    const [least, most] = [info?.subgroupMinSize, info?.subgroupMaxSize];
    const fixed = options.subgroups !== false && device.features.has('subgroups') && least !== undefined && least === most;
    this.subgroupSize = fixed ? least : undefined;
    device.addEventListener('uncapturederror', (event) => {
      this.#errors.push((event as GPUUncapturedErrorEvent).error.message);
    });
    void device.lost.then((info) => {
      this.#lost = `${info.reason}: ${info.message}`;
    });
  }

  /**
   * What compiling pipelines has cost so far: how many, and the milliseconds from each one's request to its
   * pipeline, summed (compilations that overlap are counted in full each), so that a command can say how
   * much of its time went to the shader compiler.
   */
  readonly compileStats = { pipelines: 0, milliseconds: 0 };

  /** The pipeline for `shader` with `constants` (its `override` values), compiled once and cached. */
  pipeline(shader: ShaderSource, constants: Readonly<Record<string, number>> = {}): Promise<GPUComputePipeline> {
    const key = `${shader.name}|${JSON.stringify(constants)}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      const start = performance.now();
      pipeline = this.#compile(shader, constants);
      void pipeline.then(() => {
        this.compileStats.pipelines++;
        this.compileStats.milliseconds += performance.now() - start;
      }, () => {});
      pipeline.catch(() => this.#pipelines.delete(key));
      this.#pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  async #compile(shader: ShaderSource, constants: Readonly<Record<string, number>>): Promise<GPUComputePipeline> {
    this.#assertAlive();
    const label = `shaders/${shader.name}.wgsl`;
    // The scope keeps a bad shader's error from surfacing later as someone else's.
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ label, code: shader.code });
    const info = await module.getCompilationInfo();
    await this.device.popErrorScope();
    const errors = info.messages.filter((m) => m.type === 'error');
    if (errors.length > 0) {
      const lines = errors.map((m) => `${label}:${m.lineNum}:${m.linePos}: ${m.message}`);
      throw new Error(`WGSL compile error in ${label}\n${lines.join('\n')}`);
    }
    try {
      return await this.device.createComputePipelineAsync({
        label,
        layout: 'auto',
        compute: { module, entryPoint: 'main', constants: { ...constants } },
      });
    } catch (error) {
      await this.#blameLoss();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot build the pipeline for ${label} with ${JSON.stringify(constants)}: ${message}`);
    }
  }

  /** A zeroed tensor of `length` 4-byte elements; throws a RangeError naming the limit when it cannot exist. */
  tensor(length: number, label: string): GpuTensor {
    this.#assertAlive();
    if (!Number.isInteger(length) || length < 1) {
      throw new RangeError(`${label}: a tensor needs a positive whole number of elements, got ${length}`);
    }
    const bytes = length * BYTES;
    if (bytes > this.limits.maxBufferBytes) {
      throw new RangeError(
        `${label}: ${formatBytes(bytes)} exceeds this adapter's largest buffer (${formatBytes(this.limits.maxBufferBytes)}, maxBufferSize); use a smaller batch or input`,
      );
    }
    // Dawn reports a failed allocation to an error scope, asynchronously; the next read or sync throws it.
    this.device.pushErrorScope('out-of-memory');
    const buffer = this.device.createBuffer({
      label,
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    void this.device.popErrorScope().then(
      (error) => {
        if (error) this.#outOfMemory ??= `${label} (${formatBytes(bytes)}): ${error.message}`;
      },
      () => {}, // a lost device rejects the pop; the loss is reported on its own
    );
    return { buffer, length, label };
  }

  /**
   * A work buffer of at least `length` elements, kept under `name` and reused by later dispatches
   * (they run in order, so one kernel's scratch is free again for the next). Its contents are
   * whatever the last user left, except under a name starting with `zeros`, which nothing writes.
   */
  scratch(name: string, length: number): GpuTensor {
    const have = this.#scratch.get(name);
    if (have && have.length >= length) return have;
    if (have) {
      // Recorded dispatches may still use the old buffer: submit them before letting it go.
      this.flush();
      have.buffer.destroy();
    }
    const tensor = this.tensor(Math.max(length, have ? Math.ceil(have.length * 1.5) : 0), `scratch ${name}`);
    this.#scratch.set(name, tensor);
    return tensor;
  }

  /** A tensor holding `data`. */
  tensorFrom(data: Float32Array | Uint32Array, label: string): GpuTensor {
    const tensor = this.tensor(data.length, label);
    this.write(tensor, data);
    return tensor;
  }

  /** Writes `data` into `tensor` from element `offset`, after the work already queued. */
  write(tensor: GpuTensor, data: Float32Array | Uint32Array, offset = 0): void {
    if (offset < 0 || offset + data.length > tensor.length) {
      throw new RangeError(`${tensor.label}: writing ${data.length} values at ${offset} overruns its ${tensor.length}`);
    }
    this.flush();
    // Large writes go in pieces: some implementations copy each writeBuffer through one staging area.
    const piece = 16 * 1024 * 1024;
    for (let start = 0; start < data.length; start += piece) {
      const part = data.subarray(start, Math.min(data.length, start + piece));
      this.device.queue.writeBuffer(tensor.buffer, (offset + start) * BYTES, part.buffer, part.byteOffset, part.byteLength);
    }
  }

  /** Fills `tensor` with NaN, so that an element a kernel fails to write cannot pass for a result. */
  poison(tensor: GpuTensor): void {
    const nan = new Uint32Array(Math.min(tensor.length, 4 * 1024 * 1024)).fill(0x7fc00000);
    for (let start = 0; start < tensor.length; start += nan.length) {
      this.write(tensor, nan.subarray(0, Math.min(nan.length, tensor.length - start)), start);
    }
  }

  /** Copies `count` elements of `source` from `from` into `target` at `to`, in order with dispatches. */
  copy(source: GpuTensor, from: number, target: GpuTensor, to: number, count: number): void {
    this.#endPass();
    this.#encode().copyBufferToBuffer(source.buffer, from * BYTES, target.buffer, to * BYTES, count * BYTES);
  }

  /** Reads a tensor back once all queued work is done, throwing any error the device reported. */
  async read(tensor: GpuTensor, start = 0, count = tensor.length - start): Promise<Float32Array> {
    return new Float32Array(await this.#readBytes(tensor, start, count));
  }

  /** As `read`, for u32 tensors. */
  async readU32(tensor: GpuTensor, start = 0, count = tensor.length - start): Promise<Uint32Array> {
    return new Uint32Array(await this.#readBytes(tensor, start, count));
  }

  async #readBytes(tensor: GpuTensor, start: number, count: number): Promise<ArrayBuffer> {
    if (start < 0 || count < 0 || start + count > tensor.length) {
      throw new RangeError(`${tensor.label}: reading ${count} values at ${start} overruns its ${tensor.length}`);
    }
    const staging = this.device.createBuffer({
      label: `${tensor.label} (read back)`,
      size: Math.max(count * BYTES, 4),
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    try {
      if (count > 0) this.copy(tensor, start, { buffer: staging, length: count, label: staging.label }, 0, count);
      await this.sync();
      try {
        await staging.mapAsync(GPUMapMode.READ);
      } catch (error) {
        // A device lost while mapping rejects the map with a bare "aborted"; name the loss instead.
        await this.#blameLoss();
        throw error;
      }
      this.#throwReported();
      const bytes = staging.getMappedRange().slice(0);
      staging.unmap();
      return bytes;
    } finally {
      staging.destroy();
    }
  }

  /** Submits the queued work and waits for it, then throws the first error the device reported. */
  async sync(): Promise<void> {
    this.#assertAlive();
    this.flush();
    // A lost device resolves this (WebGPU resolves queue promises on loss), so a loss cannot leave it waiting.
    await this.device.queue.onSubmittedWorkDone();
    this.#throwReported();
  }

  /** Whether the device is still usable: false once it is lost. */
  get alive(): boolean {
    return this.#lost === undefined;
  }

  /** Submits the dispatches recorded so far. */
  flush(): void {
    this.#endPass();
    if (this.#encoder) {
      this.device.queue.submit([this.#encoder.finish()]);
      this.#encoder = undefined;
    }
  }

  /**
   * Binds `count` elements of `tensor` from element `start` as one storage binding: the binding starts at
   * the aligned offset below, and `base` says where the range begins inside it.
   */
  window(tensor: GpuTensor, start = 0, count = tensor.length - start): BindingWindow {
    const alignment = this.limits.bindingAlignment / BYTES;
    const first = Math.floor(start / alignment) * alignment;
    const size = (start + count - first) * BYTES;
    if (size > this.limits.maxBindingBytes) {
      throw new RangeError(
        `${tensor.label}: a binding of ${formatBytes(size)} exceeds this adapter's ${formatBytes(this.limits.maxBindingBytes)} ` +
          '(maxStorageBufferBindingSize); the kernel must slice it',
      );
    }
    if (start < 0 || count < 1 || start + count > tensor.length) {
      throw new RangeError(`${tensor.label}: window ${start}+${count} outside its ${tensor.length} elements`);
    }
    return { binding: { buffer: tensor.buffer, offset: first * BYTES, size }, base: start - first };
  }

  /** Most elements a window may hold wherever it starts (one alignment's slack kept for the offset). */
  get maxWindowElements(): number {
    return Math.floor((this.limits.maxBindingBytes - this.limits.bindingAlignment) / BYTES);
  }

  /**
   * Records one dispatch: `params` (u32 words, floats as their bits) at binding 0 as a uniform, then the
   * storage `bindings` at 1, 2, … in order.
   */
  dispatch(
    pipeline: GPUComputePipeline,
    params: Uint32Array,
    bindings: readonly GPUBufferBinding[],
    workgroups: readonly [number, number?, number?],
  ): void {
    this.#assertAlive();
    const [x, y = 1, z = 1] = workgroups;
    const most = this.limits.workgroupsPerDimension;
    if (x > most || y > most || z > most) {
      throw new RangeError(`${pipeline.label}: ${x}×${y}×${z} workgroups exceed the adapter's ${most} per dimension`);
    }
    if (x * y * z === 0) return;
    const uniform = this.#uniform(params);
    let key = `${this.#id(pipeline)} ${this.#id(uniform)}`;
    for (const b of bindings) key += ` ${this.#id(b.buffer)}:${b.offset ?? 0}:${b.size ?? '-'}`;
    let bindGroup = this.#bindGroups.get(key);
    if (!bindGroup) {
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniform } }];
      bindings.forEach((resource, i) => entries.push({ binding: i + 1, resource }));
      bindGroup = this.device.createBindGroup({ label: pipeline.label, layout: pipeline.getBindGroupLayout(0), entries });
      // Entries of destroyed buffers never match again (a new buffer has a new id): past the bound, start over.
      if (this.#bindGroups.size >= MAX_CACHED_BIND_GROUPS) this.#bindGroups.clear();
      this.#bindGroups.set(key, bindGroup);
    }
    this.#pass ??= this.#encode().beginComputePass();
    this.#pass.setPipeline(pipeline);
    this.#pass.setBindGroup(0, bindGroup);
    this.#pass.dispatchWorkgroups(x, y, z);
  }

  // A number for each pipeline and buffer, for the bind groups' keys.
  #id(object: object): number {
    let id = this.#ids.get(object);
    if (id === undefined) {
      id = this.#nextId++;
      this.#ids.set(object, id);
    }
    return id;
  }

  /** The workgroup grid for `count` workgroups: x up to the per-dimension limit, the rest in y. */
  grid(count: number): readonly [number, number] {
    const most = this.limits.workgroupsPerDimension;
    if (count <= most) return [Math.max(count, 1), 1];
    const y = Math.ceil(count / most);
    return [Math.ceil(count / y), y];
  }

  /**
   * Records a GPU timestamp into `querySet` at `index` at this point of the command stream, as an empty
   * compute pass that writes it when it begins (the device must have `timestamp-query`).
   */
  timestamp(querySet: GPUQuerySet, index: number): void {
    this.#endPass();
    this.#encode().beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: index } }).end();
  }

  /** The command encoder dispatches go into, for callers that add their own commands (timestamps). */
  encoder(): GPUCommandEncoder {
    this.#endPass();
    return this.#encode();
  }

  #encode(): GPUCommandEncoder {
    this.#encoder ??= this.device.createCommandEncoder({ label: 'deepinside' });
    return this.#encoder;
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = undefined;
  }

  // Parameters repeat across layers and steps, so their uniform buffers are kept by content.
  #uniform(params: Uint32Array): GPUBuffer {
    const key = params.join(',');
    let buffer = this.#params.get(key);
    if (!buffer) {
      if (this.#params.size >= MAX_CACHED_PARAMS) {
        // Flush first: a buffer still referenced by recorded work must outlive its recording.
        this.flush();
        for (const old of this.#params.values()) old.destroy();
        this.#params.clear();
      }
      buffer = this.device.createBuffer({
        label: 'params',
        size: Math.max(16, Math.ceil(params.byteLength / 16) * 16),
        usage: GPUBufferUsage.UNIFORM,
        mappedAtCreation: true,
      });
      new Uint32Array(buffer.getMappedRange()).set(params);
      buffer.unmap();
      this.#params.set(key, buffer);
    }
    return buffer;
  }

  /**
   * Throws GpuFailureError when a failure just seen comes from a lost device: the promise that failed may
   * settle before `device.lost` does, so this waits a moment for it (a race whose loser is a 50 ms timer).
   */
  async #blameLoss(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.device.lost, new Promise((resolve) => (timer = setTimeout(resolve, 50)))]);
    clearTimeout(timer);
    this.#assertAlive();
  }

  #assertAlive(): void {
    if (this.#lost !== undefined) {
      throw new GpuFailureError('lost', `the GPU device was lost (${this.#lost}); nothing more can run on it: start again`);
    }
  }

  #throwReported(): void {
    this.#assertAlive();
    if (this.#outOfMemory !== undefined) {
      throw new GpuFailureError(
        'out-of-memory',
        `the GPU ran out of memory allocating ${this.#outOfMemory}; use a smaller --batch or a smaller model`,
      );
    }
    if (this.#errors.length > 0) {
      const errors = this.#errors.splice(0);
      throw new Error(`the GPU reported ${errors.length} error(s): ${errors.join(' | ')}`);
    }
  }
}

/** `bytes` in B, KiB or MiB, for messages. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** The bits of `value` as f32, for a params word. */
export function f32Bits(value: number): number {
  return new Uint32Array(new Float32Array([value]).buffer)[0];
}
