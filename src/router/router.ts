import { rm, writeFile } from 'node:fs/promises';
import type { TLSSocket } from 'node:tls';
import { loadManagedState, loadRemovedPeers, loadSiteConfig, mergeManagedState, parseHostPort, type SiteConfig, type SitePaths } from '../config/index.js';
import type { TlsMaterial } from '../link/index.js';
import { FlowRecorder, FlowStats, RouterMetrics, type Logger } from '../observability/index.js';
import { LinkStateDb, decodeControl, encodeSiteAdvert, isNewerAdvert, peekAdvertVersion, signEndpoints, verifyEndpoints, type AdvertService, type SiteAdvert } from '../routing/index.js';
import { ServiceDirectory, writePolicyOf } from '../services/index.js';
import type { MuxSession, MuxStream } from '../transport/index.js';
import { DnsServer } from '../dns/index.js';
import { HealthChecker, type HealthCheck } from '../health/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { advertServices } from './advert-services.js';
import { ClustersetDnsView } from './clusterset-dns-view.js';
import { EndpointChooser } from './endpoint-chooser.js';
import { FlowEgress } from './flow-egress.js';
import { FlowIngress } from './flow-ingress.js';
import { HttpIngress } from './http-ingress.js';
import { SiteLeases } from './site-leases.js';
import { LinkMesh } from './link-mesh.js';
import { RedemptionDesk } from './redemption-desk.js';
import { loadSiteMaterial } from './site-material.js';
import { buildStatus, servicesView, type StatusReport } from './status-report.js';
import { ServicesFeed } from './services-feed.js';
import { mayBindPrivileged, unprivilegedPortStart } from './privileged-ports.js';
import { VipImports } from './vip-imports.js';
import { PartitionView, writeSafeModeFile, type PartitionReport } from './partition-view.js';
import { listenerFailure } from './listener-failure.js';
import { keepLinkPort, keptLinkListen } from './kept-link-port.js';
import { ownLinkEndpoints } from './own-link-endpoints.js';
import { dropConfiguredLink, forgetRemovedPeer } from './removed-links.js';

/** What the router writes beside its config while it runs, so the CLI can find it. */
export interface RuntimeInfo {
  pid: number;
  siteId: string;
  linkAddress: { host: string; port: number };
  apiSocket: string;
  startedAt: string;
}

/** Choices made when the router starts, not kept in the site config. */
export interface RouterOptions {
  /** Leases to hold while on the majority side, besides the config's `leases.hold`. */
  holdLeases?: readonly string[];
  /** Overrides `services.importAddress` (e.g. the pod's IP, known only when the pod starts). */
  importAddress?: string;
}

