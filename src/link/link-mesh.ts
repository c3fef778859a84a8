import type { TLSSocket } from 'node:tls';
import type { LinkConfig, SiteConfig } from '../config/index.js';
import { formatHostPort, parseHostPort, type HostPort } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { HandshakeLimiter } from './handshake-limiter.js';
import { decodeHello, encodeHello } from './hello.js';
import { LinkDialer } from './link-dialer.js';
import { NO_IMPAIRMENT, type LinkImpairment } from './link-impairment.js';
import { LinkListener } from './link-listener.js';
import { PeerLink } from './peer-link.js';
import type { TlsMaterial } from './tls-material.js';
import { publishEvent, type Logger, type RouterMetrics } from '../observability/index.js';
import { MuxSession, ResetCode, type MuxStream, type SessionRole } from '../transport/index.js';

/** What the mesh hands up to the router. */
export interface MeshEvents {
  /** A peer opened a flow towards this site. */
  stream(peer: string, stream: MuxStream, open: Buffer): void;
  control(peer: string, payload: Buffer): void;
  /** The first connection to a peer came up; `session` is where to send it our state. */
  linkUp(peer: string, session: MuxSession): void;
  /** Another connection to an already-up peer came up. */
  sessionUp(peer: string, session: MuxSession): void;
  linkDown(peer: string): void;
  redeem(socket: TLSSocket): void;
  /** The peer removed our link: this side must stop dialing it. */
  linkRemoved(peer: string): void;
  /** Whether a CONTROL payload still crosses a link a drill cuts (the drill's own messages do). */
  passesCut?(payload: Buffer): boolean;
  /** A connection came up to a peer a drill cuts: only what passes the cut may use it. */
  cutSessionUp?(peer: string, session: MuxSession): void;
}

/**
 * All links of this site: the link listener, one dialer per configured link, and one
 * PeerLink per peer holding its live connections in either direction.
 */
