/** The option every command that runs a model's 3×3 convolutions many times takes, for `parseOptions`. */
export const KERNEL_OPTIONS = {
  winograd: { type: 'boolean' },
} as const;

/** The `--help` lines for `KERNEL_OPTIONS`. */
export const KERNEL_HELP = `  --winograd       run the 3×3 stride-1 convolutions by Winograd's F(2×2, 3×3), F(4×4, 3×3) or
                   F(6×6, 3×3) where a table measured on lavapipe says it is faster (docs/winograd.md:
                   at batch 10, 0.43 to 0.83 of the direct kernels' time on the shipped models'
                   layers); results differ from the direct kernels' by rounding (up to about 3e-5 of a
                   layer's largest value)`;

/** What `--winograd` asks of `GraphModel.create`. */
export function kernelOptions(options: { readonly winograd?: boolean }): { readonly winograd: boolean } {
  return { winograd: options.winograd === true };
}
