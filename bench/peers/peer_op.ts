/**
 * One operation of a peer library, its inputs already built on that library's side (layouts converted,
 * weights uploaded, session created), so that `run()` is the operation alone.
 */
export interface PeerOp {
  /** What runs, as the peer calls it: `tfjs fused.conv2d NHWC`, `onnxruntime Conv`. */
  readonly name: string;
  /** Does the operation once and resolves when its result is computed (each peer says how it waits). */
  run(): Promise<void>;
  /**
   * Does the operation once and returns its result in our layout (NCHW, OIHW, (n, out)), for a check
   * against the float64 reference; slower than `run()`, never timed.
   */
  check(): Promise<Float32Array>;
  /** Frees what the operation holds (tensors, session). */
  dispose(): void;
}

/** What an `open…()` gives instead of a peer when the library cannot run here, and why. */
export interface PeerUnavailable {
  readonly unavailable: string;
}
