// `npm run bench:convergence`: 10 real router processes on loopback in a ring with two chords.
// Repeatedly `causeway expose`s a new service at a random site and measures, at every site, when
// its DNS server answers the service's A record and when its virtual IP reaches the backend; then
// `causeway unexpose`s it and measures when every site answers NXDOMAIN. Prints figures only.
// Usage: node dist/bench/discovery/export-convergence.js [--repetitions 20] [--seed 7]
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sitePaths } from '../../src/config/index.js';
import { editSiteConfig } from '../../src/site/index.js';
import { ClustersetFixture } from '../../test/support/clusterset-fixture.js';
import { hopsFrom, ringWithChords, type BenchTopology } from './bench-topology.js';
import { DnsProbe } from './dns-probe.js';
import { summarizeLatencies, type LatencySummary } from './latency-summary.js';
import { readGreeting, startGreetingBackend } from './tcp-probe.js';
import { formatFigure, textTable } from './text-table.js';

const NAMESPACE = 'bench';
const SERVICE_PORT = 8080;
const POLL_MS = 5;
const SITE_DEADLINE_MS = 10_000;
const GOAL_P99_MS = 100;
const RUN_DEADLINE_MS = 5 * 60_000;
const RESULTS = new URL('../../../bench/results/discovery-convergence.json', import.meta.url);

const { values } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '20' },
    seed: { type: 'string', default: '7' },
  },
});

/** When one site saw the export (ms, performance clock); undefined if it never did within the deadline. */
interface SiteObservation {
  site: string;
  hops: number;
  dnsAt: number | undefined;
  tcpAt: number | undefined;
}

interface Repetition {
  service: string;
  exposedAt: string;
  started: number;
  returned: number;
  sites: SiteObservation[];
  unexport: {
    started: number;
    returned: number;
    nxdomainAt: Array<{ site: string; at: number | undefined }>;
  };
}

/** Polls one site until its DNS answers an A record for `fqdn`, then until the VIP greets back. */
async function watchExport(
  site: string,
  hops: number,
  probe: DnsProbe,
  fqdn: string,
  greeting: string,
  deadline: number,
): Promise<SiteObservation> {
  const seen: SiteObservation = { site, hops, dnsAt: undefined, tcpAt: undefined };
  let vip: string | undefined;
  while (vip === undefined && performance.now() < deadline) {
    const answer = await probe.queryA(fqdn);
    if (answer.addresses.length > 0) {
      seen.dnsAt = performance.now();
      vip = answer.addresses[0];
    } else await sleep(POLL_MS);
  }
  while (vip !== undefined && seen.tcpAt === undefined && performance.now() < deadline) {
    if ((await readGreeting(vip, SERVICE_PORT, 250)) === greeting) seen.tcpAt = performance.now();
    else await sleep(POLL_MS);
  }
  return seen;
}

async function watchWithdrawal(
  probe: DnsProbe,
  fqdn: string,
  deadline: number,
): Promise<number | undefined> {
  while (performance.now() < deadline) {
    if ((await probe.queryA(fqdn)).rcode === 'NXDOMAIN') return performance.now();
    await sleep(POLL_MS);
  }
  return undefined;
}

async function buildClusterset(
  fx: ClustersetFixture,
  topology: BenchTopology,
): Promise<Map<string, DnsProbe>> {
  const [first, ...rest] = topology.sites;
  if (first === undefined) throw new Error('no sites');
  // Explicit pools: every router binds its virtual IPs on loopback, so the pools must not overlap.
  const pool = (site: string): string => `127.${100 + topology.sites.indexOf(site)}.0.0/16`;
  const created = await fx.cli([
    'site',
    'init',
    '--id',
    first,
    '--dir',
    fx.dir(first),
    '--listen',
    '127.0.0.1:0',
    '--zone',
    `${first}-a`,
    '--region',
    first,
    '--address-pool',
    pool(first),
    '--output',
    'json',
  ]);
  const { trustDomain } = JSON.parse(created.stdout) as { trustDomain: string };
  await Promise.all(
    rest.map((site) =>
      fx.initSite(site, [
        '--ca-dir',
        fx.dir(first),
        '--trust-domain',
        trustDomain,
        '--address-pool',
        pool(site),
      ]),
    ),
  );
  // Namespace sameness: the namespace exists at every site, so every site imports the service.
  for (const site of topology.sites)
    await editSiteConfig(
      sitePaths(fx.dir(site)),
      (config) => void (config.namespaces = [NAMESPACE]),
    );
  for (const site of topology.sites) await fx.startRouter(site);
  for (const [dialer, listener] of topology.links) await fx.link(dialer, listener);
  const probes = new Map<string, DnsProbe>();
  for (const site of topology.sites) {
    const status = await fx.waitFor(
      site,
      (s) =>
        s.routes.filter((r) => r.reachable).length === topology.sites.length - 1 &&
        s.dnsAddress !== null,
      30_000,
    );
    probes.set(site, DnsProbe.at(status.dnsAddress ?? ''));
  }
  return probes;
}

