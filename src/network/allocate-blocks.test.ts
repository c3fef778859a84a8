import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasCode } from '../errors/index.js';
import { allocateBlocks } from './allocate-blocks.js';
import { blockContains, blocksOverlap, parseCidrBlock } from './cidr-block.js';

const pool = parseCidrBlock('10.0.0.0/8');

describe('allocateBlocks', () => {
  it('takes the lowest free blocks of the pool, past the ones in use', () => {
    const taken = ['10.0.0.0/16', '10.1.128.0/17', '10.3.0.0/24'].map((c) => parseCidrBlock(c));
    const got = allocateBlocks({ pool, prefix: 16, count: 3, taken }).map((b) => b.cidr);
    assert.deepEqual(got, ['10.2.0.0/16', '10.4.0.0/16', '10.5.0.0/16']);
  });

  it('ignores blocks outside the pool and other families', () => {
    const taken = ['192.168.0.0/16', 'fd00::/8'].map((c) => parseCidrBlock(c));
    const got = allocateBlocks({ pool, prefix: 9, count: 2, taken }).map((b) => b.cidr);
    assert.deepEqual(got, ['10.0.0.0/9', '10.128.0.0/9']);
  });

  it('says how much room is left when the pool is too small, and refuses a prefix shorter than the pool', () => {
    const taken = [parseCidrBlock('10.0.0.0/9')];
    assert.throws(
      () => allocateBlocks({ pool, prefix: 9, count: 2, taken }),
      (err) => hasCode(err, 'CW_CIDR_POOL_EXHAUSTED') && /room for 1 more/.test(String(err)),
    );
    assert.throws(
      () => allocateBlocks({ pool, prefix: 7, count: 1, taken: [] }),
      (err) => hasCode(err, 'CW_INPUT_INVALID'),
    );
  });

  it('a /8 cut into /28 around many taken blocks stays quick', () => {
    const taken = Array.from({ length: 2000 }, (_, i) =>
      parseCidrBlock(`10.${i % 250}.${Math.floor(i / 250)}.0/24`),
    );
    const got = allocateBlocks({ pool, prefix: 28, count: 4, taken });
    assert.equal(got[0]?.cidr, '10.0.8.0/28');
  });

  it('property: new blocks lie in the pool, are aligned, distinct, and overlap nothing taken or each other', () => {
    // Any aligned block inside 10.0.0.0/8: the pool's address with random host bits, then masked.
    const small = fc.tuple(fc.nat(0xffffff), fc.integer({ min: 12, max: 28 })).map(([n, p]) => {
      const v = (((10 << 24) | n) & (0xffffffff << (32 - p))) >>> 0;
      return parseCidrBlock(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/${p}`);
    });
    fc.assert(
      fc.property(
        fc.array(small, { maxLength: 30 }),
        fc.integer({ min: 12, max: 24 }),
        fc.integer({ min: 1, max: 8 }),
        (taken, prefix, count) => {
          let got;
          try {
            got = allocateBlocks({ pool, prefix, count, taken });
          } catch (err) {
            assert.ok(hasCode(err, 'CW_CIDR_POOL_EXHAUSTED'));
            return;
          }
          assert.equal(got.length, count);
          for (const [i, b] of got.entries()) {
            assert.ok(blockContains(pool, b));
            assert.equal(b.prefix, prefix);
            assert.ok(!taken.some((t) => blocksOverlap(t, b)), b.cidr);
            assert.ok(!got.slice(i + 1).some((o) => blocksOverlap(o, b)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
