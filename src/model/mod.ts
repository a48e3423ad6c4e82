/**
 * VGG networks as data: the spec that describes one, its layers with shapes resolved, torchvision's
 * presets, and loading and saving its weights as safetensors under torchvision's tensor names; and ONNX
 * files read into a `Graph` (`onnxToGraph`, batch norm folded into its conv by `foldBatchNorm`).
 * @module
 */
export { foldBatchNorm } from './fold_batch_norm.ts';
export { IMAGENET_LABELS } from './imagenet_labels.ts';
export { initVggWeights } from './init_vgg_weights.ts';
export { isSafetensors, type LoadedModel, loadModel, type LoadModelOptions } from './load_model.ts';
export { loadVgg, MEAN_IMAGE_TENSOR, type VggModelData } from './load_vgg.ts';
export { type OnnxMetadata, parseOnnxMetadata } from './onnx_metadata.ts';
export { ONNX_OPERATORS, type OnnxOverrides, onnxToGraph, type OnnxToGraphOptions } from './onnx_to_graph.ts';
export { parseVggSpec } from './parse_vgg_spec.ts';
export { ONNX_OPSETS, readOnnx } from './read_onnx.ts';
export { RESNET_DEPTHS, resnetGraph, type ResNetOptions } from './resnet_graph.ts';
export { saveVgg } from './save_vgg.ts';
export {
  type VggAvgPoolLayer,
  type VggConvLayer,
  type VggLayer,
  vggLayers,
  type VggLinearLayer,
  type VggMaxPoolLayer,
  type VggReluLayer,
  vggTensorShapes,
} from './vgg_layers.ts';
export { vggGraph } from './vgg_graph.ts';
export { VGG_PRESET_NAMES, vggPreset } from './vgg_presets.ts';
export type { VggFeature, VggSpec } from './vgg_spec.ts';
