import { attribute, type AttributionMaps, COLORMAP_NAMES, type ColormapName, colorizeMap, imageToInput, MULTI_PASS_METHODS, overlayMap } from '../attribution/mod.ts';
import { writeNpy } from '../io/mod.ts';
import { checkOutputPath } from './check_output_path.ts';
import type { Command } from './command.ts';
import { encodePng } from './encode_png.ts';
import { METHOD_HELP, METHOD_OPTIONS, parseMethodOptions } from './method_options.ts';
import { openModel } from './open_model.ts';
import { KERNEL_HELP, KERNEL_OPTIONS, kernelOptions } from './kernel_options.ts';
import { MODEL_OVERRIDE_HELP, MODEL_OVERRIDE_OPTIONS, parseModelOverrides } from './model_overrides.ts';
import { outputName } from './output_names.ts';
import { parseOptions } from './parse_options.ts';
import { progressBar } from './progress_bar.ts';
import { throttle } from './progress_timing.ts';
import { readImages } from './read_images.ts';
import { resolveClass } from './resolve_class.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const HELP = `usage: deepinside saliency --model M.safetensors|M.onnx --image I.png [--image I2.png ...] --out map.png
                          [--class C] [--method gradient|deconvnet|guided|gradxinput|ig|smoothgrad|gradcam]
                          [--steps M] [--baseline B] [--samples N] [--noise S] [--smooth-squared]
                          [--seed K] [--layer NAME] [--batch B] [--overlay overlay.png]
                          [--npy map.npy] [--colormap ${COLORMAP_NAMES.join('|')}] [--preset NAME]
                          [--mean M,M,M] [--std S,S,S] [--labels FILE] [--winograd]

Image-specific class saliency (Simonyan et al. 2014, section 3.1): for each image, the map
M_ij = max over colour channels c of |dS_c/dI_cij|, the gradient of the unnormalised class
score S_c with respect to the input pixels, from one forward and one backward pass; or the
map of one of the methods users compare it with (--method).

  --model PATH     the model: a VGG as .safetensors (README, "Models") or an ONNX file
                   (docs/graphs.md): every Relu node of its graph follows --rule
  --preset NAME    the architecture of a bare torchvision file: vgg11, vgg13, vgg16 or vgg19
