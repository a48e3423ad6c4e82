import { Random } from '../random/mod.ts';
import { checkItem, type ImageDataset } from './image_dataset.ts';
import { CLUTTERED_SIZE, type ClutteredScene, type GreyImage, renderCluttered } from './render_cluttered.ts';

/** Per-channel mean and standard deviation of cluttered scenes (measured over 2,000 training scenes). */
export const CLUTTERED_NORMALIZE = { mean: [0.364, 0.365, 0.361], std: [0.204, 0.204, 0.201] } as const;

/** The seed of the project's cluttered set; `deepinside train --dataset cluttered` uses it. */
export const CLUTTERED_SEED = 2014;

/** One item of a cluttered dataset: its scene, ground truth included, its class and its source item. */
export interface ClutteredItem extends ClutteredScene {
  readonly label: number;
  /** The index of the pasted item in the source dataset (the same as the cluttered item's). */
  readonly source: number;
}

/** A cluttered dataset: an `ImageDataset` of 3×64×64 scenes that also gives each item's mask and box. */
export interface ClutteredDataset extends ImageDataset {
  readonly seed: number;
  /** Item `i` rendered with its ground truth (see `renderCluttered`). */
  item(i: number): ClutteredItem;
}

const FRAGMENTS_MOST = 3;

/**
 * Fashion-MNIST made harder, for localisation: item i of `source` (grey, 0 background) tinted, scaled and
 * pasted at a random place on a coloured, cluttered 64×64 background with half-opaque crops of 1–3 other
 * items, rendered on demand from (`seed`, i) alone, so the same seed gives the same bytes in any order.
 * Use the train split of the source for training and t10k for testing, and different seeds for each.
 *
 * @throws RangeError when `source` is not one-channel, or `seed` is not a u32.
 * @example
 * const test = clutteredDataset(fashionMnistTest, CLUTTERED_SEED + 1);
 * const { image, mask, box, label } = test.item(0);
 */
export function clutteredDataset(source: ImageDataset, seed: number, name = `cluttered ${source.name}`): ClutteredDataset {
  if (source.input.channels !== 1) {
    throw new RangeError(`${name}: the source has ${source.input.channels} channels; cluttered scenes paste grey items`);
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`${name}: seed ${seed} must be an integer in [0, 2^32)`);
  }
  const { height, width } = source.input;
  if (height > CLUTTERED_SIZE || width > CLUTTERED_SIZE) {
    throw new RangeError(`${name}: source items of ${height}×${width} do not fit a ${CLUTTERED_SIZE}×${CLUTTERED_SIZE} scene`);
  }
  const grey = (i: number): GreyImage => {
    const data = new Float32Array(height * width);
    source.pixels(i, data);
    return { data, height, width };
  };
  const dataset: ClutteredDataset = {
    name,
    seed,
    length: source.length,
    input: { channels: 3, height: CLUTTERED_SIZE, width: CLUTTERED_SIZE },
    classes: source.classes,
    normalize: CLUTTERED_NORMALIZE,
    label(i) {
      checkItem(dataset, i);
      return source.label(i);
    },
    item(i) {
      checkItem(dataset, i);
      const random = new Random(itemSeed(seed, i));
      const count = source.length > 1 ? 1 + random.int(FRAGMENTS_MOST) : 0;
      const fragments: GreyImage[] = [];
      for (let k = 0; k < count; k++) {
        // Any item but i itself.
        const other = random.int(source.length - 1);
        fragments.push(grey(other >= i ? other + 1 : other));
      }
      return { ...renderCluttered(random, grey(i), fragments), label: source.label(i), source: i };
    },
    pixels(i, out, offset = 0) {
      out.set(dataset.item(i).image, offset);
    },
  };
  return dataset;
}

/** A seed for item i alone, mixed from the dataset's (MurmurHash3's finaliser), so items need no order. */
function itemSeed(seed: number, i: number): number {
  let z = (seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
