import type { ExportConditions, IpFamily, ServicePort } from '../mcs/index.js';
import type { FlowCounts } from '../observability/index.js';

// The local API's data: what `/v1/*` answers and what the CLI, the Kubernetes controller and the
// demo read. Shapes only, so a consumer of the JSON never depends on the router that builds it.

/** What this site can see of the clusterset right now. */
export interface PartitionReport {
  /** Every site that has ever been a member (remembered across restarts), this one included. */
  members: string[];
  reachable: string[];
  unreachable: string[];
  /** Strictly more than half of the members are reachable from here (this site counts). */
  majority: boolean;
  /** Sites needed for a majority. */
  quorum: number;
  since: string;
}

/** A watched lease as `status` shows it. */
export interface LeaseReport {
  name: string;
  known: boolean;
  holder: string | null;
  fencingToken: number | null;
  expiresAt: string | null;
  live: boolean;
  /** This site runs a holder loop for it. */
  holding: boolean;
}

/** One TCP (or UDP) port of an imported service and the address it listens on at this site. */
export interface PortListener {
  port: number;
  listen: string;
  /** `UDP` for a UDP port's listener; absent for TCP. */
  protocol?: 'UDP';
}

/** One clusterset service as this site sees it: what a ServiceImport here is made from. */
export interface ServiceView {
  name: string;
  namespace: string;
  type: string;
  ports: ServicePort[];
  sites: string[];
  /** Exporting sites with at least one ready endpoint (what global DNS answers from); absent from older routers. */
  readySites?: string[];
  winnerSite: string;
  importedHere: boolean;
  vip: string | null;
  /** Each TCP port's listener on the import address (`services.importAddress`); empty without one. */
  importListeners: PortListener[];
  /** Per exporting site, each TCP port's listener on the import address for site-targeted names; empty without one. */
  siteListeners?: Array<PortListener & { site: string }>;
  dnsName: string;
  sessionAffinity: 'None' | 'ClientIP';
  sessionAffinityTimeoutSeconds: number | null;
  internalTrafficPolicy: string | null;
  trafficDistribution: string | null;
  ipFamilies: IpFamily[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Headless services: each endpoint with the address it has at this site. */
  endpoints: Array<{
    site: string;
    hostname: string;
    vip: string | null;
    listeners?: PortListener[];
  }>;
  conditions: Record<string, ExportConditions>;
  /** Whether any site has a ready endpoint for it: without one, new flows fail. */
  ready?: boolean;
  /** This site's exports of the service that are advertised not ready, and why. */
  notReadyHere?: Array<{ port: number; to: string; reason: string }>;
}

/** `causeway status` as data: the same object is printed as text or JSON. */
export interface StatusReport {
  site: { id: string; zone: string; region: string; trustDomain: string };
  pid: number;
  startedAt: string;
  linkAddress: string;
  dnsAddress: string | null;
  links: Array<{
    peer: string;
    state: string;
    direction: 'outbound' | 'inbound';
    cost: number;
    rttMs: number | null;
    connections: number;
    flows: number;
    zone: string;
    region: string;
    since: string;
    lastError: string | null;
    dialFailures: number;
    endpoints: string[];
  }>;
  /** `ready` is what this site advertises; `reason` says why not (failed health check, draining). */
  exports: Array<{
    name: string;
    namespace: string;
    port: number;
    /** What the backend speaks (HTTP exports are TCP). */
    protocol: 'TCP' | 'UDP';
    to: string;
    ready: boolean;
    reason: string | null;
    flows: FlowCounts;
  }>;
  imports: Array<{
    name: string;
    namespace: string;
    listen: string;
    protocol: 'TCP' | 'UDP';
    port: number | null;
    site: string | null;
    kind: 'configured' | 'virtual-ip';
    exporters: string[];
    flows: FlowCounts;
  }>;
  /** The clusterset's services as merged here (MCS ServiceImport view), with this site's virtual IP. */
  services: ServiceView[];
  /** Which members this site reaches and whether that is a majority (split-brain safety). */
  partition: {
    majority: boolean;
    quorum: number;
    members: string[];
    reachable: string[];
    unreachable: string[];
  } | null;
  /** Leases this router watches (its single-writer imports' and those it holds). */
  leases: LeaseReport[];
  /** Sites known from adverts, with whether a route reaches them and through which peer. */
  routes: Array<{
    site: string;
    reachable: boolean;
    nextHop: string | null;
    cost: number | null;
    hops: number | null;
  }>;
}

/** What `/v1/services` sends: this site's id and every clusterset service as seen here. */
export interface ServicesSnapshot {
  site: string;
  services: ServiceView[];
  /**
   * Sites known from their adverts but not reachable now (until forgotten after
   * `routing.staleAfterMs`): their services are out of the merge meanwhile, which a consumer may
   * want to tell apart from an unexport.
   */
  unreachable: string[]; /**
   * False while a freshly started router has not yet heard from every site it remembers as a
   * member (members.json), for at most `routing.staleAfterMs`: until then a service missing from
   * `services` may only be not yet re-learned, and a consumer must not take that for an unexport.
   */
  converged: boolean;
}

/** What the router writes beside its config while it runs, so the CLI can find it. */
export interface RuntimeInfo {
  pid: number;
  siteId: string;
  linkAddress: { host: string; port: number };
  apiSocket: string;
  startedAt: string;
}

/** What `POST /v1/drain` answers: the flows still open when it stopped waiting. */
export interface DrainResult {
  remaining: number;
  waitedMs: number;
}
