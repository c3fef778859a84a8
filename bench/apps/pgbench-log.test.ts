import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { parsePgbenchLog, parsePgbenchSummary } from './pgbench-log.js';

// Lines as pgbench 15 wrote them in a real run (client, transaction, latency µs, script, epoch s, µs).
const REAL_LOG =
  '3 1 3875 0 1796300662 272519\n2 1 6388 0 1796300662 275017\n2 2 765 0 1796300662 275803\n';

const REAL_SUMMARY = `pgbench (15.18 (Debian 15.18-0+deb12u1))
transaction type: <builtin: TPC-B (sort of)>
scaling factor: 1
number of clients: 8
number of threads: 2
duration: 3 s
number of transactions actually processed: 11418
number of failed transactions: 0 (0.000%)
latency average = 2.097 ms
initial connection time = 30.534 ms
tps = 3814.436262 (without initial connection time)
`;

const record = fc.record({
  client: fc.nat({ max: 1000 }),
  tx: fc.nat({ max: 1_000_000 }),
  latency: fc.oneof(fc.nat({ max: 10_000_000 }).map(String), fc.constantFrom('failed', 'skipped')),
  epoch: fc.nat(),
  us: fc.nat({ max: 999_999 }),
  extra: fc.array(fc.nat({ max: 100_000 }).map(String), { maxLength: 2 }),
});
type LogRecord = typeof record extends fc.Arbitrary<infer T> ? T : never;
const line = (r: LogRecord): string =>
  [r.client, r.tx, r.latency, 0, r.epoch, r.us, ...r.extra].join(' ');

describe('parsePgbenchLog', () => {
  it('reads the latencies of a real log', () => {
    assert.deepEqual(parsePgbenchLog(REAL_LOG), {
      latenciesUs: [3875, 6388, 765],
      notCompleted: 0,
      malformed: 0,
    });
  });

  it('counts failed and skipped transactions apart from completed ones', () => {
    const log = parsePgbenchLog(
      '1 1 failed 0 1796300662 1\n1 2 skipped 0 1796300662 2 5\n1 3 12 0 1796300662 3 0 0\n',
    );
    assert.deepEqual(log, { latenciesUs: [12], notCompleted: 2, malformed: 0 });
  });

  it('recovers every record, in order, whatever the mix of lines', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 50 }), (records) => {
        const log = parsePgbenchLog(records.map(line).join('\n'));
        const completed = records
          .filter((r) => /^\d+$/.test(r.latency))
          .map((r) => Number(r.latency));
        assert.deepEqual(log.latenciesUs, completed);
        assert.equal(log.notCompleted, records.length - completed.length);
        assert.equal(log.malformed, 0);
      }),
    );
  });

  it('counts lines cut short or of another kind as malformed, and keeps the rest', () => {
    const garbage = fc.oneof(
      fc.string({ maxLength: 30 }).map((s) => `x${s.replace(/\n/g, '')}`),
      record.map((r) => line(r).split(' ').slice(0, 4).join(' ')),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            record.map((r) => ({ good: r })),
            garbage.map((g) => ({ bad: g })),
          ),
          { maxLength: 40 },
        ),
        (lines) => {
          const text = lines.map((l) => ('good' in l ? line(l.good) : l.bad)).join('\n');
          const log = parsePgbenchLog(text);
          const good = lines.flatMap((l) => ('good' in l ? [l.good] : []));
          assert.equal(log.latenciesUs.length + log.notCompleted, good.length);
          assert.equal(log.malformed, lines.length - good.length);
        },
      ),
    );
  });

  it('never throws and yields only finite non-negative latencies on any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        const log = parsePgbenchLog(text);
        assert.ok(log.latenciesUs.every((us) => Number.isSafeInteger(us) && us >= 0));
        assert.ok(
          log.latenciesUs.length + log.notCompleted + log.malformed <= text.split('\n').length,
        );
      }),
    );
  });
});

describe('parsePgbenchSummary', () => {
  it('reads tps, average latency and the counts from a real summary', () => {
    assert.deepEqual(parsePgbenchSummary(REAL_SUMMARY), {
      tps: 3814.436262,
      latencyAverageMs: 2.097,
      transactions: 11418,
      failedTransactions: 0,
    });
  });

  it('leaves out what pgbench did not print', () => {
    assert.deepEqual(parsePgbenchSummary('pgbench: error: connection to server failed\n'), {
      tps: undefined,
      latencyAverageMs: undefined,
      transactions: undefined,
      failedTransactions: undefined,
    });
  });

  it('never throws, and every figure it returns is finite', () => {
    const lines = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom(...REAL_SUMMARY.split('\n')),
      fc.string({ maxLength: 20 }).map((s) => `tps = ${s} (without initial connection time)`),
    );
    fc.assert(
      fc.property(fc.array(lines, { maxLength: 20 }), (parts) => {
        for (const value of Object.values(parsePgbenchSummary(parts.join('\n'))))
          assert.ok(value === undefined || Number.isFinite(value));
      }),
    );
  });
});
