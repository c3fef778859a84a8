import { rm, writeFile } from 'node:fs/promises';
import {
  ServicesFeed,
  type DrainResult,
  type PartitionReport,
  type RuntimeInfo,
  type StatusReport,
} from '../api/index.js';
import { MembershipWatch, PartitionView, SiteLeases } from '../membership/index.js';
import {
  createSiteFlows,
  mayBindPrivileged,
  unprivilegedPortStart,
  VipImports,
  type ImportSync,
  type TcpEgress,
  type TcpIngress,
} from '../flow/index.js';
import {
  advertServices,
  ExportReadiness,
  ServiceDirectory,
  writePolicyOf,
} from '../services/index.js';
import {
  dropConfiguredLink,
  forgetRemovedPeer,
  LinkMesh,
  loadSiteMaterial,
  openLinkPort,
  ownLinkEndpoints,
  RedemptionDesk,
  type TlsMaterial,
} from '../link/index.js';
import type { TLSSocket } from 'node:tls';
import {
  loadManagedState,
  loadRemovedPeers,
  loadSiteConfig,
  mergeManagedState,
  type SiteConfig,
  type SitePaths,
} from '../config/index.js';
import {
  FlowStats,
  RouterMetrics,
  subscribeRouterMetrics,
  type Logger,
  type SitePlace,
} from '../observability/index.js';
import { AdvertExchange, LinkStateDb, type AdvertService } from '../routing/index.js';
import type { MuxSession, MuxStream } from '../transport/index.js';
import type { DnsServer } from '../dns/index.js';
import { systemRuntime, type Runtime, type Timer } from '../runtime/index.js';
import { startClustersetDns } from './start-dns.js';
import { buildStatus, servicesView } from './status-report.js';
import { CausewayError, ErrorCode } from '../errors/index.js';

/** Choices made when the router starts, not kept in the site config. */
export interface RouterOptions {
  /** Leases to hold while on the majority side, besides the config's `leases.hold`. */
  holdLeases?: readonly string[];
  /** Overrides `services.importAddress` (e.g. the pod's IP, known only when the pod starts). */
  importAddress?: string;
  /** Clock, randomness and timers; the process's unless a test or the simulator drives them. */
  runtime?: Runtime;
}

/** One site's router: links, flows both ways, exports advertised to peers, and its state for `status`. */
export class Router {
  readonly metrics = new RouterMetrics();
  readonly stats = new FlowStats();
  readonly epoch: number;
  private readonly runtime: Runtime;
  /** The metrics and status counts are fed from this site's events until stop. */
  private readonly stopMetrics: () => void;
  readonly lsdb: LinkStateDb;
  private expiry: Timer | undefined;
  readonly vips: VipImports;
  private readonly partition: PartitionView;
  private readonly readiness = new ExportReadiness(() => this.publish());
  private dns: DnsServer | undefined;
  dnsAddress: { host: string; port: number } | undefined;
  private readonly imports: ImportSync;
  readonly directory: ServiceDirectory;
  /** Clusterset changes as they land here (after virtual IPs are assigned), for `/v1/services?watch=1`. */
  readonly servicesFeed = new ServicesFeed(() => ({
    site: this.config.site.id,
    services: servicesView(this),
    unreachable: this.lsdb
      .all()
      .map((a) => a.origin)
      .filter((site) => site !== this.config.site.id && !this.lsdb.isReachable(site))
      .sort(),
    converged: this.membership.converged(),
  }));
  private readonly membership: MembershipWatch;
  private readonly adverts: AdvertExchange;
  readonly mesh: LinkMesh;
  readonly ingress: TcpIngress;
  readonly leases: SiteLeases;
  private readonly egress: TcpEgress;
  private readonly desk: RedemptionDesk;
  linkAddress: { host: string; port: number } = { host: '', port: 0 };
  /** Set once the link port is open: links are dialed and accepted only from then on. */
  private connected = false;
  /** Peers whose link this site removed (removed-peers.json), refused until they redeem a new token. */
  private removedPeers: Set<string> = new Set();

