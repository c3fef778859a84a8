// `npm run bench:writer-latency`: what single-writer routing adds to a write inside one region.
// One router on loopback holds the lease and exports one HTTP backend (its own process) three
// ways: as a single-writer HTTP service, as a plain HTTP service, and as a TCP service. A
// keep-alive client sends the same small POST, one at a time, directly to the backend and
// through each import, in interleaved rounds so drift on a shared machine hits all paths alike.
// Prints p50/p95/p99 per path and the single-writer cost against the TCP import and the direct
// connection; writes bench/results/writer-latency.json.
// Usage: node dist/bench/split-brain/writer-latency.js [--requests 400] [--rounds 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { stopChild } from '../../src/demo/index.js';
import { ClustersetFixture } from '../../test/support/clusterset-fixture.js';
import { summarizeLatencies } from '../discovery/latency-summary.js';
import { formatFigure, textTable } from '../discovery/text-table.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '400' },
    rounds: { type: 'string', default: '10' },
  },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const WARMUP = 300;
const RESULTS = new URL('../../../bench/results/writer-latency.json', import.meta.url);
const BODY = JSON.stringify({ id: 'op-1', account: 'acct-0', amount: 5 });

/** Answers every request with a small JSON body saying whether a fencing token came with it. */
const BACKEND = `
const server = require('node:http').createServer((req, res) => {
  let n = 0;
  req.on('data', (c) => (n += c.length));
  req.on('end', () => {
    const text = JSON.stringify({ fenced: req.headers['causeway-fencing-token'] !== undefined, bytes: n });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

interface Path {
  name: string;
  port: number;
  agent: Agent;
  samples: number[];
  fenced: number;
}

function post(path: Path): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: path.port,
        method: 'POST',
        path: '/ops',
        agent: path.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          if (res.statusCode !== 200)
            return reject(new Error(`${path.name}: status ${res.statusCode ?? 0}: ${text}`));
          if ((JSON.parse(text) as { fenced: boolean }).fenced) path.fenced += 1;
          resolve(performance.now() - started);
        });
      },
    );
    req.on('error', reject);
    req.end(BODY);
  });
}

async function startBackend(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', BACKEND], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', (code) => reject(new Error(`backend exited ${code}`)));
  });
  return { child, port };
}

async function main(): Promise<void> {
  const fx = await ClustersetFixture.create();
  const backend = await startBackend();
  try {
    await fx.initClusterset(['w']);
    const dir = fx.dir('w');
    await fx.cli([
      'lease',
      'store',
      '--file',
      join(fx.root, 'leases.json'),
      '--ttl',
      '10s',
      '--dir',
      dir,
    ]);
    const to = `127.0.0.1:${backend.port}`;
    await fx.cli([
      'expose',
      'sw',
      '--namespace',
      'bench',
      '--port',
      '80',
      '--to',
      to,
      '--protocol',
      'http',
      '--writes',
      'single-writer',
      '--lease',
      'payments-writer',
      '--dir',
      dir,
    ]);
    await fx.cli([
      'expose',
      'web',
      '--namespace',
      'bench',
      '--port',
      '80',
      '--to',
      to,
      '--protocol',
      'http',
      '--dir',
      dir,
    ]);
    await fx.cli([
      'expose',
      'raw',
      '--namespace',
      'bench',
      '--port',
      '80',
      '--to',
      to,
      '--dir',
      dir,
    ]);
    for (const name of ['sw', 'web', 'raw'])
      await fx.cli([
        'import',
        name,
        '--namespace',
        'bench',
        '--listen',
        '127.0.0.1:0',
        '--dir',
        dir,
      ]);
    await fx.startRouter('w', ['--hold-lease', 'payments-writer']);
    await fx.waitFor('w', (s) =>
      s.leases.some((l) => l.name === 'payments-writer' && l.live && l.holder === 'w'),
    );
    const port = async (name: string): Promise<number> =>
      (await fx.importAddress('w', `${name}.bench`)).port;
    const make = (name: string, p: number): Path => ({
      name,
      port: p,
      agent: new Agent({ keepAlive: true, maxSockets: 1 }),
      samples: [],
      fenced: 0,
    });
    const paths = [
      make('direct to the backend', backend.port),
      make('TCP import', await port('raw')),
      make('HTTP import (any writer)', await port('web')),
      make('single-writer import (write)', await port('sw')),
    ];

    for (const path of paths) for (let i = 0; i < WARMUP; i++) await post(path);
    for (const path of paths) path.fenced = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating order: no path always runs right after another's garbage.
      const order = paths.map((_, i) => paths[(i + round) % paths.length] as Path);
      for (const path of order)
        for (let i = 0; i < REQUESTS; i++) path.samples.push(await post(path));
    }
    report(paths);
    for (const path of paths) path.agent.destroy();
  } finally {
    await fx.close();
    await stopChild(backend.child);
  }
}

function report(paths: Path[]): void {
  const summaries = paths.map((p) => ({
    name: p.name,
    fenced: p.fenced,
    ...summarizeLatencies(p.samples),
  }));
  const [direct, tcp, http, single] = summaries;
  if (direct === undefined || tcp === undefined || http === undefined || single === undefined)
    return;
  const rows = [['path', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 added vs direct', 'fenced']];
  for (const s of summaries)
    rows.push([
      s.name,
      formatFigure(s.p50),
      formatFigure(s.p95),
      formatFigure(s.p99),
      formatFigure(s.p50 - direct.p50),
      `${s.fenced}/${s.n}`,
    ]);
  process.stdout.write(
    `${textTable(`write latency through one router, ${ROUNDS} rounds × ${REQUESTS} sequential POSTs per path`, rows)}\n`,
  );
  const addedVsTcp = single.p50 - tcp.p50;
  process.stdout.write(
    `single-writer routing adds ${formatFigure(addedVsTcp * 1000)} µs at p50 over the TCP import of the same backend (goal ≤ 200 µs: ${addedVsTcp <= 0.2 ? 'met' : 'NOT met'}), ` +
      `${formatFigure((single.p50 - http.p50) * 1000)} µs over plain HTTP proxying (the lease decision and fencing headers), ` +
      `${formatFigure((single.p50 - direct.p50) * 1000)} µs over a direct connection\n`,
  );
  void mkdir(new URL('.', RESULTS), { recursive: true })
    .then(() =>
      writeFile(
        RESULTS,
        `${JSON.stringify({ at: new Date().toISOString(), requests: REQUESTS, rounds: ROUNDS, paths: summaries, addedVsTcpMs: addedVsTcp }, null, 2)}\n`,
      ),
    )
    .catch((err: unknown) =>
      process.stderr.write(`cannot write results: ${(err as Error).message}\n`),
    );
}

await main();
