import type { CostConfig } from '../config/index.js';
import type { SitePlace } from '../observability/index.js';

/** Dollars per GiB for bytes crossing one boundary, split by who pays: the sending and the receiving side. */
export interface TransferRate {
  outPerGb: number;
  inPerGb: number;
}

/** A price table: what bytes cost between zones of a region and between regions. */
export interface PriceTable {
  name: string;
  crossZone: TransferRate;
  crossRegion: TransferRate;
  regionPairs: ReadonlyArray<TransferRate & { from: string; to: string }>;
  /** Where the rates were read, and when; a user's table says `site.yaml`. */
  source: string;
  asOf: string;
}

/**
 * Clouds bill transfer per GB of 2^30 bytes (AWS's data-transfer line items are GB-Mo of 1024^3
 * bytes); every figure here uses the same unit so dollars match the bill.
 */
export const BYTES_PER_GB = 1024 ** 3;

const FREE: TransferRate = { outPerGb: 0, inPerGb: 0 };

/**
 * Published list prices, transcribed by hand on the date given (they change rarely; a site's
 * `cost:` section overrides any of them).
 * - AWS: "Data transferred between Availability Zones in the same Region: $0.01/GB in each
 *   direction" — both the sending and the receiving instance's accounts pay, so a byte that
 *   crosses costs $0.02. Between regions the sender pays $0.02/GB (US and EU regions).
 * - Google Cloud: VM-to-VM egress between zones of a region $0.01/GB; between regions within
 *   North America or Europe $0.02/GB; ingress is free.
 */
export const LIST_PRICES = {
  aws: {
    name: 'aws',
    crossZone: { outPerGb: 0.01, inPerGb: 0.01 },
    crossRegion: { outPerGb: 0.02, inPerGb: 0 },
    regionPairs: [],
    source: 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer',
    asOf: '2026-12-03',
  },
  gcp: {
    name: 'gcp',
    crossZone: { outPerGb: 0.01, inPerGb: 0 },
    crossRegion: { outPerGb: 0.02, inPerGb: 0 },
    regionPairs: [],
    source: 'https://cloud.google.com/vpc/network-pricing#vpc-pricing',
    asOf: '2026-12-03',
  },
  none: {
    name: 'none',
    crossZone: FREE,
    crossRegion: FREE,
    regionPairs: [],
    source: 'no prices: bytes are counted, dollars stay 0',
    asOf: '2026-12-03',
  },
} as const satisfies Record<CostConfig['prices'], PriceTable>;

/** The table a site's `cost:` section makes: a cloud's list prices with the site's rates over them. */
export function priceTableOf(config: CostConfig): PriceTable {
  const base: PriceTable = LIST_PRICES[config.prices];
  const custom =
    config.crossZone !== undefined ||
    config.crossRegion !== undefined ||
    config.regionPairs.length > 0;
  return {
    name: custom ? `${base.name}+site.yaml` : base.name,
    crossZone: config.crossZone ?? base.crossZone,
    crossRegion: config.crossRegion ?? base.crossRegion,
    regionPairs: config.regionPairs,
    source: custom ? `site.yaml cost: over ${base.source}` : base.source,
    asOf: base.asOf,
  };
}

/** What kind of boundary bytes from `from` to `to` cross. */
export type Crossing = 'none' | 'zone' | 'region';

export function crossingOf(from: SitePlace, to: SitePlace): Crossing {
  if (from.region !== to.region) return 'region';
  return from.zone === to.zone ? 'none' : 'zone';
}

/** Dollars per GiB for bytes sent from `from` to `to`, both sides' charges together. */
export function pricePerGb(table: PriceTable, from: SitePlace, to: SitePlace): number {
  const crossing = crossingOf(from, to);
  if (crossing === 'none') return 0;
  const rate =
    crossing === 'zone'
      ? table.crossZone
      : (table.regionPairs.find((p) => matches(p.from, from.region) && matches(p.to, to.region)) ??
        table.crossRegion);
  return rate.outPerGb + rate.inPerGb;
}

function matches(pattern: string, region: string): boolean {
  return pattern === '*' || pattern === region;
}

/** Dollars for `bytes` sent from `from` to `to`. */
export function transferCost(
  table: PriceTable,
  from: SitePlace,
  to: SitePlace,
  bytes: number,
): number {
  return (bytes / BYTES_PER_GB) * pricePerGb(table, from, to);
}
