import type { Gpu } from '../src/gpu/mod.ts';
import { readTimestamps } from './read_timestamps.ts';

/** How a run was timed, as printed and saved with the results. */
export type TimingMethod = 'timestamp-query' | 'wall clock after onSubmittedWorkDone';

export interface Timing {
  readonly medianMs: number;
  /** Each timing, in ms per run. */
  readonly runs: readonly number[];
  /** Runs back to back inside each timing. */
  readonly inner: number;
}

// Short runs are repeated back to back inside one timing until it lasts this long, so that timestamp
// quantisation (Dawn rounds GPU timestamps, to 100 µs by default) and submission overheads stay small.
const TARGET_MS = 25;
const MOST_INNER = 1000;

/**
 * Times `run` (which records GPU work on `gpu`) `repetitions` times after one warm-up, each timing alone
 * on the queue: between two GPU timestamps when the adapter has `timestamp-query`, else on the wall
 * clock from submission to `onSubmittedWorkDone`. `run` may also do CPU-side work (a peer's whole op),
 * which only the wall clock sees: pass `wallClock` for those.
 */
export class Timer {
  readonly method: TimingMethod;
  readonly #gpu: Gpu;
  readonly #querySet: GPUQuerySet | undefined;

  constructor(gpu: Gpu) {
    this.#gpu = gpu;
    if (gpu.hasTimestamps) {
      this.#querySet = gpu.device.createQuerySet({ type: 'timestamp', count: 2 });
    }
    this.method = this.#querySet ? 'timestamp-query' : 'wall clock after onSubmittedWorkDone';
  }

  async time(run: () => Promise<void>, repetitions: number, wallClock = false): Promise<Timing> {
    const once = (inner: number) => (wallClock || !this.#querySet ? this.#wall(run, inner) : this.#stamped(run, inner));
    // The warm-up run also says how many runs one timing needs.
    const first = await once(1);
    const inner = Math.min(MOST_INNER, Math.max(1, Math.ceil(TARGET_MS / Math.max(first, 1e-3))));
    const runs: number[] = [];
    for (let i = 0; i < repetitions; i++) runs.push((await once(inner)) / inner);
    const sorted = [...runs].sort((a, b) => a - b);
    return { medianMs: sorted[Math.floor(sorted.length / 2)], runs, inner };
  }

  async #wall(run: () => Promise<void>, inner: number): Promise<number> {
    await this.#gpu.sync();
    const start = performance.now();
    for (let i = 0; i < inner; i++) await run();
    await this.#gpu.sync();
    return performance.now() - start;
  }

  async #stamped(run: () => Promise<void>, inner: number): Promise<number> {
    const gpu = this.#gpu;
    const querySet = this.#querySet!;
    gpu.timestamp(querySet, 0);
    for (let i = 0; i < inner; i++) await run();
    gpu.timestamp(querySet, 1);
    const [begin, end] = await readTimestamps(gpu, querySet, 2);
    return Number(end - begin) / 1e6;
  }
}
