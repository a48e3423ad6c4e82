import { ATTRIBUTION_DEFAULTS, ATTRIBUTION_METHODS, type AttributionMethod, type AttributionOptions, checkAttributionOptions } from '../attribution/mod.ts';
import { RELU_RULES } from '../shapes/mod.ts';
import { parseNumber } from './parse_options.ts';

/**
 * The options that choose an attribution method and set it up, for `parseOptions`: every command that
 * draws maps (saliency, localise, fidelity, segment) spreads these into its own. `--batch` is left to
 * each command, which may already use it for images per pass; `parseMethodOptions` reads it when given.
 */
export const METHOD_OPTIONS = {
  method: { type: 'string' },
  steps: { type: 'string' },
  samples: { type: 'string' },
  noise: { type: 'string' },
  'smooth-squared': { type: 'boolean' },
  seed: { type: 'string' },
  baseline: { type: 'string' },
  layer: { type: 'string' },
} as const;

/** What `parseOptions` returns for `METHOD_OPTIONS` (and `rule`, `batch`, which commands may have). */
export interface MethodOptionValues {
  readonly method?: string;
  readonly rule?: string;
  readonly steps?: string;
  readonly samples?: string;
  readonly noise?: string;
  readonly 'smooth-squared'?: boolean;
  readonly seed?: string;
  readonly baseline?: string;
  readonly layer?: string;
  readonly batch?: string;
}

/** A method and its options, parsed and checked. */
export interface ParsedMethod {
  readonly method: AttributionMethod;
  readonly options: AttributionOptions;
}

/**
 * The help lines for `METHOD_OPTIONS`, stating each method's definition and each option's default; x is
 * the normalised input, S_c the unnormalised score of the class explained.
 */
export const METHOD_HELP = `  --method M       how the map is made, for class c with unnormalised score S_c and x the
                   normalised input; every map is (H, W) and unscaled:
                     gradient    max over channels of |dS_c/dx| (the paper's saliency, default)
                     deconvnet   the same, ReLUs crossed by the deconvnet rule (Zeiler & Fergus)
                     guided      the same, ReLUs crossed by guided backpropagation (Springenberg)
                     gradxinput  max over channels of |x ⊙ dS_c/dx|
                     ig          Integrated Gradients: IG = (x − x') ⊙ (1/m) Σ_{k=1..m} dS_c/dx at
                                 x' + ((k − ½)/m)(x − x') (midpoint rule), map = max over channels of
                                 |IG|; prints the completeness gap |Σ IG − (S_c(x) − S_c(x'))| /
                                 |S_c(x) − S_c(x')| of each image
                     smoothgrad  SmoothGrad: max over channels of |mean of dS_c/dx at x + ε| over n
                                 copies, ε ~ N(0, σ²), σ = noise × (max x − min x) of each image
                     gradcam     Grad-CAM: w_k = spatial mean of dS_c/dA_k, map = ReLU(Σ_k w_k A_k)
                                 upsampled to (H, W) bilinearly with half-pixel centres (PyTorch's
                                 align_corners=False); A = the feature maps of --layer
  --steps M        ig: the steps m, ≥ 1 (default ${ATTRIBUTION_DEFAULTS.steps})
  --baseline B     ig: the constant baseline x' in normalised units (default ${ATTRIBUTION_DEFAULTS.baseline}: the
                   colour of the model's normalisation mean)
  --samples N      smoothgrad: the noisy copies n per image, ≥ 1 (default ${ATTRIBUTION_DEFAULTS.samples})
  --noise S        smoothgrad: σ as a fraction of the image's range, ≥ 0 (default ${ATTRIBUTION_DEFAULTS.noise})
  --smooth-squared smoothgrad: SmoothGrad-Squared, max over channels of the mean of (dS_c/dx)²
  --seed K         smoothgrad: the noise's seed, a whole number in [0, 2³²) (default ${ATTRIBUTION_DEFAULTS.seed}); the
                   noise depends only on the seed and each image's place, not on --batch
  --layer NAME     gradcam: the spatial output to weigh (a VGG's torchvision path such as
                   features.29, an ONNX node's name); default the output just before the final
                   pooling: a VGG's last ReLU of features (VGG16: features.29), a ResNet's last ReLU`;

/**
 * The method and options that `values` spell: `--method`, or the older `--rule` (a ReLU rule only; both
 * together are refused), `defaultMethod` when neither is given; numbers checked as `attribute` checks
 * them, so that a bad value fails before any work. `batchOption`: the name `--batch` is read under for the
 * method's passes (`undefined`: not read). `spelled`: the names a command gives `--steps`, `--baseline` and
 * `--seed` where its own options hold those (fidelity's `--ig-steps`…), for the messages.
 * @throws RangeError naming the option and its rule.
 */
export function parseMethodOptions(
  values: MethodOptionValues,
  defaultMethod: AttributionMethod = 'gradient',
  batchOption: '--batch' | undefined = '--batch',
  spelled: { readonly steps?: string; readonly baseline?: string; readonly seed?: string } = {},
): ParsedMethod {
  if (values.method !== undefined && values.rule !== undefined) {
    throw new RangeError('--rule and --method name the same choice: give one (--rule R is --method R)');
  }
  if (values.rule !== undefined && !(RELU_RULES as readonly string[]).includes(values.rule)) {
    throw new RangeError(`--rule ${values.rule} is not one of ${RELU_RULES.join(', ')}`);
  }
  const name = values.method ?? values.rule ?? defaultMethod;
  if (!(ATTRIBUTION_METHODS as readonly string[]).includes(name)) {
    throw new RangeError(`--method ${name} is not one of ${ATTRIBUTION_METHODS.join(', ')}`);
  }
  const number = (option: string, text: string | undefined, rules: Parameters<typeof parseNumber>[2]) =>
    text === undefined ? undefined : parseNumber(option, text, rules);
  const options: AttributionOptions = {
    steps: number(spelled.steps ?? '--steps', values.steps, { integer: true, min: 1 }),
    samples: number('--samples', values.samples, { integer: true, min: 1 }),
    noise: number('--noise', values.noise, { min: 0 }),
    smoothSquared: values['smooth-squared'],
    seed: number(spelled.seed ?? '--seed', values.seed, { integer: true, min: 0, max: 0xffffffff }),
    baseline: number(spelled.baseline ?? '--baseline', values.baseline, {}),
    layer: values.layer,
    batch: batchOption === undefined ? undefined : number(batchOption, values.batch, { integer: true, min: 1 }),
  };
  checkAttributionOptions(options);
  return { method: name as AttributionMethod, options };
}
