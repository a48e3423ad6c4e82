/**
 * Seeded random numbers, for replayable tests, initialisation and data synthesis.
 * @module
 */
export { Random } from './random.ts';