  private constructor(
    readonly paths: SitePaths,
    private config: SiteConfig,
    private material: TlsMaterial,
    readonly logger: Logger,
    options: RouterOptions,
  ) {
    this.runtime = options.runtime ?? systemRuntime;
    this.epoch = this.runtime.now();
    this.stopMetrics = subscribeRouterMetrics(config.site.id, this.metrics, this.stats);
    this.directory = new ServiceDirectory(config.site.id);
    this.directory.setHealthCheck((e) => this.readiness.isServing(e));
    this.lsdb = new LinkStateDb(config.site.id);
    // Read once: neither changes for a running process.
    const privilegedBind = mayBindPrivileged();
    const portStart = unprivilegedPortStart();
    this.vips = new VipImports(
      { vips: paths.vips, ports: paths.importPorts },
      {
        addressPool: config.services.addressPool,
        importPorts: config.services.importPorts,
        importAddress: () => options.importAddress ?? this.config.services.importAddress,
        mayBindPrivileged: () => privilegedBind,
        unprivilegedPortStart: () => portStart,
      },
      logger,
      config.routing.staleAfterMs,
    );
    this.partition = new PartitionView(config.site.id, paths.members);
    const now = (): number => this.runtime.now();
    this.membership = new MembershipWatch({
      view: this.partition,
      known: () => this.lsdb.all().map((a) => a.origin),
      isReachable: (site) => this.lsdb.isReachable(site),
      safeModeFile: () => this.config.partition.safeModeFile,
      staleAfterMs: () => this.config.routing.staleAfterMs,
      epoch: this.epoch,
      now,
      metrics: this.metrics,
      logger,
    });
    this.adverts = new AdvertExchange({
      self: config.site.id,
      epoch: this.epoch,
      lsdb: this.lsdb,
      peers: () => this.mesh.peers.values(),
      material: () => this.material,
      learnEndpoints: (site, addresses) => this.mesh.learnEndpoints(site, addresses),
      changed: () => this.refreshCatalog(),
      now,
      metrics: this.metrics,
      logger,
    });
    this.mesh = new LinkMesh(
      () => this.config.site,
      () => this.config.link,
      () => this.material,
      this.epoch,
      logger,
      this.metrics,
      {
        stream: (peer, stream, open) => this.onStream(peer, stream, open),
        control: (peer, payload) => this.adverts.receive(peer, payload),
        linkUp: (_peer, session) => this.onLinkUp(session),
        sessionUp: () => undefined,
        linkDown: () => this.publish(),
        redeem: (socket) => this.onRedeem(socket),
        linkRemoved: (peer) => void this.onLinkRemoved(peer),
      },
    );
    this.leases = new SiteLeases({
      config,
      siteDir: paths.dir,
      hold: options.holdLeases ?? [],
      onMajoritySide: () => this.membership.report?.majority === true,
      logger,
    });
    ({
      ingress: this.ingress,
      egress: this.egress,
      imports: this.imports,
    } = createSiteFlows({
      config: () => this.config,
      configFile: paths.config,
      directory: this.directory,
      mesh: this.mesh,
      lsdb: this.lsdb,
      vips: this.vips,
      lease: (name) => this.leases.state(name),
      placeOf: (site) => this.placeOf(site),
      namespaces: () => this.namespaces(),
      importsSynced: () => this.servicesFeed.refresh(),
      metrics: this.metrics,
      logger,
      runtime: this.runtime,
    }));
    this.desk = new RedemptionDesk(paths, () => this.material, logger, this.metrics);
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
    const router = new Router(paths, config, material, logger, options);
    try {
      router.removedPeers = await loadRemovedPeers(paths.removedPeers);
      await router.vips.load();
      await router.partition.load();
      await router.startDns();
      await router.apply();
    } catch (err) {
      await router.stop();
      throw err;
    }
    return router;
  }

  /** The last step of start-up: opens the link port, then dials the configured links. */
  async connect(): Promise<void> {
    const { config, logger } = this;
    this.linkAddress = await openLinkPort(this.mesh, this.paths, config.link.listen, logger);
    this.connected = true;
    this.mesh.reconcile(config.links);
    this.publish();
    this.leases.start();
    this.expiry = this.runtime.every(1_000, () => this.expireStale()).unref();
    logger.info(
      {
        link: `${this.linkAddress.host}:${this.linkAddress.port}`,
        trustDomain: config.site.trustDomain,
      },
      'router started',
    );
  }

  /** Which members this site reaches (the API's `/v1/partition`, the status). */
  get partitionReport(): PartitionReport | undefined {
    return this.membership.report;
  }

  get site(): SiteConfig['site'] {
    return this.config.site;
  }

  get siteConfig(): SiteConfig {
    return this.config;
  }

