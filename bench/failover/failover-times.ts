// `npm run bench:failover`: three real routers on loopback (client site c importing a service that
// sites a and b export) under a steady load of new request/response flows from a separate process
// through c's import. Repeated for each scenario: (a) SIGKILL router a; (b) close a's backend's
// listening socket, active checks on; (c) SIGSTOP router a, SIGCONT after a while. Measures how
// long until new flows stop going to a and how many failed; restores a between repetitions.
// Prints a table and writes bench/results/failover.json.
// Usage: node dist/bench/failover/failover-times.js [--repetitions 5] [--rate 200]
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { StatusReport } from '../../src/api/index.js';
import { ClustersetFixture } from '../../test/support/clusterset-fixture.js';
import { summarizeLatencies, type LatencySummary } from '../discovery/latency-summary.js';
import { formatFigure, textTable } from '../discovery/text-table.js';
import { LoadRun } from './load-run.js';
import { NameBackend } from './name-backend.js';
import { logEntries } from './router-log.js';
import { baselineLatency, summarizeShift, type TrafficShift } from './traffic-shift.js';

const SERVICE = 'echo';
const NAMESPACE = 'bench';
const SERVICE_PORT = 9000;
/** Load before the failure (both sites serving), and after it. */
const PRE_MS = 1_500;
const POST_MS = 3_000;
/** How long router a stays stopped in the silent-peer scenario. */
const STOP_MS = 2_000;
const POLL_MS = 50;
const RESTORE_TIMEOUT_MS = 45_000;
const RUN_DEADLINE_MS = 6 * 60_000;
const LOAD = fileURLToPath(new URL('./flow-load.js', import.meta.url));
const RESULTS = new URL('../../../bench/results/failover.json', import.meta.url);

const { values } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '5' },
    rate: { type: 'string', default: '200' },
  },
});
const repetitions = Number(values.repetitions);
const rate = Number(values.rate);

// Endpoint death runs last: each repetition ejects a again at c, for twice as long as the time
// before, and restoring waits that out.
const SCENARIOS = {
  'site-loss': { title: 'site loss (SIGKILL router a)', goalMs: 1_000 },
  'silent-peer': {
    title: `silent peer (SIGSTOP router a, SIGCONT after ${STOP_MS} ms)`,
    goalMs: 1_200,
  },
  'backend-death': { title: "endpoint death (a's backend stops listening)", goalMs: 2_000 },
} as const;
type Scenario = keyof typeof SCENARIOS;

/** What one repetition measured; times are ms after the failure was injected. */
interface Repetition {
  scenario: Scenario;
  rep: number;
  /** How long a took to serve again before this repetition (restart, re-link, re-admission). */
  restoreMs: number;
  baseline: { flows: number; failed: number; p99Ms: number };
  shift: TrafficShift;
  /** The headline: until new flows stopped reaching a. */
  outOfRotationMs: number;
  /** c logged its link to a down. */
  linkDownMs: number | undefined;
  /** c's status stopped listing a as an exporter of the service. */
  withdrawnMs: number | undefined;
  /** Last flow a refused (its log), and the last increase of c's retry counter (polled). */
  lastRefusedOnAMs: number | undefined;
  retriesSettledMs: number | undefined;
  /** c ejected a by passive outlier detection. */
  ejectedMs: number | undefined;
  retries: number;
  /** Every flow that failed after the failure, times relative to it. */
  failures: Array<{ startMs: number; endMs: number; error: string; partial?: string }>;
}

/** Everything the scenarios act on. */
interface Bench {
  fx: ClustersetFixture;
  backends: { a: NameBackend; b: NameBackend };
  address: { host: string; port: number };
}

async function setUp(): Promise<Bench> {
  const fx = await ClustersetFixture.create();
  await fx.initClusterset(['c', 'a', 'b']);
  for (const site of ['c', 'a', 'b']) await fx.startRouter(site);
  // a and b dial c, so a restarted a (new link port) finds c again on its own.
  await fx.link('a', 'c');
  await fx.link('b', 'c');
  const backends = { a: new NameBackend('a'), b: new NameBackend('b') };
  for (const site of ['a', 'b'] as const) {
    await backends[site].listen();
    await fx.cli([
      'expose',
      SERVICE,
      '--namespace',
      NAMESPACE,
      '--port',
      String(SERVICE_PORT),
      '--to',
      `127.0.0.1:${backends[site].port}`,
      '--dir',
      fx.dir(site),
    ]);
  }
  await fx.cli([
    'import',
    SERVICE,
    '--namespace',
    NAMESPACE,
    '--listen',
    '127.0.0.1:0',
    '--dir',
    fx.dir('c'),
  ]);
  await fx.waitFor('c', (s) => exportersOf(s).length === 2);
  return { fx, backends, address: await fx.importAddress('c', `${SERVICE}.${NAMESPACE}`) };
}

