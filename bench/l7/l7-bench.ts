// `npm run bench:l7`: HTTP/1.1 keep-alive and HTTP/2 (h2c) requests/s with p50/p99 through two
// Causeway routers (an import at one site, the export at another) and through two nginx reverse
// proxies on the same loopback path, and gRPC unary calls/s through an import vs direct; all in
// one run, with the load average at start and end (the machine is shared).
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ClustersetFixture } from '../../test/support/clusterset-fixture.js';
import { startGreeter } from '../../test/support/grpc-greeter.js';
import { freePort } from '../process/free-port.js';
import { grpcUnaryRate } from './grpc-calls.js';
import { h2load, type LoadFigures } from './h2load-run.js';
import { startBackend, startProxyPair, type NginxInstance } from './nginx-pair.js';

const H1 = {
  h1: true,
  requests: Number(process.env.L7_H1_REQUESTS ?? 20_000),
  clients: 8,
  streams: 1,
};
const H2 = {
  h1: false,
  requests: Number(process.env.L7_H2_REQUESTS ?? 40_000),
  clients: 4,
  streams: 16,
};
const GRPC_CALLS = Number(process.env.L7_GRPC_CALLS ?? 10_000);
const GRPC_IN_FLIGHT = 32;

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  console.log(`load average at start: ${load()} (${cpus().length} cores)`);
  const scratch = await mkdtemp(join(tmpdir(), 'causeway-l7-'));
  const nginx: NginxInstance[] = [];
  const fx = await ClustersetFixture.create();
  const greeter = await startGreeter('origin');
  try {
    const ports = {
      h1: await freePort(),
      h2: await freePort(),
      inner: await freePort(),
      backend: await freePort(),
      backendH2: await freePort(),
    };
    nginx.push(await startBackend(join(scratch, 'backend'), ports.backend, ports.backendH2));
    nginx.push(...(await startProxyPair(join(scratch, 'pair'), ports)));
    const imports = await causewayPair(fx, ports.backend, ports.backendH2, greeter.port);
    const log = join(scratch, 'h2load.log');
    const rows: Array<[string, string, LoadFigures]> = [];
    for (const [protocol, options, nginxUrl, causewayUrl] of [
      ['HTTP/1.1 keep-alive', H1, `http://127.0.0.1:${ports.h1}/`, `http://${imports.h1}/`],
      ['HTTP/2 (h2c)', H2, `http://127.0.0.1:${ports.h2}/`, `http://${imports.h2}/`],
    ] as const) {
      // A short warm-up of each path (connections, JIT) outside the measured runs.
      await h2load(nginxUrl, { ...options, requests: 1000, logFile: log });
      await h2load(causewayUrl, { ...options, requests: 1000, logFile: log });
      rows.push([protocol, 'nginx pair', await h2load(nginxUrl, { ...options, logFile: log })]);
      rows.push([
        protocol,
        'causeway pair',
        await h2load(causewayUrl, { ...options, logFile: log }),
      ]);
    }
    console.log(
      '\nprotocol              path            req/s     p50 ms   p99 ms   failed   vs nginx',
    );
    for (const [protocol, path, f] of rows) {
      const baseline = rows.find(([p, name]) => p === protocol && name === 'nginx pair')?.[2];
      const ratio =
        baseline === undefined
          ? ''
          : `${(f.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)}x`;
      console.log(
        `${protocol.padEnd(22)}${path.padEnd(16)}${f.requestsPerSecond.toFixed(0).padStart(7)}  ${f.p50Ms.toFixed(2).padStart(8)} ${f.p99Ms.toFixed(2).padStart(8)} ${String(f.failed).padStart(8)}   ${ratio}`,
      );
    }
    const direct = await grpcUnaryRate(`127.0.0.1:${greeter.port}`, GRPC_CALLS, GRPC_IN_FLIGHT);
    const through = await grpcUnaryRate(imports.grpc, GRPC_CALLS, GRPC_IN_FLIGHT);
    console.log(`\ngRPC unary (${GRPC_CALLS} calls, ${GRPC_IN_FLIGHT} in flight on one channel)`);
    console.log(
      `  direct          ${direct.callsPerSecond.toFixed(0)} calls/s (${direct.failed} failed)`,
    );
    console.log(
      `  through import  ${through.callsPerSecond.toFixed(0)} calls/s (${through.failed} failed), ${(through.callsPerSecond / direct.callsPerSecond).toFixed(2)}x direct`,
    );
  } finally {
    await fx.close();
    await greeter.close();
    for (const n of nginx) await n.stop();
    await rm(scratch, { recursive: true, force: true });
    console.log(`\nload average at end: ${load()}`);
  }
}

/** Two linked sites: `origin` exports the backend's ports, `edge` imports them; returns the import addresses. */
async function causewayPair(
  fx: ClustersetFixture,
  h1Port: number,
  h2Port: number,
  grpcPort: number,
): Promise<{ h1: string; h2: string; grpc: string }> {
  await fx.initClusterset(['origin', 'edge']);
  await fx.startRouter('origin');
  await fx.startRouter('edge');
  await fx.link('edge', 'origin');
  const exports = [
    ['web-h1', h1Port, ['--protocol', 'http']],
    ['web-h2', h2Port, ['--app-protocol', 'h2c']],
    ['greeter', grpcPort, ['--app-protocol', 'grpc']],
  ] as const;
  const out: Record<string, string> = {};
  for (const [name, port, flags] of exports) {
    await fx.cli([
      'expose',
      name,
      '--namespace',
      'bench',
      '--port',
      '8080',
      '--to',
      `127.0.0.1:${port}`,
      ...flags,
      '--dir',
      fx.dir('origin'),
    ]);
    await fx.cli([
      'import',
      name,
      '--namespace',
      'bench',
      '--listen',
      '127.0.0.1:0',
      '--dir',
      fx.dir('edge'),
    ]);
    const address = await fx.importAddress('edge', `${name}.bench`);
    out[name] = `${address.host}:${address.port}`;
  }
  return { h1: out['web-h1'] ?? '', h2: out['web-h2'] ?? '', grpc: out.greeter ?? '' };
}

await main();
