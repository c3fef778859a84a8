import { rm, writeFile } from 'node:fs/promises';
import type { TLSSocket } from 'node:tls';
import { loadSiteConfig, type SiteConfig, type SitePaths } from '../config/index.js';
import type { TlsMaterial } from '../link/index.js';
import { FlowRecorder, FlowStats, RouterMetrics, type Logger } from '../observability/index.js';
import { ServiceCatalog, decodeControlMessage, encodeExportsAdvert, isNewerAdvert, type AdvertisedService } from '../services/index.js';
import type { MuxSession, MuxStream } from '../transport/index.js';
import { FlowEgress } from './flow-egress.js';
import { FlowIngress } from './flow-ingress.js';
import { LinkMesh } from './link-mesh.js';
import { RedemptionDesk } from './redemption-desk.js';
import { loadSiteMaterial } from './site-material.js';
import { buildStatus, type StatusReport } from './status-report.js';

/** What the router writes beside its config while it runs, so the CLI can find it. */
export interface RuntimeInfo {
  pid: number;
  siteId: string;
  linkAddress: { host: string; port: number };
  apiSocket: string;
  startedAt: string;
}

/** One site's router: links, flows both ways, exports advertised to peers, and its state for `status`. */
export class Router {
  readonly metrics = new RouterMetrics();
  readonly stats = new FlowStats();
  readonly epoch = Date.now();
  private seq = 0;
  /** What peers were last told, so unchanged config does not bump the sequence. */
  private lastAdvertised = '';
  private readonly peerAdverts = new Map<string, { epoch: number; seq: number }>();
  readonly catalog: ServiceCatalog;
  readonly mesh: LinkMesh;
  readonly ingress: FlowIngress;
  private readonly egress: FlowEgress;
  private readonly desk: RedemptionDesk;
  linkAddress: { host: string; port: number } = { host: '', port: 0 };

  private constructor(
    readonly paths: SitePaths,
    private config: SiteConfig,
    private material: TlsMaterial,
    readonly logger: Logger,
  ) {
    this.catalog = new ServiceCatalog(config.site.id);
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
        linkUp: (_peer, session) => this.advertiseTo(session),
        sessionUp: () => undefined,
        linkDown: (peer) => this.onLinkDown(peer),
        redeem: (socket) => this.onRedeem(socket),
      },
    );
    const dataPlane = (): SiteConfig['dataPlane'] => this.config.dataPlane;
    this.egress = new FlowEgress(this.catalog, dataPlane, new FlowRecorder('egress', this.stats, this.metrics), logger);
    this.ingress = new FlowIngress(this.catalog, this.mesh, dataPlane, new FlowRecorder('ingress', this.stats, this.metrics), logger);
    this.desk = new RedemptionDesk(paths, () => this.material, logger, this.metrics);
  }

  /** Loads the site directory and starts everything; errors name the file and field at fault. */
  static async start(paths: SitePaths, logger: Logger): Promise<Router> {
    const config = await loadSiteConfig(paths.config);
    const material = await loadSiteMaterial(paths, config.site.id, config.site.trustDomain);
    const router = new Router(paths, config, material, logger);
    router.linkAddress = await router.mesh.listen(config.link.listen);
    await router.apply();
    logger.info({ link: `${router.linkAddress.host}:${router.linkAddress.port}`, trustDomain: config.site.trustDomain }, 'router started');
    return router;
  }

  get site(): SiteConfig['site'] {
    return this.config.site;
  }

  get siteConfig(): SiteConfig {
    return this.config;
  }

  /** Re-reads config and certificates from disk and converges to them (CLI changes land here). */
  async reload(): Promise<void> {
    const config = await loadSiteConfig(this.paths.config);
    if (config.site.id !== this.config.site.id) throw new Error(`site id changed on disk (${this.config.site.id} → ${config.site.id}); restart the router`);
    this.config = config;
    this.material = await loadSiteMaterial(this.paths, config.site.id, config.site.trustDomain);
    this.mesh.refreshMaterial();
    await this.apply();
    this.logger.info('configuration reloaded');
  }

  status(): StatusReport {
    return buildStatus(this);
  }

  async writeRuntime(apiSocket: string): Promise<void> {
    const info: RuntimeInfo = { pid: process.pid, siteId: this.config.site.id, linkAddress: this.linkAddress, apiSocket, startedAt: new Date(this.epoch).toISOString() };
    await writeFile(this.paths.runtime, JSON.stringify(info, null, 2));
  }

  async stop(): Promise<void> {
    this.ingress.close();
    await this.mesh.close();
    await rm(this.paths.runtime, { force: true });
    this.logger.info('router stopped');
  }

  private async apply(): Promise<void> {
    this.catalog.setLocalExports(this.config.exports);
    this.mesh.reconcile(this.config.links);
    await this.ingress.reconcile(this.config.imports);
    const advertised = JSON.stringify(this.advertisedServices());
    if (advertised !== this.lastAdvertised) {
      this.lastAdvertised = advertised;
      this.advertiseAll();
    }
  }

  private advertisedServices(): AdvertisedService[] {
    const byKey = new Map<string, AdvertisedService>();
    for (const e of this.config.exports) {
      const key = `${e.name}.${e.namespace}`;
      const s = byKey.get(key) ?? { name: e.name, namespace: e.namespace, ports: [] };
      s.ports.push({ port: e.port, protocol: e.protocol });
      byKey.set(key, s);
    }
    return [...byKey.values()];
  }

  private advertiseAll(): void {
    this.seq += 1;
    for (const link of this.mesh.peers.values()) {
      const session = link.pickSession();
      if (session !== undefined) this.advertiseTo(session, false);
    }
  }

  private advertiseTo(session: MuxSession, bump = true): void {
    if (bump && this.seq === 0) this.seq = 1;
    session.sendControl(encodeExportsAdvert({ type: 'exports', origin: this.config.site.id, epoch: this.epoch, seq: this.seq, services: this.advertisedServices() }));
  }

  private onControl(peer: string, payload: Buffer): void {
    try {
      const message = decodeControlMessage(payload);
      if (message.type === 'unknown') {
        this.logger.debug({ peer, message: message.name }, 'ignoring unknown control message');
        return;
      }
      if (message.origin !== peer) return; // direct neighbours only until adverts are flooded
      if (!isNewerAdvert(this.peerAdverts.get(peer), message)) return;
      this.peerAdverts.set(peer, { epoch: message.epoch, seq: message.seq });
      this.catalog.setRemoteExports(peer, message.services);
      this.logger.info({ peer, services: message.services.map((s) => `${s.name}.${s.namespace}`) }, 'peer exports updated');
    } catch (err) {
      this.metrics.controlErrors.inc({ peer, code: (err as { code?: string }).code ?? 'error' });
      this.logger.warn({ peer, error: (err as Error).message }, 'control message refused');
    }
  }

  private onLinkDown(peer: string): void {
    this.catalog.forgetSite(peer);
    this.peerAdverts.delete(peer);
  }

  private onStream(peer: string, stream: MuxStream, open: Buffer): void {
    this.egress.accept(peer, stream, open);
  }

  private onRedeem(socket: TLSSocket): void {
    void this.desk.serve(socket);
  }
}
