import { X509Certificate } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type SecureContextOptions, type Server, type TLSSocket } from 'node:tls';
import { siteIdentityOf } from '../pki/index.js';
import { ALPN_LINK, ALPN_REDEEM } from './alpn.js';
import { certificateChain, type TlsMaterial } from './tls-material.js';

export interface LinkListenerEvents {
  /** A verified peer site connected for a link. */
  link(socket: TLSSocket, peerSite: string): void;
  /** Someone connected to redeem a token (no client certificate needed yet). */
  redeem(socket: TLSSocket): void;
  /** A connection was refused; `reason` is a short stable word for metrics. */
  rejected(reason: string, detail: Record<string, unknown>): void;
  /** Why a verified peer site is refused all the same (e.g. `certificate-revoked`); undefined admits it. */
  refusal?(peerSite: string): string | undefined;
  /** Whether a new connection from this address may start a handshake (per-source rate limit). */
  admitSource?(address: string): boolean;
}

const HANDSHAKE_TIMEOUT_MS = 10_000;
/** A refused client gets this long to read our close_notify before the socket is torn down. */
const REFUSAL_LINGER_MS = 1_000;

/** The link port: TLS 1.3 only, client certificates verified against the clusterset CA. */
export class LinkListener {
  private readonly server: Server;
  private material: TlsMaterial;

  constructor(
    material: TlsMaterial,
    private readonly events: LinkListenerEvents,
  ) {
    this.material = material;
    this.server = createServer({
      ...this.contextOptions(material),
      // Checked by hand below, so every refusal gets a precise log line and metric.
      requestCert: true,
      rejectUnauthorized: false,
      ALPNProtocols: [ALPN_LINK, ALPN_REDEEM],
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    // Before TLS: a source over its rate costs us no handshake.
    const limited = new WeakSet<object>();
    this.server.on('connection', (socket: Socket) => {
      const address = socket.remoteAddress ?? '';
      if (events.admitSource?.(address) !== false) return;
      events.rejected('handshake-rate', { remote: address });
      limited.add(socket);
      socket.destroy();
    });
    this.server.on('secureConnection', (socket) => this.accept(socket));
    this.server.on('tlsClientError', (err, socket) => {
      // The TLS socket over a connection cut by the rate limit fails too: counted once, above.
      if (limited.has((socket as { _parent?: object })._parent ?? {})) return;
      const code = (err as NodeJS.ErrnoException).code;
      // OpenSSL already sent no_application_protocol: the client offered none of our ALPN ids.
      const reason = code === 'ERR_SSL_NO_APPLICATION_PROTOCOL' ? 'alpn' : 'handshake';
      events.rejected(reason, { error: err.message, code, remote: socket.remoteAddress });
      socket.destroy();
    });
    this.server.on('error', (err: Error) => events.rejected('listener', { error: err.message }));
  }

  /** Binds the port; resolves with the bound address (port 0 picks a free one). */
  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /** New certificate or CA (after joining a clusterset): applies to new connections. */
  updateMaterial(material: TlsMaterial): void {
    this.material = material;
    this.server.setSecureContext(this.contextOptions(material));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private contextOptions(material: TlsMaterial): SecureContextOptions {
    return {
      key: material.keyPem,
      cert: certificateChain(material),
      ca: [material.caPem],
      minVersion: 'TLSv1.3',
    };
  }

  private accept(socket: TLSSocket): void {
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    if (socket.alpnProtocol === ALPN_REDEEM) {
      this.events.redeem(socket);
      return;
    }
    if (socket.alpnProtocol !== ALPN_LINK) {
      this.refuse(socket, 'alpn', { remote, alpn: socket.alpnProtocol });
      return;
    }
    if (!socket.authorized) {
      // Without a client certificate Node reports UNABLE_TO_GET_ISSUER_CERT, which would read as "untrusted".
      const presented = Object.keys(socket.getPeerCertificate()).length > 0;
      this.refuse(
        socket,
        presented ? certificateReason(socket.authorizationError) : 'certificate-missing',
        { remote, error: String(socket.authorizationError) },
      );
      return;
    }
    const peer = socket.getPeerCertificate();
    try {
      const peerSite = siteIdentityOf(new X509Certificate(peer.raw), this.material.trustDomain);
      const refusal = this.events.refusal?.(peerSite);
      if (refusal !== undefined) this.refuse(socket, refusal, { remote, peer: peerSite });
      else this.events.link(socket, peerSite);
    } catch (err) {
      this.refuse(socket, 'identity', { remote, err });
    }
  }

  private refuse(socket: TLSSocket, reason: string, detail: Record<string, unknown>): void {
    this.events.rejected(reason, detail);
    // Node verifies client certificates only after the handshake (its OpenSSL verify callback
    // always accepts), so no unknown_ca alert is possible here; close_notify is the TLS alert we
    // can send, and it tells the client the session was ended on purpose, not lost.
    socket.end();
    setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS).unref();
  }
}

/** Maps OpenSSL's verification error to a short metric label. */
function certificateReason(error: Error | string | null | undefined): string {
  const text = String(error ?? '');
  if (text.includes('EXPIRED')) return 'certificate-expired';
  if (text.includes('NOT_YET_VALID')) return 'certificate-not-yet-valid';
  if (text.includes('UNABLE_TO') || text.includes('SELF_SIGNED')) return 'certificate-untrusted';
  return 'certificate-invalid';
}
