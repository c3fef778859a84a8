import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI_ENTRY, startRouterProcess, type RouterProcess } from '../../src/demo/index.js';
import { runCli } from '../../test/support/cli-runner.js';
import { digAnswer } from '../dns/dig-answer.js';
import { dnsQpsTable } from '../dns/dns-qps-table.js';
import { measureServer, type ServerRun } from '../dns/measure-server.js';
import { spawnPinned, waitForLine, type PinnedChild } from '../dns/pinned-child.js';
import { freePort } from '../process/free-port.js';
import {
  startCorednsZone,
  startKnotZone,
  staticZone,
  type StaticServer,
} from './static-zone-servers.js';

const ZONE = 'gslb.example.com';
const NS = { name: `ns1.${ZONE}`, address: '127.0.0.1' };
const RECORDS = 20;
const SERVER_CORE = 0;
const CLIENT_CORE = 1;

export interface QpsResult {
  runs: ServerRun[];
  table: string;
  mismatches: string[];
}

/**
 * Answers/s on one core: `gslb serve` (health from a live router, failover records) beside CoreDNS
 * and Knot serving a static zone with the same names and answers, loaded by dnsperf in turn.
 */
export async function measureGslbQps(
  work: string,
  seconds: number,
  stops: Array<() => Promise<unknown>>,
): Promise<QpsResult> {
  const router = await startSite(work, stops);
  const gslbFile = join(work, 'gslb.yaml');
  await cli([
    'gslb',
    'init',
    '--zone',
    ZONE,
    '--ns',
    `${NS.name}=${NS.address}`,
    '--router',
    router.dir,
    '--file',
    gslbFile,
  ]);
  const records = Array.from({ length: RECORDS }, (_, i) => ({
    name: `r${i}.${ZONE}`,
    address: `192.0.2.${10 + i}`,
    ttl: 5,
  }));
  for (const [i, r] of records.entries()) {
    await cli([
      'gslb',
      'set',
      r.name,
      '--file',
      gslbFile,
      '--service',
      'shop/web',
      '--target',
      `eu=${r.address}`,
      '--target',
      `us=198.51.100.${10 + i}`,
    ]);
  }
  const gslbPort = await freePort();
  const gslb = spawnPinned(SERVER_CORE, [
    process.execPath,
    CLI_ENTRY,
    'gslb',
    'serve',
    '--file',
    gslbFile,
    '--listen',
    `127.0.0.1:${gslbPort}`,
  ]);
  stops.push(() => gslb.stop());
  await waitForLine(gslb, /GSLB listening/, 15_000);
  await answersEu(gslbPort, records[0]!, gslb);

  // The baselines carry the GSLB's SOA serial, so every answer compares equal.
  const serial = Number((await digAnswer(gslbPort, ZONE, 'SOA')).records[0]?.split(' ')[6] ?? 1);
  const zoneText = staticZone(ZONE, serial, NS, records);
  const coredns = await startCorednsZone(join(work, 'coredns'), ZONE, zoneText, SERVER_CORE);
  stops.push(() => coredns.pinned.stop());
  const knot = await startKnotZone(join(work, 'knot'), ZONE, zoneText, SERVER_CORE);
  stops.push(() => knot.pinned.stop());
  const servers: StaticServer[] = [
    { server: 'causeway-gslb', pinned: gslb, port: gslbPort },
    coredns,
    knot,
  ];
  const mismatches = await compare(servers, [
    ...records.slice(0, 3).map((r) => r.name),
    `nope.${ZONE}`,
    ZONE,
  ]);

  const queryFile = join(work, 'queries.txt');
  // Nine in ten ask a record, one in ten a missing name (NXDOMAIN with the SOA), as a real mix has typos.
  await writeFile(
    queryFile,
    `${Array.from({ length: 1000 }, (_, i) => (i % 10 === 9 ? `missing${i}.${ZONE} A` : `${records[i % RECORDS]!.name} A`)).join('\n')}\n`,
  );
  const runs: ServerRun[] = [];
  for (const s of servers) {
    const load = {
      queryFile,
      seconds,
      clients: 4,
      outstanding: 200,
      maxQps: 100_000,
      edns: true,
      core: CLIENT_CORE,
    };
    runs.push(
      await measureServer(
        { server: s.server, pid: s.pinned.child.pid ?? -1, port: s.port, core: SERVER_CORE },
        load,
      ),
    );
  }
  return { runs, table: dnsQpsTable(runs, 'coredns'), mismatches };
}

async function cli(args: string[]): Promise<void> {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`causeway ${args.join(' ')}: ${result.stderr}`);
}

/** One site `eu` exporting shop/web to a local backend, its router running: the health source. */
async function startSite(
  work: string,
  stops: Array<() => Promise<unknown>>,
): Promise<RouterProcess & { dir: string }> {
  const backend = createServer((s) => {
    // Health probes connect and reset; that is routine, not an error of the bench.
    s.on('error', () => undefined);
    s.end('eu\n');
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => backend.once('listening', resolve));
  stops.push(() => new Promise((resolve) => backend.close(resolve)));
  const port = (backend.address() as { port: number }).port;
  const dir = join(work, 'eu');
  await cli([
    'site',
    'init',
    '--id',
    'eu',
    '--dir',
    dir,
    '--listen',
    '127.0.0.1:0',
    '--region',
    'eu',
  ]);
  await cli([
    'expose',
    'web',
    '--namespace',
    'shop',
    '--port',
    '80',
    '--to',
    `127.0.0.1:${port}`,
    '--dir',
    dir,
  ]);
  const router = await startRouterProcess(dir);
  stops.push(() => router.stop());
  return Object.assign(router, { dir });
}

async function answersEu(
  port: number,
  record: { name: string; address: string },
  gslb: PinnedChild,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const answer = await digAnswer(port, record.name, 'A');
    if (answer.records.some((r) => r.endsWith(record.address))) return;
    await sleep(50);
  }
  throw new Error(`gslb serve never answered ${record.name} with eu: ${gslb.stderr()}`);
}

/** The same status and records from every server, or the differences. */
async function compare(
  servers: readonly StaticServer[],
  names: readonly string[],
): Promise<string[]> {
  const mismatches: string[] = [];
  for (const name of names) {
    for (const type of ['A', 'NS', 'SOA']) {
      const answers = await Promise.all(
        servers.map(async (s) => ({
          server: s.server,
          answer: await digAnswer(s.port, name, type),
        })),
      );
      const [first, ...rest] = answers;
      for (const other of rest) {
        if (JSON.stringify(other.answer) !== JSON.stringify(first!.answer))
          mismatches.push(
            `${name} ${type}: ${first!.server} ${JSON.stringify(first!.answer)} / ${other.server} ${JSON.stringify(other.answer)}`,
          );
      }
    }
  }
  return mismatches;
}
