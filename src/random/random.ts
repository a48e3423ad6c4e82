/**
 * A small seeded generator (SplitMix32 seeding xoshiro128**), so that tests, weight initialisation and
 * data synthesis replay exactly from a printed seed.
 * @example
 * const random = new Random(42);
 * random.uniform(-1, 1); random.normal();
 */
/** A generator's position (see `Random.state`), plain data that JSON keeps. */
export interface RandomState {
  readonly words: readonly number[];
  readonly spareNormal: number | null;
}

export class Random {
  readonly seed: number;
  #s = new Uint32Array(4);
  #spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`Random: seed ${seed} must be an integer in [0, 2^32)`);
    }
    this.seed = seed;
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.#s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Where the stream stands: enough for `restore` to continue it exactly (a resumed training run). */
  get state(): RandomState {
    return { words: [...this.#s], spareNormal: this.#spareNormal ?? null };
  }

  /** Continues the stream from a `state` taken earlier (from any generator). */
  restore(state: RandomState): void {
    if (state.words.length !== 4 || !state.words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new RangeError(`Random: a state has four 32-bit words, not ${JSON.stringify(state.words)}`);
    }
    this.#s.set(state.words);
    this.#spareNormal = state.spareNormal ?? undefined;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * (this.nextUint32() / 4294967296);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform(0, n));
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    const u = 1 - this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A Float32Array of `length` uniform values in [low, high). */
  uniformArray(length: number, low = -1, high = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.uniform(low, high);
    return out;
  }

  /** Shuffles `array` in place (Fisher–Yates). */
  shuffle<T>(array: T[]): T[] {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [array[i], array[j]] = [array[j], array[i]];
    }
    return array;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
