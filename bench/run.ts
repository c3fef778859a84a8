// `npm run bench`: runs every workload through every path and prints one table per workload,
// each path beside stunnel (the baseline) and direct (the floor), measured in the same run.
// Usage: node dist/bench/run.js [--only throughput,latency,connection-rate,idle-flows]
//        [--paths direct,stunnel,...] [--seconds 3] [--rounds 5000] [--idle-flows 10000]
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';

import type { PathUnderTest } from './path-under-test.js';
import { paths as knownPaths } from './paths/index.js';
import { reportTable, type PathOutcome } from './report-table.js';
import { idleFlowCapacity, workloads, type Workload } from './workloads/index.js';

// Each step is bounded on its own; this catches anything that still hangs.
const RUN_DEADLINE_MS = 20 * 60_000;
const PATH_START_TIMEOUT_MS = 30_000;
const MEASURE_TIMEOUT_MS = 180_000;

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    paths: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5000' },
    'idle-flows': { type: 'string', default: '10000' },
  },
});

/** Runs the selected workloads and paths, prints the tables and writes bench/results/latest.json. */
async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${RUN_DEADLINE_MS / 60_000} minutes\n`);
    process.exit(1);
  }, RUN_DEADLINE_MS);
  watchdog.unref();
  const { selected, idleNote } = selectWorkloads();
  const paths = selectPaths();
  const report: Record<string, PathOutcome[]> = {};
  if (idleNote !== undefined) process.stdout.write(`${idleNote}\n`);
  for (const [key, workload] of selected) {
    const outcomes = await runWorkload(workload, paths);
    report[key] = outcomes;
    process.stdout.write(`\n${reportTable(workload, outcomes)}\n`);
  }
  await writeResults(report, idleNote);
}

function selectWorkloads(): { selected: [string, Workload][]; idleNote: string | undefined } {
  const requested = Number(values['idle-flows']);
  const capacity = idleFlowCapacity();
  const idleFlows = Math.min(requested, capacity);
  const all = workloads({
    seconds: Number(values.seconds),
    rounds: Number(values.rounds),
    idleFlows,
  });
  const keys = values.only?.split(',') ?? [...all.keys()];
  const selected = keys.map((key): [string, Workload] => {
    const workload = all.get(key);
    if (workload === undefined)
      throw new Error(`unknown workload ${key}; known: ${[...all.keys()].join(', ')}`);
    return [key, workload];
  });
  const idleNote =
    idleFlows < requested && keys.includes('idle-flows')
      ? `idle flows capped at ${idleFlows} (open-file limit here allows ~${capacity} proxied flows)`
      : undefined;
  return { selected, idleNote };
}

function selectPaths(): readonly PathUnderTest[] {
  if (values.paths === undefined) return knownPaths;
  return values.paths.split(',').map((name) => {
    const path = knownPaths.find((p) => p.name === name);
    if (path === undefined)
      throw new Error(`unknown path ${name}; known: ${knownPaths.map((p) => p.name).join(', ')}`);
    return path;
  });
}

async function runWorkload(
  workload: Workload,
  paths: readonly PathUnderTest[],
): Promise<PathOutcome[]> {
  process.stderr.write(`bench: ${workload.name}\n`);
  const target = await workload.startTarget();
  const outcomes: PathOutcome[] = [];
  try {
    for (const path of paths) outcomes.push(await runOnePath(workload, path, target));
  } finally {
    await target.stop();
  }
  return outcomes;
}

async function runOnePath(
  workload: Workload,
  path: PathUnderTest,
  target: { host: string; port: number },
): Promise<PathOutcome> {
  process.stderr.write(`bench:   through ${path.name}\n`);
  try {
    const running = await withTimeout(
      path.start(target),
      PATH_START_TIMEOUT_MS,
      `${path.name} start`,
    );
    try {
      const result = await withTimeout(
        workload.measure(running),
        MEASURE_TIMEOUT_MS,
        `${workload.name} via ${path.name}`,
      );
      return { type: 'measured', path: path.name, result };
    } finally {
      await running.stop();
    }
  } catch (err) {
    return {
      type: 'failed',
      path: path.name,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function writeResults(
  report: Record<string, PathOutcome[]>,
  idleNote: string | undefined,
): Promise<void> {
  const dir = new URL('../../bench/results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const machine = { node: process.version, platform: process.platform, cpus: cpus().length };
  const body = {
    at: new Date().toISOString(),
    machine,
    notes: idleNote === undefined ? [] : [idleNote],
    workloads: report,
  };
  await writeFile(new URL('latest.json', dir), `${JSON.stringify(body, null, 2)}\n`);
  process.stdout.write(`\nwrote bench/results/latest.json\n`);
}

await main();
