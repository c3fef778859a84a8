import type { SitePlace } from '../observability/index.js';

/** Bytes one way between two places for one service, and what they cost. */
export interface Transfer {
  from: SitePlace;
  to: SitePlace;
  service: string;
  namespace: string;
  bytes: number;
  dollars: number;
}

/** What locality routing changed for one flow: its bytes and costs against round-robin's. */
export interface LocalityOutcome {
  /** Bytes that stayed in the client's zone but would have crossed, on average, under round-robin. */
  keptInZoneBytes: number;
  /** What the flow's bytes would have cost, on average, spread round-robin over the service's sites. */
  roundRobinDollars: number;
}

interface Bucket {
  minute: number;
  transfers: Map<string, Transfer>;
  keptInZoneBytes: number;
  roundRobinDollars: number;
}

/** One minute: `--since` is answered to the minute. */
const BUCKET_MS = 60_000;

/**
 * Transfers summed per minute for the last `retainMinutes` (a day by default), so `cost --since`
 * can ask for any window in it. Memory is bounded by minutes × distinct (pair, service) keys.
 */
export class TransferLedger {
  private readonly buckets: Bucket[] = [];

  constructor(
    private readonly now: () => number,
    private readonly retainMinutes = 24 * 60,
  ) {}

  /** Adds the transfers of one finished flow and what locality saved on it. */
  record(transfers: readonly Transfer[], locality: LocalityOutcome): void {
    const bucket = this.current();
    for (const t of transfers) {
      const key = transferKey(t);
      const sum = bucket.transfers.get(key);
      if (sum === undefined) bucket.transfers.set(key, { ...t });
      else {
        sum.bytes += t.bytes;
        sum.dollars += t.dollars;
      }
    }
    bucket.keptInZoneBytes += locality.keptInZoneBytes;
    bucket.roundRobinDollars += locality.roundRobinDollars;
  }

  /** Every transfer key summed over the minutes since `sinceMs` (epoch ms), and the locality figures. */
  since(sinceMs: number): { transfers: Transfer[]; locality: LocalityOutcome } {
    const sums = new Map<string, Transfer>();
    const locality = { keptInZoneBytes: 0, roundRobinDollars: 0 };
    const first = Math.floor(sinceMs / BUCKET_MS);
    for (const b of this.buckets) {
      if (b.minute < first) continue;
      locality.keptInZoneBytes += b.keptInZoneBytes;
      locality.roundRobinDollars += b.roundRobinDollars;
      for (const [key, t] of b.transfers) {
        const sum = sums.get(key);
        if (sum === undefined) sums.set(key, { ...t });
        else {
          sum.bytes += t.bytes;
          sum.dollars += t.dollars;
        }
      }
    }
    return { transfers: [...sums.values()], locality };
  }

  private current(): Bucket {
    const minute = Math.floor(this.now() / BUCKET_MS);
    const last = this.buckets.at(-1);
    if (last?.minute === minute) return last;
    const bucket: Bucket = {
      minute,
      transfers: new Map(),
      keptInZoneBytes: 0,
      roundRobinDollars: 0,
    };
    this.buckets.push(bucket);
    while ((this.buckets[0]?.minute ?? minute) <= minute - this.retainMinutes) this.buckets.shift();
    return bucket;
  }
}

function transferKey(t: Transfer): string {
  return [t.from.zone, t.from.region, t.to.zone, t.to.region, t.service, t.namespace].join(
    '\u0000',
  );
}
