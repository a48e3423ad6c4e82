/**
 * Evaluation: what a map is worth. Weakly supervised segmentation from saliency (Simonyan et al. 2014,
 * section 6) with OpenCV's GrabCut, its baselines, and mask and box overlaps.
 * @module
 */
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
