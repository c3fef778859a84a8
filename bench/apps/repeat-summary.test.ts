import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { summarizeRepeats } from './repeat-summary.js';

describe('summarizeRepeats', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even one', () => {
    assert.deepEqual(summarizeRepeats([3, 1, 2]), { median: 2, min: 1, max: 3, spread: 1 });
    assert.equal(summarizeRepeats([4, 1, 2, 3]).median, 2.5);
  });

  it('puts the median between min and max, whatever the order of the runs', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (values) => {
          const s = summarizeRepeats(values);
          assert.ok(s.min <= s.median && s.median <= s.max);
          assert.equal(s.min, Math.min(...values));
          assert.equal(s.max, Math.max(...values));
          assert.ok(s.spread >= 0);
        },
      ),
    );
  });
});
