import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditLedger, type ClientOp, type ClientReport, type StoreDump } from './ledger-audit.js';
import type { OpRecord } from './ledger-store.js';

const op = (
  id: string,
  amount: number,
  outcome: ClientOp['outcome'] = 'acked',
  extra: Partial<ClientOp> = {},
): ClientOp => ({
  id,
  account: 'acct-0',
  amount,
  outcome,
  attempts: 1,
  refused: 0,
  ambiguous: 0,
  stale: 0,
  startedAt: 0,
  endedAt: 1,
  ...extra,
});
const record = (
  id: string,
  amount: number,
  region: string,
  token: number,
  extra: Partial<OpRecord> = {},
): OpRecord => ({
  id,
  account: 'acct-0',
  amount,
  applied: true,
  fencingToken: token,
  holder: region,
  region,
  balanceAfter: 0,
  at: 0,
  ...extra,
});
const report = (
  region: string,
  ops: ClientOp[],
  journal: OpRecord[] = [],
  reads: ClientReport['reads'] = [],
): ClientReport => ({ region, ops, reads, refusalReasons: {}, journal });

/** A clean run: eu wrote under token 1, us took over with token 2. */
function clean(): { reports: ClientReport[]; dump: StoreDump } {
  const records = [record('eu-0', 10, 'eu', 1), record('us-0', -4, 'us', 2)];
  return {
    reports: [
      report(
        'eu',
        [op('eu-0', 10)],
        [records[0] as OpRecord],
        [{ at: 5, status: 200, region: 'eu' }],
      ),
      report('us', [op('us-0', -4)], [records[1] as OpRecord]),
    ],
    dump: { ops: records, balances: { 'acct-0': 6 }, fence: 2 },
  };
}

describe('auditLedger', () => {
  it('passes a clean run and counts it', () => {
    const { reports, dump } = clean();
    const audit = auditLedger(reports, dump, [{ region: 'eu', from: 0, to: 10 }]);
    assert.deepEqual(audit.violations, []);
    assert.deepEqual([audit.acked, audit.lost, audit.terms, audit.readsDuringCuts], [2, 0, 2, 1]);
  });

  it('catches a lost acknowledged write', () => {
    const { reports, dump } = clean();
    dump.ops = dump.ops.filter((r) => r.id !== 'us-0');
    const audit = auditLedger(reports, dump, []);
    assert.equal(audit.lost, 1);
    assert.ok(audit.violations.some((v) => v.includes('us-0 was acknowledged but is not applied')));
  });

  it('catches one token writing in two regions and a write landing away from the named holder', () => {
    const { reports, dump } = clean();
    dump.ops = [
      record('eu-0', 10, 'eu', 1),
      record('us-0', -4, 'us', 1),
      record('ap-0', 1, 'ap', 2, { holder: 'us' }),
    ];
    const violations = auditLedger(reports, dump, []).violations;
    assert.ok(violations.some((v) => v.includes('token 1 wrote in eu and in us')));
    assert.ok(violations.some((v) => v.includes('ap-0 routed to holder us but written by ap')));
  });

  it('catches an operation applied by two regions and balances that do not add up', () => {
    const { reports, dump } = clean();
    const second = report('ap', [], [record('eu-0', 10, 'ap', 3)]);
    dump.balances['acct-0'] = 16;
    const violations = auditLedger([...reports, second], dump, []).violations;
    assert.ok(violations.some((v) => v.includes('eu-0 applied by eu and by ap')));
    assert.ok(violations.some((v) => v.includes('balance 16, acknowledged operations sum to 6')));
  });

  it('catches a read served by another region and a refused-only write that was stored', () => {
    const { reports, dump } = clean();
    const us = reports[1] as ClientReport;
    us.reads.push({ at: 7, status: 200, region: 'eu' });
    us.ops.push(op('us-1', 3, 'unresolved', { refused: 4 }));
    dump.ops.push(record('us-1', 3, 'us', 2));
    dump.balances['acct-0'] = 9;
    const violations = auditLedger(reports, dump, []).violations;
    assert.ok(violations.some((v) => v.startsWith('read at 7 in us')));
    assert.ok(violations.some((v) => v.includes('us-1 was only ever refused, yet it is stored')));
  });
});
