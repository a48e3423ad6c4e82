import * as assert from 'uvu/assert';

/** Asserts that `run` throws a `type` (RangeError, TypeError, ...) whose message matches `pattern`. */
export function assertThrowsWith(run: () => unknown, type: ErrorConstructor, pattern: RegExp): void {
  try {
    run();
  } catch (error) {
    assert.instance(error, type);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ${type.name} matching ${pattern}`);
}
