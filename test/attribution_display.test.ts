import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  colorizeMap,
  colormapColor,
  drawText,
  GLYPH_HEIGHT,
  GLYPH_WIDTH,
  labelledGrid,
  overlayMap,
  type PixelImage,
  printableText,
  textWidth,
} from '../src/attribution/mod.ts';
import { testRandom } from './support/seed.ts';
import { randomImage } from './support/test_models.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('attribution_display');

test('colour maps: grey runs black to white, inferno and viridis hit their published end and middle colours', () => {
  assert.equal(colormapColor('grey', 0), [0, 0, 0]);
  assert.equal(colormapColor('grey', 0.5), [128, 128, 128]);
  assert.equal(colormapColor('inferno', 0), [0x00, 0x00, 0x04]);
  assert.equal(colormapColor('inferno', 1), [0xfc, 0xff, 0xa4]);
  assert.equal(colormapColor('viridis', 0), [0x44, 0x01, 0x54]);
  assert.equal(colormapColor('viridis', 1), [0xfd, 0xe7, 0x25]);
  // matplotlib's viridis(0.5) is #21918c: between the stops at 4/9 and 5/9, within a few levels.
  const middle = colormapColor('viridis', 0.5);
  [0x21, 0x91, 0x8c].forEach((v, k) => assert.ok(Math.abs(middle[k] - v) <= 4, `viridis(0.5) = ${middle}`));
  assert.equal(colormapColor('viridis', 2), colormapColor('viridis', 1));
  assert.equal(colormapColor('viridis', -1), colormapColor('viridis', 0));
});

test('colorizeMap scales a map to its maximum: grey as one channel, a colour map as RGB; an all-zero map stays black', () => {
  const grey = colorizeMap([0, 1, 2, 4], 2, 2, 'grey');
  assert.is(grey.channels, 1);
  assert.equal([...grey.data], [0, 64, 128, 255]);
  const inferno = colorizeMap([0, 4], 2, 1, 'inferno');
  assert.is(inferno.channels, 3);
  assert.equal([...inferno.data], [0x00, 0x00, 0x04, 0xfc, 0xff, 0xa4]);
  assert.equal([...colorizeMap([0, 0, 0], 3, 1).data], [0, 0, 0]);
  assertThrowsWith(() => colorizeMap([1, 2, 3], 2, 2), RangeError, /map has 3 values but 2×2 \(height×width\) needs 4/);
});

test('overlayMap blends half image, half colour of the scaled map; grey images become grey RGB', () => {
  const image: PixelImage = { width: 2, height: 1, channels: 1, data: new Uint8Array([100, 200]) };
  const out = overlayMap(image, [0, 3], 'grey');
  assert.is(out.channels, 3);
  assert.equal([...out.data], [50, 50, 50, 228, 228, 228]); // 0.5·100 + 0.5·0; 0.5·200 + 0.5·255 = 227.5 → 228
  const rgb = randomImage(random, 3, 4, 3);
  const same = overlayMap(rgb, new Float32Array(12), 'viridis', 0);
  assert.equal([...same.data], [...rgb.data]);
});

test('drawText draws the 5×7 glyph of "A" pixel for pixel, at scale 2 as 2×2 blocks, clipped at the edges', () => {
  const image: PixelImage = { width: 7, height: 8, channels: 1, data: new Uint8Array(56) };
  drawText(image, 'A', 1, 0, [255]);
  const rows = Array.from({ length: 8 }, (_, y) => Array.from(image.data.subarray(y * 7, y * 7 + 7), (v) => (v ? '#' : '.')).join(''));
  assert.equal(rows, ['..###..', '.#...#.', '.#...#.', '.#####.', '.#...#.', '.#...#.', '.#...#.', '.......']);
  const big: PixelImage = { width: 4, height: 3, channels: 3, data: new Uint8Array(36) };
  drawText(big, 'I', 0, 0, [9, 8, 7], 2); // 'I' starts .###.: columns 2-7 of row 0, clipped at 4
  assert.equal([...big.data.subarray(0, 12)], [0, 0, 0, 0, 0, 0, 9, 8, 7, 9, 8, 7]);
  assert.equal([...big.data.subarray(12, 24)], [0, 0, 0, 0, 0, 0, 9, 8, 7, 9, 8, 7]);
  assert.is(textWidth('abc', 2), 3 * GLYPH_WIDTH * 2);
  assert.is(printableText('Café ☕'), 'Cafe ?');
});

test('labelledGrid lays tiles out in rows, enlarged, with each label drawn in ink below its tile', () => {
  const tiles = [0, 1, 2].map(() => randomImage(random, 20, 24, 3));
  const grid = labelledGrid(tiles, ['0 tench', '1 goldfish', '2 great white shark'], { scale: 4 });
  // 2 columns, 2 rows of 96×80 tiles with a label band below each, 6-pixel gaps.
  assert.is(grid.width, 6 + 2 * (96 + 6));
  assert.is(grid.height, 6 + 2 * (80 + GLYPH_HEIGHT + 2 + 6));
  const pixel = (x: number, y: number) => [...grid.data.subarray((y * grid.width + x) * 3, (y * grid.width + x) * 3 + 3)];
  // Tile 1's pixel (0, 0) fills the 4×4 block at the second cell's corner.
  const first = [...tiles[1].data.subarray(0, 3)];
  assert.equal(pixel(6 + 102, 6), first);
  assert.equal(pixel(6 + 102 + 3, 6 + 3), first);
  // The label band under tile 0 has ink; the empty fourth cell stays white.
  const band = (left: number, top: number) => {
    let ink = 0;
    for (let y = top; y < top + 7; y++) for (let x = left; x < left + 96; x++) ink += pixel(x, y)[0] === 0 ? 1 : 0;
    return ink;
  };
  assert.ok(band(6, 6 + 80 + 2) > 20);
  assert.is(band(6 + 102, 6 + 98 + 80 + 2), 0);
  assertThrowsWith(() => labelledGrid(tiles, ['a']), RangeError, /1 labels for 3 images/);
});

test.run();
