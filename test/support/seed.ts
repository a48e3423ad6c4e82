import { Random } from '../../src/random/mod.ts';

/**
 * A fresh generator for one test file: seeded from DEEPINSIDE_SEED when set (to replay a failure),
 * otherwise from the clock, and the seed is printed either way.
 */
export function testRandom(file: string): Random {
  const fixed = process.env.DEEPINSIDE_SEED;
  const seed = fixed !== undefined ? Number(fixed) : Math.floor(Math.random() * 0xffffffff);
  console.log(`  ${file}: seed ${seed} (replay with DEEPINSIDE_SEED=${seed})`);
  return new Random(seed);
}
