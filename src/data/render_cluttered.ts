import type { Random } from '../random/mod.ts';

/** The side of a cluttered scene, in pixels. */
export const CLUTTERED_SIZE = 64;

/** A grey image (H, W), values in [0, 1] with 0 as the empty background (a Fashion-MNIST item). */
export interface GreyImage {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
}

/** A box [x0, y0, x1, y1] in pixels; x1 and y1 are exclusive. */
export type Box = readonly [x0: number, y0: number, x1: number, y1: number];

/** One rendered scene and its localisation ground truth. */
export interface ClutteredScene {
  /** (3, 64, 64) RGB, pixels in [0, 1]. */
  readonly image: Float32Array;
  /** (64, 64): 1 where the item is at least half opaque, 0 elsewhere. */
  readonly mask: Uint8Array;
  /** The mask's bounding box; [0, 0, 0, 0] for an empty mask. */
  readonly box: Box;
  /** Where the item was pasted: the source scaled to `width` × `height` with its top-left corner at (x, y). */
  readonly placement: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** The item's tint, RGB in [0, 1]. */
  readonly colour: readonly [number, number, number];
}

type Rgb = [number, number, number];

const N = CLUTTERED_SIZE;
const PLANE = N * N;
/** Grey values above 1/OPAQUE are fully opaque; the mask keeps alpha ≥ 1/2, grey ≥ 1/(2·OPAQUE). */
const OPAQUE = 6;
/** An item's brightest pixel shows its tint; its darkest visible one SHADE of it, so its texture stays. */
const SHADE = 0.45;
const TINT_CANDIDATES = 4;
/**
 * The item's scale, drawn uniformly: 21 to 35 pixels for a 28-pixel item, 28 on average as in Fashion-MNIST.
 * Larger items would cover the scene's centre so often that a centred blob would localise them as well as
 * any saliency map (scaled 1 to 1.75, a centred Gaussian's peak fell inside 83% of boxes).
 */
export const ITEM_SCALE = [0.75, 1.25] as const;
/** Fragments of other items show at half strength: distractors for a saliency map, not rival items. */
const FRAGMENT_OPACITY = 0.5;

/**
 * Renders `item` tinted and scaled (ITEM_SCALE: 0.75 to 1.25 times) at a random place on a cluttered background:
 * a two-colour gradient under 10–18 random ellipses, strokes and rectangles, then tinted crops of the
 * `fragments` (other items) at half opacity, then the item itself, then ±0.04 uniform noise. Every draw from
 * `random` is made whatever the images hold, so a blank item gives the same scene without it (tests
 * rely on this). The item's tint is the one of four candidates farthest from the background under it.
 */
export function renderCluttered(random: Random, item: GreyImage, fragments: readonly GreyImage[]): ClutteredScene {
  const image = new Float32Array(3 * PLANE);

  // Background: a linear gradient between two colours in a random direction.
  const from = randomColour(random, 0.15, 0.85);
  const to = randomColour(random, 0.15, 0.85);
  const angle = random.uniform(0, 2 * Math.PI);
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + ((x + 0.5 - N / 2) * cos + (y + 0.5 - N / 2) * sin) / N));
      for (let c = 0; c < 3; c++) image[c * PLANE + y * N + x] = from[c] * (1 - t) + to[c] * t;
    }
  }

  // Clutter: shapes in other colours, none of them an item.
  const shapes = 10 + random.int(9);
  for (let s = 0; s < shapes; s++) {
    const colour = randomColour(random, 0.1, 1);
    const alpha = random.uniform(0.5, 1);
    const kind = random.int(3);
    const cx = random.uniform(0, N);
    const cy = random.uniform(0, N);
    const a = random.uniform(2, 9);
    const b = random.uniform(2, 9);
    const turn = random.uniform(0, 2 * Math.PI);
    const length = random.uniform(8, 40);
    const half = random.uniform(0.5, 1.5);
    if (kind === 0) {
      paint(image, colour, alpha, [cx - a, cy - b, cx + a, cy + b], (x, y) => ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 <= 1);
    } else if (kind === 1) {
      const [dx, dy] = [Math.cos(turn) * length, Math.sin(turn) * length];
      const box: Box = [Math.min(cx, cx + dx) - half, Math.min(cy, cy + dy) - half, Math.max(cx, cx + dx) + half, Math.max(cy, cy + dy) + half];
      paint(image, colour, alpha, box, (x, y) => segmentDistance(x, y, cx, cy, dx, dy) <= half);
    } else {
      paint(image, colour, alpha, [cx, cy, cx + 1.5 * a, cy + 1.5 * b], () => true);
    }
  }

  // Fragments: crops of other items, fainter than the item, beneath it.
  for (const fragment of fragments) {
    const side = Math.min(10 + random.int(7), fragment.height, fragment.width);
    const sx = random.int(fragment.width - side + 1);
    const sy = random.int(fragment.height - side + 1);
    const size = Math.round(side * random.uniform(1, 1.75));
    const tx = random.int(N + size) - size / 2;
    const ty = random.int(N + size) - size / 2;
    const colour = randomColour(random, 0.2, 1);
    paste(image, fragment, [sx, sy, side, side], [Math.round(tx), Math.round(ty), size, size], colour, FRAGMENT_OPACITY);
  }

  // The item.
  const scale = random.uniform(ITEM_SCALE[0], ITEM_SCALE[1]);
  const width = Math.round(item.width * scale);
  const height = Math.round(item.height * scale);
  const x = random.int(N - width + 1);
  const y = random.int(N - height + 1);
  const under = meanColour(image, x, y, width, height);
  let colour = randomColour(random, 0.55, 1);
  for (let k = 1; k < TINT_CANDIDATES; k++) {
    const candidate = randomColour(random, 0.55, 1);
    if (distance(candidate, under) > distance(colour, under)) colour = candidate;
  }
  const mask = new Uint8Array(PLANE);
  paste(image, item, [0, 0, item.width, item.height], [x, y, width, height], colour, 1, mask);

  for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(0, image[i] + random.uniform(-0.04, 0.04)));
  return { image, mask, box: maskBox(mask), placement: { x, y, width, height }, colour };
}

