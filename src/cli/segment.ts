import { readFileSync } from 'node:fs';
import { ATTRIBUTION_METHODS, attribute, imageToInput } from '../attribution/mod.ts';
import { type Segmentation, segmentationOverlay, segmentFromMap } from '../evaluation/mod.ts';
import { readNpy, writeNpy } from '../io/mod.ts';
import { checkOutputPath } from './check_output_path.ts';
import type { Command } from './command.ts';
import { encodePng } from './encode_png.ts';
import { METHOD_HELP, METHOD_OPTIONS, parseMethodOptions } from './method_options.ts';
import { KERNEL_HELP, KERNEL_OPTIONS, kernelOptions } from './kernel_options.ts';
import { MODEL_OVERRIDE_HELP, MODEL_OVERRIDE_OPTIONS, parseModelOverrides } from './model_overrides.ts';
import { openModel } from './open_model.ts';
import { outputName } from './output_names.ts';
import { parseOptions } from './parse_options.ts';
import { readImages } from './read_images.ts';
import { resolveClass } from './resolve_class.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const HELP = `usage: deepinside segment --model M --image I.png [--image I2.png ...] --out mask.png
                         [--overlay o.png] [--npy mask.npy] [--json box.json] [--class C]
                         [--method ${ATTRIBUTION_METHODS.join('|')}] [--preset NAME]
       deepinside segment --map saliency.npy --image I.png ... --out mask.png [...]

