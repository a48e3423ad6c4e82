import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkDroppedFile, MAX_DROPPED_BYTES } from '../demo/check_dropped_file.ts';

test('checkDroppedFile takes pictures up to the size limit and names what else was dropped', () => {
  checkDroppedFile({ name: 'cat.jpg', type: 'image/jpeg', size: MAX_DROPPED_BYTES });
  assert.throws(() => checkDroppedFile({ name: 'huge.png', type: 'image/png', size: MAX_DROPPED_BYTES + 1 }), /^huge\.png is 64 MiB; the page takes pictures up to 64 MiB$/);
  assert.throws(() => checkDroppedFile({ name: 'notes.txt', type: 'text/plain', size: 10 }), /^notes\.txt is not a picture \(text\/plain\); drop a PNG, JPEG or WebP image$/);
  assert.throws(() => checkDroppedFile({ name: 'blob', type: '', size: 10 }), /not a picture \(unknown type\)/);
  assert.throws(() => checkDroppedFile({ name: 'maps.npy', type: '', size: 10 }), /^maps\.npy is an array file; drop a picture, or a model/);
});

test.run();
