// Idle-flow client: opens <count> connections to an echo target, proves each end to end with
// one echoed byte, reports `OPEN <ok> <errors>`, then holds them until stdin closes or SIGTERM.
// Args: <host> <port> <count> <parallel>
import { connect, type Socket } from 'node:net';

import { peerArg, peerNumber } from './peer-args.js';

const OPEN_TIMEOUT_MS = 10_000;
const host = peerArg(0, 'host');
const port = Number(peerArg(1, 'port'));
const count = peerNumber(2, 10_000);
const parallel = peerNumber(3, 256);

const held: Socket[] = [];
let started = 0;
let settled = 0;
let errors = 0;

function openOne(): void {
  started += 1;
  const socket = connect({ host, port });
  socket.setTimeout(OPEN_TIMEOUT_MS, () => socket.destroy(new Error('timeout')));
  socket.once('connect', () => socket.write('x'));
  socket.once('data', () => {
    socket.setTimeout(0);
    held.push(socket);
    settle();
  });
  socket.on('error', () => undefined);
  socket.once('close', () => {
    if (!held.includes(socket)) {
      errors += 1;
      settle();
    }
  });
}

function settle(): void {
  settled += 1;
  if (started < count) openOne();
  if (settled === count) process.stdout.write(`OPEN ${held.length} ${errors}\n`);
}

function closeAll(): void {
  for (const socket of held) socket.destroy();
  process.exit(0);
}

process.on('SIGTERM', closeAll);
process.stdin.on('end', closeAll);
process.stdin.resume();
for (let i = 0; i < Math.min(parallel, count); i += 1) openOne();