  /** Re-reads config and certificates from disk and converges to them (CLI changes land here). */
  async reload(): Promise<void> {
    const config = await loadEffectiveConfig(this.paths);
    if (config.site.id !== this.config.site.id) {
      throw new CausewayError(
        ErrorCode.ConfigInvalid,
        `site.id: changed on disk from ${this.config.site.id} to ${config.site.id} (in ${this.paths.config})`,
        {
          hint: `a site keeps its id (its certificate names it): put site.id back to ${this.config.site.id}, or create a new site with \`causeway site init\``,
        },
      );
    }
    const removedPeers = this.removedPeers;
    this.removedPeers = await loadRemovedPeers(this.paths.removedPeers);
    if (JSON.stringify(config.leases) !== JSON.stringify(this.config.leases))
      this.logger.warn('the leases section changed: it applies when the router restarts');
    for (const setting of ['link.listen', 'dns.listen'] as const) {
      const [section] = setting.split('.') as ['link' | 'dns'];
      if (config[section].listen !== this.config[section].listen)
        this.logger.warn(
          { setting, now: this.config[section].listen, next: config[section].listen },
          `${setting} changed: it applies when the router restarts`,
        );
    }
    const previous = { config: this.config, material: this.material };
    this.config = config;
    this.material = await loadSiteMaterial(this.paths, config.site.id, config.site.trustDomain);
    this.mesh.refreshMaterial();
    try {
      await this.apply();
    } catch (err) {
      // All or nothing: the configuration in force stays the one that worked.
      this.config = previous.config;
      this.material = previous.material;
      this.removedPeers = removedPeers;
      this.mesh.refreshMaterial();
      await this.apply().catch((again: unknown) =>
        this.logger.error({ err: again }, 'the previous configuration could not be restored'),
      );
      this.logger.warn({ err }, 'reload refused: the previous configuration stays in force');
      throw err;
    }
    this.logger.info('configuration reloaded');
  }

  /**
   * Graceful drain: peers stop choosing this site at once (its endpoints are re-advertised not
   * ready), flows in progress get up to `timeoutMs` to finish. Resolves with the flows left.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    const started = this.runtime.now();
    this.readiness.drain();
    this.logger.info({ timeoutMs }, 'draining: no new flows to this site');
    this.publish();
    const inFlight = (): number => this.stats.active('egress') + this.stats.active('transit');
    // Flows end on their own sockets' events, not one the router can await: poll their count.
    while (inFlight() > 0 && this.runtime.now() - started < timeoutMs) await this.runtime.sleep(50);
    const remaining = inFlight();
    this.logger.info({ remaining, waitedMs: this.runtime.now() - started }, 'drain finished');
    return { remaining, waitedMs: this.runtime.now() - started };
  }

  /** Why a local export entry is advertised not ready; undefined when it is ready. */
  exportFailure(e: SiteConfig['exports'][number]): string | undefined {
    return this.readiness.failureOf(e);
  }

  status(): StatusReport {
    return buildStatus(this);
  }

  async writeRuntime(apiSocket: string): Promise<void> {
    const info: RuntimeInfo = {
      pid: process.pid,
      siteId: this.config.site.id,
      linkAddress: this.linkAddress,
      apiSocket,
      startedAt: new Date(this.epoch).toISOString(),
    };
    await writeFile(this.paths.runtime, JSON.stringify(info, null, 2));
  }

  async stop(): Promise<void> {
    this.expiry?.cancel();
    this.readiness.stop();
    await this.dns?.close();
    this.ingress.close();
    await this.leases.close();
    await this.mesh.close();
    await rm(this.paths.runtime, { force: true });
    this.stopMetrics();
    this.logger.info('router stopped');
  }

  private async apply(): Promise<void> {
    this.directory.setLocalExports(this.config.exports);
    this.readiness.reconcile(this.config.exports);
    this.publish();
    await this.imports.syncConfigured();
    // Links change last: a closed link, or a removal told to the peer (which then forgets the
    // link), cannot be taken back when a listener fails and the reload is refused.
    this.mesh.refuse(this.removedPeers);
    if (this.connected) this.mesh.reconcile(this.config.links);
  }

  private async startDns(): Promise<void> {
    const dns = await startClustersetDns({
      config: () => this.config,
      configFile: this.paths.config,
      directory: this.directory,
      vips: this.vips,
      namespaces: () => this.namespaces(),
      knownSites: () => this.lsdb.all().map((a) => a.origin),
      logger: this.logger,
    });
    this.dns = dns?.server;
    this.dnsAddress = dns?.address;
  }