function exportersOf(status: StatusReport): string[] {
  return status.imports.find((i) => i.name === SERVICE && i.kind === 'configured')?.exporters ?? [];
}

function retriesIn(metrics: string): number {
  let total = 0;
  for (const m of metrics.matchAll(/^causeway_flow_retries_total\{([^}]*)\} (\d+)/gm))
    if (m[1]?.includes(`service="${SERVICE}"`)) total += Number(m[2]);
  return total;
}

/** One flow through the import, sequentially; resolves with who answered (or undefined). */
function ask(address: { host: string; port: number }): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect(address.port, address.host, () => socket.write('hello\n'));
    let text = '';
    const timer = setTimeout(() => socket.destroy(), 2_000);
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text.trim() === '' ? undefined : text.trim());
    });
    socket.on('error', () => undefined);
  });
}

/** Waits until c lists both exporters and a answers flows again; returns how long that took. */
async function untilBothServe(bench: Bench): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < RESTORE_TIMEOUT_MS) {
    if (exportersOf(await bench.fx.status('c')).length === 2 && (await ask(bench.address)) === 'a')
      return Date.now() - started;
    await sleep(20);
  }
  throw new Error(`site a did not serve again within ${RESTORE_TIMEOUT_MS} ms`);
}

/** Polls c's status and retry counter during the measured window. */
async function watchC(
  bench: Bench,
  eventAt: number,
  until: number,
): Promise<{ withdrawnAt: number | undefined; retriesRaisedAt: number | undefined }> {
  const api = bench.fx.routers.get('c')?.api;
  let withdrawnAt: number | undefined;
  let retriesRaisedAt: number | undefined;
  let last = -1;
  while (api !== undefined && Date.now() < until) {
    const [status, metrics] = await Promise.all([api.status(), api.metrics()]);
    const now = Date.now();
    if (withdrawnAt === undefined && !exportersOf(status).includes('a')) withdrawnAt = now;
    const retries = retriesIn(metrics);
    if (last >= 0 && retries > last) retriesRaisedAt = now;
    last = retries;
    await sleep(POLL_MS);
  }
  return {
    withdrawnAt: withdrawnAt === undefined ? undefined : withdrawnAt - eventAt,
    retriesRaisedAt: retriesRaisedAt === undefined ? undefined : retriesRaisedAt - eventAt,
  };
}

/** Injects the scenario's failure; resolves once it is in place, with when a came back (if it did). */
async function inject(bench: Bench, scenario: Scenario): Promise<{ returnedAt?: number }> {
  const router = bench.fx.routers.get('a');
  switch (scenario) {
    case 'site-loss': {
      const exited = new Promise((resolve) => router?.child.once('exit', resolve));
      router?.child.kill('SIGKILL');
      await exited;
      bench.fx.routers.delete('a');
      return {};
    }
    case 'backend-death':
      bench.backends.a.kill();
      return {};
    case 'silent-peer':
      router?.child.kill('SIGSTOP');
      await sleep(STOP_MS);
      router?.child.kill('SIGCONT');
      return { returnedAt: Date.now() };
  }
}

async function restore(bench: Bench, scenario: Scenario): Promise<void> {
  switch (scenario) {
    case 'site-loss':
      await bench.fx.startRouter('a');
      return;
    case 'backend-death':
      await bench.backends.a.revive();
      return;
    case 'silent-peer':
      return; // SIGCONT already brought it back
  }
}