async function runRepetition(
  fx: ClustersetFixture,
  topology: BenchTopology,
  probes: Map<string, DnsProbe>,
  exposer: string,
  service: string,
): Promise<Repetition> {
  const greeting = `${service}@${exposer}`;
  const backend = await startGreetingBackend(greeting);
  const fqdn = `${service}.${NAMESPACE}.svc.clusterset.local`;
  const hops = hopsFrom(topology, exposer);
  try {
    const started = performance.now();
    const deadline = started + SITE_DEADLINE_MS;
    const watching = topology.sites.map((site) =>
      watchExport(
        site,
        hops.get(site) ?? -1,
        probes.get(site) as DnsProbe,
        fqdn,
        greeting,
        deadline,
      ),
    );
    await fx.cli([
      'expose',
      service,
      '--namespace',
      NAMESPACE,
      '--port',
      String(SERVICE_PORT),
      '--to',
      `127.0.0.1:${backend.port}`,
      '--dir',
      fx.dir(exposer),
    ]);
    const returned = performance.now();
    const sites = await Promise.all(watching);
    const unexportStarted = performance.now();
    const withdrawalDeadline = unexportStarted + SITE_DEADLINE_MS;
    const withdrawn = topology.sites.map(async (site) => ({
      site,
      at: await watchWithdrawal(probes.get(site) as DnsProbe, fqdn, withdrawalDeadline),
    }));
    await fx.cli(['unexpose', service, '--namespace', NAMESPACE, '--dir', fx.dir(exposer)]);
    const unexportReturned = performance.now();
    const nxdomainAt = await Promise.all(withdrawn);
    return {
      service,
      exposedAt: exposer,
      started,
      returned,
      sites,
      unexport: { started: unexportStarted, returned: unexportReturned, nxdomainAt },
    };
  } finally {
    backend.server.close();
  }
}

/** Deterministic choice of exposing sites (mulberry32). */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Figures {
  dnsFromReturn: LatencySummary;
  dnsFromStart: LatencySummary;
  tcpFromReturn: LatencySummary;
  tcpFromStart: LatencySummary;
  nxdomainFromReturn: LatencySummary;
  nxdomainFromStart: LatencySummary;
  dnsFromOrigin: LatencySummary;
  tcpFromOrigin: LatencySummary;
  exposeCommand: LatencySummary;
  unexposeCommand: LatencySummary;
  byHops: Array<{ hops: number; dnsFromReturn: LatencySummary; tcpFromReturn: LatencySummary }>;
  missed: { dns: number; tcp: number; nxdomain: number };
}

