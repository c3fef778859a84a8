// `npm run bench:dns`: DNS queries per second on one core, Causeway's DnsServer beside knotd (the
// baseline, a C authoritative server) serving the same records, measured by dnsperf in the same run.
// Each server is pinned to core 0 and dnsperf to core 1. Needs: apt-get install dnsperf knot dnsutils.
// Usage: node dist/bench/dns/dns-qps.js [--seconds 10] [--max-qps 100000] [--clients 4]
//        [--outstanding 200] [--no-edns] [--cpu-prof DIR]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { BENCH_ZONE, benchServices } from './bench-services.js';
import { startCauseway } from './causeway-process.js';
import { compareAnswers, type Question } from './compare-answers.js';
import { dnsQpsTable } from './dns-qps-table.js';
import { startKnot } from './knot-server.js';
import { queryMix } from './query-mix.js';
import { runCommand } from './run-command.js';
import { measureServer, type ServerRun, type ServerUnderTest } from './measure-server.js';
import type { DnsperfLoad } from './run-dnsperf.js';
import { zoneFile } from './zone-file.js';

const SERVER_CORE = 0;
const CLIENT_CORE = 1;
const QUERY_LINES = 1000;
// Above this share of the server's core used by others, queries/s says more about the machine than the server.
const BUSY_CORE_SHARE = 0.1;
const REQUIRED_TOOLS = ['dnsperf', 'knotd', 'dig', 'taskset'];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    'max-qps': { type: 'string', default: '100000' },
    clients: { type: 'string', default: '4' },
    outstanding: { type: 'string', default: '200' },
    'no-edns': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});

// Servers to stop however the run ends, so no knotd or node child outlives the bench.
const stops: Array<() => Promise<unknown>> = [];

/** Starts both servers, checks they answer alike, loads each in turn, prints the table and writes the JSON. */
async function main(): Promise<void> {
  const seconds = Number(values.seconds);
  // Two loads, a few server starts and checks; anything beyond this is a hang.
  const deadlineS = 2 * seconds + 60;
  const watchdog = setTimeout(
    () => void stopAll().finally(() => exitWith(`gave up after ${deadlineS} s`)),
    deadlineS * 1000,
  );
  watchdog.unref();
  await requireTools();
  const services = benchServices();
  const work = await mkdtemp(join(tmpdir(), 'causeway-dns-qps-'));
  stops.push(() => rm(work, { recursive: true, force: true }));
  const load = dnsperfLoad(join(work, 'queries.txt'), seconds);
  await writeFile(load.queryFile, `${queryMix([...services.keys()], QUERY_LINES).join('\n')}\n`);
  const causeway = await startCauseway(SERVER_CORE, values['cpu-prof']);
  stops.push(() => causeway.stop());
  const knot = await startKnot(zoneFile(services), SERVER_CORE);
  stops.push(() => knot.stop());
  const mismatches = await compareAnswers(checkQuestions(), {
    causeway: causeway.port,
    knot: knot.port,
  });
  if (mismatches.length > 0)
    throw new Error(
      `the servers answer differently, so no ratio is taken:\n  ${mismatches.join('\n  ')}`,
    );
  process.stdout.write(
    `both servers gave identical answers to ${checkQuestions().length} check questions\n`,
  );
  const runs: ServerRun[] = [];
  const targets: ServerUnderTest[] = [
    { server: 'causeway', pid: causeway.pid, port: causeway.port, core: SERVER_CORE },
    { server: 'knot', pid: knot.pid, port: knot.port, core: SERVER_CORE },
  ];
  for (const target of targets) {
    process.stderr.write(`bench: dnsperf against ${target.server} for ${seconds} s\n`);
    runs.push(await measureServer(target, load));
  }
  const causewayServerStats = await causeway.stop();
  const flags = `-c ${load.clients} -q ${load.outstanding} -Q ${load.maxQps}${load.edns ? ' -e' : ''}`;
  process.stdout.write(
    `\n== DNS queries/s, server on one core (dnsperf ${flags}, ${seconds} s each)\n${dnsQpsTable(runs, 'knot')}\n`,
  );
  for (const run of runs.filter((r) => r.othersOnCoreSeconds > BUSY_CORE_SHARE * r.wallSeconds)) {
    const share = ((100 * run.othersOnCoreSeconds) / run.wallSeconds).toFixed(0);
    process.stdout.write(
      `note: other processes took ${share}% of core ${SERVER_CORE} during the ${run.server} run; its queries/s is understated, q/cpu-s is not\n`,
    );
  }
  if (causewayServerStats !== undefined) {
    const { queries, truncated } = causewayServerStats;
    process.stdout.write(
      `causeway server counted ${queries.udp} UDP queries, ${truncated} answered truncated (TC)\n`,
    );
  }
  await writeResults({ load, runs, causewayServerStats });
}

function dnsperfLoad(queryFile: string, seconds: number): DnsperfLoad {
  return {
    queryFile,
    seconds,
    clients: Number(values.clients),
    outstanding: Number(values.outstanding),
    maxQps: Number(values['max-qps']),
    edns: !values['no-edns'],
    core: CLIENT_CORE,
  };
}

async function stopAll(): Promise<void> {
  await Promise.allSettled(
    stops
      .splice(0)
      .reverse()
      .map((stop) => stop()),
  );
}

/** One of each query kind in the mix, headless and ClusterSetIP alike. */
function checkQuestions(): Question[] {
  const svc = `svc.${BENCH_ZONE}`;
  return [
    { name: `svc-0.bench.${svc}`, type: 'A' },
    { name: `hl-0.bench.${svc}`, type: 'A' },
    { name: `_http._tcp.svc-0.bench.${svc}`, type: 'SRV' },
    { name: `_http._tcp.hl-0.bench.${svc}`, type: 'SRV' },
    { name: `dns-version.${BENCH_ZONE}`, type: 'TXT' },
    { name: `missing-0.bench.${svc}`, type: 'A' },
  ];
}

async function requireTools(): Promise<void> {
  const { stdout } = await runCommand(
    [
      'bash',
      '-c',
      `for t in ${REQUIRED_TOOLS.join(' ')}; do command -v "$t" >/dev/null || echo "$t"; done`,
    ],
    5_000,
  );
  const missing = stdout.split('\n').filter((t) => t !== '');
  if (missing.length > 0)
    throw new Error(
      `missing ${missing.join(', ')}; install with: apt-get install -y dnsperf knot dnsutils util-linux`,
    );
}

async function writeResults(body: object): Promise<void> {
  const dir = new URL('../../../bench/results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
  await writeFile(
    new URL('dns-qps.json', dir),
    `${JSON.stringify({ at: new Date().toISOString(), machine, ...body }, null, 2)}\n`,
  );
  process.stdout.write('\nwrote bench/results/dns-qps.json\n');
}

function exitWith(message: string): never {
  process.stderr.write(`bench:dns: ${message}\n`);
  process.exit(1);
}

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  process.stderr.write(`bench:dns: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  await stopAll();
}
