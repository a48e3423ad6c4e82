/** A range of a tensor bound to a kernel: `binding` starts at an aligned offset, `base` is the range's first element within it. */
export interface BindingWindow {
  readonly binding: GPUBufferBinding;
  readonly base: number;
}
