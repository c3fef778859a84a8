import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HostPort } from '../config/index.js';
import { siteIdentityOf } from '../pki/index.js';
import { ALPN_LINK } from './alpn.js';
import { backoffDelay } from './backoff.js';
import { certificateChain, type TlsMaterial } from './tls-material.js';

export interface DialTarget {
  readonly peer: string;
  readonly endpoints: readonly HostPort[];
  readonly connections: number;
}

export interface DialerEvents {
  /** A verified connection to the peer; resolves when the session on it has ended. */
  connected(socket: TLSSocket): Promise<void>;
  failed(error: Error, attempt: number, retryInMs: number): void;
}

const CONNECT_TIMEOUT_MS = 5_000;
/** A session that lived this long counts as healthy: the next failure starts back-off from scratch. */
const HEALTHY_SESSION_MS = 2_000;

/** Keeps `connections` TLS connections to one peer open, re-dialing with back-off and jitter. */
export class LinkDialer {
  private stopped = false;
  private endpoints: readonly HostPort[];

  constructor(
    private readonly target: DialTarget,
    private readonly material: () => TlsMaterial,
    private readonly events: DialerEvents,
  ) {
    this.endpoints = target.endpoints;
  }

  /** Dials these first from the next attempt on (the peer's newest advertised endpoints); the configured ones stay as fallback. */
  useEndpoints(learned: readonly HostPort[]): void {
    const all = [...learned, ...this.target.endpoints];
    this.endpoints = all.filter(
      (e, i) => all.findIndex((o) => o.host === e.host && o.port === e.port) === i,
    );
  }

  /** The endpoints dialed, in order. */
  get dialing(): readonly HostPort[] {
    return this.endpoints;
  }

  start(): void {
    for (let slot = 0; slot < this.target.connections; slot++) void this.runSlot(slot);
  }

  stop(): void {
    this.stopped = true;
  }

  private async runSlot(slot: number): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const endpoint = this.endpoints[(attempt + slot) % this.endpoints.length] as HostPort;
      const startedAt = Date.now();
      try {
        const socket = await dialPeer(endpoint, this.target.peer, this.material());
        if (this.stopped) {
          socket.destroy();
          return;
        }
        await this.events.connected(socket);
        attempt = Date.now() - startedAt > HEALTHY_SESSION_MS ? 0 : attempt + 1;
      } catch (err) {
        attempt += 1;
        const delay = backoffDelay(attempt);
        this.events.failed(err as Error, attempt, delay);
        await sleep(delay);
        continue;
      }
      if (!this.stopped) await sleep(backoffDelay(attempt));
    }
  }
}

/** Dials one TLS 1.3 link connection and checks the peer is the site we meant to reach. */
export function dialPeer(
  endpoint: HostPort,
  peer: string,
  material: TlsMaterial,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: endpoint.host,
      port: endpoint.port,
      key: material.keyPem,
      cert: certificateChain(material),
      ca: [material.caPem],
      minVersion: 'TLSv1.3',
      ALPNProtocols: [ALPN_LINK],
      servername: isIP(endpoint.host) === 0 ? endpoint.host : undefined,
      checkServerIdentity: (_host, cert) => {
        try {
          const id = siteIdentityOf(new X509Certificate(cert.raw), material.trustDomain);
          return id === peer
            ? undefined
            : new Error(
                `endpoint ${endpoint.host}:${endpoint.port} is site "${id}", not "${peer}"`,
              );
        } catch (err) {
          return err as Error;
        }
      },
    });
    const timer = setTimeout(
      () => socket.destroy(new Error(`TLS connect to ${endpoint.host}:${endpoint.port} timed out`)),
      CONNECT_TIMEOUT_MS,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