function figures(reps: readonly Repetition[]): Figures {
  const observed = reps.flatMap((r) => r.sites.map((s) => ({ ...s, rep: r })));
  const since = (at: number | undefined, from: number): number[] =>
    at === undefined ? [] : [at - from];
  const withdrawals = reps.flatMap((r) => r.unexport.nxdomainAt.map((w) => ({ at: w.at, rep: r })));
  const hopCounts = [...new Set(observed.map((o) => o.hops))].sort((a, b) => a - b);
  // Propagation alone: from the exposing site's own DNS answer to each other site's.
  const originDnsAt = (rep: Repetition): number | undefined =>
    rep.sites.find((s) => s.hops === 0)?.dnsAt;
  const remote = observed.filter((o) => o.hops > 0);
  const sinceOrigin = (at: number | undefined, rep: Repetition): number[] => {
    const origin = originDnsAt(rep);
    return at === undefined || origin === undefined ? [] : [at - origin];
  };
  return {
    dnsFromOrigin: summarizeLatencies(remote.flatMap((o) => sinceOrigin(o.dnsAt, o.rep))),
    tcpFromOrigin: summarizeLatencies(remote.flatMap((o) => sinceOrigin(o.tcpAt, o.rep))),
    dnsFromReturn: summarizeLatencies(observed.flatMap((o) => since(o.dnsAt, o.rep.returned))),
    dnsFromStart: summarizeLatencies(observed.flatMap((o) => since(o.dnsAt, o.rep.started))),
    tcpFromReturn: summarizeLatencies(observed.flatMap((o) => since(o.tcpAt, o.rep.returned))),
    tcpFromStart: summarizeLatencies(observed.flatMap((o) => since(o.tcpAt, o.rep.started))),
    nxdomainFromReturn: summarizeLatencies(
      withdrawals.flatMap((w) => since(w.at, w.rep.unexport.returned)),
    ),
    nxdomainFromStart: summarizeLatencies(
      withdrawals.flatMap((w) => since(w.at, w.rep.unexport.started)),
    ),
    exposeCommand: summarizeLatencies(reps.map((r) => r.returned - r.started)),
    unexposeCommand: summarizeLatencies(reps.map((r) => r.unexport.returned - r.unexport.started)),
    byHops: hopCounts.map((hops) => {
      const at = observed.filter((o) => o.hops === hops);
      return {
        hops,
        dnsFromReturn: summarizeLatencies(at.flatMap((o) => since(o.dnsAt, o.rep.returned))),
        tcpFromReturn: summarizeLatencies(at.flatMap((o) => since(o.tcpAt, o.rep.returned))),
      };
    }),
    missed: {
      dns: observed.filter((o) => o.dnsAt === undefined).length,
      tcp: observed.filter((o) => o.tcpAt === undefined).length,
      nxdomain: withdrawals.filter((w) => w.at === undefined).length,
    },
  };
}

function render(f: Figures, samples: number, repetitions: number, sites: number): string {
  const cells = (s: LatencySummary): string[] =>
    [s.p50, s.p95, s.p99, s.max].map((x) => formatFigure(x));
  const goal = (s: LatencySummary): string => (s.p99 <= GOAL_P99_MS ? 'met' : 'MISSED');
  const main = textTable(
    `export convergence: ${sites} routers, ${repetitions} exposes, ${samples} site samples (ms)`,
    [
      ['measure', 'n', 'p50', 'p95', 'p99', 'max', `p99 ≤ ${GOAL_P99_MS}`],
      [
        'DNS A answered, from expose return',
        String(f.dnsFromReturn.n),
        ...cells(f.dnsFromReturn),
        goal(f.dnsFromReturn),
      ],
      [
        'DNS A answered, from expose start',
        String(f.dnsFromStart.n),
        ...cells(f.dnsFromStart),
        goal(f.dnsFromStart),
      ],
      [
        'VIP:port replies, from expose return',
        String(f.tcpFromReturn.n),
        ...cells(f.tcpFromReturn),
        goal(f.tcpFromReturn),
      ],
      [
        'VIP:port replies, from expose start',
        String(f.tcpFromStart.n),
        ...cells(f.tcpFromStart),
        goal(f.tcpFromStart),
      ],
      [
        "DNS A answered, from exposing site's answer (remote sites)",
        String(f.dnsFromOrigin.n),
        ...cells(f.dnsFromOrigin),
        goal(f.dnsFromOrigin),
      ],
      [
        "VIP:port replies, from exposing site's answer (remote sites)",
        String(f.tcpFromOrigin.n),
        ...cells(f.tcpFromOrigin),
        goal(f.tcpFromOrigin),
      ],
      [
        'NXDOMAIN, from unexpose return',
        String(f.nxdomainFromReturn.n),
        ...cells(f.nxdomainFromReturn),
        goal(f.nxdomainFromReturn),
      ],
      [
        'NXDOMAIN, from unexpose start',
        String(f.nxdomainFromStart.n),
        ...cells(f.nxdomainFromStart),
        goal(f.nxdomainFromStart),
      ],
      ['`causeway expose` itself', String(f.exposeCommand.n), ...cells(f.exposeCommand), ''],
      ['`causeway unexpose` itself', String(f.unexposeCommand.n), ...cells(f.unexposeCommand), ''],
    ],
  );
  const hops = textTable('by hops from the exposing site, from expose return (ms)', [
    ['hops', 'n', 'DNS p50', 'DNS p99', 'VIP p50', 'VIP p99'],
    ...f.byHops.map((h) => [
      String(h.hops),
      String(h.dnsFromReturn.n),
      formatFigure(h.dnsFromReturn.p50),
      formatFigure(h.dnsFromReturn.p99),
      formatFigure(h.tcpFromReturn.p50),
      formatFigure(h.tcpFromReturn.p99),
    ]),
  ]);
  const missed = `missed within ${SITE_DEADLINE_MS} ms: DNS ${f.missed.dns}, VIP ${f.missed.tcp}, NXDOMAIN ${f.missed.nxdomain}`;
  const note =
    'note: negative "from return" values mean the site saw the change before the CLI process had exited.';
  return [main, hops, missed, note].join('\n\n');
}

