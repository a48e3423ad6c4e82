import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '../src/io/mod.ts';

test('float16ToFloat32 decodes normals, subnormals, zeros, infinities and NaN', () => {
  assert.is(float16ToFloat32(0x3c00), 1);
  assert.is(float16ToFloat32(0xc000), -2);
  assert.is(float16ToFloat32(0x3555), 0.333251953125);
  assert.is(float16ToFloat32(0x7bff), 65504);
  assert.is(float16ToFloat32(0x0400), 2 ** -14);
  assert.is(float16ToFloat32(0x0001), 2 ** -24);
  assert.is(float16ToFloat32(0x03ff), 1023 * 2 ** -24);
  assert.is(float16ToFloat32(0x8001), -(2 ** -24));
  assert.ok(Object.is(float16ToFloat32(0x0000), 0));
  assert.ok(Object.is(float16ToFloat32(0x8000), -0));
  assert.is(float16ToFloat32(0x7c00), Infinity);
  assert.is(float16ToFloat32(0xfc00), -Infinity);
  assert.ok(Number.isNaN(float16ToFloat32(0x7e00)));
  assert.ok(Number.isNaN(float16ToFloat32(0xfc01)));
});

test('float32ToFloat16 gives back every non-NaN binary16 pattern it is handed', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const x = float16ToFloat32(bits);
    if (Number.isNaN(x)) continue;
    const back = float32ToFloat16(x);
    if (back !== bits) assert.unreachable(`0x${bits.toString(16)} (${x}) came back as 0x${back.toString(16)}`);
  }
});

test('float32ToFloat16 rounds to nearest, ties to even, through subnormals and into infinity', () => {
  assert.is(float32ToFloat16(1 + 2 ** -11), 0x3c00); // tie, down to the even 1.0
  assert.is(float32ToFloat16(1 + 3 * 2 ** -11), 0x3c02); // tie, up to the even neighbour
  assert.is(float32ToFloat16(1 + 2 ** -11 + 2 ** -20), 0x3c01); // just past the tie
  assert.is(float32ToFloat16(65519), 0x7bff);
  assert.is(float32ToFloat16(65520), 0x7c00); // tie between 65504 and 2^16: even is ∞
  assert.is(float32ToFloat16(1e10), 0x7c00);
  assert.is(float32ToFloat16(-1e10), 0xfc00);
  assert.is(float32ToFloat16(2 ** -25), 0x0000); // tie between 0 and the smallest subnormal
  assert.is(float32ToFloat16(2 ** -25 * 1.5), 0x0001);
  assert.is(float32ToFloat16(3 * 2 ** -25), 0x0002); // 1.5 subnormal steps: tie, up to 2
  assert.is(float32ToFloat16(1023.5 * 2 ** -24), 0x0400); // tie carries into the smallest normal
  assert.is(float32ToFloat16(1e-30), 0x0000);
  assert.is(float32ToFloat16(-1e-30), 0x8000);
  assert.is(float32ToFloat16(-0), 0x8000);
  assert.is(float32ToFloat16(Infinity), 0x7c00);
  assert.is(float32ToFloat16(NaN), 0x7e00);
});

test('bfloat16ToFloat32 decodes the top half of a float32', () => {
  assert.is(bfloat16ToFloat32(0x3f80), 1);
  assert.is(bfloat16ToFloat32(0xc000), -2);
  assert.is(bfloat16ToFloat32(0x4049), 3.140625);
  assert.is(bfloat16ToFloat32(0x0001), 2 ** -133);
  assert.ok(Object.is(bfloat16ToFloat32(0x8000), -0));
  assert.is(bfloat16ToFloat32(0x7f80), Infinity);
  assert.is(bfloat16ToFloat32(0xff80), -Infinity);
  assert.ok(Number.isNaN(bfloat16ToFloat32(0x7fc0)));
});

test('float32ToBfloat16 gives back every non-NaN pattern and rounds ties to even', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const x = bfloat16ToFloat32(bits);
    if (Number.isNaN(x)) continue;
    const back = float32ToBfloat16(x);
    if (back !== bits) assert.unreachable(`0x${bits.toString(16)} (${x}) came back as 0x${back.toString(16)}`);
  }
  assert.is(float32ToBfloat16(1 + 2 ** -8), 0x3f80);
  assert.is(float32ToBfloat16(1 + 3 * 2 ** -8), 0x3f82);
  assert.is(float32ToBfloat16(Math.PI), 0x4049);
  assert.is(float32ToBfloat16(3.4028234663852886e38), 0x7f80); // the largest float32 rounds up to ∞
  assert.ok(Number.isNaN(bfloat16ToFloat32(float32ToBfloat16(NaN))));
});

test.run();
