// `npm run bench:apps`: PostgreSQL under pgbench and Redis under redis-benchmark, each run directly,
// through a stunnel pair and through a Causeway import in the same run; see app-bench-options.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { PathUnderTest, RunningPath } from '../path-under-test.js';
import { causewayPath } from '../paths/causeway-path.js';
import { directPath } from '../paths/direct-path.js';
import { stunnelPath } from '../paths/stunnel-path.js';
import {
  BadBenchOption,
  parseAppBenchOptions,
  USAGE,
  type AppBenchOptions,
} from './app-bench-options.js';
import type { AppLoad, AppRun, RunningApp } from './app-load.js';
import { appsTable, ratiosOf, type AppSummary } from './apps-table.js';
import { costPerOperation, readPathCounters } from './path-cost.js';
import { pgbenchLoad } from './pgbench-load.js';
import { watchRunQueueWait } from './run-queue-wait.js';
import { redisBenchmarkLoad } from './redis-benchmark-load.js';
import { summarizeRepeats, type RepeatSummary } from './repeat-summary.js';

const PATH_START_TIMEOUT_MS = 60_000;
const PROFILE_PRELOAD = new URL('./cpu-profile-preload.js', import.meta.url).href;
const DEFAULT_RESULTS = fileURLToPath(new URL('../../../bench/results/apps.json', import.meta.url));

// Everything started, stopped in reverse however the run ends, so no server or router outlives it.
const stops: Array<() => Promise<unknown>> = [];

/** One path's runs of one application, in the order they were taken. */
interface PathRuns {
  readonly path: string;
  readonly pids: readonly number[];
  readonly runs: AppRun[];
  readonly failures: string[];
}

async function main(options: AppBenchOptions): Promise<void> {
  const watchdogMs = runDeadlineMs(options);
  const watchdog = setTimeout(
    () =>
      void stopAll().finally(() => exitWith(`gave up after ${Math.round(watchdogMs / 1000)} s`, 1)),
    watchdogMs,
  );
  watchdog.unref();
  const loadAtStart = loadavg();
  const say = (text: string): boolean =>
    options.output === 'table' && process.stdout.write(`${text}\n`);
  say(
    `load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (${cpus().length} cores)`,
  );
  const apps: Record<
    string,
    { command: string; method: string; summary: AppSummary; runs: PathRuns[] }
  > = {};
  for (const load of selectedLoads(options)) {
    const runs = await benchApp(load, selectedPaths(options), options);
    const summary = summarize(load, runs);
    apps[load.name] = { command: load.command, method: load.method, summary, runs };
    say(`\n${appsTable(summary)}`);
  }
  // A failed path or run leaves its figures out; the tables say why, and the exit code says so too.
  if (Object.values(apps).some((app) => app.runs.some((r) => r.failures.length > 0)))
    process.exitCode = 1;
  const loadAtEnd = loadavg();
  say(`\nload average at end: ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')}`);
  const body = resultsBody(options, { start: loadAtStart, end: loadAtEnd }, apps);
  await mkdir(dirname(options.results), { recursive: true });
  await writeFile(options.results, `${JSON.stringify(body, null, 2)}\n`);
  if (options.output === 'json') process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  else say(`wrote ${options.results}`);
}

function selectedLoads(options: AppBenchOptions): AppLoad[] {
  const loads: Record<string, AppLoad> = {
    pgbench: pgbenchLoad({
      clients: options.pgClients,
      threads: options.pgThreads,
      seconds: options.pgSeconds,
    }),
    'redis-benchmark': redisBenchmarkLoad({
      requests: options.redisRequests,
      clients: options.redisClients,
    }),
  };
  return options.only
    .map((name) => loads[name])
    .filter((load): load is AppLoad => load !== undefined);
}

function selectedPaths(options: AppBenchOptions): PathUnderTest[] {
  const env =
    options.cpuProfDir === undefined
      ? {}
      : {
          NODE_OPTIONS: `--import=${PROFILE_PRELOAD}`,
          CAUSEWAY_BENCH_CPU_PROF_DIR: resolve(options.cpuProfDir),
        };
  const all: Record<string, PathUnderTest> = {
    direct: directPath,
    stunnel: stunnelPath,
    causeway: causewayPath(1, env),
  };
  return options.paths
    .map((name) => all[name])
    .filter((path): path is PathUnderTest => path !== undefined);
}

/**
 * Starts the server and every path to it, warms each path up once (JIT, TLS sessions, the server's
 * caches), then runs the load `repeats` times per path, the paths taking turns so that a change in
 * the machine's load falls on all of them alike.
 */
