import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago, for tools (stunnel, iperf3) that cannot report
 * the port they bound. Racy in principle; fine on a bench machine that runs nothing else.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
