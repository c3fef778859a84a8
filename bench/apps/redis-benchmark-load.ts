import { runCommand } from '../dns/run-command.js';
import type { Endpoint } from '../path-under-test.js';
import type { AppLoad, AppRun } from './app-load.js';
import { parseRedisBenchmarkCsv } from './redis-benchmark-csv.js';
import { startRedisInstance } from './redis-instance.js';

export interface RedisBenchmarkOptions {
  readonly requests: number;
  readonly clients: number;
}

const WARM_UP_REQUESTS = 10_000;
const TESTS = ['SET', 'GET'] as const;

/** `redis-benchmark -t set,get -n N` against a redis-server of our own. */
export function redisBenchmarkLoad(options: RedisBenchmarkOptions): AppLoad {
  return {
    name: 'redis-benchmark',
    command: `redis-benchmark -t set,get -n ${options.requests} -c ${options.clients}`,
    method:
      'requests/s and p99 as redis-benchmark 7 prints them (--csv, its own latency histogram per test)',
    figures: TESTS.flatMap((test) => [
      { key: `${test.toLowerCase()}Rps`, label: `${test} req/s`, better: 'higher' as const },
      { key: `${test.toLowerCase()}P99Ms`, label: `${test} p99 ms`, better: 'lower' as const },
    ]),
    async start() {
      const redis = await startRedisInstance();
      const warmUp = async (at: Endpoint): Promise<void> => {
        await runRedisBenchmark(at, {
          ...options,
          requests: Math.min(options.requests, WARM_UP_REQUESTS),
        });
      };
      return {
        endpoint: redis,
        measure: (at) => runRedisBenchmark(at, options),
        warmUp,
        stop: () => redis.stop(),
      };
    },
  };
}

async function runRedisBenchmark(at: Endpoint, options: RedisBenchmarkOptions): Promise<AppRun> {
  const argv = [
    'redis-benchmark',
    '-h',
    at.host,
    '-p',
    String(at.port),
    '-t',
    'set,get',
    '-n',
    String(options.requests),
    '-c',
    String(options.clients),
    '--csv',
  ];
  // Generous: 100000 requests at a pessimistic 2000/s per test.
  const out = await runCommand(argv, 60_000 + options.requests);
  if (out.code !== 0)
    throw new Error(
      `redis-benchmark exited ${out.code}: ${(out.stdout + out.stderr).slice(-2_000)}`,
    );
  const parsed = parseRedisBenchmarkCsv(out.stdout);
  const figures: Record<string, number> = {};
  for (const test of TESTS) {
    const row = parsed.get(test);
    if (row === undefined)
      throw new Error(`redis-benchmark printed no ${test} row:\n${out.stdout.slice(-2_000)}`);
    figures[`${test.toLowerCase()}Rps`] = row.rps;
    figures[`${test.toLowerCase()}P50Ms`] = row.p50Ms;
    figures[`${test.toLowerCase()}P99Ms`] = row.p99Ms;
  }
  const errors = /error|reset|refused/i.test(out.stderr)
    ? [`redis-benchmark reported: ${out.stderr.trim().slice(0, 300)}`]
    : [];
  return { figures, operations: options.requests * TESTS.length, notes: errors };
}
