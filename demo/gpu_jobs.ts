/**
 * The page's GPU work, one job at a time: the engine's models keep their activations between a forward
 * and a backward pass, and the `Gpu` reuses scratch buffers, so two jobs must not interleave. A long job
 * (a class model's ascent) calls `between()` after each step, so that a saliency map asked for meanwhile
 * runs then instead of waiting for the whole ascent.
 */
export class GpuJobs {
  #busy = false;
  #waiting: (() => Promise<void>)[] = [];

  /** Runs `job` once the jobs before it are done (or when the running one makes room between its steps). */
  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const go = () => job().then(resolve, reject);
      if (this.#busy) {
        this.#waiting.push(go);
        return;
      }
      this.#busy = true;
      void go().finally(() => this.#next());
    });
  }

  /** For the running job, between its steps: runs the jobs that are waiting now, then returns. */
  async between(): Promise<void> {
    while (this.#waiting.length > 0) await this.#waiting.shift()!();
  }

  #next(): void {
    const job = this.#waiting.shift();
    if (job) void job().finally(() => this.#next());
    else this.#busy = false;
  }
}
