import { parsePromSamples } from './prom-samples.js';

/** The metric families cost accounting exposes; the console reads them from the router's /metrics. */
export const TRANSFER_BYTES = 'causeway_transfer_bytes_total';
export const TRANSFER_COST = 'causeway_transfer_cost_dollars_total';

/** Bytes and money between two places for one service. */
export interface CostRow {
  srcZone: string;
  srcRegion: string;
  dstZone: string;
  dstRegion: string;
  service: string;
  namespace: string;
  bytes: number;
  dollars: number;
}

/** The cost view: `available` is false when the router exposes no cost accounting at all. */
export interface CostReport {
  available: boolean;
  rows: CostRow[];
  totalBytes: number;
  totalDollars: number;
}

const ROW_LABELS = ['src_zone', 'src_region', 'dst_zone', 'dst_region', 'service', 'namespace'];

/**
 * Cost by zone/region pair and service from the router's Prometheus text. Counters since the
 * router started: the router keeps the rates; this view only sums the series it finds.
 */
export function costReport(metricsText: string): CostReport {
  const samples = parsePromSamples(metricsText, new Set([TRANSFER_BYTES, TRANSFER_COST]));
  const available =
    samples.length > 0 ||
    metricsText.includes(`# TYPE ${TRANSFER_BYTES} `) ||
    metricsText.includes(`# TYPE ${TRANSFER_COST} `);
  const rows = new Map<string, CostRow>();
  for (const s of samples) {
    if (!Number.isFinite(s.value)) continue;
    const parts = ROW_LABELS.map((l) => s.labels[l] ?? '');
    const key = parts.join('\u0000');
    const [
      srcZone = '',
      srcRegion = '',
      dstZone = '',
      dstRegion = '',
      service = '',
      namespace = '',
    ] = parts;
    const row = rows.get(key) ?? {
      ...{ srcZone, srcRegion, dstZone, dstRegion, service, namespace },
      ...{ bytes: 0, dollars: 0 },
    };
    rows.set(key, row);
    if (s.name === TRANSFER_BYTES) row.bytes += s.value;
    else row.dollars += s.value;
  }
  const sorted = [...rows.values()].sort((a, b) => b.dollars - a.dollars || b.bytes - a.bytes);
  return {
    available,
    rows: sorted,
    totalBytes: sorted.reduce((n, r) => n + r.bytes, 0),
    totalDollars: sorted.reduce((n, r) => n + r.dollars, 0),
  };
}
