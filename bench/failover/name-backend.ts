import { createServer, type Server, type Socket } from 'node:net';

/**
 * A request/response backend that answers each connection's first line with its name. `kill`
 * closes the listening socket (new connections are refused, as when the process behind it died)
 * and `revive` listens again on the same port.
 */
export class NameBackend {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    readonly name: string,
    readonly host = '127.0.0.1',
  ) {}

  async listen(): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined); // health probes and routers going away reset these
      socket.once('data', () => socket.end(`${this.name}\n`));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  /** Stops listening: new connections are refused, the ones open finish. */
  kill(): void {
    this.server?.close();
    this.server = undefined;
  }

  /** Kills it for good, resetting the connections it still holds. */
  close(): void {
    this.kill();
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  revive(): Promise<number> {
    return this.listen();
  }
}
