/**
 * A map (H, W) of exp(−r² / 2σ²), r the distance of each pixel's centre from the image's centre: the
 * baseline a saliency map must beat at localisation, since objects sit near the middle more often than not.
 *
 * @throws RangeError when σ is not positive.
 */
export function centredGaussian(height: number, width: number, sigma: number): Float32Array {
  if (!(sigma > 0)) throw new RangeError(`centredGaussian: σ ${sigma} must be positive`);
  const map = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [dx, dy] = [x + 0.5 - width / 2, y + 0.5 - height / 2];
      map[y * width + x] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
    }
  }
  return map;
}
