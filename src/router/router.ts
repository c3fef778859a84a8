import { rm, writeFile } from 'node:fs/promises';
import type {
  CostGrouping,
  CostReport,
  DrainResult,
  PartitionReport,
  RuntimeInfo,
  StatusReport,
  TrafficReport,
} from '../api/index.js';
import type { SitePaths } from '../config/index.js';
import { drainFlows } from '../flow/index.js';
import { followLinkRemoval, loadSiteMaterial, openLinkPort } from '../link/index.js';
import type { Logger } from '../observability/index.js';
import { systemRuntime, type Timer } from '../runtime/index.js';
import { applySite } from './apply-site.js';
import { publishSite } from './publish-site.js';
import { enforceRevocation } from './revoke-site.js';
import { expireStale, refreshCatalog } from './refresh-catalog.js';
import { loadEffectiveConfig, reloadSite } from './reload-plan.js';
import { buildSiteParts, type RouterOptions, type SiteParts } from './site-parts.js';
import type { SiteState } from './site-state.js';
import { startSiteDns } from './start-dns.js';
import { buildStatus } from './status-report.js';
import { servicesSnapshot, statusSources } from './status-sources.js';

export type { RouterOptions } from './site-parts.js';

/** One site's router: builds the site's areas, connects their events and orders start, reload and stop. */
export class Router {
  private readonly parts: SiteParts;
  private expiry: Timer | undefined;
  readonly metrics: SiteParts['metrics'];
  readonly logger: Logger;
  readonly servicesFeed: SiteParts['servicesFeed'];

  private constructor(paths: SitePaths, state: SiteState, logger: Logger, options: RouterOptions) {
    this.parts = buildSiteParts(
      paths,
      state,
      logger,
      options,
      {
        publish: () => publishSite(this.parts),
        refreshCatalog: () => refreshCatalog(this.parts),
        linkUp: (session) => {
          // A new peer gets everything we know (first sync); only changes follow.
          publishSite(this.parts);
          // Revocations first: the peer drops a revoked site's adverts before it hears them.
          this.parts.revocations.syncPeer(session);
          this.parts.adverts.syncPeer(session);
          this.parts.drills.syncPeer(session);
        },
        redeem: (socket) =>
          void this.parts.desk
            .serve(socket)
            .then((site) => (site === undefined ? undefined : this.parts.removed.readmit(site)))
            .catch((err: unknown) => logger.warn({ err }, 'cannot update removed-peers.json')),
        linkRemoved: (peer) => void followLinkRemoval(paths, peer, () => this.reload(), logger),
        revoked: (revocation) => enforceRevocation(this.parts, revocation.site),
        servicesSnapshot: () => servicesSnapshot(this.parts),
      },
      options.runtime ?? systemRuntime,
    );
    ({ metrics: this.metrics, logger: this.logger, servicesFeed: this.servicesFeed } = this.parts);
  }

  /**
   * Loads the site directory and binds every local listener (DNS, imports) but not the link
   * port, so a start-up that cannot finish never accepted a peer. Errors name the setting at
   * fault; after one, nothing the router opened stays open. `connect` finishes the start.
   */
  static async open(
    paths: SitePaths,
    logger: Logger,
    options: RouterOptions = {},
  ): Promise<Router> {
    const config = await loadEffectiveConfig(paths);
    const material = await loadSiteMaterial(paths, config.site.id, config.site.trustDomain);
    const state: SiteState = {
      ...{ config, material, linkAddress: { host: '', port: 0 } },
      ...{ dns: undefined, dnsAddress: undefined, connected: false },
    };
    const router = new Router(paths, state, logger, options);
    const p = router.parts;
    try {
      await p.removed.load();
      await p.vips.load();
      await p.partition.load();
      await p.revocations.load();
      await p.drills.load();
      await startSiteDns(p);
      await applySite(p);
    } catch (err) {
      await router.stop();
      throw err;
    }
    return router;
  }

  /** The last step of start-up: opens the link port, then dials the configured links. */
  async connect(): Promise<void> {
    const p = this.parts;
    const { config } = p.state;
    p.state.linkAddress = await openLinkPort(p.mesh, p.paths, config.link.listen, p.logger);
    p.state.connected = true;
    p.mesh.reconcile(config.links);
    publishSite(p);
    p.leases.start();
    p.direct.start();
    this.expiry = p.runtime.every(1_000, () => expireStale(p)).unref();
    const { host, port } = p.state.linkAddress;
    p.logger.info(
      { link: `${host}:${port}`, trustDomain: config.site.trustDomain },
      'router started',
    );
  }

  /** Which members this site reaches (the API's `/v1/partition`, the status). */
  get partitionReport(): PartitionReport | undefined {
    return this.parts.membership.report;
  }

  /** Re-reads config and certificates from disk and converges to them (CLI changes land here). */
  async reload(): Promise<void> {
    await reloadSite(this.parts);
  }

  /**
   * Graceful drain: peers stop choosing this site at once (its endpoints are re-advertised not
   * ready), flows in progress get up to `timeoutMs` to finish. Resolves with the flows left.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    const { readiness, stats, runtime, logger } = this.parts;
    readiness.drain();
    publishSite(this.parts);
    const inFlight = (): number => stats.active('egress') + stats.active('transit');
    return drainFlows(inFlight, timeoutMs, runtime, logger);
  }

  /** The failure drills of this router (the API's `/v1/drills`). */
  get drills(): SiteParts['drills'] {
    return this.parts.drills;
  }

  status(): StatusReport {
    return { ...buildStatus(statusSources(this.parts)), drills: this.parts.drills.inForce() };
  }

  /** The flows of the last `rangeMs` from the router's own ring (`/v1/traffic`). */
  traffic(rangeMs: number): TrafficReport {
    return this.parts.traffic.report(rangeMs);
  }

  /** Transfer costs of this site's clients over the last `sinceMs` (`/v1/cost`, the console). */
  cost(by: CostGrouping, sinceMs: number): CostReport {
    return this.parts.cost.report(by, sinceMs);
  }

  async writeRuntime(apiSocket: string): Promise<void> {
    const { state, paths, epoch } = this.parts;
    const info: RuntimeInfo = {
      ...{ pid: process.pid, siteId: state.config.site.id, linkAddress: state.linkAddress },
      ...{ apiSocket, startedAt: new Date(epoch).toISOString() },
    };
    await writeFile(paths.runtime, JSON.stringify(info, null, 2));
  }

  async stop(): Promise<void> {
    const p = this.parts;
    this.expiry?.cancel();
    p.readiness.stop();
    p.direct.stop();
    await p.state.dns?.close();
    p.ingress.close();
    p.udp.close();
    await p.leases.close();
    p.drills.close();
    await p.mesh.close();
    await rm(p.paths.runtime, { force: true });
    p.stopMetrics();
    p.cost.stop();
    p.accessLog.stop();
    p.logger.info('router stopped');
  }
}
