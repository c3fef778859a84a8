import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import type { SessionEvents } from './mux-session.js';

/** A connected loopback TCP pair: real sockets, no TLS (a session does not care). */
export async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  const [accepted] = (await once(server, 'connection')) as [Socket];
  await once(client, 'connect');
  server.close();
  return [client, accepted];
}

/** Session callbacks that ignore everything but what a test overrides. */
export function sessionEvents(overrides: Partial<SessionEvents> = {}): SessionEvents {
  return {
    stream: () => undefined,
    hello: () => undefined,
    control: () => undefined,
    goAway: () => undefined,
    rtt: () => undefined,
    closed: () => undefined,
    ...overrides,
  };
}
