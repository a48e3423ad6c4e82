/**
 * The class index that `--class` names: a whole number in [0, labels), or a label. A label matches exactly,
 * else ignoring case, else by one of its comma-separated names (ImageNet's "tench, Tinca tinca" answers
 * to "tench"), trying each in that order and taking the first that finds exactly one class.
 * @throws RangeError for an index out of range, a name no label has, or a name several labels share.
 */
export function resolveClass(labels: readonly string[], text: string): number {
  const trimmed = text.trim();
  if (/^[-+]?\d+$/.test(trimmed)) {
    const index = Number(trimmed);
    if (index < 0 || index >= labels.length) {
      throw new RangeError(`--class ${trimmed} is out of range: the model has ${labels.length} classes, 0 to ${labels.length - 1}`);
    }
    return index;
  }
  const wanted = trimmed.toLowerCase();
  const tests: ((label: string) => boolean)[] = [
    (label) => label === trimmed,
    (label) => label.toLowerCase() === wanted,
    (label) => label.split(',').some((name) => name.trim().toLowerCase() === wanted),
  ];
  for (const test of tests) {
    const found = labels.flatMap((label, i) => (test(label) ? [i] : []));
    if (found.length === 1) return found[0];
    if (found.length > 1) {
      const listed = found.slice(0, 5).map((i) => `${i} "${labels[i]}"`).join(', ');
      throw new RangeError(`--class "${trimmed}" names ${found.length} classes (${listed}); give the index`);
    }
  }
  const some = labels.slice(0, 5).map((label) => `"${label}"`).join(', ');
  throw new RangeError(
    `--class "${trimmed}" is not a label of this model (${labels.length} labels: ${some}${labels.length > 5 ? ', …' : ''}); give a label or an index 0 to ${labels.length - 1}`,
  );
}
