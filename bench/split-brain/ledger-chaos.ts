// `npm run bench:ledger`: the ledger test at length. Three regions (network namespaces, a
// three-member etcd cluster across them, a ledger and a router in each), a deposit/withdrawal
// workload from every region, and --cycles partition/heal cycles (every other one cuts the
// lease holder, long enough for a takeover). Prints the workload's counts (acknowledged, refused
// with 503, lost), the audit's verdict, and the lease failover time after each holder cut
// against the goal TTL + 1 s; writes bench/results/ledger-chaos.json. Needs root and etcd.
// Usage: node dist/bench/split-brain/ledger-chaos.js [--cycles 100] [--ttl 2] [--seed 1]
import { mkdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { auditLedger } from '../../test/support/ledger-audit.js';
import { runChaos, type ChaosCut } from '../../test/support/ledger-chaos.js';
import { LedgerLab, type Acquisition } from '../../test/support/ledger-lab.js';
import { summarizeLatencies } from '../discovery/latency-summary.js';
import { formatFigure, textTable } from '../discovery/text-table.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '100' },
    ttl: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
});
const CYCLES = Number(values.cycles);
const TTL_MS = Number(values.ttl) * 1000;
const SEED = Number(values.seed);
const CUT_MS: [number, number] = [1_000, 3_000];
const HOLDER_CUT_MS: [number, number] = [TTL_MS + 2_000, TTL_MS + 3_000];
const HEAL_MS: [number, number] = [1_500, 2_500];
const RESULTS = new URL('../../../bench/results/ledger-chaos.json', import.meta.url);

/** Cut → first acquisition by another region while the holder was cut (undefined: none). */
function failovers(
  cuts: readonly ChaosCut[],
  acquisitions: readonly Acquisition[],
): Array<{ cut: ChaosCut; ms: number | undefined }> {
  return cuts
    .filter((c) => c.wasHolder)
    .map((cut) => {
      const next = acquisitions.find(
        (a) => a.region !== cut.region && a.at > cut.from && a.at <= cut.to,
      );
      return { cut, ms: next === undefined ? undefined : next.at - cut.from };
    });
}

async function main(): Promise<void> {
  const started = Date.now();
  const lab = await LedgerLab.start({ prefix: 'cwb', ttlSeconds: TTL_MS / 1000 });
  try {
    process.stdout.write(
      `lab ready in ${((Date.now() - started) / 1000).toFixed(1)} s: 3 regions, 3-member etcd, lease TTL ${TTL_MS} ms\n`,
    );
    const chaosBound = CYCLES * (Math.max(CUT_MS[1], HOLDER_CUT_MS[1]) + HEAL_MS[1] + 500) + 5_000;
    const workload = lab.runWorkload({
      ops: 1_000_000,
      seed: SEED,
      startWindowMs: chaosBound,
      deadlineMs: chaosBound + 60_000,
      workers: 2,
      pauseMs: 80,
    });
    await sleep(2_000);
    const cuts = await runChaos(lab, {
      cycles: CYCLES,
      seed: SEED,
      cutMs: CUT_MS,
      holderCutMs: HOLDER_CUT_MS,
      healMs: HEAL_MS,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    process.stdout.write('chaos over; waiting for the workload to resolve its last operations\n');
    await lab.stopStartingOperations();
    const reports = await workload;
    const audit = auditLedger(reports, await lab.dump('eu'), cuts);
    const measured = failovers(cuts, await lab.acquisitions());
    const times = measured.flatMap((f) => (f.ms === undefined ? [] : [f.ms]));
    const summary = summarizeLatencies(times);
    const withinGoal = times.filter((ms) => ms <= TTL_MS + 1_000).length;
    const rows = [
      ['figure', 'value'],
      ['partition/heal cycles', String(cuts.length)],
      ['holder cuts (failovers expected)', String(measured.length)],
      ['operations', String(audit.ops)],
      ['acknowledged', String(audit.acked)],
      ['declined (insufficient funds)', String(audit.declined)],
      [
        'writes refused with 503 (router)',
        `${audit.refused503} ${JSON.stringify(audit.refusalReasons)}`,
      ],
      ['ambiguous answers, retried with the same id', String(audit.ambiguousAnswers)],
      ['stale tokens refused by the ledger', String(audit.staleTokenAnswers)],
      ['lost acknowledged writes', String(audit.lost)],
      ['unresolved operations', String(audit.unresolved)],
      ['writer terms (fencing tokens that wrote)', String(audit.terms)],
      [
        'reads / during cuts / not local',
        `${audit.reads} / ${audit.readsDuringCuts} / ${audit.violations.filter((v) => v.startsWith('read')).length}`,
      ],
      ['audit violations', String(audit.violations.length)],
      [
        'failover p50 / p95 / max ms',
        `${formatFigure(summary.p50)} / ${formatFigure(summary.p95)} / ${formatFigure(summary.max)}`,
      ],
      [`failovers within TTL + 1 s (${TTL_MS + 1_000} ms)`, `${withinGoal}/${measured.length}`],
    ];
    process.stdout.write(
      `${textTable(`ledger under ${cuts.length} partition/heal cycles (${((Date.now() - started) / 60_000).toFixed(1)} min)`, rows)}\n`,
    );
    for (const v of audit.violations.slice(0, 20)) process.stdout.write(`violation: ${v}\n`);
    await mkdir(new URL('.', RESULTS), { recursive: true });
    await writeFile(
      RESULTS,
      `${JSON.stringify({ at: new Date().toISOString(), cycles: cuts.length, ttlMs: TTL_MS, audit, failoverMs: measured.map((f) => ({ region: f.cut.region, ms: f.ms ?? null })) }, null, 2)}\n`,
    );
    if (audit.violations.length > 0 || audit.lost > 0) process.exitCode = 1;
  } finally {
    await lab.close();
  }
}

await main();
