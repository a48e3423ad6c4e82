import { largestComponent, type Component } from './largest_component.ts';
import { mapQuantiles } from './map_quantiles.ts';

/**
 * The baseline without GrabCut: the largest 8-connected component of the pixels where the map (H, W) is at
 * or above its `quantile` (default 0.95, the paper's foreground seeds), with its box.
 * @example
 * const { box } = thresholdSegment(map, 64, 64);
 */
export function thresholdSegment(map: ArrayLike<number>, height: number, width: number, quantile = 0.95): Component {
  if (map.length !== height * width) throw new RangeError(`thresholdSegment: the map holds ${map.length} values, not ${height}×${width}`);
  const [threshold] = mapQuantiles(map, [quantile]);
  const above = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) above[i] = map[i] >= threshold ? 1 : 0;
  return largestComponent(above, height, width);
}
