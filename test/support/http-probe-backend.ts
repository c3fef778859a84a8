import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** One request as the backend saw it. */
export interface SeenRequest {
  site: string;
  method: string;
  url: string;
  fencingToken: string | undefined;
  lease: string | undefined;
  leaseHolder: string | undefined;
  bodyBytes: number;
  /** Order of arrival at this backend. */
  seq: number;
}

/**
 * A real HTTP backend for one site that answers every request with what it saw (site, fencing
 * headers, body size, arrival order) and speaks a tiny upgraded protocol (`Upgrade: shout`:
 * echoes bytes upper-cased), so tests can tell where each request and tunnel landed.
 */
export class HttpProbeBackend {
  readonly seen: SeenRequest[] = [];
  private constructor(
    readonly site: string,
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(site: string, host = '127.0.0.1'): Promise<HttpProbeBackend> {
    let backend: HttpProbeBackend | undefined;
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const seen = backend?.record(req, body.length);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(seen));
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (req.headers.upgrade !== 'shout') {
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: shout\r\nConnection: Upgrade\r\nX-Site: ${site}\r\n\r\n`,
      );
      // Bytes that came in the same read as the request head are handed over here, not as data.
      if (head.length > 0) socket.write(head.toString('latin1').toUpperCase());
      socket.on('data', (chunk: Buffer) => socket.write(chunk.toString('latin1').toUpperCase()));
      socket.on('end', () => socket.end());
    });
    // CONNECT: answers 200 naming the site and the fencing token it was given, then echoes upper-cased.
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.write(
        `HTTP/1.1 200 Connection Established\r\nX-Site: ${site}\r\nX-Fencing-Token: ${String(req.headers['causeway-fencing-token'] ?? '')}\r\n\r\n`,
      );
      if (head.length > 0) socket.write(head.toString('latin1').toUpperCase());
      socket.on('data', (chunk: Buffer) => socket.write(chunk.toString('latin1').toUpperCase()));
      socket.on('end', () => socket.end());
    });
    server.listen(0, host);
    await once(server, 'listening');
    backend = new HttpProbeBackend(site, server, (server.address() as { port: number }).port);
    return backend;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(req: IncomingMessage, bodyBytes: number): SeenRequest {
    const header = (name: string): string | undefined =>
      typeof req.headers[name] === 'string' ? req.headers[name] : undefined;
    const seen: SeenRequest = {
      site: this.site,
      method: req.method ?? '',
      url: req.url ?? '',
      fencingToken: header('causeway-fencing-token'),
      lease: header('causeway-lease'),
      leaseHolder: header('causeway-lease-holder'),
      bodyBytes,
      seq: this.seen.length,
    };
    this.seen.push(seen);
    return seen;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
