import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditLedger } from '../support/ledger-audit.js';
import { runChaos } from '../support/ledger-chaos.js';
import { LedgerLab, ledgerLabAvailable, ledgerLabSkip } from '../support/ledger-lab.js';

// The payments example end to end: three regions (network namespaces), a three-member etcd
// cluster spread across them (it partitions with them), a ledger in each region exported as an
// HTTP single-writer service, and a deposit/withdrawal workload from every region while regions
// are cut off and healed. Afterwards every acknowledged write must be applied exactly once,
// no fencing token may have written in two regions, balances must equal the acknowledged
// operations, and every read must have been served by the reader's own region.

const TTL_SECONDS = 2;
const CYCLES = 3;
const CUT_MS: [number, number] = [3_500, 4_500];
const HEAL_MS: [number, number] = [2_500, 3_000];

test(
  'the ledger keeps every acknowledged write exactly once through partitions and takeovers',
  { skip: ledgerLabSkip, timeout: 300_000 },
  async () => {
    assert.ok(ledgerLabAvailable, 'CI=true but network namespaces or etcd are missing');
    const lab = await LedgerLab.start({ prefix: 'cwl', ttlSeconds: TTL_SECONDS });
    try {
      const chaosBound = CYCLES * (CUT_MS[1] + HEAL_MS[1]) + 3_000;
      const workload = lab.runWorkload({
        ops: 100_000,
        seed: 7,
        startWindowMs: chaosBound,
        deadlineMs: chaosBound + 25_000,
      });
      await sleep(1_500);
      const cuts = await runChaos(lab, { cycles: CYCLES, seed: 7, cutMs: CUT_MS, healMs: HEAL_MS });
      await lab.stopStartingOperations();
      const reports = await workload;
      const audit = auditLedger(reports, await lab.dump('eu'), cuts);
      const takeovers = (await lab.acquisitions()).filter((a) =>
        cuts.some((c) => c.wasHolder && a.at > c.from && a.at < c.to + 2_000),
      );
      console.log(
        `# ${audit.ops} operations: ${audit.acked} acked, ${audit.declined} declined (funds), ${audit.unresolved} unresolved, lost ${audit.lost}; ` +
          `${audit.refused503} writes refused with 503 ${JSON.stringify(audit.refusalReasons)}, ${audit.ambiguousAnswers} ambiguous answers retried, ${audit.staleTokenAnswers} stale tokens refused by the ledger; ` +
          `${audit.terms} writer terms; ${audit.reads} reads (${audit.readsDuringCuts} during cuts), all local: ${audit.violations.every((v) => !v.startsWith('read'))}; ` +
          `cuts: ${cuts.map((c) => `${c.region}${c.wasHolder ? '*' : ''}`).join(' ')}`,
      );
      assert.deepEqual(audit.violations.slice(0, 20), []);
      assert.equal(audit.lost, 0);
      assert.equal(audit.unresolved, 0, 'every operation resolved once the partitions healed');
      assert.ok(audit.acked > 100, `only ${audit.acked} operations acknowledged`);
      assert.ok(audit.refused503 > 0, 'some writes met an unreachable holder and were refused');
      assert.ok(audit.readsDuringCuts > 0, 'reads were made during cuts');
      assert.ok(
        cuts.some((c) => c.wasHolder),
        'a holder was cut',
      );
      assert.ok(
        takeovers.length > 0 && audit.terms >= 2,
        'the lease moved to the majority side while its holder was cut',
      );
    } finally {
      await lab.close();
    }
  },
);
