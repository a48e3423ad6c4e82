import { COLORMAP_NAMES, type ColormapName, checkFiniteMaps, colorizeMap, imageToInput, overlayMap, saliencyMaps } from '../attribution/mod.ts';
import { writeNpy } from '../io/mod.ts';
import { VggModel } from '../nn/mod.ts';
import { RELU_RULES, type ReluRule } from '../shapes/mod.ts';
import { checkOutputPath } from './check_output_path.ts';
import type { Command } from './command.ts';
import { encodePng } from './encode_png.ts';
import { loadModelOption } from './load_model_option.ts';
import { outputName } from './output_names.ts';
import { parseOptions } from './parse_options.ts';
import { readImages } from './read_images.ts';
import { resolveClass } from './resolve_class.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const HELP = `usage: deepinside saliency --model M.safetensors --image I.png [--image I2.png ...] --out map.png
                          [--class C] [--rule gradient|deconvnet|guided] [--overlay overlay.png]
                          [--npy map.npy] [--colormap ${COLORMAP_NAMES.join('|')}] [--preset NAME]

Image-specific class saliency (Simonyan et al. 2014, section 3.1): for each image, the map
M_ij = max over colour channels c of |dS_c/dI_cij|, the gradient of the unnormalised class
score S_c with respect to the input pixels, from one forward and one backward pass.

  --model PATH     the VGG, a .safetensors file (README, "Models")
  --preset NAME    the architecture of a bare torchvision file: vgg11, vgg13, vgg16 or vgg19
  --image PATH     a PNG of the model's input size (colour for a 3-channel model, grey for a
                   1-channel one), or a folder: every .png in it, by name. Repeat for more;
                   all the images run as one batch.
  --class C        the class to explain, an index or a label, the same for every image
                   (default: each image's own top-scoring class)
  --rule R         how the backward pass crosses each ReLU: gradient (the paper's saliency,
                   default), deconvnet (Zeiler & Fergus, section 4 of the paper) or guided
                   (guided backpropagation, Springenberg et al. 2015)
  --out PATH       the map as a PNG, scaled to its own maximum (white = most salient)
  --overlay PATH   also the map blended over the image (half and half), as an RGB PNG
  --npy PATH       also the raw map, float32 in NumPy's .npy format: shape (H, W) for one image,
                   (N, H, W) for N images, in the order the images were given
  --colormap NAME  grey (default), inferno or viridis, for --out and --overlay

With several images, --out and --overlay name one file each per image, numbered in order:
--out map.png writes map-0.png, map-1.png, ... The names are printed with each image's class.
Every file is written whole or not at all; missing folders are reported before any work.`;

/** `deepinside saliency`: saliency maps for one image or a batch, as PNG, overlay and .npy. */
export const saliencyCommand: Command = {
  name: 'saliency',
  summary: 'image-specific class saliency maps (gradient, deconvnet or guided rule)',
  help: HELP,
  async run(args, context) {
    const options = parseOptions('saliency', args, {
      model: { type: 'string' },
      preset: { type: 'string' },
      image: { type: 'string', multiple: true },
      class: { type: 'string' },
      rule: { type: 'string' },
      out: { type: 'string' },
      overlay: { type: 'string' },
      npy: { type: 'string' },
      colormap: { type: 'string' },
    });
    const rule = (options.rule ?? 'gradient') as ReluRule;
    if (!RELU_RULES.includes(rule)) throw new RangeError(`--rule ${options.rule} is not one of ${RELU_RULES.join(', ')}`);
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

    const data = loadModelOption(options.model, options.preset);
    const { spec } = data;
    const classes = options.class === undefined ? 'top' : files.map(() => resolveClass(spec.labels, options.class!));
    const { height: h, width: w } = spec.input;
    const input = new Float32Array(n * spec.input.channels * h * w);
    files.forEach(({ path, image }, i) => input.set(imageToInput(spec, image, path), i * spec.input.channels * h * w));

    const model = VggModel.create(await context.gpu(), data);
    let result: Awaited<ReturnType<typeof saliencyMaps>>;
    try {
      result = await saliencyMaps(model, input, n, classes, rule);
      checkFiniteMaps(result, n, rule);
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
      const score = result.logits[i * spec.labels.length + c];
      context.print(`${path}: class ${c} "${spec.labels[c]}" (S_c ${score.toPrecision(5)}, ${rule}) → ${out}${overlay ? `, ${overlay}` : ''}`);
    }
    if (options.npy !== undefined) {
      writeFileAtomic(options.npy, writeNpy(result.maps, n === 1 ? [h, w] : [n, h, w]));
      context.print(`maps (${n === 1 ? `${h}, ${w}` : `${n}, ${h}, ${w}`}) float32 → ${options.npy}`);
    }
    return 0;
  },
};
