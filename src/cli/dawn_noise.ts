/**
 * Whether a line on standard error is one of the warnings Dawn's native code prints at device creation
 * on adapters that report huge dynamic-buffer limits (lavapipe says 1000000), which Dawn then lowers:
 * `Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit
 * dynamic offset allocation limit.` Harmless, and nothing a user can act on. Only these exact lines match,
 * so that every other message, Dawn's real errors included, still reaches the terminal.
 */
export function isDawnNoise(line: string): boolean {
  return /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?$/.test(line);
}

/** The start every noise line shares: a partial line that could still become one is held back. */
export const DAWN_NOISE_PREFIX = 'Warning: maxDynamic';
