import { createServer, type Server } from 'node:net';

/**
 * A TCP backend that answers with its name and closes: tests see which site served a flow.
 * `waitForRequest` answers only after the client's first bytes (a request/response protocol).
 * Health probes and routers going away reset its sockets; that is expected and ignored.
 */
export async function startNameServer(
  name: string,
  options: { waitForRequest?: boolean } = {},
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    if (options.waitForRequest === true) socket.once('data', () => socket.end(`${name}\n`));
    else socket.end(`${name}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}
