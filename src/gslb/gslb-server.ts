import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { encodeTcpFrame, TcpFrameReader } from '../dns/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { AnswerCache, type CacheableView } from './answer-cache.js';
import { answerGslbMessage, type GslbMessageAnswer, type GslbTransport } from './gslb-message.js';
import type { GslbView } from './gslb-view.js';

/** Told of every answer sent, for metrics and logs. */
export type GslbAnswerListener = (answer: GslbMessageAnswer, transport: GslbTransport) => void;

const TCP_IDLE_TIMEOUT_MS = 10_000;
const TCP_MAX_CONNECTIONS = 1024;
const MAX_TCP_UNSENT_BYTES = 1 << 20;

/** The GSLB zone's authoritative server on UDP and TCP at one port (RFC 7766 for TCP). */
export class GslbServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();
  private readonly cache: AnswerCache;

  constructor(
    private readonly view: GslbView & CacheableView,
    private readonly onAnswer: GslbAnswerListener = () => undefined,
    /** Called with the time before each answer, so hold-downs are measured on the server's clock. */
    private readonly beforeAnswer: (now: number) => void = () => undefined,
  ) {
    this.cache = new AnswerCache(view);
  }

  /** Binds UDP, then TCP on the same port; port 0 picks one free for both. */
  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    for (let attempt = 1; ; attempt++) {
      const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
      udp.bind({ address: host, port, exclusive: true });
      await once(udp, 'listening').catch((err: unknown) => {
        udp.close();
        throw bindError('UDP', host, port, err);
      });
      const bound = udp.address().port;
      try {
        this.tcp = await this.listenTcp(host, bound);
      } catch (err) {
        udp.close();
        if (port === 0 && attempt < 5 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE')
          continue;
        throw bindError('TCP', host, bound, err);
      }
      this.udp = udp;
      udp.on('message', (message, peer) => {
        const reply = this.respond(message, 'udp', peer.address);
        if (reply !== undefined && peer.port !== 0) udp.send(reply, peer.port, peer.address);
      });
      udp.on('error', () => undefined);
      return { host, port: bound };
    }
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    const { udp, tcp } = this;
    this.udp = undefined;
    this.tcp = undefined;
    await Promise.all([
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp && new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }

  private async listenTcp(host: string, port: number): Promise<Server> {
    const server = createServer((socket) => this.acceptTcp(socket));
    server.maxConnections = TCP_MAX_CONNECTIONS;
    server.listen({ host, port, exclusive: true });
    try {
      await once(server, 'listening');
    } catch (err) {
      server.close();
      throw err;
    }
    return server;
  }

  private acceptTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    socket.setTimeout(TCP_IDLE_TIMEOUT_MS, () => socket.destroy());
    const reader = new TcpFrameReader();
    socket.on('data', (chunk: Buffer) => {
      for (const message of reader.push(chunk)) {
        const reply = this.respond(message, 'tcp', socket.remoteAddress ?? '');
        if (reply === undefined) continue;
        socket.write(encodeTcpFrame(reply));
        // A client that pipelines but never reads would grow our buffer without bound.
        if (socket.writableLength > MAX_TCP_UNSENT_BYTES) return void socket.destroy();
      }
    });
  }

  private respond(message: Buffer, transport: GslbTransport, peer: string): Buffer | undefined {
    const now = Date.now();
    this.beforeAnswer(now);
    // A v4 client on a dual-stack socket shows as ::ffff:a.b.c.d; the region table holds v4 blocks.
    const address = peer.startsWith('::ffff:') ? peer.slice(7) : peer;
    const cached = this.cache.get(message, transport, address, now);
    const answer = cached ?? answerGslbMessage(message, transport, address, this.view);
    if (answer === undefined) return undefined;
    if (cached === undefined) this.cache.put(message, transport, address, answer);
    this.onAnswer(answer, transport);
    return answer.bytes;
  }
}

function bindError(protocol: string, host: string, port: number, cause: unknown): CausewayError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
  return new CausewayError(
    ErrorCode.ConfigInvalid,
    `cannot listen for DNS over ${protocol} on ${host}:${port} (${reason})`,
    { cause, hint: 'choose a free port with --listen, or run with the privilege to bind port 53' },
  );
}
