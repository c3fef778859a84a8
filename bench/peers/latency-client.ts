// Latency workload client: 1 KiB request, 1 KiB echoed response, one kept-alive connection.
// Args: <host> <port> <warmup> <rounds> <deadlineMs>
import { connect } from 'node:net';

import { peerArg, peerNumber } from './peer-args.js';
import { reportResult } from './report-ready.js';

const MESSAGE = Buffer.alloc(1024, 0x62);
const host = peerArg(0, 'host');
const port = Number(peerArg(1, 'port'));
const warmup = peerNumber(2, 500);
const rounds = peerNumber(3, 5_000);
const deadline = Date.now() + peerNumber(4, 30_000);

const samplesMs: number[] = [];
let awaiting = 0;
let sentAt = 0n;
let round = 0;

const socket = connect({ host, port, noDelay: true });

function sendNext(): void {
  if (round >= warmup + rounds || Date.now() > deadline) {
    finish();
    return;
  }
  awaiting = MESSAGE.length;
  sentAt = process.hrtime.bigint();
  socket.write(MESSAGE);
}

function finish(): void {
  samplesMs.sort((a, b) => a - b);
  reportResult({
    rounds: samplesMs.length,
    p50Ms: percentile(samplesMs, 0.5),
    p99Ms: percentile(samplesMs, 0.99),
  });
  socket.destroy();
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

socket.on('connect', sendNext);
socket.on('data', (chunk: Buffer) => {
  awaiting -= chunk.length;
  if (awaiting > 0) return;
  if (round >= warmup) samplesMs.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
  round += 1;
  sendNext();
});
socket.on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
