import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ATTRIBUTION_METHODS } from '../src/attribution/mod.ts';
import { decodePng, saliencyCommand, segmentCommand } from '../src/cli/mod.ts';
import { DegenerateMapError, maskIou, type OpenCv, openCv, rgbBytes, saliencySeeds } from '../src/evaluation/mod.ts';
import { readNpy, writeNpy } from '../src/io/mod.ts';
import { largestComponentReference } from '../src/reference/mod.ts';
import { commandError, runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { hiddenScene } from './support/segmentation_scenes.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_segment');
const folder = temporaryFolder();
const colour = writeModel(folder, 'colour', COLOUR_SPEC, random);

/** OpenCV's GrabCut called directly from the seeds, 5 iterations, then the largest component by the reference. */
function directSegmentation(cv: OpenCv, rgb: Uint8Array, h: number, w: number, seeds: Uint8Array): Uint8Array {
  const image = new cv.Mat(h, w, cv.CV_8UC3);
  const mask = new cv.Mat(h, w, cv.CV_8UC1);
  const bgd = new cv.Mat();
  const fgd = new cv.Mat();
  image.data.set(rgb);
  mask.data.set(seeds);
  cv.grabCut(image, mask, new cv.Rect(0, 0, 0, 0), bgd, fgd, 5, cv.GC_INIT_WITH_MASK);
  const foreground = mask.data.map((v) => (v === cv.GC_FGD || v === cv.GC_PR_FGD ? 1 : 0));
  for (const m of [image, mask, bgd, fgd]) m.delete();
  return largestComponentReference(foreground, h, w).mask;
}

test('segment --map … --npy agrees with OpenCV’s own GrabCut run with the same seeds on hidden images and maps (IoU ≥ 0.95), as one batch', async () => {
  const cv = await openCv();
  const [h, w] = [40, 56];
  const scenes = [0, 1, 2].map(() => hiddenScene(random, h, w));
  const dir = join(folder, 'batch');
  mkdirSync(dir);
  const images = scenes.map(({ image }, i) => writePng(join(dir, `scene-${i}.png`), image));
  const maps = new Float32Array(3 * h * w);
  scenes.forEach(({ map }, i) => maps.set(map, i * h * w));
  const mapPath = join(folder, 'maps.npy');
  writeFileSync(mapPath, writeNpy(maps, [3, h, w]));
  const [out, overlay, npy, json] = ['mask.png', 'overlay.png', 'mask.npy', 'boxes.json'].map((name) => join(folder, `batch-${name}`));
  const { code, context } = await runCommand(segmentCommand, ['--map', mapPath, '--image', dir, '--out', out, '--overlay', overlay, '--npy', npy, '--json', json]);
  assert.is(code, 0);
  const masks = readNpy(readFileSync(npy));
  assert.equal(masks.shape, [3, h, w]);
  const records = JSON.parse(readFileSync(json, 'utf8'));
  for (const [i, { image, map }] of scenes.entries()) {
    const mask = masks.data.subarray(i * h * w, (i + 1) * h * w);
    assert.ok(mask.every((v) => v === 0 || v === 1));
    const seeds = saliencySeeds(map);
    const direct = directSegmentation(cv, rgbBytes(image), h, w, seeds.mask);
    const iou = maskIou(mask, direct);
    assert.ok(iou >= 0.95, `scene ${i}: IoU ${iou} with OpenCV's direct GrabCut`);
    const area = mask.reduce((a, v) => a + v, 0);
    const xs: number[] = [];
    const ys: number[] = [];
    mask.forEach((v, p) => v && (xs.push(p % w), ys.push(Math.floor(p / w))));
    assert.equal(records[i].box, [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1]);
    assert.is(records[i].area, area);
    assert.equal(records[i].seeds, seeds.counts);
    assert.is(records[i].image, images[i]);
    const png = decodePng(readFileSync(join(folder, `batch-mask-${i}.png`)), 'mask');
    assert.equal([png.width, png.height, png.channels], [w, h, 1]);
    assert.ok(png.data.every((v, p) => v === 255 * mask[p]));
    const drawn = decodePng(readFileSync(join(folder, `batch-overlay-${i}.png`)), 'overlay');
    assert.equal([drawn.width, drawn.height, drawn.channels], [w, h, 3]);
  }
  assert.is(context.printed.length, 5);
});

