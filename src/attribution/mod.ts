/**
 * Attribution: what the paper computes from a network's passes. Image-specific class saliency maps under
 * each ReLU rule and the methods users compare them with (gradient × input, Integrated Gradients,
 * SmoothGrad, Grad-CAM), class-model visualisation by regularised gradient ascent, and the plumbing between
 * images and the network: pixels to normalised input and back, colour maps, overlays, labelled grids and
 * titled stacks of them (a contact sheet), drawn in a built-in bitmap font; and how well the maps localise
 * objects (mass in the ground-truth box, pointing game) against centred-Gaussian baselines. Works on typed
 * arrays only, in Node and the browser alike.
 * @module
 */
export {
  ATTRIBUTION_DEFAULTS,
  ATTRIBUTION_METHODS,
  type AttributionMethod,
  type AttributionOptions,
  attribute,
  checkAttributionOptions,
  MULTI_PASS_METHODS,
} from './attribute.ts';
export { attributionBatch, DEFAULT_BATCH_BUDGET_BYTES, MAX_DEFAULT_BATCH } from './attribution_batch.ts';
export { drawText, GLYPH_HEIGHT, GLYPH_WIDTH, printableText, textWidth } from './bitmap_font.ts';
export { checkFiniteMaps } from './check_finite_maps.ts';
export { type BoxScores, boxScores } from './box_scores.ts';
export { centredGaussian } from './centred_gaussian.ts';
export type { AttributionMaps } from './chunked_maps.ts';
export {
  CLASS_MODEL_DEFAULTS,
  CLASS_MODEL_MEAN_PRIOR,
  CLASS_MODEL_PRIORS,
  classModel,
  type ClassModel,
  type ClassModelOptions,
  classModels,
  type ClassModelsOptions,
  jitterShifts,
  meanImagePrior,
} from './class_model.ts';
export { COLORMAP_NAMES, colormapColor, type ColormapName, colorizeMap } from './colormap.ts';
export { gradCamLayer } from './grad_cam_layer.ts';
export { gradCamMaps } from './grad_cam_maps.ts';
export { gradientTimesInput } from './gradient_times_input.ts';
export { imageToInput } from './image_to_input.ts';
export { type DisplayRange, inputToImage } from './input_to_image.ts';
export { integratedGradients, type IntegratedGradientsOptions } from './integrated_gradients.ts';
export { labelledGrid, type LabelledGridOptions } from './labelled_grid.ts';
export {
  type Localisation,
  type LocalisationItem,
  type LocalisationScores,
  type LocalisationSet,
  type LocaliseOptions,
  localiseSaliency,
} from './localise_saliency.ts';
export { overlayMap } from './overlay_map.ts';
export type { PixelImage } from './pixel_image.ts';
export { type SaliencyMaps, saliencyMaps, type SaliencyMapsByRule, saliencyMapsByRule, topClasses } from './saliency_maps.ts';
export { smoothGrad, type SmoothGradOptions } from './smooth_grad.ts';
export { type TitledSection, titledStack } from './titled_stack.ts';
