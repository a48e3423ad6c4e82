import type { VggSpec } from '../../src/model/mod.ts';

/**
 * A VGG small enough to build by hand: 1×4×4 input, conv 2, max-pool, conv 3, a 5-wide hidden layer and
 * two classes: conv weights [2, 1, 3, 3] and [3, 2, 3, 3], classifier.0 [5, 12],
 * classifier.3 [2, 5]. `change` replaces top-level fields, for tests that break one.
 */
export function tinyVggSpec(change: Record<string, unknown> = {}): VggSpec {
  return {
    format: 1,
    architecture: 'vgg',
    features: [2, 'M', 3],
    classifier: [5],
    input: { channels: 1, height: 4, width: 4 },
    normalize: { mean: [0.5], std: [0.25] },
    labels: ['zero', 'one'],
    ...change,
  } as VggSpec;
}
