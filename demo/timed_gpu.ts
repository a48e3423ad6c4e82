import { Gpu, type GpuTensor, type KernelSet } from '../src/mod.ts';

/** How `TimedGpu` measures: on the GPU's own clock where the adapter has timestamp queries, else the wall clock. */
export type TimingMethod = 'GPU timeline (timestamp-query)' | 'wall clock';

/**
 * A `Gpu` on the same device that also times its work on the GPU timeline: a timestamp before the first
 * dispatch after each read and another just before the read's copy, so that each span holds the GPU
 * work only, not the page's time between submissions. `takeMs()` sums the spans since it was last
 * called. Without `timestamp-query` nothing is recorded and callers time on the wall clock.
 * @example
 * const gpu = TimedGpu.over(await requestGpu());
 * await saliencyMaps(GraphModel.create(gpu, vggGraph(data)), input, 1, 'top');
 * console.log(gpu.takeMs(), gpu.method);
 */
export class TimedGpu extends Gpu {
  readonly method: TimingMethod;
  readonly #querySet: GPUQuerySet | undefined;
  readonly #resolve: GPUBuffer | undefined;
  readonly #staging: GPUBuffer | undefined;
  #open = false;
  #ms = 0;

  /** A timed `Gpu` on `gpu`'s device (the engine's `requestGpu()` picked the adapter, limits and kernels). */
  static over(gpu: Gpu): TimedGpu {
    return new TimedGpu(gpu.device, gpu.adapterName, gpu.kernels);
  }

  constructor(device: GPUDevice, adapterName: string, kernels: KernelSet) {
    super(device, adapterName, { kernels });
    if (this.hasTimestamps) {
      this.#querySet = device.createQuerySet({ type: 'timestamp', count: 2, label: 'demo step timer' });
      this.#resolve = device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      this.#staging = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    }
    this.method = this.#querySet ? 'GPU timeline (timestamp-query)' : 'wall clock';
  }

  /** GPU milliseconds of the work read back since the last call (0 without timestamp queries). */
  takeMs(): number {
    const ms = this.#ms;
    this.#ms = 0;
    return ms;
  }

  override dispatch(
    pipeline: GPUComputePipeline,
    params: Uint32Array,
    bindings: readonly GPUBufferBinding[],
    workgroups: readonly [number, number?, number?],
  ): void {
    if (this.#querySet && !this.#open) {
      this.timestamp(this.#querySet, 0);
      this.#open = true;
    }
    super.dispatch(pipeline, params, bindings, workgroups);
  }

  override async read(tensor: GpuTensor, start = 0, count = tensor.length - start): Promise<Float32Array> {
    if (!this.#querySet || !this.#open) return super.read(tensor, start, count);
    this.#open = false;
    this.timestamp(this.#querySet, 1);
    const encoder = this.encoder();
    encoder.resolveQuerySet(this.#querySet, 0, 2, this.#resolve!, 0);
    encoder.copyBufferToBuffer(this.#resolve!, 0, this.#staging!, 0, 16);
    // The tensor's read submits and waits for all of it, the timestamps included.
    const values = await super.read(tensor, start, count);
    await this.#staging!.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(this.#staging!.getMappedRange().slice(0));
    this.#staging!.unmap();
    this.#ms += Number(end - begin) / 1e6;
    return values;
  }
}
