import { parseArgs } from 'node:util';

/** What `npm run bench:apps` was asked to do, after defaults and `--quick`. */
export interface AppBenchOptions {
  readonly repeats: number;
  readonly pgSeconds: number;
  readonly pgClients: number;
  readonly pgThreads: number;
  readonly redisRequests: number;
  readonly redisClients: number;
  readonly only: readonly string[];
  readonly paths: readonly string[];
  readonly results: string;
  readonly cpuProfDir: string | undefined;
  readonly output: 'table' | 'json';
  readonly quick: boolean;
}

/** A command-line mistake: printed with a hint, exit code 2. */
export class BadBenchOption extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export const KNOWN_APPS = ['pgbench', 'redis-benchmark'] as const;
export const KNOWN_PATHS = ['direct', 'stunnel', 'causeway'] as const;

export const USAGE = `Usage: npm run bench:apps -- [options]

Real servers (PostgreSQL, Redis) loaded by their own benchmark tools, each load run directly,
through a stunnel client+server pair and through a Causeway import (two routers linked over mTLS),
the paths taking turns within each repetition. Prints median (min-max) per path, the ratios of
medians against direct and against stunnel, and what each proxying path cost per operation in its
own processes (CPU time, read/write system calls, time waiting for a core); prints the load average
at start and end, and writes every run to bench/results/apps.json.

Options:
  --quick                short runs for a smoke test (1 run, pgbench -T 3, redis -n 10000)
  --repeats N            runs per path and application (default 5)
  --pg-seconds S         pgbench -T (default 20)
  --pg-clients N         pgbench -c (default 8)
  --pg-threads N         pgbench -j (default 2)
  --redis-requests N     redis-benchmark -n (default 100000)
  --redis-clients N      redis-benchmark -c (default 50, its own default)
  --only LIST            applications, of: ${KNOWN_APPS.join(', ')} (default both)
  --paths LIST           paths, of: ${KNOWN_PATHS.join(', ')} (default all; direct and stunnel are the baselines)
  --results FILE         where the JSON goes (default bench/results/apps.json)
  --cpu-prof DIR         profile the routers (the inspector's sampler, as node --cpu-prof), one
                         <pid>.cpuprofile each in DIR when they stop; summarize with
                         node dist/bench/apps/cpu-profile-top.js DIR/*.cpuprofile
                         (the profiler slows them: use for where the time goes, not for the figures)
  --output json          print the JSON results instead of the tables
  -h, --help             this text

Needs: apt-get install -y postgresql postgresql-contrib redis-server redis-tools stunnel4 openssl
Example: npm run bench:apps -- --only pgbench --repeats 3`;

const QUICK = { repeats: 1, pgSeconds: 3, redisRequests: 10_000 } as const;
const FULL = { repeats: 5, pgSeconds: 20, redisRequests: 100_000 } as const;

/** Parses argv; throws BadBenchOption naming the option and the fix. Returns undefined for --help. */
export function parseAppBenchOptions(
  argv: readonly string[],
  defaultResults: string,
): AppBenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      repeats: { type: 'string' },
      'pg-seconds': { type: 'string' },
      'pg-clients': { type: 'string', default: '8' },
      'pg-threads': { type: 'string', default: '2' },
      'redis-requests': { type: 'string' },
      'redis-clients': { type: 'string', default: '50' },
      only: { type: 'string' },
      paths: { type: 'string' },
      results: { type: 'string' },
      'cpu-prof': { type: 'string' },
      output: { type: 'string', default: 'table' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const base = values.quick ? QUICK : FULL;
  const pgClients = count(values['pg-clients'], '--pg-clients');
  const pgThreads = count(values['pg-threads'], '--pg-threads');
  if (pgClients % pgThreads !== 0)
    throw new BadBenchOption(
      `--pg-threads ${pgThreads} does not divide --pg-clients ${pgClients}`,
      'pgbench needs the clients spread evenly over its threads, e.g. --pg-clients 8 --pg-threads 2',
    );
  if (values.output !== 'table' && values.output !== 'json')
    throw new BadBenchOption(
      `--output must be table or json, not ${values.output}`,
      'use --output json to print the results as JSON',
    );
  return {
    repeats: count(values.repeats ?? String(base.repeats), '--repeats'),
    pgSeconds: count(values['pg-seconds'] ?? String(base.pgSeconds), '--pg-seconds'),
    pgClients,
    pgThreads,
    redisRequests: count(
      values['redis-requests'] ?? String(base.redisRequests),
      '--redis-requests',
    ),
    redisClients: count(values['redis-clients'], '--redis-clients'),
    only: list(values.only, '--only', KNOWN_APPS),
    paths: list(values.paths, '--paths', KNOWN_PATHS),
    results: values.results ?? defaultResults,
    cpuProfDir: values['cpu-prof'],
    output: values.output,
    quick: values.quick,
  };
}

function count(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1)
    throw new BadBenchOption(
      `${option} must be a whole number of at least 1, not "${text}"`,
      `for example ${option} 2`,
    );
  return value;
}

function list(text: string | undefined, option: string, known: readonly string[]): string[] {
  if (text === undefined) return [...known];
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = items.filter((item) => !known.includes(item));
  if (items.length === 0 || unknown.length > 0)
    throw new BadBenchOption(
      `${option} names ${unknown.length > 0 ? `unknown ${unknown.join(', ')}` : 'nothing'}`,
      `pick from ${known.join(', ')} (comma-separated)`,
    );
  return items;
}
