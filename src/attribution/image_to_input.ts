import type { ModelInfo } from '../graph/mod.ts';
import type { PixelImage } from './pixel_image.ts';

/**
 * The network input for one image: pixels scaled to [0, 1], then (p − mean[c]) / std[c] per channel, as the
 * spec's `normalize` says; (C, H, W) float32, ready for `GraphModel.forward` (concatenate several for a batch).
 *
 * The image must have the model's size, and its colour must be the model's: a grey image given to a colour
 * model is refused (copying it into three channels would feed the network something it never saw in
 * training, and usually means the wrong model was picked); an RGB or RGBA image given to a grey model is
 * accepted only when it is grey in content (R = G = B at every pixel), since any other conversion would be
 * a silent choice of weights. Alpha is ignored.
 *
 * @param name how messages name the image (a file name, say).
 * @throws RangeError naming the image, what it is and what the model expects, and how to convert it.
 * @example
 * const input = imageToInput(model.info, image, 'cat.png'); // Float32Array of 3 × 224 × 224
 */
export function imageToInput(spec: ModelInfo, image: PixelImage, name = 'the image'): Float32Array {
  const { channels, height, width } = spec.input;
  const { data } = image;
  if (data.length !== image.width * image.height * image.channels) {
    throw new RangeError(
      `${name}: ${data.length} values do not make a ${image.height}×${image.width} image of ${image.channels} channels`,
    );
  }
  if (image.height !== height || image.width !== width) {
    throw new RangeError(
      `${name} is ${image.height}×${image.width} pixels (height×width) but the model expects ${height}×${width}; ` +
        `resize it first, e.g. magick in.png -resize ${width}x${height}! out.png`,
    );
  }
  if (channels !== 1 && channels !== 3) {
    throw new RangeError(`the model expects ${channels} input channels; images can feed only a grey (1) or RGB (3) model`);
  }
  const grey = image.channels === 1;
  if (channels === 3 && grey) {
    throw new RangeError(
      `${name} is a grey image but the model expects colour (3 channels, RGB); convert it if that is what you mean, ` +
        `e.g. magick in.png -type TrueColor out.png`,
    );
  }
  if (channels === 1 && !grey && !greyInContent(image)) {
    throw new RangeError(
      `${name} is a colour image but the model expects grey (1 channel); convert it, e.g. magick in.png -colorspace Gray out.png`,
    );
  }
  const plane = height * width;
  const input = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    const mean = spec.normalize.mean[c];
    const std = spec.normalize.std[c];
    for (let p = 0; p < plane; p++) input[c * plane + p] = (data[p * image.channels + c] / 255 - mean) / std;
  }
  return input;
}

function greyInContent(image: PixelImage): boolean {
  const { data, channels } = image;
  for (let i = 0; i < data.length; i += channels) {
    if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  }
  return true;
}
