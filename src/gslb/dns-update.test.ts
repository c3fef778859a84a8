import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { CausewayError } from '../errors/index.js';
import { readUpdateResponse, signedUpdate } from './dns-update.js';
import { parseTsigKey } from './tsig-key.js';

const key = parseTsigKey(`hmac-sha256:gslb-update:${Buffer.alloc(32, 7).toString('base64')}`);
const records = [
  { name: 'gslb.example.com', type: 'NS' as const, ttl: 3600, data: 'ns1.gslb.example.com' },
  { name: 'ns1.gslb.example.com', type: 'A' as const, ttl: 3600, data: '192.0.2.53' },
];

describe('signedUpdate (RFC 2136, RFC 8945)', () => {
  it('is an UPDATE for the parent zone: delete each RRset, add the records, TSIG last', () => {
    const update = signedUpdate('example.com', records, key, 4242, 1_700_000_000);
    const bytes = update.bytes;
    assert.equal(bytes.readUInt16BE(0), 4242);
    assert.equal((bytes.readUInt16BE(2) >> 11) & 0xf, 5, 'opcode UPDATE');
    assert.deepEqual(
      [4, 6, 8, 10].map((o) => bytes.readUInt16BE(o)),
      [1, 0, 4, 1],
    );
    assert.equal(update.mac.length, 32);
    assert.ok(bytes.includes(Buffer.from('\x0bgslb-update\x00', 'latin1')), 'key name');
    assert.ok(bytes.includes(Buffer.from('\x0bhmac-sha256\x00', 'latin1')), 'algorithm');
  });
  it('depends on the secret and the time signed', () => {
    const other = parseTsigKey(`hmac-sha256:gslb-update:${Buffer.alloc(32, 8).toString('base64')}`);
    assert.notDeepEqual(
      signedUpdate('example.com', records, key, 1, 100).mac,
      signedUpdate('example.com', records, other, 1, 100).mac,
    );
    assert.notDeepEqual(
      signedUpdate('example.com', records, key, 1, 100).mac,
      signedUpdate('example.com', records, key, 1, 101).mac,
    );
  });
});

describe('readUpdateResponse', () => {
  const request = signedUpdate('example.com', records, key, 77, 1_700_000_000);
  it('reads an unsigned NOTAUTH as unsigned with its rcode', () => {
    const response = dnsPacket.encode({
      type: 'response',
      id: 77,
      flags: (5 << 11) | 9,
      questions: [{ name: 'example.com', type: 'SOA' }],
    });
    assert.deepEqual(readUpdateResponse(response, request, key), {
      kind: 'answer',
      id: 77,
      rcode: 9,
      tsigError: undefined,
      signed: 'absent',
    });
  });
  it('calls a query (not a response) malformed', () => {
    const query = dnsPacket.encode({
      type: 'query',
      id: 77,
      questions: [{ name: 'example.com', type: 'SOA' }],
    });
    assert.equal(readUpdateResponse(query, request, key).kind, 'malformed');
  });
  it('never throws on hostile bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const buffer = Buffer.from(bytes);
        if (buffer.length > 2) buffer[2]! |= 0x80;
        const read = readUpdateResponse(buffer, request, key);
        assert.ok(read.kind === 'answer' || read.kind === 'malformed');
        if (read.kind === 'answer') assert.notEqual(read.signed, 'valid');
      }),
      { numRuns: 5000 },
    );
  });
  it('never throws on a real response cut or corrupted anywhere', () => {
    const response = dnsPacket.encode({
      type: 'response',
      id: 77,
      flags: 5 << 11,
      questions: [{ name: 'example.com', type: 'SOA' }],
      additionals: [{ type: 'A', name: 'x.example.com', data: '192.0.2.1' }],
    });
    fc.assert(
      fc.property(
        fc.nat(response.length),
        fc.nat(response.length - 1),
        fc.integer({ min: 0, max: 255 }),
        (cut, at, byte) => {
          const damaged = Buffer.from(response.subarray(0, cut));
          if (at < damaged.length) damaged[at] = byte;
          readUpdateResponse(damaged, request, key);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('parseTsigKey', () => {
  it('takes [algorithm:]name:secret as dig -y does', () => {
    assert.equal(
      parseTsigKey(`gslb-update:${Buffer.alloc(32).toString('base64')}`).algorithm,
      'hmac-sha256',
    );
    assert.equal(
      parseTsigKey(`hmac-sha512:K.Example.:${Buffer.alloc(64).toString('base64')}`).name,
      'k.example',
    );
  });
  it('throws only CausewayErrors naming --tsig on hostile text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          parseTsigKey(text);
        } catch (err) {
          assert.ok(
            err instanceof CausewayError &&
              err.message.startsWith('--tsig:') &&
              err.hint !== undefined,
          );
        }
      }),
    );
  });
});
