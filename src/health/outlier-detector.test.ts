import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutlierDetector } from './outlier-detector.js';

const options = {
  consecutiveFailures: 3,
  baseEjectionMs: 1_000,
  maxEjectionMs: 5_000,
  maxEjectionPercent: 50,
};
const peers = ['a', 'b', 'c', 'd'];

describe('OutlierDetector', () => {
  it('ejects after consecutive failures, and a success resets the count', () => {
    const d = new OutlierDetector(options);
    d.recordFailure('a', 0, peers);
    d.recordFailure('a', 0, peers);
    d.recordSuccess('a', 0);
    assert.equal(d.recordFailure('a', 0, peers), undefined);
    assert.equal(d.recordFailure('a', 0, peers), undefined);
    assert.equal(d.recordFailure('a', 0, peers), 1_000);
    assert.equal(d.isEjected('a', 999), true);
    assert.equal(d.isEjected('a', 1_000), false);
  });

  it('doubles the ejection time on every repeat, up to the maximum', () => {
    const d = new OutlierDetector(options);
    const durations: Array<number | undefined> = [];
    let now = 0;
    for (let round = 0; round < 5; round++) {
      let ejected: number | undefined;
      for (let i = 0; i < 3; i++) ejected = d.recordFailure('a', now, peers) ?? ejected;
      durations.push(ejected);
      now += 10_000;
    }
    assert.deepEqual(durations, [1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('never ejects more than the max share of a service', () => {
    const d = new OutlierDetector(options);
    for (const id of ['a', 'b', 'c']) for (let i = 0; i < 3; i++) d.recordFailure(id, 0, peers);
    assert.deepEqual(
      peers.map((p) => d.isEjected(p, 1)),
      [true, true, false, false],
    );
  });

  it('steps the ejection time back down while the endpoint stays healthy', () => {
    const d = new OutlierDetector(options);
    const eject = (now: number): number | undefined => {
      let ejected: number | undefined;
      for (let i = 0; i < 3; i++) ejected = d.recordFailure('a', now, peers) ?? ejected;
      return ejected;
    };
    assert.equal(eject(0), 1_000);
    assert.equal(eject(10_000), 2_000);
    // Healthy for two base periods after the last ejection ended: two steps down.
    d.recordSuccess('a', 12_000 + 1_000);
    d.recordSuccess('a', 12_000 + 1_500);
    d.recordSuccess('a', 12_000 + 2_000);
    assert.equal(eject(20_000), 1_000);
  });
});
