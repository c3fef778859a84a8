import type { TLSSocket } from 'node:tls';
import { ServicesFeed, type ServicesSnapshot } from '../api/index.js';
import type { SitePaths } from '../config/index.js';
import { DrillExchange, isDrillControl } from '../drill/index.js';
import {
  createSiteFlows,
  DirectPaths,
  mayBindPrivileged,
  unprivilegedPortStart,
  VipImports,
  type ImportSync,
  type TcpEgress,
  type TcpIngress,
  type UdpIngress,
} from '../flow/index.js';
import { LinkMesh, RedemptionDesk, RemovedPeers } from '../link/index.js';
import {
  MembershipWatch,
  PartitionView,
  RevocationList,
  SiteLeases,
  type SiteRevocation,
} from '../membership/index.js';
import {
  FlowStats,
  RouterMetrics,
  registerCertificateExpiry,
  subscribeRouterMetrics,
  subscribeTraffic,
  TrafficRing,
  type Logger,
} from '../observability/index.js';
import { AccessLog } from '../access-log/index.js';
import { CostAccounting } from '../cost/index.js';
import { AdvertExchange, LinkStateDb } from '../routing/index.js';
import type { Runtime } from '../runtime/index.js';
import { ExportReadiness, ServiceDirectory } from '../services/index.js';
import type { MuxSession } from '../transport/index.js';
import { placeOf, siteNamespaces, type SiteState } from './site-state.js';

/** Choices made when the router starts, not kept in the site config. */
export interface RouterOptions {
  /** Leases to hold while on the majority side, besides the config's `leases.hold`. */
  holdLeases?: readonly string[];
  /** Overrides `services.importAddress` (e.g. the pod's IP, known only when the pod starts). */
  importAddress?: string;
  /** Clock, randomness and timers; the process's unless a test or the simulator drives them. */
  runtime?: Runtime;
}

/** What the router does when an area tells something: the events it connects. */
export interface SiteEvents {
  /** Links or exports changed: re-announce this site. */
  publish(): void;
  /** A peer's advert changed what this site knows of the clusterset. */
  refreshCatalog(): void;
  linkUp(session: MuxSession): void;
  redeem(socket: TLSSocket): void;
  linkRemoved(peer: string): void;
  /** A site was revoked: close and forget it. */
  revoked(revocation: SiteRevocation): void;
  /** The clusterset as `/v1/services?watch=1` streams it. */
  servicesSnapshot(): ServicesSnapshot;
}

/** One site's areas, built once; the config and certificates they read live in `state`. */
export interface SiteParts {
  readonly paths: SitePaths;
  readonly state: SiteState;
  readonly logger: Logger;
  readonly runtime: Runtime;
  readonly epoch: number;
  readonly metrics: RouterMetrics;
  readonly stats: FlowStats;
  /** The recent flows the console's traffic view reads (`/v1/traffic`). */
  readonly traffic: TrafficRing;
  /** The metrics, status counts and traffic ring are fed from this site's events until stop. */
  readonly stopMetrics: () => void;
  /** Transfer bytes and costs of this site's clients, fed from its flow events until stop. */
  readonly cost: CostAccounting;
  /** Flow and request lines, when site.yaml asks for them. */
  readonly accessLog: AccessLog;
  readonly lsdb: LinkStateDb;
  readonly vips: VipImports;
  readonly partition: PartitionView;
  readonly readiness: ExportReadiness;
  readonly directory: ServiceDirectory;
  readonly servicesFeed: ServicesFeed;
  readonly membership: MembershipWatch;
  readonly adverts: AdvertExchange;
  readonly mesh: LinkMesh;
  readonly leases: SiteLeases;
  readonly ingress: TcpIngress;
  readonly udp: UdpIngress;
  readonly egress: TcpEgress;
  readonly imports: ImportSync;
  readonly desk: RedemptionDesk;
  readonly removed: RemovedPeers;
  readonly revocations: RevocationList;
  readonly drills: DrillExchange;
  readonly direct: DirectPaths;
}