for (const method of ATTRIBUTION_METHODS) {
  test(`segment --model --method ${method} seeds from the same map saliency --npy writes (class given by label), writing a 0/1 mask and its record`, async () => {
    const path = join(folder, `model-${method}.png`);
    const label = COLOUR_SPEC.labels[1];
    const mapPath = join(folder, `model-${method}-map.npy`);
    // With random weights a map can be flat (Grad-CAM is 0 everywhere when every weighted sum of the
    // channels is negative), and segment rightly refuses that: draw images until one has seeds.
    for (let tries = 0; ; tries++) {
      writePng(path, randomImage(random, 20, 24, 3));
      await runCommand(saliencyCommand, ['--model', colour.path, '--image', path, '--method', method, '--class', label, '--out', join(folder, `model-${method}-map.png`), '--npy', mapPath]);
      const flat = (() => {
        try {
          saliencySeeds(readNpy(readFileSync(mapPath)).data);
          return false;
        } catch (error) {
          if (error instanceof DegenerateMapError) return true;
          throw error;
        }
      })();
      if (!flat) break;
      if (tries === 10) throw new Error(`${method}: 10 random images gave flat maps (seed ${random.seed})`);
    }
    const npy = join(folder, `model-${method}.npy`);
    const json = join(folder, `model-${method}.json`);
    const { code } = await runCommand(segmentCommand, ['--model', colour.path, '--image', path, '--method', method, '--class', label, '--out', join(folder, `model-${method}.png`), '--npy', npy, '--json', json]);
    assert.is(code, 0);
    // The seeds are the map's exactly; GrabCut itself is compared with OpenCV's in the --map test (on random
    // noise like this image its k-means start, drawn from OpenCV's own generator, can vary from run to run).
    const seeds = saliencySeeds(readNpy(readFileSync(mapPath)).data);
    const record = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(record.seeds, seeds.counts);
    assert.equal(record.thresholds, { foreground: seeds.foregroundThreshold, background: seeds.backgroundThreshold });
    const mask = readNpy(readFileSync(npy));
    assert.equal(mask.shape, [20, 24]);
    assert.ok(mask.data.every((v) => v === 0 || v === 1));
    assert.is(mask.data.reduce((a, v) => a + v, 0), record.area);
    assert.is(record.class, 1);
    assert.is(record.method, method);
  });
}

test('segment refuses bad input with one line and writes nothing: image size and colour, map shape, flat map, missing folder, bad method', async () => {
  const dir = join(folder, 'bad');
  mkdirSync(dir);
  const good = writePng(join(folder, 'good.png'), randomImage(random, 20, 24, 3));
  const small = writePng(join(folder, 'small.png'), randomImage(random, 12, 24, 3));
  const grey = writePng(join(folder, 'grey.png'), randomImage(random, 20, 24, 1));
  const mapOf = (shape: number[], fill?: number) => {
    const path = join(folder, `map-${shape.join('x')}-${fill ?? 'random'}.npy`);
    const n = shape.reduce((a, b) => a * b, 1);
    writeFileSync(path, writeNpy(Float32Array.from({ length: n }, () => fill ?? random.uniform(0, 1)), shape));
    return path;
  };
  const out = join(dir, 'mask.png');
  const cases: [string[], RegExp][] = [
    [['--model', colour.path, '--image', small], /small\.png is 12×24 pixels \(height×width\) but the model expects 20×24/],
    [['--model', colour.path, '--image', grey], /grey\.png is a grey image but the model expects colour/],
    [['--map', mapOf([24, 20]), '--image', good], /has shape \(24, 20\) but 1 image\(s\) of 20×24 need \(20, 24\)/],
    [['--map', mapOf([2, 20, 24]), '--image', good], /has shape \(2, 20, 24\)/],
    [['--map', mapOf([20, 24], 0.5), '--image', good], /good\.png: the map is flat: no pixel lies above its 30% quantile/],
    [['--map', join(folder, 'absent.npy'), '--image', good], /--map .*absent\.npy does not exist/],
    [['--model', colour.path, '--image', good, '--method', 'nonsense'], new RegExp(`--method nonsense is not one of ${ATTRIBUTION_METHODS.join(', ')}`)],
    [['--map', mapOf([20, 24]), '--image', good, '--class', '1'], /--class has no effect with --map/],
    [['--image', good], /give --model .* or --map/],
  ];
  for (const [args, pattern] of cases) {
    const { error } = await commandError(segmentCommand, [...args, '--out', out, '--npy', join(dir, 'm.npy'), '--json', join(dir, 'b.json')]);
    assert.instance(error, RangeError, args.join(' '));
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/);
    assert.equal(readdirSync(dir), [], `${args.join(' ')} wrote files`);
  }
  const { error, context } = await commandError(segmentCommand, ['--model', colour.path, '--image', good, '--out', join(folder, 'no', 'such', 'mask.png')]);
  assert.match(error.message, /--out .*mask\.png: the folder .*such does not exist/);
  assert.is(context.gpuRequests, 0);
  assert.not.ok(existsSync(join(folder, 'no')));
});

test.run();
