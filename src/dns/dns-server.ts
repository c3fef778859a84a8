import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { answerMessage, type DnsTransport } from './answer-message.js';
import { normalizeAnswerOptions, type AnswerOptions } from './answer-options.js';
import { DnsStats, type DnsStatsSnapshot } from './dns-stats.js';
import type { DnsView } from './dns-view.js';
import { encodeTcpFrame, TcpFrameReader } from './tcp-frame-reader.js';

/** The part of a pino logger the server uses. */
export interface DnsLogger {
  warn(obj: object, msg: string): void;
}

export interface DnsServerOptions extends Partial<AnswerOptions> {
  logger?: DnsLogger;
  /** RFC 7766 §6.2.3 leaves the idle timeout to the server; a few seconds frees slots held by idle clients. */
  tcpIdleTimeoutMs?: number;
  /** Connections beyond this are refused by the kernel backlog rather than held open. */
  tcpMaxConnections?: number;
}

export interface DnsServerAddress {
  host: string;
  port: number;
}

const DEFAULT_TCP_IDLE_TIMEOUT_MS = 10_000;
const DEFAULT_TCP_MAX_CONNECTIONS = 1024;
// A client that pipelines queries but never reads would grow our write buffer without bound.
const MAX_TCP_UNSENT_BYTES = 1 << 20;
// With port 0 the UDP port is the kernel's pick and TCP may already hold it; a few tries find one free on both.
const BIND_ATTEMPTS = 5;

/** Authoritative DNS for the clusterset and site-targeted zones, on UDP and TCP at the same port. */
export class DnsServer {
  private readonly options: AnswerOptions;
  private readonly counters = new DnsStats();
  private readonly connections = new Set<Socket>();
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private bound: DnsServerAddress | undefined;

  constructor(
    private readonly view: DnsView,
    private readonly serverOptions: DnsServerOptions = {},
  ) {
    this.options = normalizeAnswerOptions(serverOptions);
  }

  /** Binds UDP, then TCP on the same port; port 0 picks a port free for both. */
  async listen(host = '127.0.0.1', port = 53): Promise<DnsServerAddress> {
    if (this.bound !== undefined)
      throw new CausewayError(
        ErrorCode.ConfigInvalid,
        `DNS server already listening on ${this.bound.host}:${this.bound.port}`,
      );
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp(host, port);
      const udpPort = udp.address().port;
      try {
        this.tcp = await this.listenTcp(host, udpPort);
      } catch (err) {
        udp.close();
        const retry =
          port === 0 &&
          attempt < BIND_ATTEMPTS &&
          (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
        if (retry) continue;
        throw bindError('TCP', host, udpPort, err);
      }
      this.udp = udp;
      this.bound = { host, port: udpPort };
      return this.bound;
    }
  }

  /** Where the server listens, once `listen` resolved. */
  address(): DnsServerAddress | undefined {
    return this.bound;
  }

  /** Counters by transport and rcode since construction. */
  stats(): DnsStatsSnapshot {
    return this.counters.snapshot();
  }

  /** Stops both listeners and drops open TCP connections. */
  async close(): Promise<void> {
    const { udp, tcp } = this;
    this.udp = undefined;
    this.tcp = undefined;
    this.bound = undefined;
    for (const socket of this.connections) socket.destroy();
    const closing: Promise<unknown>[] = [];
    if (udp !== undefined) closing.push(new Promise<void>((resolve) => udp.close(() => resolve())));
    if (tcp !== undefined) closing.push(new Promise<void>((resolve) => tcp.close(() => resolve())));
    await Promise.all(closing);
  }

  private async bindUdp(host: string, port: number): Promise<UdpSocket> {
    const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    try {
      udp.bind({ address: host, port, exclusive: true });
      await once(udp, 'listening');
    } catch (err) {
      udp.close();
      throw bindError('UDP', host, port, err);
    }
    udp.on('error', (err) => this.serverOptions.logger?.warn({ err }, 'DNS UDP socket error'));
    udp.on('message', (message, peer) => {
      const reply = this.respond(message, 'udp');
      // Port 0 cannot be answered; such datagrams are spoofed or broken anyway.
      if (reply === undefined || peer.port === 0) return;
      udp.send(reply, peer.port, peer.address, (err) => {
        if (err)
          this.serverOptions.logger?.warn(
            { err, peer: `${peer.address}:${peer.port}` },
            'DNS UDP send failed',
          );
      });
    });
    return udp;
  }

  private async listenTcp(host: string, port: number): Promise<Server> {
    const server = createServer((socket) => this.acceptTcp(socket));
    server.maxConnections = this.serverOptions.tcpMaxConnections ?? DEFAULT_TCP_MAX_CONNECTIONS;
    server.listen({ host, port, exclusive: true });
    try {
      await once(server, 'listening');
    } catch (err) {
      server.close();
      throw err;
    }
    server.on('error', (err) => this.serverOptions.logger?.warn({ err }, 'DNS TCP listener error'));
    return server;
  }

  /** RFC 7766: several queries per connection, answered in order, until the client goes quiet. */
  private acceptTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    // Resets and aborted connections are routine for DNS clients; the socket closes and is forgotten.
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    socket.setTimeout(this.serverOptions.tcpIdleTimeoutMs ?? DEFAULT_TCP_IDLE_TIMEOUT_MS, () =>
      socket.destroy(),
    );
    const reader = new TcpFrameReader();
    socket.on('data', (chunk: Buffer) => {
      for (const message of reader.push(chunk)) {
        const reply = this.respond(message, 'tcp');
        if (reply === undefined) continue;
        socket.write(encodeTcpFrame(reply));
        if (socket.writableLength > MAX_TCP_UNSENT_BYTES) {
          socket.destroy();
          return;
        }
      }
    });
  }

  private respond(message: Buffer, transport: DnsTransport): Buffer | undefined {
    this.counters.received(transport);
    const answer = answerMessage(message, transport, this.view, this.options);
    if (answer === undefined) {
      this.counters.dropped();
      return undefined;
    }
    this.counters.answered(answer.rcode, answer.truncated);
    if (answer.error !== undefined)
      this.serverOptions.logger?.warn(
        { err: answer.error, transport, rcode: answer.rcode },
        'DNS answer failed; sent an error rcode',
      );
    return answer.bytes;
  }
}

function bindError(
  protocol: 'UDP' | 'TCP',
  host: string,
  port: number,
  cause: unknown,
): CausewayError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
  return new CausewayError(
    ErrorCode.ConfigInvalid,
    `cannot listen for DNS over ${protocol} on ${host}:${port} (${reason})`,
    {
      cause,
      hint: 'choose a free DNS port, or run with the privilege to bind it',
    },
  );
}
