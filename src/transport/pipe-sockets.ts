import type { Socket } from 'node:net';
import type { FlowOutcome } from './flow-bridge.js';
import { ResetCode } from './reset-code.js';

/**
 * Joins two local TCP sockets (a client and a backend on the same site) with the same
 * guarantees as a bridged flow: back-pressure via pipe, FIN as FIN, reset as reset.
 */
export function pipeSockets(a: Socket, b: Socket, onDone: (outcome: FlowOutcome) => void): void {
  let done = false;
  let bytesIn = 0;
  let bytesOut = 0;
  a.on('data', (c: Buffer) => (bytesIn += c.length));
  b.on('data', (c: Buffer) => (bytesOut += c.length));
  a.pipe(b);
  b.pipe(a);
  const abort = (by: 'local' | 'remote') => (err?: Error) => {
    if (done || err === undefined) return;
    done = true;
    a.resetAndDestroy();
    b.resetAndDestroy();
    onDone({ kind: 'reset', by, code: ResetCode.PeerReset, bytesIn, bytesOut });
  };
  a.on('error', abort('local'));
  b.on('error', abort('remote'));
  let closed = 0;
  const closeOne = (): void => {
    closed += 1;
    if (closed < 2 || done) return;
    done = true;
    onDone({ kind: 'closed', bytesIn, bytesOut });
  };
  a.on('close', (hadError) => (hadError ? abort('local')(new Error('closed')) : closeOne()));
  b.on('close', (hadError) => (hadError ? abort('remote')(new Error('closed')) : closeOne()));
}