async function main(): Promise<void> {
  const repetitions = Number(values.repetitions);
  const random = seededRandom(Number(values.seed));
  const topology = ringWithChords(10, [
    [0, 5],
    [2, 7],
  ]);
  const fx = await ClustersetFixture.create();
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench:convergence: gave up after ${RUN_DEADLINE_MS / 60_000} minutes\n`);
    void fx.close().finally(() => process.exit(1));
  }, RUN_DEADLINE_MS);
  watchdog.unref();
  // Whatever goes wrong, the ten routers must not outlive the benchmark.
  const abort = (reason: unknown): void => {
    process.stderr.write(
      `bench:convergence: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`,
    );
    void fx.close().finally(() => process.exit(1));
  };
  process.once('uncaughtException', abort);
  process.once('SIGINT', abort);
  const probes = new Map<string, DnsProbe>();
  try {
    const setupStarted = performance.now();
    process.stdout.write(
      `starting ${topology.sites.length} routers, ${topology.links.length} links (ring + chords site-0—site-5, site-2—site-7)...\n`,
    );
    for (const [site, probe] of await buildClusterset(fx, topology)) probes.set(site, probe);
    const setupMs = performance.now() - setupStarted;
    const pick = (): string =>
      topology.sites[Math.floor(random() * topology.sites.length)] as string;
    // One warm-up expose (first VIP listener, first file writes), not counted.
    await runRepetition(fx, topology, probes, pick(), 'warm-up');
    const reps: Repetition[] = [];
    for (let i = 0; i < repetitions; i++) {
      const rep = await runRepetition(fx, topology, probes, pick(), `conv-${i}`);
      reps.push(rep);
      const slowest = Math.max(...rep.sites.map((s) => (s.tcpAt ?? Number.NaN) - rep.returned));
      process.stdout.write(
        `  ${rep.service} at ${rep.exposedAt}: expose took ${formatFigure(rep.returned - rep.started)} ms, slowest site VIP ${formatFigure(slowest)} ms after return\n`,
      );
    }
    const f = figures(reps);
    process.stdout.write(
      `\n${render(f, reps.length * topology.sites.length, repetitions, topology.sites.length)}\n`,
    );
    await mkdir(new URL('.', RESULTS), { recursive: true });
    const machine = {
      node: process.version,
      platform: process.platform,
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? '',
    };
    const raw = reps.map((r) => ({
      service: r.service,
      exposedAt: r.exposedAt,
      exposeMs: r.returned - r.started,
      sites: r.sites.map((s) => ({
        site: s.site,
        hops: s.hops,
        dnsFromReturnMs: s.dnsAt === undefined ? null : s.dnsAt - r.returned,
        tcpFromReturnMs: s.tcpAt === undefined ? null : s.tcpAt - r.returned,
      })),
      unexposeMs: r.unexport.returned - r.unexport.started,
      nxdomainFromReturnMs: r.unexport.nxdomainAt.map((w) => ({
        site: w.site,
        ms: w.at === undefined ? null : w.at - r.unexport.returned,
      })),
    }));
    await writeFile(
      RESULTS,
      `${JSON.stringify({ at: new Date().toISOString(), machine, topology, pollMs: POLL_MS, goalP99Ms: GOAL_P99_MS, setupMs, figures: f, repetitions: raw }, null, 2)}\n`,
    );
    process.stdout.write(`\nwritten to ${fileURLToPath(RESULTS)}\n`);
  } finally {
    for (const probe of probes.values()) probe.close();
    await fx.close();
    clearTimeout(watchdog);
  }
}

await main();
