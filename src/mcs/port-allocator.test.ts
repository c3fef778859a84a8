import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hasCode } from '../errors/index.js';
import { PortAllocator, parsePortRange } from './port-allocator.js';

describe('PortAllocator', () => {
  it('gives each key a distinct port inside the range, the same again, and says when the range is full', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1024, max: 65_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 40 }),
        (first, size, keys) => {
          const range = { first, last: first + size - 1 };
          const a = new PortAllocator(range);
          const given = new Map<string, number>();
          for (const key of keys) {
            if (given.size === size) {
              assert.throws(
                () => a.allocate(key),
                (err) => hasCode(err, 'CW_VIP_POOL_EXHAUSTED'),
              );
              continue;
            }
            const port = a.allocate(key);
            assert.ok(
              port >= range.first && port <= range.last,
              `${port} outside ${first}-${range.last}`,
            );
            given.set(key, port);
          }
          assert.equal(new Set(given.values()).size, given.size, 'no port twice');
          for (const [key, port] of given) assert.equal(a.allocate(key), port);
        },
      ),
    );
  });

  it('the first choice depends only on the key, and a released port is handed out again', () => {
    const range = parsePortRange('20000-29999');
    const port = new PortAllocator(range).allocate('shop/web#80');
    assert.equal(new PortAllocator(range).allocate('shop/web#80'), port);
    const small = new PortAllocator({ first: 30_000, last: 30_001 });
    const [x, y] = [small.allocate('a'), small.allocate('b')];
    small.release('a');
    assert.equal(small.allocate('c'), x);
    assert.notEqual(x, y);
  });

  it('snapshot and restore round-trip; hostile snapshots are refused whole and change nothing', () => {
    const a = new PortAllocator({ first: 20_000, last: 20_099 });
    for (let i = 0; i < 30; i++) a.allocate(`ns/svc-${i}#80`);
    const b = new PortAllocator({ first: 20_000, last: 20_099 });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    assert.deepEqual(b.snapshot(), a.snapshot());
    const before = JSON.stringify(b.snapshot());
    const hostile: unknown[] = [
      null,
      'x',
      { version: 2, range: '20000-20099', allocations: {} },
      { version: 1, range: '20000-20099', allocations: { a: 19_999 } },
      { version: 1, range: '20000-20099', allocations: { a: 20_001, b: 20_001 } },
      { version: 1, range: '20000-20099', allocations: { a: 1.5 } },
      { version: 1, range: '20000-20099', allocations: { a: '20001' } },
      { version: 1, range: '20000-20099', allocations: {}, extra: true },
    ];
    for (const snapshot of hostile) {
      assert.throws(
        () => b.restore(snapshot),
        (err) => hasCode(err, 'CW_INPUT_INVALID'),
        JSON.stringify(snapshot),
      );
      assert.equal(JSON.stringify(b.snapshot()), before);
    }
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        try {
          b.restore(junk);
        } catch (err) {
          assert.ok(hasCode(err, 'CW_INPUT_INVALID'));
        }
      }),
    );
  });

  it('parses only sane ranges', () => {
    assert.deepEqual(parsePortRange('20000-29999'), { first: 20_000, last: 29_999 });
    for (const bad of ['', '20000', '2-1', '0-10', '1-70000', 'a-b', '10-'])
      assert.throws(
        () => parsePortRange(bad),
        (err) => hasCode(err, 'CW_INPUT_INVALID'),
        bad,
      );
  });
});
