/** The largest picture file the page decodes: a photo is a few MB; anything far larger is not meant for it. */
export const MAX_DROPPED_BYTES = 64 * 1024 * 1024;

/**
 * Refuses a dropped or chosen file the page cannot use, before the browser decodes it: one that is not a
 * picture (a model file is named as one: the page runs its shipped models), or one too large.
 * @throws RangeError with a sentence for the page.
 */
export function checkDroppedFile(file: { readonly name: string; readonly type: string; readonly size: number }): void {
  if (/\.npy$/i.test(file.name)) {
    throw new RangeError(`${file.name} is an array file; drop a picture, or a model (.onnx or .safetensors)`);
  }
  if (!file.type.startsWith('image/')) {
    throw new RangeError(`${file.name} is not a picture (${file.type || 'unknown type'}); drop a PNG, JPEG or WebP image`);
  }
  if (file.size > MAX_DROPPED_BYTES) {
    throw new RangeError(`${file.name} is ${(file.size / 1048576).toFixed(0)} MiB; the page takes pictures up to ${MAX_DROPPED_BYTES / 1048576} MiB`);
  }
}
