/** PyTorch's `torch.optim.Adam` settings (an L2 penalty added to the gradient, not AdamW). */
export interface AdamOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** L2 penalty added to the gradient; 0 when absent. */
  readonly weightDecay?: number;
}

/** PyTorch's `torch.optim.SGD` with momentum. */
export interface SgdMomentumOptions {
  readonly learningRate: number;
  readonly momentum: number;
  /** L2 penalty added to the gradient, as PyTorch's `weight_decay`; 0 when absent. */
  readonly weightDecay?: number;
}