export class LinkMesh {
  readonly peers = new Map<string, PeerLink>();
  private readonly dialers = new Map<string, { dialer: LinkDialer; config: LinkConfig }>();
  private listener: LinkListener | undefined;
  /** Each peer's newest endpoints from its signed adverts, kept for dialers started later. */
  private readonly learned = new Map<string, HostPort[]>();
  /** Peers whose link this site removed: refused at HELLO and told so. */
  private removed: ReadonlySet<string> = new Set();
  /** Revoked sites: their certificates are refused at the handshake, never dialed again. */
  private readonly revoked = new Set<string>();
  /** Per-source rate of new connections on the link port. */
  private readonly handshakes = new HandshakeLimiter(() => ({
    perSecond: this.timing().handshakesPerSecond,
    burst: this.timing().handshakeBurst,
  }));
  /** Links removed on either side, forgotten once their last connection closes. */
  private readonly retiring = new WeakSet<PeerLink>();
  /** What drills in force do to the links; see `impair`. */
  private impairment: LinkImpairment = NO_IMPAIRMENT;
  /** Cut links whose loss is not noticed yet, by peer: the timer that declares them lost. */
  private readonly detecting = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly site: () => SiteConfig['site'],
    private readonly timing: () => SiteConfig['link'],
    private readonly material: () => TlsMaterial,
    private readonly epoch: number,
    private readonly logger: Logger,
    private readonly metrics: RouterMetrics,
    private readonly events: MeshEvents,
  ) {}

  /** Opens the link port; resolves with the bound address. */
  async listen(listen: string): Promise<{ host: string; port: number }> {
    const { host, port } = parseHostPort(listen, 'link.listen', true);
    this.listener = new LinkListener(this.material(), {
      link: (socket, peer) => void this.attach(socket, 'acceptor', peer),
      refusal: (peer) => (this.revoked.has(peer) ? 'certificate-revoked' : undefined),
      admitSource: (address) => this.handshakes.admit(address),
      redeem: (socket) => this.events.redeem(socket),
      rejected: (reason, detail) => {
        this.metrics.linkRejections.inc({ reason });
        this.logger.warn({ reason, ...detail }, 'link connection refused');
      },
    });
    try {
      const address = await this.listener.listen(host, port);
      return { host: address.address, port: address.port };
    } catch (err) {
      this.listener = undefined;
      throw err;
    }
  }

  /** Applies a new certificate/CA to the listener (new connections use it). */
  refreshMaterial(): void {
    this.listener?.updateMaterial(this.material());
  }

  /** Starts dialers for new links, stops removed ones, restarts changed ones. */
  reconcile(links: readonly LinkConfig[]): void {
    const wanted = new Map(links.map((l) => [l.peer, l]));
    for (const [peer, { dialer, config }] of this.dialers) {
      const next = wanted.get(peer);
      if (next === undefined || JSON.stringify(next) !== JSON.stringify(config)) {
        dialer.stop();
        this.dialers.delete(peer);
        const link = this.peers.get(peer);
        // A removed link is no longer "connecting": it is down until the peer dials us.
        if (link !== undefined && next === undefined) link.dialed = false;
        link?.closeAll();
        if (link !== undefined && next === undefined) this.retire(link);
      }
    }
    for (const [peer, config] of wanted) {
      if (this.dialers.has(peer) || this.revoked.has(peer)) continue;
      const link = this.peerLink(peer, config.cost, true);
      link.cost = config.cost;
      const dialer = new LinkDialer(
        {
          peer,
          endpoints: config.endpoints.map((e) => parseHostPort(e, `links[${peer}].endpoints`)),
          connections: config.connections,
        },
        this.material,
        {
          connected: (socket) => this.attach(socket, 'dialer', peer),
          failed: (error, attempt, retryInMs) => {
            link.lastError = error.message;
            link.dialFailures += 1;
            this.metrics.linkDialFailures.inc({ peer });
            this.metrics.linkDialFailing.set({ peer }, link.dialFailures);
            this.logger.warn(
              { peer, attempt, retryInMs, failures: link.dialFailures, err: error },
              'link dial failed',
            );
          },
        },
      );
      const learned = this.learned.get(peer);
      if (learned !== undefined) dialer.useEndpoints(learned);
      link.endpoints = dialer.dialing.map(formatHostPort);
      link.dialFailures = 0;
      this.dialers.set(peer, { dialer, config });
      dialer.start();
    }
  }

  /** A peer's current endpoints, from its verified advert: its dialer tries them first from now on. */
  learnEndpoints(peer: string, addresses: readonly string[]): void {
    const parsed = addresses.flatMap((a) => {
      try {
        return [parseHostPort(a, 'advert endpoints')];
      } catch {
        return [];
      }
    });
    if (parsed.length === 0) return;
    const before = this.learned.get(peer);
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(parsed)) return;
    this.learned.set(peer, parsed);
    const entry = this.dialers.get(peer);
    if (entry === undefined) return;
    entry.dialer.useEndpoints(parsed);
    const link = this.peers.get(peer);
    if (link !== undefined) link.endpoints = entry.dialer.dialing.map(formatHostPort);
    this.logger.info(
      { peer, endpoints: addresses },
      "link endpoints learned from the peer's advert",
    );
  }

  /** Refuses these peers from now on, closing their live connections with the reason. */
  refuse(peers: ReadonlySet<string>): void {
    this.removed = peers;
    for (const peer of peers) {
      const link = this.peers.get(peer);
      if (link === undefined) continue;
      link.dialed = false;
      link.goAwayAll(
        linkRemovedPayload(this.site().id),
        new CausewayError(ErrorCode.LinkRemoved, `this site removed its link to ${peer}`),
      );
      this.retire(link);
    }
  }

  /**
   * Revokes `peer` for good: its dialer stops, its live connections close with CW_SITE_REVOKED and
   * its certificate is refused at every later handshake (`certificate-revoked`).
   */
  revoke(peer: string): void {
    this.revoked.add(peer);
    const entry = this.dialers.get(peer);
    entry?.dialer.stop();
    this.dialers.delete(peer);
    const link = this.peers.get(peer);
    if (link === undefined) return;
    link.dialed = false;
    const error = new CausewayError(ErrorCode.SiteRevoked, `site ${peer} is revoked`);
    link.goAwayAll(
      Buffer.from(JSON.stringify({ code: error.code, message: error.message })),
      error,
    );
    this.retire(link);
  }

  /**
   * A removed link leaves `status` once its last connection has closed: listed on, it would read
   * as an inbound link that is down, a peer expected back, when neither side will link again.
   */
  private retire(link: PeerLink): void {
    this.retiring.add(link);
    this.forgetIfIdle(link);
  }

  private forgetIfIdle(link: PeerLink): void {
    if (link.sessionCount > 0 || this.dialers.has(link.peer) || this.peers.get(link.peer) !== link)
      return;
    this.retiring.delete(link);
    this.peers.delete(link.peer);
  }

  /**
   * Applies what drills do to the links. A newly cut link carries nothing but drill messages at
   * once, and counts as lost after the liveness bound (`link.deadAfterMs`), as a real partition
   * is noticed; its connections are then closed, and those that come back are kept for drill
   * messages only. A link no longer cut comes up again on a live connection.
   */
  impair(next: LinkImpairment): void {
    this.impairment = next;
    for (const link of this.peers.values()) {
      for (const s of link.liveSessions) s.delayInbound(next.inboundDelay(link.peer));
      const cut = next.cuts(link.peer);
      if (cut && link.cut === undefined) this.startCut(link);
      else if (!cut && link.cut !== undefined) this.endCut(link);
    }
  }

  private startCut(link: PeerLink): void {
    link.cut = 'detecting';
    this.logger.warn({ peer: link.peer }, 'drill: link traffic dropped');
    const timer = setTimeout(() => {
      this.detecting.delete(link.peer);
      if (link.cut !== 'detecting') return;
      const reason = new CausewayError(ErrorCode.Timeout, 'a failure drill cuts this link');
      for (const s of link.liveSessions) s.close(reason);
      link.lastError = reason.message;
      link.cut = 'down';
    }, this.timing().deadAfterMs);
    timer.unref();
    this.detecting.set(link.peer, timer);
  }

  private endCut(link: PeerLink): void {
    clearTimeout(this.detecting.get(link.peer));
    this.detecting.delete(link.peer);
    const was = link.cut;
    link.cut = undefined;
    this.logger.info({ peer: link.peer }, 'drill: link traffic carried again');
    const session = link.pickSession();
    if (was === 'down' && session !== undefined) this.announceUp(link, session);
  }

  isUp(peer: string): boolean {
    return this.peers.get(peer)?.state === 'up';
  }

  async close(): Promise<void> {
    for (const { dialer } of this.dialers.values()) dialer.stop();
    for (const link of this.peers.values()) link.closeAll();
    for (const timer of this.detecting.values()) clearTimeout(timer);
    await this.listener?.close();
  }

  private peerLink(peer: string, cost: number, dialed: boolean): PeerLink {
    let link = this.peers.get(peer);
    if (link === undefined) {
      link = new PeerLink(peer, cost, dialed);
      // A peer first seen while a drill cuts it (say after a restart) never comes up until it ends.
      if (this.impairment.cuts(peer)) link.cut = 'down';
      this.peers.set(peer, link);
    }
    if (dialed) link.dialed = true;
    return link;
  }

  /** Runs one link connection until it closes; resolves then (the dialer re-dials after). */
  private attach(socket: TLSSocket, role: SessionRole, peer: string): Promise<void> {
    const timing = this.timing();
    return new Promise((resolve) => {
      let link: PeerLink | undefined;
      const session = new MuxSession(
        socket,
        { role, pingIntervalMs: timing.pingIntervalMs, deadAfterMs: timing.deadAfterMs },
        {
          hello: (payload) => {
            try {
              const hello = decodeHello(payload);
              if (hello.site !== peer)
                throw new CausewayError(
                  ErrorCode.PeerIdentity,
                  `HELLO says site "${hello.site}" but the certificate says "${peer}"`,
                );
              if (this.revoked.has(peer))
                throw new CausewayError(ErrorCode.SiteRevoked, `site ${peer} is revoked`);
              if (this.removed.has(peer))
                throw new CausewayError(
                  ErrorCode.LinkRemoved,
                  `site ${this.site().id} removed its link to ${peer}; a new token links them again`,
                );
              link = this.peerLink(peer, 1, role === 'dialer' || this.dialers.has(peer));
              link.zone = hello.zone;
              link.region = hello.region;
              link.lastError = undefined;
              this.onSessionUp(link, session);
            } catch (err) {
              const reason =
                err instanceof CausewayError && err.code === ErrorCode.ProtocolVersion
                  ? 'protocol-version'
                  : err instanceof CausewayError && err.code === ErrorCode.LinkRemoved
                    ? 'removed'
                    : err instanceof CausewayError && err.code === ErrorCode.SiteRevoked
                      ? 'certificate-revoked'
                      : 'hello';
              this.metrics.linkRejections.inc({ reason });
              this.logger.warn({ peer, err }, 'link refused after handshake');
              session.goAway(
                Buffer.from(
                  JSON.stringify({
                    code: (err as CausewayError).code ?? 'error',
                    message: (err as Error).message,
                  }),
                ),
                err as Error,
              );
            }
          },
          stream: (stream, open) =>
            link?.cut === undefined
              ? this.events.stream(peer, stream, open)
              : stream.reset(ResetCode.LinkLost),
          control: (payload) => {
            if (link?.cut !== undefined && this.events.passesCut?.(payload) !== true) return;
            this.events.control(peer, payload);
          },
          goAway: (payload) => {
            this.logger.warn(
              { peer, reason: payload.toString('utf8').slice(0, 512) },
              'peer is closing the link',
            );
            if (goAwayCode(payload) !== ErrorCode.LinkRemoved) return;
            if (this.dialers.has(peer)) this.events.linkRemoved(peer);
            // The dialer removed the link it made to us: it will not dial again, so the link is not merely down.
            else if (link !== undefined) this.retiring.add(link);
          },
          rtt: (ms) => this.metrics.linkRtt.set({ peer }, ms / 1000),
          closed: (reason) => {
            if (link !== undefined) this.onSessionDown(link, session, reason);
            resolve();
          },
        },
      );
      session.sendHello(encodeHello(this.site(), this.epoch));
    });
  }

  private onSessionUp(link: PeerLink, session: MuxSession): void {
    // The peer dials us again (a link it keeps, or a new token): the link is current once more.
    this.retiring.delete(link);
    const first = link.add(session);
    this.metrics.linkSessions.set({ peer: link.peer }, link.sessionCount);
    session.delayInbound(this.impairment.inboundDelay(link.peer));
    if (link.cut !== undefined && (first || link.cut === 'down')) {
      // Nothing above the link hears of it: to them the peer stays lost until the drill ends.
      clearTimeout(this.detecting.get(link.peer));
      link.cut = 'down';
      this.events.cutSessionUp?.(link.peer, session);
      return;
    }
    if (!first) {
      this.events.sessionUp(link.peer, session);
      return;
    }
    this.announceUp(link, session);
  }

  /** Tells the areas above that the link is up (a new connection, or a drill's cut ended). */
  private announceUp(link: PeerLink, session: MuxSession): void {
    link.dialFailures = 0;
    this.metrics.linkDialFailing.set({ peer: link.peer }, 0);
    publishEvent('linkUp', () => ({
      site: this.site().id,
      peer: { site: link.peer, zone: link.zone, region: link.region },
    }));
    this.logger.info({ peer: link.peer, zone: link.zone, region: link.region }, 'link up');
    this.events.linkUp(link.peer, session);
  }

  private onSessionDown(link: PeerLink, session: MuxSession, reason: Error | undefined): void {
    const down = link.remove(session);
    this.metrics.linkSessions.set({ peer: link.peer }, link.sessionCount);
    // A link a drill cut counts as lost already: its drill-only connections come and go unseen.
    if (!down || link.cut === 'down') return;
    link.lastError = reason?.message;
    publishEvent('linkDown', () => ({
      site: this.site().id,
      peer: { site: link.peer, zone: link.zone, region: link.region },
      error: reason,
    }));
    this.logger.warn({ peer: link.peer, err: reason }, 'link down');
    this.events.linkDown(link.peer);
    if (this.retiring.has(link)) this.forgetIfIdle(link);
  }
}

/** The GOAWAY that tells a peer its link here was removed (the same shape as other refusals). */
function linkRemovedPayload(site: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      code: ErrorCode.LinkRemoved,
      message: `site ${site} removed this link; a new token links again`,
    }),
  );
}

/** The error code a GOAWAY carries, when it is one of ours. */
function goAwayCode(payload: Buffer): string | undefined {
  try {
    const code = (JSON.parse(payload.toString('utf8')) as { code?: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}
