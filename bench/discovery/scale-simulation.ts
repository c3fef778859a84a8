// `npm run bench:scale`: the real protocol code (decodeControl/encodeSiteAdvert per hop,
// LinkStateDb.apply, the flood rule, ServiceDirectory.sync) at 1,000 sites × 100 services, over an
// in-memory transport, hub-and-spoke and full mesh. Prints figures; asserts nothing.
// Usage: node --expose-gc dist/bench/discovery/scale-simulation.js [--sites 1000] [--services 100]
//        [--changes 50] [--baseline-changes 3] [--duplicate-budget-ms 15000]
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { simulateFlood, type FloodResult } from './flood-simulation.js';
import { measureRouterCost, type RouterCostResult } from './router-cost.js';
import type { SyntheticClusterset, TopologyName } from './synthetic-clusterset.js';
import { formatFigure, textTable } from './text-table.js';

const CONVERGE_GOAL_MS = 2_000;
const MEMORY_GOAL_BYTES = 512 * 1024 * 1024;
const RESULTS = new URL('../../../bench/results/discovery-scale.json', import.meta.url);

const { values } = parseArgs({
  options: {
    sites: { type: 'string', default: '1000' },
    services: { type: 'string', default: '100' },
    changes: { type: 'string', default: '50' },
    'baseline-changes': { type: 'string', default: '3' },
    'duplicate-budget-ms': { type: 'string', default: '15000' },
  },
});

interface TopologyReport {
  topology: TopologyName;
  router: RouterCostResult;
  flood: FloodResult;
  /** Routers work in parallel: per hop, the sender's encode, the receiver's decode and its apply + sync (p99). */
  modeledConvergeMs: number;
}

async function main(): Promise<void> {
  const gc = globalThis.gc;
  if (gc === undefined) {
    // Heap figures need a forced collection: re-run this file with --expose-gc.
    const child = spawnSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      { stdio: 'inherit' },
    );
    process.exit(child.status ?? 1);
  }
  const sites = Number(values.sites);
  const servicesPerSite = Number(values.services);
  const reports: TopologyReport[] = [];
  for (const topology of ['hub-and-spoke', 'full-mesh'] as const) {
    const cs: SyntheticClusterset = { topology, sites, servicesPerSite };
    process.stdout.write(
      `${topology}: building one complete router (${sites} sites × ${servicesPerSite} services)...\n`,
    );
    const router = measureRouterCost(
      cs,
      Number(values.changes),
      Number(values['baseline-changes']),
      () => gc(),
    );
    gc();
    process.stdout.write(
      `${topology}: flooding one change through ${sites} lightweight routers...\n`,
    );
    // In hub-and-spoke the change starts at a spoke, the longest path (spoke → hub → spokes).
    const flood = simulateFlood(
      cs,
      topology === 'hub-and-spoke' ? sites - 1 : 1,
      Number(values['duplicate-budget-ms']),
    );
    gc();
    const perHop = flood.encodeMsMean + router.change.decodeMs.p99 + router.change.applySyncMs.p99;
    reports.push({ topology, router, flood, modeledConvergeMs: flood.maxHops * perHop });
  }
  process.stdout.write(`\n${render(reports)}\n`);
  await mkdir(new URL('.', RESULTS), { recursive: true });
  const machine = {
    node: process.version,
    platform: process.platform,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? '',
  };
  await writeFile(
    RESULTS,
    `${JSON.stringify({ at: new Date().toISOString(), machine, sites, servicesPerSite, goals: { convergeMs: CONVERGE_GOAL_MS, memoryPerRouterBytes: MEMORY_GOAL_BYTES }, reports }, null, 2)}\n`,
  );
  process.stdout.write(`\nwritten to ${fileURLToPath(RESULTS)}\n`);
}

