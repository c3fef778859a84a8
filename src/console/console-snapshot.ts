import type { ServicesSnapshot, StatusReport, TrafficReport } from '../api/index.js';
import { errorCodeOf } from '../errors/index.js';
import { CausewayError } from '../errors/index.js';
import { costReport, type CostReport } from './cost-report.js';

/** What the console reads, all from the router's local API (the API client fits it). */
export interface ConsoleSource {
  status(): Promise<StatusReport>;
  services(): Promise<ServicesSnapshot>;
  traffic(rangeSeconds: number): Promise<TrafficReport>;
  metrics(): Promise<string>;
}

/** One view of the site for every page: what the console's event stream sends each refresh. */
export interface ConsoleSnapshot {
  kind: 'snapshot';
  /** Epoch ms at which it was read. */
  at: number;
  status: StatusReport;
  services: ServicesSnapshot;
  traffic: TrafficReport;
  cost: CostReport;
}

/** The router did not answer: the pages keep their last data and say so. */
export interface ConsoleUnavailable {
  kind: 'unavailable';
  at: number;
  code: string;
  message: string;
  hint: string | null;
}

export type ConsoleUpdate = ConsoleSnapshot | ConsoleUnavailable;

/** Reads everything the pages show in one go; a router that does not answer is a value, not a throw. */
export async function readConsoleUpdate(
  source: ConsoleSource,
  rangeSeconds: number,
  now: () => number,
): Promise<ConsoleUpdate> {
  try {
    const [status, services, traffic, metrics] = await Promise.all([
      source.status(),
      source.services(),
      source.traffic(rangeSeconds),
      source.metrics(),
    ]);
    return { kind: 'snapshot', at: now(), status, services, traffic, cost: costReport(metrics) };
  } catch (err) {
    return {
      kind: 'unavailable',
      at: now(),
      code: errorCodeOf(err),
      message: err instanceof Error ? err.message : String(err),
      hint: err instanceof CausewayError ? (err.hint ?? null) : null,
    };
  }
}
