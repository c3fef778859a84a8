import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeClientSubnet, parseClientSubnet } from './client-subnet.js';

const option = (family: number, source: number, scope: number, address: number[]): Uint8Array =>
  Uint8Array.from([family >> 8, family & 0xff, source, scope, ...address]);

describe('parseClientSubnet (RFC 7871 §6, §7.1.1)', () => {
  it('reads an IPv4 /24 and zero-pads the address', () => {
    assert.deepEqual(parseClientSubnet(option(1, 24, 0, [198, 51, 100])), {
      ok: true,
      subnet: { family: 'IPv4', sourcePrefix: 24, address: '198.51.100.0' },
    });
  });
  it('reads an IPv6 /56', () => {
    const parsed = parseClientSubnet(option(2, 56, 0, [0x20, 0x01, 0x0d, 0xb8, 0, 1, 2]));
    assert.deepEqual(parsed, {
      ok: true,
      subnet: { family: 'IPv6', sourcePrefix: 56, address: '2001:db8:1:200::' },
    });
  });
  it('reads /0 with no address bytes', () =>
    assert.equal(parseClientSubnet(option(1, 0, 0, [])).ok, true));
  it('refuses a short header, an unknown family, an over-long prefix, a non-zero scope', () => {
    assert.match(reason(Uint8Array.from([0, 1, 24])), /shorter than its 4-byte header/);
    assert.match(reason(option(3, 8, 0, [10])), /family 3/);
    assert.match(reason(option(1, 33, 0, [1, 2, 3, 4, 5])), /longer than an IPv4/);
    assert.match(reason(option(1, 24, 8, [1, 2, 3])), /scope prefix must be 0/);
  });
  it('refuses too few or too many address bytes, and bits set past the prefix', () => {
    assert.match(reason(option(1, 24, 0, [1, 2])), /needs 3 address bytes, got 2/);
    assert.match(reason(option(1, 24, 0, [1, 2, 3, 4])), /needs 3 address bytes, got 4/);
    assert.match(reason(option(1, 20, 0, [10, 1, 0x0f])), /bits set past \/20/);
  });
  it('never throws on hostile bytes, and accepts exactly the well-formed options', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const parsed = parseClientSubnet(bytes);
        const family = bytes.length >= 2 ? (bytes[0]! << 8) | bytes[1]! : -1;
        const bits = family === 1 ? 32 : family === 2 ? 128 : 0;
        const source = bytes[2] ?? 0;
        const octets = Math.ceil(source / 8);
        const spare = octets * 8 - source;
        const wellFormed =
          bytes.length >= 4 &&
          bits > 0 &&
          source <= bits &&
          bytes[3] === 0 &&
          bytes.length === 4 + octets &&
          (octets === 0 || (bytes[3 + octets]! & ((1 << spare) - 1)) === 0);
        assert.equal(parsed.ok, wellFormed);
      }),
      { numRuns: 5000 },
    );
  });
  it('round-trips every well-formed option through encode with scope 0', () => {
    const wellFormed = fc.oneof(fc.constant(1), fc.constant(2)).chain((family) =>
      fc.integer({ min: 0, max: family === 1 ? 32 : 128 }).chain((source) =>
        fc
          .uint8Array({ minLength: Math.ceil(source / 8), maxLength: Math.ceil(source / 8) })
          .map((address) => {
            const spare = Math.ceil(source / 8) * 8 - source;
            if (address.length > 0) address[address.length - 1]! &= ~((1 << spare) - 1) & 0xff;
            return option(family, source, 0, [...address]);
          }),
      ),
    );
    fc.assert(
      fc.property(wellFormed, (bytes) => {
        const parsed = parseClientSubnet(bytes);
        assert.ok(parsed.ok);
        assert.deepEqual([...encodeClientSubnet(parsed.subnet, 0)], [...bytes]);
      }),
    );
  });
});

function reason(bytes: Uint8Array): string {
  const parsed = parseClientSubnet(bytes);
  assert.equal(parsed.ok, false);
  return parsed.ok ? '' : parsed.reason;
}
