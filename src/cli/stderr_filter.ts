import { DAWN_NOISE_PREFIX, isDawnNoise } from './dawn_noise.ts';

/**
 * A filter for a child process's standard error, fed chunk by chunk: whole lines pass unless they are
 * Dawn's known noise (`isDawnNoise`); a partial line (a progress line redrawn with `\r`, which never ends
 * in a newline) passes at once unless it could still grow into a noise line. `write` receives what passes.
 */
export class StderrFilter {
  #held = '';
  /** True while the current line has begun passing through, so its rest passes unchecked. */
  #passing = false;

  constructor(private readonly write: (text: string) => void) {}

  push(chunk: string): void {
    let text = this.#held + chunk;
    this.#held = '';
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n')) {
      const line = text.slice(0, newline);
      if (this.#passing || !isDawnNoise(line)) this.write(`${line}\n`);
      this.#passing = false;
      text = text.slice(newline + 1);
    }
    if (text === '') return;
    if (!this.#passing && (DAWN_NOISE_PREFIX.startsWith(text) || text.startsWith(DAWN_NOISE_PREFIX))) {
      this.#held = text;
    } else {
      this.write(text);
      this.#passing = true;
    }
  }

  /** Whatever is held back when the stream ends: a noise line's prefix without its end is not noise. */
  end(): void {
    if (this.#held !== '') this.write(this.#held);
    this.#held = '';
  }
}
