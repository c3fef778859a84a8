import type { SiteConfig } from '../config/index.js';
import type { LeaseState } from '../lease/index.js';
import type { LinkMesh } from '../link/index.js';
import {
  FlowRecorder,
  type Logger,
  type RouterMetrics,
  type SitePlace,
} from '../observability/index.js';
import type { LinkStateDb } from '../routing/index.js';
import type { Runtime } from '../runtime/index.js';
import type { ServiceDirectory } from '../services/index.js';
import { EndpointChooser } from './endpoint-chooser.js';
import { HttpIngress } from './http/index.js';
import { Http2Ingress } from './http2/index.js';
import { ImportSync } from './import-sync.js';
import { signOpenSource } from './open-source.js';
import { TcpEgress, TcpIngress } from './tcp/index.js';
import { UdpEgress, UdpIngress } from './udp/index.js';
import type { VipImports } from './vip-imports.js';

export interface SiteFlowsDeps {
  config(): SiteConfig;
  configFile: string;
  directory: ServiceDirectory;
  mesh: LinkMesh;
  lsdb: LinkStateDb;
  vips: VipImports;
  /** What this site knows of a lease (single-writer HTTP imports route writes by it). */
  lease(name: string): LeaseState;
  /** Where a site is, for the flow events. */
  placeOf(site: string): SitePlace | undefined;
  namespaces(): string[];
  /** The import listeners follow a change (watchers may be told). */
  importsSynced(): void;
  /** This site's key: it signs the source of flows that leave through a transit site. */
  keyPem(): string;
  metrics: RouterMetrics;
  logger: Logger;
  runtime: Runtime;
}

/** One site's flows: the TCP, HTTP and UDP ingress of its imports, the egress of its exports and transit, and the listener sync. */
export interface SiteFlows {
  ingress: TcpIngress;
  udp: UdpIngress;
  egress: TcpEgress;
  imports: ImportSync;
}

/** Builds a site's flow parts around one endpoint chooser and one recorder per side. */
export function createSiteFlows(deps: SiteFlowsDeps): SiteFlows {
  const { directory, mesh, lsdb, metrics, logger, runtime } = deps;
  const site = deps.config().site.id;
  const dataPlane = (): SiteConfig['dataPlane'] => deps.config().dataPlane;
  const placeOf = (s: string): SitePlace | undefined => deps.placeOf(s);
  const now = (): number => runtime.now();
  const recorder = (side: 'ingress' | 'egress' | 'transit'): FlowRecorder =>
    new FlowRecorder(side, site, placeOf, now);
  const egressRecorder = recorder('egress');
  const udpEgress = new UdpEgress(site, directory, dataPlane, egressRecorder, logger, runtime);
  const egress = new TcpEgress(
    directory,
    mesh,
    lsdb,
    dataPlane,
    egressRecorder,
    recorder('transit'),
    logger,
    (service, namespace) =>
      deps.config().access.find((a) => a.service === service && a.namespace === namespace)?.allow,
    udpEgress,
  );
  const chooser = new EndpointChooser(
    directory,
    lsdb,
    () => deps.config(),
    metrics,
    logger,
    runtime,
  );
  const ingressRecorder = recorder('ingress');
  let ingress: TcpIngress | undefined;
  const http = new HttpIngress({
    directory,
    lsdb,
    chooser,
    openFlow: (imp, port, target) => ingress?.openFlow(imp, port, target),
    lease: (name) => deps.lease(name),
    dataPlane,
    recorder: ingressRecorder,
    metrics,
    logger,
    runtime,
    routes: () => deps.config().routes,
    placeOf,
  });
  const http2 = new Http2Ingress({
    directory,
    lsdb,
    chooser,
    openFlow: (imp, port, target) => ingress?.openFlow(imp, port, target),
    dataPlane,
    routes: () => deps.config().routes,
    placeOf,
    recorder: ingressRecorder,
    metrics,
    logger,
    runtime,
  });
  ingress = new TcpIngress(
    directory,
    mesh,
    lsdb,
    chooser,
    dataPlane,
    ingressRecorder,
    logger,
    http,
    (open, source) => signOpenSource(open, source, deps.keyPem()),
    http2,
  );
  const udp = new UdpIngress({
    directory,
    mesh,
    lsdb,
    chooser,
    dataPlane,
    recorder: ingressRecorder,
    logger,
    runtime,
  });
  const imports = new ImportSync({
    config: () => deps.config(),
    configFile: deps.configFile,
    directory,
    vips: deps.vips,
    ingress,
    udp,
    namespaces: () => deps.namespaces(),
    synced: () => deps.importsSynced(),
    logger,
  });
  return { ingress, udp, egress, imports };
}
