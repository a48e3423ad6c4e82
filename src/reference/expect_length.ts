/**
 * Throws a RangeError unless `values` holds exactly the product of `dims`, naming the operation, the
 * tensor and its expected shape, so that a wrong shape fails loudly instead of reading `undefined` as NaN.
 */
export function expectLength(op: string, name: string, values: ArrayLike<number>, dims: readonly number[]): void {
  let size = 1;
  for (const d of dims) size *= d;
  if (values.length !== size) {
    throw new RangeError(`${op}: ${name} has ${values.length} values but shape (${dims.join(', ')}) needs ${size}`);
  }
}
