import type { Logger, RouterMetrics } from '../observability/index.js';
import type { LinkStateDb } from './link-state-db.js';
import { signEndpoints, verifyEndpoints } from './signed-endpoints.js';
import {
  decodeControl,
  encodeSiteAdvert,
  isNewerAdvert,
  peekAdvertVersion,
  type SiteAdvert,
} from './site-advert.js';

/** A peer an advert can be sent to (a live link's session, when it has one). */
export interface AdvertPeer {
  readonly peer: string;
  pickSession(): { sendControl(payload: Buffer): void } | undefined;
}

/** What this site says about itself; the exchange adds the version and the signature. */
export type OwnAdvertContent = Omit<
  SiteAdvert,
  'type' | 'origin' | 'epoch' | 'seq' | 'endpoints'
> & { endpoints: string[] };

export interface AdvertExchangeDeps {
  self: string;
  epoch: number;
  lsdb: LinkStateDb;
  peers(): Iterable<AdvertPeer>;
  /** The site's key and certificate (signing its endpoints) and the clusterset CA (checking others'). */
  material(): { keyPem: string; certPem: string; caPem: string; trustDomain: string };
  /** Another site's signed link endpoints, verified. */
  learnEndpoints(site: string, addresses: readonly string[]): void;
  /** Origins whose adverts are dropped unread (revoked sites), when given. */
  refusesOrigin?(origin: string): boolean;
  /** The link-state database changed (an advert applied, ours or a peer's). */
  changed(): void;
  now(): number;
  metrics: RouterMetrics;
  logger: Logger;
}

/**
 * The advert protocol of one site: publishes its own advert when its content changed, floods
 * every newer advert to the other peers, drops the duplicates of a flood before decoding them, and
 * gives a new peer everything known (first sync).
 */
export class AdvertExchange {
  private seq = 0;
  /** Our advert's content as last flooded, so an unchanged state does not bump the sequence. */
  private lastAdvertised = '';

  constructor(private readonly deps: AdvertExchangeDeps) {}

  /** Re-announces this site when `content` differs from what was last flooded. */
  publish(content: OwnAdvertContent): void {
    const serialized = JSON.stringify(content);
    if (serialized === this.lastAdvertised) return;
    this.lastAdvertised = serialized;
    this.seq += 1;
    const { endpoints, ...rest } = content;
    const version = { origin: this.deps.self, epoch: this.deps.epoch, seq: this.seq };
    const { keyPem, certPem } = this.deps.material();
    // Signed, so a site that relays our advert cannot point other sites' links elsewhere.
    const signed =
      endpoints.length === 0
        ? {}
        : { endpoints: signEndpoints(version, endpoints, keyPem, certPem) };
    const advert: SiteAdvert = { type: 'site', ...version, ...rest, ...signed };
    this.deps.lsdb.setOwn(advert, this.deps.now());
    this.deps.changed();
    this.flood(advert, undefined);
  }

  /** A new peer gets everything we know; only changes follow. */
  syncPeer(session: { sendControl(payload: Buffer): void }): void {
    for (const advert of this.deps.lsdb.all()) session.sendControl(encodeSiteAdvert(advert));
  }

  /** A control message from `peer`: applied and flooded on when it is a newer advert. */
  receive(peer: string, payload: Buffer): void {
    const { lsdb, self, logger } = this.deps;
    // Most copies of a flood are duplicates in a dense mesh: drop them before the full decode.
    const version = peekAdvertVersion(payload);
    if (
      version !== undefined &&
      version.origin !== self &&
      (!isNewerAdvert(lsdb.get(version.origin), version) || this.refuses(version.origin))
    )
      return;
    try {
      const message = decodeControl(payload);
      if (message.type === 'unknown') {
        logger.debug({ peer, message: message.name }, 'ignoring unknown control message');
        return;
      }
      if (this.refuses(message.origin)) return;
      const foreign =
        message.endpoints !== undefined && message.origin !== self ? message.endpoints : undefined;
      if (foreign !== undefined) verifyEndpoints(message, foreign, this.deps.material());
      if (lsdb.apply(message, this.deps.now()) !== 'applied') return;
      if (foreign !== undefined) this.deps.learnEndpoints(message.origin, foreign.addresses);
      this.flood(message, peer);
      this.deps.changed();
      logger.debug({ peer, origin: message.origin, seq: message.seq }, 'site advert applied');
    } catch (err) {
      this.deps.metrics.controlErrors.inc({
        peer,
        code: (err as { code?: string }).code ?? 'error',
      });
      logger.warn({ peer, err }, 'control message refused');
    }
  }

  private refuses(origin: string): boolean {
    return this.deps.refusesOrigin?.(origin) === true;
  }

  /** Sends an advert to every live peer except the one it came from. */
  private flood(advert: SiteAdvert, from: string | undefined): void {
    const payload = encodeSiteAdvert(advert);
    for (const link of this.deps.peers()) {
      if (link.peer === from) continue;
      link.pickSession()?.sendControl(payload);
    }
  }
}
