/**
 * Evaluation of attribution maps from any method or file: insertion and deletion fidelity (the curves of a
 * class score as a map's most salient pixels are deleted from, or inserted into, an image; their AUCs and
 * bootstrap intervals; sharded runs merged), and weakly supervised segmentation from saliency (Simonyan et
 * al. 2014, section 6) with OpenCV's GrabCut, its baselines, and mask and box overlaps.
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
export { boxIou } from './box_iou.ts';
export { centredBox } from './centred_box.ts';
export { DegenerateMapError } from './degenerate_map_error.ts';
export { grabCut, type GrabCutStart } from './grab_cut.ts';
export { type Component, largestComponent } from './largest_component.ts';
export { mapQuantiles } from './map_quantiles.ts';
export { maskIou } from './mask_iou.ts';
export { type OpenCv, openCv, openCvMessage, type OpenCvMat } from './open_cv.ts';
export { rgbBytes } from './rgb_bytes.ts';
export { GC_BGD, GC_FGD, GC_PR_BGD, GC_PR_FGD, type SaliencySeeds, saliencySeeds, type SeedQuantiles } from './saliency_seeds.ts';
export { segmentFromBox } from './segment_from_box.ts';
export { type Segmentation, segmentFromMap, type SegmentOptions } from './segment_from_map.ts';
export { thresholdSegment } from './threshold_segment.ts';
export { segmentationOverlay } from './segmentation_overlay.ts';
export {
  localiseSegmentation,
  meanBoxSize,
  type MethodSegmentation,
  type SegmentationItem,
  type SegmentationLocalisation,
  type SegmentationLocaliseOptions,
  type SegmentationScores,
  type SegmentationSet,
} from './localise_segmentation.ts';
export { scenePixels } from './scene_pixels.ts';
