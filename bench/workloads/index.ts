import { connectionRateWorkload } from './connection-rate.js';
import { idleFlowsWorkload } from './idle-flows.js';
import { latencyWorkload } from './latency.js';
import { throughputWorkload } from './throughput.js';
import type { Workload } from './workload.js';

export type { RunningTarget, Workload, WorkloadResult } from './workload.js';
export { idleFlowCapacity } from './idle-flows.js';

/** Knobs `bench/run.ts` takes from the command line; each bounds a workload's duration. */
export interface WorkloadSettings {
  readonly seconds: number;
  readonly rounds: number;
  readonly idleFlows: number;
}

/** Every workload by its `--only` key, in table order. */
export function workloads(settings: WorkloadSettings): ReadonlyMap<string, Workload> {
  return new Map<string, Workload>([
    ['throughput', throughputWorkload({ seconds: settings.seconds })],
    ['latency', latencyWorkload({ warmup: 500, rounds: settings.rounds, deadlineMs: 30_000 })],
    ['connection-rate', connectionRateWorkload({ concurrency: 64, seconds: settings.seconds })],
    ['idle-flows', idleFlowsWorkload({ flows: settings.idleFlows, openTimeoutMs: 120_000 })],
  ]);
}
