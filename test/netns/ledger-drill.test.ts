import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DrillReport } from '../../src/api/index.js';
import { auditLedger } from '../support/ledger-audit.js';
import { runChaos } from '../support/ledger-chaos.js';
import { LedgerLab, ledgerLabAvailable, ledgerLabSkip } from '../support/ledger-lab.js';

// The ledger lab of ledger.test.ts with its regions cut off by `causeway drill partition`
// instead of a bridge port going down: the same workload and the same audit (every
// acknowledged write applied exactly once, no fencing token wrote in two regions, lost 0). The
// drill cuts only what Causeway carries, so etcd stays whole here: what must follow from the
// drill alone is the partition view, safe mode, the lease lapsing on the cut side and the
// single-writer refusals.

const TTL_SECONDS = 2;
const CYCLES = 3;
const CUT_MS: [number, number] = [4_000, 5_000];
const HEAL_MS: [number, number] = [2_500, 3_000];

test(
  'the ledger keeps every acknowledged write exactly once through partition drills',
  { skip: ledgerLabSkip, timeout: 300_000 },
  async () => {
    assert.ok(ledgerLabAvailable, 'CI=true but network namespaces or etcd are missing');
    const lab = await LedgerLab.start({ prefix: 'cwd', ttlSeconds: TTL_SECONDS });
    const drills: string[] = [];
    /** One partition drill from eu (the CA's site), healed by its own deadline at every router. */
    const stage = async (region: string, ms: number): Promise<void> => {
      const seconds = Math.max(1, Math.round(ms / 1_000));
      const started = await lab.fx.cli([
        ...['drill', 'partition', '--isolate', region, '--for', `${seconds}s`],
        ...['--yes', '--dir', lab.fx.dir('eu'), '--output', 'json'],
      ]);
      drills.push((JSON.parse(started.stdout) as { id: string }).id);
      await sleep(seconds * 1_000);
      for (const r of lab.regions)
        for (let i = 0; ; i++) {
          const inForce = await lab.api(r).drills();
          if (inForce.every((d) => d.ended !== null)) break;
          assert.ok(i < 100, `${r} still has a drill in force 2.5 s after its deadline`);
          await sleep(25);
        }
    };
    try {
      const chaosBound = CYCLES * (CUT_MS[1] + HEAL_MS[1]) + 3_000;
      const workload = lab.runWorkload({
        ops: 100_000,
        seed: 11,
        startWindowMs: chaosBound,
        deadlineMs: chaosBound + 25_000,
      });
      await sleep(1_500);
      const cuts = await runChaos(lab, {
        ...{ cycles: CYCLES, seed: 11, cutMs: CUT_MS, healMs: HEAL_MS },
        stage,
      });
      await lab.stopStartingOperations();
      const reports = await workload;
      const audit = auditLedger(reports, await lab.dump('eu'), cuts);
      const takeovers = (await lab.acquisitions()).filter((a) =>
        cuts.some((c) => c.wasHolder && a.at > c.from && a.at < c.to + 2_000),
      );
      const drillReports: DrillReport[] = [];
      for (const [i, cut] of cuts.entries())
        drillReports.push(await lab.api(cut.region).drillReport(drills[i]));
      console.log(
        `# ${audit.ops} operations: ${audit.acked} acked, ${audit.declined} declined (funds), ${audit.unresolved} unresolved, lost ${audit.lost}; ` +
          `${audit.refused503} writes refused with 503 ${JSON.stringify(audit.refusalReasons)}, ${audit.staleTokenAnswers} stale tokens refused by the ledger; ` +
          `${audit.terms} writer terms; cuts: ${cuts.map((c) => `${c.region}${c.wasHolder ? '*' : ''}`).join(' ')}`,
      );
      for (const r of drillReports)
        console.log(
          `# drill at ${r.site}: links lost after ${r.linksLost.map((l) => l.afterMs).join('/')} ms; ` +
            `safe mode ${r.safeMode.map((s) => `${s.majority ? 'left' : 'entered'}@${s.afterMs}ms`).join(' ')}; ` +
            `writes refused ${r.writesRefused.reduce((n, w) => n + w.count, 0)}; lease ${r.leaseHandovers.map((h) => `${h.holder ?? '-'}#${h.fencingToken ?? '-'}@${h.afterMs}`).join(' ')}`,
        );
      assert.deepEqual(audit.violations.slice(0, 20), []);
      assert.equal(audit.lost, 0);
      assert.equal(audit.unresolved, 0, 'every operation resolved once the drills ended');
      assert.ok(audit.acked > 100, `only ${audit.acked} operations acknowledged`);
      assert.ok(audit.refused503 > 0, 'some writes met an unreachable holder and were refused');
      assert.ok(
        cuts.some((c) => c.wasHolder),
        'a holder was cut',
      );
      assert.ok(
        takeovers.length > 0 && audit.terms >= 2,
        'the lease moved to the majority side while its holder was cut off by the drill',
      );
      for (const r of drillReports)
        assert.deepEqual(
          r.safeMode.map((s) => s.majority),
          [false, true],
          `${r.site} entered safe mode under the drill and left it after`,
        );
    } finally {
      await lab.close();
    }
  },
);
