import type { PixelImage } from '../../src/attribution/mod.ts';
import type { Random } from '../../src/random/mod.ts';

/**
 * A scene of the kind segmentation meets and a map of the kind saliency gives, unseen by the code under
 * test: a noisy background of one random colour with an ellipse of another, and a map that is high on most
 * of the ellipse, with random speckle elsewhere (so seeds are imperfect, as a real map's are).
 */
export function hiddenScene(random: Random, height: number, width: number): { image: PixelImage; map: Float32Array; object: Uint8Array } {
  const colour = () => [0, 1, 2].map(() => random.uniform(0, 255));
  const back = colour();
  const front = colour();
  const cx = random.uniform(0.3, 0.7) * width;
  const cy = random.uniform(0.3, 0.7) * height;
  const rx = random.uniform(0.15, 0.3) * width;
  const ry = random.uniform(0.15, 0.3) * height;
  const data = new Uint8Array(height * width * 3);
  const map = new Float32Array(height * width);
  const object = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const inside = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1;
      object[p] = inside ? 1 : 0;
      for (let c = 0; c < 3; c++) data[3 * p + c] = Math.round(Math.min(255, Math.max(0, (inside ? front : back)[c] + random.uniform(-25, 25))));
      map[p] = (inside ? random.uniform(0.3, 1) : random.uniform(0, 0.4)) * random.uniform(0.5, 1);
    }
  }
  return { image: { width, height, channels: 3, data }, map, object };
}
