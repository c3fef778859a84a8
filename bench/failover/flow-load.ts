// The client side of the failover measurements, run as its own process (and, in the namespace
// test, inside the client site's namespace): opens `rate` new TCP flows per second for `seconds`,
// each sending one line and reading the reply that names the backend, and prints one JSON
// FlowRecord per flow on stdout. Bounded: rate × seconds flows, each given at most --timeout-ms.
// Usage: node dist/bench/failover/flow-load.js --host 127.0.0.1 --port 9100 [--rate 200] [--seconds 5] [--timeout-ms 5000]
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { FlowRecord } from './flow-record.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '5' },
    'timeout-ms': { type: 'string', default: '5000' },
  },
});

const host = values.host;
const port = Number(values.port);
const rate = Number(values.rate);
const total = Math.round(rate * Number(values.seconds));
const timeoutMs = Number(values['timeout-ms']);
// A tick every 2 ms keeps the flows evenly spread even at a few hundred per second.
const TICK_MS = 2;

/** One request/response flow: the client speaks first, as HTTP or Redis clients do. */
function runFlow(i: number): Promise<FlowRecord> {
  const start = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port, noDelay: true });
    let reply = '';
    const settle = (outcome: { backend: string } | { error: string; partial?: string }): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ i, start, end: Date.now(), ...outcome });
    };
    const timer = setTimeout(() => settle({ error: 'TIMEOUT' }), timeoutMs);
    socket.once('connect', () => socket.write('hello\n'));
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
    socket.once('end', () =>
      settle(reply.trim() === '' ? { error: 'EMPTY' } : { backend: reply.trim() }),
    );
    socket.once('error', (err: NodeJS.ErrnoException) =>
      settle({
        error: err.code ?? err.message,
        ...(reply === '' ? {} : { partial: reply.trim() }),
      }),
    );
  });
}

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port <= 0 || !(rate > 0) || !(total > 0))
    throw new Error('need --port, a positive --rate and --seconds');
  const flows: Promise<void>[] = [];
  const began = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - began) * rate) / 1000) + 1);
      while (flows.length < due)
        flows.push(
          runFlow(flows.length).then((r) => void process.stdout.write(`${JSON.stringify(r)}\n`)),
        );
      if (flows.length >= total) {
        clearInterval(tick);
        resolve();
      }
    }, TICK_MS);
  });
  await Promise.all(flows);
}

main().catch((err: unknown) => {
  process.stderr.write(`flow-load: ${(err as Error).message}\n`);
  process.exit(1);
});
