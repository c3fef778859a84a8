import { subscribeEvent, type FlowCloseEvent } from './causeway-events.js';
import type { FlowSide } from './flow-stats.js';

/**
 * Upper bounds (ms) of the latency histogram kept per series and bucket. Log-spaced, so merging
 * buckets over a range is adding counts, and a percentile is read within a factor of ~2.5.
 */
export const LATENCY_BOUNDS_MS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  1_000,
  2_000,
  5_000,
  10_000,
  30_000,
  60_000,
  Infinity,
] as const;

/** One series: what a service's flows between two sites did, as seen by this router on one side. */
export interface TrafficSeries {
  service: string;
  namespace: string;
  side: FlowSide;
  /** Client's site (this site on ingress; the previous hop when the client's site is unknown). */
  source: string;
  /** Backend's site (the next hop when unknown). */
  destination: string;
  flows: number;
  /** HTTP requests among the flows (an HTTP import tells each request as a flow). */
  requests: number;
  errors: number;
  bytesToBackend: number;
  bytesToClient: number;
  /** Estimated from the histogram: the upper bound of the bucket holding the percentile; null without flows. */
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
}

/** Totals of one bucket of time, all series together, for charts. */
export interface TrafficPoint {
  /** Bucket start, epoch ms. */
  t: number;
  flows: number;
  requests: number;
  errors: number;
  bytes: number;
}

/** `GET /v1/traffic`: the recent traffic this router saw, over the asked range. */
export interface TrafficReport {
  site: string;
  bucketMs: number;
  rangeMs: number;
  /** Longest range the ring keeps. */
  keptMs: number;
  from: number;
  to: number;
  series: TrafficSeries[];
  timeline: TrafficPoint[];
}

interface Counts {
  flows: number;
  requests: number;
  errors: number;
  bytesToBackend: number;
  bytesToClient: number;
  latency: number[];
}

interface Bucket {
  start: number;
  series: Map<string, Counts>;
}

export interface TrafficRingOptions {
  site: string;
  now: () => number;
  /** Width of one bucket (default 5 s). */
  bucketMs?: number;
  /** Buckets kept (default 180: 15 minutes of 5 s). */
  buckets?: number;
  /** Series kept per bucket; flows past it are counted under the service `(other)`. */
  maxSeries?: number;
}

/** Key parts are joined with a character no service, namespace or site id may hold. */
const SEP = '\u0000';

/**
 * The recent flows of one router in a fixed ring of time buckets: memory is bounded by
 * buckets × series, whatever the traffic, and a range is answered by summing the buckets in it.
 * Fed with `causeway:flow:close` events; pure over its clock.
 */
export class TrafficRing {
  readonly bucketMs: number;
  private readonly ring: Array<Bucket | undefined>;
  private readonly maxSeries: number;

  constructor(private readonly options: TrafficRingOptions) {
    this.bucketMs = options.bucketMs ?? 5_000;
    this.ring = new Array<Bucket | undefined>(options.buckets ?? 180).fill(undefined);
    this.maxSeries = options.maxSeries ?? 256;
  }

  get keptMs(): number {
    return this.bucketMs * this.ring.length;
  }

  /** Counts one ended (or refused) flow in the bucket of the moment it ended. */
  record(e: FlowCloseEvent): void {
    const bucket = this.bucketAt(this.options.now());
    const source = e.source?.site ?? e.previousHop ?? this.options.site;
    const destination = e.destination?.site ?? e.nextHop ?? this.options.site;
    let key = [e.side, e.namespace, e.service, source, destination].join(SEP);
    if (!bucket.series.has(key) && bucket.series.size >= this.maxSeries)
      key = [e.side, '', '(other)', '', ''].join(SEP);
    const c = bucket.series.get(key) ?? emptyCounts();
    bucket.series.set(key, c);
    c.flows += 1;
    if (e.protocol === 'http') c.requests += 1;
    if (!e.opened || e.outcome !== 'closed') c.errors += 1;
    c.bytesToBackend += e.bytesToBackend;
    c.bytesToClient += e.bytesToClient;
    if (e.opened) c.latency[latencyBucket(e.durationMs)]! += 1;
  }