/** One site's router: links, flows both ways, exports advertised to peers, and its state for `status`. */
export class Router {
  readonly metrics = new RouterMetrics();
  readonly stats = new FlowStats();
  readonly epoch = Date.now();
  private seq = 0;
  /** Our advert's content as last flooded, so an unchanged state does not bump the sequence. */
  private lastAdvertised = '';
  readonly lsdb: LinkStateDb;
  private expiry: NodeJS.Timeout | undefined;
  readonly vips: VipImports;
  private readonly partition: PartitionView;
  partitionReport: PartitionReport | undefined;
  private readonly health = new HealthChecker(() => this.publish());
  private dns: DnsServer | undefined;
  dnsAddress: { host: string; port: number } | undefined;
  /** Set by `drain`: every endpoint is advertised not ready, so peers stop sending new flows. */
  private draining = false;
  /** Import listeners are reconciled one change at a time, in order. */
  private importsChain: Promise<void> = Promise.resolve();
  /** Safe-mode file writes, in order (see checkPartition). */
  private safeModeWrites: Promise<void> = Promise.resolve();
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
    converged: this.converged(),
  }));
  /** Latched once every remembered member has been heard from, or the stale bound has passed. */
  private convergedSince: number | undefined;
  readonly mesh: LinkMesh;
  readonly ingress: FlowIngress;
  readonly leases: SiteLeases;
  private readonly egress: FlowEgress;
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
    this.directory = new ServiceDirectory(config.site.id);
    this.directory.setHealthCheck((e) => e.ready !== false && this.health.isHealthy(exportId(e)));
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
    this.mesh = new LinkMesh(
      () => this.config.site,
      () => this.config.link,
      () => this.material,
      this.epoch,
      logger,
      this.metrics,
      {
        stream: (peer, stream, open) => this.onStream(peer, stream, open),
        control: (peer, payload) => this.onControl(peer, payload),
        linkUp: (_peer, session) => this.onLinkUp(session),
        sessionUp: () => undefined,
        linkDown: () => this.publish(),
        redeem: (socket) => this.onRedeem(socket),
        linkRemoved: (peer) => void this.onLinkRemoved(peer),
      },
    );
    const dataPlane = (): SiteConfig['dataPlane'] => this.config.dataPlane;
    this.egress = new FlowEgress(
      this.directory,
      this.mesh,
      this.lsdb,
      dataPlane,
      new FlowRecorder('egress', this.stats, this.metrics),
      new FlowRecorder('transit', this.stats, this.metrics),
      logger,
    );
    const chooser = new EndpointChooser(this.directory, this.lsdb, () => this.config, this.metrics, logger);
    const ingressRecorder = new FlowRecorder('ingress', this.stats, this.metrics);
    this.leases = new SiteLeases({
      config,
      siteDir: paths.dir,
      hold: options.holdLeases ?? [],
      onMajoritySide: () => this.partitionReport?.majority === true,
      metrics: this.metrics,
      logger,
    });
    const http = new HttpIngress({
      directory: this.directory,
      lsdb: this.lsdb,
      chooser,
      openFlow: (imp, port, site) => this.ingress.openFlow(imp, port, site),
      lease: (name) => this.leases.state(name),
      dataPlane,
      recorder: ingressRecorder,
      metrics: this.metrics,
      logger,
    });
    this.ingress = new FlowIngress(this.directory, this.mesh, this.lsdb, chooser, dataPlane, ingressRecorder, logger, http);
    this.desk = new RedemptionDesk(paths, () => this.material, logger, this.metrics);
  }

  /**
   * Loads the site directory and binds every local listener (DNS, imports) but not the link
   * port, so a start-up that cannot finish never accepted a peer. Errors name the setting at
   * fault; after one, nothing the router opened stays open. `connect` finishes the start.
   */
  static async open(paths: SitePaths, logger: Logger, options: RouterOptions = {}): Promise<Router> {
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
    const listen = await keptLinkListen(this.paths.linkPort, config.link.listen);
    try {
      this.linkAddress = await this.mesh.listen(listen).catch((err: unknown) => {
        if (listen === config.link.listen || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        // Peers learn the new port from our adverts; tokens issued before name the old one.
        logger.warn({ kept: listen, error: (err as Error).message }, 'the kept link port is taken: choosing a new one');
        return this.mesh.listen(config.link.listen);
      });
    } catch (err) {
      throw listenerFailure('link.listen', config.link.listen, err, `in ${this.paths.config}`);
    }
    await keepLinkPort(this.paths.linkPort, config.link.listen, this.linkAddress.port);
    this.connected = true;
    this.mesh.reconcile(config.links);
    this.publish();
    this.leases.start();
    this.expiry = setInterval(() => this.expireStale(), 1_000);
    this.expiry.unref();
    logger.info({ link: `${this.linkAddress.host}:${this.linkAddress.port}`, trustDomain: config.site.trustDomain }, 'router started');
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
      throw new CausewayError(ErrorCode.ConfigInvalid, `site.id: changed on disk from ${this.config.site.id} to ${config.site.id} (in ${this.paths.config})`, {
        hint: `a site keeps its id (its certificate names it): put site.id back to ${this.config.site.id}, or create a new site with \`causeway site init\``,
      });
    }
    const removedPeers = this.removedPeers;
    this.removedPeers = await loadRemovedPeers(this.paths.removedPeers);
    if (JSON.stringify(config.leases) !== JSON.stringify(this.config.leases)) this.logger.warn('the leases section changed: it applies when the router restarts');
    for (const setting of ['link.listen', 'dns.listen'] as const) {
      const [section] = setting.split('.') as ['link' | 'dns'];
      if (config[section].listen !== this.config[section].listen) this.logger.warn({ setting, now: this.config[section].listen, next: config[section].listen }, `${setting} changed: it applies when the router restarts`);
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
      await this.apply().catch((again: unknown) => this.logger.error({ err: again }, 'the previous configuration could not be restored'));
      this.logger.warn({ err }, 'reload refused: the previous configuration stays in force');
      throw err;
    }
    this.logger.info('configuration reloaded');
  }

  /**
   * Graceful drain: peers stop choosing this site at once (its endpoints are re-advertised not
   * ready), flows in progress get up to `timeoutMs` to finish. Resolves with the flows left.
   */
  async drain(timeoutMs: number): Promise<{ remaining: number; waitedMs: number }> {
    const started = Date.now();
    this.draining = true;
    this.logger.info({ timeoutMs }, 'draining: no new flows to this site');
    this.publish();
    const inFlight = (): number => this.stats.active('egress') + this.stats.active('transit');
    while (inFlight() > 0 && Date.now() - started < timeoutMs) await new Promise((r) => setTimeout(r, 50));
    const remaining = inFlight();
    this.logger.info({ remaining, waitedMs: Date.now() - started }, 'drain finished');
    return { remaining, waitedMs: Date.now() - started };
  }

  /** Why a local export entry is advertised not ready; undefined when it is ready. */
  exportFailure(e: SiteConfig['exports'][number]): string | undefined {
    if (this.draining) return 'draining';
    if (e.ready === false) return 'the platform reports the backend not ready';
    return this.health.failureOf(exportId(e));
  }

  status(): StatusReport {
    return buildStatus(this);
  }

  async writeRuntime(apiSocket: string): Promise<void> {
    const info: RuntimeInfo = { pid: process.pid, siteId: this.config.site.id, linkAddress: this.linkAddress, apiSocket, startedAt: new Date(this.epoch).toISOString() };
    await writeFile(this.paths.runtime, JSON.stringify(info, null, 2));
  }

  async stop(): Promise<void> {
    if (this.expiry !== undefined) clearInterval(this.expiry);
    this.health.stop();
    await this.dns?.close();
    this.ingress.close();
    await this.leases.close();
    await this.mesh.close();
    await rm(this.paths.runtime, { force: true });
    this.logger.info('router stopped');
  }

  private async apply(): Promise<void> {
    this.directory.setLocalExports(this.config.exports);
    this.health.reconcile(
      this.config.exports.map((e) => {
        const { host, port } = parseHostPort(e.to, 'exports.to');
        const check: HealthCheck = e.health.type === 'http' ? { type: 'http', path: e.health.path, expectStatus: e.health.expectStatus } : { type: e.health.type };
        return { id: exportId(e), host, port, check, ...e.health };
      }),
    );
    this.publish();
    const failed = await this.syncImports();
    // Configured imports must listen; virtual-IP imports follow the clusterset and only log.
    const imports = this.config.imports;
    const first = failed.find((f) => imports.includes(f.config));
    if (first === undefined) {
      // Links change last: a closed link, or a removal told to the peer (which then forgets the
      // link), cannot be taken back when a listener fails and the reload is refused.
      this.mesh.refuse(this.removedPeers);
      if (this.connected) this.mesh.reconcile(this.config.links);
      return;
    }
    // Said so that it is true both at start-up (the entry is in site.yaml) and for `causeway import` (its edit was put back).
    const { name, namespace, port } = first.config;
    const again = `causeway import ${name} --namespace ${namespace}${port === undefined ? '' : ` --port ${port}`} --listen <address>`;
    throw listenerFailure(`imports[${imports.indexOf(first.config)}].listen`, first.config.listen, first.error, `(\`${again}\`, or in ${this.paths.config})`);
  }

  /** Explicit imports plus, with autoImport, a virtual IP per clusterset service imported here; resolves with those that did not bind. */
  private syncImports(): Promise<Awaited<ReturnType<FlowIngress['reconcile']>>> {
    const run = this.importsChain.then(async () => {
      const imported = this.directory.imported(new Set(this.namespaces()));
      const auto = this.config.services.autoImport ? await this.vips.listeners(imported, (s) => this.directory.model.readyEndpoints(s.name, s.namespace)) : [];
      const failed = await this.ingress.reconcile([...this.config.imports, ...auto]);
      // Watchers hear of a change only once its addresses are listening, so what they publish works.
      this.servicesFeed.refresh();
      return failed;
    });
    const logged = run.catch((err: unknown) => {
      this.logger.error({ error: (err as Error).message }, 'import listeners could not be updated');
      return [];
    });
    this.importsChain = logged.then(() => undefined);
    return logged;
  }

  private async startDns(): Promise<void> {
    const { listen, zone, targetedSuffix, ttl } = this.config.dns;
    if (listen === '') return;
    const view = new ClustersetDnsView(
      this.directory,
      this.vips,
      () => new Set(this.namespaces()),
      () => new Set(this.lsdb.all().map((a) => a.origin)),
      () => this.config.services.clustersetIps,
    );
    this.dns = new DnsServer(view, { zone, targetedSuffix, ttl, logger: this.logger });
    const { host, port } = parseHostPort(listen, 'dns.listen', true);
    try {
      this.dnsAddress = await this.dns.listen(host, port);
    } catch (err) {
      this.dns = undefined;
      throw listenerFailure('dns.listen', listen, err, `in ${this.paths.config} ("" turns DNS off)`);
    }
    this.logger.info({ dns: `${this.dnsAddress.host}:${this.dnsAddress.port}`, zone }, 'DNS listening');
  }

  /** The clusterset services this site imports (their namespace is present here). */
  importedServices(): ReturnType<ServiceDirectory['imported']> {
    return this.directory.imported(new Set(this.namespaces()));
  }

  /** Namespaces present here: declared ones plus those of exports and imports. */
  private namespaces(): string[] {
    const all = new Set([...this.config.namespaces, ...this.config.exports.map((e) => e.namespace), ...this.config.imports.map((i) => i.namespace)]);
    return [...all].sort();
  }

  private advertisedServices(): AdvertService[] {
    return advertServices(this.config.exports, {
      epoch: this.epoch,
      zone: this.config.site.zone,
      ready: (e) => !this.draining && e.ready !== false && this.health.isHealthy(exportId(e)),
    });
  }

  /** Re-announces this site when its links or exports changed; floods to every live peer. */
  private publish(): void {
    const content = {
      zone: this.config.site.zone,
      region: this.config.site.region,
      namespaces: this.namespaces(),
      links: [...this.mesh.peers.values()].filter((l) => l.state === 'up').map((l) => ({ peer: l.peer, cost: l.cost })).sort((a, b) => a.peer.localeCompare(b.peer)),
      services: this.advertisedServices(),
      endpoints: ownLinkEndpoints(this.config.link.advertise, this.linkAddress),
    };
    const serialized = JSON.stringify(content);
    if (serialized === this.lastAdvertised) return;
    this.lastAdvertised = serialized;
    this.seq += 1;
    const { endpoints, ...rest } = content;
    const version = { origin: this.config.site.id, epoch: this.epoch, seq: this.seq };
    // Signed, so a site that relays our advert cannot point other sites' links elsewhere.
    const signed = endpoints.length === 0 ? {} : { endpoints: signEndpoints(version, endpoints, this.material.keyPem, this.material.certPem) };
    const advert: SiteAdvert = { type: 'site', ...version, ...rest, ...signed };
    this.lsdb.setOwn(advert, Date.now());
    this.refreshCatalog();
    this.flood(advert, undefined);
  }

  /** Sends an advert to every live peer except the one it came from. */
  private flood(advert: SiteAdvert, from: string | undefined): void {
    const payload = encodeSiteAdvert(advert);
    for (const link of this.mesh.peers.values()) {
      if (link.peer === from) continue;
      link.pickSession()?.sendControl(payload);
    }
  }

  /** A new peer gets everything we know (first sync); only changes follow. */
  private onLinkUp(session: MuxSession): void {
    this.publish();
    for (const advert of this.lsdb.all()) session.sendControl(encodeSiteAdvert(advert));
  }

  private onControl(peer: string, payload: Buffer): void {
    // Most copies of a flood are duplicates in a dense mesh: drop them before the full decode.
    const version = peekAdvertVersion(payload);
    if (version !== undefined && version.origin !== this.config.site.id && !isNewerAdvert(this.lsdb.get(version.origin), version)) return;
    try {
      const message = decodeControl(payload);
      if (message.type === 'unknown') {
        this.logger.debug({ peer, message: message.name }, 'ignoring unknown control message');
        return;
      }
      if (message.endpoints !== undefined && message.origin !== this.config.site.id) verifyEndpoints(message, message.endpoints, this.material);
      if (this.lsdb.apply(message, Date.now()) !== 'applied') return;
      if (message.endpoints !== undefined && message.origin !== this.config.site.id) this.mesh.learnEndpoints(message.origin, message.endpoints.addresses);
      this.flood(message, peer);
      this.refreshCatalog();
      this.logger.debug({ peer, origin: message.origin, seq: message.seq }, 'site advert applied');
    } catch (err) {
      this.metrics.controlErrors.inc({ peer, code: (err as { code?: string }).code ?? 'error' });
      this.logger.warn({ peer, error: (err as Error).message }, 'control message refused');
    }
  }

  /** Rebuilds the clusterset's services from every reachable site's advert. */
  private refreshCatalog(): void {
    this.checkPartition();
    const before = this.directory.model.version;
    this.directory.sync(this.lsdb.all(), (site) => this.lsdb.isReachable(site));
    if (this.directory.model.version !== before) {
      void this.syncImports();
      this.trackLeases();
    }
  }

  /** Watches the lease of every single-writer service this site imports (its writes follow it). */
  private trackLeases(): void {
    const names = this.importedServices().map((s) => writePolicyOf(s)).flatMap((p) => (p.type === 'single-writer' ? [p.lease] : []));
    this.leases.track(names);
  }

  /** Re-evaluates which members this site reaches; logs, counts and signals every change. */
  private checkPartition(): void {
    void this.partition.observe(this.lsdb.all().map((a) => a.origin)).catch((err: unknown) => this.logger.warn({ error: (err as Error).message }, 'cannot save clusterset membership'));
    const { report, changed } = this.partition.evaluate((site) => this.lsdb.isReachable(site));
    this.partitionReport = report;
    if (!changed) return;
    this.metrics.partitionMajority.set(report.majority ? 1 : 0);
    this.metrics.partitionReachable.set(report.reachable.length);
    this.metrics.partitionMembers.set(report.members.length);
    const line = { reachable: report.reachable, unreachable: report.unreachable, quorum: report.quorum };
    if (report.majority) this.logger.info(line, 'partition view: majority side');
    else this.logger.warn(line, 'partition view: minority side (safe mode)');
    const file = this.config.partition.safeModeFile;
    if (file === undefined) return;
    // One write at a time, each with the view current when it runs: a minority write still in
    // flight must never land after the removal that followed it and leave a stale safe-mode file.
    this.safeModeWrites = this.safeModeWrites
      .then(() => (this.partitionReport === undefined ? undefined : writeSafeModeFile(file, this.partitionReport)))
      .catch((err: unknown) => this.logger.warn({ file, error: (err as Error).message }, 'cannot write the safe-mode file'));
  }

  /**
   * Whether this router has re-learned the clusterset since it started: an advert from every site
   * of members.json, or `routing.staleAfterMs` gone by (then the missing ones count as forgotten,
   * as any unreachable site would be). A restarted router hears from its peers only after its links
   * are up; until then its view lacks their services although nothing was unexported.
   */
  private converged(): boolean {
    if (this.convergedSince !== undefined) return true;
    const heard = new Set(this.lsdb.all().map((a) => a.origin));
    const waited = Date.now() - this.epoch >= this.config.routing.staleAfterMs;
    if (!waited && !this.partition.peers().every((site) => heard.has(site))) return false;
    this.convergedSince = Date.now();
    this.logger.info({ afterMs: this.convergedSince - this.epoch, heardFrom: [...heard].sort(), waited }, 'clusterset view converged');
    return true;
  }

  private expireStale(): void {
    // The hold of a restart ends on a timer too (peers that never come back), so watchers are told.
    if (this.convergedSince === undefined && this.converged()) this.servicesFeed.refresh();
    this.checkPartition();
    const expired = this.lsdb.expire(Date.now(), this.config.routing.staleAfterMs);
    if (expired.length === 0) return;
    this.logger.info({ sites: expired }, 'forgot unreachable sites after the stale-state bound');
    this.refreshCatalog();
    // Their services left the merge already; watchers learn that they are now gone for good.
    this.servicesFeed.refresh();
  }

  private onStream(peer: string, stream: MuxStream, open: Buffer): void {
    this.egress.accept(peer, stream, open);
  }

  private onRedeem(socket: TLSSocket): void {
    void this.desk.serve(socket).then(async (site) => {
      if (site === undefined || !this.removedPeers.delete(site)) return;
      // A new token links a removed peer again: accept it from its next dial on.
      this.mesh.refuse(this.removedPeers);
      await forgetRemovedPeer(this.paths, site);
    }).catch((err: unknown) => this.logger.warn({ err }, 'cannot update removed-peers.json'));
  }

  /** The peer removed the link we dial: stop for good (site.yaml loses it); a new token links again. */
  private async onLinkRemoved(peer: string): Promise<void> {
    this.logger.warn({ peer }, 'the peer removed this link: not dialing it again (a new token links again)');
    try {
      if (await dropConfiguredLink(this.paths, peer)) await this.reload();
    } catch (err) {
      this.logger.error({ peer, err }, 'cannot drop the removed link from site.yaml');
    }
  }
}

/** site.yaml plus what a controller manages beside it (managed.json). */
async function loadEffectiveConfig(paths: SitePaths): Promise<SiteConfig> {
  return mergeManagedState(await loadSiteConfig(paths.config), await loadManagedState(paths.managed));
}

/** Identity of one export entry for health checks: service port, headless endpoint and backend. */
function exportId(e: { name: string; namespace: string; port: number; hostname?: string | undefined; to: string }): string {
  return `${e.name}.${e.namespace}:${e.port}/${e.hostname ?? ''}@${e.to}`;
}