/** The bounding box of the 1s of a 64×64 mask, ends exclusive; [0, 0, 0, 0] when there are none. */
export function maskBox(mask: Uint8Array): Box {
  let [x0, y0, x1, y1] = [N, N, 0, 0];
  for (let y = 0; y < N; y++) {
    for (let x = 0; x < N; x++) {
      if (!mask[y * N + x]) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
  }
  return x1 === 0 ? [0, 0, 0, 0] : [x0, y0, x1, y1];
}

/** Blends `colour` at `alpha` over the pixels of `box` (clipped) whose centre `inside` accepts. */
function paint(image: Float32Array, colour: Rgb, alpha: number, box: Box, inside: (x: number, y: number) => boolean): void {
  const [x0, y0, x1, y1] = clip(box);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (!inside(x + 0.5, y + 0.5)) continue;
      for (let c = 0; c < 3; c++) {
        const i = c * PLANE + y * N + x;
        image[i] += (colour[c] - image[i]) * alpha;
      }
    }
  }
}

/**
 * Pastes the crop `from` [x, y, w, h] of `grey`, resampled bilinearly to `to` [x, y, w, h], tinted by
 * `colour` and shaded by its grey value, with alpha min(1, OPAQUE·grey)·opacity; marks alpha ≥ 1/2 in `mask`.
 */
function paste(
  image: Float32Array,
  grey: GreyImage,
  from: readonly [number, number, number, number],
  to: readonly [number, number, number, number],
  colour: Rgb,
  opacity: number,
  mask?: Uint8Array,
): void {
  const [sx, sy, sw, sh] = from;
  const [tx, ty, tw, th] = to;
  const [x0, y0, x1, y1] = clip([tx, ty, tx + tw, ty + th]);
  for (let y = y0; y < y1; y++) {
    const v = (y - ty + 0.5) * (sh / th) - 0.5;
    for (let x = x0; x < x1; x++) {
      const u = (x - tx + 0.5) * (sw / tw) - 0.5;
      const g = bilinear(grey, sx, sy, sw, sh, u, v);
      const alpha = Math.min(1, OPAQUE * g) * opacity;
      if (alpha <= 0) continue;
      if (mask && alpha >= 0.5) mask[y * N + x] = 1;
      const shade = SHADE + (1 - SHADE) * g;
      for (let c = 0; c < 3; c++) {
        const i = c * PLANE + y * N + x;
        image[i] += (colour[c] * shade - image[i]) * alpha;
      }
    }
  }
}

/** The crop [sx, sy, sw, sh] of `grey` at (u, v) in crop coordinates, 0 outside the crop. */
function bilinear(grey: GreyImage, sx: number, sy: number, sw: number, sh: number, u: number, v: number): number {
  const u0 = Math.floor(u);
  const v0 = Math.floor(v);
  const fu = u - u0;
  const fv = v - v0;
  const at = (i: number, j: number) => (i < 0 || j < 0 || i >= sw || j >= sh ? 0 : grey.data[(sy + j) * grey.width + sx + i]);
  return (at(u0, v0) * (1 - fu) + at(u0 + 1, v0) * fu) * (1 - fv) + (at(u0, v0 + 1) * (1 - fu) + at(u0 + 1, v0 + 1) * fu) * fv;
}

function clip(box: Box): Box {
  const [x0, y0, x1, y1] = box;
  return [Math.max(0, Math.floor(x0)), Math.max(0, Math.floor(y0)), Math.min(N, Math.ceil(x1)), Math.min(N, Math.ceil(y1))];
}

/** Distance from (x, y) to the segment from (x0, y0) along (dx, dy). */
function segmentDistance(x: number, y: number, x0: number, y0: number, dx: number, dy: number): number {
  const t = Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - x0 - t * dx, y - y0 - t * dy);
}

function meanColour(image: Float32Array, x: number, y: number, width: number, height: number): Rgb {
  const sum: Rgb = [0, 0, 0];
  for (let j = y; j < y + height; j++) {
    for (let i = x; i < x + width; i++) for (let c = 0; c < 3; c++) sum[c] += image[c * PLANE + j * N + i];
  }
  return sum.map((s) => s / (width * height)) as Rgb;
}

function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** A colour of random hue, saturation in [0.3, 1] and value in [low, high]. */
function randomColour(random: Random, low: number, high: number): Rgb {
  const hue = random.uniform(0, 6);
  const saturation = random.uniform(0.3, 1);
  const value = random.uniform(low, high);
  const f = (n: number) => {
    const k = (n + hue) % 6;
    return value - value * saturation * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}
