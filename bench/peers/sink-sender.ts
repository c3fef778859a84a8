// Node throughput fallback when iperf3 is absent: writes 64 KiB chunks for <seconds>, honouring
// back-pressure, then ends and waits for the sink's byte count. Args: <host> <port> <seconds>
import { connect } from 'node:net';

import { peerArg, peerNumber } from './peer-args.js';
import { reportResult } from './report-ready.js';

const CHUNK = Buffer.alloc(64 * 1024, 0x61);
const host = peerArg(0, 'host');
const port = Number(peerArg(1, 'port'));
const seconds = peerNumber(2, 3);

const socket = connect({ host, port });
const reply: Buffer[] = [];
let started = 0n;

function pump(deadline: number): void {
  while (Date.now() < deadline) {
    if (!socket.write(CHUNK)) {
      socket.once('drain', () => pump(deadline));
      return;
    }
  }
  socket.end();
}

socket.on('connect', () => {
  started = process.hrtime.bigint();
  pump(Date.now() + seconds * 1_000);
});
socket.on('data', (chunk: Buffer) => reply.push(chunk));
socket.on('end', () => {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const received = Number(Buffer.concat(reply).readBigUInt64BE(0));
  reportResult({ bytes: received, seconds, gbps: (received * 8) / seconds / 1e9 });
});
socket.on('error', (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