async function benchApp(
  load: AppLoad,
  paths: readonly PathUnderTest[],
  options: AppBenchOptions,
): Promise<PathRuns[]> {
  progress(`${load.name}: starting the server and ${paths.length} paths`);
  const app = await load.start();
  stops.push(() => app.stop());
  const running: { path: string; at: RunningPath | undefined; runs: PathRuns }[] = [];
  for (const path of paths) {
    const at = await withTimeout(
      path.start(app.endpoint),
      PATH_START_TIMEOUT_MS,
      `${path.name} start`,
    ).catch((err: unknown) => errorText(err));
    if (typeof at !== 'string') stops.push(() => at.stop());
    const runs: PathRuns = {
      path: path.name,
      pids: typeof at === 'string' ? [] : at.pids,
      runs: [],
      failures: typeof at === 'string' ? [at] : [],
    };
    running.push({ path: path.name, at: typeof at === 'string' ? undefined : at, runs });
  }
  for (const r of running) if (r.at !== undefined) await warmUp(app, r.at, r.path);
  for (let round = 0; round < options.repeats; round++) {
    for (const r of rotate(running, round)) {
      if (r.at === undefined) continue;
      progress(`${load.name}: run ${round + 1}/${options.repeats} through ${r.path}`);
      try {
        r.runs.runs.push(await measureWithCost(app, r.at));
      } catch (err) {
        r.runs.failures.push(errorText(err));
      }
    }
  }
  await stopAll();
  return running.map((r) => r.runs);
}

/** One run, with the CPU time and system calls of the path's processes per operation added. */
async function measureWithCost(app: RunningApp, at: RunningPath): Promise<AppRun> {
  if (at.pids.length === 0) return app.measure(at);
  const before = await readPathCounters(at.pids);
  const wait = await watchRunQueueWait(at.pids);
  const run = await app.measure(at).finally(() => wait.stop());
  const cost = costPerOperation(
    before,
    await readPathCounters(at.pids),
    await wait.stop(),
    run.operations,
  );
  return { ...run, figures: { ...run.figures, ...cost } };
}

async function warmUp(app: RunningApp, at: RunningPath, path: string): Promise<void> {
  progress(`warming up through ${path}`);
  await app.warmUp(at).catch(() => undefined);
}

function summarize(load: AppLoad, runs: readonly PathRuns[]): AppSummary {
  return {
    title: load.command,
    method: load.method,
    figures: load.figures,
    paths: runs.map((r) => ({
      path: r.path,
      runs: r.runs.length,
      summary: summaryOf(r.runs),
      failures: r.failures,
    })),
  };
}

function summaryOf(runs: readonly AppRun[]): Record<string, RepeatSummary> {
  if (runs.length === 0) return {};
  const keys = Object.keys(runs[0]?.figures ?? {});
  return Object.fromEntries(
    keys.map((key) => [key, summarizeRepeats(runs.map((r) => r.figures[key] ?? Number.NaN))]),
  );
}

function resultsBody(
  options: AppBenchOptions,
  loadAverage: { start: number[]; end: number[] },
  apps: Record<string, { command: string; method: string; summary: AppSummary; runs: PathRuns[] }>,
): object {
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
  const { results: _results, output: _output, ...settings } = options;
  const perApp = Object.fromEntries(
    Object.entries(apps).map(([name, app]) => [
      name,
      {
        command: app.command,
        method: app.method,
        figures: app.summary.figures,
        paths: Object.fromEntries(
          app.runs.map((r) => [
            r.path,
            {
              pids: r.pids,
              runs: r.runs,
              failures: r.failures,
              summary: app.summary.paths.find((p) => p.path === r.path)?.summary ?? {},
            },
          ]),
        ),
        ratios: ratiosOf(app.summary),
      },
    ]),
  );
  return {
    at: new Date().toISOString(),
    machine,
    loadAverage,
    settings,
    profiled: options.cpuProfDir !== undefined,
    apps: perApp,
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** Warm-up, start-up and every run, with room to spare; past this something hangs. */
function runDeadlineMs(options: AppBenchOptions): number {
  const pg = options.only.includes('pgbench') ? options.repeats * 3 * (options.pgSeconds + 30) : 0;
  const redis = options.only.includes('redis-benchmark')
    ? options.repeats * 3 * (60 + options.redisRequests / 1000)
    : 0;
  return (pg + redis + 300) * 1000;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
}

function progress(text: string): void {
  process.stderr.write(`bench:apps: ${text}\n`);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function exitWith(message: string, code: number): never {
  process.stderr.write(`bench:apps: ${message}\n`);
  process.exit(code);
}

function parseOrExit(): AppBenchOptions | undefined {
  try {
    return parseAppBenchOptions(process.argv.slice(2), DEFAULT_RESULTS);
  } catch (err) {
    if (err instanceof BadBenchOption) exitWith(`${err.message}\nhint: ${err.hint}`, 2);
    exitWith(`${errorText(err)}\nhint: npm run bench:apps -- --help lists the options`, 2);
  }
}

const options = parseOrExit();
if (options === undefined) {
  process.stdout.write(`${USAGE}\n`);
} else {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stopAll().finally(() => exitWith(`stopped by ${signal}`, 130)));
  try {
    await main(options);
  } catch (err) {
    process.exitCode = 1;
    process.stderr.write(`bench:apps: ${errorText(err)}\n`);
  } finally {
    await stopAll();
  }
}