  /** The clusterset services this site imports (their namespace is present here). */
  importedServices(): ReturnType<ServiceDirectory['imported']> {
    return this.directory.imported(new Set(this.namespaces()));
  }

  /** Namespaces present here: declared ones plus those of exports and imports. */
  private namespaces(): string[] {
    const all = new Set([
      ...this.config.namespaces,
      ...this.config.exports.map((e) => e.namespace),
      ...this.config.imports.map((i) => i.namespace),
    ]);
    return [...all].sort();
  }

  private advertisedServices(): AdvertService[] {
    return advertServices(this.config.exports, {
      epoch: this.epoch,
      zone: this.config.site.zone,
      ready: (e) => this.readiness.isReady(e),
    });
  }

  /** Re-announces this site when its links or exports changed; floods to every live peer. */
  private publish(): void {
    this.adverts.publish({
      zone: this.config.site.zone,
      region: this.config.site.region,
      namespaces: this.namespaces(),
      links: [...this.mesh.peers.values()]
        .filter((l) => l.state === 'up')
        .map((l) => ({ peer: l.peer, cost: l.cost }))
        .sort((a, b) => a.peer.localeCompare(b.peer)),
      services: this.advertisedServices(),
      endpoints: ownLinkEndpoints(this.config.link.advertise, this.linkAddress),
    });
  }

  /** A new peer gets everything we know (first sync); only changes follow. */
  private onLinkUp(session: MuxSession): void {
    this.publish();
    this.adverts.syncPeer(session);
  }

  /** Rebuilds the clusterset's services from every reachable site's advert. */
  private refreshCatalog(): void {
    this.membership.check();
    const before = this.directory.model.version;
    this.directory.sync(this.lsdb.all(), (site) => this.lsdb.isReachable(site));
    if (this.directory.model.version !== before) {
      void this.imports.sync();
      this.trackLeases();
    }
  }

  /** Watches the lease of every single-writer service this site imports (its writes follow it). */
  private trackLeases(): void {
    const names = this.importedServices()
      .map((s) => writePolicyOf(s))
      .flatMap((p) => (p.type === 'single-writer' ? [p.lease] : []));
    this.leases.track(names);
  }

  private expireStale(): void {
    // The hold of a restart ends on a timer too (peers that never come back), so watchers are told.
    if (!this.membership.isConverged && this.membership.converged()) this.servicesFeed.refresh();
    this.membership.check();
    const expired = this.lsdb.expire(this.runtime.now(), this.config.routing.staleAfterMs);
    if (expired.length === 0) return;
    this.logger.info({ sites: expired }, 'forgot unreachable sites after the stale-state bound');
    this.refreshCatalog();
    // Their services left the merge already; watchers learn that they are now gone for good.
    this.servicesFeed.refresh();
  }

  /** Where a site is, from this site's config or the site's latest advert. */
  private placeOf(site: string): SitePlace | undefined {
    if (site === this.config.site.id)
      return { site, zone: this.config.site.zone, region: this.config.site.region };
    const advert = this.lsdb.get(site);
    return advert === undefined ? undefined : { site, zone: advert.zone, region: advert.region };
  }

  private onStream(peer: string, stream: MuxStream, open: Buffer): void {
    this.egress.accept(peer, stream, open);
  }

  private onRedeem(socket: TLSSocket): void {
    void this.desk
      .serve(socket)
      .then(async (site) => {
        if (site === undefined || !this.removedPeers.delete(site)) return;
        // A new token links a removed peer again: accept it from its next dial on.
        this.mesh.refuse(this.removedPeers);
        await forgetRemovedPeer(this.paths, site);
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'cannot update removed-peers.json'));
  }

  /** The peer removed the link we dial: stop for good (site.yaml loses it); a new token links again. */
  private async onLinkRemoved(peer: string): Promise<void> {
    this.logger.warn(
      { peer },
      'the peer removed this link: not dialing it again (a new token links again)',
    );
    try {
      if (await dropConfiguredLink(this.paths, peer)) await this.reload();
    } catch (err) {
      this.logger.error({ peer, err }, 'cannot drop the removed link from site.yaml');
    }
  }
}

/** site.yaml plus what a controller manages beside it (managed.json). */
async function loadEffectiveConfig(paths: SitePaths): Promise<SiteConfig> {
  return mergeManagedState(
    await loadSiteConfig(paths.config),
    await loadManagedState(paths.managed),
  );
}
