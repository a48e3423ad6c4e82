/**
 * The part of OpenCV.js (`@techstark/opencv-js`, OpenCV 4.10's WebAssembly build) that segmentation uses.
 * Declared here rather than taken from the package's typings, so that what the engine relies on is
 * written down in one place; the package's own typings do not describe its start-up or its heap.
 */
export interface OpenCvMat {
  readonly rows: number;
  readonly cols: number;
  /** The Mat's bytes: a view into the WebAssembly heap, valid until the heap grows or the Mat is deleted. */
  readonly data: Uint8Array;
  delete(): void;
  isDeleted(): boolean;
}

export interface OpenCv {
  readonly CV_8UC1: number;
  readonly CV_8UC3: number;
  readonly GC_BGD: number;
  readonly GC_FGD: number;
  readonly GC_PR_BGD: number;
  readonly GC_PR_FGD: number;
  readonly GC_INIT_WITH_RECT: number;
  readonly GC_INIT_WITH_MASK: number;
  /** The WebAssembly heap: its length grows, never shrinks, so it shows memory that was never freed. */
  readonly HEAPU8: Uint8Array;
  Mat: { new (): OpenCvMat; new (rows: number, cols: number, type: number): OpenCvMat };
  Rect: new (x: number, y: number, width: number, height: number) => unknown;
  grabCut(image: OpenCvMat, mask: OpenCvMat, rect: unknown, bgdModel: OpenCvMat, fgdModel: OpenCvMat, iterations: number, mode: number): void;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  /** OpenCV's exception for the number a failed call throws. */
  exceptionFromPtr(pointer: number): { readonly msg: string };
}

let loading: Promise<OpenCv> | undefined;

/**
 * OpenCV.js, started once and shared: the first call loads the package (about 10 MB with its WebAssembly)
 * and waits for its runtime; later calls return the same promise. Works in Node and, bundled, in browsers.
 *
 * The 4.10 build's export is the Emscripten module, which has a `then` method that hands back the module
 * itself, still a thenable: awaiting it directly never ends, so it is wrapped. From 4.11 the export is a
 * Promise of the module; both are handled.
 * @example
 * const cv = await openCv();
 */
export function openCv(): Promise<OpenCv> {
  loading ??= (async () => {
    const imported = (await import('@techstark/opencv-js')) as unknown as { default?: unknown };
    const exported = (imported.default ?? imported) as { then?: unknown };
    // Held in a plain object: resolving a promise with the module itself would follow its `then` again.
    const { module } = await new Promise<{ module: Record<string, unknown> }>((resolve, reject) => {
      if (exported instanceof Promise) {
        exported.then((module: Record<string, unknown>) => resolve({ module }), reject);
      } else if (typeof exported.then === 'function') {
        // The Emscripten module's own `then`: calls back once the runtime is up (at once if it already is).
        (exported as { then(callback: (module: Record<string, unknown>) => void): unknown }).then((module) => resolve({ module }));
      } else {
        resolve({ module: exported as Record<string, unknown> });
      }
    });
    // The runtime is up, so the module's `then` has done its work; without it the module is a plain value.
    if (typeof module.then === 'function') delete module.then;
    if (typeof module.grabCut !== 'function') throw new Error('OpenCV.js loaded without grabCut (imgproc); @techstark/opencv-js 4.10 has it');
    return module as unknown as OpenCv;
  })();
  return loading;
}

/**
 * The message of an OpenCV.js failure: its C++ exceptions arrive as bare numbers (pointers into the heap),
 * which this turns into OpenCV's own text; anything else is returned as it is.
 */
export function openCvMessage(cv: OpenCv, error: unknown): string {
  if (typeof error === 'number') {
    try {
      return cv.exceptionFromPtr(error).msg.trim();
    } catch {
      return `OpenCV exception ${error}`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
