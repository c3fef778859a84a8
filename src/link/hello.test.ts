import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import { PROTOCOL, decodeHello, encodeHello } from './hello.js';
import { backoffDelay } from './backoff.js';

describe('HELLO', () => {
  it('round-trips', () => {
    const hello = decodeHello(
      encodeHello({ id: 'eu-west', zone: 'eu-west-1a', region: 'eu-west-1' }, 42),
    );
    assert.equal(hello.site, 'eu-west');
    assert.equal(hello.major, PROTOCOL.major);
  });
  it('refuses another major version with CW_PROTOCOL_VERSION and accepts a newer minor', () => {
    const base = { protocol: PROTOCOL.name, site: 'x', zone: '', region: '', epoch: 1 };
    assert.throws(
      () =>
        decodeHello(Buffer.from(JSON.stringify({ ...base, major: PROTOCOL.major + 1, minor: 0 }))),
      (e: unknown) => e instanceof CausewayError && e.code === 'CW_PROTOCOL_VERSION',
    );
    assert.equal(
      decodeHello(
        Buffer.from(JSON.stringify({ ...base, major: PROTOCOL.major, minor: 99, extra: true })),
      ).minor,
      99,
    );
  });
  it('turns hostile payloads into CausewayErrors only', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
        ),
        (payload) => {
          try {
            decodeHello(payload);
          } catch (err) {
            assert.ok(err instanceof CausewayError, String(err));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('backoffDelay', () => {
  it('grows exponentially with jitter and is capped', () => {
    assert.equal(
      backoffDelay(1, 100, 5000, () => 0),
      100,
    );
    assert.equal(
      backoffDelay(1, 100, 5000, () => 1),
      200,
    );
    assert.equal(
      backoffDelay(3, 100, 5000, () => 1),
      800,
    );
    assert.equal(
      backoffDelay(30, 100, 5000, () => 1),
      5000,
    );
    assert.ok(backoffDelay(30, 100, 5000, () => 0) >= 2500);
  });
});
