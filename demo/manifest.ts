/**
 * What `demo:build` found and copied (`manifest.json` beside the page): the shipped models in
 * `weights/*.safetensors` and the bundled images in `weights/images/*.png`, with each image's size and
 * whether it is grey, so that the page offers each model the examples of its input.
 */
export interface DemoManifest {
  /** Model files, as `weights/<name>.safetensors`, by name. */
  readonly models: readonly string[];
  readonly images: readonly ExampleImage[];
}

export interface ExampleImage {
  /** Under `weights/images/`. */
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** A grey PNG (colour types 0 and 4). */
  readonly grey: boolean;
}

/** The bundled images a model of this input can read as they are, by name with numbers in order. */
export function examplesFor(images: readonly ExampleImage[], input: { channels: number; height: number; width: number }): ExampleImage[] {
  return images
    .filter((image) => image.width === input.width && image.height === input.height && image.grey === (input.channels === 1))
    .sort((a, b) => a.file.localeCompare(b.file, 'en', { numeric: true }));
}
