// Connection-rate client: keeps <concurrency> connections in flight for <seconds>; each one
// connects, reads the server's byte and closes. Args: <host> <port> <concurrency> <seconds>
import { connect } from 'node:net';

import { peerArg, peerNumber } from './peer-args.js';
import { reportResult } from './report-ready.js';

const PER_CONNECTION_TIMEOUT_MS = 5_000;
const host = peerArg(0, 'host');
const port = Number(peerArg(1, 'port'));
const concurrency = peerNumber(2, 64);
const seconds = peerNumber(3, 3);

const started = Date.now();
const stopAt = started + seconds * 1_000;
let completed = 0;
let errors = 0;
let inFlight = 0;

function openOne(): void {
  inFlight += 1;
  let gotByte = false;
  const socket = connect({ host, port });
  socket.setTimeout(PER_CONNECTION_TIMEOUT_MS, () => socket.destroy(new Error('timeout')));
  socket.on('data', () => {
    gotByte = true;
    socket.end();
  });
  socket.on('error', () => undefined); // counted on close, below
  socket.on('close', () => {
    inFlight -= 1;
    if (gotByte) completed += 1;
    else errors += 1;
    refill();
  });
}

function refill(): void {
  while (inFlight < concurrency && Date.now() < stopAt) openOne();
  if (inFlight === 0) {
    const elapsed = (Date.now() - started) / 1_000;
    reportResult({ completed, errors, seconds: elapsed, perSecond: completed / elapsed });
  }
}

refill();
