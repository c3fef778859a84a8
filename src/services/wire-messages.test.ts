import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import { decodeControlMessage, encodeExportsAdvert, isNewerAdvert } from './exports-advert.js';
import { decodeOpenRequest, encodeOpenRequest } from './open-request.js';

/** Hostile payloads: raw bytes, random JSON, and valid-looking objects with wrong field types. */
const hostile = fc.oneof(
  fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
  fc.record({ service: fc.anything(), namespace: fc.anything(), port: fc.anything(), type: fc.constantFrom('exports', 'x'), services: fc.anything() }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
);

function onlyCausewayErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CausewayError && err.code === 'CW_FRAME_MALFORMED', `unexpected ${String(err)}`);
  }
}

describe('OPEN payload', () => {
  it('round-trips valid requests', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.integer({ min: 1, max: 65535 }), (service, namespace, port) => {
        assert.deepEqual(decodeOpenRequest(encodeOpenRequest({ service, namespace, port })), { service, namespace, port });
      }),
    );
  });
  it('turns any hostile payload into CW_FRAME_MALFORMED', () => {
    fc.assert(fc.property(hostile, (payload) => onlyCausewayErrors(() => decodeOpenRequest(payload))), { numRuns: 1000 });
  });
});

describe('CONTROL messages', () => {
  it('round-trips an exports advert', () => {
    const advert = { type: 'exports' as const, origin: 'eu-west', epoch: 1, seq: 7, services: [{ name: 'web', namespace: 'shop', ports: [{ port: 80, protocol: 'TCP' as const }] }] };
    assert.deepEqual(decodeControlMessage(encodeExportsAdvert(advert)), advert);
  });
  it('reports unknown message types instead of failing (newer peers may add some)', () => {
    assert.deepEqual(decodeControlMessage(Buffer.from('{"type":"routes"}')), { type: 'unknown', name: 'routes' });
  });
  it('turns any hostile payload into CW_FRAME_MALFORMED or unknown', () => {
    fc.assert(fc.property(hostile, (payload) => onlyCausewayErrors(() => decodeControlMessage(payload))), { numRuns: 1000 });
  });
  it('orders adverts by (epoch, seq) so a restarted origin wins over its old state', () => {
    assert.equal(isNewerAdvert(undefined, { epoch: 1, seq: 1 }), true);
    assert.equal(isNewerAdvert({ epoch: 1, seq: 5 }, { epoch: 1, seq: 5 }), false);
    assert.equal(isNewerAdvert({ epoch: 1, seq: 5 }, { epoch: 1, seq: 4 }), false);
    assert.equal(isNewerAdvert({ epoch: 1, seq: 5 }, { epoch: 2, seq: 1 }), true);
  });
});
