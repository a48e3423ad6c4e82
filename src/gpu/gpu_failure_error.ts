/**
 * The GPU failed under the work, not the work itself: the device was lost (a driver reset, a browser's GPU
 * process restarting, `device.destroy()`) or an allocation ran out of memory. Callers catch it to say so
 * in one line and offer to start again (the CLI exits 1; the demo offers to reload the model).
 * `kind` tells which; `message` names the cause and what to do.
 */
export class GpuFailureError extends Error {
  override readonly name = 'GpuFailureError';
  readonly kind: 'lost' | 'out-of-memory';

  constructor(kind: 'lost' | 'out-of-memory', message: string) {
    super(message);
    this.kind = kind;
  }
}
