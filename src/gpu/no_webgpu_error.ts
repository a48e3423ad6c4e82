/**
 * Thrown when no WebGPU adapter can be had. Callers catch it to explain what to install: the message
 * already says so for Node on Linux and for browsers.
 */
export class NoWebGpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoWebGpuError';
  }
}