${MODEL_OVERRIDE_HELP}
${KERNEL_HELP}
  --image PATH     a PNG of the model's input size (colour for a 3-channel model, grey for a
                   1-channel one), or a folder: every .png in it, by name. Repeat for more;
                   the images run together, --batch at a time.
  --class C        the class to explain, an index or a label, the same for every image
                   (default: each image's own top-scoring class)
${METHOD_HELP}
  --rule R         the older spelling of --method for gradient, deconvnet and guided (how the
                   backward pass crosses each ReLU); not with --method
  --batch B        images, or copies of images (ig, smoothgrad), per forward and backward pass
                   (default: what fits a memory budget of four of the adapter's largest bindings
                   or its largest buffer up to 2 GiB, whichever is more)
  --out PATH       the map as a PNG, scaled to its own maximum (white = most salient)
  --overlay PATH   also the map blended over the image (half and half), as an RGB PNG
  --npy PATH       also the raw map, float32 in NumPy's .npy format: shape (H, W) for one image,
                   (N, H, W) for N images, in the order the images were given
  --colormap NAME  grey (default), inferno or viridis, for --out and --overlay

With several images, --out and --overlay name one file each per image, numbered in order:
--out map.png writes map-0.png, map-1.png, ... The names are printed with each image's class.
Every file is written whole or not at all; missing folders are reported before any work.

example:
  npx deepinside saliency --model weights/vgg-cluttered.safetensors --image weights/images/cluttered-1-trouser.png --rule guided --out map.png --overlay overlay.png`;

/** `deepinside saliency`: the maps of any attribution method for one image or a batch, as PNG, overlay and .npy. */
export const saliencyCommand: Command = {
  name: 'saliency',
  summary: 'saliency maps: gradient, deconvnet, guided, gradient × input, IG, SmoothGrad, Grad-CAM',
  help: HELP,
  async run(args, context) {
    const options = parseOptions('saliency', args, {
      model: { type: 'string' },
      preset: { type: 'string' },
      ...MODEL_OVERRIDE_OPTIONS,
      ...KERNEL_OPTIONS,
      image: { type: 'string', multiple: true },
      class: { type: 'string' },
      rule: { type: 'string' },
      ...METHOD_OPTIONS,
      batch: { type: 'string' },
      out: { type: 'string' },
      overlay: { type: 'string' },
      npy: { type: 'string' },
      colormap: { type: 'string' },
    });
    const { method, options: methodOptions } = parseMethodOptions(options);
    const colormap = (options.colormap ?? 'grey') as ColormapName;
    if (!COLORMAP_NAMES.includes(colormap)) throw new RangeError(`--colormap ${options.colormap} is not one of ${COLORMAP_NAMES.join(', ')}`);
    if (options.out === undefined) throw new RangeError('--out is required: where to write the map PNG');
    if (!options.image?.length) throw new RangeError('--image is required: a PNG, or a folder of them');

    const files = readImages(options.image);
    const n = files.length;
    const outputs = files.map((_, i) => ({
      out: outputName(options.out!, i, n),
      overlay: options.overlay === undefined ? undefined : outputName(options.overlay, i, n),
    }));
    const paths = [...outputs.flatMap(({ out, overlay }) => (overlay === undefined ? [out] : [out, overlay])), ...(options.npy ? [options.npy] : [])];
    if (new Set(paths).size !== paths.length) throw new RangeError(`--out, --overlay and --npy must name different files`);
    for (const { out, overlay } of outputs) {
      checkOutputPath('--out', out);
      if (overlay !== undefined) checkOutputPath('--overlay', overlay);
    }
    if (options.npy !== undefined) checkOutputPath('--npy', options.npy);

    const { model } = await openModel(context, options.model, options.preset, parseModelOverrides(options), kernelOptions(options));
    const info = model.info;
    const { height: h, width: w } = info.input;
    let result: AttributionMaps;
    try {
      const classes = options.class === undefined ? 'top' : files.map(() => resolveClass(info.labels, options.class!));
      const input = new Float32Array(n * model.inputSize);
      files.forEach(({ path, image }, i) => input.set(imageToInput(info, image, path), i * model.inputSize));
      const show = throttle(1);
      const copies = MULTI_PASS_METHODS.includes(method) ? 'copies' : 'maps';
      result = await attribute(model, input, n, classes, method, {
        ...methodOptions,
        onProgress: (done, total) => show(done === total, () => context.progress(`${method} ${progressBar(done / total)} ${done}/${total} ${copies}`)),
      });
    } finally {
      model.destroy();
    }
    const plane = h * w;
    for (const [i, { path, image }] of files.entries()) {
      const map = result.maps.subarray(i * plane, (i + 1) * plane);
      const { out, overlay } = outputs[i];
      writeFileAtomic(out, encodePng(colorizeMap(map, w, h, colormap)));
      if (overlay !== undefined) writeFileAtomic(overlay, encodePng(overlayMap(image, map, colormap)));
      const c = result.classes[i];
      const score = result.logits[i * info.labels.length + c];
      const gap = result.completeness ? `, completeness gap ${result.completeness[i].toExponential(2)}` : '';
      context.print(`${path}: class ${c} "${info.labels[c]}" (S_c ${score.toPrecision(5)}, ${method}${gap}) → ${out}${overlay ? `, ${overlay}` : ''}`);
    }
    if (options.npy !== undefined) {
      writeFileAtomic(options.npy, writeNpy(result.maps, n === 1 ? [h, w] : [n, h, w]));
      context.print(`maps (${n === 1 ? `${h}, ${w}` : `${n}, ${h}, ${w}`}) float32 → ${options.npy}`);
    }
    return 0;
  },
};
