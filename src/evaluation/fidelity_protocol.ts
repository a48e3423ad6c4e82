import { fidelityCheckpoints, riseCheckpoints } from './fidelity_checkpoints.ts';

/** The two protocols `deepinside fidelity` implements: Xplique's Deletion/Insertion defaults, and RISE's. */
export const FIDELITY_PROTOCOLS = ['default', 'rise'] as const;
export type FidelityProtocolName = (typeof FIDELITY_PROTOCOLS)[number];

/** What a curve's points are: the target's softmax probability, or its unnormalised score. */
export const FIDELITY_SCORES = ['prob', 'logit'] as const;
export type FidelityScore = (typeof FIDELITY_SCORES)[number];

/**
 * A fidelity protocol made concrete for one input size: the checkpoints k_0 … k_steps (pixels changed), what
 * a deleted pixel becomes and what insertion starts from (in normalised units; `blur` for RISE's blurred
 * copy), and the score.
 */
export interface FidelityProtocol {
  readonly name: FidelityProtocolName;
  readonly checkpoints: readonly number[];
  /** The value of a deleted pixel, every channel, normalised units. */
  readonly deletion: number;
  /** The all-empty image of insertion: a constant in normalised units, or RISE's blurred copy of the input. */
  readonly insertion: number | 'blur';
  readonly score: FidelityScore;
}

/** The options that choose a protocol, as the command line gives them. */
export interface FidelityProtocolOptions {
  readonly protocol?: FidelityProtocolName;
  /** Default protocol: the number of steps (default 10). */
  readonly steps?: number;
  /** RISE: pixels changed per step (default the image's width, one row's worth). */
  readonly pixelsPerStep?: number;
  /** Default protocol: the baseline in normalised units (default 0, the dataset's mean colour). */
  readonly baseline?: number;
  readonly score?: FidelityScore;
}

/** Steps of the default protocol when none are given (Xplique's default). */
export const DEFAULT_FIDELITY_STEPS = 10;

/**
 * The protocol for images of height × width. Default: k_i = floor(i·H·W/steps), deleted pixels and the
 * insertion start both the baseline. RISE: k_i = min(i·pixelsPerStep, H·W), deleted pixels 0, insertion
 * from the blurred copy.
 * @throws RangeError for steps outside [1, H·W], pixels per step outside [1, H·W], a non-finite baseline, or an
 *   option the protocol does not take.
 */
export function fidelityProtocol(height: number, width: number, options: FidelityProtocolOptions = {}): FidelityProtocol {
  const pixels = height * width;
  const score = options.score ?? 'prob';
  if (options.protocol === 'rise') {
    if (options.steps !== undefined) throw new RangeError('--protocol rise takes --pixels-per-step, not --steps');
    if (options.baseline !== undefined) throw new RangeError('--protocol rise deletes to 0 and inserts into a blurred copy: it takes no --baseline');
    return { name: 'rise', checkpoints: riseCheckpoints(pixels, options.pixelsPerStep ?? width), deletion: 0, insertion: 'blur', score };
  }
  if (options.pixelsPerStep !== undefined) throw new RangeError('--pixels-per-step belongs to --protocol rise; the default protocol takes --steps');
  const baseline = options.baseline ?? 0;
  if (!Number.isFinite(baseline)) throw new RangeError(`--baseline ${baseline} must be a finite number`);
  return { name: 'default', checkpoints: fidelityCheckpoints(pixels, options.steps ?? DEFAULT_FIDELITY_STEPS), deletion: baseline, insertion: baseline, score };
}