Weakly supervised object segmentation from a saliency map (Simonyan et al. 2014, section 6), with
OpenCV's GrabCut (OpenCV.js 4.10, WebAssembly). For each image:
  1. the map M (H, W) of the class (as deepinside saliency computes it), or the one given by --map;
  2. seeds: foreground where M ≥ its 95% quantile, background where M < its 30% quantile, the rest
     "probably background". Quantiles as NumPy's np.quantile(M, q) with its default linear
     interpolation (sort the H·W values, position q·(H·W − 1), interpolate between its neighbours),
     in float64;
  3. GrabCut, 5 iterations, initialised with that mask, on the image as 8-bit RGB (a grey image
     repeated to three channels);
  4. the object: the largest 8-connected component of GrabCut's foreground (definite or probable);
     the box: its bounding box.

  --model PATH     the classifier whose maps seed GrabCut (README, "Models")
  --preset NAME    the architecture of a bare torchvision file: vgg11, vgg13, vgg16 or vgg19
  --image PATH     a PNG of the model's input size, or a folder: every .png in it, by name. Repeat
                   for more; all the images run as one batch.
  --map PATH       seed from this float32 .npy map instead of a model's: shape (H, W) for one
                   image, (N, H, W) for N images, in the order of the images (any method or tool)
  --class C        the class to explain, an index or a label, the same for every image (default:
                   each image's own top-scoring class)
${METHOD_HELP}
  --rule M         the same as --method
  --batch B        images, or copies of images (ig, smoothgrad), per forward and backward pass
${MODEL_OVERRIDE_HELP}
${KERNEL_HELP}
  --out PATH       the mask as a PNG: white on the object, black elsewhere
  --overlay PATH   also the mask (green) and its box (red) over the image, RGB
  --npy PATH       also the mask as float32 0/1 in .npy: (H, W) for one image, (N, H, W) for N
  --json PATH      also, per image: {"image", "class", "box": [x0, y0, x1, y1] (x1, y1 exclusive),
                   "area", "grabCutForeground", "seeds": {"foreground", "background",
                   "probableBackground"}, "thresholds": {"foreground", "background"}}; an array of
                   them for several images

With several images, --out and --overlay name one file each per image, numbered in order:
--out mask.png writes mask-0.png, mask-1.png, ...

A flat map (no pixel above its 30% quantile), or one whose 95% quantile is its minimum (ties: no
background seed), cannot seed GrabCut and is refused. GrabCut's k-means draws from OpenCV's own
generator, so a fresh run on the same inputs in the same order gives the same masks.
Every file is written whole or not at all, and only once every image has been segmented.

example:
  npx deepinside segment --model weights/vgg-cluttered.safetensors --image weights/images/cluttered-3-dress.png --method guided --out mask.png --overlay seg.png --json box.json`;

/** `deepinside segment`: an object's mask and box from a saliency map and GrabCut. */
export const segmentCommand: Command = {
  name: 'segment',
  summary: "an object's mask and box from its saliency map with GrabCut (the paper's section 6)",
  help: HELP,
  async run(args, context) {
    const options = parseOptions('segment', args, {
      model: { type: 'string' },
      preset: { type: 'string' },
      image: { type: 'string', multiple: true },
      map: { type: 'string' },
      class: { type: 'string' },
      ...METHOD_OPTIONS,
      ...MODEL_OVERRIDE_OPTIONS,
      ...KERNEL_OPTIONS,
      rule: { type: 'string' },
      batch: { type: 'string' },
      out: { type: 'string' },
      overlay: { type: 'string' },
      npy: { type: 'string' },
      json: { type: 'string' },
    });
    // Here --rule is another spelling of --method, for any method, as segment has always taken it.
    if (options.method !== undefined && options.rule !== undefined && options.method !== options.rule) {
      throw new RangeError(`--method ${options.method} and --rule ${options.rule} disagree; give one`);
    }
    const { method, options: methodOptions } = parseMethodOptions({ ...options, method: options.method ?? options.rule, rule: undefined });
    if (options.out === undefined) throw new RangeError('--out is required: where to write the mask PNG');
    if (!options.image?.length) throw new RangeError('--image is required: a PNG, or a folder of them');
    if (options.map === undefined && options.model === undefined) throw new RangeError('give --model (to compute maps) or --map (a saliency .npy)');
    if (options.map !== undefined) {
      for (const name of ['model', 'preset', 'class', 'method', 'rule'] as const) {
        if (options[name] !== undefined) throw new RangeError(`--${name} has no effect with --map, which gives the maps; drop one`);
      }
    }

    const files = readImages(options.image);
    const n = files.length;
    const outputs = files.map((_, i) => ({
      out: outputName(options.out!, i, n),
      overlay: options.overlay === undefined ? undefined : outputName(options.overlay, i, n),
    }));
    const paths = [
      ...outputs.flatMap(({ out, overlay }) => (overlay === undefined ? [out] : [out, overlay])),
      ...(options.npy ? [options.npy] : []),
      ...(options.json ? [options.json] : []),
    ];
    if (new Set(paths).size !== paths.length) throw new RangeError('--out, --overlay, --npy and --json must name different files');
    for (const { out, overlay } of outputs) {
      checkOutputPath('--out', out);
      if (overlay !== undefined) checkOutputPath('--overlay', overlay);
    }
    if (options.npy !== undefined) checkOutputPath('--npy', options.npy);
    if (options.json !== undefined) checkOutputPath('--json', options.json);

    let maps: Float32Array;
    let classes: readonly (number | undefined)[] = files.map(() => undefined);
    let labels: readonly string[] = [];
    const { height: h, width: w } = files[0].image;
    for (const { path, image } of files) {
      if (image.height !== h || image.width !== w) {
        throw new RangeError(`${path} is ${image.height}×${image.width} but ${files[0].path} is ${h}×${w}; one batch takes one size`);
      }
    }
    const plane = h * w;
    if (options.map !== undefined) {
      maps = readMaps(options.map, n, h, w);
    } else {
      const { model } = await openModel(context, options.model, options.preset, parseModelOverrides(options), kernelOptions(options));
      try {
        const input = new Float32Array(n * model.inputSize);
        files.forEach(({ path, image }, i) => input.set(imageToInput(model.info, image, path), i * model.inputSize));
        labels = model.info.labels;
        const wanted = options.class === undefined ? 'top' : files.map(() => resolveClass(labels, options.class!));
        const result = await attribute(model, input, n, wanted, method, methodOptions);
        maps = result.maps;
        classes = result.classes;
      } finally {
        model.destroy();
      }
    }

    const results: Segmentation[] = [];
    for (const [i, { path, image }] of files.entries()) {
      try {
        results.push(await segmentFromMap(image, maps.subarray(i * plane, (i + 1) * plane)));
      } catch (error) {
        if (error instanceof RangeError) throw new RangeError(`${path}: ${error.message}`);
        throw error;
      }
    }

    const records = files.map(({ path }, i) => {
      const { box, area, grabCutForeground, seeds } = results[i];
      const c = classes[i];
      return {
        image: path,
        ...(c === undefined ? {} : { class: c, label: labels[c], method }),
        box: [...box],
        area,
        grabCutForeground,
        seeds: seeds.counts,
        thresholds: { foreground: seeds.foregroundThreshold, background: seeds.backgroundThreshold },
      };
    });
    for (const [i, { path, image }] of files.entries()) {
      const { mask, box, area } = results[i];
      const { out, overlay } = outputs[i];
      writeFileAtomic(out, encodePng({ width: w, height: h, channels: 1, data: mask.map((v) => 255 * v) }));
      if (overlay !== undefined) writeFileAtomic(overlay, encodePng(segmentationOverlay(image, mask, box)));
      const c = classes[i];
      const what = c === undefined ? `map from ${options.map}` : `class ${c} "${labels[c]}" (${method})`;
      context.print(`${path}: ${what}: object of ${area} pixels, box [${box.join(', ')}] → ${out}${overlay ? `, ${overlay}` : ''}`);
    }
    if (options.npy !== undefined) {
      const all = new Float32Array(n * plane);
      results.forEach(({ mask }, i) => all.set(mask, i * plane));
      writeFileAtomic(options.npy, writeNpy(all, n === 1 ? [h, w] : [n, h, w]));
      context.print(`masks (${n === 1 ? `${h}, ${w}` : `${n}, ${h}, ${w}`}) float32 0/1 → ${options.npy}`);
    }
    if (options.json !== undefined) {
      writeFileAtomic(options.json, `${JSON.stringify(n === 1 ? records[0] : records, null, 1)}\n`);
      context.print(`boxes → ${options.json}`);
    }
    return 0;
  },
};

// The maps of --map: (H, W) for one image, (N, H, W) for N, checked against the images.
function readMaps(path: string, n: number, h: number, w: number): Float32Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RangeError(code === 'ENOENT' ? `--map ${path} does not exist` : `cannot read --map ${path}: ${(error as Error).message}`);
  }
  let shape: readonly number[];
  let data: Float32Array;
  try {
    ({ shape, data } = readNpy(bytes));
  } catch (error) {
    throw new RangeError(`--map ${path}: ${(error as Error).message}`);
  }
  const fits = (n === 1 && shape.length === 2 && shape[0] === h && shape[1] === w) || (shape.length === 3 && shape[0] === n && shape[1] === h && shape[2] === w);
  if (!fits) {
    throw new RangeError(`--map ${path} has shape (${shape.join(', ')}) but ${n} image(s) of ${h}×${w} need ${n === 1 ? `(${h}, ${w})` : `(${n}, ${h}, ${w})`}`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) throw new RangeError(`--map ${path} holds a non-finite value (${data[i]}) at index ${i}`);
  }
  return data;
}
