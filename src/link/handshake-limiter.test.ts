import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HandshakeLimiter } from './handshake-limiter.js';

describe('per-source handshake limit', () => {
  it('admits a burst, then the rate, per source', () => {
    let now = 0;
    const limiter = new HandshakeLimiter(
      () => ({ perSecond: 10, burst: 3 }),
      () => now,
    );
    assert.deepEqual(
      [1, 2, 3, 4].map(() => limiter.admit('10.0.0.1')),
      [true, true, true, false],
    );
    assert.equal(limiter.admit('10.0.0.2'), true, 'another source has its own bucket');
    now += 100; // one token back at 10/s
    assert.equal(limiter.admit('10.0.0.1'), true);
    assert.equal(limiter.admit('10.0.0.1'), false);
  });

  it('never admits more than burst + rate × elapsed from one source', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }),
        (gaps) => {
          let now = 0;
          const limiter = new HandshakeLimiter(
            () => ({ perSecond: 20, burst: 5 }),
            () => now,
          );
          let admitted = 0;
          for (const gap of gaps) {
            now += gap;
            if (limiter.admit('s')) admitted += 1;
          }
          return admitted <= 5 + Math.floor((now / 1000) * 20) + 1;
        },
      ),
    );
  });
});
