import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { parseRedisBenchmarkCsv } from './redis-benchmark-csv.js';

// As redis-benchmark 7.0 printed it with `-t set,get --csv`.
const REAL = `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","51282.05","0.758","0.120","0.407","2.239","5.839","7.183"
"GET","48780.49","0.697","0.192","0.631","1.207","3.519","3.727"
`;

const HEADER = [
  'test',
  'rps',
  'avg_latency_ms',
  'min_latency_ms',
  'p50_latency_ms',
  'p95_latency_ms',
  'p99_latency_ms',
  'max_latency_ms',
];
const figure = fc.integer({ min: 0, max: 100_000_000 }).map((n) => n / 1000);
const row = fc.record({
  test: fc.stringMatching(/^[A-Z_]{1,12}$/).filter((t) => t !== 'test'),
  values: fc.array(figure, { minLength: 7, maxLength: 7 }),
});
const quoted = (cells: readonly string[]): string => cells.map((c) => `"${c}"`).join(',');

describe('parseRedisBenchmarkCsv', () => {
  it('reads requests/s and percentiles of a real run', () => {
    const parsed = parseRedisBenchmarkCsv(REAL);
    assert.deepEqual(parsed.get('SET'), {
      rps: 51282.05,
      avgMs: 0.758,
      p50Ms: 0.407,
      p99Ms: 5.839,
      maxMs: 7.183,
    });
    assert.deepEqual(parsed.get('GET'), {
      rps: 48780.49,
      avgMs: 0.697,
      p50Ms: 0.631,
      p99Ms: 3.519,
      maxMs: 3.727,
    });
  });

  it('finds the columns by name, whatever their order', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(HEADER.slice(1), { minLength: 7, maxLength: 7 }),
        fc.array(row, { maxLength: 5 }),
        (order, rows) => {
          const columns = ['test', ...order];
          const text = [
            quoted(columns),
            ...rows.map((r) =>
              quoted([r.test, ...order.map((c) => String(r.values[HEADER.indexOf(c) - 1]))]),
            ),
          ].join('\n');
          const parsed = parseRedisBenchmarkCsv(text);
          for (const r of new Map(rows.map((x) => [x.test, x])).values()) {
            assert.equal(parsed.get(r.test)?.rps, r.values[0]);
            assert.equal(parsed.get(r.test)?.p99Ms, r.values[5]);
          }
        },
      ),
    );
  });

  it('keeps only whole rows when the output is cut anywhere', () => {
    const full = parseRedisBenchmarkCsv(REAL);
    for (let cut = 0; cut <= REAL.length; cut++) {
      for (const [test, figures] of parseRedisBenchmarkCsv(REAL.slice(0, cut)))
        assert.deepEqual(figures, full.get(test), `cut at ${cut}`);
    }
  });

  it('leaves out rows with a missing or non-numeric figure, and output without a header', () => {
    assert.equal(parseRedisBenchmarkCsv(REAL.split('\n').slice(1).join('\n')).size, 0);
    assert.equal(parseRedisBenchmarkCsv(REAL.replace('"5.839"', '"-nan"')).has('SET'), false);
    assert.equal(parseRedisBenchmarkCsv(REAL.replace(',"7.183"', '')).has('SET'), false);
  });

  it('never throws, and every figure it returns is finite, on any input', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 300, unit: 'binary' }),
      fc
        .array(fc.oneof(fc.constantFrom(...REAL.split('\n')), fc.string({ maxLength: 40 })), {
          maxLength: 8,
        })
        .map((l) => l.join('\n')),
    );
    fc.assert(
      fc.property(text, (input) => {
        for (const figures of parseRedisBenchmarkCsv(input).values())
          assert.ok(Object.values(figures).every((v) => Number.isFinite(v) && v >= 0));
      }),
    );
  });
});
