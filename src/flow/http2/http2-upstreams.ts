import { connect as connectHttp2, type ClientHttp2Session } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { Duplex } from 'node:stream';
import { parseHostPort } from '../../config/index.js';
import { CausewayError, ErrorCode } from '../../errors/index.js';
import type { Endpoint } from '../../services/index.js';
import { MuxDuplex, type MuxStream } from '../../transport/index.js';
import type { BackendTls } from './http2-port.js';

/** Opens a flow to `site` for the import's service port (undefined when no route). */
export type FlowOpener = (site: string) => MuxStream | undefined;

/**
 * Windows of upstream sessions: the HTTP/2 default of 64 KiB stalls a stream after one window
 * per round trip, and a cross-region round trip is tens of milliseconds. The link's own flow
 * control (transport/mux-stream.ts) still bounds memory per flow.
 */
const STREAM_WINDOW = 1 << 20;
const SESSION_WINDOW = 8 << 20;
/** An idle upstream session is closed after this; a new request opens another. */
const IDLE_SESSION_MS = 60_000;

export interface UpstreamTarget {
  endpoint: Endpoint;
  /** The service's clusterset name: the authority sessions are opened for. */
  authority: string;
  tls: BackendTls | undefined;
  openFlow: FlowOpener;
  connectTimeoutMs: number;
}

/**
 * One HTTP/2 session per destination of an import (a local backend, or another site over one
 * Causeway flow), shared by every request sent there: a request is a stream, so per-request
 * balancing costs no connection. A session that fails or is told GOAWAY is dropped, and the
 * next request opens a fresh one.
 */
export class Http2Upstreams {
  readonly #sessions = new Map<string, ClientHttp2Session>();

  /** The session for `key`, opened when there is none; undefined when no flow can be opened. */
  sessionFor(key: string, describe: () => UpstreamTarget): ClientHttp2Session | undefined {
    const current = this.#sessions.get(key);
    if (current !== undefined && !current.closed && !current.destroyed) return current;
    const target = describe();
    const transport = openTransport(target);
    if (transport === undefined) return undefined;
    const session = connectHttp2(
      `${target.tls === undefined ? 'http' : 'https'}://${target.authority}`,
      {
        createConnection: () => transport,
        settings: { initialWindowSize: STREAM_WINDOW, enablePush: false },
        peerMaxConcurrentStreams: 1000,
      },
    );
    session.once('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
    session.setTimeout(IDLE_SESSION_MS, () => {
      if (session.closed) return;
      session.close();
    });
    const forget = (): void => {
      if (this.#sessions.get(key) === session) this.#sessions.delete(key);
    };
    // A session's failure reaches its streams (they fail and the request is retried or
    // answered); here it only leaves the pool.
    session.on('error', forget);
    session.once('goaway', forget);
    session.once('close', forget);
    this.#sessions.set(key, session);
    return session;
  }

  close(): void {
    for (const session of this.#sessions.values()) session.destroy();
    this.#sessions.clear();
  }
}

/** The byte stream a session runs on: TCP to a local backend or a flow to another site, TLS on top when the backend speaks it. */
function openTransport(target: UpstreamTarget): Duplex | undefined {
  const { endpoint } = target;
  let raw: Duplex;
  if (endpoint.kind === 'local') {
    const { host, port } = parseHostPort(endpoint.target.to, 'exports.to');
    const socket = connectTcp({ host, port, noDelay: true });
    socket.setTimeout(target.connectTimeoutMs, () =>
      socket.destroy(
        new CausewayError(
          ErrorCode.Timeout,
          `backend ${endpoint.target.to} did not accept in ${target.connectTimeoutMs} ms`,
        ),
      ),
    );
    socket.once('connect', () => socket.setTimeout(0));
    raw = socket;
  } else {
    const stream = target.openFlow(endpoint.site);
    if (stream === undefined) return undefined;
    raw = new MuxDuplex(stream);
  }
  if (target.tls === undefined) return raw;
  return connectTls({
    socket: raw,
    // ALPN says which protocol the backend must speak: a backend without h2 fails the handshake
    // rather than answering HTTP/1.1 bytes to an HTTP/2 client.
    ALPNProtocols: ['h2'],
    servername: target.tls.serverName ?? target.authority,
    ...(target.tls.ca === undefined ? {} : { ca: target.tls.ca }),
  });
}
