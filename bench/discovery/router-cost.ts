import { seededRandom } from '../../src/policy/index.js';
import { performance } from 'node:perf_hooks';
import type { ClustersetModel, SiteExport } from '../../src/mcs/index.js';
import {
  LinkStateDb,
  computeRoutes,
  decodeControl,
  encodeSiteAdvert,
  type SiteAdvert,
} from '../../src/routing/index.js';
import { ServiceDirectory } from '../../src/services/index.js';
import { summarizeLatencies, type LatencySummary } from './latency-summary.js';
import { siteId, syntheticAdvert, type SyntheticClusterset } from './synthetic-clusterset.js';

/** One complete router's state and the cost of one change to it. */
export interface RouterCostResult {
  self: string;
  clustersetServices: number;
  decodeAllMs: number;
  loadMs: number;
  firstSyncMs: number;
  /** Per change (one site exports one more service): decode, apply, sync, and the router's next read. */
  change: {
    decodeMs: LatencySummary;
    applyMs: LatencySummary;
    syncMs: LatencySummary;
    applySyncMs: LatencySummary;
    importedMs: LatencySummary;
  };
  /** The same change the previous way: routes recomputed on every apply, every advert re-fed on every sync. */
  baseline: { applyMs: LatencySummary; syncMs: LatencySummary; applySyncMs: LatencySummary };
  heapBaselineBytes: number;
  heapUsedBytes: number;
  memoryPerRouterBytes: number;
  rssBytes: number;
}

/** Decodes a freshly encoded advert, as a router receives it off the wire. */
function fromWire(advert: SiteAdvert): SiteAdvert {
  const message = decodeControl(encodeSiteAdvert(advert));
  if (message.type !== 'site') throw new Error('synthetic advert did not decode as a site advert');
  return message;
}

/**
 * Builds the state of site 0's router (every site's advert decoded from wire bytes, the link-state
 * database and the service directory over 1,000 × 100 exports), reports its heap, then times
 * `changes` single-site changes (apply + sync) and `baselineChanges` the previous way.
 */
export function measureRouterCost(
  cs: SyntheticClusterset,
  changes: number,
  baselineChanges: number,
  gc: () => void,
): RouterCostResult {
  gc();
  const heapBaselineBytes = process.memoryUsage().heapUsed;
  const self = siteId(0);
  let t = performance.now();
  const adverts = Array.from({ length: cs.sites }, (_, i) => fromWire(syntheticAdvert(cs, i, 1)));
  const decodeAllMs = performance.now() - t;
  const db = new LinkStateDb(self);
  t = performance.now();
  db.setOwn(adverts[0] as SiteAdvert, 0);
  db.load(adverts.slice(1), 0);
  const loadMs = performance.now() - t;
  adverts.length = 0;
  const directory = new ServiceDirectory(self);
  const reachable = (site: string): boolean => db.isReachable(site);
  t = performance.now();
  directory.sync(db.all(), reachable);
  const firstSyncMs = performance.now() - t;
  const namespaces = new Set(db.get(self)?.namespaces ?? []);
  directory.imported(namespaces);

  const random = seededRandom(42);
  const seqs = new Map<number, number>();
  const nextChange = (): SiteAdvert => {
    const index = 1 + Math.floor(random() * (cs.sites - 1));
    const seq = (seqs.get(index) ?? 1) + 1;
    seqs.set(index, seq);
    return syntheticAdvert(cs, index, seq, seq - 1);
  };
  const samples = {
    decodeMs: [] as number[],
    applyMs: [] as number[],
    syncMs: [] as number[],
    applySyncMs: [] as number[],
    importedMs: [] as number[],
  };
  for (let i = 0; i < changes; i++) {
    const wire = encodeSiteAdvert(nextChange());
    const t0 = performance.now();
    const message = decodeControl(wire);
    const t1 = performance.now();
    if (message.type !== 'site' || db.apply(message, 0) !== 'applied')
      throw new Error('change was not applied');
    const t2 = performance.now();
    directory.sync(db.all(), reachable);
    const t3 = performance.now();
    directory.imported(namespaces);
    const t4 = performance.now();
    samples.decodeMs.push(t1 - t0);
    samples.applyMs.push(t2 - t1);
    samples.syncMs.push(t3 - t2);
    samples.applySyncMs.push(t3 - t1);
    samples.importedMs.push(t4 - t3);
  }
  const base = { applyMs: [] as number[], syncMs: [] as number[], applySyncMs: [] as number[] };
  for (let i = 0; i < baselineChanges; i++) {
    const message = fromWire(nextChange());
    const t0 = performance.now();
    db.apply(message, 0);
    computeRoutes(
      self,
      db.all().map((a) => ({ site: a.origin, links: a.links })),
    );
    const t1 = performance.now();
    refeedEveryAdvert(directory.model, db.all(), reachable);
    const t2 = performance.now();
    base.applyMs.push(t1 - t0);
    base.syncMs.push(t2 - t1);
    base.applySyncMs.push(t2 - t0);
  }
  // Later syncs take the re-fed sites from the directory again; keep it consistent for the heap figure.
  directory.sync(db.all(), reachable);
  gc();
  const memory = process.memoryUsage();
  const result: RouterCostResult = {
    self,
    clustersetServices: directory.model.services().length,
    decodeAllMs,
    loadMs,
    firstSyncMs,
    change: {
      decodeMs: summarizeLatencies(samples.decodeMs),
      applyMs: summarizeLatencies(samples.applyMs),
      syncMs: summarizeLatencies(samples.syncMs),
      applySyncMs: summarizeLatencies(samples.applySyncMs),
      importedMs: summarizeLatencies(samples.importedMs),
    },
    baseline: {
      applyMs: summarizeLatencies(base.applyMs),
      syncMs: summarizeLatencies(base.syncMs),
      applySyncMs: summarizeLatencies(base.applySyncMs),
    },
    heapBaselineBytes,
    heapUsedBytes: memory.heapUsed,
    memoryPerRouterBytes: memory.heapUsed - heapBaselineBytes,
    rssBytes: memory.rss,
  };
  // The state must stay alive until the heap is read.
  if (db.all().length !== cs.sites) throw new Error('router state lost sites');
  return result;
}

/** ServiceDirectory.sync before it became incremental: every reachable advert re-fed, every site checked. */
function refeedEveryAdvert(
  model: ClustersetModel,
  adverts: readonly SiteAdvert[],
  reachable: (site: string) => boolean,
): void {
  const present = new Set<string>();
  for (const advert of adverts) {
    if (!reachable(advert.origin)) continue;
    present.add(advert.origin);
    model.setSiteExports(
      advert.origin,
      advert.services.map((s): SiteExport => ({ ...s, site: advert.origin })),
    );
  }
  for (const service of model.services()) {
    for (const site of service.sites) if (!present.has(site)) model.removeSite(site);
  }
}
