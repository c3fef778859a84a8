import { loadSiteConfig, sitePaths, type ExportConfig, type SitePaths } from '../config/index.js';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { Logger } from '../observability/index.js';
import type { ServicesSnapshot, ServiceView } from '../api/index.js';
import { loadKubeConfig, type KubeConfigOptions } from './client/kube-config-loader.js';
import type { Service, ServiceExport } from './client/kube-objects.js';
import { KubeRest } from './client/kube-rest.js';
import { Resources, objectPath } from './client/resources.js';
import { ControllerCaches } from './controller-caches.js';
import { ensureClusterProperties } from './crds/cluster-property.js';
import { ensureCrds } from './crds/crd-installer.js';
import { ForbiddenReporter, isForbidden } from './events/forbidden-reporter.js';
import { planExport } from './export/export-entries.js';
import { reconcileExportStatus } from './export/export-status-sync.js';
import {
  exportedByAnnotation,
  globalSettingsOf,
  type Affinity,
} from './export/global-annotations.js';
import { ManagedStateSync, type SiteDesired } from './export/managed-state-sync.js';
import { derivedServiceName, derivedSiteServiceName } from './import/derived-names.js';
import {
  GLOBAL_SLICE_LABEL,
  ImportLabel,
  MANAGED_BY_CONTROLLER,
  SITE_TARGET_OF_LABEL,
} from './import/import-labels.js';
import { reconcileGlobal, reconcileImport, type ImportContext } from './import/import-sync.js';
import { GlobalRecordSync } from './gslb/global-record-sync.js';
import { GslbCaches } from './gslb/gslb-caches.js';
import { LeaseElector } from './leader/lease-elector.js';
import { reconcileLinkSecret } from './link-exchange/link-exchange.js';
import { RouterFeed } from './watch/router-feed.js';
import { WorkQueue } from './watch/work-queue.js';

export interface KubeControllerOptions extends KubeConfigOptions {
  /** The site directory of this cluster's router. */
  dir: string;
  /** Where the leader Lease and link Secrets live. */
  namespace: string;
  leaseDurationSeconds?: number;
  workers?: number;
  /**
   * The GSLB file `gslb serve` answers from: GlobalRecords (and k8gb Gslbs) are written into it.
   * Without it, neither is watched.
   */
  gslbFile?: string;
  logger: Logger;
}

const LEASE_NAME = 'causeway-controller';
/** One work key for all global records: they are planned together (names conflict across objects). */
const GSLB_KEY = 'gslb/all';

/**
 * The Kubernetes MCS controller of one cluster: ServiceExports become the site's exports, the
 * clusterset's services become ServiceImports with derived Services and EndpointSlices pointing at
 * the router, global services get a slice on their ordinary Service, and link Secrets are served.
 * Everything is level-triggered from informer caches and the router's change stream; only the
 * Lease holder writes.
 */
export class KubeController {
  /** The router's last snapshot by `namespace/name`, with each view's text to spot what changed. */
  private readonly views = new Map<string, { view: ServiceView; text: string }>();
  /** Export entries per ServiceExport, reused while its inputs' resourceVersions are unchanged. */
  private readonly plans = new Map<string, { fingerprint: string; entries: ExportConfig[] }>();
  /** Whether the router's last snapshot said it had re-learned the clusterset (undefined before the first). */
  private routerConverged: boolean | undefined;
  private constructor(
    readonly paths: SitePaths,
    readonly siteId: string,
    private readonly rest: KubeRest,
    private readonly caches: ControllerCaches,
    private readonly feed: RouterFeed,
    private readonly queue: WorkQueue,
    private readonly managedSync: ManagedStateSync,
    private readonly elector: LeaseElector,
    private readonly forbidden: ForbiddenReporter,
    private readonly logger: Logger,
    private readonly gslb?: { caches: GslbCaches; sync: GlobalRecordSync },
  ) {}