/** Builds every area of one site; nothing is opened or read from disk yet. */
export function buildSiteParts(
  paths: SitePaths,
  state: SiteState,
  logger: Logger,
  options: RouterOptions,
  events: SiteEvents,
  runtime: Runtime,
): SiteParts {
  const self = state.config.site.id;
  const epoch = runtime.now();
  const now = (): number => runtime.now();
  const metrics = new RouterMetrics();
  const stats = new FlowStats();
  const traffic = new TrafficRing({ site: self, now });
  registerCertificateExpiry(metrics.registry, () => state.material);
  const readiness = new ExportReadiness(() => events.publish());
  const directory = new ServiceDirectory(self);
  directory.setHealthCheck((e) => readiness.isServing(e));
  const lsdb = new LinkStateDb(self);
  const vips = newVipImports(paths, state, logger, options);
  const partition = new PartitionView(self, paths.members);
  const membership = new MembershipWatch({
    view: partition,
    known: () => lsdb.all().map((a) => a.origin),
    isReachable: (site) => lsdb.isReachable(site),
    safeModeFile: () => state.config.partition.safeModeFile,
    staleAfterMs: () => state.config.routing.staleAfterMs,
    epoch,
    now,
    metrics,
    logger,
  });
  const revocations = new RevocationList({
    self,
    file: paths.revocations,
    lock: paths.lock,
    trust: () => state.material,
    flood: (payload, from) => {
      for (const link of mesh.peers.values())
        if (link.peer !== from) link.pickSession()?.sendControl(payload);
    },
    revoked: (revocation) => events.revoked(revocation),
    refused: (peer, err) => {
      metrics.controlErrors.inc({ peer, code: (err as { code?: string }).code ?? 'error' });
      logger.warn({ peer, err }, 'control message refused');
    },
    logger,
  });
  const adverts = new AdvertExchange({
    self,
    epoch,
    lsdb,
    refusesOrigin: (origin) => revocations.has(origin),
    peers: () => mesh.peers.values(),
    material: () => state.material,
    learnEndpoints: (site, addresses) => mesh.learnEndpoints(site, addresses),
    changed: () => events.refreshCatalog(),
    now,
    metrics,
    logger,
  });
  const mesh: LinkMesh = new LinkMesh(
    () => state.config.site,
    () => state.config.link,
    () => state.material,
    epoch,
    logger,
    metrics,
    {
      stream: (peer, stream, open) => flows.egress.accept(peer, stream, open),
      control: (peer, payload) => {
        if (isDrillControl(payload)) drills.receive(peer, payload);
        else if (!revocations.receive(peer, payload)) adverts.receive(peer, payload);
      },
      passesCut: isDrillControl,
      cutSessionUp: (_peer, session) => drills.syncPeer(session),
      linkUp: (_peer, session) => events.linkUp(session),
      sessionUp: () => undefined,
      linkDown: () => events.publish(),
      redeem: (socket) => events.redeem(socket),
      linkRemoved: (peer) => events.linkRemoved(peer),
    },
  );
  const drills = new DrillExchange({
    self,
    file: paths.drills,
    trust: () => ({ caPem: state.material.caPem, trustDomain: state.config.site.trustDomain }),
    peers: () => mesh.peers.values(),
    impair: (impairment) => mesh.impair(impairment),
    majority: () => membership.report?.majority,
    writesRefused: metrics.writesRefused,
    registry: metrics.registry,
    runtime,
    logger,
  });
  const leases = new SiteLeases({
    config: state.config,
    siteDir: paths.dir,
    hold: options.holdLeases ?? [],
    onMajoritySide: () => membership.report?.majority === true,
    logger,
  });
  const servicesFeed = new ServicesFeed(() => events.servicesSnapshot());
  const flows = createSiteFlows({
    config: () => state.config,
    configFile: paths.config,
    directory,
    mesh,
    lsdb,
    vips,
    lease: (name) => leases.state(name),
    placeOf: (site) => placeOf(state.config, lsdb, site),
    namespaces: () => siteNamespaces(state.config),
    importsSynced: () => servicesFeed.refresh(),
    keyPem: () => state.material.keyPem,
    metrics,
    logger,
    runtime,
  });
  // Which remote sites' Pods are reached directly; a change redoes slices and DNS through the feed.
  const direct = new DirectPaths({
    self,
    network: () => state.config.network,
    adverts: () => lsdb.all(),
    runtime,
    changed: () => servicesFeed.refresh(),
  });
  return {
    ...{ paths, state, logger, runtime, epoch, metrics, stats, lsdb, vips, partition, readiness },
    direct,
    ...{ directory, servicesFeed, membership, adverts, mesh, leases, traffic, drills, ...flows },
    stopMetrics: stopAll(
      subscribeRouterMetrics(self, metrics, stats),
      subscribeTraffic(self, traffic),
    ),
    revocations,
    accessLog: new AccessLog({
      site: self,
      config: () => state.config.accessLog,
      random: () => runtime.random(),
      logger,
    }),
    cost: new CostAccounting({
      site: self,
      registry: metrics.registry,
      config: () => state.config.cost,
      exporters: (name, namespace) =>
        (directory.service(name, namespace)?.sites ?? []).flatMap(
          (site) => placeOf(state.config, lsdb, site) ?? [],
        ),
      now,
    }),
    desk: new RedemptionDesk(
      paths,
      () => state.material,
      logger,
      metrics,
      (site) => revocations.has(site),
    ),
    removed: new RemovedPeers(paths, mesh),
  };
}

function stopAll(...stops: Array<() => void>): () => void {
  return () => stops.forEach((stop) => stop());
}

/** Import addresses; whether this process may bind low ports is read once (it cannot change). */
function newVipImports(
  paths: SitePaths,
  state: SiteState,
  logger: Logger,
  options: RouterOptions,
): VipImports {
  const privilegedBind = mayBindPrivileged();
  const portStart = unprivilegedPortStart();
  return new VipImports(
    { vips: paths.vips, ports: paths.importPorts },
    {
      addressPool: state.config.services.addressPool,
      importPorts: state.config.services.importPorts,
      importAddress: () => options.importAddress ?? state.config.services.importAddress,
      mayBindPrivileged: () => privilegedBind,
      unprivilegedPortStart: () => portStart,
    },
    logger,
    state.config.routing.staleAfterMs,
  );
}
