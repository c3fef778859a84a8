import type { GslbRecord, GslbTarget } from './gslb-config.js';
import { clientHash } from './client-hash.js';
import type { RegionTable } from './region-table.js';

/** Who asks: the ECS subnet a resolver forwarded (RFC 7871), else the resolver's own address. */
export interface GslbClient {
  address: string;
  /** The prefix that identifies the client: ECS source prefix, or the full address length. */
  prefix: number;
  source: 'ecs' | 'resolver';
}

/** Everything a choice reads besides the record: health, time, the region and latency tables. */
export interface ChoiceContext {
  healthy(site: string): boolean;
  /** Since when the site has been healthy (ms; -Infinity: since before we looked). */
  healthySince(site: string): number | undefined;
  now: number;
  regions: RegionTable;
  /** Milliseconds from a client region to a site region, or undefined when nobody knows. */
  latency(fromRegion: string, toRegion: string): number | undefined;
  /** The site holding the record's writer lease, while its term is live. */
  leaseHolder?: string | undefined;
}

/** The outcome: the addresses to answer and why, or SERVFAIL by the record's no-healthy policy. */
export type Choice =
  | { kind: 'answer'; targets: GslbTarget[]; reason: string; clientRegion?: string }
  | { kind: 'servfail'; reason: string };

/** Picks the targets to answer for `record` and `client`. Pure: the same inputs give the same answer. */
export function chooseTargets(record: GslbRecord, client: GslbClient, ctx: ChoiceContext): Choice {
  const healthy = record.targets.filter((t) => ctx.healthy(t.site));
  if (healthy.length === 0) {
    if (record.noHealthy === 'servfail')
      return { kind: 'servfail', reason: 'no healthy site (policy servfail)' };
    return { kind: 'answer', targets: record.targets, reason: 'no healthy site: fail open to all' };
  }
  if (record.writerLease !== undefined) {
    const holder = healthy.find((t) => t.site === ctx.leaseHolder);
    if (holder !== undefined)
      return {
        kind: 'answer',
        targets: [holder],
        reason: `${holder.site} holds lease ${record.writerLease}`,
      };
  }
  switch (record.strategy) {
    case 'failover':
      return chooseFailover(record, healthy, ctx);
    case 'weighted':
      return chooseWeighted(record, healthy, client);
    case 'geo':
      return chooseGeo(healthy, client, ctx);
    case 'latency':
      return chooseLatency(healthy, client, ctx);
    case 'all-healthy':
      return {
        kind: 'answer',
        targets: healthy.slice(0, record.maxAnswers),
        reason: `all healthy (${healthy.length}, up to ${record.maxAnswers})`,
      };
  }
}

/**
 * The first healthy site in the record's order that has stayed healthy for the hold-down; a site
 * that only just recovered waits, so one flapping primary does not drag every client back and forth.
 */
function chooseFailover(record: GslbRecord, healthy: GslbTarget[], ctx: ChoiceContext): Choice {
  const holdDownMs = record.holdDownSeconds * 1000;
  const settled = healthy.find(
    (t) => ctx.now - (ctx.healthySince(t.site) ?? ctx.now) >= holdDownMs,
  );
  const chosen = settled ?? healthy[0]!;
  const position = record.targets.indexOf(chosen);
  const skipped = record.targets
    .slice(0, position)
    .map((t) => `${t.site} ${ctx.healthy(t.site) ? 'in hold-down' : 'unhealthy'}`);
  const reason =
    skipped.length === 0
      ? `${chosen.site} is the first healthy site`
      : `${chosen.site} (${skipped.join(', ')})`;
  return { kind: 'answer', targets: [chosen], reason };
}

/**
 * A point on the weight line from the client's hash: the same client lands on the same site on every
 * server, and a site's share of clients is its share of the weight. Weight 0 is drained: it gets
 * clients only when every healthy site has weight 0.
 */
function chooseWeighted(record: GslbRecord, healthy: GslbTarget[], client: GslbClient): Choice {
  const weighted = healthy.filter((t) => t.weight > 0);
  const draining = weighted.length === 0;
  const pool = draining ? healthy : weighted;
  const weightOf = (t: GslbTarget): number => (draining ? 1 : t.weight);
  const total = pool.reduce((sum, t) => sum + weightOf(t), 0);
  const point = clientHash(`${record.name}|${client.address}/${client.prefix}`) % total;
  let cumulative = 0;
  let chosen = pool[pool.length - 1]!;
  for (const target of pool) {
    cumulative += weightOf(target);
    if (point < cumulative) {
      chosen = target;
      break;
    }
  }
  const reason = draining
    ? `every healthy site drained (weight 0): ${chosen.site} by client hash`
    : `${chosen.site}: weight ${chosen.weight} of ${total} (client point ${point})`;
  return { kind: 'answer', targets: [chosen], reason };
}

/** Healthy sites of the client's region; when none, the nearest region by latency, else record order. */
function chooseGeo(healthy: GslbTarget[], client: GslbClient, ctx: ChoiceContext): Choice {
  const { region, matched } = ctx.regions.regionOf(client.address);
  const via = `${client.source} ${client.address}/${client.prefix} → ${region ?? 'no region'} (${matched})`;
  if (region === undefined)
    return { kind: 'answer', targets: [healthy[0]!], reason: `${via}; first healthy site` };
  const local = healthy.filter((t) => regionOfTarget(t) === region);
  if (local.length > 0)
    return {
      kind: 'answer',
      targets: local,
      reason: `${via}; healthy in region`,
      clientRegion: region,
    };
  const nearest = nearestByLatency(healthy, region, ctx);
  return {
    kind: 'answer',
    targets: [nearest.target],
    reason: `${via}; none healthy in region, nearest ${nearest.why}`,
    clientRegion: region,
  };
}

/** The healthy site with the lowest latency from the client's region (unknown latencies last). */
function chooseLatency(healthy: GslbTarget[], client: GslbClient, ctx: ChoiceContext): Choice {
  const { region, matched } = ctx.regions.regionOf(client.address);
  const via = `${client.source} ${client.address}/${client.prefix} → ${region ?? 'no region'} (${matched})`;
  if (region === undefined)
    return { kind: 'answer', targets: [healthy[0]!], reason: `${via}; first healthy site` };
  const nearest = nearestByLatency(healthy, region, ctx);
  return {
    kind: 'answer',
    targets: [nearest.target],
    reason: `${via}; nearest ${nearest.why}`,
    clientRegion: region,
  };
}

function nearestByLatency(
  healthy: GslbTarget[],
  from: string,
  ctx: ChoiceContext,
): { target: GslbTarget; why: string } {
  let best = { target: healthy[0]!, ms: Number.POSITIVE_INFINITY };
  for (const target of healthy) {
    const to = regionOfTarget(target);
    const ms =
      to === from
        ? (ctx.latency(from, to) ?? 0)
        : (ctx.latency(from, to) ?? Number.POSITIVE_INFINITY);
    // Strictly less: ties keep the record's order, so every server breaks them the same way.
    if (ms < best.ms) best = { target, ms };
  }
  const why = Number.isFinite(best.ms)
    ? `${best.target.site} at ${best.ms} ms`
    : `${best.target.site} (latency unknown, record order)`;
  return { target: best.target, why };
}

/** A target's region: configured, else its site id. */
export function regionOfTarget(target: GslbTarget): string {
  return target.region ?? target.site;
}
