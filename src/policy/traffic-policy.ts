/** One endpoint a flow may be sent to: a replica at a site, or a whole site behind its router. */
export interface Candidate {
  /** Unique among the candidates of one selection (e.g. `${site}/${hostname}` or the site id). */
  id: string;
  site: string;
  zone: string;
  region: string;
  /** Custom labels that `failoverPriority` may name. */
  labels?: Record<string, string>;
  /** Relative share of flows; default 1. The policy's site weight multiplies in. */
  weight?: number;
  /** Active health and link liveness; false means never chosen. */
  healthy: boolean;
  /** Passive outlier ejection; treated exactly like unhealthy. */
  ejected?: boolean;
  /** Flows in progress to it, read live at selection time (least-loaded choice and overload). */
  outstanding: number;
}

/** Where the flow comes from: the tiers are ordered by closeness to this. */
export interface ClientLocation {
  site: string;
  zone: string;
  region: string;
  labels?: Record<string, string>;
  /** Key for ClientIP session affinity. */
  clientIp?: string;
}

/** Kubernetes `trafficDistribution`: `PreferClose` is same zone, then same region, then anywhere. */
export type Locality = 'PreferClose' | 'Any';

/**
 * Cilium `service.cilium.io/affinity`: `local` prefers the client's own site, `remote` prefers the
 * other sites, `none` has no site preference. Graded here: a preferred tier spills gradually when it
 * is overloaded instead of taking every flow while one endpoint is still up.
 */
export type Affinity = 'none' | 'local' | 'remote';

/** Kubernetes Service `sessionAffinity: ClientIP`, with its `timeoutSeconds`. */
export interface SessionAffinity {
  type: 'ClientIP';
  timeoutSeconds: number;
}

/** How one service's flows choose among its candidates. */
export interface TrafficPolicy {
  locality: Locality;
  affinity: Affinity;
  /** Outstanding flows per endpoint above which a tier counts as overloaded and spills (gradually). */
  overloadThreshold?: number;
  /** Ordered label keys for failover tiers, like Istio failoverPriority: e.g. ['site','region','zone','topology.example/rack']. */
  failoverPriority?: string[];
  /** Weight per site id, multiplied into each candidate's own weight; missing sites weigh 1. */
  siteWeights?: Record<string, number>;
  sessionAffinity?: SessionAffinity;
}
