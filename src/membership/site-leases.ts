import type { SiteConfig } from '../config/index.js';
import {
  LeaseHolder,
  LeaseView,
  openLeaseBackend,
  type LeaseBackend,
  type LeaseRecord,
  type LeaseState,
} from '../lease/index.js';
import { publishEvent, type LeaseChangeEvent, type Logger } from '../observability/index.js';
import type { LeaseReport } from '../api/index.js';

export interface SiteLeasesOptions {
  config: SiteConfig;
  siteDir: string;
  /** Leases to hold besides `leases.hold` of the config (`site run --hold-lease`). */
  hold: readonly string[];
  /** The partition view's verdict: only a majority-side site acquires or renews. */
  onMajoritySide: () => boolean;
  logger: Logger;
}

/**
 * A router's leases: the store from the site config, a watch of every lease its single-writer
 * imports route by, and the holder loop for the leases this site should hold. The store is
 * opened only once some lease is needed, so sites without single-writer services touch nothing.
 */
export class SiteLeases {
  readonly #options: SiteLeasesOptions;
  readonly #hold: readonly string[];
  #backend: LeaseBackend | undefined;
  #view: LeaseView | undefined;
  #holder: LeaseHolder | undefined;

  constructor(options: SiteLeasesOptions) {
    this.#options = options;
    this.#hold = [...new Set([...options.config.leases.hold, ...options.hold])].sort();
  }

  /** Starts the holder loop when this site holds leases. */
  start(): void {
    if (this.#hold.length === 0) return;
    const { config, onMajoritySide, logger } = this.#options;
    const site = config.site.id;
    this.#holder = new LeaseHolder({
      backend: this.#store(),
      holder: config.site.id,
      names: this.#hold,
      ttlMs: config.leases.ttlMs,
      mayHold: onMajoritySide,
      events: {
        acquired: (lease) => {
          publishLease(site, 'acquired', lease.name, lease);
          logger.info(
            {
              lease: lease.name,
              fencingToken: lease.fencingToken,
              expiresAt: new Date(lease.expiresAt).toISOString(),
            },
            'lease acquired: this site takes writes',
          );
        },
        heldElsewhere: (lease) => {
          publishLease(site, 'held-elsewhere', lease.name, lease);
          logger.info(
            { lease: lease.name, holder: lease.holder, fencingToken: lease.fencingToken },
            'lease held by another site',
          );
        },
        standingDown: (name) => {
          publishLease(site, 'standing-down', name, undefined);
          logger.warn(
            { lease: name },
            'minority side: not acquiring or renewing the lease (it lapses at its expiry)',
          );
        },
        error: (name, err) =>
          logger.warn({ lease: name, err }, 'lease store unavailable: cannot acquire or renew'),
      },
    });
    this.#holder.start();
    this.track([]);
  }

  /** Watches these leases (plus the held ones) and no others. */
  track(names: Iterable<string>): void {
    const wanted = new Set([...names, ...this.#hold]);
    if (wanted.size === 0 && this.#view === undefined) return;
    this.#watcher().track(wanted);
  }

  state(name: string): LeaseState {
    return this.#view?.state(name) ?? { known: false, lease: undefined };
  }

  report(now = Date.now()): LeaseReport[] {
    return (this.#view?.all() ?? []).map(({ name, known, lease }) => ({
      name,
      known,
      holder: lease?.holder ?? null,
      fencingToken: lease?.fencingToken ?? null,
      expiresAt: lease === undefined ? null : new Date(lease.expiresAt).toISOString(),
      live: lease !== undefined && lease.expiresAt > now,
      holding: this.#hold.includes(name),
    }));
  }

  async close(): Promise<void> {
    this.#holder?.stop();
    if (this.#view !== undefined) await this.#view.close();
    else await this.#backend?.close();
  }

  #store(): LeaseBackend {
    this.#backend ??= openLeaseBackend(this.#options.config.leases, this.#options.siteDir);
    return this.#backend;
  }

  #watcher(): LeaseView {
    if (this.#view !== undefined) return this.#view;
    const { logger } = this.#options;
    const describe = (lease: LeaseRecord | undefined): Record<string, unknown> =>
      lease === undefined
        ? { holder: null }
        : {
            holder: lease.holder,
            fencingToken: lease.fencingToken,
            expiresAt: new Date(lease.expiresAt).toISOString(),
          };
    const lastHolder = new Map<string, string>();
    this.#view = new LeaseView(this.#store(), {
      changed: (name, lease) => {
        publishLease(this.#options.config.site.id, 'changed', name, lease);
        // Renewals only move the expiry: logged at debug, a change of holder or token at info.
        const key = lease === undefined ? '' : `${lease.holder}/${lease.fencingToken}`;
        const level = lastHolder.get(name) === key ? 'debug' : 'info';
        lastHolder.set(name, key);
        logger[level]({ lease: name, ...describe(lease) }, 'lease changed');
      },
      error: (name, err) =>
        logger.warn(
          { lease: name, err },
          'lease watch interrupted; routing by the last known lease until it expires',
        ),
    });
    return this.#view;
  }
}

/** Tells `causeway:lease:change` observers (the metrics among them) what this site saw of a lease. */
function publishLease(
  site: string,
  kind: LeaseChangeEvent['kind'],
  lease: string,
  record: LeaseRecord | undefined,
): void {
  publishEvent('leaseChange', () => ({
    site,
    lease,
    kind,
    holder: record?.holder ?? null,
    fencingToken: record?.fencingToken ?? null,
    expiresAt: record?.expiresAt ?? null,
  }));
}
