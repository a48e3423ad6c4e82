import type { Gpu } from '../src/gpu/mod.ts';

/** How a run was timed, as printed and saved with the results. */
export type TimingMethod = 'timestamp-query' | 'wall clock after onSubmittedWorkDone';

export interface Timing {
  readonly medianMs: number;
  readonly runs: readonly number[];
}

/**
 * Times `run` (which records GPU work on `gpu`) `repetitions` times after one warm-up, each run alone
 * on the queue: between two GPU timestamps when the adapter has `timestamp-query`, else on the wall
 * clock from submission to `onSubmittedWorkDone`. `run` may also do CPU-side work (a peer's whole op),
 * which only the wall clock sees: pass `wallClock` for those.
 */
export class Timer {
  readonly method: TimingMethod;
  readonly #gpu: Gpu;
  readonly #querySet: GPUQuerySet | undefined;
  readonly #resolve: GPUBuffer | undefined;

  constructor(gpu: Gpu) {
    this.#gpu = gpu;
    if (gpu.hasTimestamps) {
      this.#querySet = gpu.device.createQuerySet({ type: 'timestamp', count: 2 });
      this.#resolve = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    }
    this.method = this.#querySet ? 'timestamp-query' : 'wall clock after onSubmittedWorkDone';
  }

  async time(run: () => Promise<void>, repetitions: number, wallClock = false): Promise<Timing> {
    await run();
    await this.#gpu.sync();
    const runs: number[] = [];
    for (let i = 0; i < repetitions; i++) runs.push(wallClock || !this.#querySet ? await this.#wall(run) : await this.#stamped(run));
    const sorted = [...runs].sort((a, b) => a - b);
    return { medianMs: sorted[Math.floor(sorted.length / 2)], runs };
  }

  async #wall(run: () => Promise<void>): Promise<number> {
    await this.#gpu.sync();
    const start = performance.now();
    await run();
    await this.#gpu.sync();
    return performance.now() - start;
  }

  async #stamped(run: () => Promise<void>): Promise<number> {
    const gpu = this.#gpu;
    const querySet = this.#querySet!;
    gpu.timestamp(querySet, 0);
    await run();
    gpu.timestamp(querySet, 1);
    const staging = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const encoder = gpu.encoder();
    encoder.resolveQuerySet(querySet, 0, 2, this.#resolve!, 0);
    encoder.copyBufferToBuffer(this.#resolve!, 0, staging, 0, 16);
    await gpu.sync();
    await staging.mapAsync(GPUMapMode.READ);
    const [begin, end] = new BigUint64Array(staging.getMappedRange().slice(0));
    staging.destroy();
    return Number(end - begin) / 1e6;
  }
}
