import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import { trafficRange } from './api-server.js';

describe('trafficRange', () => {
  it('reads whole seconds and defaults to five minutes', () => {
    assert.equal(trafficRange('/v1/traffic'), 300_000);
    assert.equal(trafficRange('/v1/traffic?rangeSeconds=60'), 60_000);
  });

  it('refuses anything else with a typed error, whatever the query holds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (raw) => {
        const url = `/v1/traffic?rangeSeconds=${encodeURIComponent(raw)}`;
        try {
          const ms = trafficRange(url);
          assert.match(raw, /^\d{1,7}$/);
          assert.equal(ms, Number(raw) * 1_000);
        } catch (err) {
          assert.ok(err instanceof CausewayError);
          assert.equal(err.code, 'CW_INPUT_INVALID');
          assert.ok(err.message.startsWith('rangeSeconds:'));
        }
      }),
    );
  });
});
