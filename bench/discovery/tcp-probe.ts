import { connect, createServer, type Server } from 'node:net';

/** Connects, reads until the peer ends, and returns the text; undefined on any error or timeout. */
export function readGreeting(
  host: string,
  port: number,
  timeoutMs = 500,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let text = '';
    const done = (value: string | undefined): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => done(text.trim()));
    socket.on('error', () => done(undefined));
  });
}

/** A backend that greets every connection with `greeting` and closes it. */
export async function startGreetingBackend(
  greeting: string,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    // The exporting router's health checks connect and reset; a reset greeting is no failure here.
    socket.on('error', () => socket.destroy());
    socket.end(`${greeting}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}
