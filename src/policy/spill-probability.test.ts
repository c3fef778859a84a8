import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spillProbability } from './spill-probability.js';

describe('spillProbability', () => {
  it('is 0 up to the threshold, grows linearly and saturates at twice the threshold', () => {
    assert.equal(spillProbability(0, 10), 0);
    assert.equal(spillProbability(10, 10), 0);
    assert.equal(spillProbability(12.5, 10), 0.25);
    assert.equal(spillProbability(15, 10), 0.5);
    assert.equal(spillProbability(20, 10), 1);
    assert.equal(spillProbability(1_000, 10), 1);
  });

  it('never returns NaN', () => {
    assert.equal(spillProbability(Number.NaN, 10), 0);
  });
});
