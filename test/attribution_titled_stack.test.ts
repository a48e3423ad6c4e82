import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GLYPH_HEIGHT, type PixelImage, textWidth, titledStack } from '../src/attribution/mod.ts';
import { assertThrowsWith } from './support/throws_with.ts';

test('titledStack puts each title above its image, 6 pixels in, on white: a heading at scale 2, then a grey image as grey RGB', () => {
  const tile: PixelImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([0, 10, 20, 30, 40, 50]) };
  const sheet = titledStack([{ title: 'AB', scale: 2 }, { title: 'x', image: tile }]);
  assert.is(sheet.channels, 3);
  assert.is(sheet.width, 6 + Math.max(textWidth('AB', 2), 3) + 6);
  // margin, heading (16 + 2), margin, title (8 + 2), image (2), margin
  assert.is(sheet.height, 6 + (2 * GLYPH_HEIGHT + 2) + 6 + (GLYPH_HEIGHT + 2) + 2 + 6);
  const top = 6 + 2 * GLYPH_HEIGHT + 2 + 6 + GLYPH_HEIGHT + 2;
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 3; x++) {
      const at = ((top + y) * sheet.width + 6 + x) * 3;
      assert.equal(Array.from(sheet.data.subarray(at, at + 3)), Array(3).fill(tile.data[y * 3 + x]), `pixel (${y}, ${x})`);
    }
  }
  // The heading's 'A' has ink (black) in its top row, two pixels tall at scale 2; the corner stays white.
  const inkRow = Array.from({ length: sheet.width }, (_, x) => sheet.data[(6 * sheet.width + x) * 3]);
  assert.ok(inkRow.includes(0));
  assert.equal(Array.from(sheet.data.subarray(0, 3)), [255, 255, 255]);
});

test('titledStack refuses no sections and a title scale that is not a whole number ≥ 1', () => {
  assertThrowsWith(() => titledStack([]), RangeError, /no sections/);
  assertThrowsWith(() => titledStack([{ title: 'a', scale: 0 }]), RangeError, /section 0 has scale 0/);
});

test.run();
