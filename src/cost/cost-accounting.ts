import { Counter, type Registry } from 'prom-client';
import type { CostGrouping, CostReport } from '../api/index.js';
import type { CostConfig } from '../config/index.js';
import { subscribeEvent, type SitePlace } from '../observability/index.js';
import { buildCostReport } from './cost-report.js';
import { flowTransfers } from './flow-transfers.js';
import { priceTableOf, type PriceTable } from './price-table.js';
import { TransferLedger, type Transfer } from './transfer-ledger.js';

/** What cost accounting reads from its site: config and places, as they are now. */
export interface CostAccountingDeps {
  site: string;
  registry: Registry;
  config(): CostConfig;
  /** Places of the sites exporting a service (round-robin's spread). */
  exporters(service: string, namespace: string): SitePlace[];
  now(): number;
}

const TRANSFER_LABELS = [
  'src_zone',
  'dst_zone',
  'src_region',
  'dst_region',
  'service',
  'namespace',
] as const;

/**
 * A site's cost accounting: subscribes to its `causeway:flow:close` events, keeps the ledger
 * `causeway cost` reads, and counts `causeway_transfer_*` for Prometheus. Prices are read from the
 * config at each flow's end, so a reload changes them from then on (figures already counted stay).
 */
export class CostAccounting {
  private readonly ledger: TransferLedger;
  private readonly bytes: Counter<(typeof TRANSFER_LABELS)[number]>;
  private readonly dollars: Counter<(typeof TRANSFER_LABELS)[number]>;
  private readonly roundRobin: Counter<'service' | 'namespace'>;
  private readonly unsubscribe: () => void;
  private table: { config: CostConfig; table: PriceTable } | undefined;

  constructor(private readonly deps: CostAccountingDeps) {
    this.ledger = new TransferLedger(() => deps.now());
    const registers = [deps.registry];
    this.bytes = new Counter({
      name: 'causeway_transfer_bytes_total',
      help: "Bytes carried for this site's clients, by the sender's and receiver's zone and region (each direction of a flow from its sender).",
      labelNames: TRANSFER_LABELS,
      registers,
    });
    this.dollars = new Counter({
      name: 'causeway_transfer_cost_dollars_total',
      help: "What those bytes cost at the site's price table, US dollars (both sides' charges).",
      labelNames: TRANSFER_LABELS,
      registers,
    });
    this.roundRobin = new Counter({
      name: 'causeway_transfer_round_robin_cost_dollars_total',
      help: "What the same flows would have cost spread round-robin over the service's sites; minus the cost total, what locality saved.",
      labelNames: ['service', 'namespace'],
      registers,
    });
    const stops = [
      subscribeEvent('flowClose', (e) => {
        // An HTTP import's connection has no one destination: its requests are counted instead.
        if (e.site === deps.site && e.protocol !== 'http') this.account(e);
      }),
      subscribeEvent('httpRequest', (e) => {
        if (e.site === deps.site) this.account({ ...e, side: 'ingress', opened: true });
      }),
    ];
    this.unsubscribe = () => stops.forEach((stop) => stop());
  }

  /** The cost report over the last `sinceMs` milliseconds. */
  report(by: CostGrouping, sinceMs: number): CostReport {
    const untilMs = this.deps.now();
    const from = untilMs - sinceMs;
    return buildCostReport({
      site: this.deps.site,
      by,
      sinceMs: from,
      untilMs,
      prices: this.prices(),
      ...this.ledger.since(from),
    });
  }

  stop(): void {
    this.unsubscribe();
  }

  private account(flow: Parameters<typeof flowTransfers>[0]): void {
    const counted = flowTransfers(
      flow,
      this.prices(),
      this.deps.exporters(flow.service, flow.namespace),
    );
    if (counted === null) return;
    this.ledger.record(counted.transfers, counted.locality);
    for (const t of counted.transfers) this.count(t);
    this.roundRobin
      .labels({ service: flow.service, namespace: flow.namespace })
      .inc(counted.locality.roundRobinDollars);
  }

  private count(t: Transfer): void {
    const labels = {
      src_zone: t.from.zone,
      dst_zone: t.to.zone,
      src_region: t.from.region,
      dst_region: t.to.region,
      service: t.service,
      namespace: t.namespace,
    };
    this.bytes.labels(labels).inc(t.bytes);
    this.dollars.labels(labels).inc(t.dollars);
  }

  /** The price table, rebuilt only when a reload brought another config. */
  private prices(): PriceTable {
    const config = this.deps.config();
    if (this.table?.config !== config) this.table = { config, table: priceTableOf(config) };
    return this.table.table;
  }
}