  static async start(options: KubeControllerOptions): Promise<KubeController> {
    const { logger } = options;
    const paths = sitePaths(options.dir);
    const site = (await loadSiteConfig(paths.config)).site;
    const kc = loadKubeConfig(options);
    const rest = new KubeRest(kc);
    await assertNamespace(rest, options.namespace);
    const { mcsVersion } = await ensureCrds(rest, logger);
    await ensureClusterProperties(rest, site.id, site.trustDomain, logger);
    // Late-bound: the caches' callbacks need the controller, which needs the caches.
    let controller: KubeController | undefined;
    const on =
      <A extends unknown[]>(fn: (c: KubeController, ...args: A) => void) =>
      (...args: A) => {
        if (controller !== undefined) fn(controller, ...args);
      };
    const caches = new ControllerCaches(
      kc,
      rest,
      mcsVersion,
      options.namespace,
      {
        namespace: on((c, ns, event) => c.onNamespace(ns.metadata.name, event !== 'update')),
        service: on((c, svc) =>
          c.onService(svc.metadata.namespace ?? '', svc.metadata.name, svc.metadata.labels),
        ),
        slice: on((c, slice, key) =>
          c.onSlice(slice.metadata.namespace ?? '', slice.metadata.labels ?? {}, key),
        ),
        serviceExport: on((c, se) =>
          c.onServiceExport(se.metadata.namespace ?? '', se.metadata.name),
        ),
        serviceImport: on((c, si) =>
          c.queue.add(`import/${si.metadata.namespace ?? ''}/${si.metadata.name}`),
        ),
        secret: on((c, secret) => c.queue.add(`secret/${secret.metadata.name}`)),
        resync: on((c) => c.resyncAll()),
      },
      logger,
    );
    const queue = new WorkQueue((key) => controller?.work(key, mcsVersion) ?? Promise.resolve(), {
      concurrency: options.workers ?? 8,
      logger,
    });
    const feed = new RouterFeed(paths, (s) => controller?.onSnapshot(s), logger);
    const managedSync = new ManagedStateSync(
      paths,
      () =>
        controller?.desiredSite() ?? {
          exports: [],
          namespaces: [],
          affinities: new Map(),
          clustersetIps: {},
        },
      logger,
    );
    const elector = new LeaseElector(rest, {
      namespace: options.namespace,
      name: LEASE_NAME,
      leaseDurationSeconds: options.leaseDurationSeconds ?? 15,
      retryPeriodMs: Math.max(
        200,
        Math.min(2_000, ((options.leaseDurationSeconds ?? 15) * 1000) / 5),
      ),
      onStartedLeading: () => controller?.lead(),
      onStoppedLeading: () => managedSync.disable(),
      logger,
    });
    const gslbCaches =
      options.gslbFile === undefined
        ? undefined
        : await GslbCaches.create(
            kc,
            rest,
            on((c) => c.queue.add(GSLB_KEY)),
            logger,
          );
    controller = new KubeController(
      paths,
      site.id,
      rest,
      caches,
      feed,
      queue,
      managedSync,
      elector,
      new ForbiddenReporter(
        rest,
        options.namespace,
        (ns, name) => caches.serviceImports.get(name, ns),
        logger,
      ),
      logger,
      gslbCaches === undefined || options.gslbFile === undefined
        ? undefined
        : {
            caches: gslbCaches,
            sync: new GlobalRecordSync(
              rest,
              gslbCaches,
              caches.services,
              options.gslbFile,
              site.id,
              logger,
            ),
          },
    );
    await caches.start();
    await gslbCaches?.start();
    feed.start();
    elector.start();
    logger.info(
      { site: site.id, server: rest.server, mcsVersion, namespace: options.namespace },
      'kube controller started',
    );
    return controller;
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  /** Resolves when no reconcile is queued or running and managed.json holds the latest desired state. */
  async idle(): Promise<void> {
    await this.queue.idle();
    await this.managedSync.settled();
  }

  async stop(): Promise<void> {
    this.queue.close();
    this.managedSync.disable();
    await this.elector.stop();
    await this.feed.stop();
    await this.caches.stop();
    await this.gslb?.caches.stop();
    this.rest.close();
    this.logger.info('kube controller stopped');
  }

  private lead(): void {
    this.managedSync.enable();
    this.resyncAll();
  }

  /** Every key the controller is responsible for, queued again (after leadership or a reconnect). */
  private resyncAll(): void {
    this.managedSync.schedule();
    for (const se of this.caches.serviceExports.list())
      this.queue.add(`export/${se.metadata.namespace ?? ''}/${se.metadata.name}`);
    for (const si of this.caches.serviceImports.list())
      this.queue.add(`import/${si.metadata.namespace ?? ''}/${si.metadata.name}`);
    for (const view of this.feed.latest?.services ?? [])
      this.queueService(view.namespace, view.name);
    for (const slice of this.caches.slices.list()) {
      const labels = slice.metadata.labels ?? {};
      if (labels[GLOBAL_SLICE_LABEL] === 'true')
        this.queue.add(
          `global/${slice.metadata.namespace ?? ''}/${labels[ImportLabel.kubeServiceName] ?? ''}`,
        );
    }
    for (const secret of [...this.caches.tokenRequests.list(), ...this.caches.linkTokens.list()])
      this.queue.add(`secret/${secret.metadata.name}`);
    this.queueGslb();
  }

  /** Global records read health from the snapshot and addresses from Services: both queue a plan. */
  private queueGslb(): void {
    if (this.gslb !== undefined) this.queue.add(GSLB_KEY);
  }

  private queueService(namespace: string, name: string): void {
    this.queue.add(`import/${namespace}/${name}`);
    this.queue.add(`global/${namespace}/${name}`);
    this.queue.add(`export/${namespace}/${name}`);
  }

  private onSnapshot(snapshot: ServicesSnapshot): void {
    // Removals held during the router's restart are due now: look at every import again.
    const convergedNow = this.routerConverged === false && snapshot.converged !== false;
    if (snapshot.converged === false && this.routerConverged !== false)
      this.logger.info(
        { site: this.siteId },
        'router is re-learning the clusterset: imports are kept as they are until it has',
      );
    if (convergedNow)
      this.logger.info(
        { site: this.siteId },
        'router has re-learned the clusterset: imports are reconciled again',
      );
    this.routerConverged = snapshot.converged !== false;
    if (convergedNow) this.resyncAll();
    const seen = new Set<string>();
    for (const view of snapshot.services) {
      const key = `${view.namespace}/${view.name}`;
      seen.add(key);
      const text = JSON.stringify(view);
      if (this.views.get(key)?.text === text) continue;
      this.views.set(key, { view, text });
      this.queueService(view.namespace, view.name);
    }
    const unreachable = new Set(snapshot.unreachable);
    for (const [key, { view }] of [...this.views.entries()]) {
      if (seen.has(key)) continue;
      // Its exporters are only out of reach (a partition, a stalled router): keep the import as it
      // is until they return or the router forgets them, instead of deleting it cluster-wide.
      if (view.sites.length > 0 && view.sites.every((site) => unreachable.has(site))) continue;
      this.views.delete(key);
      this.queueService(view.namespace, view.name);
    }
    this.managedSync.schedule();
    this.queueGslb();
  }

  private onNamespace(name: string, addedOrDeleted: boolean): void {
    this.managedSync.schedule();
    if (!addedOrDeleted) return;
    for (const view of this.feed.latest?.services ?? [])
      if (view.namespace === name) this.queueService(view.namespace, view.name);
  }

  private onService(
    namespace: string,
    name: string,
    labels: Record<string, string> | undefined,
  ): void {
    const owner = labels?.[ImportLabel.serviceName] ?? labels?.[SITE_TARGET_OF_LABEL];
    if (labels?.[ImportLabel.managedBy] === MANAGED_BY_CONTROLLER && owner !== undefined) {
      this.queue.add(`import/${namespace}/${owner}`);
      // Its ClusterIP is what the router's DNS answers for the import.
      this.managedSync.schedule();
      return;
    }
    this.queue.add(`global/${namespace}/${name}`);
    this.queueGslb();
    this.onServiceExport(namespace, name);
  }

  private onSlice(
    namespace: string,
    labels: Record<string, string>,
    exportKey: string | undefined,
  ): void {
    if (labels[ImportLabel.managedBy] === MANAGED_BY_CONTROLLER) {
      if (labels[GLOBAL_SLICE_LABEL] === 'true')
        this.queue.add(`global/${namespace}/${labels[ImportLabel.kubeServiceName] ?? ''}`);
      else if (labels[ImportLabel.serviceName] !== undefined)
        this.queue.add(`import/${namespace}/${labels[ImportLabel.serviceName]}`);
      else if (labels[SITE_TARGET_OF_LABEL] !== undefined)
        this.queue.add(`import/${namespace}/${labels[SITE_TARGET_OF_LABEL]}`);
      return;
    }
    const service = exportKey?.split('/')[1];
    if (service !== undefined) this.onServiceExport(namespace, service);
  }

  private onServiceExport(namespace: string, name: string): void {
    this.queue.add(`export/${namespace}/${name}`);
    const byAnnotation = exportedByAnnotation(
      this.caches.services.get(name, namespace)?.metadata.annotations,
    );
    if (
      byAnnotation ||
      this.caches.serviceExports.get(name, namespace) !== undefined ||
      this.exportedHere(namespace, name)
    )
      this.managedSync.schedule();
  }

  /** Whether the router still advertises an export of ours for this service (so its removal must be written). */
  private exportedHere(namespace: string, name: string): boolean {
    return this.view(namespace, name)?.sites.includes(this.siteId) === true;
  }

  private view(namespace: string, name: string): ServiceView | undefined {
    return this.views.get(`${namespace}/${name}`)?.view;
  }

  /** The site's managed state as the cluster says it should be: computed whole from the caches each time (level-triggered). */
  private desiredSite(): SiteDesired {
    const seen = new Set<string>();
    const exports = this.exportSources().flatMap((se) => {
      const namespace = se.metadata.namespace ?? '';
      if (se.metadata.deletionTimestamp !== undefined) return [];
      const key = `${namespace}/${se.metadata.name}`;
      seen.add(key);
      const service = this.caches.services.get(se.metadata.name, namespace);
      const slices = this.caches.sliceIndex.of(namespace, se.metadata.name);
      // Mapping 10,000 endpoints is real work: redo it only for exports whose inputs changed.
      const fingerprint = [se, service, ...slices]
        .map((o) => o?.metadata.resourceVersion ?? '-')
        .join('|');
      const cached = this.plans.get(key);
      if (cached?.fingerprint === fingerprint) return cached.entries;
      const { entries } = planExport(se, service, slices);
      this.plans.set(key, { fingerprint, entries });
      return entries;
    });
    for (const key of this.plans.keys()) if (!seen.has(key)) this.plans.delete(key);
    const namespaces = this.caches.namespaces
      .list()
      .filter((ns) => ns.metadata.deletionTimestamp === undefined)
      .map((ns) => ns.metadata.name);
    const affinities = new Map<string, Affinity>();
    for (const view of this.feed.latest?.services ?? []) {
      // Cilium's affinity is the local Service's: each cluster says where its own clients prefer to go.
      const local = globalSettingsOf(
        this.caches.services.get(view.name, view.namespace)?.metadata.annotations,
      );
      const settings = local.global ? local : globalSettingsOf(view.annotations);
      if (settings.global) affinities.set(`${view.namespace}/${view.name}`, settings.affinity);
    }
    return { exports, namespaces, affinities, clustersetIps: this.clustersetIps() };
  }

  /**
   * The ServiceExports, plus one stand-in for every Service global by annotation alone (Cilium's
   * contract: no ServiceExport needed). The stand-in has the Service's creation time, so the
   * export's age, and with it the conflict winner, is stable across controller restarts.
   */
  private exportSources(): ServiceExport[] {
    const explicit = this.caches.serviceExports.list();
    const named = new Set(
      explicit.map((se) => `${se.metadata.namespace ?? ''}/${se.metadata.name}`),
    );
    const implicit = this.caches.services.list().flatMap((svc): ServiceExport[] => {
      const namespace = svc.metadata.namespace ?? '';
      if (
        named.has(`${namespace}/${svc.metadata.name}`) ||
        svc.metadata.labels?.[ImportLabel.managedBy] === MANAGED_BY_CONTROLLER
      )
        return [];
      if (!exportedByAnnotation(svc.metadata.annotations)) return [];
      const metadata = {
        name: svc.metadata.name,
        namespace,
        ...(svc.metadata.creationTimestamp === undefined
          ? {}
          : { creationTimestamp: svc.metadata.creationTimestamp }),
      };
      return [{ apiVersion: 'multicluster.x-k8s.io/v1alpha1', kind: 'ServiceExport', metadata }];
    });
    return [...explicit, ...implicit];
  }

  /**
   * The ClusterIPs of the derived Services of imports the router serves on its import address:
   * the router's DNS answers them for clusterset.local names, so a pod's lookup gives an address
   * kube-proxy sends on to the router. Without an import address the virtual IPs are answered.
   */
  private clustersetIps(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const view of this.feed.latest?.services ?? []) {
      // Headless: each endpoint's derived Service, keyed `namespace/name@site/hostname`.
      for (const endpoint of view.endpoints) {
        if ((endpoint.listeners ?? []).length === 0) continue;
        const endpointIps = serviceIps(
          this.caches.services.get(
            derivedSiteServiceName(
              view.namespace,
              view.name,
              `${endpoint.site}/${endpoint.hostname}`,
            ),
            view.namespace,
          ),
        );
        if (endpointIps.length > 0)
          out[`${view.namespace}/${view.name}@${endpoint.site}/${endpoint.hostname}`] = endpointIps;
      }
      if (view.importListeners.length === 0) continue;
      const ips = serviceIps(
        this.caches.services.get(derivedServiceName(view.namespace, view.name), view.namespace),
      );
      if (ips.length > 0) out[`${view.namespace}/${view.name}`] = ips;
      // Site-targeted names: the ClusterIP of each site's derived Service, keyed `namespace/name@site`.
      for (const site of new Set((view.siteListeners ?? []).map((l) => l.site))) {
        const siteIps = serviceIps(
          this.caches.services.get(
            derivedSiteServiceName(view.namespace, view.name, site),
            view.namespace,
          ),
        );
        if (siteIps.length > 0) out[`${view.namespace}/${view.name}@${site}`] = siteIps;
      }
    }
    return out;
  }

