import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { summarizeLatencies } from '../discovery/latency-summary.js';
import { runCommand } from '../dns/run-command.js';
import type { Endpoint } from '../path-under-test.js';
import type { AppLoad, AppRun } from './app-load.js';
import { parsePgbenchLog, parsePgbenchSummary } from './pgbench-log.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const WARM_UP_SECONDS = 2;

export interface PgbenchOptions {
  readonly clients: number;
  readonly threads: number;
  readonly seconds: number;
}

/** `pgbench -c C -j J -T S` (the built-in TPC-B-like script) against a cluster of our own. */
export function pgbenchLoad(options: PgbenchOptions): AppLoad {
  const { clients, threads, seconds } = options;
  return {
    name: 'pgbench',
    command: `pgbench -c ${clients} -j ${threads} -T ${seconds} (TPC-B-like, after pgbench -i)`,
    method:
      'tps as pgbench reports it (without initial connection time); p50/p99 over every transaction of the run, from its per-transaction logs (-l)',
    figures: [
      { key: 'tps', label: 'tps', better: 'higher' },
      { key: 'p50Ms', label: 'p50 ms', better: 'lower' },
      { key: 'p99Ms', label: 'p99 ms', better: 'lower' },
    ],
    async start() {
      const cluster = await startPostgresCluster();
      try {
        await initialize(cluster);
      } catch (err) {
        await cluster.stop();
        throw err;
      }
      const warmUp = async (at: Endpoint): Promise<void> => {
        await runPgbench(cluster, at, { ...options, seconds: WARM_UP_SECONDS });
      };
      return {
        endpoint: cluster,
        measure: (at) => runPgbench(cluster, at, options),
        warmUp,
        stop: () => cluster.stop(),
      };
    },
  };
}

async function initialize(cluster: PostgresCluster): Promise<void> {
  const init = await runCommand(
    [
      join(cluster.binDir, 'pgbench'),
      ...connection(cluster, cluster),
      '-i',
      '-q',
      cluster.database,
    ],
    120_000,
  );
  if (init.code !== 0)
    throw new Error(`pgbench -i failed (${init.code}): ${init.stderr.slice(-2_000)}`);
}

function connection(cluster: PostgresCluster, at: Endpoint): string[] {
  return ['-h', at.host, '-p', String(at.port), '-U', cluster.user];
}

/** One timed run through `at`; its per-transaction logs go to a temp dir that is removed after. */
async function runPgbench(
  cluster: PostgresCluster,
  at: Endpoint,
  options: PgbenchOptions,
): Promise<AppRun> {
  const logDir = await mkdtemp(join(tmpdir(), 'causeway-bench-pgbench-'));
  try {
    const args = [
      '-c',
      String(options.clients),
      '-j',
      String(options.threads),
      '-T',
      String(options.seconds),
      '-l',
      '--log-prefix',
      join(logDir, 'tx'),
    ];
    const out = await runCommand(
      [join(cluster.binDir, 'pgbench'), ...connection(cluster, at), ...args, cluster.database],
      options.seconds * 1000 + 120_000,
    );
    if (out.code !== 0)
      throw new Error(`pgbench exited ${out.code}: ${(out.stdout + out.stderr).slice(-2_000)}`);
    const summary = parsePgbenchSummary(out.stdout);
    const texts = await Promise.all(
      (await readdir(logDir)).map((file) => readFile(join(logDir, file), 'utf8')),
    );
    const log = parsePgbenchLog(texts.join('\n'));
    if (summary.tps === undefined || log.latenciesUs.length === 0)
      throw new Error(
        `pgbench printed no tps or logged no transaction:\n${out.stdout.slice(-2_000)}`,
      );
    const latency = summarizeLatencies(log.latenciesUs);
    const notes = [
      ...(log.notCompleted > 0 ? [`${log.notCompleted} transactions failed or were skipped`] : []),
      ...(log.malformed > 0 ? [`${log.malformed} log lines were not transaction records`] : []),
    ];
    return {
      figures: { tps: summary.tps, p50Ms: latency.p50 / 1000, p99Ms: latency.p99 / 1000 },
      operations: log.latenciesUs.length,
      notes,
    };
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
}
