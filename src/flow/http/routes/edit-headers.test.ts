import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { editHeaderMap, editRawHeaders } from './edit-headers.js';

const edits = { set: { 'X-Set': 'v' }, add: { 'x-add': 'a' }, remove: ['x-gone', ':path'] };

describe('header edits', () => {
  it('removes, replaces and appends, never touching pseudo-headers', () => {
    const out = editHeaderMap({ ':path': '/', 'x-gone': '1', 'x-set': 'old', 'x-add': 'b' }, edits);
    assert.deepEqual(out, { ':path': '/', 'x-set': 'v', 'x-add': ['b', 'a'] });
  });

  it('edits HTTP/1.1 raw headers keeping case and order', () => {
    const out = editRawHeaders(['Host', 'h', 'X-Gone', '1', 'X-Set', 'old'], edits);
    assert.deepEqual(out, ['Host', 'h', 'X-Set', 'v', 'x-add', 'a']);
  });

  it('never throws and never lets a removed or set name through twice, whatever the message carries', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 40 }), fc.string({ maxLength: 200, unit: 'binary' })),
        (headers) => {
          const out = editHeaderMap({ ...headers }, edits);
          assert.equal(out['x-gone'], undefined);
          assert.equal(out['x-set'], 'v');
          const raw = editRawHeaders(Object.entries(headers).flat(), edits);
          assert.equal(raw.filter((v, i) => i % 2 === 0 && v.toLowerCase() === 'x-set').length, 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