function render(reports: readonly TopologyReport[]): string {
  const header = ['', ...reports.map((r) => r.topology)];
  const row = (label: string, pick: (r: TopologyReport) => string): string[] => [
    label,
    ...reports.map(pick),
  ];
  const ms = (x: number): string => `${formatFigure(x)} ms`;
  const mib = (x: number): string => `${formatFigure(x / 1024 / 1024)} MiB`;
  const pct = (s: { p50: number; p99: number }): string =>
    `${formatFigure(s.p50)} / ${formatFigure(s.p99)} ms`;
  const flood = textTable(
    'flood of one change (lightweight routers: decode + LinkStateDb.apply + forward, FIFO in-memory queue)',
    [
      header,
      row('origin', (r) => r.flood.origin),
      row('advert size', (r) => `${formatFigure(r.flood.payloadBytes / 1024)} KiB`),
      row('deliveries (CONTROL frames)', (r) => String(r.flood.deliveries)),
      row('  applied / duplicates', (r) => `${r.flood.applied} / ${r.flood.duplicates}`),
      row('  duplicates processed for real', (r) => String(r.flood.duplicatesProcessed)),
      row('bytes on links', (r) => mib(r.flood.bytes)),
      row('re-encodes (flood rule)', (r) => String(r.flood.encodes)),
      row('max hops', (r) => String(r.flood.maxHops)),
      row('most copies decoded by one site', (r) => String(r.flood.decodesPerSiteMax)),
      row(
        'decode / apply / encode, mean',
        (r) =>
          `${formatFigure(r.flood.decodeMsMean)} / ${formatFigure(r.flood.applyMsMean)} / ${formatFigure(r.flood.encodeMsMean)} ms`,
      ),
      row('one thread, until every site applied', (r) => ms(r.flood.sequentialMsToReachAll)),
      row('CPU of the whole flood (all sites)', (r) => ms(r.flood.totalCpuMs)),
      row('  of which decoding duplicates', (r) => ms(r.flood.duplicateCpuMs)),
      row('  per site (duplicates it decodes)', (r) =>
        ms(r.flood.duplicateCpuMs / r.flood.applied),
      ),
      row('what-if: reject duplicate by peeking seq', (r) =>
        Number.isNaN(r.flood.peekMsMean) ? '-' : ms(r.flood.peekMsMean),
      ),
    ],
  );
  const router = textTable(
    'one complete router (site-0000: all adverts, LinkStateDb + ServiceDirectory), p50 / p99',
    [
      header,
      row('clusterset services merged', (r) => String(r.router.clustersetServices)),
      row('decode every advert (first sync)', (r) => ms(r.router.decodeAllMs)),
      row('LinkStateDb.load (one route computation)', (r) => ms(r.router.loadMs)),
      row('first ServiceDirectory.sync', (r) => ms(r.router.firstSyncMs)),
      row('change: decode', (r) => pct(r.router.change.decodeMs)),
      row('change: apply', (r) => pct(r.router.change.applyMs)),
      row('change: sync (incremental)', (r) => pct(r.router.change.syncMs)),
      row('change: apply + sync', (r) => pct(r.router.change.applySyncMs)),
      row('  then directory.imported()', (r) => pct(r.router.change.importedMs)),
      row('baseline apply (routes every time)', (r) => pct(r.router.baseline.applyMs)),
      row('baseline sync (re-feed all)', (r) => pct(r.router.baseline.syncMs)),
      row('baseline apply + sync', (r) => pct(r.router.baseline.applySyncMs)),
      row('memory per router (heap after gc)', (r) => mib(r.router.memoryPerRouterBytes)),
      row(
        '  process heap used / rss',
        (r) => `${mib(r.router.heapUsedBytes)} / ${mib(r.router.rssBytes)}`,
      ),
    ],
  );
  const goals = textTable('goals', [
    header,
    row(
      `converge after one change (modeled, parallel routers) ≤ ${CONVERGE_GOAL_MS} ms`,
      (r) =>
        `${ms(r.modeledConvergeMs)} ${r.modeledConvergeMs <= CONVERGE_GOAL_MS ? 'met' : 'MISSED'}`,
    ),
    row(
      `converge after one change (one thread for all) ≤ ${CONVERGE_GOAL_MS} ms`,
      (r) =>
        `${ms(r.flood.sequentialMsToReachAll)} ${r.flood.sequentialMsToReachAll <= CONVERGE_GOAL_MS ? 'met' : 'MISSED'}`,
    ),
    row(
      'memory per router ≤ 512 MiB',
      (r) =>
        `${mib(r.router.memoryPerRouterBytes)} ${r.router.memoryPerRouterBytes <= MEMORY_GOAL_BYTES ? 'met' : 'MISSED'}`,
    ),
  ]);
  const notes = [
    'modeled = max hops × (encode mean + decode p99 + apply+sync p99 of the complete router); sockets and the import listeners are not in it.',
    "one thread = the simulation itself: every router's decode/apply/encode in queue order on one core until the last site applied.",
  ];
  return [flood, router, goals, ...notes.map((n) => `note: ${n}`)].join('\n\n');
}

await main();
