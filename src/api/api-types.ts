import type { ExportConditions, IpFamily, ServicePort } from '../mcs/index.js';
import type { FlowCounts } from '../observability/index.js';

// `GET /v1/traffic?rangeSeconds=N` answers the router's own ring of recent flows.
export type { TrafficReport, TrafficPoint, TrafficSeries } from '../observability/index.js';

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

/** One Pod of another site reached by its own address. */
export interface DirectView {
  site: string;
  address: string;
  hostname?: string;
  zone?: string;
  ready: boolean;
  serving: boolean;
  /** Service port → the Pod's port. */
  ports: Array<{ port: number; targetPort: number }>;
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
  /**
   * Pods of exporting sites this site reaches directly (their pod networks route to ours and a
   * probe confirmed it), by their own addresses: imports list them instead of the router.
   */
  direct?: DirectView[];
  /** Whether any site has a ready endpoint for it: without one, new flows fail. */
  ready?: boolean;
  /** This site's exports of the service that are advertised not ready, and why. */
  notReadyHere?: Array<{ port: number; to: string; reason: string }>;
}

/** One traffic policy as `status` shows it (the importing side decides). */
export interface PolicyView {
  service: string;
  namespace: string;
  locality: 'PreferClose' | 'Any';
  affinity: 'none' | 'local' | 'remote';
  overloadThreshold?: number | undefined;
  failoverPriority?: string[] | undefined;
  siteWeights?: Record<string, number> | undefined;
  sessionAffinity?: { type: 'ClientIP'; timeoutSeconds: number } | undefined;
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
  /** How this site chooses among each service's endpoints (site.yaml `policies`); absent from older routers. */
  policies?: PolicyView[];
  /** Sites revoked in the clusterset (refused at every handshake), sorted. */
  revoked?: string[];
  /** Sites known from adverts, with whether a route reaches them and through which peer. */
  routes: Array<{
    site: string;
    /** Where the site is, as its advert says; absent from older routers. */
    zone?: string;
    region?: string;
    reachable: boolean;
    nextHop: string | null;
    cost: number | null;
    hops: number | null;
    /** How imports from the site are reached: its Pods directly, or through the routers; absent from older routers. */
    path?: 'direct' | 'router';
    pathReason?: string;
  }>;
  /** Failure drills in force here (empty when none). */
  drills?: DrillView[];
  /** Sites whose advertised CIDRs changed since last confirmed (condition NetworkChanged): their imports stay on the router until a new probe succeeds. */
  networkConflicts?: Array<{ site: string; reason: 'NetworkChanged'; message: string }>;
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

/** A failure drill as routers show it (`status`, `causeway drill list`). */
export interface DrillView {
  id: string;
  kind: 'partition' | 'site-loss' | 'latency' | 'loss';
  /** Isolated sites (partition), the lost site (site-loss), or the two sites (latency, loss). */
  sites: string[];
  addMs: number | null;
  jitterMs: number | null;
  percent: number | null;
  issuer: string;
  issuedAt: string;
  endsAt: string;
  /** When it ended here, and why; null while in force. */
  endedAt: string | null;
  ended: 'deadline' | 'stopped' | null;
  /** One line saying what the drill does, for people. */
  summary: string;
}

/** What one site saw during a drill and shortly after it (`causeway drill report`). */
export interface DrillReport {
  site: string;
  drill: DrillView;
  /** When this router took the drill in force (its clock). */
  startedHere: string;
  /** Links that went down, with the time from the drill's start (the detection time). */
  linksLost: Array<{ peer: string; afterMs: number }>;
  /** Links that came back, with the time from the drill's end. */
  linksBack: Array<{ peer: string; afterEndMs: number }>;
  /** Partition-view verdicts as they changed (false: safe mode), from the drill's start. */
  safeMode: Array<{ majority: boolean; afterMs: number }>;
  /** Changes of a lease's holder seen here. */
  leaseHandovers: Array<{
    lease: string;
    holder: string | null;
    fencingToken: number | null;
    kind: string;
    afterMs: number;
  }>;
  /** Flows refused or failed, per service and outcome. */
  flows: Array<{ service: string; outcome: string; count: number }>;
  /** Writes of single-writer services answered 503 here, per service, lease and reason. */
  writesRefused: Array<{ service: string; lease: string; reason: string; count: number }>;
  /** Still recording: the drill is in force or its aftermath is being watched. */
  recording: boolean;
}

/** How `GET /v1/cost` groups its rows. */
export type CostGrouping = 'service' | 'pair';

/** A zone of a region: one end of a transfer. */
export interface ZonePlace {
  zone: string;
  region: string;
}

/** One row of the cost report: a service (by service) or a zone pair, sender first (by pair). */
export interface CostRow {
  service: string | null;
  namespace: string | null;
  from: ZonePlace | null;
  to: ZonePlace | null;
  bytes: number;
  /** Bytes that left their zone (cross-region bytes included). */
  crossZoneBytes: number;
  crossRegionBytes: number;
  dollars: number;
}

/** What crossed zones and regions from this site's clients, what it cost, and what locality saved. */
export interface CostReport {
  site: string;
  by: CostGrouping;
  since: string;
  until: string;
  currency: 'USD';
  prices: { name: string; source: string; asOf: string };
  /** Most expensive first (then most bytes). */
  rows: CostRow[];
  total: { bytes: number; crossZoneBytes: number; crossRegionBytes: number; dollars: number };
  locality: {
    /** Bytes kept in the client's zone that round-robin over the service's sites would have sent out of it. */
    keptInZoneBytes: number;
    /** What the same flows would have cost spread round-robin. */
    roundRobinDollars: number;
    savedDollars: number;
  };
}
