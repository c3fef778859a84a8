import type { CostGrouping, CostReport, CostRow } from '../api/index.js';
import { crossingOf, type PriceTable } from './price-table.js';
import type { LocalityOutcome, Transfer } from './transfer-ledger.js';

export interface CostReportInput {
  site: string;
  by: CostGrouping;
  sinceMs: number;
  untilMs: number;
  prices: PriceTable;
  transfers: readonly Transfer[];
  locality: LocalityOutcome;
}

/** Groups transfers into the report's rows, dearest first; pure, so the console can call it on any ledger. */
export function buildCostReport(input: CostReportInput): CostReport {
  const rows = new Map<string, CostRow>();
  for (const t of input.transfers) {
    const key =
      input.by === 'service'
        ? `${t.service}.${t.namespace}`
        : [t.from.zone, t.from.region, t.to.zone, t.to.region].join('\u0000');
    const row = rows.get(key) ?? emptyRow(input.by, t);
    const crossing = crossingOf(t.from, t.to);
    row.bytes += t.bytes;
    row.dollars += t.dollars;
    if (crossing !== 'none') row.crossZoneBytes += t.bytes;
    if (crossing === 'region') row.crossRegionBytes += t.bytes;
    rows.set(key, row);
  }
  const sorted = [...rows.values()].sort(
    (a, b) => b.dollars - a.dollars || b.crossZoneBytes - a.crossZoneBytes || b.bytes - a.bytes,
  );
  const total = { bytes: 0, crossZoneBytes: 0, crossRegionBytes: 0, dollars: 0 };
  for (const r of sorted) {
    total.bytes += r.bytes;
    total.crossZoneBytes += r.crossZoneBytes;
    total.crossRegionBytes += r.crossRegionBytes;
    total.dollars += r.dollars;
  }
  const { prices } = input;
  return {
    site: input.site,
    by: input.by,
    since: new Date(input.sinceMs).toISOString(),
    until: new Date(input.untilMs).toISOString(),
    currency: 'USD',
    prices: { name: prices.name, source: prices.source, asOf: prices.asOf },
    rows: sorted,
    total,
    locality: {
      ...input.locality,
      savedDollars: input.locality.roundRobinDollars - total.dollars,
    },
  };
}

function emptyRow(by: CostGrouping, t: Transfer): CostRow {
  const zero = { bytes: 0, crossZoneBytes: 0, crossRegionBytes: 0, dollars: 0 };
  return by === 'service'
    ? { service: t.service, namespace: t.namespace, from: null, to: null, ...zero }
    : {
        service: null,
        namespace: null,
        from: { zone: t.from.zone, region: t.from.region },
        to: { zone: t.to.zone, region: t.to.region },
        ...zero,
      };
}
