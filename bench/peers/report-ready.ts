import type { Server } from 'node:net';

/** Prints `READY <port>` once `server` listens, the line `startPeer` waits for. */
export function reportReady(server: Server): void {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`READY ${port}\n`);
}

/** Prints the one `RESULT {...}` line `runPeer` parses. */
export function reportResult(result: object): void {
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}
