import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError, hasCode } from '../errors/index.js';
import { blockContains, blockHasAddress, blocksOverlap, parseCidrBlock } from './cidr-block.js';

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
/** Any aligned IPv4 block: a random address with its host bits cleared. */
const v4Block = fc.tuple(fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 })).map(([n, p]) => {
  const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  const v = (n & mask) >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/${p}`;
});

describe('parseCidrBlock', () => {
  it('reads IPv4 and IPv6 blocks as inclusive ranges, canonical text', () => {
    const b = parseCidrBlock('10.244.0.0/16');
    assert.equal(b.cidr, '10.244.0.0/16');
    assert.equal(b.last - b.first + 1n, 65536n);
    assert.equal(parseCidrBlock('FD00:10:0::/64').cidr, 'fd00:10::/64');
    assert.equal(parseCidrBlock('0.0.0.0/0').last, 0xffffffffn);
    assert.equal(parseCidrBlock('10.0.0.7/32').first, parseCidrBlock('10.0.0.7/32').last);
  });

  it('refuses host bits, naming the field and the block the address lies in', () => {
    assert.throws(
      () => parseCidrBlock('10.244.1.0/16', 'network.pods[0]'),
      (err: unknown) =>
        err instanceof CausewayError &&
        err.code === 'CW_INPUT_INVALID' &&
        err.message.startsWith('network.pods[0]: "10.244.1.0/16"') &&
        err.hint === 'the block that address lies in is 10.244.0.0/16',
    );
  });

  it('refuses text that is not a block with a clear error, never another exception', () => {
    for (const bad of [
      '',
      '/',
      '10.0.0.0',
      '10.0.0.0/',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/8/8',
      '010.0.0.0/8',
      ' 10.0.0.0/8',
      '10.0.0.0/+8',
      'x/8',
      '1.2.3.4.5/8',
    ])
      assert.throws(
        () => parseCidrBlock(bad),
        (err) => hasCode(err, 'CW_INPUT_INVALID'),
        bad,
      );
  });

  it('hostile text: parses or fails with CW_INPUT_INVALID, and what parses prints back the same', () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef:./ '), maxLength: 50 }),
      fc.tuple(v4, fc.integer({ min: -5, max: 200 })).map(([a, p]) => `${a}/${p}`),
    );
    fc.assert(
      fc.property(hostile, (text) => {
        try {
          const b = parseCidrBlock(text);
          assert.equal(parseCidrBlock(b.cidr).cidr, b.cidr);
          assert.ok(b.first <= b.last);
        } catch (err) {
          assert.ok(hasCode(err, 'CW_INPUT_INVALID'), String(err));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('every aligned IPv4 block round-trips', () => {
    fc.assert(fc.property(v4Block, (text) => assert.equal(parseCidrBlock(text).cidr, text)));
  });
});

describe('blocksOverlap', () => {
  it('agrees with "some address lies in both", and containment implies overlap', () => {
    fc.assert(
      fc.property(v4Block, v4Block, v4, (x, y, address) => {
        const a = parseCidrBlock(x);
        const b = parseCidrBlock(y);
        const both = blockHasAddress(a, address) && blockHasAddress(b, address);
        if (both) assert.ok(blocksOverlap(a, b));
        if (blockContains(a, b) || blockContains(b, a)) assert.ok(blocksOverlap(a, b));
        // Two aligned blocks either nest or are disjoint.
        assert.equal(blocksOverlap(a, b), blockContains(a, b) || blockContains(b, a));
        assert.equal(blocksOverlap(a, b), blocksOverlap(b, a));
      }),
      { numRuns: 2000 },
    );
  });

  it('never overlaps across families', () => {
    assert.equal(blocksOverlap(parseCidrBlock('0.0.0.0/0'), parseCidrBlock('::/0')), false);
  });
});