async function measure(
  bench: Bench,
  scenario: Scenario,
  rep: number,
  restoreMs: number,
): Promise<Repetition> {
  const c = bench.fx.routers.get('c');
  const retriesBefore = retriesIn((await c?.api.metrics()) ?? '');
  const load = new LoadRun(
    spawn(
      process.execPath,
      [
        LOAD,
        '--host',
        bench.address.host,
        '--port',
        String(bench.address.port),
        '--rate',
        String(rate),
        '--seconds',
        String((PRE_MS + POST_MS) / 1000),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  await load.firstFlow;
  await sleep(PRE_MS);
  const eventAt = Date.now();
  const watching = watchC(bench, eventAt, eventAt + POST_MS);
  const { returnedAt } = await inject(bench, scenario);
  const records = await load.finished;
  const watched = await watching;
  const windowEnd = Date.now();
  const p99Ms = baselineLatency(records, eventAt, 99);
  const shift = summarizeShift(records, {
    eventAt,
    lost: 'a',
    slowMs: Math.max(100, 3 * p99Ms),
    ...(returnedAt === undefined ? {} : { until: returnedAt }),
  });
  const before = records.filter((r) => r.end < eventAt);
  const since = (entries: { at: number }[]): number | undefined =>
    entries.length === 0 ? undefined : Math.max(...entries.map((e) => e.at)) - eventAt;
  const first = (entries: { at: number }[]): number | undefined =>
    entries.length === 0 ? undefined : Math.min(...entries.map((e) => e.at)) - eventAt;
  const linkDown = (await logEntries(bench.fx.dir('c'), 'link down', eventAt, windowEnd)).filter(
    (e) => e.fields['peer'] === 'a',
  );
  const ejected = (
    await logEntries(
      bench.fx.dir('c'),
      'endpoint ejected after consecutive failures',
      eventAt,
      windowEnd,
    )
  ).filter((e) => e.fields['site'] === 'a');
  const refused = await logEntries(
    bench.fx.dir('a'),
    'flow refused',
    eventAt,
    returnedAt ?? windowEnd,
  );
  const lastRefusedOnAMs = since(refused);
  return {
    scenario,
    rep,
    restoreMs,
    baseline: {
      flows: before.length,
      failed: before.filter((r) => r.error !== undefined).length,
      p99Ms,
    },
    shift,
    outOfRotationMs: scenario === 'backend-death' ? (lastRefusedOnAMs ?? 0) : shift.movedMs,
    linkDownMs: first(linkDown),
    withdrawnMs: watched.withdrawnAt,
    lastRefusedOnAMs,
    retriesSettledMs: watched.retriesRaisedAt,
    ejectedMs: first(ejected),
    retries: retriesIn((await c?.api.metrics()) ?? '') - retriesBefore,
    failures: records
      .filter((r) => r.error !== undefined && r.end >= eventAt)
      .map((r) => ({
        startMs: r.start - eventAt,
        endMs: r.end - eventAt,
        error: r.error ?? '',
        ...(r.partial === undefined ? {} : { partial: r.partial }),
      })),
  };
}

interface ScenarioFigures {
  scenario: Scenario;
  outOfRotationMs: LatencySummary;
  failedNew: number;
  failedInFlight: number;
  flowsJudged: number;
  maxLatencyMs: number;
  retries: number;
  restoreMs: LatencySummary;
}

function figuresOf(scenario: Scenario, reps: readonly Repetition[]): ScenarioFigures {
  const mine = reps.filter((r) => r.scenario === scenario);
  const sum = (f: (r: Repetition) => number): number => mine.reduce((s, r) => s + f(r), 0);
  return {
    scenario,
    outOfRotationMs: summarizeLatencies(mine.map((r) => r.outOfRotationMs)),
    failedNew: sum((r) => r.shift.failedNew),
    failedInFlight: sum((r) => r.shift.failed - r.shift.failedNew),
    flowsJudged: sum((r) => r.shift.flows),
    maxLatencyMs: Math.max(0, ...mine.map((r) => r.shift.maxLatencyMs)),
    retries: sum((r) => r.retries),
    restoreMs: summarizeLatencies(mine.map((r) => r.restoreMs)),
  };
}

function render(figures: readonly ScenarioFigures[], reps: readonly Repetition[]): string {
  const ms = (x: number | undefined): string => (x === undefined ? '-' : formatFigure(x));
  const main = textTable(
    `failover under ${rate} new flows/s, ${repetitions} repetitions each (ms after the failure)`,
    [
      [
        'scenario',
        'out of rotation p50',
        'max',
        'goal',
        'failed new',
        'failed in flight',
        'flows judged',
        'slowest flow',
        'retries',
        'restore p50',
      ],
      ...figures.map((f) => [
        SCENARIOS[f.scenario].title,
        ms(f.outOfRotationMs.p50),
        ms(f.outOfRotationMs.max),
        `${f.outOfRotationMs.max <= SCENARIOS[f.scenario].goalMs && f.failedNew === 0 ? 'met' : 'MISSED'} (≤ ${SCENARIOS[f.scenario].goalMs}, 0 failed)`,
        String(f.failedNew),
        String(f.failedInFlight),
        String(f.flowsJudged),
        ms(f.maxLatencyMs),
        String(f.retries),
        ms(f.restoreMs.p50),
      ]),
    ],
  );
  const detail = textTable('per repetition (ms after the failure; - = not seen)', [
    [
      'scenario',
      'rep',
      'out of rotation',
      'last sent to a',
      'c link down',
      'c withdrew a',
      'c ejected a',
      'last refusal on a',
      'retries settled',
      'retries',
      'failed',
      'slow',
      'restore',
    ],
    ...reps.map((r) => [
      r.scenario,
      String(r.rep),
      ms(r.outOfRotationMs),
      ms(r.shift.lastSentMs),
      ms(r.linkDownMs),
      ms(r.withdrawnMs),
      ms(r.ejectedMs),
      ms(r.lastRefusedOnAMs),
      ms(r.retriesSettledMs),
      String(r.retries),
      String(r.shift.failed),
      String(r.shift.slow),
      ms(r.restoreMs),
    ]),
  ]);
  const notes = [
    'out of rotation: site loss and silent peer — until the end of the last flow that failed, was answered by a, or was held up (slower than max(100 ms, 3 × baseline p99));',
    '  "last sent to a" is when that last disturbed flow started: after it, c sent every new flow elsewhere.',
    '  endpoint death — until the last flow a refused (its log): later flows went straight to b. "retries settled" is the same from polling c\'s retry counter every 50 ms.',
    "c withdrew a: c's status stopped listing a as an exporter. Status lists exporters whether or not their endpoints are ready, so this shows link loss only;",
    '  for endpoint death, passive ejection ("c ejected a") takes a out before its active checks (500 ms × 2) can.',
    "restore (shown on the repetition it preceded): from restarting/reviving a until c sent it flows again; after endpoint death this waits out c's ejection of a, which doubles on every repeat.",
    'failed new: flows started after the failure that the client saw fail; failed in flight: flows already open at the failure.',
  ];
  return [main, detail, notes.join('\n')].join('\n\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const bench = await setUp();
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench:failover gave up after ${RUN_DEADLINE_MS / 60_000} minutes\n`);
    void bench.fx.close().finally(() => process.exit(1));
  }, RUN_DEADLINE_MS);
  watchdog.unref();
  const reps: Repetition[] = [];
  try {
    for (const scenario of Object.keys(SCENARIOS) as Scenario[]) {
      let restoreMs = await untilBothServe(bench);
      for (let rep = 1; rep <= repetitions; rep++) {
        const result = await measure(bench, scenario, rep, restoreMs);
        reps.push(result);
        process.stdout.write(
          `${scenario} #${rep}: out of rotation after ${formatFigure(result.outOfRotationMs)} ms, ${result.shift.failed} failed (${result.shift.failedNew} new), ${result.retries} retries\n`,
        );
        const last = rep === repetitions && scenario === 'backend-death';
        if (last) break;
        const restoring = Date.now();
        await restore(bench, scenario);
        await untilBothServe(bench);
        restoreMs = Date.now() - restoring;
      }
    }
    const figures = (Object.keys(SCENARIOS) as Scenario[]).map((s) => figuresOf(s, reps));
    process.stdout.write(`\n${render(figures, reps)}\n`);
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
    };
    await mkdir(new URL('.', RESULTS), { recursive: true });
    const config = {
      rate,
      repetitions,
      preMs: PRE_MS,
      postMs: POST_MS,
      stopMs: STOP_MS,
      pollMs: POLL_MS,
      goals: SCENARIOS,
    };
    await writeFile(
      RESULTS,
      `${JSON.stringify({ at: new Date().toISOString(), machine, config, runMs: Date.now() - started, figures, repetitions: reps }, null, 2)}\n`,
    );
    process.stdout.write(
      `\nwrote ${fileURLToPath(RESULTS)} (${formatFigure((Date.now() - started) / 1000)} s)\n`,
    );
  } finally {
    clearTimeout(watchdog);
    bench.fx.routers.get('a')?.child.kill('SIGCONT');
    await bench.fx.close();
    bench.backends.a.close();
    bench.backends.b.close();
  }
}

await main();
