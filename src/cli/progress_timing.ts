/** Seconds as m:ss or h:mm:ss, for an estimate of the time left. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const pad = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(r)}` : `${m}:${pad(r)}`;
}

/**
 * A gate for progress lines: the function it returns runs `show` at most once per `seconds`, and
 * always when `force` is set (the last batch, say), so that a log is not flooded batch by batch.
 */
export function throttle(seconds: number): (force: boolean, show: () => void) => void {
  let last = -Infinity;
  return (force, show) => {
    const now = performance.now();
    if (!force && now - last < seconds * 1000) return;
    last = now;
    show();
  };
}
