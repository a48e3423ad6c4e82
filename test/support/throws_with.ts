import * as assert from 'uvu/assert';

/** Asserts that `run` throws a `type` (RangeError, TypeError, ...) whose message matches `pattern`. */
export function assertThrowsWith(run: () => unknown, type: new (...args: never[]) => Error, pattern: RegExp): void {
  try {
    run();
  } catch (error) {
    assert.instance(error, type);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a ${type.name} matching ${pattern}`);
}

/** Asserts that the promise `run` returns rejects with a `type` whose message matches `pattern`. */
export async function assertRejectsWith(run: () => Promise<unknown>, type: new (...args: never[]) => Error, pattern: RegExp): Promise<void> {
  try {
    await run();
  } catch (error) {
    assert.instance(error, type);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection with a ${type.name} matching ${pattern}`);
}