  /** The last `rangeMs` (clamped to what is kept), series summed and a point per bucket. */
  report(rangeMs: number): TrafficReport {
    const to = this.options.now();
    const range = Math.min(Math.max(rangeMs, this.bucketMs), this.keptMs);
    const newest = Math.floor(to / this.bucketMs) * this.bucketMs;
    const count = Math.ceil(range / this.bucketMs);
    const sums = new Map<string, Counts>();
    const timeline: TrafficPoint[] = [];
    for (let i = count - 1; i >= 0; i--) {
      const start = newest - i * this.bucketMs;
      const bucket = this.ring[this.slot(start)];
      const point: TrafficPoint = { t: start, flows: 0, requests: 0, errors: 0, bytes: 0 };
      if (bucket?.start === start)
        for (const [key, c] of bucket.series) {
          addCounts(sums, key, c);
          point.flows += c.flows;
          point.requests += c.requests;
          point.errors += c.errors;
          point.bytes += c.bytesToBackend + c.bytesToClient;
        }
      timeline.push(point);
    }
    return {
      ...{ site: this.options.site, bucketMs: this.bucketMs, rangeMs: range, keptMs: this.keptMs },
      ...{ from: newest - (count - 1) * this.bucketMs, to, timeline },
      series: [...sums].map(([key, c]) => seriesOf(key, c)).sort(byFlowsThenName),
    };
  }

  private slot(start: number): number {
    return Math.floor(start / this.bucketMs) % this.ring.length;
  }

  private bucketAt(now: number): Bucket {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    const slot = this.slot(start);
    const current = this.ring[slot];
    if (current?.start === start) return current;
    // The slot held a bucket one lap of the ring ago (or never one): start it afresh.
    const fresh: Bucket = { start, series: new Map() };
    this.ring[slot] = fresh;
    return fresh;
  }
}

function emptyCounts(): Counts {
  const latency = new Array<number>(LATENCY_BOUNDS_MS.length).fill(0);
  return { flows: 0, requests: 0, errors: 0, bytesToBackend: 0, bytesToClient: 0, latency };
}

function addCounts(sums: Map<string, Counts>, key: string, c: Counts): void {
  const sum = sums.get(key) ?? emptyCounts();
  sums.set(key, sum);
  sum.flows += c.flows;
  sum.requests += c.requests;
  sum.errors += c.errors;
  sum.bytesToBackend += c.bytesToBackend;
  sum.bytesToClient += c.bytesToClient;
  c.latency.forEach((n, i) => (sum.latency[i]! += n));
}

/** Index of the first bound at or above `ms`. */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return i < 0 ? LATENCY_BOUNDS_MS.length - 1 : i;
}

/** The upper bound of the bucket where the cumulative count reaches `p` (0..1); null when empty. */
export function percentileOf(histogram: readonly number[], p: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(total * p));
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    seen += histogram[i] ?? 0;
    if (seen >= rank) {
      const bound = LATENCY_BOUNDS_MS[i] ?? Infinity;
      // Past the last finite bound only "more than a minute" is known: report that bound.
      return Number.isFinite(bound) ? bound : LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 2]!;
    }
  }
  return null;
}

function seriesOf(key: string, c: Counts): TrafficSeries {
  const [side, namespace, service, source, destination] = key.split(SEP) as [
    FlowSide,
    string,
    string,
    string,
    string,
  ];
  return {
    ...{ service, namespace, side, source, destination },
    ...{ flows: c.flows, requests: c.requests, errors: c.errors },
    ...{ bytesToBackend: c.bytesToBackend, bytesToClient: c.bytesToClient },
    p50Ms: percentileOf(c.latency, 0.5),
    p90Ms: percentileOf(c.latency, 0.9),
    p99Ms: percentileOf(c.latency, 0.99),
  };
}

function byFlowsThenName(a: TrafficSeries, b: TrafficSeries): number {
  return (
    b.flows - a.flows || `${a.namespace}/${a.service}`.localeCompare(`${b.namespace}/${b.service}`)
  );
}

/** Feeds `ring` with this site's flow closes; returns the function that stops it. */
export function subscribeTraffic(site: string, ring: TrafficRing): () => void {
  return subscribeEvent('flowClose', (e) => {
    if (e.site === site) ring.record(e);
  });
}
