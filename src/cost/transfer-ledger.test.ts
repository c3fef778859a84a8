import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TransferLedger, type Transfer } from './transfer-ledger.js';

const a = { site: 'a', zone: 'z1', region: 'r1' };
const b = { site: 'b', zone: 'z2', region: 'r1' };
const t = (bytes: number): Transfer => ({
  ...{ from: a, to: b, service: 'web', namespace: 'shop' },
  ...{ bytes, dollars: bytes / 100 },
});
const none = { keptInZoneBytes: 0, roundRobinDollars: 0 };

describe('TransferLedger', () => {
  it('sums a key across flows and answers a window to the minute', () => {
    let now = 10 * 60_000;
    const ledger = new TransferLedger(() => now);
    ledger.record([t(100)], none);
    now += 5 * 60_000;
    ledger.record([t(50)], { keptInZoneBytes: 7, roundRobinDollars: 1 });
    assert.deepEqual(
      ledger.since(now - 60_000).transfers.map((x) => x.bytes),
      [50],
    );
    const all = ledger.since(0);
    assert.deepEqual(
      all.transfers.map((x) => [x.bytes, x.dollars]),
      [[150, 1.5]],
    );
    assert.deepEqual(all.locality, { keptInZoneBytes: 7, roundRobinDollars: 1 });
  });

  it('forgets minutes older than it keeps', () => {
    let now = 0;
    const ledger = new TransferLedger(() => now, 3);
    ledger.record([t(1)], none);
    now = 5 * 60_000;
    ledger.record([t(2)], none);
    assert.deepEqual(
      ledger.since(0).transfers.map((x) => x.bytes),
      [2],
    );
  });
});