  private importContext(mcsVersion: string): ImportContext {
    return {
      rest: this.rest,
      siteId: this.siteId,
      mcsVersion,
      view: (ns, name) => this.view(ns, name),
      namespaceExists: (ns) => this.caches.namespaceExists(ns),
      serviceImports: this.caches.serviceImports,
      services: this.caches.services,
      slices: this.caches.slices,
      holdRemovals: this.feed.latest?.converged === false,
    };
  }

  /** One reconcile; one the API refuses (RBAC) is reported on its object and retried, never fatal. */
  private async work(key: string, mcsVersion: string): Promise<void> {
    try {
      await this.reconcile(key, mcsVersion);
    } catch (err) {
      if (isForbidden(err)) await this.forbidden.forbidden(key, mcsVersion, err);
      throw err;
    }
    await this.forbidden.succeeded(key, mcsVersion);
  }

  /** One reconcile, dispatched on the key's kind; followers only watch. */
  private async reconcile(key: string, mcsVersion: string): Promise<void> {
    if (!this.elector.isLeader) return;
    const [kind = '', a = '', b = ''] = key.split('/');
    switch (kind) {
      case 'export':
        return reconcileExportStatus(
          {
            rest: this.rest,
            siteId: this.siteId,
            mcsVersion,
            serviceExport: (ns, name) => this.caches.serviceExports.get(name, ns),
            service: (ns, name) => this.caches.services.get(name, ns),
            slices: (ns, name) => this.caches.sliceIndex.of(ns, name),
            view: (ns, name) => this.view(ns, name),
          },
          a,
          b,
        );
      case 'import':
        // Before the first snapshot from the router nothing is known to be imported: deleting would be wrong.
        if (this.feed.latest === undefined) return;
        return reconcileImport(this.importContext(mcsVersion), a, b);
      case 'global':
        if (this.feed.latest === undefined) return;
        return reconcileGlobal(this.importContext(mcsVersion), a, b);
      case 'gslb':
        if (this.feed.latest === undefined || this.gslb === undefined) return;
        return this.gslb.sync.reconcile(this.feed.latest);
      case 'secret': {
        const named = (s: { metadata: { name: string } }): boolean => s.metadata.name === a;
        const secret =
          this.caches.tokenRequests.list().find(named) ?? this.caches.linkTokens.list().find(named);
        if (secret !== undefined)
          await reconcileLinkSecret(this.rest, this.paths, secret, this.logger, (trustDomain) =>
            ensureClusterProperties(this.rest, this.siteId, trustDomain, this.logger),
          );
        return;
      }
      default:
        this.logger.warn({ key }, 'unknown work key');
    }
  }
}

/** A Service's ClusterIPs, without `None` and empty ones. */
function serviceIps(service: Service | undefined): string[] {
  return (
    service?.spec?.clusterIPs ??
    (service?.spec?.clusterIP === undefined ? [] : [service.spec.clusterIP])
  ).filter((ip) => ip !== '' && ip !== 'None');
}

async function assertNamespace(rest: KubeRest, namespace: string): Promise<void> {
  if ((await rest.get(objectPath(Resources.namespaces, namespace))) !== undefined) return;
  throw new CausewayError(
    ErrorCode.InputInvalid,
    `--namespace: namespace "${namespace}" does not exist in the cluster`,
    {
      hint: `create it (kubectl create namespace ${namespace}) or pass the namespace the controller runs in`,
    },
  );
}
