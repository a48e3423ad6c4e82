/** exp(S_c) / Σ exp(S_k) of one row of scores, in float64 with the largest score subtracted first. */
export function softmax(logits: ArrayLike<number>): number[] {
  const scores = Array.from(logits);
  const largest = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - largest));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
