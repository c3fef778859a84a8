import type { UdpDropReason } from '../../observability/index.js';
import { ResetCode } from '../../transport/index.js';
import type { DatagramPath, PathEvents } from './datagram-path.js';
import type { SessionTraffic } from './udp-timing.js';

/** How a session reaches a site: opened on its first datagram and again after a failure. */
export type OpenPath = (
  exclude: ReadonlySet<string>,
  events: PathEvents,
) => { site: string; path: DatagramPath } | undefined;

/** Reset codes that say the site could not serve the session, so the next datagram goes elsewhere. */
const FAILOVER: ReadonlySet<number> = new Set([
  ResetCode.BackendUnreachable,
  ResetCode.ConnectTimeout,
  ResetCode.NoRoute,
  ResetCode.LinkLost,
  ResetCode.Refused,
  ResetCode.PeerReset,
  ResetCode.ProtocolError,
]);

/** What a session tells its listener. */
export interface SessionEvents {
  /** A datagram for the client. */
  reply(payload: Buffer): void;
  /** The site serving the session failed with `code`; the session stays and fails over. */
  failed(site: string, code: number): void;
  /** The session moved to `site` (its first one, or after a failure). */
  placed(site: string, failover: boolean): void;
}

/**
 * One client address and port of a UDP import. Sticks to the site it was first sent to, as a TCP
 * flow does, until that site fails (link lost, no route, the backend's ICMP port unreachable):
 * then the next datagram opens a path to another site, the failed one left out while others serve.
 */
export class UdpSession {
  readonly traffic: SessionTraffic = { toBackend: 0, toClient: 0 };
  readonly bytes = { toBackend: 0, toClient: 0 };
  private current: Placed | undefined;
  private readonly failedSites = new Set<string>();
  private closed = false;

  constructor(
    private readonly open: OpenPath,
    private readonly events: SessionEvents,
  ) {}

  /** The site serving the session now, if any. */
  get site(): string | undefined {
    return this.current?.site;
  }

  /** A datagram from the client; the reason when it was dropped. */
  fromClient(payload: Buffer): UdpDropReason | undefined {
    if (this.closed) return 'sessions';
    const current = this.current ?? this.place();
    if (current === undefined) return 'no-endpoint';
    const dropped = current.path.send(payload);
    if (dropped === undefined) {
      this.traffic.toBackend += 1;
      this.bytes.toBackend += payload.length;
    }
    return dropped;
  }

  close(code: number = ResetCode.IdleTimeout): void {
    this.closed = true;
    this.current?.path.close(code);
    this.current = undefined;
  }

  private place(): Placed | undefined {
    const failover = this.failedSites.size > 0;
    let placed = this.openOnce();
    // Every site failed once: try them all again rather than give up on the client.
    if (placed === undefined && failover) {
      this.failedSites.clear();
      placed = this.openOnce();
    }
    if (placed === undefined) return undefined;
    this.current = placed;
    this.events.placed(placed.site, failover);
    return placed;
  }

  private openOnce(): Placed | undefined {
    const slot: { placed?: Placed } = {};
    const placed = this.open(this.failedSites, {
      datagram: (payload) => {
        this.traffic.toClient += 1;
        this.bytes.toClient += payload.length;
        this.events.reply(payload);
      },
      ended: (code) => this.pathEnded(slot.placed, code),
    });
    if (placed !== undefined) slot.placed = placed;
    return placed;
  }

  private pathEnded(placed: Placed | undefined, code: number): void {
    if (this.closed || placed === undefined || this.current !== placed) return;
    this.current = undefined;
    if (!FAILOVER.has(code)) return;
    this.failedSites.add(placed.site);
    this.events.failed(placed.site, code);
  }
}

type Placed = { site: string; path: DatagramPath };
