import { connect, createServer, type Server } from 'node:net';

export interface Address {
  host: string;
  port: number;
}

/**
 * Reads everything a server sends until it closes. With `request`, writes it first, as HTTP or
 * Redis clients do (the flow's first bytes then travel with its OPEN).
 */
export function readAll(address: Address, request?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, address.host, () => {
      if (request !== undefined) socket.write(request);
    });
    let text = '';
    socket.setTimeout(10_000, () =>
      socket.destroy(new Error(`no answer from ${address.host}:${address.port} in 10 s`)),
    );
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('end', () => resolve(text.trim()));
    socket.on('error', reject);
  });
}

/** Sends `payload`, half-closes, and collects everything until the server's FIN. */
export function roundTrip(address: Address, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(address.port, address.host);
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('round trip timed out')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.end(payload);
  });
}

/** An echo backend that keeps half-close: it ends its side once the client has. */
export async function startEchoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => undefined); // health probes reset their connections
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port };
}

/** A loopback port that was free a moment ago: nothing listens there (a dead backend), or listen on it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
