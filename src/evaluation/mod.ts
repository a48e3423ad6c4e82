/**
 * Evaluation of attribution maps from any method or file: insertion and deletion fidelity (the curves of a
 * class score as a map's most salient pixels are deleted from, or inserted into, an image; their AUCs and
 * bootstrap intervals; sharded runs merged).
 * @module
 */
export { BOOTSTRAP_LEVEL, BOOTSTRAP_RESAMPLES, type BootstrapOptions, bootstrapInterval } from './bootstrap_interval.ts';
export { FIDELITY_BASELINES, type FidelityBaseline, fidelityBaselineMap } from './fidelity_baseline_map.ts';
export { fidelityCheckpoints, riseCheckpoints } from './fidelity_checkpoints.ts';
export { defaultFidelityBatch, type FidelityCurves, fidelityCurves, type FidelityCurvesOptions } from './fidelity_curves.ts';
export {
  DEFAULT_FIDELITY_STEPS,
  FIDELITY_PROTOCOLS,
  FIDELITY_SCORES,
  type FidelityProtocol,
  fidelityProtocol,
  type FidelityProtocolName,
  type FidelityProtocolOptions,
  type FidelityScore,
} from './fidelity_protocol.ts';
export {
  type FidelityCurveSummary,
  fidelityJson,
  type FidelityMethodResult,
  type FidelityReport,
  type FidelityRun,
  parseFidelityJson,
  summariseCurves,
  summariseFidelity,
} from './fidelity_report.ts';
export { fidelityChartSpec, type VegaLiteSpec } from './fidelity_chart_spec.ts';
export { mergeFidelity } from './merge_fidelity.ts';
export { pixelOrder, pixelRanks } from './pixel_ranking.ts';
export { RISE_BLUR_NSIG, RISE_BLUR_TAPS, riseBlur, riseKernel1d } from './rise_blur.ts';
export { trapezoidAuc } from './trapezoid_auc.ts';
