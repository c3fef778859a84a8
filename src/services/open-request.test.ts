import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import { decodeOpenRequest, encodeOpenRequest } from './open-request.js';

/** Hostile payloads: raw bytes, random JSON, and valid-looking objects with wrong field types. */
const hostile = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc
    .record({
      service: fc.anything(),
      namespace: fc.anything(),
      port: fc.anything(),
      type: fc.constantFrom('exports', 'x'),
      services: fc.anything(),
    })
    .map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
);

function onlyCausewayErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(
      err instanceof CausewayError && err.code === 'CW_FRAME_MALFORMED',
      `unexpected ${String(err)}`,
    );
  }
}

describe('OPEN payload', () => {
  it('carries the destination site and hops left for transit routers', () => {
    assert.deepEqual(
      decodeOpenRequest(
        encodeOpenRequest({ service: 'web', namespace: 'shop', port: 80, site: 'eu-west', ttl: 7 }),
      ),
      { service: 'web', namespace: 'shop', port: 80, site: 'eu-west', ttl: 7 },
    );
  });
  it('round-trips valid requests', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        fc.integer({ min: 1, max: 65535 }),
        (service, namespace, port) => {
          assert.deepEqual(decodeOpenRequest(encodeOpenRequest({ service, namespace, port })), {
            service,
            namespace,
            port,
          });
        },
      ),
    );
  });
  it('turns any hostile payload into CW_FRAME_MALFORMED', () => {
    fc.assert(
      fc.property(hostile, (payload) => onlyCausewayErrors(() => decodeOpenRequest(payload))),
      { numRuns: 1000 },
    );
  });
});
