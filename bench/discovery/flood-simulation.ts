import { performance } from 'node:perf_hooks';
import {
  LinkStateDb,
  decodeControl,
  encodeSiteAdvert,
  isNewerAdvert,
} from '../../src/routing/index.js';
import {
  peersOf,
  siteId,
  syntheticAdvert,
  type SyntheticClusterset,
} from './synthetic-clusterset.js';

/** One CONTROL frame in flight: who sends it to whom, and how many hops from the origin it is. */
interface Delivery {
  to: number;
  from: number;
  payload: Buffer;
  hop: number;
}

/** What flooding one changed advert through the clusterset cost. */
export interface FloodResult {
  origin: string;
  deliveries: number;
  bytes: number;
  applied: number;
  duplicates: number;
  /** Duplicates decoded and applied for real; the rest are counted only (see `duplicateCpuMs`). */
  duplicatesProcessed: number;
  encodes: number;
  maxHops: number;
  /** One thread runs every router's work in queue order: wall time until the last site applied. */
  sequentialMsToReachAll: number;
  /** CPU of the whole flood, duplicates past the budget extrapolated from those processed. */
  totalCpuMs: number;
  duplicateCpuMs: number;
  decodeMsMean: number;
  applyMsMean: number;
  encodeMsMean: number;
  payloadBytes: number;
  /** Copies of the change each site decodes (its peers that forward it, plus the first). */
  decodesPerSiteMax: number;
  /** What-if: rejecting a duplicate by peeking (origin, epoch, seq) before validating the whole advert. */
  peekMsMean: number;
}

/** Reads (origin, epoch, seq) from the front of an encoded advert without parsing the rest. */
function peekAdvertVersion(
  payload: Buffer,
): { origin: string; epoch: number; seq: number } | undefined {
  const match =
    /^\{"type":"site","origin":"([^"]{1,253})","epoch":(\d{1,16}),"seq":(\d{1,16}),/.exec(
      payload.toString('latin1', 0, 340),
    );
  return match === null
    ? undefined
    : { origin: match[1] as string, epoch: Number(match[2]), seq: Number(match[3]) };
}

/**
 * Floods one change (site `originIndex` exports one more service) through lightweight routers that
 * run only the real protocol steps: decodeControl, LinkStateDb.apply, and the flood rule (re-encode
 * and forward to every peer but the sender when applied). Each node knows the origin's previous
 * advert, so the change is an update. The queue is processed in order (FIFO = breadth-first).
 * Once every site holds the new advert any delivery left is a duplicate that cannot apply or
 * forward, so only `duplicateBudgetMs` of them are processed for real; all are counted.
 */
export function simulateFlood(
  cs: SyntheticClusterset,
  originIndex: number,
  duplicateBudgetMs: number,
): FloodResult {
  const previous = decodeControl(encodeSiteAdvert(syntheticAdvert(cs, originIndex, 1)));
  if (previous.type !== 'site') throw new Error('synthetic advert did not decode as a site advert');
  const nodes = Array.from({ length: cs.sites }, (_, i) => {
    const db = new LinkStateDb(siteId(i));
    db.apply(previous, 0);
    return { db, peers: peersOf(cs, i), reached: i === originIndex, decodes: 0 };
  });
  const queue: Delivery[] = [];
  let decodeMs = 0;
  let applyMs = 0;
  let encodeMs = 0;
  let encodes = 0;
  const send = (from: number, payload: Buffer, hop: number, except?: number): void => {
    for (const to of nodes[from]?.peers ?? [])
      if (to !== except) queue.push({ to, from, payload, hop });
  };

  const started = performance.now();
  let t = performance.now();
  const change = encodeSiteAdvert(syntheticAdvert(cs, originIndex, 2, 1));
  encodeMs += performance.now() - t;
  encodes++;
  send(originIndex, change, 1);
  let remaining = cs.sites - 1;
  let sequentialMsToReachAll = 0;
  let maxHops = 0;
  let head = 0;
  let bytes = 0;
  let applied = 0;
  let duplicatesProcessed = 0;
  let duplicateMs = 0;
  let peekMs = 0;
  let duplicateDeadline = Number.POSITIVE_INFINITY;
  for (; head < queue.length; head++) {
    const delivery = queue[head] as Delivery;
    const node = nodes[delivery.to];
    if (node === undefined) continue;
    if (remaining === 0 && performance.now() > duplicateDeadline) break;
    bytes += delivery.payload.length;
    node.decodes++;
    const t0 = performance.now();
    const message = decodeControl(delivery.payload);
    const t1 = performance.now();
    if (message.type !== 'site') throw new Error('flooded payload did not decode as a site advert');
    const verdict = node.db.apply(message, 0);
    const t2 = performance.now();
    decodeMs += t1 - t0;
    applyMs += t2 - t1;
    if (verdict !== 'applied') {
      duplicatesProcessed++;
      duplicateMs += t2 - t0;
      const t3 = performance.now();
      const version = peekAdvertVersion(delivery.payload);
      const held = version === undefined ? undefined : node.db.get(version.origin);
      if (version === undefined || held === undefined || isNewerAdvert(held, version))
        throw new Error('peek would not have rejected a duplicate');
      peekMs += performance.now() - t3;
      continue;
    }
    applied++;
    node.reached = true;
    maxHops = Math.max(maxHops, delivery.hop);
    t = performance.now();
    const forwarded = encodeSiteAdvert(message);
    encodeMs += performance.now() - t;
    encodes++;
    send(delivery.to, forwarded, delivery.hop + 1, delivery.from);
    if (--remaining === 0) {
      sequentialMsToReachAll = performance.now() - started;
      duplicateDeadline = performance.now() + duplicateBudgetMs;
    }
  }
  const processedMs = performance.now() - started;
  // Everything left in the queue is a copy of an advert every site already holds: stale.
  const unprocessed = queue.length - head;
  for (let i = head; i < queue.length; i++) {
    const delivery = queue[i] as Delivery;
    bytes += delivery.payload.length;
    const node = nodes[delivery.to];
    if (node !== undefined) node.decodes++;
  }
  const perDuplicateMs = duplicatesProcessed > 0 ? duplicateMs / duplicatesProcessed : 0;
  const decodesDone = applied + duplicatesProcessed;
  if (nodes.some((n) => !n.reached)) throw new Error('flood did not reach every site');
  return {
    origin: siteId(originIndex),
    deliveries: queue.length,
    bytes,
    applied,
    duplicates: queue.length - applied,
    duplicatesProcessed,
    encodes,
    maxHops,
    sequentialMsToReachAll,
    totalCpuMs: processedMs + unprocessed * perDuplicateMs,
    duplicateCpuMs: duplicateMs + unprocessed * perDuplicateMs,
    decodeMsMean: decodeMs / decodesDone,
    applyMsMean: applyMs / decodesDone,
    encodeMsMean: encodeMs / encodes,
    payloadBytes: change.length,
    decodesPerSiteMax: Math.max(...nodes.map((n) => n.decodes)),
    peekMsMean: duplicatesProcessed > 0 ? peekMs / duplicatesProcessed : Number.NaN,
  };
}
